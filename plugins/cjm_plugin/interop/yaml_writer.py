"""Map data -> the YAML a person would write: block style, keys in the model's order, text
quoted only where YAML needs it, multi-line text as `|` blocks, comments kept.

cjm's loader keeps every scalar as the text that was typed, so `Country: NO` would load
fine unquoted; other YAML readers (editors, linters, yq) would see `false`. Text that any
YAML 1.1 or 1.2 reader takes for a number, boolean, null or date is quoted, as the example
maps do (`Age: "31"`). Every scalar is checked by reading it back with cjm's own parser:
whatever the text, what is written loads as exactly that text.
"""

from __future__ import annotations

import io
import re
import typing
from typing import Any

import yaml
from pydantic import BaseModel

from ..model import _visible
from ..yaml_source import SourceError, parse

INDENT = "  "


class Commented(dict):
    """A mapping with comment lines written just above it (above its `- ` in a list)."""

    def __init__(self, *args: Any, comments: list[str] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.comments = list(comments or [])


# --- key order --------------------------------------------------------------------------


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in typing.get_args(annotation):
        found = _model_of(argument)
        if found:
            return found
    return None


def in_model_order(model: type[BaseModel], data: Any) -> Any:
    """`data` with the keys of every mapping in the order `model` declares its fields (the
    order of the docs and the reference page); keys the model does not know come last."""
    if isinstance(data, list):
        return [in_model_order(model, item) for item in data]
    if not isinstance(data, dict):
        return data
    fields = model.model_fields
    order = {name: index for index, name in enumerate(fields)}
    keys = sorted(data, key=lambda key: (order.get(key, len(order)),))
    result = Commented(comments=getattr(data, "comments", None))
    for key in keys:
        field = fields.get(key)
        inner = _model_of(field.annotation) if field else None
        result[key] = in_model_order(inner, data[key]) if inner else data[key]
    return result


# --- scalars ----------------------------------------------------------------------------

# What a YAML 1.2 core-schema reader takes for something other than text (PyYAML's own
# resolver covers YAML 1.1: yes/no/on/off, 1:30, dates, 0x1F, ...).
_CORE_12 = re.compile(
    r"""(?x)
    null|Null|NULL|~
    |true|True|TRUE|false|False|FALSE
    |[-+]?[0-9]+ | 0o[0-7]+ | 0x[0-9a-fA-F]+
    |[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
    |[-+]?\.(inf|Inf|INF) | \.(nan|NaN|NAN)
    """
)
_RESOLVER = yaml.resolver.Resolver()
_LINE_BREAKS = "\r\n\x85\u2028\u2029"


def _is_yaml_printable(ch: str) -> bool:
    # YAML's c-printable, minus what we would rather escape so that a quoted line stays one
    # visible line: tab, the line breaks of YAML 1.1 (NEL is below 0xA0 anyway, U+2028 and
    # U+2029 are not) and the byte order mark.
    code = ord(ch)
    return (0x20 <= code <= 0x7E or 0xA0 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD
            or 0x10000 <= code <= 0x10FFFF) and code not in (0x2028, 0x2029, 0xFEFF)


def double_quoted(text: str) -> str:
    """`text` as a YAML double-quoted scalar, escaping what is not plainly printable."""
    out = ['"']
    for ch in text:
        if ch == '"' or ch == "\\":
            out.append("\\" + ch)
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\n":
            out.append("\\n")
        elif _is_yaml_printable(ch):
            out.append(ch)
        elif ord(ch) <= 0xFF:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) <= 0xFFFF:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    out.append('"')
    return "".join(out)


def _analysis(text: str):
    emitter = yaml.emitter.Emitter(io.StringIO(), allow_unicode=True)
    return emitter.analyze_scalar(text)


def _looks_typed(text: str) -> bool:
    """Whether some YAML reader would read this plain text as a non-string."""
    if _CORE_12.fullmatch(text):
        return True
    return _RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) != _RESOLVER.DEFAULT_SCALAR_TAG


def _plain_ok(text: str) -> bool:
    if not text or text != text.strip() or any(ch in text for ch in _LINE_BREAKS):
        return False
    if not all(_is_yaml_printable(ch) for ch in text):
        return False
    if _looks_typed(text) or text == "<<":
        return False
    analysis = _analysis(text)
    return analysis.allow_block_plain and not analysis.multiline


