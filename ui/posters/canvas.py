"""The designer's canvas: the core renderer's picture with a transparent box over each layer.

What the operator sees is the rendered poster itself (a pixmap from core.posters.render); the
boxes on top only catch the mouse: select, move, resize with handles, snap to the canvas
centre and edges and to other layers' edges with guide lines, rotate with the round handle.
A finished drag is reported as `geometry_edited(index, x, y, width, height)` or
`rotation_edited(index, degrees)`; the designer turns it into an undoable edit and
the canvas is redrawn from the new template, so the canvas never holds state of its own.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QImage,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsPathItem,
    QGraphicsPixmapItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsView,
    QStyleOptionGraphicsItem,
    QWidget,
)

from core.posters.compliance import RiskyPhrase
from core.posters.copy_marks import CopyMark
from core.posters.template import BackgroundLayer, Layer, QrLayer, Template
from core.posters.text_placement import SpanBox
from ui.common.i18n import shown, shown_name
from ui.common.quiet import Quiet

SNAP_SCREEN_PX = 6  # how close (on screen) an edge must come to a guide to snap to it
HANDLE_PX = 9
ROTATION_STEM_PX = 24  # the rotation handle sits this far above the box, on screen
ROTATION_SNAP_DEGREES = 3
MIN_SIZE = 4
MIN_ZOOM, MAX_ZOOM = 0.05, 8.0
_SELECTED = QColor("#2563eb")
_GUIDE = QColor("#db2777")
_LOCKED = QColor("#9ca3af")
_RISKY = QColor("#dc2626")
_WARNING = QColor("#ea580c")


class PosterCanvas(QGraphicsView):
    """A zoomable view of one rendered poster with editable layer boxes."""

    layer_clicked = Signal(int)  # -1: clicked outside every layer
    geometry_edited = Signal(int, float, float, float, float)
    zoom_changed = Signal(float)
    nudge_requested = Signal(int, int)  # arrow keys: move the selected layer by (dx, dy)
    rotation_edited = Signal(int, float)  # index, degrees clockwise
    delete_requested = Signal()  # Delete or Backspace with a layer selected

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("posterCanvas")
        self.setScene(QGraphicsScene(self))
        self.setRenderHints(QPainter.RenderHint.SmoothPixmapTransform)
        self.setBackgroundBrush(QColor("#e5e7eb"))
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setDragMode(QGraphicsView.DragMode.NoDrag)
        self.template: Template | None = None
        self._fit_mode = True
        self._quiet = Quiet()  # selection changes made by the program are not clicks
        self._items: dict[int, LayerItem] = {}
        self._retired: list[LayerItem] = []
        self._mark_items: list[CopyMarkItem] = []
        self._warnings: dict[int, str] = {}
        self._page = QGraphicsRectItem()
        self._page.setPen(QPen(Qt.PenStyle.NoPen))
        self._page.setBrush(QColor("#ffffff"))
        self._page.setZValue(-2)
        self._pixmap = QGraphicsPixmapItem()
        self._pixmap.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self._pixmap.setZValue(-1)
        guide_pen = QPen(_GUIDE, 1)
        guide_pen.setCosmetic(True)
        self._vguide = QGraphicsLineItem()
        self._hguide = QGraphicsLineItem()
        for item in (self._page, self._pixmap, self._vguide, self._hguide):
            self.scene().addItem(item)
        for guide in (self._vguide, self._hguide):
            guide.setPen(guide_pen)
            guide.setZValue(10_000)
            guide.hide()
        self.scene().selectionChanged.connect(self._selection_changed)

    # ------------------------------------------------------------------ content

    def set_template(self, template: Template, selected: int) -> None:
        """Rebuild the layer boxes for `template` and select layer `selected` (-1: none)."""
        resized = self.template is None or (self.template.width, self.template.height) != (
            template.width,
            template.height,
        )
        self.template = template
        with self._quiet:
            self._sync_items(template)
            self._select(selected)
        if resized:
            page = QRectF(0, 0, template.width, template.height)
            self._page.setRect(page)
            margin = max(template.width, template.height) * 0.04
            self.setSceneRect(page.adjusted(-margin, -margin, margin, margin))
            self._vguide.setLine(0, 0, 0, template.height)
            self._hguide.setLine(0, 0, template.width, 0)
            self.fit()

    def _sync_items(self, template: Template) -> None:
        """Keep the boxes of unchanged layers; replace only those that changed."""
        wanted = {
            index: layer
            for index, layer in enumerate(template.layers)
            if not isinstance(layer, BackgroundLayer) and layer.visible
        }
        for index in list(self._items):
            item = self._items[index]
            if wanted.get(index) != item.layer or item.layer.kind != wanted[index].kind:
                self._retire(index)
        for index, layer in wanted.items():
            if index not in self._items:
                item = LayerItem(index, layer)
                self.scene().addItem(item)
                self._items[index] = item
                # Until the next render says otherwise, a remade box keeps its warning.
                item.set_warning(self._warnings.get(index, ""))

    def set_copy_marks(self, marks: list[CopyMark]) -> None:
        """Underline each risky phrase on its layer with a red wavy line; its reason as tip."""
        for item in self._mark_items:
            if item.scene() is not None:
                item.scene().removeItem(item)
        self._mark_items = []
        for mark in marks:
            owner = self._items.get(mark.layer_index)
            if owner is None:
                continue
            for box in mark.boxes:
                self._mark_items.append(CopyMarkItem(owner, box, mark.phrase))

    def set_layer_warnings(self, warnings: dict[int, str]) -> None:
        """Outline the layers with a problem (a QR too small, too pale, unreadable) in orange,
        with the problem as their tooltip."""
        self._warnings = dict(warnings)
        for index, item in self._items.items():
            item.set_warning(self._warnings.get(index, ""))

    def layer_warning(self, index: int) -> str:
        item = self._items.get(index)
        return item.warning if item is not None else ""

    def copy_mark_items(self) -> list[CopyMarkItem]:
        return list(self._mark_items)

    def _retire(self, index: int) -> None:
        # The item may be the one whose mouse handler reported the edit: it is kept alive
        # until control is back in the event loop, then deleted.
        item = self._items.pop(index)
        self.scene().removeItem(item)
        self._retired.append(item)
        QTimer.singleShot(0, self._retired.clear)

    def restore(self, index: int) -> None:
        """Put a layer's box back where its layer says (a refused drag)."""
        if index in self._items:
            self._retire(index)
        if self.template is not None:
            self.set_template(self.template, index)

    def set_image(self, image: QImage) -> None:
        self._pixmap.setPixmap(QPixmap.fromImage(image))

    def background_image(self) -> QImage:
        """The rendered poster shown under the boxes (what the tests compare with core)."""
        return self._pixmap.pixmap().toImage()

    def set_selected(self, index: int) -> None:
        with self._quiet:
            self._select(index)

    def item_for(self, index: int) -> LayerItem | None:
        return self._items.get(index)

    def _select(self, index: int) -> None:
        self.scene().clearSelection()
        item = self._items.get(index)
        if item is not None:
            item.setSelected(True)

    def _selection_changed(self) -> None:
        for item in self._items.values():
            item.show_handles(item.isSelected())
        if self._quiet:
            return
        selected = [i for i in self.scene().selectedItems() if isinstance(i, LayerItem)]
        self.layer_clicked.emit(selected[0].index if selected else -1)

    # ------------------------------------------------------------------ snapping

    def snap_threshold(self) -> float:
        return SNAP_SCREEN_PX / max(self.zoom(), 1e-6)

    def snap_targets(self, exclude: int) -> tuple[list[float], list[float]]:
        """x and y lines a moving box may snap to: canvas edges and centre, other boxes."""
        template = self.template
        if template is None:
            return [], []
        xs = [0.0, template.width / 2, float(template.width)]
        ys = [0.0, template.height / 2, float(template.height)]
        for index, item in self._items.items():
            if index == exclude:
                continue
            rect = item.sceneBoundingRect()
            xs += [rect.left(), rect.center().x(), rect.right()]
            ys += [rect.top(), rect.center().y(), rect.bottom()]
        return xs, ys

    def snap(self, edges: list[float], targets: list[float]) -> tuple[float, float | None]:
        """The shift that puts the closest of `edges` on a target, and that target."""
        best: tuple[float, float | None] = (0.0, None)
        limit = self.snap_threshold()
        for edge in edges:
            for target in targets:
                distance = abs(target - edge)
                if distance <= limit and (best[1] is None or distance < abs(best[0])):
                    best = (target - edge, target)
        return best

    def show_guides(self, x: float | None, y: float | None) -> None:
        self._vguide.setVisible(x is not None)
        self._hguide.setVisible(y is not None)
        if x is not None:
            self._vguide.setPos(x, 0)
        if y is not None:
            self._hguide.setPos(0, y)

    # ------------------------------------------------------------------ zoom

    def zoom(self) -> float:
        return self.transform().m11()

    def set_zoom(self, factor: float) -> None:
        factor = max(MIN_ZOOM, min(MAX_ZOOM, factor))
        self._fit_mode = False
        self.resetTransform()
        self.scale(factor, factor)
        self.zoom_changed.emit(factor)

    def zoom_by(self, step: float) -> None:
        self.set_zoom(self.zoom() * step)

    def fit(self) -> None:
        """The whole poster in view; kept fitted while the window is resized."""
        if self.template is None:
            return
        self.fitInView(self.sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)
        self._fit_mode = True
        self.zoom_changed.emit(self.zoom())

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoom_by(1.15 ** (event.angleDelta().y() / 120))
            event.accept()
            return
        super().wheelEvent(event)

    def keyPressEvent(self, event) -> None:
        """Arrow keys nudge the selected layer by 1 px (10 px with Shift) instead of scrolling."""
        steps = {
            Qt.Key.Key_Left: (-1, 0),
            Qt.Key.Key_Right: (1, 0),
            Qt.Key.Key_Up: (0, -1),
            Qt.Key.Key_Down: (0, 1),
        }
        if event.key() in steps and self.scene().selectedItems():
            scale = 10 if event.modifiers() & Qt.KeyboardModifier.ShiftModifier else 1
            dx, dy = steps[event.key()]
            self.nudge_requested.emit(dx * scale, dy * scale)
            event.accept()
            return
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and (
            self.scene().selectedItems()
        ):
            self.delete_requested.emit()
            event.accept()
            return
        super().keyPressEvent(event)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self._fit_mode:
            self.fit()


