"""`maps/_rules.yml`: the team's rules for its maps, checked by every validation and build.

Each rule of the file gives findings: diagnostics with the rule's id and level, at the line
of the item that breaks it. The levels:

- `error` fails `cjm validate` and the site build;
- `warning` (the default) fails only under `--strict` (`cjm validate --strict`,
  `mkdocs build --strict`);
- `notice` is shown (in `cjm validate` and on the health page) and fails nothing: for what
  a team wants to see but not to block on, such as reviews falling due.

"Today" is an input: `SOURCE_DATE_EPOCH` when it is set (reproducible builds), else the
current date (UTC). Without a rules file nothing is checked and nothing changes.
"""

from __future__ import annotations

import calendar
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Annotated, Any, Iterable, Literal, Union, get_args

from pydantic import BeforeValidator, ConfigDict, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from .catalog import RULES_FILE
from .diagnostics import Diagnostic
from .links import LinkIndex
from .load import LoadedMap, SourceFile, _kind, _suggest, load_map, read_data, read_source, validate_data
from .model import Emotion, _Model, _short
from .research import LoadedResearch
from .safe_io import read_limited, write_atomic
from .yaml_source import Positions

Level = Literal["error", "warning", "notice"]
LEVELS = get_args(Level)


def today() -> date:
    """The day rules judge dates against: SOURCE_DATE_EPOCH's (UTC) when set, else today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), timezone.utc).date()
        except (ValueError, OverflowError, OSError):
            pass  # not a number of seconds: as if unset
    return datetime.now(timezone.utc).date()


def _check_months(value: Any) -> Any:
    text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    if text.isdigit() and 1 <= int(text) <= 1200:
        return int(text)
    raise PydanticCustomError(
        "cjm_months", "`months` is {value}; use a whole number of months, such as 6",
        {"value": "nothing" if value is None else f"`{_short(str(value))}`"})


Months = Annotated[int, BeforeValidator(_check_months),
                   WithJsonSchema({"type": "integer", "minimum": 1, "maximum": 1200})]


# -- the rules file -------------------------------------------------------------------------


class _Rule(_Model):
    rule: str = Field(description="The rule's name.")
    level: Level = Field(
        "warning",
        description="`error` fails validation and the build; `warning` fails only under"
        " `--strict`; `notice` is shown and fails nothing.",
    )


class LowEmotionNeedsOpportunity(_Rule):
    """`low-emotion-needs-opportunity`: a stage that feels bad has an opportunity."""

    rule: Literal["low-emotion-needs-opportunity"] = Field(
        description="A stage whose emotion is at or below `threshold` has an opportunity: one of"
        " its own, or one (of any stage or map) that addresses one of its pain points.")
    threshold: Emotion = Field(-1, description="The emotion (-2..2) at or below which a stage"
                               " needs an opportunity; default -1.")


class HighPainNeedsOpportunity(_Rule):
    """`high-pain-needs-opportunity`: a high pain point is addressed by an owned opportunity."""

    rule: Literal["high-pain-needs-opportunity"] = Field(
        description="A pain point of severity `high` is addressed (an opportunity lists its id"
        " in `addresses:`) by an opportunity that has an `owner`.")


class TouchpointNeedsOwner(_Rule):
    """`touchpoint-needs-owner`: every touchpoint has an `owner`."""

    rule: Literal["touchpoint-needs-owner"] = Field(
        description="Every touchpoint names the team accountable for it in `owner:`.")


class StageNeedsEvidence(_Rule):
    """`stage-needs-evidence`: a stage with an emotion cites evidence for it."""

    rule: Literal["stage-needs-evidence"] = Field(
        description="A stage with an `emotion` cites the research behind it in `evidence:`.")


class ReviewEvery(_Rule):
    """`review-every`: a map's `reviewed:` date is at most `months` old."""

    rule: Literal["review-every"] = Field(
        description="A map has a `reviewed:` date, at most `months` before today.")
    months: Months = Field(12, description="How many months a review lasts; default 12.")


class EvidenceYoungerThan(_Rule):
    """`evidence-younger-than`: the evidence a map cites is at most `months` old."""

    rule: Literal["evidence-younger-than"] = Field(
        description="The evidence a map cites (stages, pain points, metrics) is dated at most"
        " `months` before today, by its `date` in `maps/_research.yml`.")
    months: Months = Field(24, description="How many months old evidence may be; default 24.")


