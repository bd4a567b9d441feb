"""Posters: the template document, the one Pillow renderer, QR verification, bulk export
and the copy checker. No Qt here: the designer tab draws its handles over this output."""
