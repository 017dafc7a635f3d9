"""`cjm import`: a spreadsheet or Mermaid journey -> one persona map in `maps/`.

Reads the file into a `MapDraft` (`table_import`, `mermaid`), finishes it against the
shared vocabulary of the folder it goes to (stage ids, channels), writes the YAML, and
checks the result with the same loader and checks as `cjm validate`. Nothing is written
unless the whole file converts; an existing map is replaced only with `force`, and never
through a symbolic link.
"""

from __future__ import annotations

import difflib
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..catalog import VOCABULARY_FILE, display_name, load_project
from ..checks import check_map, check_vocabulary
from ..diagnostics import Diagnostic
from ..load import SourceFile, load_map, load_vocabulary
from ..model import Vocabulary
from ..slugs import is_safe_slug, slugify
from ..starter import schema_line
from ..store import write_atomic
from ..yaml_source import MAX_FILE_BYTES, SourceError, parse
from . import mermaid
from .draft import MERMAID_SCALE, MapDraft, Problems, Scale, round_half_away
from .headers import normalize
from .table_import import ImportOptions, parse_mapping, read_table
from .tables import TableError, read_csv, read_xlsx
from .yaml_writer import dump

KINDS = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx",
         ".mmd": "mermaid", ".mermaid": "mermaid", ".md": "markdown", ".markdown": "markdown"}


@dataclass
class ImportRequest:
    file: Path
    out: str | None = None  # a path, `-` for standard output, None for maps/<persona-id>.yml
    persona: str | None = None
    mapping: list[str] = field(default_factory=list)
    scale: str | None = None
    sheet: str | None = None
    encoding: str = "utf-8"
    force: bool = False
    maps: Path = Path("maps")


@dataclass
class ImportResult:
    text: str  # the YAML
    target: Path | None  # None: standard output
    notes: list[str]
    stages: int
    touchpoints: int


def _fail(display: str, message: str) -> Problems:
    return Problems([Diagnostic(display, 1, 1, message)])


def _nearest_vocabulary(folder: Path, base: Path) -> tuple[Vocabulary | None, str, list[Diagnostic]]:
    """The `_vocabulary.yml` that will apply to a map in `folder`: in it or the nearest
    folder above it, without leaving the project (the current folder)."""
    folder = folder.resolve()
    candidates = [folder]
    if folder == base or base in folder.parents:
        candidates += [p for p in folder.parents if p == base or base in p.parents]
    for candidate in candidates:
        path = candidate / VOCABULARY_FILE
        if path.is_file():
            source = SourceFile(path, display_name(path, base))
            loaded, messages = load_vocabulary(source)
            if loaded:
                messages = check_vocabulary(loaded[0], loaded[1], source)
            if messages:
                return None, source.display, messages
            return loaded[0], source.display, []  # type: ignore[index]
    return None, VOCABULARY_FILE, []


def _read(request: ImportRequest, display: str, options: ImportOptions) -> MapDraft:
    suffix = request.file.suffix.lower()
    kind = KINDS.get(suffix)
    if suffix == ".xls":
        raise _fail(display, "an old Excel .xls workbook; save it as .xlsx (or CSV UTF-8) first")
    if kind is None:
        raise _fail(display, f"cannot import `{suffix or 'a file without extension'}` files;"
                             " use .csv, .tsv, .xlsx, .mmd (Mermaid) or .md (a Markdown file"
                             " with a ```mermaid journey block)")
    if kind in ("csv", "xlsx"):
        if request.sheet and kind == "csv":
            raise _fail(display, "--sheet is for .xlsx workbooks; a CSV file has one sheet")
        try:
            table = (read_csv(request.file, display, request.encoding) if kind == "csv"
                     else read_xlsx(request.file, display, request.sheet))
        except TableError as error:
            raise Problems([error.diagnostic]) from None
        return read_table(table, options)
    for unused, name in ((request.mapping, "--map"), (request.scale, "--scale"), (request.sheet, "--sheet")):
        if unused:
            raise _fail(display, f"{name} is for spreadsheets; a Mermaid journey scores 1 to 5")
    try:
        raw = request.file.read_bytes()
        if len(raw) > MAX_FILE_BYTES:
            raise _fail(display, f"the file is over the {MAX_FILE_BYTES // (1024 * 1024)} MiB limit")
        text = raw.decode("utf-8-sig")
    except OSError as error:
        raise _fail(display, f"cannot read the file: {error.strerror}") from None
    except UnicodeDecodeError as error:
        raise _fail(display, f"the file is not UTF-8 (byte 0x{raw[error.start]:02x}); save it as UTF-8") from None
    first_line = 1
    if kind == "markdown":
        text, first_line = mermaid.journey_in_markdown(text, display)
    journey = mermaid.parse_journey(text, display, first_line)
    draft = mermaid.read_journey(journey, display, options.persona)
    draft.notes.append(MERMAID_SCALE.rule())
    return draft


