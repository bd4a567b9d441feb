"""A corpus of hostile poster templates: each one is refused with a clear message and nothing is
written, whether it comes in a package file, is stored, or is handed to the renderer directly.

Every number of a template is tried at its bounds (accepted, and rendered) and past them, as
NaN, ±infinity, an integer too big for a float and a value of the wrong type; every text past
its length; fonts named by paths; JSON nested too deep; layers too many or together too big;
pictures too big together; and packages carrying broken fonts. `HOSTILE` counts them.
"""

from __future__ import annotations

import io
import json
import math
import zipfile
from dataclasses import replace

import pytest
from PIL import Image
from sqlalchemy import func, select

from core.common.database import open_database
from core.common.errors import UserError
from core.posters.batch import render_batch
from core.posters.bounds import (
    MAX_GRADIENT_STOPS,
    MAX_JSON_DEPTH,
    MAX_LAYERS,
    MAX_QR_LAYERS,
    check_json_depth,
)
from core.posters.fonts import MAX_FONT_BYTES
from core.posters.render import PosterRenderer, render_poster
from core.posters.store import import_template_file
from core.posters.template import (
    Shadow,
    ShapeLayer,
    Template,
    TextLayer,
    dump_template,
    load_template,
)
from db.poster_models import PosterTemplate
from tests.core.posters.poster_helpers import encode
from tests.main_process import run_main

W, H = 600, 800  # the canvas of every case: bounds relative to it are 2W = 1200, 2H = 1600

TEXT = {
    "type": "text",
    "name": "标题",
    "x": 40,
    "y": 40,
    "width": 400,
    "height": 120,
    "text": "{昵称}的海报",
    "font_size": 48,
    "min_font_size": 16,
}
SHAPE = {
    "type": "shape",
    "name": "卡片",
    "x": 40,
    "y": 200,
    "width": 300,
    "height": 200,
    "shape": "rounded",
    "radius": 24,
    "stroke": "#333333",
    "stroke_width": 2,
    "shadow": {"color": "#00000040", "blur": 24, "dx": 0, "dy": 12},
}
QR = {"type": "qr", "name": "码", "x": 350, "y": 450, "width": 240, "height": 240}
AVATAR = {"type": "avatar", "name": "头像", "x": 40, "y": 450, "width": 120, "height": 120}
IMAGE = {"type": "image", "name": "图", "x": 200, "y": 450, "width": 100, "height": 100}
BACKGROUND = {
    "type": "background",
    "fill": {"type": "linear", "angle": 180, "stops": [[0, "#ffffff"], [1, "#ffeedd"]]},
}
LAYERS = [BACKGROUND, TEXT, SHAPE, QR, AVATAR, IMAGE]
KIND_INDEX = {layer["type"]: index for index, layer in enumerate(LAYERS)}
DATA = {"昵称": "小美", "邀请码": "A1B2", "邀请链接": "https://example.com/i/A1B2"}


def document(**canvas) -> dict:
    return {
        "schema": 1,
        "name": "测试",
        "canvas": {"width": W, "height": H, **canvas},
        "layers": json.loads(json.dumps(LAYERS)),
    }


def with_value(kind: str, path: tuple, value) -> dict:
    """The document with one value of the first layer of `kind` replaced."""
    doc = document()
    target = doc["layers"][KIND_INDEX[kind]]
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return doc


