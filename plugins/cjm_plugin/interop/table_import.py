"""A spreadsheet (CSV or XLSX, read by `tables`) -> a `MapDraft`.

Two layouts are understood:

- **one row per touchpoint or step** (the usual export): a header row names the columns
  (`Stage`, `Touchpoint`, `Channel`, `Emotion`, ...); a row whose stage is blank continues
  the stage above, as spreadsheets often leave it;
- **stages across** (a journey map canvas such as the Chrystals map): the first column names
  each row (`Stage`, `Touchpoints`, `Pain points`, `CX`, ...) and each further column is a
  stage; a row whose label is blank continues the row above.

Stages keep the order in which they first appear. A cell of a list field (actions, pain
points, ...) with several lines gives one item per line. Unknown columns are reported and
kept as YAML comments next to what their row produced.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from ..diagnostics import Diagnostic
from ..model import EMOTION_WORDS, Channel, Touchpoint
from ..slugs import slugify
from .draft import (CJM_SCALE, LaneDraft, MapDraft, Problems, Scale, Spot, StageDraft,
                    TouchpointDraft)
from .headers import FIELDS, field_for_header, field_named, lane_in_header, normalize
from .tables import Table, column_letter

HEADER_SEARCH_ROWS = 20  # the header row may sit under a title row or two

# Fields that hold one value per row (two columns for one of them is an error) ...
SINGLE = {"stage", "stage id", "persona", "objective", "description", "stage description",
          "feeling", "emotion", "stage emotion", "touchpoint", "channel", "owner", "link",
          "severity", "status", "metric", "value", "target", "unit"}
# ... and fields that collect items (several columns may feed them).
LISTS = {"action": "actions", "thought": "thoughts", "pain point": "pain_points",
         "opportunity": "opportunities"}
TOUCHPOINT_DETAILS = ("channel", "owner", "link")
# Stages across: one row per field, so these cannot be paired with a touchpoint or metric.
NOT_ACROSS = {"channel", "owner", "link", "severity", "status", "metric", "value", "target",
              "unit", "persona", "stage id"}

SEVERITIES = {
    "low": "low", "medium": "medium", "high": "high", "med": "medium",
    "niedrig": "low", "mittel": "medium", "hoch": "high",
    "faible": "low", "basse": "low", "moyenne": "medium", "moyen": "medium", "haute": "high",
    "élevée": "high", "elevee": "high",
    "baja": "low", "media": "medium", "alta": "high",
    "低": "low", "中": "medium", "高": "high",
}
_EMOTION_WORDS = {normalize(word): value for value, word in EMOTION_WORDS.items()}
_BULLETS = ("- ", "* ", "• ", "– ", "· ")


@dataclass
class ImportOptions:
    mapping: dict[str, str] = field(default_factory=dict)  # COLUMN -> field, from --map
    scale: Scale | None = None  # from --scale; None: -2..2
    persona: str | None = None  # from --persona
    channels: list[Channel] | None = None  # the shared channels, when declared
    vocabulary_file: str = "_vocabulary.yml"


@dataclass
class Column:
    index: int
    header: str
    field: str | None  # one of headers.FIELDS, or None for a column we do not know
    lane: str | None = None  # the lane's name, for field "lane"
    scale: Scale | None = None  # an emotion scale the header declares: `Mood (1-5)`

    @property
    def label(self) -> str:
        return f"`{self.header}`" if self.header else f"column {column_letter(self.index + 1)}"


@dataclass
class Item:
    column: Column
    text: str
    row: int  # 0-based indexes into the table
    col: int


def parse_mapping(pairs: list[str]) -> dict[str, str]:
    """`--map COLUMN=FIELD` options -> {normalized COLUMN: field or `lane:NAME`}."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        column, sep, target = pair.rpartition("=")
        if not sep or not column.strip() or not target.strip():
            raise ValueError(f"--map {pair}: write COLUMN=FIELD, for example --map Team=owner")
        name = field_named(target)
        if name is None:
            raise ValueError(
                f"--map {pair}: `{target}` is not a field; use one of: {', '.join(FIELDS)}")
        mapping[normalize(column) or column] = name
    return mapping


