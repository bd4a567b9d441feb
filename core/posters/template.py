"""The poster template: a versioned JSON document of a canvas and ordered layers.

A template is data the operator edits in the designer and exchanges as a file, so it is
validated strictly on the way in (`load_template`) with a Chinese message naming the layer
and field at fault, and written back unchanged in meaning (`dump_template`).

Placeholders: `{昵称}`, `{邀请码}`, `{活动名}`, `{截止日期}`, `{社群名}` and any custom field
`{xxx}` are filled from the member's data at render time. A field the data lacks renders as
empty text (a poster must never show a raw `{邀请码}` to a customer); `missing_fields` tells the
designer and the batch which ones were missing so they can warn. `{{` and `}}` are literal
braces.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any, ClassVar

from core.common.errors import UserError
from core.common.joins import joined_list
from core.common.text import msg
from core.posters.bounds import (
    ANGLE_RANGE,
    MAX_DESCRIPTION_CHARS,
    MAX_GRADIENT_STOPS,
    MAX_LAYERS,
    MAX_NAME_CHARS,
    MAX_QR_LAYERS,
    SHADOW_RANGES,
    STOP_RANGE,
    TEXT_LIMITS,
    check_budget,
    check_json_depth,
    check_length,
    check_number,
    check_value_depth,
    range_for,
    shown_value,
)
from core.posters.font_refs import check_font_reference

SCHEMA_VERSION = 1

# The standard personal fields, and the English keys a caller may use for them.
STANDARD_FIELDS = ("昵称", "邀请码", "活动名", "截止日期", "社群名", "邀请链接", "头像")
FIELD_ALIASES = {
    "nickname": "昵称",
    "invite_code": "邀请码",
    "campaign": "活动名",
    "deadline": "截止日期",
    "community": "社群名",
    "invite_link": "邀请链接",
    "avatar": "头像",
}


@dataclass(frozen=True)
class CanvasPreset:
    key: str
    label: str
    width: int
    height: int
    dpi: int  # 72: a screen poster; 300: printed


CANVAS_PRESETS = (
    CanvasPreset("story", msg("竖版海报 1080×1920（朋友圈）"), 1080, 1920, 72),
    CanvasPreset("phone", msg("手机海报 750×1334"), 750, 1334, 72),
    CanvasPreset("square", msg("方形 1080×1080"), 1080, 1080, 72),
    CanvasPreset("a4", msg("A4 打印 300dpi（2480×3508）"), 2480, 3508, 300),
)
MAX_CANVAS_SIDE = 10_000
MAX_CANVAS_PIXELS = 40_000_000
PRINT_DPI = 150  # at or above this a canvas is judged as print (centimetres matter)


MIN_DPI, MAX_DPI = 36, 1200


def check_canvas(width: int, height: int, dpi: int) -> None:
    """Refuse a canvas size the renderer should not be asked for, saying why."""
    if width <= 0 or height <= 0:
        raise UserError(
            msg(
                "画布尺寸必须为正数，实际为 {width}×{height}",
                width=shown_value(width),
                height=shown_value(height),
            )
        )
    if width > MAX_CANVAS_SIDE or height > MAX_CANVAS_SIDE or width * height > MAX_CANVAS_PIXELS:
        raise UserError(
            msg(
                "画布太大（{width}×{height}），A4 300dpi 为 2480×3508",
                width=shown_value(width),
                height=shown_value(height),
            )
        )
    if not MIN_DPI <= dpi <= MAX_DPI:
        raise UserError(
            msg(
                "画布分辨率（dpi）应在 {low} 到 {high} 之间，实际为 {dpi}",
                low=MIN_DPI,
                high=MAX_DPI,
                dpi=shown_value(dpi),
            )
        )


def canvas_preset(key: str) -> CanvasPreset:
    for preset in CANVAS_PRESETS:
        if preset.key == key:
            return preset
    raise UserError(msg("没有名为「{key}」的画布尺寸", key=key))


# ---------------------------------------------------------------- colours and fills

_HEX = re.compile(r"^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$")

RGBA = tuple[int, int, int, int]


def parse_color(value: Any, where: str = msg("颜色")) -> RGBA:
    """'#rgb', '#rrggbb' or '#rrggbbaa' → an RGBA tuple."""
    if not isinstance(value, str) or not _HEX.match(value):
        raise UserError(
            msg(
                "{where}：「{value}」不是有效的颜色，应为 #RRGGBB 或 #RRGGBBAA",
                where=where,
                value=shown_value(value),
            )
        )
    digits = value[1:]
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    if len(digits) == 6:
        digits += "ff"
    r, g, b, a = (int(digits[i : i + 2], 16) for i in range(0, 8, 2))
    return (r, g, b, a)


@dataclass(frozen=True)
class Gradient:
    """A linear gradient, CSS-style: angle 0 points up, 90 right, 180 down."""

    stops: tuple[tuple[float, str], ...]
    angle: float = 180.0

    def to_json(self) -> dict:
        return {"type": "linear", "angle": self.angle, "stops": [list(s) for s in self.stops]}


Fill = str | Gradient  # a colour "#rrggbb[aa]" or a gradient


def _parse_fill(value: Any, where: str, canvas: tuple[int, int]) -> Fill:
    if isinstance(value, str):
        parse_color(value, where)
        return value
    if isinstance(value, dict):
        if value.get("type", "linear") != "linear":
            raise UserError(msg("{where}：只支持线性渐变（linear）", where=where))
        for key in value:
            if key not in ("type", "angle", "stops"):
                raise UserError(
                    msg("{where}有不认识的属性「{key}」", where=where, key=shown_value(key))
                )
        stops = value.get("stops")
        if not isinstance(stops, list) or len(stops) < 2:
            raise UserError(msg("{where}：渐变至少需要两个色标（stops）", where=where))
        if len(stops) > MAX_GRADIENT_STOPS:
            raise UserError(
                msg(
                    "{where}：渐变最多 {limit} 个色标，实际为 {count} 个",
                    where=where,
                    limit=MAX_GRADIENT_STOPS,
                    count=len(stops),
                )
            )
        parsed = []
        for stop in stops:
            if not (isinstance(stop, list | tuple) and len(stop) == 2):
                raise UserError(
                    msg('{where}：色标应为 [位置, 颜色]，如 [0, "#ff6600"]', where=where)
                )
            position = _number(stop[0], msg("{where}的色标位置", where=where))
            check_number(position, STOP_RANGE, where, *canvas)
            parse_color(stop[1], msg("{where}的色标", where=where))
            parsed.append((float(position), stop[1]))
        parsed.sort(key=lambda s: s[0])
        angle = _number(value.get("angle", 180), msg("{where}的角度", where=where))
        check_number(angle, ANGLE_RANGE, where, *canvas)
        return Gradient(tuple(parsed), float(angle))
    raise UserError(msg("{where}：应为颜色（#RRGGBB）或渐变", where=where))


def _fill_json(fill: Fill | None) -> Any:
    return fill.to_json() if isinstance(fill, Gradient) else fill


def _number(value: Any, where: str) -> float:
    """A finite number (int or float), or a UserError naming the field."""
    number = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            number = float(value)  # an int beyond a float's range does not convert
        except OverflowError:
            number = None
    if number is None or not math.isfinite(number):
        raise UserError(
            msg("{where}应为数字，实际为「{value}」", where=where, value=shown_value(value))
        )
    return value


# ---------------------------------------------------------------- layers


@dataclass
class Layer:
    """What every layer has: a box on the canvas, rotation, opacity and the designer's flags."""

    kind: ClassVar[str] = ""
    name: str = ""
    x: float = 0
    y: float = 0
    width: float = 100
    height: float = 100
    rotation: float = 0  # degrees, clockwise, about the box centre
    opacity: float = 1.0
    visible: bool = True
    locked: bool = False

    def texts(self) -> list[str]:
        """The strings of this layer that may hold placeholders."""
        return []