# (kind, path to the value, low, high, whether low itself is refused)
NUMBERS = [
    ("text", ("x",), -2 * W, 2 * W, False),
    ("text", ("y",), -2 * H, 2 * H, False),
    ("text", ("width",), 0, 2 * W, True),
    ("text", ("height",), 0, 2 * H, True),
    ("text", ("rotation",), -360, 360, False),
    ("text", ("opacity",), 0, 1, False),
    ("text", ("font_size",), 16, 2000, False),  # low: the layer's minimum size
    ("text", ("min_font_size",), 1, 48, False),  # high: the layer's size
    ("text", ("line_spacing",), 0.5, 5, False),
    ("text", ("letter_spacing",), -100, 1000, False),
    ("text", ("stroke_width",), 0, 200, False),
    ("shape", ("x",), -2 * W, 2 * W, False),
    ("shape", ("width",), 0, 2 * W, True),
    ("shape", ("height",), 0, 2 * H, True),
    ("shape", ("rotation",), -360, 360, False),
    ("shape", ("radius",), 0, 5000, False),
    ("shape", ("stroke_width",), 0, 500, False),
    ("shape", ("shadow", "blur"), 0, 200, False),
    ("shape", ("shadow", "dx"), -W, W, False),
    ("shape", ("shadow", "dy"), -H, H, False),
    ("qr", ("quiet_zone",), 4, 20, False),
    ("qr", ("width",), 0, 2 * W, True),
    ("avatar", ("radius",), 0, 5000, False),
    ("avatar", ("border_width",), 0, 200, False),
    ("avatar", ("opacity",), 0, 1, False),
    ("image", ("radius",), 0, 5000, False),
    ("image", ("y",), -2 * H, 2 * H, False),
    ("background", ("fill", "angle"), -360, 360, False),
    ("background", ("fill", "stops", 0, 0), 0, 1, False),
]
WRONG_TYPES = ["12", True, None, [1], {"v": 1}]
NOT_FINITE = [math.nan, math.inf, -math.inf, 10**400]
LONG = {
    "name": 100,
    "text": 2000,
    "content": 1000,
    "fallback_text": 200,
    "src": 200,
    "font_path": 120,
}
FONT_PATHS = [
    "/etc/shadow",
    "/dev/zero",
    "/dev/stdin",
    "/tmp/fifo.ttf",
    r"\\evil-host\share\font.ttf",
    "//evil-host/share/font.ttf",
    r"C:\Windows\Fonts\msyh.ttc",
    "C:msyh.ttc",
    "../fonts/x.ttf",
    "fonts/x.ttf",
    "~/.fonts/x.ttf",
    ".hidden.ttf",
    "file:///etc/passwd",
    "https://example.com/x.ttf",
    " Arial",
    "Arial\u202e",
    "Arial\x00.ttf",
    "Arial\n",
]


def _past(low: float, high: float, low_refused: bool) -> list:
    span = max(1.0, high - low)
    values = [high + span * 1e-3, high * 10 + 1, 1e15, 1e300]
    values += [low if low_refused else low - span * 1e-3, low - 1e15]
    return values


def _cases() -> list:
    cases = []
    for kind, path, low, high, low_refused in NUMBERS:
        label = f"{kind}.{'.'.join(map(str, path))}"
        for value in _past(low, high, low_refused):
            cases.append((f"{label}={value!r}", with_value(kind, path, value), None))
        for value in NOT_FINITE + WRONG_TYPES:
            shown = "10**400" if value == 10**400 else repr(value)
            cases.append((f"{label}={shown}", with_value(kind, path, value), None))
    for name, limit in LONG.items():
        kind = next(layer["type"] for layer in LAYERS if name in _FIELDS.get(layer["type"], ()))
        value = "长" * (limit + 1)
        cases.append((f"{kind}.{name} too long", with_value(kind, (name,), value), "太长"))
        for wrong in (5, ["a"], {"a": 1}):
            cases.append((f"{kind}.{name}={wrong!r}", with_value(kind, (name,), wrong), "文字"))
    for path in FONT_PATHS:
        case = with_value("text", ("font_path",), path)
        cases.append((f"font_path={path!r}", case, "字体"))
    for value in ("red", "#12345", "#ff00zz", 5, None, "#" + "f" * 100_000):
        shown = f"{value!r:.12}"
        cases.append((f"text.color={shown}", with_value("text", ("color",), value), "color"))
    for name, value in (("align", "justify"), ("valign", 3), ("visible", "yes")):
        cases.append((f"text.{name}={value!r}", with_value("text", (name,), value), None))
    for name, value in (("shape", "star"), ("shadow", "big"), ("shadow", {"spread": 3})):
        cases.append((f"shape.{name}={value!r}", with_value("shape", (name,), value), None))
    cases.append(("shape.fill=[]", with_value("shape", ("fill",), []), "颜色"))
    for value in ([], "TEXT", "", 5, None, ["text"], {"t": 1}):
        cases.append((f"type={value!r}", with_value("text", ("type",), value), None))
    cases.append(("unknown key", with_value("text", ("onload",), "x"), "不认识的属性"))
    # The document as a whole.
    stops = [[i / MAX_GRADIENT_STOPS, "#ffffff"] for i in range(MAX_GRADIENT_STOPS + 1)]
    cases.append(("17 stops", with_value("background", ("fill", "stops"), stops), "色标"))
    cases.append(("1 stop", with_value("background", ("fill", "stops"), stops[:1]), "色标"))
    cases.append(("stop=[0]", with_value("background", ("fill", "stops", 0), [0]), "色标"))
    for name, value in (("width", 0), ("width", 10_001), ("height", -1), ("width", 1.5)):
        doc = document()
        doc["canvas"][name] = value
        cases.append((f"canvas.{name}={value!r}", doc, "画布"))
    for name, value in (("width", math.nan), ("height", 10**400), ("dpi", 5000), ("dpi", "72")):
        doc = document()
        doc["canvas"][name] = value
        cases.append((f"canvas.{name}={value!r:.12}", doc, None))
    doc = document(width=8000, height=8000)
    cases.append(("canvas 64 Mpx", doc, "画布太大"))
    for name, value in (("name", "名" * 101), ("description", "说" * 2001), ("name", 5)):
        doc = document()
        doc[name] = value
        cases.append((f"template {name}", doc, None))
    doc = document()
    doc["layers"] = [dict(TEXT) for _ in range(MAX_LAYERS + 1)]
    cases.append(("501 layers", doc, "图层太多"))
    doc = document()
    doc["layers"] = [dict(QR) for _ in range(MAX_QR_LAYERS + 1)]
    cases.append(("21 codes", doc, "二维码图层太多"))
    doc = document(width=1080, height=1920)
    big = {**SHAPE, "shadow": None, "x": 0, "y": 0, "width": 2160, "height": 3840}
    doc["layers"] = [dict(big) for _ in range(499)]
    cases.append(("499 shapes at twice the canvas", doc, "图层合计太大"))
    doc = document(width=1080, height=1920)
    doc["layers"] = [{**big, "width": 20000, "height": 20000} for _ in range(499)]
    cases.append(("499 shapes of 20000 px", doc, "不超过 2160"))
    shadow = {"color": "#000000", "blur": 200, "dx": 1080, "dy": 1920}
    doc = document(width=1080, height=1920)
    doc["layers"] = [{**big, "shadow": shadow}]
    cases.append(("one shape and a far shadow", doc, "画出来太大"))
    doc = document()
    doc["layers"] = [{**TEXT, "width": 1200, "height": 1600, "rotation": 45, "stroke_width": 200}]
    cases.append(("a big turned text", doc, "画出来太大"))
    return cases