RULE_MODELS: dict[str, type[_Rule]] = {
    model.model_fields["rule"].annotation.__args__[0]: model  # type: ignore[union-attr]
    for model in (LowEmotionNeedsOpportunity, HighPainNeedsOpportunity, TouchpointNeedsOwner,
                  StageNeedsEvidence, ReviewEvery, EvidenceYoungerThan)
}
AnyRule = Annotated[Union[tuple(RULE_MODELS.values())], Field(discriminator="rule")]  # type: ignore[valid-type]


class Rules(_Model):
    """The team's rules, in `maps/_rules.yml`: each item names a `rule` and its settings."""

    model_config = ConfigDict(
        title="cjm rules",
        json_schema_extra={"$schema": "https://json-schema.org/draft/2020-12/schema"},
    )

    rules: list[AnyRule] = Field(  # type: ignore[valid-type]
        default_factory=list,
        description="The rules maps must follow; a rule may be listed twice with other settings"
        " (say `threshold: -1` as a warning and `threshold: -2` as an error).",
    )


def rules_json_schema() -> dict[str, Any]:
    return Rules.model_json_schema()


@dataclass(frozen=True)
class LoadedRules:
    """The valid rules of a rules file (in its order) and where each was written."""

    source: SourceFile
    rules: list[_Rule]
    positions: Positions

    def summary(self) -> list[tuple[str, str, dict[str, Any]]]:
        """(rule, level, settings) of each rule, for pages and cache keys."""
        return [(r.rule, r.level, r.model_dump(mode="json", exclude={"rule", "level"}))
                for r in self.rules]


def _within(positions: Positions, prefix: tuple) -> Positions:
    """The positions under `prefix`, with paths relative to it (to place a rule's messages)."""
    n = len(prefix)
    return Positions({p[n:]: v for p, v in positions.values.items() if p[:n] == prefix},
                     {p[n:]: v for p, v in positions.keys.items() if p[:n] == prefix})


def load_rules(source: SourceFile) -> tuple[LoadedRules | None, list[Diagnostic]]:
    """The rules file's valid rules and the messages about the others; (None, messages) when
    it cannot be read at all."""
    read = read_data(source, known=("rules",), what="a rules file (one has `rules:`)",
                     empty="start it with `rules:` and a line `- rule: NAME` for each rule"
                           " (`cjm schema --rules` lists them), or delete it to check none")
    if isinstance(read, Diagnostic):
        return None, [read]
    data, positions = read
    found: list[Diagnostic] = []
    for key in data:
        if key != "rules":
            line, column = positions.of_key((key,))
            found.append(source.diagnostic(line, column, f"unknown key `{_short(key)}`"
                                           f"{_suggest(key, ['rules']) or '; the file holds one list, `rules:`'}"))
    entries = data.get("rules")
    if entries is None:
        return LoadedRules(source, [], positions), found
    if not isinstance(entries, list):
        line, column = positions.of_value(("rules",))
        found.append(source.diagnostic(line, column, f"`rules` must be a list, not {_kind(entries)}:"
                                       " write each rule on its own line as `- rule: NAME`"))
        return None, found
    rules: list[_Rule] = []
    for index, entry in enumerate(entries):
        rule, messages = _load_rule(source, entry, positions, ("rules", index))
        found += messages
        if rule is not None:
            rules.append(rule)
    return LoadedRules(source, rules, positions), found


