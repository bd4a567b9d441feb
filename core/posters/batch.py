"""One poster per member, into a folder or a zip, on every core, all or nothing.

The caller (GUI task, CLI) supplies the members as plain dicts of their fields; fields shared
by the whole batch (活动名, 社群名, 截止日期) can be given once as `shared`. Each poster is
rendered, its QR codes decoded back from the bytes that will be written (JPEG artefacts
included), and only then written. A poster whose code does not decode is listed in the result
and not written.

Nothing half-done is left behind: files go to a hidden staging folder (core.posters.sinks)
and are moved into place only when the whole batch has finished; a cancelled or failed batch
removes its staging folder, so the output folder is as it was before. A batch that was killed
cannot clean up after itself: the next one writing to the same place does. Its worker
processes do not outlive it either: each watches its parent and exits when the parent is gone.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.common.errors import UserError
from core.common.filenames import safe_file_name
from core.common.joins import joined_clauses, joined_list
from core.common.progress import CancelCheck, Cancelled, Progress, never_cancelled, no_progress
from core.common.text import msg
from core.posters.fonts import font_key
from core.posters.render import Assets, PosterRenderer
from core.posters.sinks import FolderSink, ZipSink
from core.posters.template import (
    Template,
    TextLayer,
    fill_placeholders,
    normalise_data,
    validate_template,
)
from core.posters.verify import reopen_encoded, verify_poster

FORMATS = {"png": "PNG", "jpeg": "JPEG", "jpg": "JPEG"}
DEFAULT_NAME_PATTERN = "{昵称}_{邀请码}"
PNG_COMPRESS_LEVEL = 3  # zlib level: 6 (Pillow's default) costs ~50% more time for ~20% less size
JPEG_QUALITY = 92
CHUNK = 4  # posters per task sent to a worker: fewer round trips, still smooth progress


@dataclass(frozen=True)
class PosterFile:
    index: int  # position of the member in the list given
    name: str  # file name in the folder or the zip
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class PosterFailure:
    index: int
    name: str
    reason: str


@dataclass
class BatchResult:
    output: str  # the folder or the zip file
    format: str
    written: list[PosterFile] = field(default_factory=list)
    failed: list[PosterFailure] = field(default_factory=list)
    # Staging folders (and partial zips) of earlier batches that were killed, removed now.
    cleaned: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.written) + len(self.failed)


# ---------------------------------------------------------------------- names


def poster_file_names(
    members: Sequence[Mapping[str, Any]],
    extension: str = "png",
    pattern: str = DEFAULT_NAME_PATTERN,
    shared: Mapping[str, Any] | None = None,
) -> list[str]:
    """`昵称_邀请码.png` for each member; repeats get (2), (3)… (compared ignoring case)."""
    used: set[str] = set()
    names = []
    for index, member in enumerate(members, start=1):
        data = {**normalise_data(shared or {}), **normalise_data(member)}
        stem = safe_file_name(fill_placeholders(pattern, data), f"海报_{index}")
        candidate, copy = stem, 1
        while f"{candidate}.{extension}".casefold() in used:
            copy += 1
            candidate = f"{stem}({copy})"
        used.add(f"{candidate}.{extension}".casefold())
        names.append(f"{candidate}.{extension}")
    return names


# ---------------------------------------------------------------------- rendering one


@dataclass(frozen=True)
class _Outcome:
    index: int
    data: bytes | None  # the file, when the parent writes it (zip); None when written here
    warnings: tuple[str, ...]
    error: str | None


class _Job:
    """What a worker keeps between posters: the renderer with its caches."""

    def __init__(
        self,
        template: Template,
        assets: Assets,
        fmt: str,
        shared: dict,
        staging: str | None,
        system_fonts: dict[str, str],
    ) -> None:
        self.template = template
        self.renderer = PosterRenderer(template, assets, shared, system_fonts)
        self.fmt = fmt
        # Folder output: each worker writes its files into the staging folder itself, so the
        # images do not travel through a pipe to the parent.
        self.staging = Path(staging) if staging else None

    def run(self, index: int, data: Mapping[str, Any], name: str) -> _Outcome:
        try:
            rendered = self.renderer.render(data)
            encoded = encode_poster(rendered.image, self.fmt)
            # Check what will be on disk: a JPEG is decoded again, a PNG is lossless.
            seen = reopen_encoded(encoded) if self.fmt == "JPEG" else None
            check = verify_poster(
                rendered, dpi=self.template.dpi, image=seen, template=self.template
            )
        except UserError as error:
            return _Outcome(index, None, (), error.message)
        warnings = list(rendered.warnings) + list(check.warnings)
        if rendered.missing_fields:
            warnings.append(
                msg("缺少字段：{fields}（显示为空）", fields=joined_list(rendered.missing_fields))
            )
        if not check.ok:
            return _Outcome(index, None, tuple(warnings), joined_clauses(check.problems()))
        if self.staging is None:
            return _Outcome(index, encoded, tuple(warnings), None)
        partial = self.staging / (name + ".partial")
        try:
            partial.write_bytes(encoded)
            partial.replace(self.staging / name)
        except OSError as error:
            return _Outcome(
                index, None, tuple(warnings), msg("写入失败：{error}", error=error.strerror)
            )
        return _Outcome(index, None, tuple(warnings), None)


def encode_poster(image, fmt: str) -> bytes:
    buffer = io.BytesIO()
    if fmt == "JPEG":
        # 4:4:4: chroma subsampling blurs the edges of coloured QR modules and small text.
        image.convert("RGB").save(buffer, "JPEG", quality=JPEG_QUALITY, subsampling=0)
    else:
        image.save(buffer, "PNG", compress_level=PNG_COMPRESS_LEVEL)
    return buffer.getvalue()


_worker_job: _Job | None = None


def _init_worker(*setup) -> None:
    global _worker_job
    _watch_parent()
    _worker_job = _Job(*setup)


def _watch_parent() -> None:
    """Exit this worker as soon as the process that started it is gone, however it went
    (kill -9 included): otherwise a worker waits for work forever, or renders on for nobody.

    multiprocessing gives each child its parent's sentinel (POSIX: the read end of a pipe whose
    write end only the parent holds; Windows: the parent's process handle), which becomes
    ready when the parent ends: no polling, and the same on every platform."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        parent.join()
        os._exit(1)  # nothing to save: the parent, and with it the batch, is gone

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _run_chunk(chunk: list[tuple[int, dict, str]]) -> list[_Outcome]:
    assert _worker_job is not None
    return [_worker_job.run(index, data, name) for index, data, name in chunk]