@dataclass
class BackgroundLayer(Layer):
    """Covers the whole canvas: a colour, a gradient, or an image scaled to cover."""

    kind: ClassVar[str] = "background"
    fill: Fill = "#ffffff"
    image: str = ""  # asset name; drawn over the fill, scaled to cover the canvas


@dataclass
class ImageLayer(Layer):
    kind: ClassVar[str] = "image"
    src: str = ""  # asset name, or a placeholder such as "{商品图}" for a per-member picture
    fit: str = "cover"  # cover: fill the box, cropping; contain: whole picture, letterboxed
    radius: float = 0  # rounded corners

    def texts(self) -> list[str]:
        return [self.src]


@dataclass
class TextLayer(Layer):
    kind: ClassVar[str] = "text"
    text: str = ""
    font_size: float = 48
    min_font_size: float = 16  # auto-shrink stops here; what still overflows is cut with …
    color: str = "#222222"
    bold: bool = False
    align: str = "left"  # left, center, right
    valign: str = "top"  # top, middle, bottom
    line_spacing: float = 1.3  # line advance as a multiple of the font size
    letter_spacing: float = 0  # extra pixels between characters
    font_path: str = ""  # empty: the bundled Noto Sans CJK SC (always has the hanzi)
    stroke_width: float = 0
    stroke_color: str = "#ffffff"

    def texts(self) -> list[str]:
        return [self.text]


