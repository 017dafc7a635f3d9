"""The MkDocs adapter: the only module that imports MkDocs (ProperDocs runs it too).

It turns MkDocs events into calls of the core (load, pages, diagrams) and hands the results
back as generated files and a navigation section. The ```` ```cjm ```` blocks in hand-written
pages are the Markdown extension's job (markdown_ext.py): the plugin adds it to the site's
extensions and hands it the maps it loaded, so every engine runs the same embed code.
"""

from __future__ import annotations

import functools
import html
import logging
import os
import posixpath
import sys
import time
from dataclasses import replace
from urllib.parse import quote, urlsplit, urlunsplit
from pathlib import Path
from typing import Callable, Literal

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
from .embeds import notice
from .generate import generated_by_cjm
from .labels import LabelsError, languages
from .last_good import LastGoodMaps
from .markdown_ext import CjmExtension, PageContext, is_cjm
from .nav import NAV_MODES, NavSection, journeys_nav, nav_mode
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
    nav = c.Choice(NAV_MODES, default="auto")
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
    # With maps/_rules.yml: how many commits that changed maps the "What changed" page reads
    # (0 leaves the page out).
    history_commits = c.Type(int, default=30)
    # A folder of the team's label files (`<language>.yml`), next to mkdocs.yml: words
    # added or changed over the shipped ones (docs/languages.md).
    labels_dir = c.Optional(c.Type(str))


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
        self.dirty = False
        self.build_started: float | None = None
        self.hinted = False
        self.site_options: SiteOptions | None = None
        self.failure: str | None = None  # why this rebuild shows the last good pages (serve)
        self.last_good = LastGoodMaps()  # for `mkdocs serve`
        self.site: SiteBuild | None = None
        self.generated: dict[str, StoredFile] = {}
        self.added: list[File] = []  # the files on_files added to this build
        self.raw_blocks: dict[str, dict[str, str]] = {}  # by page: see on_page_markdown
        # The site of the last build that went well, shown while serving when one fails.
        self.good_site: SiteBuild | None = None

    # -- configuration --------------------------------------------------------------------

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        # Serve keeps the last good state of a map that breaks while someone types.
        self.command = command
        self.dirty = dirty
        self.build_started = None
        self.hinted = False  # the `--dirty` hint is given once per server

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        self.build_started = time.monotonic()

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.build_started is None or self.hinted:
            return
        hint = serve_hint(self.command, self.dirty, time.monotonic() - self.build_started,
                          len(self.generated), Path(sys.argv[0]).name)
        if hint:
            log.info(hint)
            self.hinted = True

    @_guarded(_unchanged)
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self._add_extension(config)  # first: blocks say why they are empty if the rest fails
        self.site, self.site_options, self.failure = None, None, None  # serve reuses the plugin
        self.raw_blocks = {}
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
            history_commits=self.config.history_commits,
            pages=PageOptions(
                paths=self.paths,
                use_directory_urls=config.use_directory_urls,
                allow_html=self.config.allow_html,
                tags=self.config.tags,
                full_width=self.config.persona_full_width,
                # Material's `theme.language`; MkDocs' own themes call it `locale`.
                language=str(config.theme.get("language") or config.theme.get("locale") or "en"),
                labels_dir=self._labels_dir(root),
                raw_links=True,  # MkDocs and ProperDocs leave links in raw HTML alone
            ),
        )
        return config

    def _labels_dir(self, root: Path) -> Path | None:
        """The team's label folder, checked: its files are read (and checked) on build."""
        if not self.config.labels_dir:
            return None
        folder = (root / self.config.labels_dir).resolve()
        if not folder.is_dir():
            raise PluginError(f"cjm: labels_dir `{self.config.labels_dir}` is not a folder next to"
                              " mkdocs.yml; create it (files named like `de.yml`) or remove the option")
        return folder

    def _add_extension(self, config: MkDocsConfig) -> None:
        """The embeds run in the Markdown extension, fed by this plugin: listed by the user
        or not (`markdown_extensions: - cjm` lets the same mkdocs.yml serve Zensical too),
        it runs once, with the plugin's maps and options."""
        configured = [name for name in config.mdx_configs if is_cjm(name) and config.mdx_configs[name]]
        if configured:
            log.info("cjm: the plugin runs the `cjm` Markdown extension itself, with the plugin's"
                     " options; the options under `markdown_extensions: - cjm` apply to engines"
                     " without the plugin (Zensical)")
        config.markdown_extensions = [e for e in config.markdown_extensions if not is_cjm(e)]
        for name in [name for name in config.mdx_configs if is_cjm(name)]:
            del config.mdx_configs[name]
        config.markdown_extensions.append(CjmExtension(source=self))

    def embed_site(self, page: PageContext):
        """For the extension: the site of this build (None after a failure, said in the log)."""
        if self.site is None:
            return None, "cjm could not show this block; see the build log"
        return self.site, None

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
                               progress=progress, languages=languages(self.site_options.pages.labels_dir))
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
        except (StoreError, LabelsError) as error:
            raise PluginError(f"cjm: {error}" if isinstance(error, LabelsError) else str(error)) from None
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
        self._drop_generate_output(files, config)
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

    def _drop_generate_output(self, files: Files, config: MkDocsConfig) -> None:
        """Pages `cjm generate` wrote into the docs (for Zensical, from the same checkout)
        are this plugin's own pages: it makes them itself, so the files on disk are left out
        rather than reported as hand-written pages in its way."""
        written = generated_by_cjm(Path(config.docs_dir), self.paths.prefix)
        dropped = 0
        for file in list(files):
            if file.abs_src_path is not None and file.generated_by is None and file.src_uri in written:
                files.remove(file)
                dropped += 1
        if dropped:
            log.info(f"cjm: left out {dropped} file(s) that `cjm generate` wrote into the docs;"
                     " the plugin generates them itself")

    def _report(self, project: Project) -> list[Diagnostic]:
        """Log every message; keep the last good map of a broken file while serving."""
        errors = project.errors
        if errors and self.command != "serve" and self.config.on_invalid_map == "fail":
            raise PluginError(
                f"cjm: {len(errors)} error(s) in maps; fix them (`cjm validate` shows the same):\n"
                + "\n".join(str(d) for d in project.diagnostics)
            )
        for diagnostic in project.diagnostics:
            # A rule finding of level `notice` is shown, and fails nothing (not even --strict).
            {"error": log.error, "notice": log.info}.get(diagnostic.severity, log.warning)(str(diagnostic))
        if self.command == "serve":
            self.last_good.keep(project)
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

        mode = nav_mode(self.config.nav, len(self.generated), len(self.site.project.maps))
        tree = journeys_nav(self.site.project, self.paths, mode, self.config.nav_title,
                            lambda src: page(src) is not None, self.site.builder.labels["nav.across"])
        return _mkdocs_section(tree, page) if tree is not None else None

    # -- generated pages: finished HTML kept away from Markdown ---------------------------

    # Before other plugins see the Markdown: the canvas and diagrams are finished HTML, and
    # Markdown's HTML parser took most of a persona page's build time reading them (see
    # rawblocks.py). The `cjm` blocks of hand-written pages are the extension's (on_config).
    @event_priority(50)
    @_guarded(_unchanged, site_wide=False)
    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files):
        if page.file.src_uri not in self.generated:
            return markdown
        lifted = lift(markdown)
        if lifted.blocks:
            self.raw_blocks[page.file.src_uri] = lifted.blocks
        return lifted.markdown

    # -- every page while serving after a failure -----------------------------------------

    def _with_failure(self, html: str) -> str:
        """While serving after a failed rebuild, every page says so at the top: the writer
        looks at the browser, not at the terminal."""
        if self.failure is None:
            return html
        return (notice(f"{self.failure} — showing the last good pages until this is fixed",
                       "cjm: the last change could not be built", "cjm-serve-error") + html)

    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files):
        return self._with_failure(html)

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


