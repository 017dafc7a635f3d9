"""All maps of a site together: discovery, the shared vocabulary, cross-map checks."""

from __future__ import annotations

import gc
import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from .checks import check_map, check_vocabulary
from .diagnostics import Diagnostic, sorted_diagnostics
from .load import LoadedMap, SourceFile, load_map, load_vocabulary
from .model import Vocabulary

VOCABULARY_FILE = "_vocabulary.yml"
MAP_SUFFIXES = (".yml", ".yaml")


@dataclass
class Project:
    """Every valid map (sorted by persona id), the vocabulary, and every message."""

    maps: list[LoadedMap] = field(default_factory=list)
    vocabulary: Vocabulary | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: list[SourceFile] = field(default_factory=list)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if not d.is_error]

    def by_id(self, persona_id: str) -> LoadedMap | None:
        return next((m for m in self.maps if m.id == persona_id), None)


def display_name(path: Path, base: Path) -> str:
    """How messages name a file: relative to `base` (the project folder), with `/`."""
    try:
        return Path(os.path.relpath(path.resolve(), base)).as_posix()
    except ValueError:  # another drive on Windows
        return path.as_posix()


def is_map_file(path: Path) -> bool:
    return path.suffix.lower() in MAP_SUFFIXES and not path.name.startswith(("_", "."))


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[Path]]:
    """(map files, folders they came from) for files and folders given by the user."""
    files: list[Path] = []
    folders: list[Path] = []
    for path in paths:
        if path.is_dir():
            # Teams may sort maps into subfolders; `_` and `.` folders are not read.
            folders.append(path)
            found = (p for p in path.rglob("*") if p.is_file() and is_map_file(p)
                     and not any(part.startswith(("_", ".")) for part in p.relative_to(path).parent.parts))
            files.extend(sorted(found, key=lambda p: p.relative_to(path).as_posix()))
        else:
            folders.append(path.parent)  # its vocabulary applies, even when named itself
            if is_map_file(path) or path.suffix.lower() not in MAP_SUFFIXES:
                files.append(path)
    unique = list(dict.fromkeys(p.resolve() for p in files))
    return unique, list(dict.fromkeys(f.resolve() for f in folders))


@contextmanager
def gc_paused():
    """No cyclic garbage collection while building many long-lived objects.

    Loading a map creates thousands of nodes, dicts and models that all survive; each
    automatic collection walks every one of them again, which made loading 200 maps twice
    as slow (bench/README.md). Plain reference counting still frees what is dropped, and
    the collector runs again afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_project(paths: Iterable[Path], base: Path | None = None) -> Project:
    """Load and check every map under `paths`; never raises for bad input."""
    with gc_paused():
        return _load_project(paths, base)


def _load_project(paths: Iterable[Path], base: Path | None) -> Project:
    base = (base or Path.cwd()).resolve()
    files, folders = discover(Path(p) for p in paths)
    project = Project()

    vocabularies: dict[Path, tuple[Vocabulary, str]] = {}
    for folder in folders:
        vocabulary_path = folder / VOCABULARY_FILE
        if vocabulary_path.is_file():
            source = SourceFile(vocabulary_path, display_name(vocabulary_path, base))
            loaded, messages = load_vocabulary(source)
            if loaded:
                messages = check_vocabulary(loaded[0], loaded[1], source)
            project.diagnostics.extend(messages)
            if loaded and not messages:
                vocabularies[folder] = (loaded[0], source.display)
                project.vocabulary = project.vocabulary or loaded[0]

    owners: dict[str, LoadedMap] = {}
    for path in files:
        source = SourceFile(path, display_name(path, base))
        project.files.append(source)
        if not path.exists():
            project.diagnostics.append(source.diagnostic(1, 1, "no such file; check the path"))
            continue
        loaded, messages = load_map(source)
        project.diagnostics.extend(messages)
        if loaded is None:
            continue
        # The nearest `_vocabulary.yml` above the map applies (maps/ for maps/team/x.yml).
        vocabulary, vocabulary_file = next(
            (vocabularies[folder] for folder in (path.parent, *path.parent.parents) if folder in vocabularies),
            (None, VOCABULARY_FILE))
        messages = check_map(loaded, vocabulary, vocabulary_file)
        project.diagnostics.extend(messages)
        if any(m.is_error for m in messages):
            continue
        first = owners.get(loaded.id)
        if first is not None:
            key = ("persona", "id") in loaded.positions.keys
            project.diagnostics.append(loaded.at(("persona", "id") if key else ("persona",),
                f"persona id `{loaded.id}` is already used by {first.source.display}; give each"
                " map its own `persona.id`", key=key))
            continue
        owners[loaded.id] = loaded

    project.maps = sorted(owners.values(), key=lambda m: m.id)
    project.diagnostics = sorted_diagnostics(project.diagnostics)
    return project
