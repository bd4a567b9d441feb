"""素材库: pictures and files kept for content items, with titles, tags and search.

A file is stored once by content: it lands in the data folder under its SHA-256
(materials/ab/<sha256>/<its own name>, so a file dragged from the folder into WeChat keeps a
name people can read), and adding the same file again, under any name, finds the material it
already is (new tags join it). Pictures are untrusted like the poster designer's
(core/posters/assets.image_asset): an empty, cut-off, non-image or decompression-bomb file,
or one too large, is a UserError and nothing changes — no row, no file.

Search matches title, tags and file name, and the pinyin and initials of each
(core/common/search_keys), so `zaoan` and `za` find 早安海报. Items attach materials in order
(`set_attachments`); a material in use cannot be deleted (the item would lose what it was
sent with).
"""

from __future__ import annotations

import hashlib
import io
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import delete, event, func, select
from sqlalchemy.orm import Session

from core.common.errors import UserError
from core.common.filenames import safe_file_name, visible_text
from core.common.input_files import input_size, unreadable
from core.common.operator import operator_name
from core.common.paths import data_dir
from core.common.search_keys import names_search_text, normalize_query
from core.common.text import msg
from core.posters.assets import image_asset
from db.calendar_models import SENT_STATUSES, ContentItem
from db.material_models import (
    MAX_MATERIAL_BYTES,
    MAX_MATERIAL_TITLE_CHARS,
    MAX_TAG_CHARS,
    ContentItemMaterial,
    Material,
    MaterialTag,
)

# Files with these endings are pictures and get the untrusted-picture check.
PICTURE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".tif", ".tiff"})
MAX_TAGS = 20
MAX_ATTACHMENTS = 20
THUMB_SIDE = 160
_CHUNK = 1024 * 1024


def materials_dir() -> Path:
    return data_dir() / "materials"


def stored_path(sha256: str, filename: str) -> Path:
    return materials_dir() / sha256[:2] / sha256 / filename


@dataclass
class MaterialRow:
    id: int
    kind: str
    title: str
    filename: str
    size_bytes: int
    width: int | None
    height: int | None
    sha256: str
    created_at: datetime
    tags: list[str] = field(default_factory=list)

    @property
    def path(self) -> Path:
        return stored_path(self.sha256, self.filename)

    @property
    def is_image(self) -> bool:
        return self.kind == "image"


@dataclass
class Added:
    material: MaterialRow
    created: bool  # False: the same file was already in the library
    new_tags: list[str]


def clean_tags(tags: Iterable[str]) -> list[str]:
    """Tags as stored: trimmed, without a leading #, each once, at most MAX_TAGS."""
    found: list[str] = []
    for raw in tags:
        for part in str(raw).replace("，", ",").split(","):
            tag = " ".join(visible_text(part).split()).lstrip("#＃").strip()
            if not tag:
                continue
            if len(tag) > MAX_TAG_CHARS:
                raise UserError(msg("标签「{tag}」太长（最多 {limit} 个字）", tag=tag[:40],
                                    limit=MAX_TAG_CHARS))  # fmt: skip
            if tag not in found:
                found.append(tag)
    if len(found) > MAX_TAGS:
        raise UserError(msg("标签太多（最多 {limit} 个）", limit=MAX_TAGS))
    return found


def _title(title: str | None, fallback: str) -> str:
    title = " ".join(visible_text(title or "").split()) or fallback
    if len(title) > MAX_MATERIAL_TITLE_CHARS:
        raise UserError(msg("素材标题太长（最多 {limit} 个字）", limit=MAX_MATERIAL_TITLE_CHARS))
    return title


def _picture(path: Path) -> tuple[bytes, str, tuple[int, int]]:
    """(bytes to store, suffix, size) of a picture, checked as the poster designer checks it."""
    from PIL import Image

    name, data = image_asset(path)  # refuses what the designer refuses, with its messages
    with Image.open(io.BytesIO(data)) as image:  # passed the check: header only
        size = image.size
    return data, Path(name).suffix, size