# --- layout -----------------------------------------------------------------------------


_HEADER_SCALE = re.compile(r"[(\[]\s*([-+−]?\d+)\s*(?:\.\.|[-–—]|to|bis|à|a|到|至)\s*([-+−]?\d+)\s*[)\]]")


def _declared_scale(header: str) -> Scale | None:
    """The scale in an emotion header such as `Emotion (1-5)` or `Stimmung [1–10]`."""
    match = _HEADER_SCALE.search(header)
    if not match:
        return None
    low, high = (float(part.replace("−", "-")) for part in match.groups())
    return Scale(low, high) if low < high else None


def _classify(header: str, options: ImportOptions) -> tuple[str | None, str | None]:
    """(field, lane name) for a header."""
    mapped = options.mapping.get(normalize(header) or header)
    if mapped == "lane":
        return "lane", lane_in_header(header) or header
    if mapped:
        return mapped, None
    lane = lane_in_header(header)
    if lane:
        return "lane", lane
    return field_for_header(header), None


def _header_row(table: Table, options: ImportOptions) -> int | None:
    """The row of column headers: the first with a stage header, unless that header is the
    first cell of a row whose other cells name no field while the first column below names
    some (then the first column holds the labels: stages run across)."""
    for index, row in enumerate(table.rows[:HEADER_SEARCH_ROWS]):
        fields = [_classify(cell, options)[0] if cell else None for cell in row]
        if "stage" not in fields:
            continue
        if fields.index("stage") == 0 and not any(fields[1:]):
            labels = [r[0] for r in table.rows[index + 1:] if r and r[0]]
            if any(_classify(label, options)[0] for label in labels):
                return None
        return index
    return None


def _label_column_stage_row(table: Table, options: ImportOptions) -> int | None:
    for index, row in enumerate(table.rows[:50]):
        if row and row[0] and _classify(row[0], options)[0] == "stage":
            return index
    return None


def _mapping_used(table: Table, options: ImportOptions, headers: list[str]) -> list[Diagnostic]:
    present = {normalize(h) or h for h in headers if h}
    problems = []
    for column in options.mapping:
        if column not in present:
            problems.append(Diagnostic(table.display, 1, 1,
                f"--map: no column `{column}` in this file; the columns are:"
                f" {', '.join(h for h in headers if h) or 'none'}"))
    return problems


def read_table(table: Table, options: ImportOptions) -> MapDraft:
    """The whole table as a draft, or Problems with every message."""
    header_row = _header_row(table, options)
    if header_row is not None:
        records, columns, notes = _rows_layout(table, header_row, options)
    else:
        stage_row = _label_column_stage_row(table, options)
        if stage_row is None:
            first = next((row for row in table.rows if any(row)), [])
            found = ", ".join(f"`{cell}`" for cell in first if cell) or "no headers"
            raise Problems([Diagnostic(table.display, 1, 1,
                "no column of stages found: name it `Stage` (or Phase, Step), or say which"
                f" column holds them with --map COLUMN=stage (first row: {found})")])
        records, columns, notes = _across_layout(table, stage_row, options)
    builder = _Builder(table, options)
    for record in records:
        builder.add(record)
    builder.finish()
    draft = builder.draft
    draft.notes = table.notes + notes + draft.notes
    scales = [c for c in columns if c.scale and c.field in ("emotion", "stage emotion")]
    if options.scale is None:
        for column in scales:
            draft.notes.append(f"the scale {column.scale} comes from the header {column.label}"
                               " (pass --scale to use another)")
    for scale in dict.fromkeys([options.scale] if options.scale else [c.scale for c in scales]):
        if scale is not None and not scale.is_identity:
            draft.notes.append(scale.rule())
    unknown = [c for c in columns if c.field is None]
    if unknown:
        names = ", ".join(c.label for c in unknown)
        draft.notes.append(f"kept as comments (no map field matched): {names};"
                           " use --map COLUMN=FIELD to import them, or --map COLUMN=ignore")
        draft.comments.append(f"Kept as comments, from columns cjm import did not know: {names}")
    return draft


