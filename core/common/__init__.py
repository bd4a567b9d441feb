"""Pieces shared by more than one feature of core."""