@dataclass
class QrLayer(Layer):
    kind: ClassVar[str] = "qr"
    content: str = "{邀请链接}"
    error_correction: str = "M"  # L, M, Q, H; H is forced when there is a logo
    dark: str = "#000000"
    light: str = "#ffffff"
    logo: str = ""  # asset name of a small logo put in the middle
    quiet_zone: int = 4  # modules of light margin; never fewer than 4

    def texts(self) -> list[str]:
        return [self.content]


@dataclass
class AvatarLayer(Layer):
    kind: ClassVar[str] = "avatar"
    src: str = "{头像}"  # a placeholder of the member's picture, or an asset name
    shape: str = "circle"  # circle or rounded
    radius: float = 24  # corner radius when rounded
    border_width: float = 0
    border_color: str = "#ffffff"
    # When the member has no picture: a coloured disc with the first character of this text.
    fallback_text: str = "{昵称}"
    fallback_color: str = "#f0a35e"

    def texts(self) -> list[str]:
        return [self.src, self.fallback_text]


@dataclass
class Shadow:
    color: str = "#00000040"
    blur: float = 24
    dx: float = 0
    dy: float = 12


@dataclass
class ShapeLayer(Layer):
    kind: ClassVar[str] = "shape"
    shape: str = "rect"  # rect, rounded, circle (an ellipse filling the box)
    fill: Fill | None = "#ffffff"
    stroke: str = ""  # empty: no outline
    stroke_width: float = 0
    radius: float = 24
    shadow: Shadow | None = None


LAYER_TYPES: dict[str, type[Layer]] = {
    cls.kind: cls
    for cls in (BackgroundLayer, ImageLayer, TextLayer, QrLayer, AvatarLayer, ShapeLayer)
}
_CHOICES = {
    "fit": ("cover", "contain"),
    "align": ("left", "center", "right"),
    "valign": ("top", "middle", "bottom"),
    "error_correction": ("L", "M", "Q", "H"),
    "shape": ("rect", "rounded", "circle"),
}
_LAYER_KIND_NAMES = {
    "background": msg("背景"),
    "image": msg("图片"),
    "text": msg("文字"),
    "qr": msg("二维码"),
    "avatar": msg("头像"),
    "shape": msg("形状"),
}


@dataclass
class Template:
    name: str
    width: int
    height: int
    layers: list[Layer] = field(default_factory=list)
    dpi: int = 72
    description: str = ""
    schema: int = SCHEMA_VERSION

    @property
    def is_print(self) -> bool:
        return self.dpi >= PRINT_DPI


# ---------------------------------------------------------------- placeholders

_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}\n]{1,40})\}")


