"""`maps/_research.yml`: the evidence every map may cite, loaded once per site."""

from __future__ import annotations

from dataclasses import dataclass

from .diagnostics import Diagnostic
from .load import SourceFile, read_data, validate_data
from .model import Research
from .yaml_source import Positions

RESEARCH_FILE = "_research.yml"


@dataclass(frozen=True)
class LoadedResearch:
    """A valid research file and where each of its values came from."""

    source: SourceFile
    research: Research
    positions: Positions

    def at(self, path: tuple[str | int, ...], message: str, severity: str = "error") -> Diagnostic:
        line, column = self.positions.of_value(path)
        return self.source.diagnostic(line, column, message, severity)  # type: ignore[arg-type]


def load_research(source: SourceFile) -> tuple[LoadedResearch | None, list[Diagnostic]]:
    """The research file as a model, or the messages that say what to fix."""
    read = read_data(source, known=("evidence",), what="a research file (one has `evidence:`)")
    if isinstance(read, Diagnostic):
        return None, [read]
    data, positions = read
    model, diagnostics = validate_data(Research, source, data, positions)
    if model is None:
        return None, diagnostics
    loaded = LoadedResearch(source, model, positions)  # type: ignore[arg-type]
    return loaded, _check_ids(loaded)


def _check_ids(loaded: LoadedResearch) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    lines: dict[str, int] = {}
    for index, evidence in enumerate(loaded.research.evidence):
        path = ("evidence", index, "id")
        if evidence.id in lines:
            found.append(loaded.at(path,
                f"evidence id `{evidence.id}` is listed twice (first at line {lines[evidence.id]});"
                " give each source its own id"))
        else:
            lines[evidence.id] = loaded.positions.of_value(path)[0]
    return found
