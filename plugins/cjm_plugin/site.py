"""Everything a site needs from the maps, independent of the site engine.

Used by the MkDocs plugin and by `cjm generate` (plain files for other engines).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import overview
from .assets import SCRIPT, STYLESHEET
from .catalog import Project, code_version, gc_paused
from .diagnostics import Diagnostic
from .governance import collect as collect_governance
from .labels import ENGLISH, Labels
from .load import LoadedMap
from .diagrams import Renderer, RenderRequest, html_block, journey_dot
from .pages import GeneratedPage, PageBuilder, PageOptions
from .progress import Progress
from .store import STORE_FORMAT, FileStore, StoredFile
from .text import escape
from .urls import SitePaths, md_link, url_link


@dataclass(frozen=True)
class Asset:
    src: str
    content: str | bytes


@dataclass
class SiteOptions:
    pages: PageOptions = field(default_factory=PageOptions)
    diagrams: bool = True
    on_missing_dot: str = "warn"
    dot_timeout: float = 30.0
    render_jobs: int | None = None
    cache_dir: Path = Path(".cache/plugin/cjm")
    dot_executable: str = "dot"
    # Commits the "What changed" page reads (with a rules file; 0 leaves the page out).
    history_commits: int = 30
    git_executable: str = "git"


@dataclass(frozen=True)
class Diagram:
    """A rendered diagram whose links are still tokens (see `_LINK`), so one SVG serves
    the page it belongs to and any hand-written page that embeds it."""

    persona_id: str  # "" for the site-wide ones on the journeys index
    name: str  # journey (the emotion charts are SVG: emotion_charts.py)
    dot: str
    svg: str | None
    error: str | None
    download: str  # src of the .dot file offered next to it


@dataclass
class SiteBuild:
    project: Project
    pages: list[GeneratedPage] = field(default_factory=list)
    assets: list[Asset] = field(default_factory=list)
    messages: list[Diagnostic] = field(default_factory=list)  # from rendering, not loading
    fatal: str | None = None  # a reason to stop the build (dot missing with on_missing_dot=fail)
    dot_runs: int = 0
    diagrams_reused: int = 0  # found in the SVG cache
    pages_made: int = 0  # generated (not reused from the store) in this build
    progress: Progress | None = field(default=None, repr=False)
    builder: PageBuilder | None = None  # for embeds in hand-written pages
    diagrams: dict[tuple[str, str], Diagram] = field(default_factory=dict)
    diagram_notice: str | None = None  # shown where diagrams would be, when there are none
    paths: SitePaths = field(default_factory=SitePaths)
    use_directory_urls: bool = True
    # With a `FileStore`, every page and asset is a file in it (instead of `pages` and
    # `assets`), in the same order.
    files: list[StoredFile] = field(default_factory=list)
    # Draws a diagram that was not needed for the generated pages (an embed asks for it).
    draw: Callable[[str, str], Diagram | None] | None = field(default=None, repr=False)

    def diagram_for_page(self, persona_id: str, name: str, page_src: str, source_links: bool = False) -> str:
        """A persona's diagram as HTML for any page, its links relative to that page (the
        download link relative to its Markdown file with `source_links`: PageBuilder.fragment)."""
        diagram = self.diagrams.get((persona_id, name))
        if diagram is None and self.draw is not None:
            diagram = self.draw(persona_id, name)
        if diagram is None:
            return self.diagram_notice_html() if self.diagram_notice else ""
        labels = self._labels(persona_id)
        if diagram.svg is None:
            return _notice(labels("diagram.failed", error=diagram.error))
        # A diagram links to a few pages from many shapes: work out each URL once.
        urls: dict[tuple[str, str, str], str] = {}

        def link(match: re.Match) -> str:
            target = match.group(1, 2, 3)
            if target not in urls:
                urls[target] = self._resolve(match, page_src)
            return f'href="{urls[target]}"'

        svg = _LINK.sub(link, diagram.svg)
        download = md_link(page_src, diagram.download) if source_links else \
            url_link(page_src, diagram.download, self.use_directory_urls)
        # "Full size" is a <details> toggle: the diagram fits the column without a script.
        return (
            # Out of the search index: an SVG's text is node names and stage titles again.
            '<div class="cjm-diagram" data-search-exclude>\n<details class="cjm-diagram-size"><summary>'
            f'<span class="cjm-size-full">{escape(labels["diagram.show_full_size"])}</span>'
            f'<span class="cjm-size-fit">{escape(labels["diagram.fit_to_width"])}</span>'
            f'</summary></details>\n{html_block(svg, _prefix(persona_id, name)).rstrip()}\n'
            f'<p class="cjm-diagram-links"><a href="{escape(download)}" download>'
            f'{escape(labels["diagram.dot_source"])}</a> {escape(labels["diagram.dot_source_note"])}</p>\n</div>\n'
        )

    def _labels(self, persona_id: str) -> Labels:
        """The words around a persona's diagram (its map's language) or a site-wide one."""
        if self.builder is None:
            return ENGLISH
        return self.builder.labels_for(self.project.by_id(persona_id) if persona_id else None)

    def summary(self) -> str:
        """One line for the end of a long build: what was read, made and drawn."""
        pages = sum(1 for f in self.files if f.src.endswith(".md")) if self.files else len(self.pages)
        return (f"cjm: {len(self.project.maps)} map(s), {pages} page(s) ({self.pages_made} made again),"
                f" {self.dot_runs} diagram(s) drawn, {self.diagrams_reused} from the cache")

    def diagram_notice_html(self) -> str:
        return _notice(self.diagram_notice or "")

    def _resolve(self, match: re.Match, page_src: str) -> str:
        """The URL a link token stands for, relative to the page at `page_src`."""
        kind, persona_id, stage_id = match.group(1, 2, 3)
        if kind == "persona":
            target = self.paths.persona(persona_id)
        elif kind == "shared":
            target = self.paths.shared_stage(stage_id)
        else:
            target = self.paths.stage(persona_id, stage_id)
        return url_link(page_src, target, self.use_directory_urls)


# Links inside diagrams are written as tokens and resolved for the page that shows them.
# `href` and `xlink:href` both end in `href="cjm:`: a pattern that starts with that literal
# scans the 27 MB of SVG of a 200-persona site five times faster than one with `(xlink:)?`.
_LINK = re.compile(r'href="cjm:(stage|persona|shared)/([^/"]*)/([^/"]*)"')


def _prefix(persona_id: str, name: str) -> str:
    return f"cjm-{persona_id or 'site'}-{name}-"


def _notice(text: str) -> str:
    return f'<p class="cjm-notice cjm-diagram-missing">{escape(text)}</p>\n'


def _stage_token(persona_id: str, stage_id: str) -> str:
    return f"cjm:stage/{persona_id}/{stage_id}"


def _diagram_sources(project: Project, maps: list[LoadedMap] | None = None,
                     labels: Callable[[LoadedMap | None], Labels] = lambda loaded: ENGLISH,
                     progress: Progress | None = None) -> list[tuple[str, str, str]]:
    """(persona id, diagram name, DOT) in a stable order: the journey of each of `maps`
    (default: all), in its map's language. The emotion charts and the index heatmap need no
    `dot` (emotion_charts.py)."""
    channels = {c.id: c.label for c in project.vocabulary.channels} if project.vocabulary else {}
    sources: list[tuple[str, str, str]] = []
    maps = project.maps if maps is None else maps
    step = progress.step("writing diagrams", len(maps)) if progress and len(maps) > 1 else None
    for loaded in maps:
        stage = lambda sid, pid=loaded.id: _stage_token(pid, sid)  # noqa: E731
        sources.append((loaded.id, "journey", journey_dot(loaded, stage, channels, labels(loaded))))
        if step is not None:
            step.advance()
    if step is not None:
        step.close()
    return sources


def _renderer(site: SiteBuild, options: SiteOptions) -> Renderer | None:
    """The renderer, or None (with the notice or the fatal message set) when `dot` is missing."""
    renderer = Renderer(options.cache_dir, timeout=options.dot_timeout, jobs=options.render_jobs,
                        executable=options.dot_executable)
    version, message = renderer.version()  # memoised: a warm build starts no `dot -V`
    if version is not None:
        return renderer
    if options.on_missing_dot == "fail":
        site.fatal = f"cjm: {message}"
        return None
    site.diagram_notice = f"Diagrams are not shown: {message}"
    site.messages.append(Diagnostic("mkdocs.yml", 1, 1, f"cjm: {message}", "warning"))
    return None


# The diagrams generated pages show are drawn with them.
_PAGE_DIAGRAMS = frozenset({"journey"})


def _download_src(paths: SitePaths, persona_id: str, name: str) -> str:
    return paths.diagram_source(persona_id, name) if persona_id else paths.overview_source(name)


def _draw_for_pages(site: SiteBuild, renderer: Renderer, sources: list[tuple[str, str, str]]) -> list[Asset]:
    """Draw the page diagrams of `sources`; returns the `.dot` downloads of all of them."""
    drawn = [source for source in sources if source[1] in _PAGE_DIAGRAMS]
    assets = _render_diagrams(site, renderer, drawn)
    return assets + [Asset(_download_src(site.paths, pid, name), dot)
                     for pid, name, dot in sources if name not in _PAGE_DIAGRAMS]


def _render_diagrams(site: SiteBuild, renderer: Renderer, sources: list[tuple[str, str, str]]) -> list[Asset]:
    """Draw `sources` into `site.diagrams` (several at once); returns their `.dot` downloads."""
    step = site.progress.step("drawing diagrams", len(sources)) if site.progress else None
    results = renderer.render_all(
        (RenderRequest(f"{pid}/{name}", dot, id_prefix=_prefix(pid, name))
         for pid, name, dot in sources), step)
    if step is not None:
        step.close()
    site.diagrams_reused += sum(1 for result in results.values() if result.cached)
    assets = []
    for pid, name, dot in sources:
        result = results[f"{pid}/{name}"]
        download = _download_src(site.paths, pid, name)
        site.diagrams[(pid, name)] = Diagram(pid, name, dot, result.svg, result.error, download)
        assets.append(Asset(download, dot))
        if result.error:
            # A persona's diagram is its map's problem; the site-wide charts are the site's.
            loaded = site.project.by_id(pid)
            file = loaded.source.display if loaded else "mkdocs.yml"
            site.messages.append(Diagnostic(file, 1, 1, f"the {name} diagram could not be drawn: {result.error}"))
    site.dot_runs = renderer.runs
    return assets


def build_site(project: Project, options: SiteOptions, problems: list[Diagnostic] | None = None,
               store: FileStore | None = None, progress: Progress | None = None) -> SiteBuild:
    """Every generated page and asset of the site.

    With a `store`, they are files in it and `SiteBuild.files` lists them: a group of pages
    whose inputs did not change since the last build is not generated again, and a file is
    rewritten only when its bytes change, so MkDocs' `--dirty` skips it (see FileStore).
    `progress` reports diagrams drawn and pages made when that takes long."""
    site = SiteBuild(project, paths=options.pages.paths,
                     use_directory_urls=options.pages.use_directory_urls, progress=progress)
    site.builder = PageBuilder(project, options.pages, {}, problems)
    site.builder.diagrams = _PageDiagrams(site)
    # Map health and the recent changes, with a rules file only (git runs only then).
    site.builder.governance = collect_governance(project, options.cache_dir, options.history_commits,
                                                     options.git_executable)
    renderer = _renderer(site, options) if options.diagrams else None
    if site.fatal:
        return site
    if store is not None:
        with gc_paused():  # many long-lived strings and no cycles: see catalog.gc_paused
            _build_into_store(site, options, renderer, store, problems or [])
        return site
    if renderer is not None:
        site.assets += _draw_for_pages(site, renderer, _diagram_sources(project, labels=site.builder.labels_for,
                                                                        progress=progress))
    step = progress.step("making pages", len(project.maps) + 1) if progress else None
    site.pages = site.builder.build(step.advance if step else None)
    if step is not None:
        step.close()
    site.pages_made = len(site.pages)
    site.assets += [Asset(options.pages.paths.stylesheet, STYLESHEET),
                    Asset(options.pages.paths.script, SCRIPT)]
    return site


def embed_site(project: Project, options: SiteOptions, problems: list[Diagnostic] | None = None) -> SiteBuild:
    """What the embeds in hand-written pages need, and nothing more: the page builder, and
    diagrams drawn when a block asks for one (through the same disk cache as the generated
    pages, so a diagram `cjm generate` drew is not drawn again). For engines that build the
    generated pages from files (`cjm generate`) and run only the Markdown extension."""
    site = SiteBuild(project, paths=options.pages.paths,
                     use_directory_urls=options.pages.use_directory_urls)
    site.builder = PageBuilder(project, options.pages, {}, problems)
    site.builder.diagrams = _PageDiagrams(site)
    renderer = _renderer(site, options) if options.diagrams else None
    site.draw = _drawer(site, renderer)
    return site


def _drawer(site: SiteBuild, renderer: Renderer | None) -> Callable[[str, str], Diagram | None]:
    """Draws one diagram on demand (an embed asks for one the pages did not need)."""
    project = site.project

    def draw(pid: str, name: str) -> Diagram | None:
        loaded = project.by_id(pid) if pid else None
        if renderer is None or (pid and loaded is None):
            return None
        sources = _diagram_sources(project, [loaded] if loaded else [], labels=site.builder.labels_for)
        _render_diagrams(site, renderer, [s for s in sources if s[1] == name])
        return site.diagrams.get((pid, name))

    return draw


def _key(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode("utf-8")).hexdigest()


def _build_into_store(site: SiteBuild, options: SiteOptions, renderer: Renderer | None,
                      store: FileStore, problems: list[Diagnostic]) -> None:
    project, builder, paths = site.project, site.builder, site.paths
    shared = builder.shared_stage_ids()
    names = builder.stage_names
    # Everything besides the maps that a generated page shows or depends on.
    common = _key(
        STORE_FORMAT, code_version(), options.pages.paths.prefix, options.pages.use_directory_urls,
        options.pages.allow_html, options.pages.tags, options.pages.full_width, options.pages.raw_links,
        options.diagrams,
        renderer.version()[0] if renderer else None, site.diagram_notice,
        project.vocabulary.model_dump_json() if project.vocabulary else None,
        # Evidence titles, kinds and dates appear wherever an item cites them.
        project.research.research.model_dump_json() if project.research else None,
        builder.order, names, builder.channel_names, shared,
        # With a rules file, every map page has a health line and the index links to more.
        builder.governance is not None, builder.governance is not None and builder.governance.changes is not None,
        # The words of the site's language, a team's own included (labels.py).
        sorted(builder.labels.items()),
    )
    governance = builder.governance

    site.draw = _drawer(site, renderer)
    # (group, key, its map or None, what makes its pages, whose diagrams it shows or None)
    groups: list[tuple[str, str, LoadedMap | None, Callable[[], list[GeneratedPage]], str | None]] = []
    # A map's pages also show the items of other maps linked to its own (`addresses`).
    # A persona page also overlays the curve of the map it is compared with (`compares_to`).
    compared = overview.variants(project.maps)
    map_keys = [_key(common, m.id, m.map.model_dump_json(), [str(p) for p in builder._problems_for(m)],
                     builder.links.external_key(m.id),
                     sorted(builder.labels_for(m).items()) if getattr(m.map, "lang", None) else None,
                     [(v.id, v.map.persona.name, v.map.state, [(s.id, s.name, s.emotion, s.feeling)
                                                               for s in v.map.stages])
                      for v in compared[m.id]])
                for m in project.maps]
    # The health line of a map's persona page: its owner, review, findings and last commit.
    health_keys = [_key(key, governance.health(m.id).key()) if governance else key
                   for m, key in zip(project.maps, map_keys)]

    def shown(part: Callable[[LoadedMap], object]) -> str:
        """The key of a page across maps that shows `part` of each map."""
        return _key(common, [(m.id, m.map.persona.name, part(m)) for m in project.maps])

    # Each page across maps is keyed by the part of the maps it shows, so that an edit
    # regenerates only the pages that show it: rewording a stage leaves the touchpoint
    # inventory and the backlog (the two largest pages) alone. tests/test_incremental.py
    # edits every field of a map and compares with pages made from scratch.
    groups += [
        ("site/index", _key(common, map_keys, [str(p) for p in problems]), None, lambda: [builder.index_page()], ""),
        ("site/touchpoints", shown(lambda m: [(s.id, s.name, [(t.name, t.channel, t.owner, t.emotion)
                                                              for t in s.touchpoints]) for s in m.map.stages]),
         None, lambda: [builder.touchpoints_page()], None),
        ("site/backlog", shown(lambda m: [(s.id, s.name, [p.model_dump(mode="json") for p in s.pain_points],
                                           [o.model_dump(mode="json") for o in s.opportunities])
                                          for s in m.map.stages]),
         None, lambda: [builder.backlog_page()], None),
        ("site/stages", shown(lambda m: [s.id for s in m.map.stages]), None,
         lambda: [builder.stages_index_page(shared)], None),
        # Both show pain points and opportunities with their links, scores and evidence, and
        # the evidence page the stages and metrics that cite a source.
        ("site/portfolio", shown(lambda m: [(s.id, s.name, [p.model_dump(mode="json") for p in s.pain_points],
                                             [o.model_dump(mode="json") for o in s.opportunities])
                                            for s in m.map.stages]),
         None, lambda: [builder.portfolio_page()], None),
        ("site/evidence", shown(lambda m: [(s.id, s.name, s.emotion, s.feeling, s.evidence, s.confidence,
                                            [p.model_dump(mode="json") for p in s.pain_points],
                                            [x.model_dump(mode="json") for x in s.metrics])
                                           for s in m.map.stages]),
         None, lambda: [builder.evidence_page()], None),
    ]
    if governance is not None:
        # The health page shows every map's health and the rules; "What changed" the commits.
        groups.append(("site/health", _key(common, governance.health_key()), None,
                       lambda: [builder.health_page()], None))
        if governance.changes is not None:
            groups.append(("site/changes", _key(common, governance.changes_page_key()), None,
                           lambda: [builder.changes_page()], None))
    for sid in shared:
        groups.append((f"site/stage/{sid}", shown(lambda m, sid=sid: [s.model_dump_json() for s in m.map.stages
                                                                       if s.id == sid]),
                       None, lambda sid=sid: [builder.shared_stage_page(sid)], None))
    for loaded, key in zip(project.maps, health_keys):
        groups.append((f"map/{loaded.id}", key, loaded,
                       lambda loaded=loaded: builder.map_pages(loaded, shared), loaded.id))

    reused = {group: store.reuse(group, key) for group, key, *_ in groups}
    stale = [(loaded, owner) for group, _, loaded, _, owner in groups if reused[group] is None]
    if renderer is not None and project.maps and any(owner is not None for _, owner in stale):
        # One batch, so that `dot` runs in parallel across every map that changed.
        maps = [loaded for loaded, owner in stale if loaded is not None]
        diagram_sources = _diagram_sources(project, maps, labels=builder.labels_for, progress=site.progress)
        site.assets = _draw_for_pages(site, renderer, diagram_sources)
    downloads = {asset.src: asset.content for asset in site.assets}
    pages: list[StoredFile] = []
    assets: list[StoredFile] = []
    step = site.progress.step("making pages", len(stale)) if site.progress and stale else None
    for group, key, loaded, make, owner in groups:
        files = reused[group]
        if files is None:
            if step is not None:
                step.advance()
            generated: dict[str, str | bytes] = {page.src: page.content for page in make()}
            site.pages_made += sum(1 for src in generated if src.endswith(".md"))
            kinds = _DIAGRAM_NAMES[bool(owner)] if owner is not None else ()
            drawn = [site.diagrams[(owner, kind)] for kind in kinds if (owner, kind) in site.diagrams]
            generated.update((src, downloads[src]) for src in (_download_src(paths, owner, kind) for kind in kinds)
                             if src in downloads)
            # A diagram that failed (a `dot` that timed out) is tried again next build.
            store.put(group, None if any(d.error for d in drawn) else key, generated)
            files = list(generated)
        for src in files:
            (pages if src.endswith(".md") else assets).append(StoredFile(src, store.path(src), loaded))
    if step is not None:
        step.close()
    # The pages hold what they need: draw again only on demand (an embed), and keep no copy.
    site.diagrams.clear()
    site.assets = []
    for src, content in ((paths.stylesheet, STYLESHEET), (paths.script, SCRIPT)):
        store.put(src, None, {src: content})
        assets.append(StoredFile(src, store.path(src)))
    store.save()
    site.files = pages + assets


_DIAGRAM_NAMES: dict[bool, tuple[str, ...]] = {False: (), True: ("journey",)}


class _PageDiagrams:
    """What generated pages ask for: `diagram(persona id, name)` on their own page."""

    def __init__(self, site: SiteBuild):
        self.site = site

    def get(self, key: tuple[str, str], default: str = "", page_src: str | None = None) -> str:
        persona_id, name = key
        if (persona_id, name) not in self.site.diagrams and not self.site.diagram_notice:
            return default
        src = page_src or (self.site.paths.persona(persona_id) if persona_id else self.site.paths.index)
        return self.site.diagram_for_page(persona_id, name, src)