def normalise_data(data: Mapping[str, Any]) -> dict[str, Any]:
    """Member data keyed by the Chinese field names; English aliases accepted."""
    result: dict[str, Any] = {}
    for key, value in data.items():
        result[FIELD_ALIASES.get(key, key)] = value
    return result


def fill_placeholders(text: str, data: Mapping[str, Any]) -> str:
    """`text` with each `{field}` replaced by the data's value; missing fields become ''."""

    def replace(match: re.Match) -> str:
        token = match.group(0)
        if token == "{{":
            return "{"
        if token == "}}":
            return "}"
        value = data.get(match.group(1).strip())
        if value is None or isinstance(value, bytes | bytearray):
            return ""
        return str(value)

    return _PLACEHOLDER.sub(replace, text)


def placeholders_in(text: str) -> list[str]:
    return [m.group(1).strip() for m in _PLACEHOLDER.finditer(text) if m.group(1)]


def template_fields(template: Template) -> list[str]:
    """Every field the template's layers ask for, in order of first use."""
    seen: dict[str, None] = {}
    for layer in template.layers:
        for text in layer.texts():
            for name in placeholders_in(text):
                seen.setdefault(name, None)
    return list(seen)


def missing_fields(template: Template, data: Mapping[str, Any]) -> list[str]:
    """Fields the template uses that the data leaves empty (they will render as nothing).

    An avatar's picture is not counted: without one the avatar shows the nickname's initial.
    """
    data = normalise_data(data)
    seen: dict[str, None] = {}
    for layer in template.layers:
        texts = [layer.fallback_text] if isinstance(layer, AvatarLayer) else layer.texts()
        for text in texts:
            for name in placeholders_in(text):
                if data.get(name) in (None, "", b""):
                    seen.setdefault(name, None)
    return list(seen)


def is_personal(layer: Layer) -> bool:
    """Whether the layer's look depends on the data (it has a placeholder)."""
    return any(placeholders_in(text) for text in layer.texts())


# ---------------------------------------------------------------- loading and dumping


def load_template(document: Mapping[str, Any] | str | bytes) -> Template:
    """A validated Template from a JSON text or an already parsed dict.

    Every number is bounded by what a poster can use (core.posters.bounds) and the layers
    together must fit the render budget, so a template that loads is one that renders."""
    if isinstance(document, str | bytes):
        check_json_depth(document)
        try:
            document = json.loads(document)
        except (ValueError, RecursionError) as error:
            # ValueError: bad JSON, bad UTF-8, or an integer of thousands of digits.
            raise UserError(
                msg("模板文件不是有效的 JSON：{error}", error=shown_value(str(error), 120))
            ) from error
    if not isinstance(document, Mapping):
        raise UserError(msg("模板文件格式不对：最外层应为一个对象"))
    check_value_depth(document)
    schema = document.get("schema")
    if schema is None:
        raise UserError(msg("模板缺少版本号（schema），可能不是本程序的海报模板"))
    if schema != SCHEMA_VERSION:
        if isinstance(schema, int) and not isinstance(schema, bool) and schema > SCHEMA_VERSION:
            raise UserError(
                msg(
                    "模板版本 {version} 比本程序新（支持 {supported}），请升级程序",
                    version=shown_value(schema),
                    supported=SCHEMA_VERSION,
                )
            )
        raise UserError(msg("不认识的模板版本：{version}", version=shown_value(schema)))
    canvas = document.get("canvas")
    if not isinstance(canvas, Mapping):
        raise UserError(msg("模板缺少画布（canvas）的宽和高"))
    width = _int_field(canvas, "width", msg("画布宽度"))
    height = _int_field(canvas, "height", msg("画布高度"))
    dpi = _int_field(canvas, "dpi", msg("画布分辨率"), default=72)
    check_canvas(width, height, dpi)
    raw_layers = document.get("layers")
    if not isinstance(raw_layers, list):
        raise UserError(msg("模板缺少图层列表（layers）"))
    if len(raw_layers) > MAX_LAYERS:
        raise UserError(
            msg("图层太多（{count} 个，最多 {limit} 个）", count=len(raw_layers), limit=MAX_LAYERS)
        )
    layers = [
        _load_layer(raw, index, (width, height)) for index, raw in enumerate(raw_layers, start=1)
    ]
    codes = sum(isinstance(layer, QrLayer) for layer in layers)
    if codes > MAX_QR_LAYERS:
        raise UserError(
            msg("二维码图层太多（{count} 个，最多 {limit} 个）", count=codes, limit=MAX_QR_LAYERS)
        )
    name = document.get("name", "")
    description = document.get("description", "")
    if not isinstance(name, str) or not isinstance(description, str):
        raise UserError(msg("模板名称和说明应为文字"))
    check_length(name, MAX_NAME_CHARS, msg("模板名称"))
    check_length(description, MAX_DESCRIPTION_CHARS, msg("模板说明"))
    template = Template(name, width, height, layers, dpi, description)
    check_budget(template)
    return template


