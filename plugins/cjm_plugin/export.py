"""`cjm export`: every touchpoint, pain point, opportunity and metric as rows, for
spreadsheets, backlogs and other tools; and the stages and the evidence of `_research.yml`.

Each row starts with the persona and the stage it belongs to, followed by every field of the
item in the order the model declares them (so a field added to the format becomes a column
at its place, and columns never move between runs), then the columns worked out from the
links between items (`LINK_COLUMNS`: references, what addresses what, the rank in the
portfolio, a metric's gap). Rows follow the maps (by persona id), their stages (journey order)
and the items (as written). Empty fields are `null` in JSON and empty cells in CSV; a list
(ids of evidence, pain points addressed) is a JSON list, and in CSV its items joined by `; `.
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any, Iterable

from pydantic import BaseModel

from .catalog import Project
from .links import LinkIndex, Placed, confidence, split_reference
from .metrics import status
from .model import Evidence, Metric, Opportunity, PainPoint, Touchpoint, WrittenNumber
from .portfolio import rank

# Export kind -> (the stage field holding the items, the item model).
KINDS: dict[str, tuple[str, type[BaseModel]]] = {
    "touchpoints": ("touchpoints", Touchpoint),
    "pain_points": ("pain_points", PainPoint),
    "opportunities": ("opportunities", Opportunity),
    "metrics": ("metrics", Metric),
}

# Kinds with no stage items: one row per stage (its own fields, without the lists of items)
# and one per research source.
STAGE_FIELDS = ("objective", "emotion", "feeling", "moment_of_truth", "evidence", "confidence")
OTHER_KINDS = ("stages", "evidence")
ALL_KINDS = (*KINDS, *OTHER_KINDS)

CONTEXT_COLUMNS = ("persona_id", "persona_name", "stage_id", "stage_name")

# Columns worked out from the links between items, after the item's own fields:
# - `ref`: `persona-id/item-id`, how other maps and trackers name the item;
# - `confidence_effective`: `observed` or `assumed`, as pages show it (the `confidence`
#   column is what the map says, often nothing);
# - `addressed_by` / `addresses_refs`: the `ref`s of the linked items, across maps;
# - `score`, `rank`, `worst_severity`: the opportunity's place in the portfolio;
# - `gap` (value - target) and `status` (`on` or `off` target) of a metric;
# - `cited_by`: `stage:`, `pain:` or `metric:` and where, for each item citing a source.
LINK_COLUMNS: dict[str, tuple[str, ...]] = {
    "touchpoints": (),
    "pain_points": ("ref", "confidence_effective", "addressed_by"),
    "opportunities": ("ref", "addresses_refs", "score", "rank", "worst_severity"),
    "metrics": ("gap", "status"),
    "stages": ("confidence_effective",),
    "evidence": ("cited_by",),
}


def columns(kind: str) -> list[str]:
    """The column names of a kind, in order: context first, then the item's fields, then the
    columns worked out from links."""
    if kind == "evidence":
        return [*Evidence.model_fields, *LINK_COLUMNS[kind]]
    if kind == "stages":
        return [*CONTEXT_COLUMNS, *STAGE_FIELDS, *LINK_COLUMNS[kind]]
    model = KINDS[kind][1]
    fields = [name for name in model.model_fields if name not in CONTEXT_COLUMNS]
    return [*CONTEXT_COLUMNS, *fields, *LINK_COLUMNS[kind]]


def _value(value: Any) -> Any:
    # Whole numbers as integers (a target of 10 reads `10`, not `10.0`, and a number written
    # with 20 digits keeps them); other floats keep every digit (repr in JSON, the text as
    # written in CSV), so a spreadsheet and a round trip see the value that was written.
    if isinstance(value, WrittenNumber) and _INTEGER.fullmatch(value.text):
        return int(value.text)
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


_INTEGER = re.compile(r"[-+]?[0-9]+")


def rows(project: Project, kind: str) -> list[dict[str, Any]]:
    """Every item of one kind, as ordered dicts (see `columns`)."""
    links = _Links(project)
    if kind == "evidence":
        return [dict(**{name: _value(getattr(evidence, name)) for name in Evidence.model_fields},
                     cited_by=[_citation(placed) for placed in links.index.citations.get(evidence.id, [])])
                for evidence in (project.research.research.evidence if project.research else [])]
    found = []
    for loaded in project.maps:
        for stage in loaded.map.stages:
            items = [stage] if kind == "stages" else getattr(stage, KINDS[kind][0])
            own = STAGE_FIELDS if kind == "stages" else columns(kind)[len(CONTEXT_COLUMNS):]
            for item in items:
                row: dict[str, Any] = {
                    "persona_id": loaded.id,
                    "persona_name": loaded.map.persona.name,
                    "stage_id": stage.id,
                    "stage_name": stage.name,
                }
                for name in own:
                    if name not in LINK_COLUMNS[kind]:
                        row[name] = _value(getattr(item, name))
                row.update(links.columns(kind, item))
                found.append(row)
    return found


class _Links:
    """The link columns of each item (LINK_COLUMNS), from one index of the project."""

    def __init__(self, project: Project):
        self.index = LinkIndex(project.maps, project.research)
        ranked, _ = rank(self.index)
        self.ranked = {id(r.placed.item): r for r in ranked}

    def columns(self, kind: str, item: Any) -> dict[str, Any]:
        if kind == "pain_points":
            return {"ref": _ref(self.index.place(item)), "confidence_effective": confidence(item),
                    "addressed_by": [_ref(o) for o in self.index.addressed_by(item)]}
        if kind == "opportunities":
            placed = self.index.place(item)
            found = self.ranked.get(id(item))
            return {"ref": _ref(placed),
                    "addresses_refs": ["/".join(split_reference(r, placed.map.id)) for r in item.addresses],
                    "score": _value(round(float(found.score), 2)) if found else None,
                    "rank": found.rank if found else None,
                    "worst_severity": self.index.worst_severity(item)}
        if kind == "metrics":
            state = status(item)
            return {"gap": _value(state.gap), "status": state.state or None}
        if kind == "stages":
            return {"confidence_effective": confidence(item)}
        return {}


def _ref(placed: Placed | None) -> str | None:
    """`persona-id/item-id`; an item without an id is named by its stage and position,
    `persona-id/stage-id#2`, so every link still points somewhere."""
    if placed is None:
        return None
    if placed.reference:
        return placed.reference
    return f"{placed.map.id}/{placed.stage.id}#{placed.path[-1] + 1}"


def _citation(placed: Placed) -> str:
    """`stage:persona/stage`, `pain:persona/pain` or `metric:persona/stage#n`."""
    if placed.kind == "stage":
        return f"stage:{placed.map.id}/{placed.stage.id}"
    return f"{placed.kind}:{_ref(placed)}"


def to_json(project: Project, kinds: Iterable[str], single: bool) -> str:
    """A list of rows for one kind, or {kind: rows} for several (kinds in `ALL_KINDS` order)."""
    kinds = list(kinds)
    data: Any = rows(project, kinds[0]) if single else {k: rows(project, k) for k in kinds}
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


LIST_SEPARATOR = "; "

# OWASP "CSV Injection": a cell that starts with one of these is a formula to Excel,
# LibreOffice and Google Sheets (`=HYPERLINK(...)`, `@SUM(...)`, `-2+3`); tab and CR too,
# and the full-width forms some of them accept.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return LIST_SEPARATOR.join(_text(item) for item in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, WrittenNumber):
        return value.text  # as written in the map
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _cell(value: Any, guard_formulas: bool = True) -> str:
    text = _text(value)
    numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
    if guard_formulas and not numeric and text.startswith(FORMULA_STARTS):
        return "'" + text  # shown as text, with the quote hidden, by every spreadsheet
    return text  # a number (checked by the model) is never a formula


def to_csv(project: Project, kind: str, guard_formulas: bool = True) -> str:
    """One kind as CSV (RFC 4180): a header row, then one row per item, `\\r\\n` line ends,
    fields with commas, quotes or line breaks (`\\n` or `\\r`) quoted. Text cells that a
    spreadsheet would run as a formula start with `'` unless `guard_formulas` is false."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    header = columns(kind)
    writer.writerow(header)
    for row in rows(project, kind):
        writer.writerow([_cell(row[name], guard_formulas) for name in header])
    return buffer.getvalue()