_FIELDS = {
    "text": {"name", "text", "font_path"},
    "qr": {"content"},
    "avatar": {"fallback_text", "src"},
}


def _raw_cases() -> list:
    """Documents that are not even a dict: JSON text and bytes."""
    deep = '{"schema": 1, "x": ' + "[" * 100_000 + "]" * 100_000 + "}"
    deep_object = '{"schema": 1, "x": ' + '{"a": ' * 50_000 + "1" + "}" * 50_000 + "}"
    just_past = '{"schema": 1, "x": ' + "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH + "}"
    return [
        ("100000 deep", deep, "嵌套过深"),
        ("50000 deep objects", deep_object, "嵌套过深"),
        ("33 deep", just_past, "嵌套过深"),
        ("5000 digits", '{"schema": 1, "canvas": {"width": ' + "9" * 5000 + "}}", "JSON"),
        ("not utf-8", b'{"schema": 1, "name": "\xff\xfe"}', "JSON"),
        ("NaN literal", '{"schema": NaN}', None),
        ("a list", "[1, 2]", "最外层"),
        ("a string", '"模板"', "最外层"),
        ("empty", "", "JSON"),
        ("truncated", json.dumps(document())[:-10], "JSON"),
    ]


CASES = _cases()
RAW = _raw_cases()
HOSTILE = len(CASES) + len(RAW)  # plus the packages and direct renders below


def test_the_corpus_is_large():
    assert HOSTILE > 400


