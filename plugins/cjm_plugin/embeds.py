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
import functools
import hashlib
import re
from dataclasses import dataclass, field
from typing import Callable, get_args

from .diagnostics import listing, short
from .insight_pages import evidence_rows
from .model import SEVERITY_ORDER, EvidenceKind
from .pages import PageBuilder
from .text import escape
from .yaml_source import SourceError, parse

# Each view and the options it takes; `persona` is required where marked.
VIEWS: dict[str, tuple[set[str], bool]] = {
    "journey": ({"persona"}, True),
    "emotion": ({"persona"}, True),
    "glance": ({"persona"}, True),
    "canvas": ({"persona"}, True),
    "touchpoints": ({"persona", "stage", "channel", "owner"}, False),
    "pain-points": ({"persona", "stage", "severity"}, False),
    "opportunities": ({"persona", "stage", "owner", "status"}, False),
    "portfolio": ({"persona", "stage", "owner", "status"}, False),
    "funnel": ({"persona"}, True),
    "evidence": ({"persona", "stage", "kind"}, False),
}

MAX_BLOCK_CHARACTERS = 10_000  # a block is a few `key: value` lines


class EmbedError(Exception):
    """Something the writer must fix; the message names the nearest valid choices.
    `key`: the option it is about (its place is reported), or `at`: a place in the page."""

    def __init__(self, message: str, key: str | None = None, at: tuple[int, int] | None = None):
        super().__init__(message)
        self.key = key
        self.at = at


@dataclass
class Embed:
    line: int  # 1-based line of the opening fence in the page source
    options: dict[str, str]
    indent: str = ""
    # (line, column) in the page of each option's value.
    places: dict[str, tuple[int, int]] = field(default_factory=dict)
    error: EmbedError | None = None  # the block could not be read (see `read_options`)

    def where(self, error: EmbedError) -> tuple[int, int]:
        """Page (line, column) of what `error` is about: an option, or the opening fence."""
        return error.at or self.places.get(error.key or "") or (self.line, len(self.indent) + 1)


@dataclass
class PageEmbeds:
    """The placeholders of one page, in order, and the Markdown with them in place."""

    markdown: str
    embeds: dict[str, Embed] = field(default_factory=dict)
    token: str = ""  # every placeholder is `<token>n<number>x`
    # Blocks opened and never closed: (line, column), left as they are.
    unclosed: list[tuple[int, int]] = field(default_factory=list)

    @property
    def pattern(self) -> re.Pattern:
        """Each placeholder, with the paragraph Markdown wrapped it in when it stood alone."""
        token = re.escape(self.token)
        return re.compile(rf"<p>({token}n\d+x)</p>|({token}n\d+x)")


def _nearest(word: str, choices) -> str:
    close = difflib.get_close_matches(str(word)[:100], sorted(choices), n=3, cutoff=0.5)
    if close:
        return " (did you mean " + " or ".join(f"`{short(c, 40)}`" for c in close) + "?)"
    return ""


def _choices(values) -> str:
    return listing(sorted(values))


# -- reading a block's options ------------------------------------------------------------

def read_options(body: str, first_line: int) -> tuple[dict[str, str], dict[str, tuple[int, int]]]:
    """The options of a block whose text starts on page line `first_line`, read by the same
    guarded loader as maps (limits, no YAML 1.1 guessing: `persona: no` stays "no" and
    `stage: 01` stays "01"), and where each value stands in the page. Raises EmbedError
    (placed in the page) for a block that can't be used."""
    def fail(message: str, line: int, column: int) -> EmbedError:
        return EmbedError(message, at=(first_line + line - 1, column))

    if len(body) > MAX_BLOCK_CHARACTERS:
        raise fail(f"the block is {len(body):,} characters long; a cjm block holds a few"
                   " `key: value` lines", 1, 1)
    try:
        data, positions = parse(body)
    except SourceError as problem:
        raise fail(f"the block is not valid YAML: {problem.message}", problem.line, problem.column) from None
    if data is None:
        return {}, {}
    if not isinstance(data, dict):
        raise fail("write the block as `key: value` lines, for example `show: glance`", 1, 1)
    options: dict[str, str] = {}
    places: dict[str, tuple[int, int]] = {}
    for key, value in data.items():
        line, column = positions.of_value((key,))
        places[key] = (first_line + line - 1, column)
        shown = short(key, 40)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise fail(f"`{shown}` is empty; give it a value (`{shown}: ...`) or remove the line",
                       line, column)
        if isinstance(value, (list, dict)):
            kind = "a list" if isinstance(value, list) else "a mapping"
            raise fail(f"`{shown}` must be text, not {kind}: one value per option", line, column)
        options[key] = str(value)
    return options, places