class LayerItem(QGraphicsRectItem):
    """The invisible, selectable box of one layer; drawn only as an outline when selected."""

    def __init__(self, index: int, layer: Layer) -> None:
        super().__init__(0, 0, layer.width, layer.height)
        self.index = index
        self.layer = layer
        self.setPos(layer.x, layer.y)
        self.setTransformOriginPoint(layer.width / 2, layer.height / 2)
        self.setRotation(layer.rotation)
        self.setZValue(index)
        self.setPen(QPen(Qt.PenStyle.NoPen))
        self.setBrush(QBrush(Qt.BrushStyle.NoBrush))
        self.setAcceptHoverEvents(True)
        flags = QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
        if not layer.locked:
            flags |= QGraphicsItem.GraphicsItemFlag.ItemIsMovable
        self.setFlags(flags | QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges)
        self.setToolTip(shown_name(layer.name))
        self._hovered = False
        self._dragging = False
        self._press_pos = QPointF()
        self._handles: list[Handle] = []  # made when selected: few items, fast rebuilds
        self.warning = ""

    @property
    def canvas(self) -> PosterCanvas:
        # Looked up rather than stored: no reference cycle between the view and its items.
        return self.scene().views()[0]

    @property
    def locked(self) -> bool:
        return self.layer.locked

    def keep_aspect(self) -> bool:
        return isinstance(self.layer, QrLayer)

    def show_handles(self, visible: bool) -> None:
        if visible and not self._handles and not self.locked:
            spots = [(h, v) for h in (0, 1, 2) for v in (0, 1, 2) if (h, v) != (1, 1)]
            self._handles = [Handle(self, h, v) for h, v in spots]
            if not isinstance(self.layer, BackgroundLayer):
                self._handles.append(RotationHandle(self))
            self.place_handles()
        elif not visible and self._handles:
            for handle in self._handles:
                handle.setParentItem(None)
                if handle.scene() is not None:
                    handle.scene().removeItem(handle)
            self._handles = []

    def place_handles(self) -> None:
        rect = self.rect()
        for handle in self._handles:
            handle.setPos(
                rect.left() + rect.width() * handle.h / 2, rect.top() + rect.height() * handle.v / 2
            )
            if isinstance(handle, RotationHandle):
                # It ignores the view's transformations, rotation included: turn it by hand.
                handle.setRotation(self.rotation())

    def report_rotation(self) -> None:
        self.canvas.rotation_edited.emit(self.index, round(self.rotation(), 1))

    def set_warning(self, text: str) -> None:
        if text != self.warning:
            self.warning = text
            name = shown_name(self.layer.name)
            self.setToolTip(f"{name}\n{text}" if text else name)
            self.update()

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        if self.warning and not self.isSelected():
            pen = QPen(_WARNING, 2, Qt.PenStyle.DashLine)
            pen.setCosmetic(True)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(self.rect())
            return
        if not (self.isSelected() or self._hovered):
            return
        color = _LOCKED if self.locked else _SELECTED
        pen = QPen(color, 2 if self.isSelected() else 1)
        pen.setCosmetic(True)
        if self.locked:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(self.rect())

    def hoverEnterEvent(self, event) -> None:
        self._hovered = True
        self.update()
        super().hoverEnterEvent(event)

    def hoverLeaveEvent(self, event) -> None:
        self._hovered = False
        self.update()
        super().hoverLeaveEvent(event)

    def mousePressEvent(self, event) -> None:
        self._press_pos = self.pos()
        self._dragging = not self.locked
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        super().mouseReleaseEvent(event)
        self._dragging = False
        self.canvas.show_guides(None, None)
        if self.pos() != self._press_pos:
            self.report()

    def itemChange(self, change, value):
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionChange and self._dragging:
            if _alt_held():
                self.canvas.show_guides(None, None)
                return value
            shift = value - self.pos()
            box = self.sceneBoundingRect().translated(shift)
            xs, ys = self.canvas.snap_targets(self.index)
            dx, gx = self.canvas.snap([box.left(), box.center().x(), box.right()], xs)
            dy, gy = self.canvas.snap([box.top(), box.center().y(), box.bottom()], ys)
            self.canvas.show_guides(gx, gy)
            return QPointF(value.x() + dx, value.y() + dy)
        return super().itemChange(change, value)

    def report(self) -> None:
        """Tell the canvas the layer's new box: the rect's centre, on the scene, is the box's."""
        rect = self.rect()
        centre = self.mapToScene(rect.center())
        self.canvas.geometry_edited.emit(
            self.index,
            round(centre.x() - rect.width() / 2, 1),
            round(centre.y() - rect.height() / 2, 1),
            round(rect.width(), 1),
            round(rect.height(), 1),
        )


