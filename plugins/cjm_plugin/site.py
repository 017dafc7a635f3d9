"""Everything a site needs from the maps, independent of the site engine.

Used by the MkDocs plugin and by `cjm generate` (plain files for other engines).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .assets import SCRIPT, STYLESHEET
from .catalog import Project
from .diagnostics import Diagnostic
from .diagrams import (Renderer, RenderRequest, emotion_comparison_dot, emotion_curve_dot,
                       html_block, journey_dot, overview_dot)
from .pages import GeneratedPage, PageBuilder, PageOptions, stage_order
from .text import escape
from .urls import SitePaths, url_link


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


@dataclass(frozen=True)
class Diagram:
    """A rendered diagram whose links are still tokens (see `_LINK`), so one SVG serves
    the page it belongs to and any hand-written page that embeds it."""

    persona_id: str  # "" for the site-wide ones on the journeys index
    name: str  # journey | emotion | overview | emotions
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
    builder: PageBuilder | None = None  # for embeds in hand-written pages
    diagrams: dict[tuple[str, str], Diagram] = field(default_factory=dict)
    diagram_notice: str | None = None  # shown where diagrams would be, when there are none
    paths: SitePaths = field(default_factory=SitePaths)
    use_directory_urls: bool = True

    def diagram_for_page(self, persona_id: str, name: str, page_src: str) -> str:
        """A persona's diagram as HTML for any page, its links relative to that page."""
        diagram = self.diagrams.get((persona_id, name))
        if diagram is None:
            return self.diagram_notice_html() if self.diagram_notice else ""
        if diagram.svg is None:
            return _notice(f"This diagram could not be drawn: {diagram.error}")
        svg = _LINK.sub(lambda m: self._resolve(m, page_src), diagram.svg)
        download = url_link(page_src, diagram.download, self.use_directory_urls)
        return (
            f'<div class="cjm-diagram">\n{html_block(svg, _prefix(persona_id, name)).rstrip()}\n'
            f'<p class="cjm-diagram-links"><a href="{escape(download)}" download>DOT source</a>'
            " (edit with any Graphviz tool)</p>\n</div>\n"
        )

    def diagram_notice_html(self) -> str:
        return _notice(self.diagram_notice or "")

    def _resolve(self, match: re.Match, page_src: str) -> str:
        kind, persona_id, stage_id = match.group(2), match.group(3), match.group(4)
        if kind == "persona":
            target = self.paths.persona(persona_id)
        elif kind == "shared":
            target = self.paths.shared_stage(stage_id)
        else:
            target = self.paths.stage(persona_id, stage_id)
        return f'{match.group(1)}="{url_link(page_src, target, self.use_directory_urls)}"'


# Links inside diagrams are written as tokens and resolved for the page that shows them.
_LINK = re.compile(r'((?:xlink:)?href)="cjm:(stage|persona|shared)/([^/"]*)/([^/"]*)"')


def _prefix(persona_id: str, name: str) -> str:
    return f"cjm-{persona_id or 'site'}-{name}-"


def _notice(text: str) -> str:
    return f'<p class="cjm-notice cjm-diagram-missing">{escape(text)}</p>\n'


def _stage_token(persona_id: str, stage_id: str) -> str:
    return f"cjm:stage/{persona_id}/{stage_id}"


def _diagram_sources(project: Project, names: dict[str, str]) -> list[tuple[str, str, str]]:
    """(persona id, diagram name, DOT) for every diagram of the site, in a stable order."""
    sources: list[tuple[str, str, str]] = []
    order = stage_order(project)
    shared = {sid for sid in order if sum(1 for m in project.maps for s in m.map.stages if s.id == sid) >= 2}
    if project.maps:
        persona = lambda pid: f"cjm:persona/{pid}/"  # noqa: E731 - small URL callbacks
        column = lambda sid: f"cjm:shared//{sid}" if sid in shared else None  # noqa: E731
        sources.append(("", "overview", overview_dot(project.maps, order, _stage_token, names,
                                                      persona_url=persona, stage_url=column)))
        sources.append(("", "emotions", emotion_comparison_dot(project.maps, _stage_token, order, names,
                                                               persona_url=persona)))
    for loaded in project.maps:
        stage = lambda sid, pid=loaded.id: _stage_token(pid, sid)  # noqa: E731
        sources.append((loaded.id, "journey", journey_dot(loaded, stage)))
        sources.append((loaded.id, "emotion", emotion_curve_dot(loaded, stage)))
    return sources


def _render_diagrams(site: SiteBuild, options: SiteOptions, names: dict[str, str]) -> None:
    renderer = Renderer(options.cache_dir, timeout=options.dot_timeout, jobs=options.render_jobs,
                        executable=options.dot_executable)
    version, message = renderer.version()  # memoised: a warm build starts no `dot -V`
    sources = _diagram_sources(site.project, names)
    if version is None:
        if options.on_missing_dot == "fail":
            site.fatal = f"cjm: {message}"
            return
        site.diagram_notice = f"Diagrams are not shown: {message}"
        site.messages.append(Diagnostic("mkdocs.yml", 1, 1, f"cjm: {message}", "warning"))
        return
    results = renderer.render_all(
        RenderRequest(f"{pid}/{name}", dot, id_prefix=_prefix(pid, name)) for pid, name, dot in sources
    )
    for pid, name, dot in sources:
        result = results[f"{pid}/{name}"]
        download = site.paths.diagram_source(pid, name) if pid else site.paths.overview_source(name)
        site.diagrams[(pid, name)] = Diagram(pid, name, dot, result.svg, result.error, download)
        site.assets.append(Asset(download, dot))
        if result.error:
            # A persona's diagram is its map's problem; the site-wide charts are the site's.
            loaded = site.project.by_id(pid)
            file = loaded.source.display if loaded else "mkdocs.yml"
            site.messages.append(Diagnostic(file, 1, 1, f"the {name} diagram could not be drawn: {result.error}"))
    site.dot_runs = renderer.runs


def build_site(project: Project, options: SiteOptions, problems: list[Diagnostic] | None = None) -> SiteBuild:
    site = SiteBuild(project, paths=options.pages.paths,
                     use_directory_urls=options.pages.use_directory_urls)
    site.builder = PageBuilder(project, options.pages, {}, problems)
    if options.diagrams:
        _render_diagrams(site, options, site.builder.stage_names)
    site.builder.diagrams = _PageDiagrams(site)
    site.pages = site.builder.build()
    site.assets += [Asset(options.pages.paths.stylesheet, STYLESHEET),
                    Asset(options.pages.paths.script, SCRIPT)]
    return site


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
