"""The property panel's groups per layer kind, and the order they are shown in.

文字/排版/描边 are in text_groups.py; here: 二维码, 图片, 头像, 形状, 填充 and 背景图片.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QCheckBox, QLineEdit

from core.posters.template import (
    AvatarLayer,
    BackgroundLayer,
    ImageLayer,
    QrLayer,
    Shadow,
    ShapeLayer,
)
from ui.common.widgets import choice, hint_label, select_data
from ui.posters.fields import AssetField, ColorField, spin
from ui.posters.fill_editor import FillEditor
from ui.posters.layer_group import LayerGroup
from ui.posters.text_groups import TextGroup, TextLayoutGroup, TextStrokeGroup


class QrGroup(LayerGroup):
    kinds = (QrLayer,)

    def __init__(self) -> None:
        super().__init__(self.tr("二维码"), "posterQrGroup")
        self.source = choice(
            "posterQrSource",
            [
                (self.tr("成员的邀请链接"), "{邀请链接}"),
                (self.tr("成员的邀请码"), "{邀请码}"),
                (self.tr("社群的群二维码（来自社群页）"), "{群二维码}"),
                (self.tr("固定内容（下方填写）"), ""),
            ],
        )
        self.source.setToolTip(
            self.tr("群二维码取自「社群」页上传的群码，重新生成为清晰的码；过期的群码不会用")
        )
        self.content = QLineEdit()
        self.content.setObjectName("posterQrContent")
        self.content.setPlaceholderText(self.tr("链接或文字"))
        self.level = choice(
            "posterQrLevel",
            [
                (self.tr("L（7%，码最小）"), "L"),
                (self.tr("M（15%，推荐）"), "M"),
                (self.tr("Q（25%）"), "Q"),
                (self.tr("H（30%，放 logo 时用）"), "H"),
            ],
        )
        self.level_note = hint_label(
            self.tr("中间放了 logo，纠错级别固定为 H，被遮住的部分仍能扫出"), "posterQrLevelNote"
        )
        self.dark = ColorField("posterQrDark")
        self.light = ColorField("posterQrLight")
        self.quiet_zone = spin("posterQrQuietZone", 4, 20, 0, self.tr(" 格"))
        self.quiet_zone.setToolTip(self.tr("码四周的浅色留白，至少 4 格，否则可能扫不出"))
        self.logo = AssetField("posterQrLogo", self.tr("移除 logo"))
        self.asset_fields = {"logo": self.logo}
        self.form.addRow(self.tr("扫码得到"), self.source)
        self.form.addRow(self.tr("内容"), self.content)
        self.form.addRow(self.tr("纠错级别"), self.level)
        self.form.addRow("", self.level_note)
        self.form.addRow(self.tr("深色"), self.dark)
        self.form.addRow(self.tr("浅色"), self.light)
        self.form.addRow(self.tr("留白"), self.quiet_zone)
        self.form.addRow(self.tr("Logo"), self.logo)
        self.content.editingFinished.connect(
            lambda: self.report({"content": self.content.text().strip()}, "content")
        )
        self.source.activated.connect(self._source_chosen)
        self.on_choice(self.level, "error_correction")
        self.dark.changed.connect(lambda value: self.report({"dark": value}))
        self.light.changed.connect(lambda value: self.report({"light": value}))
        self.on_value(self.quiet_zone, "quiet_zone", int)
        self.logo.cleared.connect(lambda: self.report({"logo": ""}))

    def _source_chosen(self, _index: int) -> None:
        content = self.source.currentData()
        if content:
            self.report({"content": content})
        else:  # fixed content: type it below
            self.content.clear()
            self.content.setFocus()

    def fill_fields(self, layer: QrLayer) -> None:
        self.content.setText(layer.content)
        preset = self.source.findData(layer.content.strip())
        self.source.setCurrentIndex(preset if preset >= 0 else self.source.count() - 1)
        # With a logo the renderer always uses H: show that rather than the stored level.
        select_data(self.level, "H" if layer.logo else layer.error_correction)
        self.level.setEnabled(not layer.logo)
        self.form.setRowVisible(self.level_note, bool(layer.logo))
        self.dark.set_value(layer.dark)
        self.light.set_value(layer.light)
        self.quiet_zone.setValue(layer.quiet_zone)
        text, muted = self.picture_text(layer.logo, self.tr("无 logo"))
        self.logo.set_value(text, can_clear=bool(layer.logo), muted=muted)


class ImageGroup(LayerGroup):
    kinds = (ImageLayer,)

    def __init__(self) -> None:
        super().__init__(self.tr("图片"), "posterImageGroup")
        self.src = AssetField("posterImageSrc", self.tr("移除图片"))
        self.fit = choice(
            "posterImageFit",
            [
                (self.tr("铺满（裁掉多余部分）"), "cover"),
                (self.tr("完整显示（留空白）"), "contain"),
            ],
        )
        self.radius = spin("posterImageRadius", 0, 5000, 0, " px")
        self.asset_fields = {"src": self.src}
        self.form.addRow(self.tr("图片"), self.src)
        self.form.addRow(self.tr("缩放方式"), self.fit)
        self.form.addRow(self.tr("圆角"), self.radius)
        self.src.cleared.connect(lambda: self.report({"src": ""}))
        self.on_choice(self.fit, "fit")
        self.on_value(self.radius, "radius")

    def fill_fields(self, layer: ImageLayer) -> None:
        text, muted = self.picture_text(layer.src, self.tr("未选择图片"))
        self.src.set_value(text, can_clear=bool(layer.src), muted=muted)
        select_data(self.fit, layer.fit)
        self.radius.setValue(layer.radius)


AVATAR_SRC = "{头像}"


class AvatarGroup(LayerGroup):
    kinds = (AvatarLayer,)

    def __init__(self) -> None:
        super().__init__(self.tr("头像"), "posterAvatarGroup")
        self.src = AssetField("posterAvatarSrc", self.tr("改用会员头像"))
        self.shape = choice(
            "posterAvatarShape", [(self.tr("圆形"), "circle"), (self.tr("圆角方形"), "rounded")]
        )
        self.radius = spin("posterAvatarRadius", 0, 5000, 0, " px")
        self.border_width = spin("posterAvatarBorderWidth", 0, 200, 0, " px")
        self.border_width.setSpecialValueText(self.tr("无边框"))
        self.border_color = ColorField("posterAvatarBorderColor")
        self.fallback_text = QLineEdit()
        self.fallback_text.setObjectName("posterAvatarFallbackText")
        self.fallback_text.setPlaceholderText("{昵称}")
        self.fallback_text.setToolTip(self.tr("会员没有头像时，显示这段文字的第一个字"))
        self.fallback_color = ColorField("posterAvatarFallbackColor")
        self.asset_fields = {"src": self.src}
        self.form.addRow(self.tr("图片"), self.src)
        self.form.addRow(self.tr("形状"), self.shape)
        self.form.addRow(self.tr("圆角"), self.radius)
        self.form.addRow(self.tr("边框宽度"), self.border_width)
        self.form.addRow(self.tr("边框颜色"), self.border_color)
        self.form.addRow(self.tr("无头像时"), self.fallback_text)
        self.form.addRow(self.tr("底色"), self.fallback_color)
        self.src.cleared.connect(lambda: self.report({"src": AVATAR_SRC}))
        self.on_choice(self.shape, "shape")
        self.on_value(self.radius, "radius")
        self.on_value(self.border_width, "border_width")
        self.border_color.changed.connect(self._border_color_changed)
        self.fallback_text.editingFinished.connect(
            lambda: self.report({"fallback_text": self.fallback_text.text()}, "fallback_text")
        )
        self.fallback_color.changed.connect(lambda value: self.report({"fallback_color": value}))

    def fill_fields(self, layer: AvatarLayer) -> None:
        text, muted = self.picture_text(layer.src, self.tr("无图片，显示下面文字的首字"))
        if layer.src == AVATAR_SRC:
            text = self.tr("会员自己的头像（{src}）").format(src=AVATAR_SRC)
        self.src.set_value(text, can_clear=layer.src != AVATAR_SRC, muted=muted)
        select_data(self.shape, layer.shape)
        self.form.setRowVisible(self.radius, layer.shape == "rounded")
        self.radius.setValue(layer.radius)
        self.border_width.setValue(layer.border_width)
        self.border_color.set_value(layer.border_color)
        self.fallback_text.setText(layer.fallback_text)
        self.fallback_color.set_value(layer.fallback_color)

    def _border_color_changed(self, value: str) -> None:
        width = self.layer.border_width or max(2, round(min(self.layer.width, 400) / 40))
        self.report({"border_color": value, "border_width": width})


class ShapeGroup(LayerGroup):
    kinds = (ShapeLayer,)

    def __init__(self) -> None:
        super().__init__(self.tr("形状"), "posterShapeGroup")
        self.shape = choice(
            "posterShapeKind",
            [
                (self.tr("矩形"), "rect"),
                (self.tr("圆角矩形"), "rounded"),
                (self.tr("椭圆"), "circle"),
            ],
        )
        self.radius = spin("posterShapeRadius", 0, 5000, 0, " px")
        self.stroke_width = spin("posterStrokeWidth", 0, 500, 0, " px")
        self.stroke_width.setSpecialValueText(self.tr("无描边"))
        self.stroke = ColorField("posterStroke", allow_empty=True)
        self.shadow = QCheckBox(self.tr("投影"))
        self.shadow.setObjectName("posterShapeShadow")
        self.shadow.setToolTip(self.tr("在形状下方加一层柔和的阴影"))
        self.form.addRow(self.tr("形状"), self.shape)
        self.form.addRow(self.tr("圆角"), self.radius)
        self.form.addRow(self.tr("描边宽度"), self.stroke_width)
        self.form.addRow(self.tr("描边颜色"), self.stroke)
        self.form.addRow("", self.shadow)
        self.on_choice(self.shape, "shape")
        self.on_value(self.radius, "radius")
        self.stroke_width.valueChanged.connect(self._stroke_width_changed)
        self.stroke.changed.connect(self._stroke_changed)
        self.shadow.toggled.connect(self._shadow_toggled)
        # A shadow turned off and on again comes back as it was (per layer name).
        self._shadows: dict[str, Shadow] = {}

    def fill_fields(self, layer: ShapeLayer) -> None:
        select_data(self.shape, layer.shape)
        self.form.setRowVisible(self.radius, layer.shape == "rounded")
        self.radius.setValue(layer.radius)
        self.stroke_width.setValue(layer.stroke_width)
        self.stroke.set_value(layer.stroke)
        self.shadow.setChecked(layer.shadow is not None)
        if layer.shadow is not None:
            self._shadows[layer.name] = layer.shadow

    def _shadow_toggled(self, on: bool) -> None:
        shadow = self._shadows.get(self.layer.name, Shadow()) if on else None
        self.report({"shadow": shadow})

    def _stroke_width_changed(self, value: float) -> None:
        # A width without a colour draws nothing: a width set alone gets a dark outline.
        changes: dict[str, Any] = {"stroke_width": value}
        if value > 0 and not self.layer.stroke:
            changes["stroke"] = "#333333"
        self.report(changes, "stroke_width")

    def _stroke_changed(self, value: str) -> None:
        # An outline colour on a shape without an outline would change nothing visible.
        width = self.layer.stroke_width or 4
        self.report({"stroke": value, "stroke_width": width if value else self.layer.stroke_width})


class FillGroup(LayerGroup):
    kinds = (BackgroundLayer, ShapeLayer)

    def __init__(self) -> None:
        super().__init__(self.tr("填充"), "posterFillGroup")
        self.editor = FillEditor()
        self.form.addRow(self.editor)
        self.editor.changed.connect(lambda fill: self.report({"fill": fill}))

    def fill_fields(self, layer: BackgroundLayer | ShapeLayer) -> None:
        self.editor.set_fill(layer.fill, allow_none=isinstance(layer, ShapeLayer))


class BackgroundImageGroup(LayerGroup):
    kinds = (BackgroundLayer,)

    def __init__(self) -> None:
        super().__init__(self.tr("背景图片"), "posterBackgroundGroup")
        self.image = AssetField("posterBackgroundImage", self.tr("移除背景图"))
        self.image_note = hint_label(
            self.tr("图片盖在填充色上，按比例铺满整张海报"), "posterBackgroundNote"
        )
        self.asset_fields = {"image": self.image}
        self.form.addRow(self.image)
        self.form.addRow(self.image_note)
        self.image.cleared.connect(lambda: self.report({"image": ""}))

    def fill_fields(self, layer: BackgroundLayer) -> None:
        text, muted = self.picture_text(layer.image, self.tr("无背景图，只显示填充"))
        self.image.set_value(text, can_clear=bool(layer.image), muted=muted)


def layer_groups() -> list[LayerGroup]:
    """Every group, in the order the panel shows them."""
    return [
        TextGroup(),
        TextLayoutGroup(),
        TextStrokeGroup(),
        QrGroup(),
        ImageGroup(),
        AvatarGroup(),
        FillGroup(),  # before 形状: the colour is what a shape is most often changed for
        ShapeGroup(),
        BackgroundImageGroup(),
    ]
