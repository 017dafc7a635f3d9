"""The MkDocs adapter: the only module that imports MkDocs.

It turns MkDocs events into calls of the core (load, pages, diagrams) and
hands the results back as generated files and a navigation section.
"""

from __future__ import annotations

import functools
import html
import logging
import os
import posixpath
from dataclasses import replace
from urllib.parse import quote, urlsplit, urlunsplit
from pathlib import Path
from typing import Callable, Literal

import markdown
from markupsafe import Markup
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation, Section, _add_parent_links, _add_previous_and_next_links
from mkdocs.structure.pages import Page

from .catalog import Project, load_project
from .progress import Progress
from .diagnostics import Diagnostic, short, visible
from .embeds import EmbedError, EmbedRenderer, PageEmbeds, extract, notice
from .load import LoadedMap
from .yaml_source import Positions
from .pages import PageOptions
from .rawblocks import lift, restore
from .site import SiteBuild, SiteOptions, build_site
from .store import FileStore, StoreError, StoredFile
from .urls import SitePaths, prefix_problem

log = logging.getLogger("mkdocs.plugins.cjm")


class _Checked(c.Type):
    """A typed option with a check; a bad value is a MkDocs configuration error (`Config
    value 'plugins': ...`), never a traceback from deep inside a build."""

    def __init__(self, type_, check: Callable[[object], str | None], **kwargs):
        super().__init__(type_, **kwargs)
        self.check = check

    def run_validation(self, value: object):
        value = super().run_validation(value)
        problem = self.check(value)
        if problem:
            raise base.ValidationError(visible(f"{short(str(value), 80)!r}: {problem}"))
        return value


class CjmConfig(base.Config):
    # Where the maps are, relative to mkdocs.yml.
    maps_dir = c.Type(str, default="maps")
    # URL prefix of the generated section: a folder inside the docs (`prefix: ../x` raised
    # a ValueError traceback when the first page was written).
    prefix = _Checked(str, prefix_problem, default="journeys")
    # Broken map outside `mkdocs serve`: fail the build, or build the good maps with a notice.
    on_invalid_map = c.Choice(("fail", "warn"), default="fail")
    # Raw HTML in map text: escaped unless allowed.
    allow_html = c.Type(bool, default=False)
    # How much of the journeys section the navigation lists (see docs/configuration.md).
    nav = c.Choice(("auto", "full", "personas", "index"), default="auto")
    # Title of the navigation section.
    nav_title = c.Type(str, default="Journeys")
    # Channels and owners of a stage as page tags (for Material's tags plugin).
    tags = c.Type(bool, default=False)
    # Persona pages give the journey canvas the whole window: no navigation or table of
    # contents beside it (Material's `hide:` front matter). False keeps the site's layout.
    persona_full_width = c.Type(bool, default=True)
    # Graphviz diagrams.
    diagrams = c.Type(bool, default=True)
    on_missing_dot = c.Choice(("warn", "fail"), default="warn")
    dot_timeout = _Checked((int, float), lambda v: None if 0 < v <= 3600 else
                           "give the seconds one `dot` run may take, from 1 to 3600", default=30)
    render_jobs = c.Optional(_Checked(int, lambda v: None if 1 <= v <= 256 else
                                      "give how many `dot` runs at once, from 1 to 256"))
    cache_dir = c.Type(str, default=".cache/plugin/cjm")


# Above this many generated pages, `nav: auto` stops listing stage pages: Material renders
# the whole navigation into every page, so build time grows with pages × nav entries.
# Measured (bench/README.md): an entry inside a persona's sub-section costs each page about
# 0.2 ms, a flat persona entry about 0.04 ms, against ~55 ms for the rest of a page. At 150
# pages the full navigation made every page 50% slower; 60 keeps it near 20%, and 100 flat
# persona entries cost under 10%.
AUTO_NAV_FULL_LIMIT = 60
AUTO_NAV_PERSONAS_LIMIT = 100


