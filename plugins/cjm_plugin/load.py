"""One YAML file -> a validated model, or messages that say where and what to fix."""

from __future__ import annotations

import difflib
import os
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .diagnostics import Diagnostic, Severity, short, visible
from .model import JourneyMap, Vocabulary
from .safe_io import NotAFile, read_limited
from .slugs import can_shorten, derive_id, is_safe_slug, shorten, slugify
from .yaml_source import MAX_FILE_BYTES, Positions, SourceError, decode, parse

DataPath = tuple[str | int, ...]


@dataclass(frozen=True)
class SourceFile:
    """A file on disk and the name messages use for it (relative, with `/`)."""

    path: Path
    display: str

    def diagnostic(
        self, line: int, column: int, message: str, severity: Severity = "error"
    ) -> Diagnostic:
        return Diagnostic(self.display, line, column, message, severity)


@dataclass(frozen=True)
class LoadedMap:
    """A valid map with every id resolved, and where each of its values came from."""

    source: SourceFile
    map: JourneyMap
    positions: Positions

    @property
    def id(self) -> str:
        return self.map.persona.id  # type: ignore[return-value]  # resolved on load

    def at(self, path: DataPath, message: str, severity: Severity = "error", key: bool = False):
        line, column = self.positions.of_key(path) if key else self.positions.of_value(path)
        return self.source.diagnostic(line, column, message, severity)


def _element_model(annotation: Any) -> type[BaseModel] | None:
    """The model inside `list[X]`, `X | None`, ... (None for plain values)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in typing.get_args(annotation):
        found = _element_model(argument)
        if found:
            return found
    return None


def _model_at(root: type[BaseModel], loc: DataPath) -> type[BaseModel] | None:
    current: type[BaseModel] | None = root
    for part in loc:
        if isinstance(part, int):
            continue
        if current is None or part not in current.model_fields:
            return None
        current = _element_model(current.model_fields[part].annotation)
    return current


def _suggest(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean `{close[0]}`?)" if close else ""


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    # Keep a message on one line and short: block scalars end with a newline, and a
    # value can be a 200 KB line.
    text = visible(str(value))
    return f"`{text[:60]}…`" if len(text) > 60 else f"`{text}`"


def _value_at(data: Any, loc: DataPath) -> Any:
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _explain(root: type[BaseModel], error: dict, data: Any) -> tuple[DataPath, bool, str]:
    """(where, whether `where` is a key, message) for one pydantic error."""
    loc: DataPath = tuple(error["loc"])
    kind = error["type"]
    # A key is any text (`extra_forbidden`): one line, and short.
    name = short(next((part for part in reversed(loc) if isinstance(part, str)), "value"))
    value = _value_at(data, loc)
    # `goals: [a, {b: c}]` is wrong in one item, not in `goals`: say so.
    subject = f"each `{name}` item" if loc and isinstance(loc[-1], int) else f"`{name}`"
    if kind == "extra_forbidden":
        model = _model_at(root, loc[:-1])
        known = sorted(model.model_fields) if model else []
        hint = _suggest(name, known) or (
            f"; known keys here: {', '.join(f'`{k}`' for k in known)}" if known else ""
        )
        return loc, True, f"unknown key `{name}`{hint}"
    if kind == "missing":
        return loc[:-1], False, f"missing required key `{name}`; add `{name}: ...` here"
    if kind in ("greater_than_equal", "less_than_equal") and name == "emotion":
        return loc, False, (
            f"`emotion` is {value}, out of range; use a whole number from -2 (very negative)"
            " to 2 (very positive)"
        )
    if kind == "cjm_quoted_number":
        text = error["ctx"]["text"]
        return loc, False, (
            f"`{name}` must be a number, not the quoted text `\"{text}\"`: remove the quotes"
            f" (write `{name}: {text}`)"
        )
    if kind == "cjm_not_canonical":
        text, fix = error["ctx"]["text"], error["ctx"]["fix"]
        return loc, False, (
            f"`{name}` must be written as a plain whole number (-2, -1, 0, 1 or 2), not `{text}`"
            f" (did you mean `{fix}`?)"
        )
    if kind == "cjm_text":
        return loc, False, f"`{name}`: {error['msg']}"
    if kind == "int_parsing_size":  # thousands of digits
        return loc, False, f"`{name}` is far too large a number"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        # Say what to write, not only what is wrong (emotion is the only whole number).
        fix = "; use -2, -1, 0, 1 or 2" if name == "emotion" else ""
        return loc, False, f"`{name}` must be a whole number, not {_kind(value)}{fix}"
    if kind in ("float_parsing", "float_type"):
        return loc, False, f"`{name}` must be a number, not {_kind(value)}; put the unit in `unit`"
    if kind == "too_short":
        return loc, False, f"`{name}` is empty; add at least one item"
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return loc, False, f"`{name}` must be {expected}, not {_kind(value)}"
    if kind in ("string_type", "string_sub_type"):
        return loc, False, f"{subject} must be text, not {_kind(value)}; quote it if needed"
    if kind == "list_type":
        return loc, False, (
            f"`{name}` must be a list, not {_kind(value)}: write each item on its own line"
            " starting with `- `"
        )
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        model = _model_at(root, loc)
        if model and "text" in model.model_fields:
            return loc, False, f"each `{name}` item must be text or a mapping with `text`, not {_kind(value)}"
        return loc, False, f"{subject} must be a mapping of `key: value` lines, not {_kind(value)}"
    if kind.startswith("cjm_"):
        return loc, False, error["msg"]
    return loc, False, f"`{name}`: {error['msg']}"


def _size(count: int) -> str:
    """`2,052 KiB`, `1 GiB`: exact enough that a file just over a limit reads over it."""
    if count >= 2**30:
        return f"{count / 2**30:,.1f}".removesuffix(".0") + " GiB"
    if count >= 2**20 and count % 2**20 == 0:
        return f"{count // 2**20:,} MiB"
    return f"{count / 1024:,.0f} KiB" if count >= 1024 else f"{count} bytes"


def read_bytes(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of the map at `path`: a symlink to /dev/zero, a named pipe or a 1 GB sparse
    file is a SourceError before anything is read (see safe_io.read_limited)."""
    try:
        return read_limited(path, limit)
    except NotAFile as error:
        if error.size is not None:
            raise SourceError(1, 1, f"file is {_size(error.size)}, over the {_size(limit)}"
                              " limit for one map; split it into one file per persona") from None
        raise SourceError(1, 1, f"this is {error.kind}, not a file; a map must be a plain file") from None


