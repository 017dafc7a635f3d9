"""Messages about map files, each pinned to a file, line and column.

Every message a person reads goes through here, so this is where text from files (names,
keys, values) is made safe to print: a newline in a file name must not forge a second
`file:line:col` line, and U+202E must not turn the rest of a terminal line around.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Literal

# `notice`: a rule finding shown (in `cjm validate` and on the site's health page) that fails
# nothing, not even `--strict` (see rules.py).
Severity = Literal["error", "warning", "notice"]


def visible(text: str) -> str:
    """`text` with control, format (bidi, zero-width) and separator characters shown as
    escapes (`\\n`, `\\u202e`), so a message never prints them raw: they would be invisible,
    move the terminal's cursor, reorder the line or start a new one. Plain spaces stay."""
    if text.isprintable():  # the common case, in C
        return text
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def short(text: str, limit: int = 60) -> str:
    """`visible(text)`, cut to `limit` characters: an id, key or file name can be 100 KB of
    text, and a message that quotes it must stay one readable line."""
    shown = visible(text)
    return f"{shown[:limit]}…" if len(shown) > limit else shown


def listing(values: Iterable[object], limit: int = 10) -> str:
    """`a`, `b`, `c` … and 4,990 more: a message names a few choices, never thousands."""
    items = [f"`{short(str(v), 40)}`" for v in values]
    if not items:
        return "none"
    more = f" … and {len(items) - limit:,} more" if len(items) > limit else ""
    return ", ".join(items[:limit]) + more


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem in one file. Lines and columns are 1-based, as editors count."""

    file: str
    line: int
    column: int
    message: str
    severity: Severity = "error"
    rule: str | None = None  # the rule of maps/_rules.yml that found it

    def __str__(self) -> str:
        if self.rule:  # `maps/x.yml:12:7: [rule-id] what is wrong, and what to do`
            level = "" if self.severity == "error" else f" ({self.severity})"
            return (f"{visible(self.file)}:{self.line}:{self.column}: [{self.rule}]"
                    f" {visible(self.message)}{level}")
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{visible(self.file)}:{self.line}:{self.column}: {prefix}{visible(self.message)}"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


def _escape_github_data(text: str) -> str:
    # Line breaks are GitHub's own escapes (an annotation may have several lines); every
    # other invisible character is shown as an escape, as in the text format.
    lines = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return visible(lines)


def _escape_github_property(text: str) -> str:
    return _escape_github_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(diagnostic: Diagnostic) -> str:
    """A GitHub Actions workflow command, shown as an annotation on the line."""
    props = ",".join(
        [
            f"file={_escape_github_property(diagnostic.file)}",
            f"line={diagnostic.line}",
            f"col={diagnostic.column}",
            "title=cjm",
        ]
    )
    message = f"[{diagnostic.rule}] {diagnostic.message}" if diagnostic.rule else diagnostic.message
    return f"::{diagnostic.severity} {props}::{_escape_github_data(message)}"


def sorted_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Stable, reader-friendly order: by file, then position."""
    return sorted(set(diagnostics), key=lambda d: (d.file, d.line, d.column, d.message))
