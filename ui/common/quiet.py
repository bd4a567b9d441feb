"""A flag for "the program, not the user, is changing this": a widget that fills its fields or
lists, or moves its selection, sets it, and its signal handlers ignore what happens meanwhile."""

from __future__ import annotations


class Quiet:
    """`with self.quiet:` around the program's own changes; `if self.quiet:` in a handler."""

    def __init__(self) -> None:
        self._depth = 0

    def __bool__(self) -> bool:
        return self._depth > 0

    def __enter__(self) -> Quiet:
        self._depth += 1
        return self

    def __exit__(self, *_exc: object) -> None:
        self._depth -= 1