# ---------------------------------------------------------------------- the batch


def render_batch(
    template: Template,
    members: Sequence[Mapping[str, Any]],
    out: Path,
    *,
    assets: Assets | None = None,
    shared: Mapping[str, Any] | None = None,
    fmt: str = "png",
    as_zip: bool = False,
    jobs: int | None = None,
    name_pattern: str = DEFAULT_NAME_PATTERN,
    progress: Progress = no_progress,
    cancelled: CancelCheck = never_cancelled,
) -> BatchResult:
    """Render, verify and write one poster per member into the folder `out` (or the zip `out`).

    Raises Cancelled when `cancelled()` turns true; then nothing of this batch remains.
    """
    pil_format = FORMATS.get(fmt.lower())
    if pil_format is None:
        raise UserError(msg("不支持的海报格式「{format}」，可选 png 或 jpeg", format=fmt))
    extension = "png" if pil_format == "PNG" else "jpg"
    jobs = max(1, jobs or os.cpu_count() or 1)
    out = Path(out)
    if as_zip and out.suffix.lower() != ".zip":
        out = out.with_name(out.name + ".zip")
    validate_template(template)  # bounds and budget: refused before any file is made
    names = poster_file_names(members, extension, name_pattern, shared)
    common = normalise_data(shared or {})
    work = [(i, normalise_data(m), names[i]) for i, m in enumerate(members)]
    assets = dict(assets or {})
    system_fonts = _system_fonts(template, assets)  # a missing font: refused before any file
    sink = ZipSink(out) if as_zip else FolderSink(out)
    result = BatchResult(str(out), extension, cleaned=[str(path) for path in sink.cleaned])
    staging = str(sink.staging) if isinstance(sink, FolderSink) else None
    setup = (template, assets, pil_format, common, staging, system_fonts)
    outcomes = _outcomes(setup, work, jobs, cancelled)
    try:
        for outcome in outcomes:
            name = names[outcome.index]
            if outcome.error is not None:
                result.failed.append(PosterFailure(outcome.index, name, outcome.error))
                continue
            sink.add(name, outcome.data)
            result.written.append(PosterFile(outcome.index, name, outcome.warnings))
            progress(result.total, len(work))
            if cancelled():
                raise Cancelled
        sink.commit()
    except BaseException:
        outcomes.close()  # stops the pool and waits for its workers before cleaning up
        sink.discard()
        raise
    result.written.sort(key=lambda f: f.index)
    result.failed.sort(key=lambda f: f.index)
    return result


def _system_fonts(template: Template, assets: Assets) -> dict[str, str]:
    """The template's fonts, looked up once here rather than in every worker; a font that
    cannot be found is refused now, for the whole batch."""
    found = {}
    for layer in template.layers:
        if isinstance(layer, TextLayer) and layer.visible and layer.font_path:
            key = font_key(layer.font_path, assets)
            if key.startswith("file:"):
                found[layer.font_path] = key[len("file:") :]
    return found


def _outcomes(setup: tuple, work: list, jobs: int, cancelled: CancelCheck):
    if jobs == 1 or len(work) <= CHUNK:
        job = _Job(*setup)
        for index, data, name in work:
            if cancelled():
                raise Cancelled
            yield job.run(index, data, name)
        return
    chunks = [work[i : i + CHUNK] for i in range(0, len(work), CHUNK)]
    # spawn: a worker forked from a process with Qt's threads running may deadlock.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=min(jobs, len(chunks)),
        mp_context=context,
        initializer=_init_worker,
        initargs=setup,
    ) as pool:
        # A bounded window of chunks in flight, so cancelling stops quickly.
        pending = set()
        queue = iter(chunks)
        try:
            for chunk in queue:
                pending.add(pool.submit(_run_chunk, chunk))
                if len(pending) >= jobs * 3:
                    break
            while pending:
                if cancelled():
                    raise Cancelled
                done, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                for future in done:
                    yield from future.result()
                    following = next(queue, None)
                    if following is not None:
                        pending.add(pool.submit(_run_chunk, following))
        finally:
            for future in pending:
                future.cancel()
