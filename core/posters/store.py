"""Poster templates: the built-in ones (resources/templates/) and the operator's saved ones.

Saved templates live in the `poster_templates` table as their JSON document and their package
(core.posters.package: template.json and pictures, zipped), so what is stored is exactly what
an export writes and an import reads. A template is found by its key (`welcome`, `tpl-3f9a1c2b`)
or its name; names are unique among all templates, built-in ones included, so a name always
means one template.

Importing a file goes through package.import_template, which refuses hostile zips (bombs,
`../` names, undecodable pictures) before anything is stored.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.common.errors import UserError
from core.common.joins import joined_list
from core.common.text import msg
from core.posters.bounds import check_json_depth
from core.posters.builtin import list_builtin, load_builtin
from core.posters.font_refs import PATH_MARKS
from core.posters.fonts import system_font_label
from core.posters.package import MAX_PACKAGE_BYTES, export_template, import_template
from core.posters.template import (
    Template,
    dump_template,
    load_template,
    template_fields,
)
from db.poster_models import PosterTemplate

MAX_NAME_CHARS = 100
_KEY = re.compile(r"^[A-Za-z0-9_-]{1,60}$")


@dataclass(frozen=True)
class TemplateInfo:
    """One line of the template list."""

    key: str
    name: str
    description: str
    builtin: bool
    width: int
    height: int
    dpi: int
    fields: list[str] = field(default_factory=list)  # the placeholders its layers use
    based_on: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def size(self) -> str:
        return f"{self.width}×{self.height}" + (f" {self.dpi}dpi" if self.dpi != 72 else "")


@dataclass
class StoredTemplate:
    """A template ready to render: the document and its pictures (name → file bytes)."""

    info: TemplateInfo
    template: Template
    assets: dict[str, bytes]


def _info(key: str, template: Template, builtin: bool, row: PosterTemplate | None = None):
    return TemplateInfo(
        key=key,
        name=template.name,
        description=template.description,
        builtin=builtin,
        width=template.width,
        height=template.height,
        dpi=template.dpi,
        fields=template_fields(template),
        based_on=row.based_on if row is not None else "",
        created_at=row.created_at if row is not None else None,
        updated_at=row.updated_at if row is not None else None,
    )


def list_templates(session: Session) -> list[TemplateInfo]:
    """Built-in templates first (shipped order), then saved ones by name."""
    result = []
    for builtin in list_builtin():
        template, _ = load_builtin(builtin.key)
        result.append(_info(builtin.key, template, True))
    for row in session.scalars(select(PosterTemplate).order_by(PosterTemplate.name)):
        result.append(_info(row.key, load_template(saved_font_names(row.document)), False, row))
    return result


def saved_font_names(document):
    """A template saved before fonts were named (the designer stored an installed font's file
    path, which templates may no longer hold): each such path becomes the name the designer
    lists for that file, or the bundled font when no installed font has that path any more.
    Only our own saved rows come through here; an imported file's path is refused."""
    if isinstance(document, bytes | str):
        check_json_depth(document)
        try:
            document = json.loads(document)
        except ValueError:
            return document  # load_template says what is wrong with it
    layers = document.get("layers") if isinstance(document, dict) else None
    if not isinstance(layers, list):
        return document
    for layer in layers:
        reference = layer.get("font_path") if isinstance(layer, dict) else None
        if isinstance(reference, str) and any(mark in reference for mark in PATH_MARKS):
            layer["font_path"] = system_font_label(reference) or ""
    return document


def _saved_row(session: Session, key_or_name: str) -> PosterTemplate | None:
    return session.scalars(
        select(PosterTemplate).where(
            (PosterTemplate.key == key_or_name) | (PosterTemplate.name == key_or_name)
        )
    ).first()


def _builtin_key(key_or_name: str) -> str | None:
    for builtin in list_builtin():
        if key_or_name in (builtin.key, builtin.name):
            return builtin.key
    return None


def get_template(session: Session, key_or_name: str) -> StoredTemplate:
    """A template by key or name, built-in or saved; UserError naming the choices if none."""
    wanted = (key_or_name or "").strip()
    builtin_key = _builtin_key(wanted) if wanted else None
    if builtin_key is not None:
        template, assets = load_builtin(builtin_key)
        return StoredTemplate(_info(builtin_key, template, True), template, assets)
    row = _saved_row(session, wanted) if wanted else None
    if row is None:
        names = joined_list(
            [msg("{name}（{key}）", name=t.name, key=t.key) for t in list_templates(session)]
        )
        raise UserError(
            msg("没有名为「{name}」的海报模板，可选：{choices}", name=wanted, choices=names)
        )
    template, assets = import_template(row.assets, upgrade=saved_font_names)
    return StoredTemplate(_info(row.key, template, False, row), template, assets)


