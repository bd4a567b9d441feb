"""Where a batch's posters wait until the whole batch is done, and what a killed batch left.

Files go to a hidden staging folder (`.海报生成中-1a2b3c4d`) next to where they belong and are
moved into place only when the batch has finished, so the output is all or nothing. A batch
that fails or is cancelled removes its staging folder itself; one that is killed (kill -9, a
crash, a power cut) cannot, so the next batch writing to the same place removes it.

To tell a dead batch's folder from one a running batch (another window, another process) is
still filling, each staging folder holds a `.lock` file its batch keeps locked (flock on POSIX,
msvcrt.locking on Windows). The operating system drops the lock when the process dies, however
it dies: a folder whose lock can be taken belongs to nobody and is removed.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import uuid
import zipfile
from pathlib import Path

from core.common.errors import UserError
from core.common.text import msg

log = logging.getLogger(__name__)

STAGING_PREFIX = ".海报生成中-"
LOCK_FILE = ".lock"
_BINARY = getattr(os, "O_BINARY", 0)


def _try_lock(fd: int) -> bool | None:
    """Lock the open file without waiting: True when locked, False when another process holds
    it, None when this file system cannot lock (then nobody can tell who owns the folder)."""
    try:
        if os.name == "nt":
            # the platform's own locking module
            import msvcrt

            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except (BlockingIOError, PermissionError):
        return False
    except OSError as error:
        if os.name == "nt" and error.errno in (13, 36):  # EACCES, EDEADLOCK: held by another
            return False
        return None
    return True


class Staging:
    """A hidden folder for a batch's files inside `parent`, locked while this process lives."""

    def __init__(self, parent: Path) -> None:
        self.parent = parent
        for _attempt in range(5):
            path = parent / f"{STAGING_PREFIX}{uuid.uuid4().hex[:8]}"
            try:
                path.mkdir()
            except OSError as error:
                raise UserError(
                    msg("无法在 {path} 写入：{error}", path=str(parent), error=error.strerror)
                ) from error
            fd = self._lock(path)
            if fd is not None:
                self.path, self._fd = path, fd
                return
            shutil.rmtree(path, ignore_errors=True)
        raise UserError(msg("无法在 {path} 写入：临时文件夹被占用", path=str(parent)))

    @staticmethod
    def _lock(path: Path) -> int | None:
        """The locked `.lock` of a new staging folder, or None when a cleaner got there first
        (it treated the folder as abandoned in the instant before the lock was taken)."""
        lock = path / LOCK_FILE
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_EXCL | _BINARY)
        except OSError:
            return None
        if _try_lock(fd) is False:
            os.close(fd)
            return None
        try:
            same = os.path.samestat(os.fstat(fd), os.stat(lock))
        except OSError:
            same = False
        if not same:  # removed by a cleaner between creating and locking it
            os.close(fd)
            return None
        return fd

    def remove(self) -> None:
        """Unlock and delete the folder with whatever is left in it."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        shutil.rmtree(self.path, ignore_errors=True)


def clean_leftovers(folder: Path) -> list[Path]:
    """Remove the staging folders of dead batches in `folder`; returns those removed.

    Folders of batches that are still running (their lock is held) are left alone, and so
    is every folder when this file system cannot lock files."""
    removed = []
    try:
        entries = [e for e in folder.iterdir() if e.name.startswith(STAGING_PREFIX)]
    except OSError:
        return removed
    for entry in entries:
        if entry.is_symlink() or not entry.is_dir():
            continue
        if _abandoned(entry):
            shutil.rmtree(entry, ignore_errors=True)
            if not entry.exists():
                removed.append(entry)
                log.info("removed %s, left by a batch that did not finish", entry)
    return removed


def _abandoned(staging: Path) -> bool:
    try:
        # Created when missing (an older version's folder, or one made an instant ago): its
        # batch then fails to create it and picks another folder.
        fd = os.open(staging / LOCK_FILE, os.O_RDWR | os.O_CREAT | _BINARY)
    except OSError:
        return False
    try:
        return _try_lock(fd) is True
    finally:
        os.close(fd)  # releases the lock


class FolderSink:
    """Files land in a staging folder inside `out`, moved in place at the end."""

    def __init__(self, out: Path) -> None:
        self.out = out
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise UserError(
                msg("无法创建文件夹 {path}：{error}", path=str(out), error=error.strerror)
            ) from error
        self.cleaned = clean_leftovers(out)
        self._staging = Staging(out)
        self.staging = self._staging.path
        self.names: list[str] = []

    def add(self, name: str, data: bytes | None) -> None:
        """Record a file the job has written into the staging folder."""
        assert data is None
        self.names.append(name)

    def commit(self) -> None:
        for name in self.names:
            os.replace(self.staging / name, self.out / name)
        self._staging.remove()

    def discard(self) -> None:
        self._staging.remove()


class ZipSink:
    """A zip written in a staging folder beside `out`, moved to `out` only when complete."""

    def __init__(self, out: Path) -> None:
        self.out = out
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise UserError(
                msg("无法创建压缩包 {path}：{error}", path=str(out), error=error.strerror)
            ) from error
        self.cleaned = clean_leftovers(out.parent)
        # What earlier versions left: a `.partial` zip beside the real one.
        partial = out.with_name(out.name + ".partial")
        with contextlib.suppress(OSError):
            if partial.is_file():
                partial.unlink()
                self.cleaned.append(partial)
        self._staging = Staging(out.parent)
        self.partial = self._staging.path / out.name
        try:
            # Images are compressed already: storing is as small and much faster.
            self.zip = zipfile.ZipFile(self.partial, "w", zipfile.ZIP_STORED)
        except OSError as error:
            self._staging.remove()
            raise UserError(
                msg("无法创建压缩包 {path}：{error}", path=str(out), error=error.strerror)
            ) from error

    def add(self, name: str, data: bytes | None) -> None:
        assert data is not None
        self.zip.writestr(name, data)

    def commit(self) -> None:
        self.zip.close()
        os.replace(self.partial, self.out)
        self._staging.remove()

    def discard(self) -> None:
        self.zip.close()
        self._staging.remove()
