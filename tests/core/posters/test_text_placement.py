"""Where a phrase lands in a text layer: checked against the renderer's own pixels."""

from __future__ import annotations

from PIL import ImageChops

from core.posters.render import PosterRenderer
from core.posters.template import BackgroundLayer, Template, TextLayer
from core.posters.text_placement import span_boxes

WIDTH = 800


def render(layer: TextLayer):
    background = BackgroundLayer(name="bg", width=WIDTH, height=600, fill="#ffffff")
    template = Template("t", WIDTH, 600, [background, layer])
    return PosterRenderer(template, {}).render({}).image


def ink_of_phrase(layer: TextLayer, start: int, end: int):
    """The pixels only the phrase draws: the render minus the render with it blanked.

    The phrase's hanzi are replaced by 口 (the same width, and a line may break anywhere
    between hanzi), so the rest of the text keeps its place; the difference is drawn only
    where the phrase is.
    """
    text = layer.text
    blank = text[:start] + "口" * (end - start) + text[end:]
    base = render(TextLayer(**{**layer.__dict__, "text": blank}))
    return ImageChops.difference(render(layer), base).convert("L").point(lambda v: 255 * (v > 40))


def within(box, layer, ink_bbox, slack: float) -> bool:
    left, top, right, bottom = ink_bbox
    x0 = layer.x + box.x
    baseline = layer.y + box.baseline
    return (
        x0 - slack <= left
        and right <= x0 + box.width + slack
        and baseline - box.size - slack <= top
        and bottom <= baseline + box.size * 0.3 + slack
    )


def test_a_phrase_in_the_middle_of_a_centred_line():
    text = "欢迎加入，转发朋友圈即可领取好礼"
    layer = TextLayer(name="t", x=40, y=100, width=720, height=200, text=text, font_size=40)
    layer.align = "center"
    start = text.index("转发朋友圈")
    boxes = span_boxes(layer, text, start, start + 5)
    assert len(boxes) == 1
    ink = ink_of_phrase(layer, start, start + 5).getbbox()
    assert ink is not None
    assert within(boxes[0], layer, ink, slack=4)
    # Not a box around the whole line: the phrase is about 5 of its 16 characters.
    assert boxes[0].width < 0.45 * layer.width


def test_a_phrase_broken_over_two_lines_gets_a_box_on_each():
    text = "一二三四五六七八九十转发朋友圈领奖"
    layer = TextLayer(
        name="t", x=20, y=50, width=440, height=300, text=text, font_size=40, align="right"
    )
    start = text.index("转发朋友圈")
    boxes = span_boxes(layer, text, start, start + 5)
    assert len(boxes) == 2
    assert boxes[1].baseline > boxes[0].baseline
    diff = ink_of_phrase(layer, start, start + 5)
    for box in boxes:
        band = (0, round(layer.y + box.baseline - box.size), WIDTH, round(layer.y + box.baseline))
        ink = diff.crop(band).getbbox()
        assert ink is not None
        left, _top, right, _bottom = ink
        assert layer.x + box.x - 4 <= left and right <= layer.x + box.x + box.width + 4


def test_auto_shrunk_text_reports_the_size_it_is_drawn_at():
    text = "分享到三个群即可解锁全部课程资料" * 3
    layer = TextLayer(
        name="t", x=0, y=0, width=300, height=90, text=text, font_size=80, min_font_size=10
    )
    boxes = span_boxes(layer, text, 0, 2)
    assert boxes and boxes[0].size < 80


def test_characters_not_drawn_have_no_box():
    text = "好礼\n\n"
    layer = TextLayer(name="t", x=0, y=0, width=300, height=200, text=text, font_size=40)
    assert span_boxes(layer, text, 2, 4) == []
    assert len(span_boxes(layer, text, 0, 4)) == 1


def test_copy_marks_find_risky_phrases_as_the_poster_shows_them():
    from core.posters.copy_marks import copy_marks

    background = BackgroundLayer(name="bg", width=WIDTH, height=600)
    title = TextLayer(name="标题", x=0, y=0, width=700, height=100, text="{昵称}邀请你")
    risky = TextLayer(
        name="福利", x=0, y=200, width=700, height=100, text="转发朋友圈集满 30 个赞领奖"
    )
    hidden = TextLayer(name="隐藏", x=0, y=300, width=700, height=100, text="不转不是中国人")
    hidden.visible = False
    template = Template("t", WIDTH, 600, [background, title, risky, hidden])
    marks = copy_marks(template, {"nickname": "小麦"})
    assert {mark.layer_index for mark in marks} == {2}
    assert all(mark.boxes for mark in marks)
    assert all(mark.phrase.reason for mark in marks)
    # A phrase that only the member's data brings in is found too.
    assert copy_marks(template, {"昵称": "分享到三个群"})