def _load_rule(source: SourceFile, entry: Any, positions: Positions,
               path: tuple) -> tuple[_Rule | None, list[Diagnostic]]:
    known = ", ".join(f"`{name}`" for name in RULE_MODELS)

    def at(where: tuple, message: str, key: bool = False) -> Diagnostic:
        line, column = positions.of_key(where) if key else positions.of_value(where)
        return source.diagnostic(line, column, message)

    if not isinstance(entry, dict):
        return None, [at(path, f"each rule must be a mapping with `rule:`, not {_kind(entry)};"
                               f" write `- rule: NAME` (rules: {known})")]
    name = entry.get("rule")
    if name is None:
        return None, [at(path, f"missing `rule:`; name one of {known}")]
    if not isinstance(name, str) or name not in RULE_MODELS:
        return None, [at(path + ("rule",), f"unknown rule {_kind(name)}"
                                           f"{_suggest(str(name), list(RULE_MODELS))}; rules: {known}")]
    model = RULE_MODELS[name]
    parameters = [p for p in model.model_fields if p != "rule"]
    unknown = [key for key in entry if key not in model.model_fields]
    if unknown:
        return None, [at(path + (key,), f"`{_short(key)}` is not a setting of rule `{name}`"
                                         f"{_suggest(key, parameters)}; its settings:"
                                         f" {', '.join(f'`{p}`' for p in parameters)}", key=True)
                      for key in unknown]
    level = entry.get("level")
    if isinstance(level, str) and level not in LEVELS:
        # Before the model's own message, which cannot suggest the level meant.
        return None, [at(path + ("level",), f"`level` must be 'error', 'warning' or 'notice',"
                                            f" not `{_short(level)}`{_suggest(level, list(LEVELS))}")]
    rule, messages = validate_data(model, source, entry, _within(positions, path))
    return rule, messages  # type: ignore[return-value]


# -- dates ----------------------------------------------------------------------------------

_DAY = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?")


def parse_day(text: str | None) -> date | None:
    """The day of an ISO date (`2026-10-01`, `2026-10` for its first day, or a date and time),
    None when there is none."""
    match = _DAY.match(text or "")
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3] or 1))
    except ValueError:
        return None


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it has no such day)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_between(earlier: date, later: date) -> int:
    """Whole months from `earlier` to `later`."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    return months - (1 if later.day < earlier.day else 0)


def review_due(reviewed: str | None, months: int) -> date | None:
    day = parse_day(reviewed)
    return add_months(day, months) if day else None


# -- checking -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """A rule's finding: its diagnostic, and the map and stage it is about (for the pages)."""

    diagnostic: Diagnostic
    persona_id: str | None = None  # None: about a site file (`_research.yml`)
    stage_id: str | None = None


class Locator:
    """Where the items rules point at were written, for maps the model cache remembered
    without positions (catalog._ModelCache).

    Parsing such a map again costs as much as loading it, and with rules most maps of a site
    have a finding (a review falling due is enough): over a second more on every warm build of 200
    maps. So the few positions rules can ask for are kept too, by the bytes of the map, in
    `rule-positions.json` beside the model cache."""

    MAX_BYTES = 64 * 2**20

    def __init__(self, folder: Path | None = None):
        self.file = folder / "rule-positions.json" if folder is not None else None
        self.known: dict[str, dict] = {}
        if self.file is not None:
            try:
                data = json.loads(read_limited(self.file, self.MAX_BYTES, follow_links=False))
                if data.get("format") == 1:
                    self.known = data["maps"]
            except (OSError, ValueError, KeyError, TypeError, AttributeError):
                self.known = {}
        self.used: dict[str, dict] = {}
        self.parsed: dict[str, LoadedMap] = {}

    def __call__(self, loaded: LoadedMap) -> LoadedMap:
        if loaded.positions.values:
            if self.file is not None:
                self._remember(loaded, loaded)
            return loaded
        display = loaded.source.display
        if display not in self.parsed:
            self.parsed[display] = self._locate(loaded)
        return self.parsed[display]

    def _locate(self, loaded: LoadedMap) -> LoadedMap:
        raw = read_source(loaded.source)
        digest = hashlib.sha256(raw).hexdigest() if isinstance(raw, bytes) else None
        stored = self.known.get(digest) if digest else None
        if stored is not None:
            try:
                positions = Positions({tuple(json.loads(k)): tuple(v) for k, v in stored["v"].items()},
                                      {tuple(json.loads(k)): tuple(v) for k, v in stored["k"].items()})
                self.used[digest] = stored
                return LoadedMap(loaded.source, loaded.map, positions)
            except (KeyError, TypeError, ValueError, AttributeError):
                pass
        parsed = (load_map(loaded.source, raw)[0] if isinstance(raw, bytes) else None) or loaded
        if digest and parsed.positions.values:
            self._remember(parsed, parsed, digest)
        return parsed

    def _remember(self, loaded: LoadedMap, parsed: LoadedMap, digest: str | None = None) -> None:
        if digest is None:
            raw = read_source(loaded.source)
            if not isinstance(raw, bytes):
                return
            digest = hashlib.sha256(raw).hexdigest()
        if digest in self.used:
            return
        values, keys = {}, {}
        for path, key in _rule_paths(parsed):
            table, where = (keys, parsed.positions.keys.get(path)) if key else \
                (values, parsed.positions.values.get(path))
            if where:
                table[json.dumps(path)] = list(where)
        self.used[digest] = {"v": values, "k": keys}

    def save(self) -> None:
        if self.file is None or self.used == self.known:
            return
        data = json.dumps({"format": 1, "maps": self.used}, sort_keys=True)
        try:
            write_atomic(self.file, data.encode("utf-8"))
        except OSError:
            pass  # a cache we cannot write only costs time on the next build


