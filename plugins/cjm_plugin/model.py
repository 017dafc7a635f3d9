"""The journey map format, as typed models.

These models are the single source of the format: the loader validates maps
with them, ``cjm schema`` prints their JSON Schema for editors, and the
reference page in the docs is generated from their field descriptions.

Key names are a public contract (other tools write maps with them): add keys,
never rename them.
"""

from __future__ import annotations

import re
from decimal import Decimal
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    PlainSerializer,
    PlainValidator,
    StringConstraints,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError, core_schema

from .diagnostics import short as _short
from .diagnostics import visible as _visible  # noqa: F401 - interop/yaml_writer.py uses it
from .slugs import MAX_ID_LENGTH, SLUG_PATTERN, is_safe_slug, shorten, slugify
from .text_limits import text_problem
from .yaml_source import Quoted

# The loader keeps every scalar as the text the writer typed (so `NO` stays
# "NO" and `1:30` stays "1:30"); YAML editors see numbers and booleans, so
# the schema accepts any scalar where we accept text.
_TEXT_SCHEMA = {"type": ["string", "number", "boolean"]}


def _check_slug(value: str) -> str:
    if not is_safe_slug(value):
        suggestion = shorten(slugify(value)) or "my-id"
        if len(value) > MAX_ID_LENGTH:
            raise PydanticCustomError(
                "cjm_slug",
                "`{value}` is too long for an id ({length} characters; at most {limit}): ids"
                " become file names and URLs; use a shorter one, such as `{suggestion}`",
                {"value": _short(value, 40), "length": len(value), "limit": MAX_ID_LENGTH,
                 "suggestion": suggestion},
            )
        raise PydanticCustomError(
            "cjm_slug",
            "`{value}` is not a safe id: use lowercase letters, digits and single hyphens"
            " (for example `{suggestion}`)",
            {"value": _short(value), "suggestion": suggestion},
        )
    return value


def _check_text(value: str) -> str:
    # Most values are a short line with nothing Markdown could nest or scan: skip the work
    # (this runs for every text of every map).
    if len(value) < 1000 and "\n" not in value and "[" not in value and ">" not in value \
            and value[:1] not in "-+*0123456789":
        return value
    problem = text_problem(value)
    if problem:
        raise PydanticCustomError("cjm_text", problem)
    return value


def _check_name(value: str | None) -> str | None:
    """A name is a title, a link text and a diagram label: it needs a character one can see.
    A blank name passed validation and then broke the Graphviz run of the whole site."""
    if value is None or (value and value.isprintable() and not value.isspace()):  # common, in C
        return value
    if not any(ch.isprintable() and not ch.isspace() for ch in value):
        what = "empty" if not value else "blank" if value.isspace() else "made of invisible characters"
        raise PydanticCustomError(
            "cjm_blank_name", "`name` is {what}; write the name that pages and diagrams show",
            {"what": what},
        )
    return value


_WHOLE_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)")
_NUMBER = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")


def _quoted_number(value: object) -> None:
    """`"2"`: quoted, so text to YAML and to the JSON Schema that editors check against."""
    if isinstance(value, Quoted) and _NUMBER.fullmatch(value.strip()):
        raise PydanticCustomError("cjm_quoted_number", "{text}", {"text": _short(str(value), 30)})


def _whole_number(value: Any) -> Any:
    """An emotion as YAML and the JSON Schema read it: a plain integer (`1`, `-2`).
    `"2"`, `+1`, `1.0` and `01` were accepted while editors (and the schema) disagree."""
    if isinstance(value, bool):
        raise PydanticCustomError("int_type", "not a whole number")
    if isinstance(value, int) or not isinstance(value, str):
        return value
    _quoted_number(value)
    if _WHOLE_NUMBER.fullmatch(value):
        if len(value) > 4000:  # int() refuses more digits; say "too large", not "not a number"
            raise PydanticCustomError("int_parsing_size", "too large")
        return int(value)
    if _NUMBER.fullmatch(value) and len(value) <= 30:
        number = float(value)
        if number.is_integer() and abs(number) < 100:
            raise PydanticCustomError("cjm_not_canonical", "{text}|{fix}",
                                      {"text": _short(value, 30), "fix": str(int(number))})
    raise PydanticCustomError("int_parsing", "not a whole number")