def _finish_stages(draft: MapDraft, vocabulary: Vocabulary | None, vocabulary_file: str) -> list[str]:
    """Stage ids against the shared stages, and stage emotions; returns notes."""
    problems: list[Diagnostic] = []
    shared = list(vocabulary.stages) if vocabulary else []
    by_key = {}
    for stage in shared:
        by_key.setdefault(normalize(stage.id), stage.id)
        by_key.setdefault(normalize(stage.name), stage.id)
    ids_seen: dict[str, str] = {}
    derived = 0
    for number, stage in enumerate(draft.stages, start=1):
        if stage.id is not None:
            where = stage.id_spot or stage.spot
            if not is_safe_slug(stage.id):
                problems.append(where.error(
                    f"stage id `{stage.id}` is not a safe id: use lowercase letters, digits and"
                    f" single hyphens (for example `{slugify(stage.id) or 'stage-' + str(number)}`)"))
                continue
            if shared and stage.id not in [s.id for s in shared]:
                close = difflib.get_close_matches(stage.id, [s.id for s in shared], n=1)
                hint = f" (did you mean `{close[0]}`?)" if close else ""
                problems.append(where.error(
                    f"stage id `{stage.id}` is not a shared stage of {vocabulary_file}{hint};"
                    f" use one of {', '.join(s.id for s in shared)}, or add it there"))
                continue
        elif shared:
            stage.id = by_key.get(normalize(stage.name))
            if stage.id is None:
                names = [s.name for s in shared]
                close = difflib.get_close_matches(stage.name, names, n=1, cutoff=0.6)
                hint = f" (did you mean `{close[0]}`?)" if close else ""
                problems.append(stage.spot.error(
                    f"stage `{stage.name}` is not a shared stage of {vocabulary_file}{hint};"
                    f" name it like one of {', '.join(names)}, give it one of the ids"
                    f" {', '.join(s.id for s in shared)} (a `Stage id` column, or a line"
                    f" `%% cjm stage=ID` under a Mermaid section), or add it to {vocabulary_file}"))
                continue
        key = stage.id or slugify(stage.name) or f"stage-{number}"
        if key in ids_seen:
            problems.append(stage.spot.error(
                f"stage `{stage.name}` has the same id `{key}` as stage `{ids_seen[key]}`;"
                " give one of them another name or id"))
        ids_seen.setdefault(key, stage.name)
        if stage.emotion is None and stage.emotion_samples:
            stage.emotion = round_half_away(sum(stage.emotion_samples) / len(stage.emotion_samples))
            derived += 1
    if problems:
        raise Problems(problems)
    if derived:
        return [f"stage emotions: the mean of each stage's scores on -2..2, rounded"
                f" ({derived} of {len(draft.stages)} stage(s); set them in the map to override)"]
    return []


def _target(request: ImportRequest, persona_id: str) -> Path | None:
    if request.out == "-":
        return None
    return Path(request.out) if request.out else request.maps / f"{persona_id}.yml"


def _check_target(target: Path, force: bool, base: Path) -> None:
    shown = display_name(target, base) if not target.is_symlink() else target.as_posix()
    if target.is_symlink():
        raise _fail(shown, "is a symbolic link; cjm import does not write through links:"
                           " pass --out with the real file")
    if target.exists() and not target.is_file():
        raise _fail(shown, "is not a file; --out takes the path of the map to write")
    if target.exists() and not force:
        raise _fail(shown, "already exists; pass --force to replace it, or --out another file")
    if target.suffix.lower() not in (".yml", ".yaml"):
        raise _fail(shown, "a map file must end in .yml; cjm reads nothing else from maps/")


def _validate(text: str, target_display: str, file_name: str, vocabulary: Vocabulary | None,
              vocabulary_file: str) -> list[Diagnostic]:
    """The messages `cjm validate` would give for the written map."""
    with tempfile.TemporaryDirectory(prefix="cjm-import-") as folder:
        path = Path(folder) / file_name
        path.write_text(text, encoding="utf-8")
        loaded, messages = load_map(SourceFile(path, target_display))
        if loaded is not None:
            messages += check_map(loaded, vocabulary, vocabulary_file)
    return messages


