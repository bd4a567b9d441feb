"""Every built-in template: renders like its golden image, its QR scans, its copy is compliant.

Golden images are the posters at a quarter of their size, compared by mean absolute pixel
difference (FreeType versions differ slightly in anti-aliasing, so exact equality would be
brittle). After an intended change of a template or of the renderer, regenerate them with

    SHEQUN_REGEN_GOLDEN=1 .venv/bin/python -m pytest tests/core/posters/test_posters_builtin.py

and look at the new PNGs before committing them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from core.posters.builtin import SAMPLE_DATA, list_builtin, load_builtin
from core.posters.compliance import check_copy
from core.posters.render import PosterRenderer
from core.posters.template import missing_fields
from core.posters.verify import verify_poster

GOLDEN = Path(__file__).resolve().parent / "golden"
REGENERATE = os.environ.get("SHEQUN_REGEN_GOLDEN") == "1"
TOLERANCE = 2.0  # mean absolute difference per channel, 0..255
KEYS = ["welcome", "invite", "groupbuy", "checkin", "event"]


def golden_size(image: Image.Image) -> Image.Image:
    return image.resize((image.width // 4, image.height // 4), Image.Resampling.BOX)


def mean_difference(a: Image.Image, b: Image.Image) -> float:
    return sum(ImageStat.Stat(ImageChops.difference(a, b)).mean) / 3


def test_the_five_kinds_are_shipped():
    assert [t.key for t in list_builtin()][:5] == KEYS
    assert all(t.name and t.description for t in list_builtin())


@pytest.mark.parametrize("key", KEYS)
def test_builtin_template_matches_its_golden_image(key):
    template, assets = load_builtin(key)
    rendered = PosterRenderer(template, assets).render(SAMPLE_DATA)
    assert rendered.image.size == (template.width, template.height)
    small = golden_size(rendered.image)
    path = GOLDEN / f"{key}.png"
    if REGENERATE:
        GOLDEN.mkdir(exist_ok=True)
        small.save(path, optimize=True)
    expected = Image.open(path).convert("RGB")
    assert expected.size == small.size
    assert mean_difference(small, expected) < TOLERANCE


def test_the_golden_comparison_can_tell_templates_apart():
    images = [Image.open(GOLDEN / f"{key}.png").convert("RGB") for key in KEYS]
    assert mean_difference(images[0], images[1]) > TOLERANCE * 5
    # A changed nickname alone is noticed too.
    template, assets = load_builtin("welcome")
    other = PosterRenderer(template, assets).render({**SAMPLE_DATA, "昵称": "另一位很长的昵称"})
    assert mean_difference(golden_size(other.image), images[0]) > 0.3


@pytest.mark.parametrize("key", KEYS)
def test_builtin_template_qr_scans_without_warnings(key):
    template, assets = load_builtin(key)
    rendered = PosterRenderer(template, assets).render(SAMPLE_DATA)
    check = verify_poster(rendered, dpi=template.dpi)
    assert check.ok and len(check.codes) == 1
    assert check.codes[0].decoded_text == SAMPLE_DATA["邀请链接"]
    assert check.warnings == ()
    assert rendered.warnings == [] and missing_fields(template, SAMPLE_DATA) == []


@pytest.mark.parametrize("key", KEYS)
def test_builtin_copy_passes_the_compliance_check(key):
    template, _ = load_builtin(key)
    risky = [(text, check_copy(text)) for layer in template.layers for text in layer.texts()]
    assert [r for r in risky if r[1]] == []


def test_unknown_builtin_is_a_clear_error():
    from core.common.errors import UserError

    with pytest.raises(UserError, match="没有名为"):
        load_builtin("../etc")


@pytest.mark.parametrize("key", KEYS)
def test_fixed_fields_and_baked_layers_change_no_pixel(key):
    """A batch renderer bakes shared fields and non-overlapping layers into its base; the
    posters must be identical to drawing every layer in order."""
    template, assets = load_builtin(key)
    shared = {k: SAMPLE_DATA[k] for k in ("活动名", "截止日期", "社群名", "活动时间", "活动地点")}
    member = {k: v for k, v in SAMPLE_DATA.items() if k not in shared}
    batch = PosterRenderer(template, assets, shared)
    assert batch.static_layers() > PosterRenderer(template, assets).static_layers()
    one_by_one = PosterRenderer(template, assets).render(SAMPLE_DATA).image
    assert batch.render(member).image.tobytes() == one_by_one.tobytes()


@pytest.mark.parametrize("key", KEYS)
def test_builtin_template_qr_of_a_bare_invite_code_is_large_enough(key):
    """Without a link format the QR holds the invite code alone (`invite_link`): the smallest
    code there is, whose whole-pixel modules leave it narrowest in its box. It must still pass
    the size check, or every poster of a batch carries a warning."""
    template, assets = load_builtin(key)
    rendered = PosterRenderer(template, assets).render({**SAMPLE_DATA, "邀请链接": "C9S64R6"})
    check = verify_poster(rendered, dpi=template.dpi)
    assert check.ok and check.codes[0].decoded_text == "C9S64R6"
    assert check.warnings == ()