class WrittenNumber(float):
    """A number that remembers how it was written (`20.50`, `1234567.5`, `1e6`), so pages
    show it that way: `%g` printed 1234567.5 as `1.23457e+06` and rounded 3.14159265.
    It is a float for everything else (sorting, sums, exports)."""

    text: str

    def __new__(cls, value: float, text: str | None = None) -> WrittenNumber:
        number = super().__new__(cls, value)
        number.text = text if text is not None else plain_number(float(value))
        return number

    def __reduce__(self):  # copy, deepcopy and pickle keep the text
        return (WrittenNumber, (float(self), self.text))

    def __str__(self) -> str:
        return self.text


def plain_number(value: float) -> str:
    """A float with every digit it has, in positional notation: `2500000.25`, not `2.5e+06`."""
    if value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    shortest = repr(value)  # the fewest digits that read back as the same float
    return shortest if "e" not in shortest else format(Decimal(shortest), "f")


def _written_number(value: Any) -> WrittenNumber:
    """A finite number, from the loader's text or from Python/JSON (the model cache)."""
    if isinstance(value, WrittenNumber):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if abs(value) != float("inf") and value == value:  # not inf, not nan
            return WrittenNumber(value)
    elif isinstance(value, str):
        _quoted_number(value)
        text = value.strip()
        # Digits only: `.inf`, `0x1F` and `1_000` are numbers to YAML 1.1 but not to editors.
        if len(text) <= 400 and _NUMBER.fullmatch(text):
            number = float(text)
            if abs(number) != float("inf"):
                return WrittenNumber(number, text)
    raise PydanticCustomError("float_parsing", "not a finite number")


def _number_json(value: float) -> Any:
    """JSON (the model cache) keeps a number as written; Python callers get the float."""
    return value.text if isinstance(value, WrittenNumber) else value


# What `_check_link` refuses, and the scheme as `urlsplit` reads it once those are refused
# (a letter, then letters, digits, `+`, `-` or `.`, before the first `:`). Both in C: the
# character loop and urlsplit were a twentieth of validating a map with many links.
_LINK_SPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f\x7f]")
_LINK_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+\-.]*):")


def link_scheme(value: str) -> str:
    """The scheme of a link without spaces or control characters, lower-case ("" if none)."""
    found = _LINK_SCHEME.match(value)
    return found.group(1).lower() if found else ""


def _check_link(value: str) -> str:
    if _LINK_SPACE_OR_CONTROL.search(value):
        raise PydanticCustomError(
            "cjm_link",
            "link `{value}` contains spaces or control characters; encode spaces as %20",
            {"value": _short(value)},
        )
    scheme = link_scheme(value)
    if scheme and scheme not in ("http", "https"):
        raise PydanticCustomError(
            "cjm_link",
            "link scheme `{scheme}:` is not allowed; use an http(s) address or a relative link",
            {"scheme": _short(scheme)},
        )
    return value


Text = Annotated[str, AfterValidator(_check_text), WithJsonSchema(_TEXT_SCHEMA)]
Slug = Annotated[
    str,
    AfterValidator(_check_slug),
    WithJsonSchema({"type": "string", "pattern": SLUG_PATTERN, "maxLength": MAX_ID_LENGTH}),
]
Link = Annotated[str, AfterValidator(_check_link), WithJsonSchema({"type": "string"})]
Emotion = Annotated[int, Field(ge=-2, le=2), BeforeValidator(_whole_number)]
# Shown as written by pages.format_number (a WrittenNumber keeps the text).
Number = Annotated[float, PlainValidator(_written_number), WithJsonSchema({"type": "number"}),
                   PlainSerializer(_number_json, when_used="json")]

EMOTION_WORDS = {
    -2: "very negative",
    -1: "negative",
    0: "neutral",
    1: "positive",
    2: "very positive",
}


# -- evidence, confidence, links and scores (issue #17) -----------------------------------
# The loader hands every scalar over as the text the writer typed: these types read
# `true`, `4` and `2026-09-14` from text, and say what to write when they cannot.