def _as_text(value: Any) -> Any:
    """The data as cjm's loader sees it: every scalar as text."""
    if isinstance(value, dict):
        return {k: _as_text(v) for k, v in value.items() if v not in (None, [], {})}
    if isinstance(value, list):
        return [_as_text(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# Steps of an import, for progress: read, converted, checked, written.
IMPORT_STEPS = 4


def import_map(request: ImportRequest, base: Path | None = None,
               advance: Callable[[], None] = lambda: None) -> ImportResult:
    """Convert and write; raises Problems (nothing written) or returns what was done.
    `advance` is called after each of the IMPORT_STEPS steps (progress)."""
    base = (base or Path.cwd()).resolve()
    display = display_name(request.file, base)
    if not request.file.is_file():
        raise _fail(display, "no such file")
    try:
        scale = Scale.parse(request.scale) if request.scale else None
        mapping = parse_mapping(request.mapping)
    except ValueError as error:
        raise _fail(display, str(error)) from None
    folder = Path(request.out).parent if request.out and request.out != "-" else request.maps
    vocabulary, vocabulary_file, messages = _nearest_vocabulary(folder, base)
    if messages:
        raise Problems(messages + [Diagnostic(display, 1, 1,
            f"fix {vocabulary_file} first: the imported map is checked against it")])
    options = ImportOptions(mapping=mapping, scale=scale, persona=request.persona,
                            channels=list(vocabulary.channels) if vocabulary and vocabulary.channels else None,
                            vocabulary_file=vocabulary_file)
    draft = _read(request, display, options)
    advance()
    notes = list(draft.notes)
    notes += _finish_stages(draft, vocabulary, vocabulary_file)

    stem_name = request.file.stem.replace("_", " ").replace("-", " ").strip().capitalize()
    if request.persona:
        draft.persona_name = request.persona
    elif not draft.persona_name:
        draft.persona_name = stem_name or "Persona"
        notes.append(f"persona: `{draft.persona_name}`, from the file name (name it with --persona)")
    out_stem = Path(request.out).stem if request.out and request.out != "-" else None
    persona_id = out_stem or draft.persona_id or slugify(draft.persona_name) or slugify(request.file.stem) or "persona"
    if not is_safe_slug(persona_id):
        raise _fail(display, f"`{persona_id}` (from --out) is not a safe persona id; name the"
                             f" file like `{slugify(persona_id) or 'persona'}.yml`")
    draft.persona_id = persona_id

    target = _target(request, persona_id)
    if target is not None:
        _check_target(target, request.force, base)
    document = draft.document()
    comments = [f"Imported from {request.file.name} by `cjm import`; edit freely."] + draft.comments
    text = dump(document, schema_line(folder), comments)
    try:
        read_back = parse(text)[0]
    except SourceError as error:  # pragma: no cover - the writer checks every value
        raise _fail(display, f"internal error: the written YAML does not parse ({error.message})") from None
    if read_back != _as_text(document):  # pragma: no cover - same
        raise _fail(display, "internal error: the written YAML does not read back as imported")
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        raise _fail(display, f"the map would be over the {MAX_FILE_BYTES // (1024 * 1024)} MiB"
                             " limit for one map; import one persona or fewer rows at a time")
    advance()
    target_display = display_name(target, base) if target else f"{persona_id}.yml"
    messages = _validate(text, target_display, f"{persona_id}.yml", vocabulary, vocabulary_file)
    errors = [m for m in messages if m.is_error]
    if errors:
        raise Problems(errors)
    notes += [str(m) for m in messages]  # warnings, such as stage order
    advance()
    if target is not None:
        _check_clash(target, persona_id, base)
        write_atomic(target, text.encode("utf-8"))
    advance()
    touchpoints = sum(len(stage.touchpoints) for stage in draft.stages)
    return ImportResult(text, target, notes, len(draft.stages), touchpoints)


def _check_clash(target: Path, persona_id: str, base: Path) -> None:
    """Another map in the folder with the same persona id would make both invalid."""
    folder = target.parent
    if not folder.is_dir():
        return
    project = load_project([folder], base)
    for loaded in project.maps:
        if loaded.id == persona_id and loaded.source.path.resolve() != target.resolve():
            raise _fail(display_name(target, base),
                        f"persona id `{persona_id}` is already used by {loaded.source.display};"
                        " pass --out with another file name")


def import_ok_message(result: ImportResult, base: Path | None = None) -> str:
    where = display_name(result.target, (base or Path.cwd()).resolve()) if result.target else "standard output"
    return (f"wrote {where}: {result.stages} stage(s), {result.touchpoints} touchpoint(s);"
            " run `cjm validate` after editing it")
