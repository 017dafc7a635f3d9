"""Project -> generated Markdown pages (Jinja2 templates in `templates/`).

Plain Markdown + inline SVG with relative `.md` links, so the output builds
with MkDocs and the cjm plugin, or without it (`cjm generate`).
"""

from __future__ import annotations

import html
import json
import posixpath
import re
import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Mapping

import jinja2
from markupsafe import Markup

from . import insight_pages, metrics, overview, portfolio
from .diffreport import describe
from .governance import PER_COMMIT, PER_MAP
from .labels import ENGLISH, Labels, Section, load_labels
from .catalog import Project
from .diagnostics import Diagnostic
from .links import LinkIndex, Placed, confidence
from .load import LoadedMap
from .model import SEVERITY_ORDER, Stage, WrittenNumber, plain_number
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
    # The language of the built-in words (Material's `theme.language` code; a map's `lang:`
    # overrides it for its pages) and a team's folder of label files (labels.py).
    language: str | None = None
    labels_dir: Path | None = None
    # Whether the engine leaves links in raw HTML as written, so that a page that is not an
    # index may use them: MkDocs and ProperDocs do (the plugin says so), Zensical reads them
    # relative to the Markdown file, and `cjm generate` serves both. The touchpoint inventory
    # is then one HTML table kept away from Markdown (see _tables.j2).
    raw_links: bool = False


# Opportunity statuses in the order a backlog reads; others follow alphabetically.
STATUS_ORDER = ("in progress", "planned", "idea", "done")

# Material's search ranks a page's sections by `search.boost` (front matter). A touchpoint,
# pain point or opportunity is defined on its stage page and repeated on the pages across
# personas (inventory, backlog, shared stages ...), which hold many more words and so
# outscored it: searching an item's exact text must find the page that defines it first.
SEARCH_BOOST = {
    "stage.md.j2": 3,
    "index.md.j2": 0.3, "touchpoints.md.j2": 0.3, "backlog.md.j2": 0.3, "portfolio.md.j2": 0.3,
    "evidence.md.j2": 0.3, "stages_index.md.j2": 0.3, "shared_stage.md.j2": 0.3,
}


def with_search_boost(content: str, boost: float | None) -> str:
    """`content` with `search: boost:` in its front matter (added when it has none)."""
    if boost is None:
        return content
    entry = f"search:\n  boost: {boost:g}\n"
    if content.startswith("---\n"):
        return "---\n" + entry + content[4:]
    return f"---\n{entry}---\n\n{content}"

# The index overlays the emotion curves of this many personas at most: more are a tangle.
COMPARED_PERSONAS = 8

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


def format_emotion(value: int | None, confidence: str | None = None,
                   labels: Mapping[str, str] = ENGLISH) -> Markup:
    """An emotion with its colour dot; with a `confidence`, the dot is solid when observed
    and a dashed ring when assumed (insight_assets.py)."""
    if value is None:
        return Markup('<span class="cjm-emotion cjm-emotion-none">–</span>')
    sign = "+" if value > 0 else ""
    word = escape(labels[f"emotion.{value}"])
    if confidence is None:
        return Markup(
            f'<span class="cjm-emotion cjm-emotion-{value + 2}" title="{word}">'
            f"{sign}{value} {word}</span>"
        )
    return Markup(
        f'<span class="cjm-emotion cjm-emotion-{value + 2} cjm-emotion-{confidence}"'
        f' title="{word}, {escape(labels["confidence_" + confidence])}">'
        f"{sign}{value} {word}</span>"
    )


def fill(label: str, **values: object) -> Markup:
    """`label` with its `{name}` fields filled in, escaped for a page: the label's own text
    and plain values are escaped, Markup values (a link) are kept."""
    parts = []
    for text, name, spec, _ in string.Formatter().parse(label):
        parts.append(escape(text))
        if name is not None:
            value = values[name]
            parts.append(str(value) if isinstance(value, Markup) else escape(format(value, spec or "")))
    return Markup("".join(parts))


def status_word(status: str | None, labels: Mapping[str, str] = ENGLISH) -> str:
    """A known opportunity status in the page's language; any other as the map writes it."""
    if not status:
        return ""
    return labels.get("status." + " ".join(str(status).lower().split()), status)