_FLAG_WORDS = {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}


def _check_flag(value: Any, info: ValidationInfo) -> Any:
    """`true`, `false` and YAML 1.1's `yes`/`no`/`on`/`off`. A quoted `"true"` is text to
    every YAML reader and to the JSON Schema editors check, so it is refused with the fix."""
    if isinstance(value, bool):
        return value
    field = info.field_name or "value"
    word = str(value).strip().lower() if isinstance(value, (str, int)) else None
    if word in _FLAG_WORDS and isinstance(value, Quoted):
        raise PydanticCustomError(
            "cjm_flag", "`{field}` must be `true` or `false`, not the quoted text `\"{value}\"`:"
            " remove the quotes (write `{field}: {fix}`)",
            {"field": field, "value": _short(str(value)), "fix": "true" if _FLAG_WORDS[word] else "false"},
        )
    if word in _FLAG_WORDS:
        return _FLAG_WORDS[word]
    raise PydanticCustomError(
        "cjm_flag", "`{field}` must be `true` or `false`, not `{value}`",
        {"field": field, "value": _short(str(value))},
    )


def _check_score(value: Any, info: ValidationInfo) -> Any:
    _quoted_number(value)  # `impact: "4"` is text to YAML and the schema, as for emotions
    text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    if text.isdigit() and 1 <= int(text) <= 5:
        return int(text)
    shown = "nothing" if value is None else f"`{_short(str(value))}`"
    raise PydanticCustomError(
        "cjm_score", "`{field}` is {value}; use a whole number from 1 (low) to 5 (high)",
        {"field": info.field_name or "value", "value": shown},
    )


_ISO_DATE = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?")


def _check_date(value: str) -> str:
    match = _ISO_DATE.fullmatch(value)
    if match:
        try:
            date(int(match[1]), int(match[2]), int(match[3] or 1))
            return value
        except ValueError:
            raise PydanticCustomError(
                "cjm_date", "`{value}` is not a day of the calendar; check the month and day",
                {"value": value},
            ) from None
    raise PydanticCustomError(
        "cjm_date",
        "`{value}` is not a date in ISO form; write YYYY-MM-DD (for example `2026-09-14`),"
        " or YYYY-MM for a month",
        {"value": _short(value)},
    )


_PAIN_REFERENCE = re.compile(SLUG_PATTERN[1:-1] + "(?:/" + SLUG_PATTERN[1:-1] + ")?")


def _check_pain_reference(value: str) -> str:
    if not _PAIN_REFERENCE.fullmatch(value):
        raise PydanticCustomError(
            "cjm_pain_reference",
            "`{value}` is not a pain point reference; write the pain point's `id` for this map,"
            " or `persona-id/pain-id` for another map",
            {"value": _short(value)},
        )
    return value


Flag = Annotated[bool, BeforeValidator(_check_flag), WithJsonSchema({"type": "boolean"})]
Score = Annotated[
    int,
    BeforeValidator(_check_score),
    WithJsonSchema({"type": "integer", "minimum": 1, "maximum": 5}),
]
IsoDate = Annotated[
    str,
    AfterValidator(_check_date),
    WithJsonSchema({"type": "string", "pattern": r"^\d{4}-\d{2}(-\d{2})?$"}),
]


def _check_review_date(value: str) -> str:
    """An ISO date, or an ISO date and time (`2026-10-01T09:30:00Z`: the date counts)."""
    day, separator, time = value.partition("T") if "T" in value else value.partition(" ")
    if separator and not re.fullmatch(r"\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?", time.strip()):
        _check_date(value)  # not a time: say what an ISO date looks like
    _check_date(day.strip())
    return value


# `reviewed:` at the top of a map. The loader hands over the text as written (a YAML date
# stays `2026-10-01`); rules.py reads the day from it.
ReviewDate = Annotated[
    str,
    AfterValidator(_check_review_date),
    WithJsonSchema({"type": "string", "pattern": r"^\d{4}-\d{2}(-\d{2})?([T ].*)?$"}),
]
PainReference = Annotated[
    str,
    AfterValidator(_check_pain_reference),
    WithJsonSchema({"type": "string", "pattern": f"^{_PAIN_REFERENCE.pattern}$"}),
]
Confidence = Literal["observed", "assumed"]
Better = Literal["higher", "lower"]
EvidenceKind = Literal[
    "interview", "survey", "analytics", "support", "usability-test", "review", "other"
]


