"""Pausing the cyclic garbage collector while a step makes millions of objects that all stay
alive until it ends (an import's plan, a campaign's facts and reward decisions): the collector
would walk them all again and again for nothing. Reference counting still frees the rest."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside; the collector's state before is restored after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
