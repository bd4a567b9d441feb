"""A template as one file: `template.json`, its pictures and fonts, zipped (海报模板 .zip).

Operators pass templates to each other through WeChat, so a package is untrusted input: it is
checked for size before anything is unpacked (a zip bomb declares small sizes and inflates to
gigabytes), every member name is reduced to a plain file name (no `../`), the pictures' sizes
are read from their headers and added up before any is decoded, every picture is decoded once,
every font is opened once, and every picture and font the template names must be present.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from contextlib import suppress
from pathlib import PurePosixPath

from core.common.errors import UserError
from core.common.images import MAX_PIXELS, open_untrusted
from core.common.joins import joined_list
from core.common.text import msg
from core.posters.bounds import MAX_PICTURE_PIXELS
from core.posters.font_refs import FONT_SUFFIXES, is_package_font
from core.posters.fonts import check_font_data
from core.posters.template import (
    BackgroundLayer,
    ImageLayer,
    QrLayer,
    Template,
    TextLayer,
    dump_template,
    load_template,
    placeholders_in,
)

TEMPLATE_FILE = "template.json"
IMAGES_DIR = "images"
FONTS_DIR = "fonts"
MAX_PACKAGE_BYTES = 60 * 1024 * 1024
MAX_UNPACKED_BYTES = 120 * 1024 * 1024
MAX_ENTRIES = 200
MAX_JSON_BYTES = 2 * 1024 * 1024
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp")


def referenced_assets(template: Template) -> list[str]:
    """The picture and font names the template's layers use (not per-member placeholders)."""
    names: dict[str, None] = {}
    for layer in template.layers:
        candidates = []
        if isinstance(layer, TextLayer):
            if is_package_font(layer.font_path):
                names.setdefault(layer.font_path, None)
            continue
        if isinstance(layer, BackgroundLayer):
            candidates.append(layer.image)
        elif isinstance(layer, ImageLayer):
            candidates.append(layer.src)
        elif isinstance(layer, QrLayer):
            candidates.append(layer.logo)
        elif hasattr(layer, "src"):
            candidates.append(layer.src)
        for name in candidates:
            if name and not placeholders_in(name):
                names.setdefault(name, None)
    return list(names)


def missing_assets(template: Template, assets: Mapping[str, object]) -> list[str]:
    return [name for name in referenced_assets(template) if name not in assets]


def _refuse_missing(missing: list[str], *, in_file: bool) -> None:
    """Name the pictures, then the fonts, the template uses but the package lacks."""
    pictures = joined_list([name for name in missing if not is_package_font(name)])
    fonts = joined_list([name for name in missing if is_package_font(name)])
    if pictures and in_file:
        raise UserError(msg("模板文件缺少图片：{names}", names=pictures))
    if pictures:
        raise UserError(msg("模板缺少图片：{names}", names=pictures))
    if fonts and in_file:
        raise UserError(msg("模板文件缺少字体文件：{names}", names=fonts))
    if fonts:
        raise UserError(msg("模板缺少字体文件：{names}", names=fonts))


def export_template(template: Template, assets: Mapping[str, bytes]) -> bytes:
    """The package bytes: template.json and the pictures and fonts it uses (unused ones are
    left out)."""
    _refuse_missing(missing_assets(template, assets), in_file=False)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(TEMPLATE_FILE, dump_template(template))
        for name in referenced_assets(template):
            if is_package_font(name):
                archive.writestr(f"{FONTS_DIR}/{name}", assets[name])
            else:
                # Pictures are compressed already: store them.
                archive.writestr(f"{IMAGES_DIR}/{name}", assets[name], zipfile.ZIP_STORED)
    return buffer.getvalue()


def import_template(data: bytes, *, upgrade=None) -> tuple[Template, dict[str, bytes]]:
    """A checked template and its pictures from package bytes; a UserError says what is wrong.
    `upgrade` brings an older document of our own up to date before it is checked."""
    if len(data) > MAX_PACKAGE_BYTES:
        raise UserError(
            msg("模板文件太大（超过 {size} MB）", size=MAX_PACKAGE_BYTES // (1024 * 1024))
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as error:
        raise UserError(msg("这不是海报模板文件（应为 .zip，内含 template.json）")) from error
    with archive:
        entries = [info for info in archive.infolist() if not info.is_dir()]
        if len(entries) > MAX_ENTRIES:
            raise UserError(msg("模板文件里的文件太多（{count} 个）", count=len(entries)))
        if sum(info.file_size for info in entries) > MAX_UNPACKED_BYTES:
            raise UserError(msg("模板文件解压后过大，可能是异常文件，已拒绝"))
        document = None
        assets: dict[str, bytes] = {}
        for info in entries:
            path = PurePosixPath(info.filename.replace("\\", "/"))
            name = path.name
            if name == TEMPLATE_FILE and len(path.parts) == 1:
                document = _read(archive, info, MAX_JSON_BYTES)
            elif name.lower().endswith(IMAGE_SUFFIXES + FONT_SUFFIXES) and not name.startswith("."):
                if name in assets:
                    raise UserError(msg("模板文件里有两个同名文件「{name}」", name=name))
                assets[name] = _read(archive, info, MAX_UNPACKED_BYTES)
    if document is None:
        raise UserError(msg("模板文件里没有 template.json"))
    template = load_template(upgrade(document) if upgrade else document)
    _refuse_missing(missing_assets(template, assets), in_file=True)
    used = set(referenced_assets(template))
    assets = {name: content for name, content in assets.items() if name in used}
    pictures = {name: data for name, data in assets.items() if not is_package_font(name)}
    _check_picture_pixels(pictures)
    for name, content in assets.items():
        if is_package_font(name):
            check_font_data(content, name)
        else:  # decodes: a broken one is said now
            open_untrusted(content, what=msg("模板图片「{name}」", name=name))
    return template, assets


def _check_picture_pixels(pictures: Mapping[str, bytes]) -> None:
    """Refuse pictures that together would take more than MAX_PICTURE_PIXELS decoded, from
    their headers alone (decoding a hundred 50-megapixel pictures takes minutes)."""
    # Pillow on first use (start-up)
    from PIL import Image

    total = 0
    for data in pictures.values():
        # An unreadable header is left to open_untrusted, which says what is wrong with it.
        with suppress(Exception), Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            total += min(width * height, MAX_PIXELS + 1)
        if total > MAX_PICTURE_PIXELS:
            raise UserError(
                msg(
                    "模板文件里的图片合计太大（超过 {limit} 百万像素），可能是异常文件，已拒绝",
                    limit=MAX_PICTURE_PIXELS // 1_000_000,
                )
            )


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """The member's bytes, never more than `limit` whatever its header claims."""
    try:
        with archive.open(info) as member:
            content = member.read(limit + 1)
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError) as error:
        # RuntimeError: an encrypted member; the others: damaged data or a bad CRC.
        raise UserError(msg("模板文件已损坏，无法读取「{name}」", name=info.filename)) from error
    if len(content) > limit:
        raise UserError(msg("模板文件解压后过大，可能是异常文件，已拒绝"))
    return content