def _rows_layout(table: Table, header_row: int, options: ImportOptions):
    headers = table.rows[header_row]
    width = max(len(row) for row in table.rows)
    problems = _mapping_used(table, options, headers)
    columns: list[Column] = []
    for index in range(width):
        header = headers[index] if index < len(headers) else ""
        has_data = any(index < len(row) and row[index] for row in table.rows[header_row + 1:])
        if not header and not has_data:
            continue
        field_name, lane = _classify(header, options) if header else (None, None)
        scale = _declared_scale(header) if field_name in ("emotion", "stage emotion") else None
        columns.append(Column(index, header, field_name, lane, scale))
    seen: dict[str, Column] = {}
    for column in columns:
        if column.field in SINGLE:
            if column.field in seen:
                first = seen[column.field]
                problems.append(table.diagnostic(header_row, column.index,
                    f"columns {first.label} and {column.label} both hold `{column.field}`;"
                    f" say which one with --map, for example --map \"{column.header}=ignore\""))
            seen.setdefault(column.field, column)
    if problems:
        raise Problems(problems)
    notes = []
    if any(any(row) for row in table.rows[:header_row]):
        notes.append(f"skipped {header_row} row(s) above the header row {table.row_numbers[header_row]}")
    records = []
    for row_index in range(header_row + 1, len(table.rows)):
        row = table.rows[row_index]
        items = [Item(column, row[column.index], row_index, column.index)
                 for column in columns if column.index < len(row) and row[column.index]
                 and column.field != "ignore"]
        if items:
            records.append(items)
    return records, columns, notes


def _across_layout(table: Table, stage_row: int, options: ImportOptions):
    stage_cells = table.rows[stage_row]
    stage_label = Column(0, stage_cells[0], "stage")
    problems = []
    columns: list[Column] = []
    by_row: list[tuple[int, Column]] = []
    current: Column | None = None
    for row_index, row in enumerate(table.rows):
        if row_index == stage_row or not any(row[1:]):
            if row and row[0] and row_index != stage_row:
                current = None  # a label with nothing beside it ends the one above
            continue
        label = row[0] if row else ""
        if label:
            field_name, lane = _classify(label, options)
            if field_name == "emotion":
                field_name = "stage emotion"  # one value per stage column
            if field_name == "description":
                field_name = "stage description"
            scale = _declared_scale(label) if field_name == "stage emotion" else None
            current = Column(0, label, field_name, lane, scale)
            columns.append(current)
            if field_name in NOT_ACROSS:
                problems.append(table.diagnostic(row_index, 0,
                    f"`{label}` rows cannot be matched to touchpoints or metrics when stages"
                    " run across the sheet; use one row per touchpoint, with a column each"
                    " for stage, touchpoint and `" + field_name + "`"))
        elif current is None:
            current = Column(0, "", None)
            columns.append(current)
        by_row.append((row_index, current))
    problems += _mapping_used(table, options, [c.header for c in columns] + [stage_label.header])
    if problems:
        raise Problems(problems)
    records = []
    for column_index in range(1, len(stage_cells)):
        stage_name = stage_cells[column_index]
        for row_index, column in by_row:
            row = table.rows[row_index]
            text = row[column_index] if column_index < len(row) else ""
            if not text or column.field == "ignore":
                continue
            if not stage_name:
                raise Problems([table.diagnostic(stage_row, column_index,
                    f"this column has no stage name, but {column.label} has a value in it;"
                    " name the stage here")])
            # A touchpoints cell with several lines holds several touchpoints.
            texts = _lines(text) if column.field == "touchpoint" else [text]
            for part in texts:
                records.append([Item(stage_label, stage_name, stage_row, column_index),
                                Item(column, part, row_index, column_index)])
    return records, columns, ["stages run across the sheet (one column per stage)"]