class _DragHandle:
    """What the resize and rotation handles share: their look (white, outlined, the same size
    at any zoom) and the drag, which `dragged(event)` follows and `released()` ends."""

    _dragging = False

    def _look_like_a_handle(self) -> QPen:
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        pen = QPen(_SELECTED, 1)
        pen.setCosmetic(True)
        self.setPen(pen)
        self.setBrush(QColor("#ffffff"))
        return pen

    def mousePressEvent(self, event) -> None:
        self._dragging = True
        event.accept()

    def mouseMoveEvent(self, event) -> None:
        if self._dragging:
            self.dragged(event)

    def mouseReleaseEvent(self, event) -> None:
        if self._dragging:
            self._dragging = False
            self.released()

    def dragged(self, event) -> None:
        raise NotImplementedError

    def released(self) -> None:
        raise NotImplementedError


class Handle(_DragHandle, QGraphicsRectItem):
    """A resize handle at a corner or an edge's middle (h, v ∈ 0 left/top, 1 middle, 2 right)."""

    def __init__(self, owner: LayerItem, h: int, v: int) -> None:
        half = HANDLE_PX / 2
        super().__init__(-half, -half, HANDLE_PX, HANDLE_PX, owner)
        self.h, self.v = h, v
        self._look_like_a_handle()
        cursors = {
            (0, 0): Qt.CursorShape.SizeFDiagCursor,
            (2, 2): Qt.CursorShape.SizeFDiagCursor,
            (2, 0): Qt.CursorShape.SizeBDiagCursor,
            (0, 2): Qt.CursorShape.SizeBDiagCursor,
        }
        horizontal = Qt.CursorShape.SizeHorCursor
        vertical = Qt.CursorShape.SizeVerCursor
        self.setCursor(cursors.get((h, v), horizontal if v == 1 else vertical))

    def dragged(self, event) -> None:
        owner = self.parentItem()
        point = owner.mapFromScene(event.scenePos())
        rect = QRectF(owner.rect())
        snapping = owner.rotation() == 0 and not _alt_held()
        canvas = owner.canvas
        xs, ys = canvas.snap_targets(owner.index) if snapping else ([], [])
        origin = owner.pos()
        gx = gy = None
        if self.h != 1:
            x = point.x()
            if snapping:
                dx, gx = canvas.snap([x + origin.x()], xs)
                x += dx
            if self.h == 0:
                rect.setLeft(min(x, rect.right() - MIN_SIZE))
            else:
                rect.setRight(max(x, rect.left() + MIN_SIZE))
        if self.v != 1:
            y = point.y()
            if snapping:
                dy, gy = canvas.snap([y + origin.y()], ys)
                y += dy
            if self.v == 0:
                rect.setTop(min(y, rect.bottom() - MIN_SIZE))
            else:
                rect.setBottom(max(y, rect.top() + MIN_SIZE))
        corner = self.h != 1 and self.v != 1
        if corner and (
            owner.keep_aspect() or event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        ):
            ratio = owner.layer.width / owner.layer.height
            if rect.width() / rect.height() > ratio:
                width = rect.height() * ratio
                if self.h == 0:
                    rect.setLeft(rect.right() - width)
                else:
                    rect.setRight(rect.left() + width)
            else:
                height = rect.width() / ratio
                if self.v == 0:
                    rect.setTop(rect.bottom() - height)
                else:
                    rect.setBottom(rect.top() + height)
            gx = gy = None
        canvas.show_guides(gx, gy)
        owner.setRect(rect)
        owner.place_handles()

    def released(self) -> None:
        self.parentItem().canvas.show_guides(None, None)
        self.parentItem().report()


