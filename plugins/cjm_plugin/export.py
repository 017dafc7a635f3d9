"""`cjm export`: every touchpoint, pain point, opportunity and metric as rows, for
spreadsheets, backlogs and other tools.

Each row starts with the persona and the stage it belongs to, followed by every field of the
item in the order the model declares them (so a field added to the format becomes a column
at its place, and columns never move between runs). Rows follow the maps (by persona id),
their stages (journey order) and the items (as written). Empty fields are `null` in JSON and
empty cells in CSV.
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any, Iterable

from pydantic import BaseModel

from .catalog import Project
from .model import Metric, Opportunity, PainPoint, Touchpoint, WrittenNumber

# Export kind -> (the stage field holding the items, the item model).
KINDS: dict[str, tuple[str, type[BaseModel]]] = {
    "touchpoints": ("touchpoints", Touchpoint),
    "pain_points": ("pain_points", PainPoint),
    "opportunities": ("opportunities", Opportunity),
    "metrics": ("metrics", Metric),
}

CONTEXT_COLUMNS = ("persona_id", "persona_name", "stage_id", "stage_name")


def columns(kind: str) -> list[str]:
    """The column names of a kind, in order: context first, then the item's fields."""
    model = KINDS[kind][1]
    fields = [name for name in model.model_fields if name not in CONTEXT_COLUMNS]
    return [*CONTEXT_COLUMNS, *fields]


def _json_value(value: Any) -> Any:
    # Whole numbers as integers (a target of 10 reads `10`, not `10.0`, and 20 digits stay
    # 20 digits); other floats keep every digit (repr), so a spreadsheet and a round trip
    # see the value that was written.
    if isinstance(value, WrittenNumber) and _INTEGER.fullmatch(value.text):
        return int(value.text)
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def rows(project: Project, kind: str) -> list[dict[str, Any]]:
    """Every item of one kind, as ordered dicts (see `columns`); numbers as the model holds
    them (a `WrittenNumber` knows how it was written)."""
    stage_field, model = KINDS[kind]
    found = []
    for loaded in project.maps:
        for stage in loaded.map.stages:
            for item in getattr(stage, stage_field):
                row: dict[str, Any] = {
                    "persona_id": loaded.id,
                    "persona_name": loaded.map.persona.name,
                    "stage_id": stage.id,
                    "stage_name": stage.name,
                }
                for name in columns(kind)[len(CONTEXT_COLUMNS):]:
                    row[name] = getattr(item, name)
                found.append(row)
    return found


def to_json(project: Project, kinds: Iterable[str], single: bool) -> str:
    """A list of rows for one kind, or {kind: rows} for several (kinds in `KINDS` order)."""
    kinds = list(kinds)
    def json_rows(kind: str) -> list[dict[str, Any]]:
        return [{name: _json_value(value) for name, value in row.items()} for row in rows(project, kind)]

    data: Any = json_rows(kinds[0]) if single else {k: json_rows(k) for k in kinds}
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


# OWASP "CSV Injection": a cell that starts with one of these is a formula to Excel,
# LibreOffice and Google Sheets (`=HYPERLINK(...)`, `@SUM(...)`, `-2+3`); tab and CR too,
# and the full-width forms some of them accept.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_INTEGER = re.compile(r"[-+]?[0-9]+")


def _cell(value: Any, guard_formulas: bool = True) -> str:
    if value is None:
        return ""
    if isinstance(value, WrittenNumber):
        return value.text  # a number as written: never a formula (the model checked it)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return repr(value) if isinstance(value, float) else str(value)
    text = str(value)
    if guard_formulas and text.startswith(FORMULA_STARTS):
        return "'" + text  # shown as text, with the quote hidden, by every spreadsheet
    return text


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