def _block_ok(text: str) -> bool:
    """Whether a `|` block shows `text` as typed: several lines, no leading blank or indented
    first line (that would need an indentation indicator), nothing that needs escaping."""
    if "\n" not in text.strip("\n") or any(ch in text for ch in "\r\x85\u2028\u2029"):
        return False
    if text[0] in " \t\n" or any(not _is_yaml_printable(ch) for ch in text.replace("\n", "")):
        return False
    return all(line == line.rstrip() for line in text.split("\n"))


def _chomping(text: str) -> str:
    if not text.endswith("\n"):
        return "|-"
    return "|" if not text.endswith("\n\n") else "|+"


def _reads_back(key_line: str, body: list[str], expected: str) -> bool:
    try:
        data, _ = parse("\n".join([key_line, *body]) + "\n")
    except SourceError:
        return False
    return isinstance(data, dict) and data.get("k") == expected


def scalar_lines(value: Any) -> tuple[str, list[str]]:
    """(text after `key: ` or `- `, following lines without indentation) for one value."""
    if isinstance(value, bool):
        raise TypeError("booleans are not part of the map format")
    if isinstance(value, int):
        return str(value), []
    if isinstance(value, float):
        return (str(int(value)) if value.is_integer() else repr(value)), []
    text = str(value)
    if _block_ok(text):
        header = _chomping(text)
        lines = text[:-1].split("\n") if text.endswith("\n") else text.split("\n")
        if header == "|+":
            lines = text.split("\n")[:-1]
        body = [INDENT + line if line else "" for line in lines]
        if _reads_back(f"k: {header}", body, text):
            return header, [line[len(INDENT):] if line else "" for line in body]
    if _plain_ok(text) and _reads_back(f"k: {text}", [], text):
        return text, []
    quoted = double_quoted(text)
    if not _reads_back(f"k: {quoted}", [], text):  # pragma: no cover - a bug if it happens
        raise ValueError(f"cannot write {text!r} as YAML")
    return quoted, []


def comment_lines(text: str) -> list[str]:
    """`# ...` lines for any text: one per line, characters YAML rejects shown escaped."""
    lines = re.split("\r\n|[\r\n\x85\u2028\u2029]", text)
    return [("# " + _visible(line)).rstrip() for line in lines]


# --- documents --------------------------------------------------------------------------


def _key(key: str) -> str:
    head, rest = scalar_lines(key)
    if rest or head.startswith("|"):
        return double_quoted(key)
    return head


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, (list, dict)) and not value)


def _emit(value: Any, column: int, out: list[str], prefix: str) -> None:
    """Write `value` after `prefix` (`key:` or `-`, already indented to `column`)."""
    inner = " " * (column + len(INDENT))
    if isinstance(value, dict):
        items = [(key, item) for key, item in value.items() if not _is_empty(item)]
        for number, (key, item) in enumerate(items):
            if number == 0 and prefix.endswith("-"):
                # `- key: value`: a mapping in a list starts on the dash's line.
                _emit(item, column + len(INDENT), out, f"{prefix} {_key(key)}:")
                continue
            if number == 0:
                out.append(prefix)
            _emit(item, column + len(INDENT), out, f"{inner}{_key(key)}:")
        return
    if isinstance(value, list):
        out.append(prefix)
        for item in value:
            for comment in getattr(item, "comments", []):
                out.extend(inner + line for line in comment_lines(comment))
            _emit(item, column + len(INDENT), out, f"{inner}-")
        return
    head, rest = scalar_lines(value)
    out.append(f"{prefix} {head}")
    out.extend(inner + line if line else "" for line in rest)


def dump(data: dict[str, Any], modeline: str | None = None, comments: list[str] | None = None) -> str:
    """A whole document: the modeline, `comments` as `#` lines, then `data`."""
    out = [modeline] if modeline else []
    out += [line for text in comments or [] for line in comment_lines(text)]
    for key, value in data.items():
        if not _is_empty(value):
            _emit(value, 0, out, f"{_key(key)}:")
    return "\n".join(out) + "\n"
