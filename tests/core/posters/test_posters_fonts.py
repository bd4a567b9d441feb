"""Fonts a poster text layer may use: found in the platform's folders, named, hanzi checked."""

from __future__ import annotations

import ast
import io
import os
import shutil
import threading
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from fontTools import subset
from fontTools.ttLib import TTFont

from core.common.errors import UserError
from core.common.fonts import FONT_FAMILY, bundled_font_path
from core.posters import fonts
from core.posters.package import export_template, import_template
from core.posters.render import render_poster
from core.posters.template import Template, TextLayer


def latin_only_font(
    target: Path, family: str = "Test Latin", unicodes: range | list[int] = range(0x20, 0x7F)
) -> Path:
    """A cut of the bundled font with ASCII only: a real font that cannot draw Chinese."""
    font = TTFont(bundled_font_path())
    for record in font["name"].names:
        if record.nameID in (1, 16):
            record.string = family
    options = subset.Options()
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    target.parent.mkdir(parents=True, exist_ok=True)
    font.save(target)
    return target


def test_fonts_in_a_folder_are_found_named_and_checked_for_hanzi(tmp_path):
    folder = tmp_path / "fonts"
    (folder / "noto").mkdir(parents=True)
    shutil.copy(bundled_font_path(), folder / "noto" / "Noto.OTF")  # suffix case ignored
    shutil.copy(bundled_font_path(True), folder / "NotoBold.otf")
    latin_only_font(folder / "latin" / "Latin.ttf")
    (folder / "garbage.ttf").write_bytes(b"not a font at all" * 100)
    (folder / "empty.otf").write_bytes(b"")
    (folder / "readme.txt").write_text("fonts")

    found = fonts.scan_fonts([folder, tmp_path / "missing-folder"])

    by_file = {Path(f.path).name: f for f in found}
    assert set(by_file) == {"Noto.OTF", "NotoBold.otf", "Latin.ttf"}  # garbage skipped
    regular = by_file["Noto.OTF"]
    assert (regular.family, regular.style, regular.chinese) == (FONT_FAMILY, "Regular", True)
    assert regular.label == FONT_FAMILY
    assert by_file["NotoBold.otf"].label == f"{FONT_FAMILY} Bold"
    assert (by_file["Latin.ttf"].family, by_file["Latin.ttf"].chinese) == ("Test Latin", False)
    # Chinese-capable fonts are listed first.
    assert [f.chinese for f in found] == [True, True, False]
    assert regular.path == str(folder / "noto" / "Noto.OTF")


def test_the_same_font_in_two_folders_is_listed_once(tmp_path):
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        shutil.copy(bundled_font_path(), tmp_path / name / "Noto.otf")
    found = fonts.scan_fonts([tmp_path / "a", tmp_path / "b"])
    assert [f.path for f in found] == [str(tmp_path / "a" / "Noto.otf")]


def test_of_two_files_with_one_name_the_one_with_hanzi_is_kept(tmp_path):
    latin_only_font(tmp_path / "A-latin.otf", family=FONT_FAMILY)
    shutil.copy(bundled_font_path(), tmp_path / "B-full.otf")
    found = fonts.scan_fonts([tmp_path])
    assert [(Path(f.path).name, f.chinese) for f in found] == [("B-full.otf", True)]


@pytest.fixture
def machine_fonts(monkeypatch, tmp_path):
    """This machine's fonts are one font, 「Test Latin」, that has only the letter A (so a poster
    drawn with it differs from one drawn with the bundled face, which it is cut from)."""
    folder = tmp_path / "machine-fonts"
    latin_only_font(folder / "Latin.ttf", unicodes=[ord("A")])
    monkeypatch.setattr(fonts, "font_dirs", lambda: [folder])
    fonts.system_fonts(refresh=True)
    yield folder
    monkeypatch.undo()
    fonts.system_fonts(refresh=True)


def ink(image) -> int:
    """How many pixels are dark: text was drawn."""
    return sum(image.convert("L").point(lambda v: 255 if v < 128 else 0).histogram()[255:])


def test_a_font_of_this_machine_is_named_by_its_family_and_renders(machine_fonts):
    assert fonts.system_font_path("Test Latin") == str(machine_fonts / "Latin.ttf")
    assert fonts.system_font_path("test latin") == str(machine_fonts / "Latin.ttf")
    layer = TextLayer(name="t", x=0, y=0, width=300, height=120, text="Ab", font_path="Test Latin")
    latin = render_poster(Template("t", 300, 120, [layer]))
    bundled = render_poster(Template("t", 300, 120, [replace(layer, font_path="")]))
    assert ink(latin) > 100 and latin.tobytes() != bundled.tobytes()


def test_a_font_this_machine_lacks_is_a_clear_refusal(machine_fonts):
    layer = TextLayer(name="t", x=0, y=0, width=300, height=120, text="Ab", font_path="No Such")
    with pytest.raises(UserError, match="本机没有安装字体「No Such」"):
        render_poster(Template("t", 300, 120, [layer]))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_or_a_device_named_as_a_font_is_never_opened(tmp_path):
    """A FIFO blocks whoever opens it for reading until a writer comes: the render would hang
    until killed. Neither the template check, nor the renderer, nor the scan may open one."""
    fifo = tmp_path / "fonts" / "trap.ttf"
    fifo.parent.mkdir()
    os.mkfifo(fifo)
    (fifo.parent / "zero.ttf").symlink_to("/dev/zero")
    outcome: list[BaseException | None] = []

    def render() -> None:
        layer = TextLayer(name="t", x=0, y=0, width=300, height=120, text="Ab", font_path=str(fifo))
        try:
            render_poster(Template("t", 300, 120, [layer]))
            outcome.append(None)
        except BaseException as error:
            outcome.append(error)

    worker = threading.Thread(target=render, daemon=True)
    worker.start()
    worker.join(timeout=30)
    if worker.is_alive():  # blocked in open(): let it go, then fail
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        worker.join(timeout=30)
        pytest.fail("the renderer opened a FIFO named by the template")
    assert isinstance(outcome[0], UserError) and "文件路径" in outcome[0].message
    assert fonts.read_font(fifo) is None and fonts.read_font(fifo.parent / "zero.ttf") is None
    assert fonts.scan_fonts([fifo.parent]) == []