# --- rows -> draft ----------------------------------------------------------------------


def _lines(text: str) -> list[str]:
    """The items of a list cell: one per line, bullets dropped."""
    items = []
    for line in text.split("\n"):
        line = line.strip()
        for bullet in _BULLETS:
            if line.startswith(bullet):
                line = line[len(bullet):].strip()
        if line:
            items.append(line)
    return items


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _number(text: str) -> float | None:
    cleaned = text.replace("\u2212", "-").replace(" ", "").replace("\u00a0", "")
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")  # 3,5 in German and French sheets
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


class _Builder:
    def __init__(self, table: Table, options: ImportOptions):
        self.table = table
        self.options = options
        self.draft = MapDraft(source=table.display)
        self.stages: dict[str, StageDraft] = {}
        self.current: StageDraft | None = None
        self.problems: list[Diagnostic] = []
        self.persona: tuple[str, Item] | None = None
        self.single: dict[tuple[int, str], tuple[str, Item]] = {}  # (stage, field) -> first
        self.lanes: dict[str, LaneDraft] = {}

    def spot(self, item: Item) -> Spot:
        row, column, prefix = self.table.where(item.row, item.col)
        return Spot(self.table.display, row, column, prefix)

    def error(self, item: Item, message: str) -> None:
        self.problems.append(self.spot(item).error(message))

    def add(self, items: list[Item]) -> None:
        by_field: dict[str, Item] = {}
        lists: list[Item] = []
        unknown: list[Item] = []
        for item in items:
            if item.column.field is None:
                unknown.append(item)
            elif item.column.field in SINGLE:
                by_field[item.column.field] = item
            else:
                lists.append(item)
        stage = self._stage(by_field.get("stage"), items[0])
        if stage is None:
            return
        if "persona" in by_field:
            self._persona(by_field["persona"])
        for name, attribute in (("stage id", "id"), ("objective", "objective"),
                                ("feeling", "feeling"), ("stage description", "description")):
            if name in by_field:
                self._stage_value(stage, attribute, name, by_field[name])
        anchor = self._touchpoint(stage, by_field)
        if "description" in by_field and anchor is None:
            self._stage_value(stage, "description", "description", by_field["description"])
        if "stage emotion" in by_field:
            emotion = self._emotion(by_field["stage emotion"])
            if emotion is not None:
                self._stage_value(stage, "emotion", "stage emotion", by_field["stage emotion"], emotion[1])
        if "emotion" in by_field and anchor is None:
            emotion = self._emotion(by_field["emotion"])
            if emotion is not None:
                stage.emotion_samples.append(emotion[0])
        self._lists(stage, lists, by_field)
        self._metric(stage, by_field)
        if unknown:
            kept = [f"{item.column.header or 'column ' + column_letter(item.col + 1)}: {item.text}"
                    for item in unknown]
            (anchor.comments if anchor else stage.comments).extend(kept)

    def _stage(self, item: Item | None, first: Item) -> StageDraft | None:
        if item is None:
            if self.current is None:
                self.error(first, "no stage for this row: fill in the stage column of the first"
                                  " row (later rows with a blank stage continue the one above)")
            return self.current
        key = normalize(item.text) or item.text
        stage = self.stages.get(key)
        if stage is None:
            stage = StageDraft(name=_one_line(item.text), spot=self.spot(item))
            self.stages[key] = stage
            self.draft.stages.append(stage)
        self.current = stage
        return stage

    def _persona(self, item: Item) -> None:
        name = _one_line(item.text)
        if self.persona is None:
            self.persona = (name, item)
        elif self.persona[0] != name:
            first = self.spot(self.persona[1])
            self.error(item, f"a second persona `{name}` (the first, `{self.persona[0]}`, is at"
                             f" row {first.line}); a map holds one persona: split the file, one"
                             " per persona")

    def _stage_value(self, stage: StageDraft, attribute: str, name: str, item: Item,
                     value: Any = None) -> None:
        value = item.text if value is None else value
        key = (id(stage), name)
        if key not in self.single:
            self.single[key] = (value, item)
            setattr(stage, attribute, value)
            if attribute == "id":
                stage.id_spot = self.spot(item)
        elif self.single[key][0] != value:
            first = self.spot(self.single[key][1])
            self.error(item, f"stage `{stage.name}` already has another {name} (row {first.line});"
                             f" give each stage one {name}")

    def _touchpoint(self, stage: StageDraft, by_field: dict[str, Item]) -> TouchpointDraft | None:
        name_item = by_field.get("touchpoint")
        if name_item is None:
            for detail in TOUCHPOINT_DETAILS:
                if detail in by_field:
                    self.error(by_field[detail],
                               f"a {detail} but no touchpoint in this row; name the touchpoint"
                               f" in the {self._column_of('touchpoint')}, or leave the {detail} out")
            return None
        touchpoint = TouchpointDraft(name=_one_line(name_item.text), spot=self.spot(name_item))
        if "channel" in by_field:
            touchpoint.channel = self._channel(by_field["channel"])
            touchpoint.channel_spot = self.spot(by_field["channel"])
        if "owner" in by_field:
            touchpoint.owner = _one_line(by_field["owner"].text)
        if "description" in by_field:
            touchpoint.description = by_field["description"].text
        if "link" in by_field:
            link = by_field["link"].text.strip()
            try:
                Touchpoint.model_validate({"name": "x", "link": link})
                touchpoint.link = link
            except ValidationError as error:
                self.error(by_field["link"], error.errors()[0]["msg"])
        if "emotion" in by_field:
            emotion = self._emotion(by_field["emotion"])
            if emotion is not None:
                touchpoint.emotion = emotion[1]
                stage.emotion_samples.append(emotion[0])
        for other in stage.touchpoints:  # the same touchpoint over merged or repeated cells
            if other.name == touchpoint.name and all(
                    a is None or b is None or a == b
                    for a, b in zip(other.fields().values(), touchpoint.fields().values())):
                for key, value in touchpoint.fields().items():
                    if getattr(other, key) is None and value is not None:
                        setattr(other, key, value)
                return other
        stage.touchpoints.append(touchpoint)
        return touchpoint

    def _column_of(self, field_name: str) -> str:
        return "touchpoint column" if field_name == "touchpoint" else f"{field_name} column"

    def _channel(self, item: Item) -> str | None:
        text = _one_line(item.text)
        channels = self.options.channels
        if not channels:
            return text
        key = normalize(text)
        for channel in channels:
            if key in (normalize(channel.id), normalize(channel.label)):
                return channel.id
        names = {normalize(c.id): c.id for c in channels}
        names.update({normalize(c.label): c.id for c in channels})
        close = difflib.get_close_matches(key, list(names), n=1, cutoff=0.6)
        hint = f" (did you mean `{names[close[0]]}`?)" if close else ""
        self.error(item, f"channel `{text}` is not a channel of {self.options.vocabulary_file}"
                         f"{hint}; use one of {', '.join(c.id for c in channels)}, or add it there")
        return None

    def _emotion(self, item: Item) -> tuple[float, int] | None:
        """(the score on -2..2 before rounding, the whole number written)."""
        text = item.text.strip()
        word = _EMOTION_WORDS.get(normalize(text))
        if word is not None:
            return float(word), word
        value = _number(text.lstrip("+"))
        declared = self.options.scale or item.column.scale
        scale = declared or CJM_SCALE
        if value is None:
            self.error(item, f"emotion `{_one_line(text)}` is not a number; write a score on the"
                             f" scale {scale} or one of: {', '.join(EMOTION_WORDS.values())}")
            return None
        if not scale.low <= value <= scale.high:
            if declared is None:
                self.error(item, f"emotion `{text}` is outside cjm's scale -2..2; if the sheet"
                                 " uses another scale, pass it, for example --scale 1..5")
            else:
                given = "given with --scale" if self.options.scale else f"of the header {item.column.label}"
                self.error(item, f"emotion `{text}` is outside the scale {scale} {given}")
            return None
        return scale.exact(value), scale.to_cjm(value)

    def _lists(self, stage: StageDraft, items: list[Item], by_field: dict[str, Item]) -> None:
        severity = self._severity(by_field.get("severity"))
        status = by_field.get("status")
        pains = [item for item in items if item.column.field == "pain point"]
        opportunities = [item for item in items if item.column.field == "opportunity"]
        if "severity" in by_field and not pains:
            self.error(by_field["severity"], "a severity but no pain point in this row")
        if status is not None and not opportunities:
            self.error(status, "a status but no opportunity in this row")
        for item in items:
            field_name = item.column.field
            for text in _lines(item.text):
                if field_name == "lane":
                    lane_id = self._lane(item.column.lane or item.column.header, item)
                    target = stage.lanes.setdefault(lane_id, [])
                    value: Any = text
                elif field_name == "pain point" and severity:
                    target, value = stage.pain_points, {"text": text, "severity": severity}
                elif field_name == "opportunity" and status is not None:
                    target, value = stage.opportunities, {"text": text, "status": _one_line(status.text)}
                else:
                    target, value = getattr(stage, LISTS[field_name]), text
                if value not in target:
                    target.append(value)

    def _severity(self, item: Item | None) -> str | None:
        if item is None:
            return None
        found = SEVERITIES.get(item.text.strip().casefold())
        if found is None:
            self.error(item, f"severity `{_one_line(item.text)}` is not low, medium or high")
        return found

    def _lane(self, name: str, item: Item) -> str:
        key = normalize(name) or name
        lane = self.lanes.get(key)
        if lane is None:
            lane_id = slugify(name) or f"lane-{len(self.lanes) + 1}"
            taken = {other.id for other in self.lanes.values()}
            while lane_id in taken:
                lane_id = f"{lane_id}-{len(taken) + 1}"
            lane = LaneDraft(lane_id, _one_line(name))
            self.lanes[key] = lane
            self.draft.lanes.append(lane)
        return lane.id

    def _metric(self, stage: StageDraft, by_field: dict[str, Item]) -> None:
        name = by_field.get("metric")
        parts = {key: by_field[key] for key in ("value", "target", "unit") if key in by_field}
        if name is None:
            for key, item in parts.items():
                self.error(item, f"a metric {key} but no metric name in this row")
            return
        if "value" not in parts:
            self.error(name, f"metric `{_one_line(name.text)}` has no value; fill in the value column")
            return
        metric: dict[str, Any] = {"name": _one_line(name.text)}
        unit = _one_line(parts["unit"].text) if "unit" in parts else None
        for key in ("value", "target"):
            if key not in parts:
                continue
            text = parts[key].text.strip()
            if text.endswith("%"):
                text = text[:-1]
                unit = unit or "%"
            number = _number(text)
            if number is None:
                self.error(parts[key], f"metric {key} `{_one_line(parts[key].text)}` is not a number;"
                                       " put the unit in the unit column")
                return
            metric[key] = int(number) if number.is_integer() and abs(number) < 2**53 else number
        metric["unit"] = unit
        stage.metrics.append({k: v for k, v in metric.items() if v is not None})

    def finish(self) -> None:
        if not self.draft.stages and not self.problems:
            self.problems.append(Diagnostic(self.table.display, 1, 1,
                "no rows with a stage; the file has a header row but no journey under it"))
        if self.problems:
            raise Problems(self.problems)
        if self.persona is not None and not self.options.persona:
            self.draft.persona_name = self.persona[0]