def read_source(source: SourceFile) -> bytes | Diagnostic:
    """The file's bytes, or the one message that says why it can't be read."""
    try:
        return read_bytes(source.path)
    except SourceError as error:
        return source.diagnostic(error.line, error.column, error.message)
    except OSError as error:
        if source.path.is_symlink() and not source.path.exists():
            return source.diagnostic(1, 1, "this is a symbolic link to a file that does not exist;"
                                     " fix the link or delete it")
        return source.diagnostic(1, 1, f"cannot read the file: {error.strerror or error}")


def _looks_like(data: dict, known: tuple[str, ...]) -> bool:
    """Whether a mapping is meant as one of ours: it has one of the `known` keys, or a key
    close to one (a typo). Messages about anything else quote none of its content: a
    symlink in maps/ to /etc/shadow printed every user's password hash as "unknown key"."""
    keys = [k for k in data if isinstance(k, str)]
    return any(k in known or difflib.get_close_matches(k, known, n=1, cutoff=0.75) for k in keys)


def read_data(source: SourceFile, raw: bytes | None = None, known: tuple[str, ...] | None = None,
              what: str = "a file cjm reads",
              empty: str = "start from `cjm new NAME`") -> tuple[Any, Positions] | Diagnostic:
    """The file's parsed data and positions, or the one message that stops reading it.

    `raw`: the file's bytes, when the caller has read them already (see `read_source`).
    `known`: the top-level keys of what the file should be (`what`); a mapping with none of
    them is reported without quoting it (see `_looks_like`). `empty`: what to do with an
    empty file."""
    if raw is None:
        read = read_source(source)
        if isinstance(read, Diagnostic):
            return read
        raw = read
    try:
        data, positions = parse(decode(raw))
    except SourceError as error:
        return source.diagnostic(error.line, error.column, error.message)
    if data is None:
        return source.diagnostic(1, 1, f"the file is empty; {empty}")
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else "text"
        return source.diagnostic(1, 1, f"the file must be a mapping of `key: value` lines, not {kind}")
    if known is not None and not _looks_like(data, known):
        return source.diagnostic(
            1, 1, f"this is not {what}; check that the file is the one you meant"
        )
    return data, positions