def _guarded(fallback: Callable, site_wide: bool = True):
    """Run an event handler so that nothing in cjm ever stops `mkdocs serve`: MkDocs' dev
    server makes every request wait until a rebuild succeeds, so one bad map (a crash, a
    `PluginError`) left every page, unrelated ones too, hanging until the input was fixed.
    While serving, the error is logged and `fallback` gives the last good state (`site_wide`:
    every page says so; else only the page in question). In a build, a crash becomes a
    PluginError with a one-line message (`-v` shows the traceback)."""

    def wrap(handler: Callable) -> Callable:
        @functools.wraps(handler)
        def run(self: CjmPlugin, *args, **kwargs):
            try:
                return handler(self, *args, **kwargs)
            except PluginError as error:
                if self.command != "serve":
                    raise
                message = visible(str(error))
                self.failure = message if site_wide else self.failure
                log.error(f"{message}\ncjm: showing the last good pages until this is fixed")
            except Exception as error:  # noqa: BLE001 - see above
                log.debug("cjm: traceback of the error below", exc_info=True)
                message = (f"cjm: unexpected error while building ({type(error).__name__}:"
                           f" {short(str(error), 200)}); this is a bug in cjm: please report it with"
                           " the map or page that caused it (`mkdocs build -v` shows the details)")
                if self.command != "serve":
                    raise PluginError(message) from error
                self.failure = message if site_wide else self.failure
                log.error(f"{message}\ncjm: showing the last good pages until this is fixed")
            return fallback(self, *args, **kwargs)

        return run

    return wrap


def _unchanged(self, item, *args, **kwargs):
    return item