class _Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        coerce_numbers_to_str=True,
        # Keep pydantic's own messages in plain words; load.py rewrites them.
        hide_input_in_errors=True,
    )

    # Every `name` of the format (persona, stage, touchpoint, lane, metric, vocabulary).
    @field_validator("name", mode="after", check_fields=False)
    @classmethod
    def _name_is_visible(cls, value: str | None) -> str | None:
        return _check_name(value)


class _TextOrObject(_Model):
    """An item written either as plain text or as a mapping with `text`."""

    text: Text = Field(description="What it is, in one sentence (Markdown).")

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return {"text": str(value)}
        return value

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> dict[str, Any]:
        object_schema = handler.resolve_ref_schema(handler(schema))
        return {"anyOf": [_TEXT_SCHEMA, dict(object_schema)]}


class Persona(_Model):
    """Who walks the journey."""

    name: Text = Field(description="Name of the persona, shown as the page title.")
    id: Slug | None = Field(
        None,
        description="Id used in URLs; defaults to the file name without `.yml`.",
    )
    summary: Text | None = Field(None, description="One-paragraph description (Markdown).")
    quote: Text | None = Field(None, description="Something this persona would say.")
    profile: dict[str, Text] = Field(
        default_factory=dict,
        description="Free key/value facts: age, occupation, location, ...",
    )
    goals: list[Text] = Field(default_factory=list, description="What they want to achieve.")
    frustrations: list[Text] = Field(
        default_factory=list, description="What annoys them in general."
    )


class Lane(_Model):
    """An internal row of a service blueprint: a team or system behind the scenes."""

    id: Slug = Field(description="Id used by `stages[].lanes`.")
    name: Text = Field(description="Row title, for example `CX` or `Production`.")
    description: Text | None = Field(None, description="What this lane covers (Markdown).")
    kind: Literal["frontstage", "backstage", "support", "evidence"] = Field(
        "backstage",
        description="Where the lane sits in the service blueprint: `frontstage` (what the"
        " customer sees staff or systems do), `backstage` (unseen work, the default),"
        " `support` (systems and teams behind the line of internal interaction) or"
        " `evidence` (physical evidence the customer meets, shown above the actions).",
    )


class Touchpoint(_Model):
    """A moment where the persona meets the organisation."""

    name: Text = Field(description="What the persona meets, for example `Checkout page`.")
    channel: Text | None = Field(
        None,
        description="Channel id, for example `web` or `events`; must be one of the shared"
        " channels when `maps/_vocabulary.yml` declares them.",
    )
    owner: Text | None = Field(None, description="Team that owns this touchpoint.")
    description: Text | None = Field(None, description="Details (Markdown).")
    emotion: Emotion | None = Field(
        None, description="How it feels, from -2 (very negative) to 2 (very positive)."
    )
    link: Link | None = Field(
        None, description="An http(s) address or a relative link with more detail."
    )
    id: Slug | None = Field(
        None, description="Id that pain points of this map use in `touchpoint`; unique in the map."
    )


Severity = Literal["low", "medium", "high"]
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2, None: 3}


class PainPoint(_TextOrObject):
    """Something that hurts at this stage. Plain text, or a mapping with severity."""

    severity: Severity | None = Field(None, description="`low`, `medium` or `high`.")
    id: Slug | None = Field(
        None,
        description="Id that opportunities use in `addresses`; unique in the map. Other maps"
        " write `persona-id/pain-id`.",
    )
    touchpoint: Slug | None = Field(
        None, description="Id of the touchpoint of this map where it hurts."
    )
    evidence: list[Slug] = Field(
        default_factory=list, description="Ids of the evidence in `maps/_research.yml` behind it."
    )
    confidence: Confidence | None = Field(
        None,
        description="`observed` (seen in research) or `assumed`; defaults to `observed` when"
        " `evidence` is given, else `assumed`.",
    )