def group_title(value: str | None, kind: str, labels: Mapping[str, str] = ENGLISH) -> str:
    """A backlog group's title (`kind`: severity or status): cjm's own words (`planned`,
    `high`, none set) in the page's language, capitalised; a team's own status exactly as the
    map writes it."""
    if value and value not in STATUS_ORDER and value not in SEVERITY_ORDER:
        return value
    if kind == "severity":
        text = labels.get(f"severity.{value}", value) if value else labels["severity.none"]
    else:
        text = status_word(value, labels) if value else labels["backlog.no_status"]
    return text[:1].upper() + text[1:]


def link_name(url: str, limit: int = 48) -> str:
    """A link named by its target: `jira.example.com/browse/CX-12`, not "link"."""
    name = re.sub(r"^[a-z][a-z0-9+.-]*://(www\.)?", "", str(url).strip(), flags=re.I).rstrip("/")
    name = name or str(url)
    return name if len(name) <= limit else name[:limit - 1] + "…"


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
        self._urls: dict[tuple[str, str], Markup] = {}
        self.order = stage_order(project)
        self.stage_names = _stage_names(project)
        self.channel_names = (
            {c.id: c.label for c in project.vocabulary.channels} if project.vocabulary else {}
        )
        self.links = LinkIndex(project.maps, project.research)
        # Map health and recent changes (governance.py): None without a rules file.
        self.governance = None
        # Every built-in word, in the site's language (a map may choose its own: labels_for).
        self.labels = load_labels(options.language, options.labels_dir)
        self._map_labels: dict[str, Labels] = {}
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
            # The emotion words of the page's language (`L` of the template rendering it).
            emotion=jinja2.pass_context(
                lambda context, value, confidence=None: format_emotion(value, confidence, context["L"])),
            severity_word=jinja2.pass_context(
                lambda context, value: context["L"].get(f"severity.{value}", value) if value else ""),
            status_word=jinja2.pass_context(lambda context, value: status_word(value, context["L"])),
            link_name=link_name,
            metric_status=metrics.status,
            gap=metrics.format_gap,
            # A commit's changes, per persona in the order they come.
            groupby_persona=lambda changes: [
                (pid, [c for c in changes if c.persona == pid])
                for pid in dict.fromkeys(c.persona for c in changes)],
            # Finished HTML (canvas, diagrams) that an adapter may keep away from Markdown.
            raw=lambda html: Markup(mark(str(html))),
        )
        # `Lf("key", name=value)`: a label of the page's language with its `{name}` fields
        # filled in (Markup values, such as a link, stay as they are).
        # The site's words also for macros imported without context (a page's own `L` wins).
        self.env.globals["L"] = self.labels
        self.env.globals["Lf"] = jinja2.pass_context(
            lambda context, key, **values: fill(context["L"][key], **values))

    # -- helpers given to templates -------------------------------------------------------

    def labels_for(self, loaded: LoadedMap | None) -> Labels:
        """The words of a map's pages: its `lang:`, else the site's language."""
        lang = getattr(loaded.map, "lang", None) if loaded is not None else None
        if not lang:
            return self.labels
        found = self._map_labels.get(lang)
        if found is None:
            found = self._map_labels[lang] = load_labels(lang, self.options.labels_dir)
        return found

    def _context(self, src: str, labels: Labels | None = None, **values) -> dict:
        folder = posixpath.dirname(src)

        def link(to_src: str) -> Markup:
            # posixpath.relpath is slow and the cross-persona pages link thousands of times
            # to the same pages: remember each (folder, target) pair once per build.
            found = self._links.get((folder, to_src))
            if found is None:
                found = self._links[(folder, to_src)] = Markup(md_link(src, to_src))
            return found

        def url(to_src: str) -> Markup:
            # Remembered like `link`: the inventory links 2 × every touchpoint of every map.
            found = self._urls.get((src, to_src))
            if found is None:
                found = self._urls[(src, to_src)] = Markup(
                    url_link(src, to_src, self.options.use_directory_urls))
            return found

        def diagram(persona_id: str, name: str) -> Markup:
            return Markup(self.diagrams.get((persona_id, name), ""))

        labels = labels or self.labels
        return dict(
            values, paths=self.paths, link=link, url=url, diagram=diagram,
            stage_name=lambda sid: self.stage_names.get(sid, sid),
            channel_name=lambda cid: self.channel_names.get(cid, cid) if cid else "",
            options=self.options,
            links=self.links, L=labels, confidence=confidence, anchor=insight_pages.anchor,
            item_src=self.item_src, filter_data=lambda placed: Markup(self.filter_data(placed)),
            gov=self.governance, G=Section(labels, "gov."),  # the governance words
            health=lambda pid: self.governance.health(pid) if self.governance else None,
            describe=lambda change: Markup(describe(change, text=escape, labels=labels)),
        )

    def item_src(self, placed: Placed) -> tuple[str, str]:
        """(the page of an item, its anchor there or ""): pain points and opportunities with
        an id have a row anchor on their stage page."""
        anchor = insight_pages.anchor(placed.kind, placed.item.id) \
            if placed.kind in ("pain", "opportunity") else ""
        return self.paths.stage(placed.map.id, placed.stage.id), anchor

    def _render(self, template: str, src: str, source: LoadedMap | None = None, **values) -> GeneratedPage:
        """A page; the pages of one map (`source`) speak its language."""
        labels = self.labels_for(source) if source is not None else None
        content = self.env.get_template(template).render(self._context(src, labels, **values))
        return GeneratedPage(src, with_search_boost(content, SEARCH_BOOST.get(template)), source)

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
            (group_title(severity, "severity", self.labels), pains[severity])
            for severity in sorted(pains, key=SEVERITY_ORDER.__getitem__)
        ]
        known = {status: rank for rank, status in enumerate(STATUS_ORDER)}
        opportunity_groups = [
            (group_title(status, "status", self.labels), opportunities[status])
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
        if self.governance is not None:
            pages.append(self.health_page())
            if self.governance.changes is not None:
                pages.append(self.changes_page())
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
        from . import emotion_charts  # here: it imports canvas.py, which imports this module

        src = self.paths.index
        groups = [[self._index_row(loaded) for loaded in group]
                  for group in overview.groups(self.project.maps)]
        maps = [row["map"] for group in groups for row in group]
        shared = self.shared_stage_ids()
        columns = [emotion_charts.Column(sid, self.stage_names.get(sid, sid),
                                         self._url(src, self.paths.shared_stage(sid)) if sid in shared else "")
                   for sid in self.order]
        heat_rows = [emotion_charts.HeatRow(
            m.id, m.map.persona.name, self._url(src, self.paths.persona(m.id)),
            {s.id: s for s in m.map.stages},
            lambda sid, pid=m.id: self._url(src, self.paths.stage(pid, sid))) for m in maps]
        words = self.labels
        heatmap = emotion_charts.heatmap_svg(heat_rows, columns, words["index.heatmap_title"],
                                             id_prefix="cjm-index-heatmap-", labels=words) if maps else ""
        compared = maps[:COMPARED_PERSONAS]
        series = [self._series(m, src, style=n) for n, m in enumerate(compared)]
        curve = emotion_charts.curve_svg(emotion_charts.CurveChart(
            words["diagram.emotions_title"],
            [c for c in columns if any(c.id in s.stages for s in series)], series,
            id_prefix="cjm-index-curve-", labels=words)) if len(compared) > 1 else ""
        return self._render("index.md.j2", src, groups=groups, order=self.order,
                            problems=self.problems, heatmap=Markup(heatmap),
                            curve=Markup(curve), curve_legend=Markup(emotion_charts.series_legend(series)),
                            emotion_legend=Markup(emotion_charts.emotion_legend(words)),
                            all_compared=len(compared) == len(maps), compared_count=len(compared),
                            persona_count=len(maps))

    def _url(self, page_src: str, target: str, anchor: str = "") -> str:
        """A link from the page at `page_src` for finished HTML (SVG, raw blocks)."""
        url = url_link(page_src, target, self.options.use_directory_urls)
        return escape(f"{url}#{anchor}" if anchor else url)

    def _index_row(self, loaded: LoadedMap) -> dict:
        from .emotion_charts import sparkline_svg

        stages = loaded.map.stages
        return dict(
            map=loaded, variant_of=loaded.map.compares_to,
            summary=overview.first_sentence(loaded.map.persona.summary),
            touchpoints=sum(len(s.touchpoints) for s in stages),
            average=average(s.emotion for s in stages),
            sparkline=Markup(sparkline_svg(stages, loaded.map.persona.name, self.labels)),
        )

    def _series(self, loaded: LoadedMap, page_src: str, style: int):
        from .emotion_charts import Series

        return Series(loaded.id, loaded.map.persona.name, {s.id: s for s in loaded.map.stages},
                      lambda sid: self._url(page_src, self.paths.stage(loaded.id, sid)), style,
                      persona_href=self._url(page_src, self.paths.persona(loaded.id)))

    def emotion_curve(self, loaded: LoadedMap, page_src: str) -> Markup:
        """One persona's emotion curve (the `emotion` embed), points in their emotion's colour."""
        from . import emotion_charts

        series = self._series(loaded, page_src, style=0)
        columns = [emotion_charts.Column(s.id, s.name, series.href(s.id)) for s in loaded.map.stages]
        words = self.labels_for(loaded)
        title = words("diagram.emotion_title", persona=loaded.map.persona.name)
        svg = emotion_charts.curve_svg(emotion_charts.CurveChart(
            title, columns, [series],
            id_prefix=f"cjm-{loaded.id}-curve-{slugify(page_src)}-", colour_by_emotion=True, labels=words))
        return Markup(chart_block(svg, "cjm-emotion-chart", title))

    def comparisons(self, loaded: LoadedMap, page_src: str) -> list[dict]:
        """The maps `loaded` is compared with (`compares_to`, both ways), each with the two
        emotion curves overlaid and the stages whose emotion changed."""
        from . import emotion_charts

        found = []
        words = self.labels_for(loaded)
        for other in overview.variants(self.project.maps).get(loaded.id, []):
            base, variant = (other, loaded) if loaded.map.compares_to == other.id else (loaded, other)
            changes = overview.changed_stages(base, variant)
            changed = {c.stage_id: c.note for c in changes}
            pair = [base, variant]
            series = [self._series(m, page_src, style=1 if m is base else 0) for m in pair]
            for one, m in zip(series, pair):
                if m.map.state not in one.name.lower():  # "Online shopper (future state)" says it
                    one.name = f"{one.name} ({words.get('state.' + m.map.state, m.map.state + ' state')})"
            columns = [emotion_charts.Column(sid, self.stage_names.get(sid, sid), changed=changed.get(sid, ""))
                       for sid in overview.ordered_stage_ids(self.order, pair)]
            svg = emotion_charts.curve_svg(emotion_charts.CurveChart(
                words("chart.compare_title", base=base.map.persona.name, variant=variant.map.persona.name),
                columns, series, id_prefix=f"cjm-{loaded.id}-compare-{other.id}-", labels=words))
            found.append(dict(
                other=other, base=base, variant=variant, changes=changes,
                chart=Markup(chart_block(svg, "cjm-compare-chart", words["chart.compare_heading"])),
                legend=Markup(emotion_charts.series_legend(series)),
            ))
        return found

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
                                    labels=self.labels_for(loaded),
                                    page=page, wide=page and self.options.full_width))

    def persona_page(self, loaded: LoadedMap, shared: list[str]) -> GeneratedPage:
        src = self.paths.persona(loaded.id)
        return self._render("persona.md.j2", src, loaded, m=loaded.map,
                            pid=loaded.id, canvas=self.canvas(loaded, src, page=True),
                            problems=self._problems_for(loaded),
                            funnel=self.funnel(loaded, src), comparisons=self.comparisons(loaded, src),
                            metric_rows=[(s, metric) for s in loaded.map.stages for metric in s.metrics])

    def funnel(self, loaded: LoadedMap, page_src: str) -> Markup:
        """The persona's funnel chart for the page at `page_src` ("" without funnel metrics)."""
        svg = metrics.funnel_svg(
            loaded.map.persona.name, loaded.map.stages,
            lambda sid: escape(url_link(page_src, self.paths.stage(loaded.id, sid),
                                        self.options.use_directory_urls)),
            id_prefix=f"cjm-{loaded.id}-funnel-", labels=self.labels_for(loaded))
        if not svg:
            return Markup("")
        labels = self.labels_for(loaded)
        units = {m.unit or "" for _, m in metrics.funnel_metrics(loaded.map.stages)}
        note = f'<p class="cjm-chart-note">{escape(labels["funnel_per_unit"])}</p>\n' \
            if len(units) > 1 else ""
        return Markup(chart_block(svg, "cjm-funnel", labels["funnel_heading"]) + note)

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
                            stage_id=stage_id, entries=entries, shared_info=vocabulary_stage,
                            lanes_of=self.stage_lanes)

    @staticmethod
    def stage_lanes(loaded: LoadedMap, stage: Stage) -> list[tuple[object, list[str]]]:
        """The map's blueprint lanes that have something at `stage`, in the map's order."""
        return [(lane, stage.lanes[lane.id]) for lane in loaded.map.lanes if stage.lanes.get(lane.id)]

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
        rows = [r for _, group in pain_groups + opportunity_groups for r in group]
        return self._render("backlog.md.j2", self.paths.backlog, pain_groups=pain_groups,
                            opportunity_groups=opportunity_groups,
                            filter_options=Markup(escape(json.dumps(self.backlog_options(rows), ensure_ascii=False))),
                            row_data=lambda row: Markup(self.backlog_data(row)),
                            pain_count=sum(len(g) for _, g in pain_groups),
                            opportunity_count=sum(len(g) for _, g in opportunity_groups), order=self.order)

    def backlog_values(self, row: dict) -> dict[str, list[str]]:
        """What the backlog's filters match a row by. A pain point has an owner and a status
        through the opportunities that address it; an opportunity a severity through the
        pain points it addresses."""
        item = row["item"]
        if hasattr(item, "severity"):
            related = [o.item for o in self.links.addressed_by(item)]
            severity, owners, statuses = [item.severity or ""], [o.owner for o in related], [o.status for o in related]
        else:
            severity = [p.item.severity for p in self.links.addresses(item)]
            owners, statuses = [item.owner], [item.status or ""]
        return dict(persona=[row["map"].id], stage=[row["stage"].id],
                    owner=list(dict.fromkeys(o for o in owners if o)),
                    severity=list(dict.fromkeys(s for s in severity if s is not None)),
                    status=list(dict.fromkeys(s for s in statuses if s is not None)))

    def backlog_data(self, row: dict) -> str:
        """The row's `data-cjm-*` attributes (values joined by `|`)."""
        return " ".join(f'data-cjm-{key}="{escape("|".join(values))}"'
                        for key, values in self.backlog_values(row).items())

    def backlog_options(self, rows: list[dict]) -> dict[str, list[list[str]]]:
        """The choices of each filter, in reading order: [value, label] pairs."""
        seen: dict[str, dict[str, str]] = {k: {} for k in ("persona", "stage", "owner", "severity", "status")}
        for row in rows:
            for key, values in self.backlog_values(row).items():
                for value in values:
                    seen[key].setdefault(value, value)
        personas = {m.id: m.map.persona.name for m in self.project.maps}
        severity_rank = {"high": 0, "medium": 1, "low": 2, "": 3}
        status_rank = {status: n for n, status in enumerate(STATUS_ORDER)}
        order = {
            "persona": lambda v: personas.get(v, v).lower(),
            "stage": lambda v: (self.order.index(v) if v in self.order else len(self.order), v),
            "owner": str.lower,
            "severity": lambda v: severity_rank.get(v, 4),
            "status": lambda v: (v == "", status_rank.get(v.lower(), len(status_rank)), v.lower()),
        }
        label = {
            "persona": lambda v: personas.get(v, v), "stage": lambda v: self.stage_names.get(v, v),
            "severity": lambda v: group_title(v, "severity", self.labels),
            "status": lambda v: group_title(v, "status", self.labels),
        }
        return {key: [[v, label.get(key, str)(v)] for v in sorted(values, key=order[key])]
                for key, values in seen.items()}

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
                                   id_prefix=f"cjm-matrix-{slugify(page_src)}-", labels=self.labels)
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

    def health_page(self) -> GeneratedPage:
        return self._render("health.md.j2", self.paths.health)

    def changes_page(self) -> GeneratedPage:
        by_map: dict[str, list] = {}
        for entry in self.governance.changes or []:
            for change in entry.changes:
                by_map.setdefault(change.persona, []).append((entry, change))
        return self._render("changes.md.j2", self.paths.changes, by_map=by_map,
                            per_commit=PER_COMMIT, per_map=PER_MAP)

    def _problems_for(self, loaded: LoadedMap) -> list[Diagnostic]:
        return [p for p in self.problems if p.file == loaded.source.display]


def build_pages(project: Project, options: PageOptions, diagrams: Diagrams | None = None,
                problems: list[Diagnostic] | None = None) -> list[GeneratedPage]:
    return PageBuilder(project, options, diagrams, problems).build()
