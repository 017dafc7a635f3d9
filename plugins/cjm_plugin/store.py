"""Generated files kept between builds, in the plugin's cache folder.

MkDocs reads generated pages from here like hand-written ones, and `--dirty` builds compare
their modification times with the built pages: a file is only written when its bytes change.

The cache folder is not trusted blindly (CI restores it from elsewhere, and anything can
sit in it): nothing is written or read through a symbolic link below the configured cache
folder, a file is reused only while it is the regular file that was written (same size and
modification time), and only files this store wrote, as listed in its manifest, are ever
deleted. A symlink in the way stops the build with a message naming it (`StoreError`).
"""

from __future__ import annotations

import json
import os
import posixpath
import stat
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import visible
from .load import LoadedMap
from .safe_io import read_limited, write_atomic

__all__ = ["FileStore", "StoreError", "StoredFile", "STORE_FORMAT", "write_atomic"]

STORE_FORMAT = 2  # 2: `stamps`, the size and modification time of each file
MAX_MANIFEST_BYTES = 64 * 2**20


class StoreError(Exception):
    """The cache folder holds something cjm will not write through (a symlink, a file where
    a folder should be); the message names it and what to do."""


@dataclass(frozen=True)
class StoredFile:
    """A generated page or asset as a file in the store; MkDocs reads it from there."""

    src: str
    path: Path
    source: LoadedMap | None = None  # the map whose YAML the "edit" link opens

    @property
    def content(self) -> str:
        return self.path.read_text(encoding="utf-8")


def _stamp(path: Path) -> list[int] | None:
    """[size, modification time] of a regular file (not a link), None otherwise."""
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return [info.st_size, info.st_mtime_ns] if stat.S_ISREG(info.st_mode) else None


