"""All maps of a site together: discovery, the shared vocabulary, cross-map checks."""

from __future__ import annotations

import gc
import hashlib
import json
import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from .checks import check_map, check_vocabulary
from .diagnostics import Diagnostic, sorted_diagnostics
from .labels import LANGUAGES, has_words
from .load import LoadedMap, SourceFile, load_map, load_vocabulary, read_source
from .model import JourneyMap, Vocabulary
from .outline import from_outline, outline_of
from .progress import Progress
from .links import check_links
from .research import RESEARCH_FILE, LoadedResearch, load_research
from .safe_io import read_limited, write_atomic
from .yaml_source import Positions

if TYPE_CHECKING:
    from .rules import Finding, LoadedRules

MAX_CACHE_BYTES = 256 * 2**20  # the model cache of a 200-persona site is a few MB

VOCABULARY_FILE = "_vocabulary.yml"
VOCABULARY_NAMES = (VOCABULARY_FILE, "_vocabulary.yaml")
# A team's rules (rules.py, imported only when a project has them: its models cost every
# `cjm validate` 10 ms).
RULES_FILE = "_rules.yml"
MAP_SUFFIXES = (".yml", ".yaml")


@dataclass
class Project:
    """Every valid map (sorted by persona id), the vocabulary, and every message."""

    maps: list[LoadedMap] = field(default_factory=list)
    vocabulary: Vocabulary | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: list[SourceFile] = field(default_factory=list)
    # `maps/_research.yml`, when there is one and it is valid (links.py checks against it).
    research: LoadedResearch | None = None
    # `maps/_rules.yml` when there is one (rules.py), the findings of its rules (also in
    # `diagnostics`), and the day they were judged on.
    rules: LoadedRules | None = None
    findings: list[Finding] = field(default_factory=list)
    today: date | None = None

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]

    @property
    def notices(self) -> list[Diagnostic]:
        """Rule findings of level `notice`: shown, and never a failure."""
        return [d for d in self.diagnostics if d.severity == "notice"]

    def by_id(self, persona_id: str) -> LoadedMap | None:
        return next((m for m in self.maps if m.id == persona_id), None)


def display_name(path: Path, base: Path) -> str:
    """How messages name a file: relative to `base` (the project folder), with `/`. Links
    are not followed: a symlink in maps/ is named by its place in maps/, not its target."""
    absolute = os.path.abspath(path)
    try:
        return Path(os.path.relpath(absolute, base)).as_posix()
    except ValueError:  # another drive on Windows
        return Path(absolute).as_posix()


def is_map_file(path: Path) -> bool:
    return path.suffix.lower() in MAP_SUFFIXES and not path.name.startswith(("_", "."))


def _hidden(path: Path, folder: Path) -> bool:
    """In a `_` or `.` folder below `folder` (drafts, notes): not read."""
    return any(part.startswith(("_", ".")) for part in path.relative_to(folder).parent.parts)


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[Path]]:
    """(map files, folders they came from) for files and folders given by the user.

    Every entry of a folder whose name says "map" is listed, files or not: a dangling
    symlink, a named pipe or a folder called `x.yml` gets a message, never silence.
    Paths are absolute but links are not resolved (see `display_name`)."""
    files: list[Path] = []
    folders: list[Path] = []
    for path in paths:
        if path.is_dir():
            # Teams may sort maps into subfolders; `_` and `.` folders are not read.
            folders.append(path)
            found = (p for p in path.rglob("*") if is_map_file(p) and not _hidden(p, path)
                     and not (p.is_dir() and not p.is_symlink()))
            files.extend(sorted(found, key=lambda p: p.relative_to(path).as_posix()))
        else:
            folders.append(path.parent)  # its vocabulary applies, even when named itself
            if is_map_file(path) or path.suffix.lower() not in MAP_SUFFIXES:
                files.append(path)
    unique = list(dict.fromkeys(Path(os.path.abspath(p)) for p in files))
    return unique, list(dict.fromkeys(Path(os.path.abspath(f)) for f in folders))


# A project's root: the search for `_vocabulary.yml` above a map stops below it.
PROJECT_MARKERS = ("mkdocs.yml", "mkdocs.yaml", "properdocs.yml", "zensical.toml", ".git")