# -- finding blocks -----------------------------------------------------------------------

_FENCE = re.compile(r"(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)")
_CJM_INFO = re.compile(r"\{?[ \t]*\.?cjm[ \t]*\}?")
_LINE = re.compile(r".*(?:\r\n|\r|\n)|.+$")


def _lines(markdown: str) -> list[tuple[int, str]]:
    """(offset, line without its line break) of every line."""
    return [(m.start(), m.group(0).rstrip("\r\n")) for m in _LINE.finditer(markdown)]


def _closes(line: str, fence: str) -> bool:
    """Whether `line` closes a fence opened with `fence` (same character, at least as long)."""
    stripped = line.strip()
    return len(stripped) >= len(fence) and stripped == fence[0] * len(stripped)


def _comment_state(line: str, inside: bool) -> bool:
    """Whether an HTML comment is still open after `line`."""
    position = 0
    while True:
        if inside:
            end = line.find("-->", position)
            if end < 0:
                return True
            inside, position = False, end + 3
        else:
            start = line.find("<!--", position)
            if start < 0:
                return False
            inside, position = True, start + 4


def extract(markdown: str, first_line: int = 1, token: str | None = None) -> PageEmbeds:
    """Swap each `cjm` block for a placeholder paragraph; remember its line and options.

    Blocks are found line by line, as Markdown reads fences: a cjm block shown as an example
    inside a longer fence (````` ```` `````) or a `~~~` fence stays text, and so does one
    inside an HTML comment. The placeholder holds a hash of the page, so no text (in the
    page, or in a map shown by another block) can stand for one."""
    token = token or "cjmembed" + hashlib.sha256(markdown.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    result = PageEmbeds(markdown, token=token)
    lines = _lines(markdown)
    pieces: list[str] = []
    last = 0
    outer: str | None = None  # the fence of an open code block that is not ours
    in_comment = False
    index = 0
    while index < len(lines):
        offset, line = lines[index]
        index += 1
        if outer is not None:
            if _closes(line, outer):
                outer = None
            continue
        if in_comment:
            in_comment = _comment_state(line, True)
            continue
        match = _FENCE.fullmatch(line)
        if match is None or (match.group("fence")[0] == "`" and "`" in match.group("info")):
            in_comment = _comment_state(line, False)
            continue
        fence = match.group("fence")
        if not _CJM_INFO.fullmatch(match.group("info").strip()):
            outer = fence
            continue
        closing = next((n for n in range(index, len(lines)) if _closes(lines[n][1], fence)), None)
        line_number = first_line + index - 1
        if closing is None:  # Markdown shows it as text; say why it is not a view
            result.unclosed.append((line_number, len(match.group("indent")) + 1))
            outer = fence
            continue
        body_start = lines[index][0] if index < len(lines) else len(markdown)
        body = markdown[body_start:lines[closing][0]]
        end = lines[closing][0] + len(lines[closing][1])
        indent = match.group("indent")
        embed = Embed(line_number, {}, indent)
        try:
            embed.options, embed.places = read_options(body, line_number + 1)
        except EmbedError as error:
            embed.error = error
        placeholder = f"{token}n{len(result.embeds) + 1}x"
        result.embeds[placeholder] = embed
        pieces += [markdown[last:offset], f"{indent}{placeholder}"]
        last = end
        index = closing + 1
    pieces.append(markdown[last:])
    result.markdown = "".join(pieces)
    return result


class EmbedRenderer:
    """Turns one embed's options into Markdown (tables) or HTML (diagrams)."""

    def __init__(self, builder: PageBuilder, diagram_html: Callable[[str, str, str], str] | None = None,
                 source_links: bool = False):
        self.builder = builder
        self.project = builder.project
        self.diagram_html = diagram_html or (lambda persona_id, name, page_src: "")
        # Links as the engine will read them (see PageBuilder.fragment).
        self.source_links = source_links
        self.fragment = functools.partial(builder.fragment, source_links=source_links)

    # -- checks ---------------------------------------------------------------------------

    def _view(self, options: dict) -> str:
        view = options.get("show")
        if view is None:
            raise EmbedError(f"add `show:` with one of {_choices(VIEWS)}")
        if view not in VIEWS:
            raise EmbedError(f"unknown view `{short(view)}`{_nearest(view, VIEWS)}; use one of"
                             f" {_choices(VIEWS)}", "show")
        allowed, persona_required = VIEWS[view]
        for key in options:
            if key != "show" and key not in allowed:
                raise EmbedError(
                    f"`{view}` takes no option `{short(key)}`{_nearest(key, allowed)}; it takes"
                    f" {_choices(allowed)}", key)
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
            raise EmbedError(f"unknown persona `{short(persona_id)}`{_nearest(persona_id, ids)};"
                             f" personas: {_choices(ids)}", "persona")
        return loaded

    def _filter(self, rows: list[dict], options: dict, key: str, value_of: Callable[[dict], str | None]) -> list[dict]:
        wanted = options.get(key)
        if wanted is None:
            return rows
        known = {value_of(r) for r in rows if value_of(r)}
        kept = [r for r in rows if value_of(r) == str(wanted)]
        if not kept:
            raise EmbedError(f"no item has {key} `{short(wanted)}`{_nearest(wanted, known)}; {key}s in"
                             f" use: {_choices(known)}", key)
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
                raise EmbedError(f"unknown stage `{short(stage_id)}`{scope}{_nearest(stage_id, stages)};"
                                 f" stages: {_choices(stages)}", "stage")
            rows = [r for r in rows if r["stage"].id == str(stage_id)]
        return rows

    # -- views ----------------------------------------------------------------------------

    def render(self, embed: Embed | dict, page_src: str) -> tuple[str, str]:
        """("markdown" | "html", content) for one embed (or its options) on the page at
        `page_src`; raises EmbedError for a block that names what is not there."""
        if isinstance(embed, Embed):
            if embed.error is not None:
                raise embed.error
            options = embed.options
        else:
            options = embed
        view = self._view(options)
        builder = self.builder
        if view == "emotion":
            return "html", str(builder.emotion_curve(self._persona(options), page_src))
        if view == "journey":
            loaded = self._persona(options)
            html = self.diagram_html(loaded.id, view, page_src)
            if not html:
                raise EmbedError(f"no {view} diagram for `{loaded.id}`: diagrams are off or Graphviz is missing",
                                 "show")
            return "html", html
        if view == "canvas":
            loaded = self._persona(options)
            return "html", str(builder.canvas(loaded, page_src, source_links=self.source_links))
        if view == "glance":
            loaded = self._persona(options)
            return "markdown", self.fragment(page_src, "glance_table", m=loaded.map, pid=loaded.id,
                                               top_pain=builder.top_pain(loaded))
        if view == "touchpoints":
            rows = self._scope(builder.touchpoint_rows(), options)
            rows = self._filter(rows, options, "channel", lambda r: r["touchpoint"].channel)
            rows = self._filter(rows, options, "owner", lambda r: r["touchpoint"].owner)
            if "persona" in options and "stage" in options and len(options) == 3:
                return "markdown", self.fragment(page_src, "stage_touchpoints",
                                                    touchpoints=[r["touchpoint"] for r in rows])
            return "markdown", self.fragment(page_src, "touchpoint_rows", rows=rows)
        if view == "pain-points":
            rows = self._scope(builder.item_rows("pain_points"), options)
            severity = options.get("severity")
            if severity is not None and severity not in ("low", "medium", "high"):
                raise EmbedError(f"severity `{short(severity)}` is not `low`, `medium` or `high`"
                                 f"{_nearest(severity, ['low', 'medium', 'high'])}", "severity")
            rows = self._filter(rows, options, "severity", lambda r: r["item"].severity)
            rows.sort(key=lambda r: SEVERITY_ORDER[r["item"].severity])
            return "markdown", self.fragment(page_src, "pain_rows", rows=rows)
        if view in ("portfolio", "funnel", "evidence"):
            return getattr(self, f"_{view}")(options, page_src)
        rows = self._scope(builder.item_rows("opportunities"), options)
        rows = self._filter(rows, options, "owner", lambda r: r["item"].owner)
        rows = self._filter(rows, options, "status", lambda r: r["item"].status)
        return "markdown", self.fragment(page_src, "opportunity_rows", rows=rows)

    def _portfolio(self, options: dict, page_src: str) -> tuple[str, str]:
        """The matrix, the ranking and the unaddressed pain points of the chosen scope."""
        builder = self.builder
        rows = self._scope(builder.item_rows("opportunities"), options)
        rows = self._filter(rows, options, "owner", lambda r: r["item"].owner)
        rows = self._filter(rows, options, "status", lambda r: r["item"].status)
        chosen = {id(r["item"]) for r in rows}
        # Pain points have no owner or status: only the persona and the stage choose them.
        pains = {id(r["item"]) for r in self._scope(builder.item_rows("pain_points"), options)}
        parts = builder.portfolio_parts(
            page_src, keep=lambda placed: id(placed.item) in (chosen if placed.kind == "opportunity" else pains))
        return "markdown", self.fragment(page_src, "portfolio_view", template="_insights.j2",
                                            level=3, **parts)

    def _funnel(self, options: dict, page_src: str) -> tuple[str, str]:
        loaded = self._persona(options)
        chart = self.builder.funnel(loaded, page_src)
        if not chart:
            raise EmbedError(f"`{loaded.id}` has no metric with `funnel: true`; mark the metrics"
                             " of its funnel in the map")
        return "html", str(chart)

    def _evidence(self, options: dict, page_src: str) -> tuple[str, str]:
        """Each source with what cites it, within the chosen persona, stage and kind."""
        kinds = get_args(EvidenceKind)
        kind = options.get("kind")
        if kind is not None and kind not in kinds:
            raise EmbedError(f"kind `{short(kind)}` is not one of {_choices(kinds)}{_nearest(kind, kinds)}",
                             "kind")
        rows = evidence_rows(self.builder.links, self.project.research)
        if not rows:
            raise EmbedError("there is no evidence: describe your sources in maps/_research.yml")
        rows = [(ev, cites) for ev, cites in rows if kind is None or ev.kind == kind]
        if "persona" in options or "stage" in options:
            scope = self._scope([dict(map=c.map, stage=c.stage, cite=c) for _, cites in rows
                                 for c in cites], options)
            kept = {id(r["cite"]) for r in scope}
            rows = [(ev, [c for c in cites if id(c) in kept]) for ev, cites in rows]
            rows = [(ev, cites) for ev, cites in rows if cites]
        if not rows:
            raise EmbedError("no evidence is cited there; remove a filter or cite sources in the map")
        return "markdown", self.fragment(page_src, "evidence_sources", template="_insights.j2",
                                                 rows=rows, level=3)


def notice(message: str, title: str = "cjm block", kind: str = "cjm-embed-error") -> str:
    """What a broken embed shows in the page, so the writer sees it too."""
    return (
        f'<div class="admonition warning {kind}"><p class="admonition-title">{escape(title)}</p>'
        f"<p>{escape(message)}</p></div>"
    )