class FileStore:
    """Generated files in a folder (the plugin's cache), in groups: the pages of one map, or
    the pages across maps. A group is generated again only when the key of everything it is
    made from changes, and a file is written only when its bytes change: unchanged files keep
    their modification time, which is how `mkdocs build --dirty` (and serve's `--dirty`) tell
    which pages to rebuild. A 200-persona site spent 90% of the plugin's time regenerating
    pages that had not changed (bench/README.md)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)  # its parent is the configured cache folder: trusted
        self.manifest = self.folder / "manifest.json"
        self.root = self.folder / "files"
        self._checked: set[Path] = set()  # folders seen to be real folders this build
        self.groups: dict[str, dict] = {}
        try:
            self._check_folder(self.folder)
            data = json.loads(read_limited(self.manifest, MAX_MANIFEST_BYTES, follow_links=False))
            if data.get("format") == STORE_FORMAT and isinstance(data.get("groups"), dict):
                self.groups = data["groups"]
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self.groups = {}
        self.seen: dict[str, dict] = {}

    def path(self, src: str) -> Path:
        # Ids are checked slugs, so this never fails for generated files; a manifest edited
        # by hand may hold anything.
        if (not isinstance(src, str) or posixpath.normpath(src) != src
                or src.startswith(("/", "../")) or src == ".." or "\\" in src or "\0" in src):
            raise ValueError(f"generated file `{src}` would be written outside {self.folder}")
        return self.root / src

    # -- links ----------------------------------------------------------------------------

    def _check_folder(self, folder: Path) -> None:
        """`folder` (inside the store) is a real folder or absent: never a symlink."""
        if folder in self._checked:
            return
        try:
            info = os.lstat(folder)
        except FileNotFoundError:
            return
        if stat.S_ISLNK(info.st_mode):
            raise StoreError(
                f"cjm: {folder} is a symbolic link (to {visible(os.readlink(folder))}) inside cjm's cache;"
                " cjm never writes or deletes through a link out of its cache. Delete the link"
                f" (or the whole {self.folder.parent} folder) and build again")
        if not stat.S_ISDIR(info.st_mode):
            raise StoreError(f"cjm: {folder} is a file where cjm's cache needs a folder; delete"
                             f" it (or the whole {self.folder.parent} folder) and build again")
        self._checked.add(folder)

    def _checked_path(self, src: str) -> Path:
        """`path(src)` after checking every folder from the store down to it."""
        target = self.path(src)
        folder = self.folder
        self._check_folder(folder)
        for part in (Path("files") / src).parts[:-1]:
            folder = folder / part
            self._check_folder(folder)
        return target

    # -- groups ---------------------------------------------------------------------------

    def reuse(self, group: str, key: str) -> list[str] | None:
        """The files of `group` if they were made from the same `key` and are all there,
        unchanged since (a regular file of the size and modification time written)."""
        known = self.groups.get(group)
        if not isinstance(known, dict) or known.get("key") != key:
            return None
        files, stamps = known.get("files"), known.get("stamps")
        if not (isinstance(files, list) and isinstance(stamps, list) and len(files) == len(stamps)):
            return None
        try:
            for src, written in zip(files, stamps):
                if _stamp(self._checked_path(src)) != written:
                    return None
        except ValueError:  # a manifest edited by hand
            return None
        self.seen[group] = known
        return list(files)

    def put(self, group: str, key: str | None, files: dict[str, str | bytes]) -> None:
        """Write a group's files (only those whose bytes change); `key` None: never reuse them."""
        stamps: list[list[int] | None] = []
        for src, content in files.items():
            data = content if isinstance(content, bytes) else content.encode("utf-8")
            target = self._checked_path(src)
            self._mkdirs(target.parent)
            current = _stamp(target)
            if current is None or current[0] != len(data) or not _holds(target, data):
                write_atomic(target, data)
            stamps.append(_stamp(target))
        # In order (the order MkDocs gets them in), with what each file was when written.
        self.seen[group] = {"key": key, "files": list(files), "stamps": stamps}

    def intact(self, src: str) -> bool:
        """Whether the stored file of `src` is still the regular file it was, reached without
        a link: `mkdocs serve` shows the last good pages from the store after a failed
        rebuild, and a link put there since must not be read."""
        self._checked.clear()
        try:
            return _stamp(self._checked_path(src)) is not None
        except (ValueError, StoreError):
            return False

    def _mkdirs(self, folder: Path) -> None:
        missing = []
        while not os.path.lexists(folder):
            missing.append(folder)
            folder = folder.parent
        for path in reversed(missing):
            path.mkdir(exist_ok=True)  # mkdir never follows a link: a link there is an error
            self._check_folder(path)

    def save(self) -> None:
        """Write the manifest; delete the files the last build wrote that no group of this
        build has (a map was removed). Nothing else in the folder is touched."""
        if self.seen == self.groups and _stamp(self.manifest) is not None:
            return
        keep = {src for group in self.seen.values() for src in group["files"]}
        old = {src for group in self.groups.values() if isinstance(group, dict)
               and isinstance(group.get("files"), list) for src in group["files"] if isinstance(src, str)}
        for src in sorted(old - keep):
            try:
                target = self._checked_path(src)
            except (ValueError, StoreError):
                continue  # not ours to delete, or behind a link: leave it
            if _stamp(target) is not None:
                target.unlink()
                self._remove_empty_folders(target.parent)
        data = json.dumps({"format": STORE_FORMAT, "groups": self.seen}, sort_keys=True, indent=1)
        self._check_folder(self.folder)
        write_atomic(self.manifest, data.encode("utf-8"))
        self.groups = dict(self.seen)

    def _remove_empty_folders(self, folder: Path) -> None:
        while folder != self.root and self.root in folder.parents:
            try:
                folder.rmdir()  # only when empty
            except OSError:
                return
            self._checked.discard(folder)
            folder = folder.parent


def _holds(path: Path, data: bytes) -> bool:
    try:
        return read_limited(path, len(data), follow_links=False) == data
    except OSError:
        return False
