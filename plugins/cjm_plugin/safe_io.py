"""Reading and writing files without surprises: what is read is a regular file of bounded
size (never a pipe, a device or a 1 GB file read whole), what is written lands atomically,
and a link is never followed where the caller says so.

Used for maps (load.py), cjm's cache (store.py, catalog.py, the diagram cache) and the
files `cjm generate` writes.
"""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

KINDS = {stat.S_IFDIR: "a folder", stat.S_IFIFO: "a named pipe (FIFO)", stat.S_IFCHR: "a device",
         stat.S_IFBLK: "a block device", stat.S_IFSOCK: "a socket", stat.S_IFLNK: "a symbolic link"}


class NotAFile(OSError):
    """`path` is not a regular file (`kind` says what it is), or is over the size limit
    (`size` is then its size)."""

    def __init__(self, path: Path, kind: str | None = None, size: int | None = None):
        self.path, self.kind, self.size = path, kind, size
        super().__init__(f"{path}: {kind or f'{size} bytes'}")


def read_limited(path: Path, limit: int, follow_links: bool = True) -> bytes:
    """The bytes of the regular file at `path`, at most `limit` of them.

    The kind and size are checked before reading, and at most `limit` + 1 bytes are read (the
    file may grow meanwhile). `follow_links=False`: a link at `path` is refused too. Raises
    NotAFile, or OSError when the file can't be opened."""
    if follow_links:  # classify first: opening some devices has effects (a tape rewinds)
        kind = KINDS.get(stat.S_IFMT(os.stat(path).st_mode))
        if kind:
            raise NotAFile(path, kind)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    if not follow_links:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        descriptor = os.open(path, flags)  # O_NONBLOCK: a pipe swapped in can't block
    except OSError:
        if not follow_links and os.path.islink(path):
            raise NotAFile(path, "a symbolic link") from None
        raise
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise NotAFile(path, KINDS.get(stat.S_IFMT(info.st_mode), "not a plain file"))
        if info.st_size > limit:
            raise NotAFile(path, size=info.st_size)
        chunks, left = [], limit + 1
        while left > 0:
            chunk = os.read(descriptor, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        if len(data) > limit:
            raise NotAFile(path, size=len(data))
        return data
    finally:
        os.close(descriptor)


def write_atomic(target: Path, data: bytes) -> None:
    """A reader (a build running at the same time) sees the old file or the new one.

    The temporary name is unique per process and thread, and is created new (never opened
    through a link left there); `os.replace` puts the file in place of whatever is at
    `target`, a link included, without following it. Plain `os.open` (unlike `mkstemp`,
    which makes private files) gives the file the permissions the user's umask allows."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}-{threading.get_ident()}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        try:
            descriptor = os.open(temporary, flags, 0o666)
        except FileExistsError:  # left by a process that died: ours to replace
            os.unlink(temporary)
            descriptor = os.open(temporary, flags, 0o666)
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
        os.replace(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