class Opportunity(_TextOrObject):
    """An idea to improve this stage. Plain text, or a mapping with owner and status."""

    owner: Text | None = Field(None, description="Team that would carry it out.")
    status: Text | None = Field(
        None, description="Where it stands, for example `idea`, `planned`, `in progress`, `done`."
    )
    link: Link | None = Field(None, description="Ticket or document that tracks it.")
    id: Slug | None = Field(
        None, description="Id used in links to it and in exports; unique in the map."
    )
    addresses: list[PainReference] = Field(
        default_factory=list,
        description="Pain points it would solve: a pain point `id` of this map, or"
        " `persona-id/pain-id` of another map.",
    )
    impact: Score | None = Field(
        None, description="How much it would help, from 1 (little) to 5 (a lot)."
    )
    effort: Score | None = Field(
        None, description="How much work it takes, from 1 (little) to 5 (a lot)."
    )


class Metric(_Model):
    """A measured figure at this stage, such as a drop-off rate."""

    name: Text = Field(description="What is measured, for example `Drop-off at checkout`.")
    value: Number = Field(description="The measured value.")
    target: Number | None = Field(None, description="The value the team aims for.")
    unit: Text | None = Field(None, description="Unit shown after the numbers, such as `%`.")
    better: Better | None = Field(
        None,
        description="`higher` or `lower`: which way is better; with a `target`, pages flag the"
        " metric when it is off target.",
    )
    funnel: Flag = Field(
        False, description="`true` puts it on the persona's funnel chart, stage by stage."
    )
    evidence: list[Slug] = Field(
        default_factory=list, description="Ids of the evidence the figure comes from."
    )


class Stage(_Model):
    """One step of the journey, in journey order."""

    name: Text = Field(description="Stage title, for example `Awareness`.")
    id: Slug | None = Field(
        None,
        description="Id used in URLs and to line stages up across personas;"
        " defaults to the slug of the name.",
    )
    objective: Text | None = Field(None, description="What the organisation wants here.")
    description: Text | None = Field(None, description="What happens here (Markdown).")
    emotion: Emotion | None = Field(
        None, description="Overall feeling, from -2 (very negative) to 2 (very positive)."
    )
    feeling: Text | None = Field(None, description="The feeling in a word or two.")
    actions: list[Text] = Field(default_factory=list, description="What the persona does.")
    thoughts: list[Text] = Field(default_factory=list, description="What the persona thinks.")
    touchpoints: list[Touchpoint] = Field(
        default_factory=list, description="Where the persona meets the organisation here."
    )
    pain_points: list[PainPoint] = Field(default_factory=list, description="What hurts here.")
    opportunities: list[Opportunity] = Field(
        default_factory=list, description="Ideas to make this stage better."
    )
    metrics: list[Metric] = Field(default_factory=list, description="Measured figures.")
    lanes: dict[str, list[Text]] = Field(
        default_factory=dict,
        description="Items per lane id declared in the map's `lanes`.",
    )
    moment_of_truth: Flag = Field(
        False,
        description="`true` marks a moment of truth: a stage that decides whether the persona"
        " stays or goes.",
    )
    evidence: list[Slug] = Field(
        default_factory=list,
        description="Ids of the evidence in `maps/_research.yml` behind the stage's emotion.",
    )
    confidence: Confidence | None = Field(
        None,
        description="How sure the team is of the stage's emotion: `observed` or `assumed`;"
        " defaults to `observed` when `evidence` is given, else `assumed`.",
    )