def vocabulary_folders(folder: Path, top: Path | None = None) -> tuple[Path, ...]:
    """`folder` and the folders above it whose `_vocabulary.yml` may apply to a map in it,
    nearest first: up to `top` (the plugin's maps folder), else up to the project root
    (the folder of mkdocs.yml or .git, not included). Validating maps/team/ann.yml alone
    applies maps/_vocabulary.yml, as the build does."""
    found = []
    for candidate in (folder, *folder.parents):
        if top is None and any(os.path.lexists(candidate / marker) for marker in PROJECT_MARKERS):
            break
        found.append(candidate)
        if top is not None and candidate == top:
            break
    return tuple(found)


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


_CODE: str | None = None


def code_version() -> str:
    """A hash of the package's code and templates, and of the libraries that parse and
    validate maps: what a cache made by another cjm (or another pydantic) holds is not reused."""
    global _CODE
    if _CODE is None:
        import pydantic
        import yaml

        digest = hashlib.sha256(f"pydantic {pydantic.VERSION}, PyYAML {yaml.__version__}\0".encode())
        package = Path(__file__).resolve().parent
        for path in sorted([*package.rglob("*.py"), *package.rglob("*.j2")]):
            digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
        _CODE = digest.hexdigest()
    return _CODE


# The models of the last load in this process, by cache key: `mkdocs serve` loads every map
# again after each save, and validating the JSON of 199 unchanged maps again was a tenth of
# a dirty rebuild at 200 maps (bench/README.md). Models are not changed after loading.
_LAST_LOAD: dict[str, JourneyMap] = {}


class _ModelCache:
    """Maps that loaded without a single message, by their bytes, name and vocabulary: the
    next load validates the remembered model instead of parsing the YAML again (1.2 s of
    every build of a 200-persona site, bench/README.md), or, in the same process (serve),
    takes the model itself. Remembered maps have no positions; nothing needs them, since
    they had no message to place."""

    def __init__(self, folder: Path, outlines: bool = False):
        # `outlines`: remember only what the checks across maps read (outline.py), for
        # `cjm validate`; the build needs whole models.
        self.outlines = outlines
        self.models: dict[str, JourneyMap] = {}
        self._vocabularies: dict[int, tuple[Vocabulary, str]] = {}
        self.file = folder / ("outlines.json" if outlines else "maps.json")
        try:
            data = json.loads(read_limited(self.file, MAX_CACHE_BYTES, follow_links=False))
            # Model JSON by key; with `outlines`, outline data (outline.py).
            self.known: dict[str, str | dict] = data["maps"] if data.get("code") == code_version() else {}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self.known = {}
        self.used: dict[str, str | dict] = {}

    def key(self, source: SourceFile, raw: bytes, vocabulary: Vocabulary | None) -> str | None:
        # Once per vocabulary, not per map: 0.3 s of every load of 200 maps.
        if vocabulary is None:
            vocabulary_json = ""
        elif id(vocabulary) in self._vocabularies:
            vocabulary_json = self._vocabularies[id(vocabulary)][1]
        else:
            vocabulary_json = vocabulary.model_dump_json()
            self._vocabularies[id(vocabulary)] = (vocabulary, vocabulary_json)  # held: ids stay unique
        parts = (source.display, source.path.name, vocabulary_json)
        return hashlib.sha256(json.dumps(parts).encode("utf-8") + b"\0" + raw).hexdigest()

    def get(self, key: str | None, source: SourceFile) -> LoadedMap | None:
        if key is None or key not in self.known:
            return None
        if self.outlines:
            model = from_outline(self.known[key])
            if model is None:
                return None
            self.used[key] = self.known[key]
            return LoadedMap(source, model, Positions())  # type: ignore[arg-type]  # see outline.py
        model = _LAST_LOAD.get(key)
        if model is None:
            try:
                model = JourneyMap.model_validate_json(self.known[key])
            except ValueError:
                return None
        self.used[key] = self.known[key]
        self.models[key] = model
        return LoadedMap(source, model, Positions())

    def put(self, key: str | None, loaded: LoadedMap) -> None:
        if key is None:
            return
        if self.outlines:
            self.used[key] = outline_of(loaded.map)
            return
        self.used[key] = loaded.map.model_dump_json()
        self.models[key] = loaded.map

    def save(self, prune: bool = True) -> None:
        """Keep the maps of this run; `prune=False` (a run given single files, as pre-commit
        does) keeps the other remembered maps too."""
        if not self.outlines:
            _LAST_LOAD.clear()
            _LAST_LOAD.update(self.models)
        kept = self.used if prune else {**self.known, **self.used}
        if kept == self.known:
            return
        data = json.dumps({"code": code_version(), "maps": kept}, sort_keys=True)
        try:
            write_atomic(self.file, data.encode("utf-8"))
        except OSError:
            pass  # a cache we cannot write only costs time on the next build


