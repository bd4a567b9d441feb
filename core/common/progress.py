"""How long-running core functions report progress and learn they should stop.

Every such function takes `progress(done, total)` and `cancelled() -> bool`; the CLI prints
the progress to stderr, the GUI's task runner turns it into Qt signals. Raising `Cancelled`
inside a transaction rolls it back, so a cancelled job changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[int, int], None]
CancelCheck = Callable[[], bool]


class Cancelled(Exception):
    """The user asked the running job to stop."""


def no_progress(_done: int, _total: int) -> None:
    """A progress callback that reports nowhere."""


def never_cancelled() -> bool:
    return False


def stop_if_cancelled(cancelled: CancelCheck) -> None:
    """Raise `Cancelled` when asked to stop: between the long reads of a job."""
    if cancelled():
        raise Cancelled