def _int_field(raw: Mapping, key: str, label: str, default: int | None = None) -> int:
    if key not in raw:
        if default is None:
            raise UserError(msg("模板缺少{label}（{key}）", label=label, key=key))
        return default
    value = raw[key]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise UserError(
            msg("{label}应为整数，实际为「{value}」", label=label, value=shown_value(value))
        )
    return value


def _load_layer(raw: Any, index: int, canvas: tuple[int, int]) -> Layer:
    if not isinstance(raw, Mapping):
        raise UserError(msg("第 {index} 个图层格式不对：应为一个对象", index=index))
    kind = raw.get("type")
    if kind is None:
        raise UserError(msg("第 {index} 个图层缺少类型（type）", index=index))
    cls = LAYER_TYPES.get(kind) if isinstance(kind, str) else None
    if cls is None:
        known = joined_list(
            [msg("{key}（{name}）", key=k, name=v) for k, v in _LAYER_KIND_NAMES.items()]
        )
        raise UserError(
            msg(
                "第 {index} 个图层的类型「{kind}」不认识，可用：{known}",
                index=index,
                kind=shown_value(kind),
                known=known,
            )
        )
    label = raw.get("name")
    if isinstance(label, str) and label:
        where = msg(
            "第 {index} 个图层（{kind}「{name}」）",
            index=index,
            kind=_LAYER_KIND_NAMES[kind],
            name=shown_value(label),
        )
    else:
        where = msg("第 {index} 个图层（{kind}）", index=index, kind=_LAYER_KIND_NAMES[kind])
    values: dict[str, Any] = {}
    defaults = cls()
    known_names = {f.name for f in fields(cls)}
    for key in raw:
        if key != "type" and key not in known_names:
            raise UserError(
                msg("{where}有不认识的属性「{key}」", where=where, key=shown_value(key))
            )
    for spec in fields(cls):
        if spec.name not in raw:
            continue
        value = raw[spec.name]
        default = getattr(defaults, spec.name)
        label = msg("{where}的 {field}", where=where, field=spec.name)
        if spec.name == "fill":
            values["fill"] = None if value is None else _parse_fill(value, label, canvas)
        elif spec.name == "shadow":
            values["shadow"] = _load_shadow(value, label, canvas)
        elif isinstance(default, bool):
            if not isinstance(value, bool):
                raise UserError(msg("{where}应为 true 或 false", where=label))
            values[spec.name] = value
        elif isinstance(default, int | float):
            number = _number(value, label)
            bounds = range_for(kind, spec.name)
            if bounds is not None:
                check_number(number, bounds, where, *canvas)
            # The declared type decides, not the default: a float field may default to 0.
            whole = spec.type in ("int", int)
            if whole and not float(number).is_integer():
                raise UserError(
                    msg("{where}应为整数，实际为「{value}」", where=label, value=number)
                )
            values[spec.name] = int(number) if whole else float(number)
        elif isinstance(default, str):
            if not isinstance(value, str):
                raise UserError(msg("{where}应为文字", where=label))
            if spec.name in _CHOICES and value not in _CHOICES[spec.name]:
                raise UserError(
                    msg(
                        "{where}只能是 {choices}，实际为「{value}」",
                        where=label,
                        choices=" / ".join(_CHOICES[spec.name]),
                        value=shown_value(value),
                    )
                )
            check_length(value, TEXT_LIMITS.get(spec.name, MAX_NAME_CHARS), label)
            values[spec.name] = value
        else:
            raise AssertionError(spec.name)  # every field kind is handled above
    layer = cls(**values)
    _check_layer(layer, raw, where)
    return layer