def _rule_paths(loaded: LoadedMap) -> Iterable[tuple[tuple, bool]]:
    """(path, whether it is a key) of every place a rule may point at in a map."""
    yield ("persona",), True
    yield ("persona",), False
    yield ("reviewed",), False
    for s, stage in enumerate(loaded.map.stages):
        base = ("stages", s)
        yield base, False
        yield base + ("emotion",), False
        yield from ((base + ("evidence", k), False) for k in range(len(stage.evidence)))
        yield from ((base + ("touchpoints", t), False) for t in range(len(stage.touchpoints)))
        for i, pain in enumerate(stage.pain_points):
            yield base + ("pain_points", i), False
            yield from ((base + ("pain_points", i, "evidence", k), False) for k in range(len(pain.evidence)))
        for i, metric in enumerate(stage.metrics):
            yield from ((base + ("metrics", i, "evidence", k), False) for k in range(len(metric.evidence)))


@dataclass
class _Context:
    maps: list[LoadedMap]
    links: LinkIndex
    research: LoadedResearch | None
    research_file: str
    today: date
    located: Locator = field(default_factory=Locator)


def check_rules(rules: LoadedRules, maps: list[LoadedMap], research: LoadedResearch | None,
                research_file: str, day: date, links: LinkIndex | None = None,
                locator: Locator | None = None) -> list[Finding]:
    """Every finding of every rule, in rule order, each in map and stage order."""
    context = _Context(maps, links or LinkIndex(maps, research), research, research_file, day,
                       locator or Locator())
    found: list[Finding] = []
    for rule in rules.rules:
        found += _CHECKS[rule.rule](rule, context)
    return found


def _finding(rule: _Rule, loaded: LoadedMap, context: _Context, path: tuple, message: str,
             stage_id: str | None = None, key: bool = False) -> Finding:
    located = context.located(loaded)
    line, column = located.positions.of_key(path) if key else located.positions.of_value(path)
    diagnostic = Diagnostic(loaded.source.display, line, column, message, rule.level, rule.rule)
    return Finding(diagnostic, loaded.id, stage_id)


def _name(text: str) -> str:
    """Map text quoted in a message: one line, and short."""
    return f"`{_short(' '.join(str(text).split()), 50)}`"


def _emotion(value: int) -> str:
    return f"{value:+d}" if value else "0"


def _low_emotion(rule: LowEmotionNeedsOpportunity, context: _Context) -> Iterable[Finding]:
    for loaded in context.maps:
        for s, stage in enumerate(loaded.map.stages):
            if stage.emotion is None or stage.emotion > rule.threshold or stage.opportunities:
                continue
            if any(context.links.addressed_by(pain) for pain in stage.pain_points):
                continue
            yield _finding(rule, loaded, context, ("stages", s),
                f"stage {_name(stage.name)} feels {_emotion(stage.emotion)}, at or below"
                f" {_emotion(rule.threshold)}, and has no opportunity; add one under its"
                " `opportunities:`, or address one of its pain points from another stage",
                stage.id)


def _high_pain(rule: HighPainNeedsOpportunity, context: _Context) -> Iterable[Finding]:
    for loaded in context.maps:
        for s, stage in enumerate(loaded.map.stages):
            for i, pain in enumerate(stage.pain_points):
                if pain.severity != "high":
                    continue
                by = context.links.addressed_by(pain)
                if any(o.item.owner for o in by):
                    continue
                if by:
                    names = ", ".join(_name(o.item.text) for o in by[:3])
                    message = (f"high pain point {_name(pain.text)} is addressed only by"
                               f" opportunities without an owner ({names}); give one of them an"
                               " `owner:`")
                elif pain.id:
                    message = (f"high pain point {_name(pain.text)} is addressed by no"
                               f" opportunity; add one with `addresses: [{pain.id}]` and an"
                               " `owner:`")
                else:
                    message = (f"high pain point {_name(pain.text)} is addressed by no"
                               " opportunity; give it an `id:`, and add an opportunity with an"
                               " `owner:` that lists that id in `addresses:`")
                yield _finding(rule, loaded, context, ("stages", s, "pain_points", i), message,
                               stage.id)