def _file_sha(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as stream:
            while chunk := stream.read(_CHUNK):
                digest.update(chunk)
    except OSError as error:
        raise UserError(unreadable(path, error)) from error
    return digest.hexdigest()


def _write(target: Path, data: bytes | None, source: Path) -> None:
    """The stored copy, written beside its place then renamed, so a half-written file is never
    taken for the material."""
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    try:
        if data is None:
            shutil.copyfile(source, partial)
        else:
            partial.write_bytes(data)
        partial.replace(target)
    except OSError as error:
        partial.unlink(missing_ok=True)
        problem = str(error.strerror or error)
        raise UserError(msg("无法保存素材文件：{problem}", problem=problem)) from error


def _search_text(title: str, filename: str, tags: list[str]) -> str:
    return names_search_text([title, *tags], [Path(filename).stem])


def add_material(
    session: Session,
    path: str | Path,
    *,
    title: str | None = None,
    tags: Iterable[str] = (),
    write_file: bool = True,
    now: datetime | None = None,
) -> Added:
    """Add the file at `path` to the library (copied into the data folder unless
    `write_file` is off, for a dry run). The same content twice is one material."""
    path = Path(path)
    tags = clean_tags(tags)
    size = input_size(path)
    picture = path.suffix.lower() in PICTURE_SUFFIXES
    if not picture and size > MAX_MATERIAL_BYTES:
        raise UserError(msg("文件「{name}」太大（超过 {size} MB）", name=path.name,
                            size=MAX_MATERIAL_BYTES // (1024 * 1024)))  # fmt: skip
    if picture:
        data, suffix, (width, height) = _picture(path)
        sha = hashlib.sha256(data).hexdigest()
        size = len(data)
    else:
        data, suffix, width, height = None, path.suffix.lower(), None, None
        sha = _file_sha(path)
    existing = session.scalar(select(Material).where(Material.sha256 == sha))
    if existing is not None:
        have = set(tags_of(session, [existing.id]).get(existing.id, []))
        new = [t for t in tags if t not in have]
        session.add_all(MaterialTag(material_id=existing.id, tag=t) for t in new)
        if new:
            existing.search_text = _search_text(
                existing.title, existing.filename, [*sorted(have), *new]
            )
        session.flush()
        return Added(_row(session, existing), False, new)
    stem = safe_file_name(path.stem, "素材")
    filename = stem + (suffix if len(suffix) <= 16 else "")
    material = Material(
        sha256=sha,
        kind="image" if picture else "file",
        title=_title(title, stem),
        filename=filename,
        suffix=suffix[:16],
        size_bytes=size,
        width=width,
        height=height,
        created_at=(now or datetime.now()).replace(microsecond=0),
        created_by=operator_name(),
    )
    material.search_text = _search_text(material.title, filename, tags)
    session.add(material)
    session.flush()
    session.add_all(MaterialTag(material_id=material.id, tag=t) for t in tags)
    session.flush()
    if write_file:
        _write(stored_path(sha, filename), data, path)
    return Added(_row(session, material), True, tags)


def tags_of(session: Session, ids: Iterable[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    query = (
        select(MaterialTag.material_id, MaterialTag.tag)
        .where(MaterialTag.material_id.in_(list(ids)))
        .order_by(MaterialTag.material_id, MaterialTag.tag)
    )
    for mid, tag in session.execute(query):
        found.setdefault(mid, []).append(tag)
    return found


def _row(session: Session, m: Material, tags: list[str] | None = None) -> MaterialRow:
    if tags is None:
        tags = tags_of(session, [m.id]).get(m.id, [])
    return MaterialRow(m.id, m.kind, m.title, m.filename, m.size_bytes, m.width, m.height,
                       m.sha256, m.created_at, tags)  # fmt: skip


def list_materials(
    session: Session,
    search: str = "",
    *,
    tag: str | None = None,
    kind: str | None = None,
    ids: Iterable[int] | None = None,
) -> list[MaterialRow]:
    """Materials whose title, tags or file name (or their pinyin) hold every word of `search`,
    newest first; only those with `tag` / of `kind` / among `ids` when given."""
    query = select(Material).order_by(Material.created_at.desc(), Material.id.desc())
    for word in normalize_query(search).split():
        query = query.where(Material.search_text.contains(word, autoescape=True))
    if tag:
        query = query.where(
            Material.id.in_(select(MaterialTag.material_id).where(MaterialTag.tag == tag))
        )
    if kind:
        query = query.where(Material.kind == kind)
    if ids is not None:
        query = query.where(Material.id.in_(list(ids)))
    rows = list(session.scalars(query))
    tags = tags_of(session, [m.id for m in rows])
    return [_row(session, m, tags.get(m.id, [])) for m in rows]


def all_tags(session: Session) -> list[tuple[str, int]]:
    """Every tag in use and how many materials carry it, most used first."""
    query = (
        select(MaterialTag.tag, func.count())
        .group_by(MaterialTag.tag)
        .order_by(func.count().desc(), MaterialTag.tag)
    )
    return [(tag, count) for tag, count in session.execute(query)]


def find_material(session: Session, material_id: int | str) -> Material:
    text = str(material_id).strip().removeprefix("#")
    material = session.get(Material, int(text)) if text.isdigit() and len(text) < 10 else None
    if material is None:
        raise UserError(msg("没有编号为「{text}」的素材", text=text[:40]))
    return material


def edit_material(
    session: Session,
    material_id: int | str,
    *,
    title: str | None = None,
    tags: Iterable[str] | None = None,
) -> MaterialRow:
    """A new title and / or tags (the tags replace the old ones)."""
    material = find_material(session, material_id)
    if title is not None:
        if not " ".join(visible_text(title).split()):
            raise UserError(msg("请写素材标题"))
        material.title = _title(title, material.title)
    if tags is not None:
        tags = clean_tags(tags)
        session.execute(delete(MaterialTag).where(MaterialTag.material_id == material.id))
        session.add_all(MaterialTag(material_id=material.id, tag=t) for t in tags)
    session.flush()
    row = _row(session, material)
    material.search_text = _search_text(row.title, row.filename, row.tags)
    return row


def delete_material(session: Session, material_id: int | str) -> str:
    """Delete a material no item uses; its file goes once the transaction commits."""
    material = find_material(session, material_id)
    used = session.scalar(
        select(func.count()).where(ContentItemMaterial.material_id == material.id)
    )
    if used:
        raise UserError(msg("素材「{title}」还在 {count} 条内容中使用，先从内容中移除再删除",
                            title=material.title, count=used))  # fmt: skip
    path = stored_path(material.sha256, material.filename)
    title = material.title
    session.delete(material)
    session.flush()
    event.listen(session, "after_commit", lambda _s: _remove(path), once=True)
    return title


def _remove(path: Path) -> None:
    shutil.rmtree(path.parent, ignore_errors=True)
    thumb_path(path.parent.name).unlink(missing_ok=True)


def set_attachments(session: Session, item_id: int, material_ids: Iterable[int]) -> list[int]:
    """The item's attachments become `material_ids`, in this order."""
    item = session.get(ContentItem, item_id)
    if item is None:
        raise UserError(msg("没有编号为「{text}」的内容", text=str(item_id)))
    if item.status in SENT_STATUSES:  # what went out stays as it went out
        raise UserError(msg("内容 #{id}「{title}」已发送，不能再{what}", id=item.id,
                            title=item.title, what=msg("改附件")))  # fmt: skip
    ids = list(dict.fromkeys(material_ids))
    if len(ids) > MAX_ATTACHMENTS:
        raise UserError(msg("附件太多（最多 {limit} 个）", limit=MAX_ATTACHMENTS))
    for mid in ids:
        find_material(session, mid)
    session.execute(delete(ContentItemMaterial).where(ContentItemMaterial.item_id == item_id))
    session.add_all(
        ContentItemMaterial(item_id=item_id, material_id=mid, position=n)
        for n, mid in enumerate(ids)
    )
    session.flush()
    return ids


def attachments_of(session: Session, item_ids: Iterable[int]) -> dict[int, list[MaterialRow]]:
    """Each item's attachments, in order (items without any are left out)."""
    item_ids = list(item_ids)
    if not item_ids:
        return {}
    links = session.execute(
        select(ContentItemMaterial.item_id, ContentItemMaterial.material_id)
        .where(ContentItemMaterial.item_id.in_(item_ids))
        .order_by(ContentItemMaterial.item_id, ContentItemMaterial.position)
    ).all()
    rows = {m.id: m for m in list_materials(session, ids={mid for _, mid in links})}
    found: dict[int, list[MaterialRow]] = {}
    for iid, mid in links:
        found.setdefault(iid, []).append(rows[mid])
    return found


def thumb_path(sha256: str) -> Path:
    return materials_dir() / "thumbs" / f"{sha256}.png"


def thumbnail(material: MaterialRow) -> Path | None:
    """A small PNG of a picture (made once, then kept); None for files or a missing picture."""
    if not material.is_image:
        return None
    target = thumb_path(material.sha256)
    if target.exists():
        return target
    from core.common.images import open_untrusted, upright_rgba

    try:
        image = upright_rgba(open_untrusted(material.path.read_bytes()))
        image.thumbnail((THUMB_SIDE, THUMB_SIDE))
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        image.save(partial, "PNG")
        partial.replace(target)
    except (OSError, UserError):  # the stored file went missing or was changed outside
        return None
    return target