def load_project(paths: Iterable[Path], base: Path | None = None, cache: Path | None = None,
                 top: Path | None = None, progress: Progress | None = None,
                 languages: list[str] | None = None, outlines: bool = False) -> Project:
    """Load and check every map under `paths`; never raises for bad input.

    With `cache` (a folder; the plugin passes its cache folder), unchanged valid maps are not
    parsed again (see _ModelCache). `top`: the highest folder whose `_vocabulary.yml` applies
    (see `vocabulary_folders`). `progress`: reports the maps read, when that takes long.
    `languages`: those with label files, for `lang:` (default: the shipped ones;
    labels.languages adds a team's). `outlines` (with `cache`): maps taken from the cache are
    outlines, enough for every message but not for pages (`cjm validate`, outline.py)."""
    with gc_paused():
        return _load_project(paths, base,
                             _ModelCache(cache, outlines) if cache is not None else None, top,
                             progress, tuple(languages or LANGUAGES))


def _load_vocabularies(project: Project, folders: Iterable[Path], base: Path
                       ) -> dict[Path, tuple[Vocabulary, str]]:
    vocabularies: dict[Path, tuple[Vocabulary, str]] = {}
    for folder in folders:
        present = [folder / name for name in VOCABULARY_NAMES if os.path.lexists(folder / name)]
        if not present:
            continue
        source = SourceFile(present[0], display_name(present[0], base))
        if len(present) > 1:
            other = display_name(present[1], base)
            project.diagnostics.append(source.diagnostic(
                1, 1, f"{other} is here too; keep one shared vocabulary per folder (the build"
                f" reads only {present[0].name})"))
        raw = read_source(source)
        if isinstance(raw, Diagnostic):
            project.diagnostics.append(raw)
            continue
        loaded, messages = load_vocabulary(source, raw)
        if loaded:
            messages = check_vocabulary(loaded[0], loaded[1], source)
        project.diagnostics.extend(messages)
        if loaded and not messages:
            vocabularies[folder] = (loaded[0], source.display)
    return vocabularies


