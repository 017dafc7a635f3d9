"""The map format as Markdown tables, generated from the models' field descriptions."""

from __future__ import annotations

import typing
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from .model import (_check_link, _check_slug, Emotion, Link, Number, Slug, Text, Channel, JourneyMap, Lane, Metric, Opportunity, PainPoint, Persona, Stage,
                    Touchpoint, Vocabulary, VocabularyStage)
from .model import Evidence, Flag, IsoDate, PainReference, Research, ReviewDate, Score, _check_flag
from .rules import RULE_MODELS, AnyRule, Months, Rules

SECTIONS: list[tuple[str, type[BaseModel]]] = [
    ("Map file (top level)", JourneyMap),
    ("`persona`", Persona),
    ("`lanes[]`", Lane),
    ("`stages[]`", Stage),
    ("`stages[].touchpoints[]`", Touchpoint),
    ("`stages[].pain_points[]`", PainPoint),
    ("`stages[].opportunities[]`", Opportunity),
    ("`stages[].metrics[]`", Metric),
    ("`_vocabulary.yml` (top level)", Vocabulary),
    ("`_vocabulary.yml`: `stages[]`", VocabularyStage),
    ("`_vocabulary.yml`: `channels[]`", Channel),
    ("`_research.yml` (top level)", Research),
    ("`_research.yml`: `evidence[]`", Evidence),
    ("`_rules.yml` (top level)", Rules),
    *((f"`_rules.yml`: `{name}`", model) for name, model in RULE_MODELS.items()),
]
# The rules share one heading (a bold line each): a heading is a search section whose
# title Material weighs a thousandfold, and a rule name's words (`younger`, `needs`) then
# outranked the journey page that holds the words searched for ("Thank-you note").
_UNDER_ONE_HEADING = {title: "`_rules.yml`: the rules" for title, model in SECTIONS
                      if model in RULE_MODELS.values()}


def _type_name(annotation: Any) -> str:
    named = {Text: "text", Slug: "id", Link: "link", Emotion: "integer -2..2", Number: "number",
             float: "number", str: "text", int: "integer", Flag: "`true` or `false`",
             Score: "integer 1..5", IsoDate: "date (YYYY-MM-DD)",
             PainReference: "pain point id, or `persona-id/pain-id`",
             ReviewDate: "date (YYYY-MM-DD)", Months: "whole number of months",
             AnyRule: "rule (a mapping with `rule:`)"}
    for alias, name in named.items():
        if annotation == alias:
            return name
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:  # constraints do not change what a writer types
        return _type_name(typing.get_args(annotation)[0])
    arguments = [a for a in typing.get_args(annotation) if a is not type(None)]
    if origin is list:
        return f"list of {_type_name(arguments[0])}"
    if origin is dict:
        return f"mapping of text to {_type_name(arguments[1])}"
    if origin is typing.Literal:
        return " \\| ".join(f"`{a}`" for a in typing.get_args(annotation))
    if arguments:  # X | None: optionality is the "required" column
        return " or ".join(_type_name(a) for a in arguments)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _MODEL_NAMES.get(annotation, annotation.__name__.lower())
    return str(annotation)


def _field_type(field: FieldInfo) -> str:
    # A required field's Annotated metadata moves to `field.metadata` (pydantic does that).
    validators = {getattr(m, "func", None) for m in field.metadata}
    if _check_slug in validators:
        return "id"
    if _check_link in validators:
        return "link"
    if _check_flag in validators:
        return "`true` or `false`"
    return _type_name(field.annotation)


_MODEL_NAMES = {PainPoint: "pain point (text or mapping)", Opportunity: "opportunity (text or mapping)",
                VocabularyStage: "stage", Channel: "channel (id or mapping)"}


def reference_markdown() -> str:
    lines = [
        "<!-- Generated from plugins/cjm_plugin/model.py by `cjm reference`; do not edit. -->",
        "",
    ]
    heading = None
    for title, model in SECTIONS:
        summary = (model.__doc__ or "").strip().splitlines()[0]
        shared = _UNDER_ONE_HEADING.get(title)
        if shared is None:
            lines += [f"## {title}", "", summary, ""]
        else:
            if shared != heading:
                lines += [f"## {shared}", ""]
            name = title.split(": ", 1)[1]
            lines += [f"**{name}**: {summary.removeprefix(f'{name}: ')}", ""]
        heading = shared
        lines += ["| key | type | required | description |", "| --- | --- | --- | --- |"]
        for name, field in model.model_fields.items():
            required = "yes" if field.is_required() else ""
            description = (field.description or "").replace("|", "\\|")
            lines.append(f"| `{name}` | {_field_type(field)} | {required} | {description} |")
        lines.append("")
    return "\n".join(lines)
