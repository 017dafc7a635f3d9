"""The journey map format, as typed models.

These models are the single source of the format: the loader validates maps
with them, ``cjm schema`` prints their JSON Schema for editors, and the
reference page in the docs is generated from their field descriptions.

Key names are a public contract (other tools write maps with them): add keys,
never rename them.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError, core_schema

from .slugs import SLUG_PATTERN, is_safe_slug, slugify

# The loader keeps every scalar as the text the writer typed (so `NO` stays
# "NO" and `1:30` stays "1:30"); YAML editors see numbers and booleans, so
# the schema accepts any scalar where we accept text.
_TEXT_SCHEMA = {"type": ["string", "number", "boolean"]}


def _check_slug(value: str) -> str:
    if not is_safe_slug(value):
        suggestion = slugify(value)[:60].strip("-") or "my-id"
        raise PydanticCustomError(
            "cjm_slug",
            "`{value}` is not a safe id: use lowercase letters, digits and single hyphens"
            " (for example `{suggestion}`)",
            {"value": _short(value), "suggestion": suggestion},
        )
    return value


def _visible(text: str) -> str:
    """`text` with tabs, newlines and control characters shown as escapes, so a message
    never prints them raw (they would be invisible, or move the terminal's cursor)."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def _short(text: str, limit: int = 60) -> str:
    """`_visible(text)`, cut to `limit` characters: an id or key can be 100 KB of text,
    and a message that quotes it must stay one readable line."""
    shown = _visible(text)
    return f"{shown[:limit]}…" if len(shown) > limit else shown


def _check_link(value: str) -> str:
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise PydanticCustomError(
            "cjm_link",
            "link `{value}` contains spaces or control characters; encode spaces as %20",
            {"value": _short(value)},
        )
    scheme = urlsplit(value).scheme.lower()
    if scheme and scheme not in ("http", "https"):
        raise PydanticCustomError(
            "cjm_link",
            "link scheme `{scheme}:` is not allowed; use an http(s) address or a relative link",
            {"scheme": _short(scheme)},
        )
    return value


Text = Annotated[str, WithJsonSchema(_TEXT_SCHEMA)]
Slug = Annotated[
    str,
    AfterValidator(_check_slug),
    WithJsonSchema({"type": "string", "pattern": SLUG_PATTERN}),
]
Link = Annotated[str, AfterValidator(_check_link), WithJsonSchema({"type": "string"})]
Emotion = Annotated[int, Field(ge=-2, le=2)]
Number = Annotated[float, Field(allow_inf_nan=False)]  # shown without ".0" by pages.format_number

EMOTION_WORDS = {
    -2: "very negative",
    -1: "negative",
    0: "neutral",
    1: "positive",
    2: "very positive",
}


class _Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        coerce_numbers_to_str=True,
        # Keep pydantic's own messages in plain words; load.py rewrites them.
        hide_input_in_errors=True,
    )


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


Severity = Literal["low", "medium", "high"]
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2, None: 3}


class PainPoint(_TextOrObject):
    """Something that hurts at this stage. Plain text, or a mapping with severity."""

    severity: Severity | None = Field(None, description="`low`, `medium` or `high`.")


class Opportunity(_TextOrObject):
    """An idea to improve this stage. Plain text, or a mapping with owner and status."""

    owner: Text | None = Field(None, description="Team that would carry it out.")
    status: Text | None = Field(
        None, description="Where it stands, for example `idea`, `planned`, `in progress`, `done`."
    )
    link: Link | None = Field(None, description="Ticket or document that tracks it.")


class Metric(_Model):
    """A measured figure at this stage, such as a drop-off rate."""

    name: Text = Field(description="What is measured, for example `Drop-off at checkout`.")
    value: Number = Field(description="The measured value.")
    target: Number | None = Field(None, description="The value the team aims for.")
    unit: Text | None = Field(None, description="Unit shown after the numbers, such as `%`.")


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
