"""Template documents: good ones load and round-trip; hostile ones get a clear Chinese error."""

from __future__ import annotations

import json

import pytest

from core.common.errors import UserError
from core.posters.template import (
    CANVAS_PRESETS,
    Gradient,
    QrLayer,
    TextLayer,
    canvas_preset,
    dump_template,
    fill_placeholders,
    load_template,
    missing_fields,
    template_fields,
)


def document(*layers, **canvas):
    return {
        "schema": 1,
        "name": "测试",
        "canvas": {"width": 1080, "height": 1920, **canvas},
        "layers": list(layers),
    }


TEXT = {"type": "text", "x": 10, "y": 20, "width": 500, "height": 100, "text": "{昵称}你好"}
QR = {"type": "qr", "x": 0, "y": 0, "width": 300, "height": 300, "content": "{邀请链接}"}
GRADIENT_BG = {
    "type": "background",
    "fill": {"type": "linear", "angle": 135, "stops": [[0, "#ff0000"], [1, "#0000ff80"]]},
}


def test_a_full_document_loads_and_round_trips():
    doc = document(
        GRADIENT_BG,
        {**TEXT, "bold": True, "align": "center", "rotation": 15, "opacity": 0.5, "locked": True},
        QR,
        {"type": "avatar", "x": 1, "y": 2, "width": 100, "height": 100, "shape": "rounded"},
        {
            "type": "shape",
            "x": 0,
            "y": 0,
            "width": 10,
            "height": 10,
            "shape": "circle",
            "fill": None,
            "stroke": "#000",
            "stroke_width": 2,
            "shadow": {"color": "#00000040", "blur": 10, "dx": 0, "dy": 4},
        },
        {
            "type": "image",
            "x": 0,
            "y": 0,
            "width": 5,
            "height": 5,
            "src": "a.png",
            "fit": "contain",
        },
    )
    template = load_template(doc)
    assert [layer.kind for layer in template.layers] == [
        "background",
        "text",
        "qr",
        "avatar",
        "shape",
        "image",
    ]
    assert isinstance(template.layers[0].fill, Gradient)
    text = template.layers[1]
    assert isinstance(text, TextLayer) and text.rotation == 15 and text.locked
    again = load_template(dump_template(template))
    assert again == template
    assert json.loads(dump_template(template))["schema"] == 1


def test_presets_cover_the_domain_sizes():
    sizes = {(p.width, p.height, p.dpi) for p in CANVAS_PRESETS}
    assert {(1080, 1920, 72), (750, 1334, 72), (1080, 1080, 72), (2480, 3508, 300)} <= sizes
    assert canvas_preset("a4").dpi == 300
    with pytest.raises(UserError):
        canvas_preset("letter")


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ("{not json", "不是有效的 JSON"),
        ([], "最外层"),
        ({"canvas": {"width": 1, "height": 1}, "layers": []}, "缺少版本号"),
        ({**document(), "schema": 2}, "比本程序新"),
        ({**document(), "schema": "1"}, "不认识的模板版本"),
        ({"schema": 1, "layers": []}, "画布"),
        (document(width=-5), "正数"),
        (document(width=0), "正数"),
        (document(width=1.5), "整数"),
        (document(width=9000, height=9000), "画布太大"),
        ({"schema": 1, "canvas": {"width": 10, "height": 10}}, "图层列表"),
        (document({"type": "video"}), "「video」不认识"),
        (document({"x": 1}), "缺少类型"),
        (document("text"), "应为一个对象"),
        (document({**TEXT, "width": -1}), "正数"),
        (document({k: v for k, v in TEXT.items() if k != "height"}), "缺少高度"),
        (document({**TEXT, "colour": "#fff"}), "不认识的属性「colour」"),
        (document({**TEXT, "color": "red"}), "不是有效的颜色"),
        (document({**TEXT, "align": "justify"}), "只能是"),
        (document({**TEXT, "font_size": "big"}), "应为数字"),
        (document({**TEXT, "font_size": float("nan")}), "应为数字"),
        (document({**TEXT, "visible": "yes"}), "true 或 false"),
        (document({**TEXT, "opacity": 2}), "不透明度"),
        (document({**TEXT, "min_font_size": 80, "font_size": 40}), "字号"),
        (document({**QR, "quiet_zone": 2}), "至少 4 个模块"),
        (document({**QR, "error_correction": "X"}), "只能是"),
        (document({**QR, "content": "  "}), "缺少二维码内容"),
        (document({**GRADIENT_BG, "fill": {"stops": [[0, "#fff"]]}}), "两个色标"),
        (document({**GRADIENT_BG, "fill": {"stops": [[0, "#fff"], [2, "#000"]]}}), "0 到 1"),
        (document({**GRADIENT_BG, "fill": {"type": "radial", "stops": []}}), "线性"),
    ],
)
def test_bad_documents_say_what_is_wrong(doc, message):
    with pytest.raises(UserError, match=message):
        load_template(doc)


def test_an_empty_template_is_valid():
    assert load_template(document()).layers == []


def test_the_error_names_the_layer():
    with pytest.raises(UserError, match="第 2 个图层（文字「标题」）"):
        load_template(document(QR, {**TEXT, "name": "标题", "color": 5}))


def test_placeholders_fill_and_missing_fields_become_empty():
    data = {"昵称": "小美", "邀请码": "AB12"}
    assert fill_placeholders("{昵称}的邀请码：{邀请码}", data) == "小美的邀请码：AB12"
    assert fill_placeholders("{ 昵称 }", data) == "小美"
    assert fill_placeholders("{活动名}·{自定义}", data) == "·"
    assert fill_placeholders("{{昵称}}", data) == "{昵称}"
    template = load_template(document(TEXT, QR, {**TEXT, "text": "{商品} {截止日期}"}))
    assert template_fields(template) == ["昵称", "邀请链接", "商品", "截止日期"]
    assert missing_fields(template, {"nickname": "小美", "商品": "蛋糕"}) == [
        "邀请链接",
        "截止日期",
    ]


def test_qr_layer_defaults_are_scannable():
    layer = QrLayer()
    assert layer.quiet_zone >= 4 and layer.error_correction == "M"


def test_fractional_values_of_float_fields_survive_a_save_and_load():
    from core.posters.template import BackgroundLayer, QrLayer, Template, TextLayer

    text = TextLayer(name="t", x=10.5, y=20.25, rotation=12.5, letter_spacing=1.5, stroke_width=2.5)
    qr = QrLayer(name="q", width=300, height=300, quiet_zone=4)
    template = Template("t", 1080, 1920, [BackgroundLayer(name="bg"), text, qr])
    loaded = load_template(dump_template(template))
    assert loaded.layers[1].rotation == 12.5
    assert (loaded.layers[1].x, loaded.layers[1].y) == (10.5, 20.25)
    assert loaded.layers[1].letter_spacing == 1.5 and loaded.layers[1].stroke_width == 2.5
    assert isinstance(loaded.layers[2].quiet_zone, int)