@pytest.mark.parametrize(("doc", "fragment"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_hostile_document_is_refused_clearly(doc, fragment):
    with pytest.raises(UserError) as refused:
        load_template(doc)
    _clear(refused.value.message, fragment)
    # The same document as JSON text (NaN and infinity as JavaScript writes them).
    with pytest.raises(UserError) as refused:
        load_template(json.dumps(doc, ensure_ascii=False) if _dumpable(doc) else doc)
    _clear(refused.value.message, fragment)


@pytest.mark.parametrize(("text", "fragment"), [c[1:] for c in RAW], ids=[c[0] for c in RAW])
def test_a_hostile_json_text_is_refused_clearly(text, fragment):
    with pytest.raises(UserError) as refused:
        load_template(text)
    _clear(refused.value.message, fragment)


def _dumpable(doc) -> bool:
    try:
        json.dumps(doc)
    except (ValueError, TypeError):
        return False
    return True


def _clear(message: str, fragment: str | None) -> None:
    """One line, not a wall of text, and saying what it is about."""
    assert "\n" not in message and 0 < len(message) < 400, message
    assert "Traceback" not in message
    if fragment is not None:
        assert fragment in message, message


def test_depth_up_to_the_limit_is_read():
    nested = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    check_json_depth(nested)  # exactly at the limit: read
    check_json_depth('{"a": "' + "[" * 10_000 + '"}')  # brackets inside a string do not count
    with pytest.raises(UserError, match="嵌套过深"):
        check_json_depth("[" + nested + "]")


# ---------------------------------------------------------------------- at the bounds


def _at_bounds() -> list:
    cases = []
    for kind, path, low, high, low_refused in NUMBERS:
        for value in (high,) if low_refused else (low, high):
            label = f"{kind}.{'.'.join(map(str, path))}={value!r}"
            cases.append((label, with_value(kind, path, value)))
    for name, limit in LONG.items():
        kind = next(layer["type"] for layer in LAYERS if name in _FIELDS.get(layer["type"], ()))
        value = {"font_path": "长" * (limit - 4) + ".ttf", "content": "a" * limit}.get(
            name, "长" * limit
        )
        cases.append((f"{kind}.{name} at its length", with_value(kind, (name,), value)))
    return cases


AT_BOUNDS = _at_bounds()


@pytest.mark.parametrize("doc", [c[1] for c in AT_BOUNDS], ids=[c[0] for c in AT_BOUNDS])
def test_values_at_the_bounds_load_and_render(doc):
    template = load_template(doc)
    assets = {"a.png": encode(Image.new("RGB", (40, 40), "red"))}
    for layer in template.layers:
        if layer.kind == "image":
            layer.src = "a.png"
        if layer.kind == "text" and layer.font_path.endswith(".ttf"):
            layer.font_path = ""  # the length is what is tried here, not the font
        if layer.kind == "avatar":
            layer.src = "{头像}"
    if any(layer.kind == "qr" and layer.width < 60 for layer in template.layers):
        pytest.skip("a code this small cannot hold the link")
    image = PosterRenderer(template, assets).render(DATA).image
    assert image.size == (W, H)


# ---------------------------------------------------------------------- packages


def zip_of(files: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _bilevel_png(side: int) -> bytes:
    return encode(Image.new("1", (side, side), 1), optimize=True)


def _packages() -> list:
    text_font = {**TEXT, "font_path": "标题.ttf"}
    doc = document()
    doc["layers"] = [text_font]
    with_font = json.dumps(doc, ensure_ascii=False)
    pictures = document()
    pictures["layers"] = [{**IMAGE, "src": f"p{i}.png"} for i in range(3)]
    big = _bilevel_png(7000)  # 49 Mpx each: allowed alone, not three together
    return [
        ("deep template.json", zip_of({"template.json": "[" * 100_000}), "嵌套过深"),
        ("font not a font", zip_of({"template.json": with_font, "标题.ttf": b"\0" * 512}), "字体"),
        ("font is a picture", zip_of({"template.json": with_font, "标题.ttf": big}), "字体"),
        ("font missing", zip_of({"template.json": with_font}), "缺少字体文件：标题.ttf"),
        (
            "font too big",
            zip_of({"template.json": with_font, "fonts/标题.ttf": b"\0" * (MAX_FONT_BYTES + 1)}),
            "太大",
        ),
        (
            "pictures too big together",
            zip_of({"template.json": json.dumps(pictures), **{f"p{i}.png": big for i in range(3)}}),
            "图片合计太大",
        ),
        (
            "one picture 100000 px wide",
            zip_of(
                {
                    "template.json": json.dumps({**pictures, "layers": pictures["layers"][:1]}),
                    "p0.png": _png_header(100_000, 100_000),
                }
            ),
            "尺寸过大",
        ),
        (
            "two files of one name",
            zip_of({"template.json": with_font, "a/标题.ttf": b"x", "b/标题.ttf": b"y"}),
            "同名",
        ),
    ]


def _png_header(width: int, height: int) -> bytes:
    """A PNG that claims a size and holds no pixels."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


PACKAGES = _packages()


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'test.db'}"
    database = open_database(url, daily_backup=False)
    yield database
    database.close()


def _stored(database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(PosterTemplate))


@pytest.mark.parametrize(
    ("data", "fragment"), [p[1:] for p in PACKAGES], ids=[p[0] for p in PACKAGES]
)
def test_a_hostile_package_is_refused_and_nothing_is_stored(store, tmp_path, data, fragment):
    path = tmp_path / "模板.zip"
    path.write_bytes(data)
    with pytest.raises(UserError) as refused, store.session() as session:
        import_template_file(session, path)
    _clear(refused.value.message, fragment)
    assert _stored(store) == 0


def test_documents_of_the_corpus_in_a_package_are_refused_and_nothing_is_stored(store, tmp_path):
    """Every document of the corpus, zipped as an operator would receive it."""
    path = tmp_path / "模板.zip"
    for _label, doc, fragment in CASES[::7] + RAW:
        text = doc if isinstance(doc, str | bytes) else json.dumps(doc, ensure_ascii=False)
        path.write_bytes(zip_of({"template.json": text}))
        with pytest.raises(UserError) as refused, store.session() as session:
            import_template_file(session, path)
        _clear(refused.value.message, fragment)
    assert _stored(store) == 0


# ---------------------------------------------------------------------- the renderer's own guard


def _made_in_code() -> list:
    """Templates built in code, past every check a file goes through: the renderer checks
    them again before it allocates anything."""
    text = TextLayer(name="字", x=0, y=0, width=300, height=100, text="你好")
    shape = ShapeLayer(name="形", x=0, y=0, width=200, height=200)
    return [
        ("letter spacing 1e15", [replace(text, letter_spacing=1e15)], "字间距"),
        ("stroke 1e5", [replace(text, stroke_width=1e5)], "描边"),
        ("shadow offset 1e12", [replace(shape, shadow=Shadow(dx=1e12))], "阴影"),
        ("shadow blur nan", [replace(shape, shadow=Shadow(blur=math.nan))], "数字"),
        ("font by path", [replace(text, font_path="/dev/zero")], "文件路径"),
        ("499 shapes of 20000 px", [replace(shape, width=20_000, height=20_000)] * 499, "宽度"),
        ("499 shapes at the bound", [replace(shape, width=2 * W, height=2 * H)] * 499, "合计"),
        ("rotation inf", [replace(text, rotation=math.inf)], "数字"),
        ("text of a megabyte", [replace(text, text="长" * 1_000_000)], "太长"),
    ]


MADE_IN_CODE = _made_in_code()


@pytest.mark.parametrize(
    ("layers", "fragment"), [m[1:] for m in MADE_IN_CODE], ids=[m[0] for m in MADE_IN_CODE]
)
def test_the_renderer_refuses_before_drawing_and_a_batch_writes_nothing(tmp_path, layers, fragment):
    template = Template("t", W, H, list(layers))
    with pytest.raises(UserError) as refused:
        render_poster(template, DATA)
    _clear(refused.value.message, fragment)
    out = tmp_path / "out"
    with pytest.raises(UserError):
        render_batch(template, [DATA] * 3, out, jobs=1)
    with pytest.raises(UserError):
        render_batch(template, [DATA] * 3, tmp_path / "posters.zip", as_zip=True, jobs=1)
    assert list(tmp_path.iterdir()) == []  # not even the folder


def test_a_member_field_of_a_megabyte_is_cut_not_laid_out():
    template = load_template({**document(), "layers": [TEXT]})
    image = render_poster(template, {"昵称": "长" * 1_000_000})
    assert image.size == (W, H)


# ---------------------------------------------------------------------- the command line


def test_the_command_line_refuses_hostile_packages_in_one_line(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    before = run_main("--db", url, "posters", "templates", "--json").stdout
    deep = tmp_path / "深.zip"
    deep.write_bytes(zip_of({"template.json": '{"schema": 1, "a": ' + "[" * 200_000}))
    fonts = tmp_path / "字体.zip"
    fonts.write_bytes(
        zip_of({"template.json": json.dumps(with_value("text", ("font_path",), "/etc/shadow"))})
    )
    shapes = tmp_path / "形状.zip"
    shapes.write_bytes(zip_of({"template.json": json.dumps(PACKAGE_SHAPES)}))
    for path, fragment in ((deep, "嵌套过深"), (fonts, "文件路径"), (shapes, "合计太大")):
        result = run_main("--db", url, "posters", "import", str(path))
        assert result.returncode == 1, result.stderr
        assert result.stdout == ""
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("错误：") and fragment in lines[0], lines
    assert run_main("--db", url, "posters", "templates", "--json").stdout == before


PACKAGE_SHAPES = {
    **document(width=1080, height=1920),
    "layers": [
        {**SHAPE, "shadow": None, "x": 0, "y": 0, "width": 2160, "height": 3840} for _ in range(499)
    ],
}


def test_dumping_a_loaded_template_loads_again():
    template = load_template(document())
    assert load_template(dump_template(template)) == template


def test_a_font_path_is_refused_alike_whether_or_not_the_file_exists():
    """The refusal comes before any file access: its words do not reveal what exists."""
    messages = set()
    for path in ("/etc/shadow", "/nonexistent-folder/x.ttf", "/dev/zero"):
        with pytest.raises(UserError) as refused:
            load_template(with_value("text", ("font_path",), path))
        messages.add(refused.value.message.replace(path, "…"))
    assert len(messages) == 1