def validate_data(
    root: type[BaseModel], source: SourceFile, data: Any, positions: Positions
) -> tuple[BaseModel | None, list[Diagnostic]]:
    try:
        return root.model_validate(data), []
    except ValidationError as errors:
        diagnostics = []
        for error in errors.errors(include_url=False):
            where, is_key, message = _explain(root, error, data)
            line, column = positions.of_key(where) if is_key else positions.of_value(where)
            diagnostics.append(source.diagnostic(line, column, message))
        return None, diagnostics


def _resolve_ids(source: SourceFile, model: JourneyMap) -> tuple[JourneyMap, list[Diagnostic]]:
    """Fill default ids: persona from the file name, stages from their names; both kept
    short enough for file names (a 240-character name gets a short id with a hash)."""
    diagnostics = []
    stem = source.path.stem
    if not source.display.isprintable():
        # A newline forged a second `file:line:col` line in CI logs, U+202E turned the
        # name around; the name also ends up in the page's edit link.
        return model, [source.diagnostic(1, 1, "the file name (or a folder above it) holds a"
                                         " control, invisible or bidi character; rename it")]
    persona_id = model.persona.id or (shorten(stem) if can_shorten(stem) else stem)
    if not is_safe_slug(persona_id):
        suggestion = shorten(slugify(persona_id)) or "persona"
        # Never suggest renaming to a file that is already there.
        fix = (f"set `persona.id` (such as `{suggestion}`)" if _taken(source.path, suggestion)
               else f"rename the file to `{suggestion}.yml` or set `persona.id`")
        diagnostics.append(source.diagnostic(
            1, 1, f"the file name `{short(stem)}` is not a safe persona id; {fix}"))
    stages = [
        stage if stage.id else stage.model_copy(update={"id": derive_id(stage.name, "stage")})
        for stage in model.stages
    ]
    persona = model.persona.model_copy(update={"id": persona_id})
    return model.model_copy(update={"persona": persona, "stages": stages}), diagnostics


def _taken(path: Path, stem: str) -> bool:
    return any(os.path.lexists(path.with_name(f"{stem}{suffix}")) for suffix in (".yml", ".yaml"))


def load_map(source: SourceFile, raw: bytes | None = None) -> tuple[LoadedMap | None, list[Diagnostic]]:
    read = read_data(source, raw, known=("persona", "stages"),
                     what="a journey map (one starts with `persona:` and has `stages:`)")
    if isinstance(read, Diagnostic):
        return None, [read]
    data, positions = read
    model, diagnostics = validate_data(JourneyMap, source, data, positions)
    if model is None:
        return None, diagnostics
    resolved, diagnostics = _resolve_ids(source, model)  # type: ignore[arg-type]
    if diagnostics:
        return None, diagnostics
    return LoadedMap(source, resolved, positions), []


def load_vocabulary(
    source: SourceFile, raw: bytes | None = None,
) -> tuple[tuple[Vocabulary, Positions] | None, list[Diagnostic]]:
    read = read_data(source, raw, known=("stages", "channels"),
                     what="a shared vocabulary (one has `stages:` or `channels:`)")
    if isinstance(read, Diagnostic):
        return None, [read]
    data, positions = read
    model, diagnostics = validate_data(Vocabulary, source, data, positions)
    if model is None:
        return None, diagnostics
    return (model, positions), []  # type: ignore[return-value]
