"""While someone edits maps (a dev server, `cjm generate --watch`), a map that breaks
mid-typing keeps its last good version, so its pages stay up and say what is wrong.

Shared by every live mode: the MkDocs plugin under `mkdocs serve`, the Markdown extension
in a long-running engine (`zensical serve`), and `cjm generate --watch`.
"""

from __future__ import annotations

import os
from pathlib import Path

from .catalog import Project
from .load import LoadedMap


class LastGoodMaps:
    """The maps of the last load, by file; `keep` puts back a broken file's last good map."""

    def __init__(self) -> None:
        self.maps: dict[str, LoadedMap] = {}  # by map file

    def keep(self, project: Project) -> list[LoadedMap]:
        """Put back into `project.maps` the last good map of each file that is broken now
        (unless its persona id is taken by another map since); returns the maps kept."""
        broken = {error.file for error in project.errors}
        current = {str(m.source.path): m for m in project.maps}
        kept = []
        for path, previous in self.maps.items():
            if previous.source.display in broken and path not in current and \
                    project.by_id(previous.id) is None:
                current[path] = previous
                kept.append(previous)
        self.maps = current
        project.maps = sorted(current.values(), key=lambda m: m.id)
        return kept


def folder_state(folder: Path) -> tuple:
    """What changes when any file below `folder` is saved, added, renamed or removed: each
    file's path, size and modification time. Cheap enough to poll (a stat per file: a
    200-map folder takes well under a millisecond)."""
    entries = []
    for directory, folders, files in os.walk(folder):
        folders.sort()
        for name in sorted(files):
            path = os.path.join(directory, name)
            try:
                info = os.stat(path)
            except OSError:  # removed while we looked, or a dangling link
                entries.append((path, -1, -1))
                continue
            entries.append((path, info.st_size, info.st_mtime_ns))
    return tuple(entries)
