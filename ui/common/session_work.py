"""Work for `run_task` (ui/common/tasks.py) that is one core step in one database session: the
step takes the session first and, like every long step of core, `progress` and `cancelled`
(an import's preview, the import itself)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.common.database import Database
    from ui.common.tasks import Work


def in_session(
    database: Database, step: Callable[..., Any], *args: Any, write: bool = False, **kwargs: Any
) -> Work:
    """`step(session, *args, **kwargs, progress=…, cancelled=…)` in one session of `database`,
    committed when the step returns (`write`: a write session, for a step that writes). The
    arguments are given now, on the GUI thread, so the worker reads no widget: hand it a copy
    of what the dialog goes on changing."""

    def work(progress: Callable[[int, int], None], cancelled: Callable[[], bool]) -> Any:
        with database.session(write=write) as session:
            return step(session, *args, progress=progress, cancelled=cancelled, **kwargs)

    return work