# A save that takes this long to show is worth a word about `--dirty` (bench/README.md: a
# 200-persona site takes 50 s to build again on every save, 2.6 s with `--dirty`).
SLOW_SERVE_SECONDS = 10.0


def serve_hint(command: str, dirty: bool, seconds: float, pages: int, program: str) -> str | None:
    """What to tell a writer whose `serve` builds every page again after each save, when a
    build takes long enough to matter; None otherwise."""
    if command != "serve" or dirty or seconds < SLOW_SERVE_SECONDS:
        return None
    engine = program if program in ("mkdocs", "properdocs") else "mkdocs"
    return (f"cjm: this build took {seconds:.0f} s ({pages:,} journey pages), and `{engine} serve`"
            f" builds every page again after each save; `{engine} serve --dirty` rebuilds only the"
            " pages a save changes (restart it after adding, removing or renaming a map):"
            " see docs/getting-started.md")


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


def _mkdocs_section(tree: NavSection, page: Callable[[str], Page | None]) -> Section:
    """nav.py's tree as MkDocs sections and pages (every page in it exists)."""
    children = [_mkdocs_section(child, page) if isinstance(child, NavSection) else page(child.src)
                for child in tree.children]
    # Themes print section titles as HTML: a persona name must stay text.
    return Section(html.escape(tree.title), children)


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