def _load_project(paths: Iterable[Path], base: Path | None, cache: _ModelCache | None,
                  top: Path | None, progress: Progress | None,
                  languages: tuple[str, ...] = LANGUAGES) -> Project:
    base = Path(os.path.abspath(base or Path.cwd()))
    top = Path(os.path.abspath(top)) if top is not None else None
    paths = [Path(p) for p in paths]
    files, folders = discover(paths)
    project = Project()
    above: dict[Path, tuple[Path, ...]] = {}  # a folder's vocabulary_folders, once per load

    def candidates(folder: Path) -> tuple[Path, ...]:
        if folder not in above:
            above[folder] = vocabulary_folders(folder, top)
        return above[folder]

    searched = list(dict.fromkeys(
        candidate for folder in [*folders, *(f.parent for f in files)]
        for candidate in candidates(folder)))
    vocabularies = _load_vocabularies(project, searched, base)
    # The site's vocabulary (stage order of pages across maps): the nearest one to the first
    # folder given, as for the maps in it.
    nearest = [vocabularies[c] for f in folders for c in candidates(f) if c in vocabularies]
    project.vocabulary = nearest[0][0] if nearest else None

    owners: dict[str, LoadedMap] = {}
    step = progress.step("reading maps", len(files)) if progress is not None else None
    for path in files:
        if step is not None:
            step.advance()
        source = SourceFile(path, display_name(path, base))
        project.files.append(source)
        if path.is_symlink() and path.is_dir():
            project.diagnostics.append(source.diagnostic(
                1, 1, "this is a symbolic link to a folder; cjm reads no maps through links to"
                " folders: move the maps here, or link each file", "warning"))
            continue
        if not os.path.lexists(path):
            project.diagnostics.append(source.diagnostic(1, 1, "no such file; check the path"))
            continue
        if path.suffix.lower() not in MAP_SUFFIXES:
            project.diagnostics.append(source.diagnostic(
                1, 1, "not a map file: a map's file name ends in .yml or .yaml"))
            continue
        raw = read_source(source)
        if isinstance(raw, Diagnostic):
            project.diagnostics.append(raw)
            continue
        # The nearest `_vocabulary.yml` above the map applies (maps/ for maps/team/x.yml).
        vocabulary, vocabulary_file = next(
            (vocabularies[folder] for folder in candidates(path.parent) if folder in vocabularies),
            (None, VOCABULARY_FILE))
        cache_key = cache.key(source, raw, vocabulary) if cache is not None else None
        loaded = cache.get(cache_key, source) if cache is not None else None
        if loaded is None:
            loaded, messages = load_map(source, raw)
            project.diagnostics.extend(messages)
            if loaded is None:
                continue
            checked = check_map(loaded, vocabulary, vocabulary_file, languages)
            project.diagnostics.extend(checked)
            if any(m.is_error for m in checked):
                continue
            # A map in a language only a team's label file has is checked on every run: the
            # cache does not know when that file goes away.
            lang = getattr(loaded.map, "lang", None)
            if cache is not None and not messages and not checked and not (lang and not has_words(lang, LANGUAGES)):
                cache.put(cache_key, loaded)
        first = owners.get(loaded.id)
        if first is not None:
            if not loaded.positions.values:  # remembered without positions: read it again
                loaded = load_map(source, raw)[0] or loaded
            key = ("persona", "id") in loaded.positions.keys
            project.diagnostics.append(loaded.at(("persona", "id") if key else ("persona",),
                f"persona id `{loaded.id}` is already used by {first.source.display}; give each"
                " map its own `persona.id`", key=key))
            continue
        owners[loaded.id] = loaded

    if step is not None:
        step.close()
    project.maps = sorted(owners.values(), key=lambda m: m.id)
    project.diagnostics.extend(_check_links(project, paths, folders, base))
    project.diagnostics.extend(_check_rules(project, folders, base,
                                            cache.file.parent if cache is not None else None))
    project.diagnostics = sorted_diagnostics(project.diagnostics)
    if cache is not None:
        cache.save(prune=all(path.is_dir() for path in paths))
    return project


def _check_links(project: Project, paths: list[Path], folders: list[Path], base: Path) -> list[Diagnostic]:
    """Load the research file next to the maps (the first folder's, like the vocabulary) and
    check every reference across maps against it and against each other."""
    found: list[Diagnostic] = []
    research_path = (folders[0] if folders else Path("maps")) / RESEARCH_FILE
    research_file = display_name(research_path, base)
    broken = False
    if os.path.lexists(research_path):  # a broken link or a folder gets its message too
        research, messages = load_research(SourceFile(research_path, research_file))
        found += messages
        broken = research is None or any(m.is_error for m in messages)
        project.research = None if broken else research
    loaded_files = {m.source.display for m in project.maps}
    unreadable = {f.path.stem for f in project.files if f.display not in loaded_files}
    # Given single files, the other maps of the folder were not read: references to them
    # cannot be checked, and evidence they cite would look uncited.
    complete = all(path.is_dir() for path in paths)
    found += check_links(project.maps, project.research, research_file, research_broken=broken,
                         complete=complete, unreadable=unreadable)
    return found


def _check_rules(project: Project, folders: list[Path], base: Path,
                 cache: Path | None) -> list[Diagnostic]:
    """The rules file next to the maps (the first folder's, like the research file): its own
    messages and the findings of its rules. No rules file, no findings. `cache`: the model
    cache's folder, where the positions of remembered maps are kept (rules.Locator)."""
    folder = folders[0] if folders else Path("maps")
    rules_path = folder / RULES_FILE
    if not rules_path.is_file():
        return []
    from .rules import Locator, check_rules, load_rules, today

    project.rules, found = load_rules(SourceFile(rules_path, display_name(rules_path, base)))
    if project.rules is None:
        return found
    project.today = today()
    research_file = display_name(folder / RESEARCH_FILE, base)
    locator = Locator(cache)
    project.findings = check_rules(project.rules, project.maps, project.research, research_file,
                                   project.today, locator=locator)
    locator.save()
    return found + [f.diagnostic for f in project.findings]
