"""The designer's live preview: the core renderer run off the GUI thread, one render at a time.

Edits ask for a render with `request(template, assets, data)`; requests closer together than
RENDER_DELAY_MS make one render, and a request made while a render runs is done right after it
with the newest state, so the canvas never falls behind for long and never shows an old result
after a newer one. A renderer is kept while only the data changes (its cached layers reused).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QImage

from core.common.errors import UserError
from core.posters.render import PosterRenderer
from core.posters.template import Template
from core.posters.verify import verify_poster
from ui.common.i18n import shown
from ui.common.tasks import Task, while_alive

RENDER_DELAY_MS = 40  # a 1080×1920 poster takes 0.1–0.4 s; typing and arrows render once


def pil_to_qimage(image) -> QImage:
    """An RGB Pillow image as a QImage that owns its pixels (safe to hand across threads)."""
    rgb = image.convert("RGB")
    data = rgb.tobytes("raw", "RGB")
    return QImage(data, rgb.width, rgb.height, rgb.width * 3, QImage.Format.Format_RGB888).copy()


class LiveRender(QObject):
    """Renders the newest requested state and checks its QR codes the way an export does;
    `rendered(RenderedPoster, QImage, PosterCheck)` or `failed(str)`."""

    rendered = Signal(object, QImage, object)
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._state: tuple[Template, dict, dict[str, Any]] | None = None
        self._renderer: PosterRenderer | None = None
        self._busy = False  # Task.running turns False before its result is delivered
        self._again = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(RENDER_DELAY_MS)
        self._timer.timeout.connect(self._start)

    def request(self, template: Template, assets: dict, data: dict[str, Any]) -> None:
        self._state = (template, assets, data)
        self._timer.start()

    def pending(self) -> bool:
        """Whether a newer picture is still to come (tests wait on this)."""
        return self._busy or self._again or self._timer.isActive()

    def _start(self) -> None:
        if self._state is None:
            return
        if self._busy:
            self._again = True
            return
        self._again = False
        template, assets, data = self._state
        renderer = self._renderer
        if renderer is None or renderer.template is not template:
            renderer = self._renderer = PosterRenderer(template, assets)

        def work(_progress, _cancelled):
            rendered = renderer.render(data)
            check = verify_poster(rendered, dpi=template.dpi, template=template)
            return rendered, pil_to_qimage(rendered.image), check

        self._busy = True
        task = Task(work)
        task.succeeded.connect(while_alive(self, self._succeeded))
        task.failed.connect(while_alive(self, self._failed))
        task.finished.connect(while_alive(self, self._finished))
        task.start()

    def _succeeded(self, result) -> None:
        if not self._again:  # a newer state is waiting: skip this picture
            self.rendered.emit(*result)

    def _failed(self, error: Exception) -> None:
        if not self._again:
            # shown() here: a signal of str hands the slot a plain string, not the message.
            self.failed.emit(shown(error.message) if isinstance(error, UserError) else str(error))

    def _finished(self) -> None:
        self._busy = False
        if self._again:
            self._start()