def _load_shadow(value: Any, where: str, canvas: tuple[int, int]) -> Shadow | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise UserError(msg("{where}应为阴影设置对象", where=where))
    shadow = Shadow()
    for key, raw in value.items():
        if key == "color":
            parse_color(raw, where)
            shadow.color = raw
        elif key in SHADOW_RANGES:
            number = float(_number(raw, where))
            check_number(number, SHADOW_RANGES[key], where, *canvas)
            setattr(shadow, key, number)
        else:
            raise UserError(
                msg("{where}有不认识的属性「{key}」", where=where, key=shown_value(key))
            )
    return shadow


def _check_layer(layer: Layer, raw: Mapping, where: str) -> None:
    """What single numbers cannot say: fields that must be there, and pairs that must agree."""
    if not isinstance(layer, BackgroundLayer):
        for key in ("width", "height"):
            if key not in raw:
                if key == "width":
                    raise UserError(msg("{where}缺少宽度（width）", where=where))
                raise UserError(msg("{where}缺少高度（height）", where=where))
    for name in ("color", "stroke_color", "dark", "light", "border_color", "fallback_color"):
        if hasattr(layer, name):
            parse_color(getattr(layer, name), msg("{where}的 {field}", where=where, field=name))
    if isinstance(layer, ShapeLayer) and layer.stroke:
        parse_color(layer.stroke, msg("{where}的 {field}", where=where, field="stroke"))
    if isinstance(layer, TextLayer):
        if layer.min_font_size > layer.font_size:
            raise UserError(
                msg(
                    "{where}的字号应满足 1 ≤ 最小字号 ≤ 字号 ≤ 2000，实际为 {smallest} / {size}",
                    where=where,
                    smallest=layer.min_font_size,
                    size=layer.font_size,
                )
            )
        check_font_reference(layer.font_path, msg("{where}的字体", where=where))
    if isinstance(layer, QrLayer):
        if layer.quiet_zone < 4:
            raise UserError(
                msg("{where}的留白（quiet_zone）至少 4 个模块，否则扫不出来", where=where)
            )
        if layer.quiet_zone > 20:
            raise UserError(msg("{where}的留白（quiet_zone）最多 20 个模块", where=where))
        if not layer.content.strip():
            raise UserError(msg("{where}缺少二维码内容（content），例如 {{邀请链接}}", where=where))


def template_to_dict(template: Template) -> dict[str, Any]:
    layers = []
    for layer in template.layers:
        entry: dict[str, Any] = {"type": layer.kind}
        for spec in fields(layer):
            value = getattr(layer, spec.name)
            if spec.name == "fill":
                value = _fill_json(value)
            elif spec.name == "shadow":
                value = asdict(value) if value is not None else None
            elif isinstance(value, float) and value.is_integer():
                value = int(value)  # 80, not 80.0: the same document however it was made
            entry[spec.name] = value
        layers.append(entry)
    return {
        "schema": SCHEMA_VERSION,
        "name": template.name,
        "description": template.description,
        "canvas": {"width": template.width, "height": template.height, "dpi": template.dpi},
        "layers": layers,
    }


def validate_template(template: Template) -> None:
    """Refuse a template made in code (not read from a file) that a file could not hold:
    the same bounds and budget as load_template."""
    load_template(template_to_dict(template))


def dump_template(template: Template) -> str:
    """The template as JSON text (UTF-8 safe, Chinese kept readable)."""
    return json.dumps(template_to_dict(template), ensure_ascii=False, indent=2)