class CopyMarkItem(QGraphicsPathItem):
    """A red wavy underline under a risky phrase, inside its layer's box (so it turns with it).

    It takes no mouse buttons: a click goes to the layer below; hovering shows the reason.
    """

    def __init__(self, owner: LayerItem, box: SpanBox, phrase: RiskyPhrase) -> None:
        super().__init__(owner)
        self.phrase = phrase
        y = box.baseline + box.size * 0.14
        wave = max(2.0, box.size * 0.06)
        path = QPainterPath(QPointF(box.x, y))
        x, up = box.x, True
        while x < box.x + box.width:
            x = min(x + wave * 2, box.x + box.width)
            path.lineTo(x, y - wave if up else y)
            up = not up
        # A band over the phrase's glyphs catches the hover for the tooltip.
        self._hover_area = QRectF(box.x, box.baseline - box.size, box.width, box.size * 1.3)
        pen = QPen(_RISKY, 2)
        pen.setCosmetic(True)
        self.setPen(pen)
        self.setPath(path)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setToolTip(
            QApplication.translate("canvas", "「{phrase}」：{reason}").format(
                phrase=phrase.text, reason=shown(phrase.reason)
            )
        )
        self.setZValue(1)

    def shape(self) -> QPainterPath:
        area = QPainterPath()
        area.addRect(self._hover_area)
        return area

    def boundingRect(self) -> QRectF:
        return super().boundingRect().united(self._hover_area)