class JourneyMap(_Model):
    """One persona's journey: the content of one `maps/<persona-id>.yml` file."""

    model_config = ConfigDict(
        title="cjm journey map",
        json_schema_extra={
            "$schema": "https://json-schema.org/draft/2020-12/schema",
        },
    )

    persona: Persona = Field(description="Who walks the journey.")
    scenario: Text | None = Field(
        None, description="The situation and expectations this journey covers (Markdown)."
    )
    state: Literal["current", "future"] = Field(
        "current", description="`current` (as is) or `future` (to be)."
    )
    owner: Text | None = Field(
        None, description="Team accountable for the map: who reviews it and keeps it true."
    )
    reviewed: ReviewDate | None = Field(
        None,
        description="Date of the last review, as YYYY-MM-DD (a YAML date or an ISO string);"
        " the rule `review-every` of `maps/_rules.yml` says how old it may be.",
    )
    lang: Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")] | None = Field(
        None,
        description="Language of the built-in words on this map's pages (`zh`, `de`, `fr`,"
        " `es`, `hu`, `en`, or one a team adds); default: the site's `theme.language`.",
        json_schema_extra={"examples": ["en", "zh", "de", "fr", "es", "hu"]},
    )
    compares_to: Slug | None = Field(
        None,
        description="The persona id of the map this one is a variant of (a future-state map"
        " names its current-state map): both pages link to each other and overlay their"
        " emotion curves, and the journeys index shows them together.",
    )
    lanes: list[Lane] = Field(
        default_factory=list,
        description="Internal rows (service blueprint), for example CX or Production.",
    )
    stages: list[Stage] = Field(min_length=1, description="The stages, in journey order.")


def map_json_schema() -> dict[str, Any]:
    """The JSON Schema of a map file, for editors and other tools."""
    return JourneyMap.model_json_schema()


class VocabularyStage(_Model):
    """A stage that every map may use, in the order journeys go through them."""

    id: Slug = Field(description="Stage id that maps use in `stages[].id`.")
    name: Text = Field(description="Stage title on cross-persona pages.")
    objective: Text | None = Field(None, description="What the organisation wants here.")
    description: Text | None = Field(None, description="What this stage covers (Markdown).")


class Channel(_Model):
    """A channel touchpoints may use. Plain id, or a mapping with a display name."""

    id: Slug = Field(description="Channel id that maps use in `touchpoints[].channel`.")
    name: Text | None = Field(None, description="Display name; defaults to the id.")
    description: Text | None = Field(None, description="What this channel covers.")

    @model_validator(mode="before")
    @classmethod
    def _from_id(cls, value: Any) -> Any:
        return {"id": value} if isinstance(value, str) else value

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> dict[str, Any]:
        object_schema = handler.resolve_ref_schema(handler(schema))
        return {"anyOf": [{"type": "string", "pattern": SLUG_PATTERN}, dict(object_schema)]}

    @property
    def label(self) -> str:
        return self.name or self.id


class Vocabulary(_Model):
    """Site-wide terms, in `maps/_vocabulary.yml`: when a list is given, maps must use it."""

    model_config = ConfigDict(
        title="cjm shared vocabulary",
        # Same dialect marker as the map schema, so editors read both alike.
        json_schema_extra={"$schema": "https://json-schema.org/draft/2020-12/schema"},
    )

    stages: list[VocabularyStage] = Field(
        default_factory=list, description="Shared stages, in journey order."
    )
    channels: list[Channel] = Field(default_factory=list, description="Allowed channels.")


def vocabulary_json_schema() -> dict[str, Any]:
    return Vocabulary.model_json_schema()



class Evidence(_Model):
    """One research source that maps cite by its id: an interview round, a survey, analytics."""

    id: Slug = Field(description="Id that maps use in `evidence: [...]`.")
    kind: EvidenceKind = Field(
        "other",
        description="`interview`, `survey`, `analytics`, `support`, `usability-test`, `review`"
        " or `other`.",
    )
    title: Text | None = Field(None, description="What it is; defaults to the id.")
    date: IsoDate | None = Field(
        None, description="When it was done, as YYYY-MM-DD (or YYYY-MM)."
    )
    link: Link | None = Field(
        None, description="Where the full material is: an http(s) address or a relative link."
    )
    quote: Text | None = Field(None, description="A line that sums it up, in the source's words.")

    @property
    def label(self) -> str:
        return self.title or self.id


class Research(_Model):
    """Site-wide research, in `maps/_research.yml`: the evidence maps cite."""

    model_config = ConfigDict(
        title="cjm research",
        json_schema_extra={"$schema": "https://json-schema.org/draft/2020-12/schema"},
    )

    evidence: list[Evidence] = Field(
        default_factory=list, description="Research sources, each with its own `id`."
    )


def research_json_schema() -> dict[str, Any]:
    return Research.model_json_schema()
