"""Every built-in word a reader sees, per language, from data files (never from code).

The package ships `labels/<language>.yml` for the languages in `LANGUAGES`; `en.yml` holds
every key, the others translate them (a key a file lacks falls back to English, as
Material's own `partials/languages/*.html` do). A site follows `theme.language` (a map may
choose its own with `lang:`). A team adds a language or changes words with a folder of its
own (`labels_dir` in the plugin options, `--labels-dir` for `cjm generate`): files named
`<language>.yml` holding only the keys they change.

Language codes are Material's: `zh` (Simplified Chinese), `de`, `pt-BR` ... A code with a
region or script falls back to its base language (`pt-BR` -> `pt`), then to English.
"""

from __future__ import annotations

import difflib
import functools
import string
from collections.abc import Mapping
from importlib import resources
from pathlib import Path

from .yaml_source import SourceError, parse

LANGUAGES = ("en", "zh", "de", "fr", "es", "hu")
FALLBACK = "en"


class LabelsError(Exception):
    """A team's label file that cannot be used; the message names the file, line and column."""


class Labels(dict):
    """Key -> text for one language. `L("key", name=value)` fills in the `{name}` fields;
    templates also read `L.key` and `L["key"]`."""

    language: str = FALLBACK

    def __call__(self, key: str, **values: object) -> str:
        return self[key].format(**values) if values else self[key]

    def plural(self, key: str, count: int, **values: object) -> str:
        """`key_one` for one, else `key_many`, with `{count}` (and `values`) filled in."""
        return self[f"{key}_{'one' if count == 1 else 'many'}"].format(count=count, **values)


class Section(Mapping):
    """The labels under one prefix, without it: templates read `G.health_title` for
    `gov.health_title` of the page's language."""

    def __init__(self, labels: Labels, prefix: str):
        self._labels, self._prefix = labels, prefix

    def __getitem__(self, key: str) -> str:
        return self._labels[self._prefix + key]

    def __iter__(self):
        return (key[len(self._prefix):] for key in self._labels if key.startswith(self._prefix))

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def plural(self, key: str, count: int, **values: object) -> str:
        return self._labels.plural(self._prefix + key, count, **values)


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _read(text: str, display: str, known: dict[str, str] | None) -> dict[str, str]:
    """The labels of one file; `known` (English) checks a team's keys and `{fields}`."""
    try:
        data, positions = parse(text)
    except SourceError as error:
        raise LabelsError(f"{display}:{error.line}:{error.column}: {error.message}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise LabelsError(f"{display}:1:1: expected `key: text` lines, one label a line")
    labels: dict[str, str] = {}
    for key, value in data.items():
        line, column = positions.of_key((key,))
        where = f"{display}:{line}:{column}"
        if not isinstance(value, str):
            raise LabelsError(f"{where}: `{key}` needs text (quote it if it looks like a number"
                              " or a list)")
        if known is not None:
            if key not in known:
                near = difflib.get_close_matches(key, list(known), n=1)
                hint = f"; did you mean `{near[0]}`?" if near else " (en.yml lists every key)"
                raise LabelsError(f"{where}: unknown label `{key}`{hint}")
            extra = _fields(value) - _fields(known[key])
            if extra:
                raise LabelsError(
                    f"{where}: `{key}` uses {{{sorted(extra)[0]}}}, which cjm does not fill in"
                    f" here; it fills in: {', '.join(sorted(_fields(known[key]))) or 'nothing'}")
        labels[str(key)] = str(value)
    return labels


@functools.lru_cache(maxsize=None)
def builtin(language: str) -> dict[str, str]:
    """The shipped labels of `language` (empty when none are shipped)."""
    resource = resources.files("cjm_plugin") / "labels" / f"{language}.yml"
    if not resource.is_file():
        return {}
    return _read(resource.read_text(encoding="utf-8"), f"cjm_plugin/labels/{language}.yml", None)


def chain(language: str | None) -> list[str]:
    """The languages to look in, most general first: `pt-BR` -> [en, pt, pt-BR]."""
    code = (language or FALLBACK).strip().replace("_", "-")
    steps = [FALLBACK]
    parts = code.split("-")
    for end in range(1, len(parts) + 1):
        step = "-".join(parts[:end])
        if step.lower() != FALLBACK and step not in steps:
            steps.append(step)
    return steps


def _team_file(folder: Path, language: str) -> Path | None:
    for name in (f"{language}.yml", f"{language}.yaml", f"{language.lower()}.yml"):
        if (folder / name).is_file():
            return folder / name
    return None


@functools.lru_cache(maxsize=64)
def _team(folder: str, language: str, stamp: tuple[int, int]) -> dict[str, str]:
    path = _team_file(Path(folder), language)
    if path is None:
        return {}
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise LabelsError(f"{path}: cannot read it ({error})") from None
    return _read(text, str(path), builtin(FALLBACK))


def _stamp(folder: Path, language: str) -> tuple[int, int]:
    path = _team_file(folder, language)
    if path is None:
        return (0, 0)
    stat = path.stat()
    return (stat.st_mtime_ns, stat.st_size)


def load_labels(language: str | None = None, team_dir: Path | None = None) -> Labels:
    """The labels for `language` (Material's code; None: English): English, then the base
    language, then the exact one, each shipped file overridden by the team's."""
    labels = Labels()
    for step in chain(language):
        labels.update(builtin(step.lower()) or builtin(step))
        if team_dir is not None:
            labels.update(_team(str(team_dir), step, _stamp(team_dir, step)))
    labels.language = chain(language)[-1]
    return labels


ENGLISH = load_labels(FALLBACK)

# Codes people type for a shipped language that are not Material's (ISO 639-2, countries).
ALIASES = {"cn": "zh", "chi": "zh", "zho": "zh", "ger": "de", "deu": "de", "fre": "fr",
           "fra": "fr", "sp": "es", "spa": "es", "hun": "hu", "eng": "en", "gb": "en", "uk": "en"}


def languages(team_dir: Path | None = None) -> list[str]:
    """The languages that have words: the shipped ones, then the team's files (`ja.yml`)."""
    found = list(LANGUAGES)
    if team_dir is not None and team_dir.is_dir():
        for path in sorted(team_dir.iterdir()):
            if path.suffix in (".yml", ".yaml") and path.stem not in found:
                found.append(path.stem)
    return found


def has_words(language: str, known: list[str] | tuple[str, ...]) -> bool:
    """Whether `language` (or its base: `zh-Hans` -> `zh`) has a label file in `known`."""
    lower = {code.lower() for code in known}
    steps = chain(language)
    return len(steps) == 1 or any(step.lower() in lower for step in steps[1:])


def suggest_language(language: str, known: list[str] | tuple[str, ...]) -> str | None:
    """The language `language` was probably meant to be: `zn` -> `zh`, `ger` -> `de`."""
    base = chain(language)[-1].split("-")[0].lower()
    if ALIASES.get(base) in known:
        return ALIASES[base]
    # Two-letter codes are one letter apart from many others: a shared first letter decides.
    scored = [(difflib.SequenceMatcher(None, base, code.lower()).ratio()
               + (0.25 if code[:1].lower() == base[:1] else 0), code) for code in known]
    score, code = max(scored, default=(0.0, None))
    return code if score >= 0.5 else None
