"""Project -> generated Markdown pages (Jinja2 templates in `templates/`).

Plain Markdown + inline SVG with relative `.md` links, so the output builds
with MkDocs and the cjm plugin, or without it (`cjm generate`).
"""

from __future__ import annotations

import html
import json
import posixpath
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping

import jinja2
from markupsafe import Markup

from . import insight_pages, metrics, portfolio
from .catalog import Project
from .diagnostics import Diagnostic
from .links import LinkIndex, Placed, confidence
from .load import LoadedMap
from .model import EMOTION_WORDS, SEVERITY_ORDER, Stage, WrittenNumber, plain_number
from .rawblocks import mark
from .slugs import slugify
from .svgchart import chart_block
from .text import MarkdownRenderer, escape, escape_url
from .urls import SitePaths, md_link, url_link


@dataclass(frozen=True)
class GeneratedPage:
    src: str  # path under docs_dir, as MkDocs' src_uri
    content: str
    source: LoadedMap | None = None  # the map whose YAML the "edit" link opens


@dataclass
class PageOptions:
    paths: SitePaths = field(default_factory=SitePaths)
    use_directory_urls: bool = True
    allow_html: bool = False
    tags: bool = False
    # Persona pages use the whole window for the canvas: no navigation or table of contents.
    full_width: bool = True


# Opportunity statuses in the order a backlog reads; others follow alphabetically.
STATUS_ORDER = ("in progress", "planned", "idea", "done")

# Diagram fragments by (persona id or "", diagram name); missing ones are skipped.
Diagrams = Mapping[tuple[str, str], str]


def format_number(value: float | None) -> str:
    """A number as the map writes it (`20.50`, `1234567.5`, `12345678901234567890`); `%g`
    rounded to six digits and switched to exponents. Others: every digit, no exponent."""
    if value is None:
        return ""
    if isinstance(value, WrittenNumber):
        return value.text
    return plain_number(float(value))


def format_measure(value: float | None, unit: str | None) -> str:
    """`20%`, `4.5 minutes`: symbols stick to the number, words get a space."""
    if value is None:
        return ""
    number = format_number(value)
    if not unit:
        return number
    return f"{number}{unit}" if not unit[0].isalnum() else f"{number} {unit}"


def format_emotion(value: int | None, confidence: str | None = None) -> Markup:
    """An emotion with its colour dot; with a `confidence`, the dot is solid when observed
    and a dashed ring when assumed (insight_assets.py)."""
    if value is None:
        return Markup('<span class="cjm-emotion cjm-emotion-none">–</span>')
    sign = "+" if value > 0 else ""
    if confidence is None:
        return Markup(
            f'<span class="cjm-emotion cjm-emotion-{value + 2}" title="{EMOTION_WORDS[value]}">'
            f"{sign}{value} {EMOTION_WORDS[value]}</span>"
        )
    return Markup(
        f'<span class="cjm-emotion cjm-emotion-{value + 2} cjm-emotion-{confidence}"'
        f' title="{EMOTION_WORDS[value]}, {insight_pages.LABELS["confidence_" + confidence]}">'
        f"{sign}{value} {EMOTION_WORDS[value]}</span>"
    )


def average(values: Iterable[int | None]) -> float | None:
    known = [v for v in values if v is not None]
    return round(sum(known) / len(known), 1) if known else None


def stage_order(project: Project) -> list[str]:
    """Stage ids across maps: the vocabulary's order, else a stable merge of the maps' orders."""
    if project.vocabulary and project.vocabulary.stages:
        shared = [s.id for s in project.vocabulary.stages]
        extra = [s.id for m in project.maps for s in m.map.stages if s.id not in shared]
        return shared + list(dict.fromkeys(extra))
    order: list[str] = []
    for loaded in project.maps:
        previous = None
        for stage in loaded.map.stages:
            if stage.id not in order:
                order.insert(order.index(previous) + 1 if previous else len(order), stage.id)
            previous = stage.id
    return order


def _stage_names(project: Project) -> dict[str, str]:
    names = {s.id: s.name for s in project.vocabulary.stages} if project.vocabulary else {}
    for loaded in project.maps:
        for stage in loaded.map.stages:
            names.setdefault(stage.id, stage.name)
    return names