class RotationHandle(_DragHandle, QGraphicsEllipseItem):
    """The round handle above a box's top edge: drag to rotate about the centre.

    Shift steps by 15°; near 0°, 90°, 180° and 270° it snaps unless Alt is held.
    """

    h, v = 1, 0  # placed at the middle of the top edge; drawn above it, in screen pixels

    def __init__(self, owner: LayerItem) -> None:
        size = HANDLE_PX + 3
        super().__init__(-size / 2, -ROTATION_STEM_PX - size / 2, size, size, owner)
        pen = self._look_like_a_handle()
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setToolTip(QApplication.translate("canvas", "拖动旋转（Shift：每次 15°）"))
        stem = QGraphicsLineItem(0, -ROTATION_STEM_PX + size / 2, 0, 0, self)
        stem.setPen(pen)

    def dragged(self, event) -> None:
        owner = self.parentItem()
        centre = owner.mapToScene(owner.rect().center())
        delta = event.scenePos() - centre
        if delta.x() == 0 and delta.y() == 0:
            return
        # 0° points up and angles grow clockwise, as the template's rotation does.
        degrees = math.degrees(math.atan2(delta.x(), -delta.y()))
        owner.setRotation(snap_angle(degrees, event.modifiers()))
        owner.place_handles()

    def released(self) -> None:
        owner = self.parentItem()
        if round(owner.rotation(), 1) != round(owner.layer.rotation, 1):
            owner.report_rotation()


def snap_angle(degrees: float, modifiers=Qt.KeyboardModifier.NoModifier) -> float:
    """The angle in (-180, 180]: in 15° steps with Shift, else snapped to right angles nearby."""
    if modifiers & Qt.KeyboardModifier.ShiftModifier:
        degrees = round(degrees / 15) * 15
    elif not modifiers & Qt.KeyboardModifier.AltModifier:
        nearest = round(degrees / 90) * 90
        if abs(degrees - nearest) <= ROTATION_SNAP_DEGREES:
            degrees = nearest
    degrees = round(degrees, 1) % 360
    return degrees - 360 if degrees > 180 else degrees


def _alt_held() -> bool:
    """Holding Alt while dragging turns snapping off, as in most design tools."""
    return bool(QApplication.keyboardModifiers() & Qt.KeyboardModifier.AltModifier)
