"""Poster designer tests: a guard against PySide6 6.12's reference leak on `None` (Python 3.11).

PySide6 6.12.0 returns `None` from void methods without taking a reference (correct only on
Python ≥ 3.12, where `None` is immortal). On 3.11 every such call costs `None` one reference;
the designer makes thousands (a canvas rebuild, handles, a property panel refill), and when the
count reaches zero the interpreter aborts ("none_dealloc"), usually at exit. Until the program
runs on Python ≥ 3.12 (or the application applies the same guard at start-up), the tests give
`None` a reserve so that the leak cannot end the test run.
"""

from __future__ import annotations

import ctypes
import sys

if sys.version_info < (3, 12):
    # ob_refcnt is the first field of every object.
    ctypes.c_ssize_t.from_address(id(None)).value += 1 << 40
