"""Messages about map files, each pinned to a file, line and column."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Literal

# `notice`: a rule finding shown (in `cjm validate` and on the site's health page) that fails
# nothing, not even `--strict` (see rules.py).
Severity = Literal["error", "warning", "notice"]


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
            return f"{self.file}:{self.line}:{self.column}: [{self.rule}] {self.message}{level}"
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{self.file}:{self.line}:{self.column}: {prefix}{self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


def _escape_github_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


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