def test_a_package_carries_its_font_and_the_poster_uses_it(tmp_path):
    data = latin_only_font(tmp_path / "Latin.ttf", unicodes=[ord("A")]).read_bytes()
    layer = TextLayer(name="t", x=0, y=0, width=300, height=120, text="Ab", font_path="标题.ttf")
    template = Template("t", 300, 120, [layer])
    package = export_template(template, {"标题.ttf": data, "unused.ttf": data})
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        assert sorted(archive.namelist()) == ["fonts/标题.ttf", "template.json"]
    again, assets = import_template(package)
    assert again == template and assets == {"标题.ttf": data}
    carried = render_poster(again, {}, assets)
    bundled = render_poster(Template("t", 300, 120, [replace(layer, font_path="")]))
    assert ink(carried) > 100 and carried.tobytes() != bundled.tobytes()
    with pytest.raises(UserError, match=r"模板缺少字体文件「标题\.ttf」"):
        render_poster(again)


def test_platform_font_folders(tmp_path):
    windows = fonts.font_dirs(
        "win32", {"WINDIR": r"D:\Win", "LOCALAPPDATA": r"C:\Users\a\AppData\Local"}, tmp_path
    )
    assert windows == [
        Path(r"D:\Win") / "Fonts",
        Path(r"C:\Users\a\AppData\Local") / "Microsoft" / "Windows" / "Fonts",
    ]
    assert fonts.font_dirs("darwin", {}, tmp_path) == [
        Path("/System/Library/Fonts"),
        Path("/Library/Fonts"),
        tmp_path / "Library" / "Fonts",
    ]
    assert fonts.font_dirs("linux", {}, tmp_path) == [
        Path("/usr/share/fonts"),
        Path("/usr/local/share/fonts"),
        tmp_path / ".local" / "share" / "fonts",
        tmp_path / ".fonts",
    ]


def test_system_fonts_are_scanned_once_and_cached(monkeypatch, tmp_path):
    shutil.copy(bundled_font_path(), tmp_path / "Noto.otf")
    monkeypatch.setattr(fonts, "font_dirs", lambda: [tmp_path])
    first = fonts.system_fonts(refresh=True)
    assert [f.path for f in first] == [str(tmp_path / "Noto.otf")]
    (tmp_path / "Noto.otf").unlink()
    assert fonts.system_fonts() == first  # cached: the folder is not walked again
    assert fonts.system_fonts(refresh=True) == []
    fonts.system_fonts(refresh=True)  # leave no temp-folder result behind for other tests


def test_bundled_font_entry_is_the_empty_path():
    bundled = fonts.bundled_font()
    assert (bundled.path, bundled.family, bundled.chinese) == ("", FONT_FAMILY, True)


def test_core_posters_fonts_does_not_import_qt():
    tree = ast.parse(Path(fonts.__file__).read_text(encoding="utf-8"))
    modules = [
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in getattr(node, "names", [])
    ]
    assert not [m for m in modules if m and m.startswith("PySide6")]


def _saved_with_font_path(database, font_path: str) -> str:
    """A template saved by an earlier version: its text layer names an installed font's file."""
    import json

    from sqlalchemy import select

    from core.posters.builtin import load_builtin
    from core.posters.store import save_template
    from db.poster_models import PosterTemplate

    template, assets = load_builtin("welcome")
    with database.session() as session:
        info = save_template(session, replace(template, name="旧模板"), assets)
        row = session.scalars(select(PosterTemplate).where(PosterTemplate.key == info.key)).one()
        document = json.loads(row.document)
        text = next(layer for layer in document["layers"] if layer["type"] == "text")
        text["font_path"] = font_path
        row.document = json.dumps(document, ensure_ascii=False)
        package = zipfile.ZipFile(io.BytesIO(row.assets))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as rewritten:
            for item in package.infolist():
                data = package.read(item)
                rewritten.writestr(item, row.document if item.filename == "template.json" else data)
        row.assets = out.getvalue()
    return info.key


def test_a_template_saved_with_a_font_file_path_still_opens_by_the_fonts_name(
    database, machine_fonts
):
    from core.posters.store import get_template, list_templates

    installed = str(machine_fonts / "Latin.ttf")
    key = _saved_with_font_path(database, installed)
    with database.session() as session:
        listed = [info.key for info in list_templates(session)]
        stored = get_template(session, key)
    assert key in listed
    fonts_used = {getattr(layer, "font_path", "") for layer in stored.template.layers}
    assert "Test Latin" in fonts_used and installed not in fonts_used


def test_a_saved_font_path_no_longer_installed_falls_back_to_the_bundled_font(
    database, machine_fonts
):
    from core.posters.store import get_template, list_templates

    key = _saved_with_font_path(database, "/usr/share/fonts/gone/Removed.ttf")
    with database.session() as session:
        assert key in [info.key for info in list_templates(session)]
        stored = get_template(session, key)
    assert all(getattr(layer, "font_path", "") == "" for layer in stored.template.layers)