def _check_name(session: Session, name: str, own_key: str | None) -> str:
    name = (name or "").strip()
    if not name:
        raise UserError(msg("模板需要一个名称"))
    if len(name) > MAX_NAME_CHARS:
        raise UserError(msg("模板名称太长（最多 {limit} 个字）", limit=MAX_NAME_CHARS))
    if _builtin_key(name) is not None:
        raise UserError(msg("「{name}」是内置模板的名称，请换一个名称", name=name))
    clash = session.scalars(select(PosterTemplate).where(PosterTemplate.name == name)).first()
    if clash is not None and clash.key != own_key:
        raise UserError(msg("已有名为「{name}」的模板，请换一个名称", name=name))
    return name


def save_template(
    session: Session,
    template: Template,
    assets: dict[str, bytes] | None = None,
    *,
    key: str | None = None,
    based_on: str = "",
    now: datetime | None = None,
) -> TemplateInfo:
    """Save a new template (key None) or replace the saved one with `key`.

    The document is checked by reading it back (load_template) and every picture it names
    must be in `assets`. A name used by another template is refused.
    """
    now = now or datetime.now()
    document = dump_template(template)
    template = load_template(document)  # what is stored is what will be read back
    row = None
    if key is not None:
        if _builtin_key(key) == key:
            raise UserError(msg("内置模板不能修改，请另存为新模板"))
        row = session.scalars(select(PosterTemplate).where(PosterTemplate.key == key)).first()
        if row is None and not _KEY.match(key):
            raise UserError(msg("模板代号「{key}」只能用字母、数字、- 和 _", key=key))
    name = _check_name(session, template.name, key)
    template.name = name
    document = dump_template(template)
    package = export_template(template, assets or {})  # refuses a missing picture
    if row is None:
        row = PosterTemplate(
            key=key or f"tpl-{uuid.uuid4().hex[:8]}",
            created_at=now,
            based_on=based_on,
        )
        session.add(row)
    elif based_on:
        row.based_on = based_on
    row.name = name
    row.description = template.description
    row.document = document
    row.assets = package
    row.updated_at = now
    session.flush()
    return _info(row.key, template, False, row)


def delete_template(session: Session, key_or_name: str) -> str:
    """Delete a saved template; returns its name. Built-in ones cannot be deleted."""
    wanted = (key_or_name or "").strip()
    if wanted and _builtin_key(wanted) is not None:
        raise UserError(msg("「{name}」是内置模板，不能删除", name=wanted))
    row = _saved_row(session, wanted) if wanted else None
    if row is None:
        raise UserError(msg("没有名为「{name}」的已保存模板", name=wanted))
    name = row.name
    session.delete(row)
    session.flush()
    return name


def free_name(session: Session, name: str) -> str:
    """`name`, or `name（2）`, `name（3）`… the first not used by any template."""
    name = (name or "").strip()[:MAX_NAME_CHARS] or "导入的模板"
    taken = {t.name for t in list_templates(session)}
    candidate, copy = name, 1
    while candidate in taken:
        copy += 1
        suffix = f"（{copy}）"
        candidate = name[: MAX_NAME_CHARS - len(suffix)] + suffix
    return candidate


def read_package_file(path: Path) -> bytes:
    """A package file's bytes, refused before reading when it is too big to be one."""
    path = Path(path)
    try:
        if path.is_dir():  # it exists: "not found" would send the user looking elsewhere
            raise UserError(msg("{name} 是文件夹，不是模板文件（.zip）", name=path.name))
        if not path.is_file():
            raise UserError(msg("找不到模板文件：{path}", path=str(path)))
        if path.stat().st_size > MAX_PACKAGE_BYTES:
            raise UserError(
                msg("模板文件太大（超过 {size} MB）", size=MAX_PACKAGE_BYTES // (1024 * 1024))
            )
        return path.read_bytes()
    except OSError as error:
        raise UserError(
            msg("无法读取模板文件 {path}：{error}", path=str(path), error=error.strerror)
        ) from error


def import_template_file(session: Session, path: Path, *, name: str | None = None) -> TemplateInfo:
    """Store the template in a package file; a name already used gets （2）, （3）…

    A hostile or broken file raises UserError and nothing is stored.
    """
    template, assets = import_template(read_package_file(path))
    template.name = free_name(session, name or template.name)
    return save_template(session, template, assets)


def export_template_file(session: Session, key_or_name: str, out: Path) -> Path:
    """Write a template (built-in or saved) as a package file; returns the path written."""
    stored = get_template(session, key_or_name)
    return write_template_file(stored.template, stored.assets, out)


def write_template_file(template: Template, assets: dict[str, bytes], out: Path) -> Path:
    """Write `template` with its assets as a package file (.zip added when missing), whole or
    not at all; returns the path written."""
    data = export_template(template, assets)
    out = Path(out)
    if out.suffix.lower() != ".zip":
        out = out.with_name(out.name + ".zip")
    if out.is_dir():
        raise UserError(msg("{path} 是一个文件夹，请给出 .zip 文件名", path=str(out)))
    partial = out.with_name(out.name + ".partial")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(data)
        os.replace(partial, out)
    except OSError as error:
        with contextlib.suppress(OSError):  # the folder may not exist or be a file
            partial.unlink(missing_ok=True)
        raise UserError(
            msg("无法写入 {path}：{error}", path=str(out), error=error.strerror)
        ) from error
    return out