def _touchpoint_owner(rule: TouchpointNeedsOwner, context: _Context) -> Iterable[Finding]:
    for loaded in context.maps:
        for s, stage in enumerate(loaded.map.stages):
            for t, touchpoint in enumerate(stage.touchpoints):
                if not touchpoint.owner:
                    yield _finding(rule, loaded, context, ("stages", s, "touchpoints", t),
                        f"touchpoint {_name(touchpoint.name)} has no owner; add `owner:` with"
                        " the team accountable for it", stage.id)


def _stage_evidence(rule: StageNeedsEvidence, context: _Context) -> Iterable[Finding]:
    for loaded in context.maps:
        for s, stage in enumerate(loaded.map.stages):
            if stage.emotion is not None and not stage.evidence:
                yield _finding(rule, loaded, context, ("stages", s),
                    f"stage {_name(stage.name)} has an emotion but cites no evidence; add"
                    f" `evidence: [ID]` with the id of a source in {context.research_file}",
                    stage.id)


def _review(rule: ReviewEvery, context: _Context) -> Iterable[Finding]:
    for loaded in context.maps:
        reviewed = loaded.map.reviewed
        day = parse_day(reviewed)
        if day is None:
            yield _finding(rule, loaded, context, ("persona",),
                "the map has no `reviewed:` date; review it with its owner, then add"
                f" `reviewed: {context.today.isoformat()}` at the top level", key=True)
        elif day > context.today:
            yield _finding(rule, loaded, context, ("reviewed",),
                f"`reviewed:` {day.isoformat()} is after today ({context.today.isoformat()});"
                " write the day of the last review")
        elif add_months(day, rule.months) < context.today:
            age = months_between(day, context.today)
            yield _finding(rule, loaded, context, ("reviewed",),
                f"last reviewed on {day.isoformat()}, {age} months ago (the rules ask for a"
                f" review every {rule.months}); review the map with its owner and set"
                " `reviewed:` to that day")


def _evidence_age(rule: EvidenceYoungerThan, context: _Context) -> Iterable[Finding]:
    undated: set[str] = set()
    for loaded in context.maps:
        for s, stage in enumerate(loaded.map.stages):
            items: list[tuple[tuple, Any]] = [(("stages", s), stage)]
            items += [(("stages", s, "pain_points", i), p) for i, p in enumerate(stage.pain_points)]
            items += [(("stages", s, "metrics", i), m) for i, m in enumerate(stage.metrics)]
            for path, item in items:
                for eid, evidence in context.links.evidence_of(item):
                    day = parse_day(evidence.date) if evidence else None
                    if evidence is not None and day is None:
                        undated.add(eid)
                    if day is None or add_months(day, rule.months) >= context.today:
                        continue  # young enough, undated, or not declared (links.py says so)
                    yield _finding(rule, loaded, context, path + ("evidence", item.evidence.index(eid)),
                        f"cites evidence `{eid}` of {evidence.date},"
                        f" {months_between(day, context.today)} months old (the rules allow"
                        f" {rule.months}); cite newer research, or renew the source in"
                        f" {context.research_file}", stage.id)
    research = context.research
    for e, evidence in enumerate(research.research.evidence if research else []):
        if evidence.id in undated:
            undated.discard(evidence.id)  # once, at its first entry
            line, column = research.positions.of_value(("evidence", e, "id"))
            yield Finding(Diagnostic(research.source.display, line, column,
                f"evidence `{evidence.id}` is cited but has no `date`, so its age is unknown;"
                " add `date: YYYY-MM-DD` (the day of the research)", rule.level, rule.rule))


_CHECKS = {
    "low-emotion-needs-opportunity": _low_emotion,
    "high-pain-needs-opportunity": _high_pain,
    "touchpoint-needs-owner": _touchpoint_owner,
    "stage-needs-evidence": _stage_evidence,
    "review-every": _review,
    "evidence-younger-than": _evidence_age,
}