class _CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates, kept for the life of the process (Jinja checks each against its
    source). `mkdocs serve` makes a PageBuilder on every rebuild: compiling the templates
    again was a tenth of a dirty rebuild at 200 maps (bench/README.md)."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _CompiledTemplates()  # only PageBuilder's environment uses it: one set of settings


class PageBuilder:
    """Renders every generated page of a project."""

    def __init__(self, project: Project, options: PageOptions, diagrams: Diagrams | None = None,
                 problems: list[Diagnostic] | None = None):
        self.project = project
        self.options = options
        self.paths = options.paths
        self.diagrams = diagrams or {}
        self.problems = problems or []
        self.markdown = MarkdownRenderer(allow_html=options.allow_html)
        self._links: dict[tuple[str, str], Markup] = {}
        self.order = stage_order(project)
        self.stage_names = _stage_names(project)
        self.channel_names = (
            {c.id: c.label for c in project.vocabulary.channels} if project.vocabulary else {}
        )
        self.links = LinkIndex(project.maps, project.research)
        # The words of the evidence, link, metric and portfolio views, for templates.
        self.labels = {**insight_pages.LABELS, **metrics.LABELS, **portfolio.LABELS}
        self.env = jinja2.Environment(
            loader=jinja2.PackageLoader("cjm_plugin", "templates"),
            bytecode_cache=_COMPILED,
            # `finalize` escapes for Markdown + HTML; autoescape makes macros return Markup.
            autoescape=True,
            finalize=lambda value: value if isinstance(value, Markup) else Markup(escape(value)),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.filters.update(
            md=lambda text: Markup(self.markdown.block(text)),
            mdi=lambda text: Markup(self.markdown.inline(text)),
            href=lambda url: Markup(escape_url(url)),
            # Tags go into front matter, and Material's tags plugin prints them as HTML: escape
            # for HTML, then quote for YAML (ensure_ascii=False: an emoji must not become a
            # surrogate pair, which YAML loaders reject).
            yaml_text=lambda text: Markup(json.dumps(html.escape(str(text)), ensure_ascii=False)),
            number=format_number,
            measure=format_measure,
            emotion=format_emotion,
            metric_status=metrics.status,
            gap=metrics.format_gap,
            # Finished HTML (canvas, diagrams) that an adapter may keep away from Markdown.
            raw=lambda html: Markup(mark(str(html))),
        )

    # -- helpers given to templates -------------------------------------------------------

    def _context(self, src: str, **values) -> dict:
        folder = posixpath.dirname(src)

        def link(to_src: str) -> Markup:
            # posixpath.relpath is slow and the cross-persona pages link thousands of times
            # to the same pages: remember each (folder, target) pair once per build.
            found = self._links.get((folder, to_src))
            if found is None:
                found = self._links[(folder, to_src)] = Markup(md_link(src, to_src))
            return found

        def url(to_src: str) -> Markup:
            return Markup(url_link(src, to_src, self.options.use_directory_urls))

        def diagram(persona_id: str, name: str) -> Markup:
            return Markup(self.diagrams.get((persona_id, name), ""))

        return dict(
            values, paths=self.paths, link=link, url=url, diagram=diagram,
            stage_name=lambda sid: self.stage_names.get(sid, sid),
            channel_name=lambda cid: self.channel_names.get(cid, cid) if cid else "",
            options=self.options,
            links=self.links, L=self.labels, confidence=confidence, anchor=insight_pages.anchor,
            item_src=self.item_src, filter_data=lambda placed: Markup(self.filter_data(placed)),
        )

    def item_src(self, placed: Placed) -> tuple[str, str]:
        """(the page of an item, its anchor there or ""): pain points and opportunities with
        an id have a row anchor on their stage page."""
        anchor = insight_pages.anchor(placed.kind, placed.item.id) \
            if placed.kind in ("pain", "opportunity") else ""
        return self.paths.stage(placed.map.id, placed.stage.id), anchor

    def _render(self, template: str, src: str, source: LoadedMap | None = None, **values) -> GeneratedPage:
        content = self.env.get_template(template).render(self._context(src, **values))
        return GeneratedPage(src, content, source)

    def fragment(self, page_src: str, macro: str, template: str = "_tables.j2", source_links: bool = False,
                 **values) -> str:
        """One table of `_tables.j2` (or a view of `template`) for a hand-written page at
        `page_src` (see embeds.py).

        It goes into the page as raw HTML, whose links MkDocs leaves alone: they are final
        URLs. Zensical reads every `href` in raw HTML as relative to the Markdown file and
        rewrites (and checks) `.md` ones: `source_links` keeps them as `.md` links for it.
        """
        context = self._context(page_src, **values)
        if not source_links:
            context["link"] = context["url"]
        module = self.env.get_template(template).make_module(context)
        return str(getattr(module, macro)(**values))

    def top_pain(self, loaded: LoadedMap) -> dict[str, object]:
        """The most severe pain point of each stage (the first one among equals)."""
        return {
            s.id: min(s.pain_points, key=lambda p: SEVERITY_ORDER[p.severity]) if s.pain_points else None
            for s in loaded.map.stages
        }

    def item_rows(self, kind: str) -> list[dict]:
        """Every pain point or opportunity (`kind` is the stage field) with its map and stage."""
        return [dict(map=loaded, stage=stage, item=item)
                for loaded in self.project.maps for stage in loaded.map.stages
                for item in getattr(stage, kind)]

    # -- views across maps ----------------------------------------------------------------

    def shared_stage_ids(self) -> list[str]:
        """Stage ids used by at least two maps: each gets a page across personas."""
        counts: dict[str, int] = {}
        for loaded in self.project.maps:
            for stage in loaded.map.stages:
                counts[stage.id] = counts.get(stage.id, 0) + 1
        return [sid for sid in self.order if counts.get(sid, 0) >= 2]

    def touchpoint_rows(self) -> list[dict]:
        rows = []
        for loaded in self.project.maps:
            for stage in loaded.map.stages:
                for touchpoint in stage.touchpoints:
                    rows.append(dict(map=loaded, stage=stage, touchpoint=touchpoint))
        return rows

    def backlog_groups(self) -> tuple[list[tuple[str, list[dict]]], list[tuple[str, list[dict]]]]:
        """Pain points by severity and opportunities by status, each in map and stage order."""
        pains: dict[str | None, list[dict]] = {}
        opportunities: dict[str | None, list[dict]] = {}
        for row in self.item_rows("pain_points"):
            pains.setdefault(row["item"].severity, []).append(row)
        for row in self.item_rows("opportunities"):
            opportunities.setdefault(row["item"].status, []).append(row)
        pain_groups = [
            ((severity or "severity not set").capitalize(), pains[severity])
            for severity in sorted(pains, key=SEVERITY_ORDER.__getitem__)
        ]
        known = {status: rank for rank, status in enumerate(STATUS_ORDER)}
        opportunity_groups = [
            ((status or "status not set").capitalize(), opportunities[status])
            for status in sorted(opportunities, key=lambda s: (
                s is None, known.get((s or "").lower(), len(known)), (s or "").lower()))
        ]
        return pain_groups, opportunity_groups

    # -- pages ----------------------------------------------------------------------------

    def build(self, advance: Callable[[], None] | None = None) -> list[GeneratedPage]:
        """Every page; `advance` is called after the pages across maps, then after each map's
        pages (progress: 1 + the number of maps)."""
        shared = self.shared_stage_ids()
        pages = self.site_pages(shared)
        if advance is not None:
            advance()
        for loaded in self.project.maps:
            pages += self.map_pages(loaded, shared)
            if advance is not None:
                advance()
        return pages

    def site_pages(self, shared: list[str]) -> list[GeneratedPage]:
        """The pages across maps: index, touchpoints, backlog, portfolio, evidence and the
        shared stages."""
        pages = [self.index_page(), self.touchpoints_page(), self.backlog_page(),
                 self.portfolio_page(), self.evidence_page(), self.stages_index_page(shared)]
        pages += [self.shared_stage_page(sid) for sid in shared]
        return pages

    def stages_index_page(self, shared: list[str]) -> GeneratedPage:
        return self._render("stages_index.md.j2", self.paths.stages_index, shared=shared,
                            maps=self.project.maps)

    def map_pages(self, loaded: LoadedMap, shared: list[str]) -> list[GeneratedPage]:
        """The pages of one map: its persona page and a page per stage.

        They depend on that map, `shared`, the vocabulary, the options and the map's own
        problems and diagrams only (site.py reuses them while those stay the same)."""
        pages = [self.persona_page(loaded, shared)]
        stages = loaded.map.stages
        for index, stage in enumerate(stages):
            pages.append(self.stage_page(
                loaded, stage,
                previous=stages[index - 1] if index > 0 else None,
                following=stages[index + 1] if index + 1 < len(stages) else None,
                shared=stage.id in shared,
            ))
        return pages

    def index_page(self) -> GeneratedPage:
        rows = []
        for loaded in self.project.maps:
            stages = loaded.map.stages
            rows.append(dict(
                map=loaded,
                touchpoints=sum(len(s.touchpoints) for s in stages),
                average=average(s.emotion for s in stages),
                by_stage={s.id: s for s in stages},
            ))
        return self._render("index.md.j2", self.paths.index, rows=rows, order=self.order,
                            shared=self.shared_stage_ids(), problems=self.problems)

    def canvas(self, loaded: LoadedMap, page_src: str, page: bool = False, source_links: bool = False) -> Markup:
        """The journey canvas of `loaded`, its stage links relative to the page at `page_src`
        (as `.md` links with `source_links`: see `fragment`)."""
        from .canvas import render_canvas  # here: canvas.py formats numbers with this module

        def stage_url(stage_id: str) -> str:
            target = self.paths.stage(loaded.id, stage_id)
            if source_links:
                return md_link(page_src, target)
            return url_link(page_src, target, self.options.use_directory_urls)

        return Markup(render_canvas(loaded, self.markdown, self.channel_names, stage_url,
                                    page=page, wide=page and self.options.full_width))

    def persona_page(self, loaded: LoadedMap, shared: list[str]) -> GeneratedPage:
        src = self.paths.persona(loaded.id)
        return self._render("persona.md.j2", src, loaded, m=loaded.map,
                            pid=loaded.id, canvas=self.canvas(loaded, src, page=True),
                            problems=self._problems_for(loaded),
                            funnel=self.funnel(loaded, src),
                            metric_rows=[(s, metric) for s in loaded.map.stages for metric in s.metrics])

    def funnel(self, loaded: LoadedMap, page_src: str) -> Markup:
        """The persona's funnel chart for the page at `page_src` ("" without funnel metrics)."""
        svg = metrics.funnel_svg(
            loaded.map.persona.name, loaded.map.stages,
            lambda sid: escape(url_link(page_src, self.paths.stage(loaded.id, sid),
                                        self.options.use_directory_urls)),
            id_prefix=f"cjm-{loaded.id}-funnel-")
        if not svg:
            return Markup("")
        units = {m.unit or "" for _, m in metrics.funnel_metrics(loaded.map.stages)}
        note = f'<p class="cjm-chart-note">{escape(self.labels["funnel_per_unit"])}</p>\n' \
            if len(units) > 1 else ""
        return Markup(chart_block(svg, "cjm-funnel", self.labels["funnel_heading"]) + note)

    def stage_page(self, loaded: LoadedMap, stage: Stage, previous: Stage | None,
                   following: Stage | None, shared: bool) -> GeneratedPage:
        src = self.paths.stage(loaded.id, stage.id)
        lanes = [(lane, stage.lanes.get(lane.id, [])) for lane in loaded.map.lanes]
        tags = sorted({self.channel_names.get(t.channel, t.channel) for t in stage.touchpoints if t.channel}
                      | {t.owner for t in stage.touchpoints if t.owner}) if self.options.tags else []
        return self._render("stage.md.j2", src, loaded, m=loaded.map, pid=loaded.id, stage=stage,
                            previous=previous, following=following, shared=shared,
                            lanes=[(lane, items) for lane, items in lanes if items], tags=tags,
                            uses_links=self.links.uses_links(loaded.id),
                            metric_rows=[(stage, metric) for metric in stage.metrics])

    def shared_stage_page(self, stage_id: str) -> GeneratedPage:
        entries = [(m, s) for m in self.project.maps for s in m.map.stages if s.id == stage_id]
        vocabulary_stage = next(
            (s for s in self.project.vocabulary.stages if s.id == stage_id), None
        ) if self.project.vocabulary else None
        return self._render("shared_stage.md.j2", self.paths.shared_stage(stage_id),
                            stage_id=stage_id, entries=entries, shared_info=vocabulary_stage)

    def touchpoints_page(self) -> GeneratedPage:
        rows = self.touchpoint_rows()
        channels = sorted({r["touchpoint"].channel or "" for r in rows},
                          key=lambda c: (c == "", self.channel_names.get(c, c).lower()))
        matrix = {(c, sid): 0 for c in channels for sid in self.order}
        totals = {c: sum(1 for r in rows if (r["touchpoint"].channel or "") == c) for c in channels}
        stage_maps: dict[str, list[LoadedMap]] = {}
        for row in rows:
            matrix[(row["touchpoint"].channel or "", row["stage"].id)] += 1
        for loaded in self.project.maps:
            for stage in loaded.map.stages:
                stage_maps.setdefault(stage.id, []).append(loaded)
        return self._render("touchpoints.md.j2", self.paths.touchpoints, rows=rows, channels=channels,
                            order=self.order, matrix=matrix, totals=totals, stage_maps=stage_maps,
                            shared=self.shared_stage_ids())

    def backlog_page(self) -> GeneratedPage:
        pain_groups, opportunity_groups = self.backlog_groups()
        return self._render("backlog.md.j2", self.paths.backlog, pain_groups=pain_groups,
                            opportunity_groups=opportunity_groups)

    def portfolio_page(self) -> GeneratedPage:
        src = self.paths.portfolio
        return self._render("portfolio.md.j2", src, **self.portfolio_parts(src))

    def portfolio_parts(self, page_src: str, keep=lambda placed: True) -> dict:
        """The matrix, the ranking and the unaddressed pain points, for the page at `page_src`
        (the portfolio page or an embed); `keep` filters the opportunities and pain points."""
        ranked, unscored = portfolio.rank(self.links)
        ranked = [r for r in ranked if keep(r.placed)]
        unscored = [p for p in unscored if keep(p)]

        def href(placed: Placed) -> str:
            target, anchor = self.item_src(placed)
            url = url_link(page_src, target, self.options.use_directory_urls)
            return escape(f"{url}#{anchor}" if anchor else url)

        svg = portfolio.matrix_svg(ranked, href, self.filter_data,
                                   id_prefix=f"cjm-matrix-{slugify(page_src)}-")
        matrix = chart_block(svg, "cjm-matrix", self.labels["matrix_heading"]) if ranked else ""
        return dict(ranked=ranked, unscored=unscored, matrix=Markup(matrix),
                    unaddressed=[p for p in portfolio.unaddressed(self.links) if keep(p)])

    @staticmethod
    def filter_data(placed: Placed) -> str:
        """`data-` attributes that the portfolio's filters (insight_assets.py) read."""
        values = {"persona": placed.map.id, "persona-name": placed.map.map.persona.name}
        if placed.kind == "opportunity":
            values.update(owner=placed.item.owner or "", status=placed.item.status or "")
        return " ".join(f'data-cjm-{key}="{escape(value)}"' for key, value in values.items())

    def evidence_page(self) -> GeneratedPage:
        observed, assumed = insight_pages.pain_confidence(self.links)
        return self._render("evidence.md.j2", self.paths.evidence,
                            rows=insight_pages.evidence_rows(self.links, self.project.research),
                            observed=observed, assumed=assumed)

    def _problems_for(self, loaded: LoadedMap) -> list[Diagnostic]:
        return [p for p in self.problems if p.file == loaded.source.display]


def build_pages(project: Project, options: PageOptions, diagrams: Diagrams | None = None,
                problems: list[Diagnostic] | None = None) -> list[GeneratedPage]:
    return PageBuilder(project, options, diagrams, problems).build()