class CjmPlugin(BasePlugin[CjmConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.command: str = "build"
        self.site_options: SiteOptions | None = None
        self.failure: str | None = None  # why this rebuild shows the last good pages (serve)
        self.last_good: dict[str, LoadedMap] = {}  # by map file, for `mkdocs serve`
        self.site: SiteBuild | None = None
        self.generated: dict[str, StoredFile] = {}
        self.added: list[File] = []  # the files on_files added to this build
        self.page_embeds: dict[str, PageEmbeds] = {}
        self.raw_blocks: dict[str, dict[str, str]] = {}
        self.markdown: markdown.Markdown | None = None
        # The site of the last build that went well, shown while serving when one fails.
        self.good_site: SiteBuild | None = None

    # -- configuration --------------------------------------------------------------------

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        # Serve keeps the last good state of a map that breaks while someone types.
        self.command = command

    @_guarded(_unchanged)
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.page_embeds, self.raw_blocks, self.markdown = {}, {}, None  # `mkdocs serve` reuses the plugin
        self.site, self.site_options, self.failure = None, None, None
        root = Path(config.config_file_path or ".").resolve().parent
        self.root = root
        self.maps_dir = (root / self.config.maps_dir).resolve()
        # The configured cache folder may be a link (to a bigger disk); nothing below it is
        # followed (store.py).
        self.cache_dir = (root / self.config.cache_dir).resolve()
        self.paths = SitePaths(self.config.prefix.strip("/"))
        if self.paths.stylesheet not in config.extra_css:
            config.extra_css.append(self.paths.stylesheet)
        if self.paths.script not in config.extra_javascript:
            config.extra_javascript.append(self.paths.script)
        if not self.maps_dir.is_dir():
            kind = "is not a folder" if os.path.lexists(self.maps_dir) else "not found"
            raise PluginError(
                f"cjm: maps folder `{self.config.maps_dir}` {kind} next to mkdocs.yml;"
                " create it or set `maps_dir` under `plugins: - cjm:`"
            )
        self.site_options = SiteOptions(
            diagrams=self.config.diagrams,
            on_missing_dot=self.config.on_missing_dot,
            dot_timeout=float(self.config.dot_timeout),
            render_jobs=self.config.render_jobs,
            cache_dir=self.cache_dir,
            pages=PageOptions(
                paths=self.paths,
                use_directory_urls=config.use_directory_urls,
                allow_html=self.config.allow_html,
                tags=self.config.tags,
                full_width=self.config.persona_full_width,
            ),
        )
        return config

    # -- content --------------------------------------------------------------------------

    def _last_good_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        """While serving, after a failed rebuild: the generated pages of the last good one
        (their files are still in the cache), so that every page keeps answering."""
        for file in self.added:  # from the failed attempt, if it got that far
            if files.get_file_from_path(file.src_uri) is file:
                files.remove(file)
        self.site = self.good_site
        if self.site is not None:
            store = FileStore(self.cache_dir / "site") if self._store_readable() else None
            self._add_generated(files, config, lambda stored: store is not None and store.intact(stored.src))
        return files

    def _store_readable(self) -> bool:
        try:
            FileStore(self.cache_dir / "site")
            return True
        except StoreError:
            return False

    # Default priority: runs after plugins that add hand-written files (gen-files and the
    # like), so a hand-written page at a generated path is seen and reported.
    @_guarded(_last_good_files)
    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        self.site = None
        if self.site_options is None:  # on_config failed while serving, and said why
            raise PluginError("cjm: no maps could be read (see the error above)")
        # A long build (a cold one: hundreds of diagrams) says what it is doing every few
        # seconds and sums up at the end; a short one stays quiet (progress.py).
        progress = Progress(log.info)
        project = load_project([self.maps_dir], base=self.root, cache=self.cache_dir, top=self.maps_dir,
                               progress=progress)
        # Positions only place the messages, which exist by now; kept, they would stay in
        # memory through the whole build (a quarter of a 200-persona build's peak over the
        # same site without cjm: bench/README.md).
        project.maps = [replace(m, positions=Positions()) for m in project.maps]
        problems = self._report(project)
        # Generated files live in the cache folder and are rewritten only when they change,
        # so MkDocs reads them like hand-written pages and `--dirty` skips unchanged ones
        # (a file with in-memory content always counts as modified).
        try:
            site = build_site(project, self.site_options, problems,
                              store=FileStore(self.cache_dir / "site"), progress=progress)
        except StoreError as error:
            raise PluginError(str(error)) from None
        progress.summary(site.summary())
        site.progress = None  # an embed's diagram later in the build is no step of this
        for message in site.messages:
            (log.error if message.is_error else log.warning)(str(message))
        if site.fatal:
            raise PluginError(site.fatal)
        self.site = site
        self._add_generated(files, config)
        self.good_site = site
        return files

    def _add_generated(self, files: Files, config: MkDocsConfig,
                       usable: Callable[[StoredFile], bool] = lambda stored: True) -> None:
        """Add the generated files of `self.site`; a hand-written file at the URL of one
        (whatever its layout: `journeys.md`, `journeys/README.md`, `journeys/ann.md` with
        directory URLs) is kept and the clash reported, a warning `--strict` fails on."""
        self.generated, self.added = {}, []
        taken = {file.dest_uri: file for file in files if not file.inclusion.is_excluded()}
        for stored in self.site.files:
            if not usable(stored):
                continue
            page = stored.src.endswith(".md")
            generated = File.generated(config, stored.src, abs_src_path=str(stored.path),
                                       inclusion=InclusionLevel.NOT_IN_NAV if page else InclusionLevel.UNDEFINED)
            other = taken.get(generated.dest_uri)
            if other is not None:
                log.warning(
                    f"cjm: {visible(_docs_path(config, self.root, other))} is published at"
                    f" `{visible(generated.url or '/')}`, where cjm generates"
                    f" {visible(stored.src)}; the hand-written file is kept and the generated"
                    " one left out. Rename or move the hand-written file, or set `prefix`"
                    " under `plugins: - cjm:`")
                continue
            if page and stored.source is not None:
                relative = Path(os.path.relpath(stored.source.source.path, config.docs_dir)).as_posix()
                # Quoted: the edit button's link must stay one URL whatever the file name.
                generated.edit_uri = quote(relative, safe="/")
            files.append(generated)
            self.added.append(generated)
            taken[generated.dest_uri] = generated
            if page:
                self.generated[stored.src] = stored

    def _report(self, project: Project) -> list[Diagnostic]:
        """Log every message; keep the last good map of a broken file while serving."""
        errors = project.errors
        if errors and self.command != "serve" and self.config.on_invalid_map == "fail":
            raise PluginError(
                f"cjm: {len(errors)} error(s) in maps; fix them (`cjm validate` shows the same):\n"
                + "\n".join(str(d) for d in project.diagnostics)
            )
        for diagnostic in project.diagnostics:
            (log.error if diagnostic.is_error else log.warning)(str(diagnostic))
        if self.command == "serve":
            broken = {e.file for e in errors}
            current = {str(m.source.path): m for m in project.maps}
            for path, previous in self.last_good.items():
                if previous.source.display in broken and path not in current and \
                        project.by_id(previous.id) is None:
                    current[path] = previous
            self.last_good = current
            project.maps = sorted(current.values(), key=lambda m: m.id)
        return errors

    # -- navigation -----------------------------------------------------------------------

    # Default priority: Material's plugins read the final nav later, in on_page_context.
    @_guarded(_unchanged)
    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation:
        if self.site is None:
            return nav
        section = self._section(files)
        if section is None:
            return nav
        items = list(nav.items)
        placeholder = _find_page(items, self.paths.index)
        if placeholder is not None:  # hand-written nav: `- Journeys: journeys/index.md`
            parent, index = placeholder
            title = parent[index].title if parent[index].title else section.title
            section.title = title or self.config.nav_title
            parent[index] = section
        elif config.nav is None:
            items.append(section)
        else:
            return nav  # a hand-written nav without the journeys index: leave it alone
        pages = _pages(items)
        _add_previous_and_next_links(pages)
        _add_parent_links(items)
        return Navigation(items, pages)

    def _section(self, files: Files) -> Section | None:
        def page(src: str) -> Page | None:
            file = files.get_file_from_path(src)
            return file.page if file is not None else None

        index = page(self.paths.index)
        if index is None:
            return None
        mode = self._nav_mode()
        children: list = [index]
        if mode != "index":
            for loaded in self.site.project.maps:
                persona = page(self.paths.persona(loaded.id))
                if persona is None:
                    continue
                if mode == "full":
                    stages = [page(self.paths.stage(loaded.id, s.id)) for s in loaded.map.stages]
                    # Themes print section titles as HTML: the persona name must stay text.
                    title = html.escape(loaded.map.persona.name)
                    children.append(Section(title, [persona] + [p for p in stages if p]))
                else:
                    children.append(persona)
        across = [page(self.paths.stages_index), page(self.paths.touchpoints), page(self.paths.backlog),
                  page(self.paths.portfolio), page(self.paths.evidence)]
        children.append(Section("Across personas", [p for p in across if p]))
        return Section(self.config.nav_title, children)

    def _nav_mode(self) -> str:
        if self.config.nav != "auto":
            return self.config.nav
        count = len(self.generated)
        if count <= AUTO_NAV_FULL_LIMIT:
            return "full"
        return "personas" if len(self.site.project.maps) <= AUTO_NAV_PERSONAS_LIMIT else "index"

    # -- embeds in hand-written pages ------------------------------------------------------

    # Before other plugins see the Markdown: the blocks become placeholders that no
    # Markdown extension can touch, whatever their indentation (admonitions, tabs).
    @event_priority(50)
    @_guarded(_unchanged, site_wide=False)
    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files):
        if page.file.src_uri in self.generated:
            # The canvas and diagrams are finished HTML: Markdown's HTML parser took most of a
            # persona page's build time reading them (see rawblocks.py).
            lifted = lift(markdown)
            if lifted.blocks:
                self.raw_blocks[page.file.src_uri] = lifted.blocks
            return lifted.markdown
        if self.site is None or page.file.generated_by is not None or "cjm" not in markdown:
            return markdown
        found = extract(markdown, first_line=_first_line(page, markdown))
        where = _docs_path(config, self.root, page.file)
        for line, column in found.unclosed:
            log.warning(f"{visible(where)}:{line}:{column}: cjm block: it has no closing fence, so it"
                        " shows as text; close it with the same fence that opens it")
        if found.embeds:
            self.page_embeds[page.file.src_uri] = found
        return found.markdown

    def _notices(self, html: str, *, page: Page, **kwargs) -> str:
        """After a failed page: each block says so instead of showing its placeholder."""
        found = self.page_embeds.pop(page.file.src_uri, None)
        if found is not None:
            html = found.pattern.sub(notice("cjm could not show this block; see the build log"), html)
        return self._with_failure(html)

    def _with_failure(self, html: str) -> str:
        """While serving after a failed rebuild, every page says so at the top: the writer
        looks at the browser, not at the terminal."""
        if self.failure is None:
            return html
        return (notice(f"{self.failure} — showing the last good pages until this is fixed",
                       "cjm: the last change could not be built", "cjm-serve-error") + html)

    @_guarded(_notices, site_wide=False)
    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files):
        found = self.page_embeds.get(page.file.src_uri)
        if found is None:
            return self._with_failure(html)
        renderer = EmbedRenderer(self.site.builder, self.site.diagram_for_page)
        where = visible(_docs_path(config, self.root, page.file))
        contents: dict[str, str] = {}
        for placeholder, embed in found.embeds.items():
            try:
                kind, content = renderer.render(embed, page.file.src_uri)
                if kind == "markdown":
                    content = self._markdown(config).reset().convert(content)
            except EmbedError as error:
                line, column = embed.where(error)
                message = f"{where}:{line}:{column}: cjm block: {visible(str(error))}"
                log.warning(message)
                content = notice(message)
            contents[placeholder] = content
        # One pass over the page as Markdown made it: a placeholder is replaced only where
        # the page has it, never inside a view inserted before it (map text is in those).
        html = found.pattern.sub(lambda m: contents[m.group(1) or m.group(2)], html)
        self.page_embeds.pop(page.file.src_uri, None)
        return self._with_failure(html)

    def _markdown(self, config: MkDocsConfig) -> markdown.Markdown:
        """The site's own Markdown set-up, for tables that embeds insert."""
        if self.markdown is None:
            self.markdown = markdown.Markdown(extensions=config.markdown_extensions,
                                              extension_configs=config.mdx_configs)
        return self.markdown

    @_guarded(_unchanged, site_wide=False)
    def on_page_context(self, context, /, *, page: Page, config: MkDocsConfig, nav: Navigation):
        # A map's edit URL is `<edit_uri>../maps/x.yml`; fold the `..` so it reads cleanly
        # whether or not `repo_url` is set (only then does MkDocs fold it itself).
        if page.file.src_uri not in self.generated:
            return context
        if page.edit_url and "/../" in page.edit_url:
            parts = urlsplit(page.edit_url)
            page.edit_url = urlunsplit(parts._replace(path=posixpath.normpath(parts.path)))
        # Material writes `page.title | striptags` into <title>, and striptags decodes the
        # entities that keep map text inert; it prints `page.meta.title` as given instead.
        if page.title:
            page.meta["title"] = html.escape(Markup(page.title).striptags())
        return context

    # Last, in the finished page: the search index (built in on_page_context) and every
    # other plugin have not had to read the canvas and diagrams (see rawblocks.py).
    @event_priority(-100)
    @_guarded(_unchanged, site_wide=False)
    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        blocks = self.raw_blocks.pop(page.file.src_uri, None)
        return restore(output, blocks) if blocks else output

    # -- serve ----------------------------------------------------------------------------

    def on_serve(self, server, /, *, config: MkDocsConfig, builder):
        # Maps live outside docs/, so watch them without a `watch:` entry in mkdocs.yml.
        server.watch(str(self.maps_dir))
        return server


def _first_line(page: Page, markdown: str) -> int:
    """Line of the page source where `markdown` starts (front matter comes before it)."""
    try:
        source = page.file.content_string
    except (OSError, TypeError, ValueError):
        return 1
    start = source.find(markdown[:200]) if markdown else -1
    return source.count("\n", 0, start) + 1 if start > 0 else 1


def _docs_path(config: MkDocsConfig, root: Path, file: File) -> str:
    """`docs/research.md`: a file as the writer finds it, from the project folder (a file
    another plugin generated has no such path: its URL path then)."""
    if file.abs_src_path is None or file.generated_by is not None:
        return file.src_uri
    path = Path(os.path.abspath(file.abs_src_path))
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _find_page(items: list, src: str) -> tuple[list, int] | None:
    for index, item in enumerate(items):
        if isinstance(item, Page) and item.file.src_uri == src:
            return items, index
        if isinstance(item, Section):
            found = _find_page(item.children, src)
            if found:
                return found
    return None


def _pages(items: list) -> list[Page]:
    found: list[Page] = []
    for item in items:
        if isinstance(item, Page):
            found.append(item)
        elif isinstance(item, Section):
            found.extend(_pages(item.children))
    return found
