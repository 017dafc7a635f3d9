"""Live pieces of maps inside hand-written Markdown pages.

A writer puts a fenced block with the `cjm` info string in any page:

    ```cjm
    show: pain-points
    severity: high
    ```

With the plugin off it is a readable code block; with it on, the block becomes
the view it names. Blocks are swapped for placeholders before Markdown runs
and for HTML after, so they work at any indentation: inside admonitions,
content tabs and lists.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Callable

import yaml

from .model import SEVERITY_ORDER
from .pages import PageBuilder
from .text import escape

FENCE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*\{?\.?cjm\}?[ \t]*\n"
    r"(?P<body>.*?)"
    r"^(?P=indent)(?P=fence)[ \t]*$",
    re.MULTILINE | re.DOTALL,
)

# Each view and the options it takes; `persona` is required where marked.
VIEWS: dict[str, tuple[set[str], bool]] = {
    "journey": ({"persona"}, True),
    "emotion": ({"persona"}, True),
    "glance": ({"persona"}, True),
    "canvas": ({"persona"}, True),
    "touchpoints": ({"persona", "stage", "channel", "owner"}, False),
    "pain-points": ({"persona", "stage", "severity"}, False),
    "opportunities": ({"persona", "stage", "owner", "status"}, False),
}


class EmbedError(Exception):
    """Something the writer must fix; the message names the nearest valid choices."""


@dataclass
class Embed:
    line: int  # 1-based line of the opening fence in the page source
    options: dict[str, str]
    indent: str = ""


@dataclass
class PageEmbeds:
    """The placeholders of one page, in order, and the Markdown with them in place."""

    markdown: str
    embeds: dict[str, Embed] = field(default_factory=dict)


def _nearest(word: str, choices) -> str:
    close = difflib.get_close_matches(str(word), sorted(choices), n=3, cutoff=0.5)
    if close:
        return " (did you mean " + " or ".join(f"`{c}`" for c in close) + "?)"
    return ""


def _choices(values) -> str:
    return ", ".join(f"`{v}`" for v in sorted(values)) or "none"


def extract(markdown: str, first_line: int = 1, token: str = "CJMEMBED") -> PageEmbeds:
    """Swap each `cjm` block for a placeholder paragraph; remember its line and options."""
    result = PageEmbeds(markdown)
    pieces: list[str] = []
    last = 0
    for number, match in enumerate(FENCE.finditer(markdown), start=1):
        line = first_line + markdown.count("\n", 0, match.start())
        placeholder = f"{token}{number}X"
        try:
            options = yaml.safe_load(match.group("body")) if match.group("body").strip() else {}
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            where = line + 1 + (mark.line if mark else 0)
            options = {"__error__": f"line {where}: the block is not valid YAML; write `key: value` lines"}
        if not isinstance(options, dict):
            options = {"__error__": "write the block as `key: value` lines, for example `show: glance`"}
        result.embeds[placeholder] = Embed(line, {str(k): v for k, v in options.items()}, match.group("indent"))
        pieces += [markdown[last:match.start()], f"{match.group('indent')}{placeholder}"]
        last = match.end()
    pieces.append(markdown[last:])
    result.markdown = "".join(pieces)
    return result


class EmbedRenderer:
    """Turns one embed's options into Markdown (tables) or HTML (diagrams)."""

    def __init__(self, builder: PageBuilder, diagram_html: Callable[[str, str, str], str] | None = None):
        self.builder = builder
        self.project = builder.project
        self.diagram_html = diagram_html or (lambda persona_id, name, page_src: "")

    # -- checks ---------------------------------------------------------------------------

    def _view(self, options: dict) -> str:
        if "__error__" in options:
            raise EmbedError(options["__error__"])
        view = options.get("show")
        if view is None:
            raise EmbedError(f"add `show:` with one of {_choices(VIEWS)}")
        if view not in VIEWS:
            raise EmbedError(f"unknown view `{view}`{_nearest(view, VIEWS)}; use one of {_choices(VIEWS)}")
        allowed, persona_required = VIEWS[view]
        for key in options:
            if key != "show" and key not in allowed:
                raise EmbedError(
                    f"`{view}` takes no option `{key}`{_nearest(key, allowed)}; it takes {_choices(allowed)}"
                )
        if persona_required and "persona" not in options:
            raise EmbedError(f"`{view}` needs `persona:` with one of {_choices(m.id for m in self.project.maps)}")
        return view

    def _persona(self, options: dict):
        persona_id = options.get("persona")
        if persona_id is None:
            return None
        loaded = self.project.by_id(str(persona_id))
        if loaded is None:
            ids = [m.id for m in self.project.maps]
            raise EmbedError(f"unknown persona `{persona_id}`{_nearest(persona_id, ids)}; personas: {_choices(ids)}")
        return loaded

    def _filter(self, rows: list[dict], options: dict, key: str, value_of: Callable[[dict], str | None]) -> list[dict]:
        wanted = options.get(key)
        if wanted is None:
            return rows
        known = {value_of(r) for r in rows if value_of(r)}
        kept = [r for r in rows if value_of(r) == str(wanted)]
        if not kept:
            raise EmbedError(f"no item has {key} `{wanted}`{_nearest(wanted, known)}; {key}s in use: {_choices(known)}")
        return kept

    def _scope(self, rows: list[dict], options: dict) -> list[dict]:
        loaded = self._persona(options)
        if loaded is not None:
            rows = [r for r in rows if r["map"].id == loaded.id]
        stage_id = options.get("stage")
        if stage_id is not None:
            stages = {r["stage"].id for r in rows} | (
                {s.id for s in loaded.map.stages} if loaded else set())
            if str(stage_id) not in stages:
                scope = f" of `{loaded.id}`" if loaded else ""
                raise EmbedError(f"unknown stage `{stage_id}`{scope}{_nearest(stage_id, stages)}; stages: {_choices(stages)}")
            rows = [r for r in rows if r["stage"].id == str(stage_id)]
        return rows

    # -- views ----------------------------------------------------------------------------

    def render(self, options: dict, page_src: str) -> tuple[str, str]:
        """("markdown" | "html", content) for one embed on the page at `page_src`."""
        view = self._view(options)
        builder = self.builder
        if view in ("journey", "emotion"):
            loaded = self._persona(options)
            html = self.diagram_html(loaded.id, view, page_src)
            if not html:
                raise EmbedError(f"no {view} diagram for `{loaded.id}`: diagrams are off or Graphviz is missing")
            return "html", html
        if view == "canvas":
            loaded = self._persona(options)
            return "html", str(builder.canvas(loaded, page_src))
        if view == "glance":
            loaded = self._persona(options)
            return "markdown", builder.fragment(page_src, "glance_table", m=loaded.map, pid=loaded.id,
                                               top_pain=builder.top_pain(loaded))
        if view == "touchpoints":
            rows = self._scope(builder.touchpoint_rows(), options)
            rows = self._filter(rows, options, "channel", lambda r: r["touchpoint"].channel)
            rows = self._filter(rows, options, "owner", lambda r: r["touchpoint"].owner)
            if "persona" in options and "stage" in options and len(options) == 3:
                return "markdown", builder.fragment(page_src, "stage_touchpoints",
                                                    touchpoints=[r["touchpoint"] for r in rows])
            return "markdown", builder.fragment(page_src, "touchpoint_rows", rows=rows)
        if view == "pain-points":
            rows = self._scope(builder.item_rows("pain_points"), options)
            severity = options.get("severity")
            if severity is not None and severity not in ("low", "medium", "high"):
                raise EmbedError(f"severity `{severity}` is not `low`, `medium` or `high`{_nearest(severity, ['low', 'medium', 'high'])}")
            rows = self._filter(rows, options, "severity", lambda r: r["item"].severity)
            rows.sort(key=lambda r: SEVERITY_ORDER[r["item"].severity])
            return "markdown", builder.fragment(page_src, "pain_rows", rows=rows)
        rows = self._scope(builder.item_rows("opportunities"), options)
        rows = self._filter(rows, options, "owner", lambda r: r["item"].owner)
        rows = self._filter(rows, options, "status", lambda r: r["item"].status)
        return "markdown", builder.fragment(page_src, "opportunity_rows", rows=rows)


def notice(message: str) -> str:
    """What a broken embed shows in the page, so the writer sees it too."""
    return (
        '<div class="admonition warning cjm-embed-error"><p class="admonition-title">cjm block</p>'
        f"<p>{escape(message)}</p></div>"
    )
