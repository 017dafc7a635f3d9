"""One YAML file -> a validated model, or messages that say where and what to fix."""

from __future__ import annotations

import difflib
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .diagnostics import Diagnostic, Severity
from .model import JourneyMap, Vocabulary, _short, _visible
from .slugs import is_safe_slug, slugify
from .yaml_source import Positions, SourceError, decode, parse

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
    text = _visible(str(value))
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
    name = _short(next((part for part in reversed(loc) if isinstance(part, str)), "value"))
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


def read_data(source: SourceFile) -> tuple[Any, Positions] | Diagnostic:
    """The file's parsed data and positions, or the one message that stops reading it."""
    try:
        raw = source.path.read_bytes()
    except OSError as error:
        return source.diagnostic(1, 1, f"cannot read the file: {error.strerror}")
    try:
        data, positions = parse(decode(raw))
    except SourceError as error:
        return source.diagnostic(error.line, error.column, error.message)
    if data is None:
        return source.diagnostic(1, 1, "the file is empty; start from `cjm new NAME`")
    if not isinstance(data, dict):
        return source.diagnostic(
            1, 1, f"the file must be a mapping of `key: value` lines, not {_kind(data)}"
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
    """Fill default ids: persona from the file name, stages from their names."""
    diagnostics = []
    persona_id = model.persona.id or source.path.stem
    if not is_safe_slug(persona_id):
        diagnostics.append(
            source.diagnostic(
                1,
                1,
                # A file name may hold newlines or control characters too.
                f"the file name `{_short(source.path.stem)}` is not a safe persona id; rename"
                f" the file to `{slugify(persona_id)[:60].strip('-') or 'persona'}.yml` or set"
                " `persona.id`",
            )
        )
    stages = [
        stage if stage.id else stage.model_copy(update={"id": slugify(stage.name) or f"stage-{n}"})
        for n, stage in enumerate(model.stages, start=1)
    ]
    persona = model.persona.model_copy(update={"id": persona_id})
    return model.model_copy(update={"persona": persona, "stages": stages}), diagnostics


def load_map(source: SourceFile) -> tuple[LoadedMap | None, list[Diagnostic]]:
    read = read_data(source)
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
    source: SourceFile,
) -> tuple[tuple[Vocabulary, Positions] | None, list[Diagnostic]]:
    read = read_data(source)
    if isinstance(read, Diagnostic):
        return None, [read]
    data, positions = read
    model, diagnostics = validate_data(Vocabulary, source, data, positions)
    if model is None:
        return None, diagnostics
    return (model, positions), []  # type: ignore[return-value]
