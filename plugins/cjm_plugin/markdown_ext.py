"""The ```` ```cjm ```` blocks as a Python-Markdown extension: live views of the maps in
hand-written pages, under every engine that runs Python-Markdown.

    markdown_extensions:
      - cjm                        # or its module name, cjm_plugin.markdown_ext

With the MkDocs plugin (MkDocs, ProperDocs), the plugin adds this extension itself and hands
it the maps it loaded, so there is one embed implementation. Without it (Zensical runs no
MkDocs plugins), the extension loads the maps itself through the catalog and its model
cache, once per process, and again only when a file in the maps folder changes; a map that
breaks while a dev server runs keeps its last good version (last_good.py).

Blocks are found before any other block syntax runs (see `EmbedPreprocessor`), so they work
at any indentation: inside admonitions, content tabs and lists. Each view is converted with
the site's own Markdown extensions and goes back into the page as one piece of HTML, held
in Python-Markdown's own stash, whose placeholders no page text can forge.

Links: the extension learns the page from the engine (MkDocs and ProperDocs give their
Markdown a link processor that knows its file, Zensical a rendering context that knows its
path) and writes each link as that engine reads raw HTML. MkDocs leaves raw HTML alone, so
links are final URLs relative to the page. Zensical reads every `href` in raw HTML as
relative to the Markdown file and rewrites `.md` ones to their pages, checking them under
`--strict`, so there they are `.md` links; SVG `xlink:href` it leaves alone, so diagrams
and charts keep final URLs on every engine.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

from .diagnostics import short, visible
from .embeds import EmbedError, EmbedRenderer, extract, notice
from .urls import prefix_problem

# What users write in `markdown_extensions:` (the entry point, the module, the class).
NAMES = frozenset({"cjm", "cjm_plugin.markdown_ext", "cjm_plugin.markdown_ext:CjmExtension"})

# After NormalizeWhitespace (30) and pymdownx.snippets (32), so blocks in included files
# are found; before fenced code (25) and raw HTML blocks (20), which would take them.
PRIORITY = 28

MKDOCS_LOGGER = "mkdocs.plugins.cjm"  # MkDocs and ProperDocs count its warnings in --strict


def is_cjm(extension: object) -> bool:
    """Whether a `markdown_extensions` entry (a name or an instance) is this extension."""
    return isinstance(extension, CjmExtension) or (isinstance(extension, str) and extension in NAMES)


# -- the page being rendered, as the engine tells it --------------------------------------

@dataclass
class PageContext:
    """The page being rendered and the site set-up around it."""

    src: str  # path under the docs folder, with `/`
    root: Path  # the project folder (of mkdocs.yml / zensical.toml)
    display: str  # how messages name the page: `docs/report.md`
    use_directory_urls: bool = True
    source_text: str | None = None  # the whole file, to count front matter lines
    extensions: list = field(default_factory=list)  # the site's Markdown set-up
    extension_configs: dict = field(default_factory=dict)
    logger: str = "cjm"
    known: bool = True  # False: the engine did not say which page this is
    # Zensical reads `href`s in raw HTML as relative to the Markdown file (and rewrites `.md`
    # ones); MkDocs leaves them as they are. SVG `xlink:href` is left alone by both.
    source_links: bool = False

    def first_line(self, markdown_text: str) -> int:
        """Line of the file where the Markdown starts (front matter comes before it)."""
        # Python-Markdown adds two line breaks at the end of what it reads.
        head = markdown_text.rstrip("\n")[:200]
        if not self.source_text or not head:
            return 1
        start = self.source_text.find(head)
        return self.source_text.count("\n", 0, start) + 1 if start > 0 else 1


def _relative_display(path: Path, root: Path, fallback: str) -> str:
    try:
        return Path(os.path.abspath(path)).relative_to(root).as_posix()
    except ValueError:
        return fallback


def _mkdocs_page(md: markdown.Markdown) -> PageContext | None:
    """MkDocs and ProperDocs register a `relpath` tree processor that holds the page's file
    and the site's configuration (mkdocs/structure/pages.py, `Page.render`)."""
    if "relpath" not in md.treeprocessors:
        return None
    relpath = md.treeprocessors["relpath"]
    file, config = getattr(relpath, "file", None), getattr(relpath, "config", None)
    if file is None or config is None:
        return None
    root = Path(config["config_file_path"] or ".").resolve().parent
    src = file.src_uri
    display = src
    if file.abs_src_path is not None and getattr(file, "generated_by", None) is None:
        display = _relative_display(Path(file.abs_src_path), root, Path(file.abs_src_path).as_posix())
    try:
        text = file.content_string
    except (OSError, TypeError, ValueError):
        text = None
    return PageContext(src, root, display, bool(config["use_directory_urls"]), text,
                       list(config["markdown_extensions"]), dict(config["mdx_configs"] or {}),
                       MKDOCS_LOGGER)


def _zensical_page(md: markdown.Markdown) -> PageContext | None:
    """Zensical registers a `rendering_context` preprocessor holding the page (`path` under
    the docs folder) and the site's configuration (zensical/extensions/context.py)."""
    if "rendering_context" not in md.preprocessors:
        return None
    context = md.preprocessors["rendering_context"]
    page, config = getattr(context, "page", None), getattr(context, "config", None)
    if page is None or not isinstance(config, dict) or not getattr(page, "path", None):
        return None
    root = Path(config.get("root_dir") or ".").resolve()
    docs = root / str(config.get("docs_dir") or "docs")
    src = str(page.path).replace("\\", "/")
    path = docs / src
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = None
    return PageContext(src, root, _relative_display(path, root, src),
                       bool(config.get("use_directory_urls", True)), text,
                       list(config.get("markdown_extensions") or []),
                       dict(config.get("mdx_configs") or {}), source_links=True)


def page_context(md: markdown.Markdown) -> PageContext:
    found = _mkdocs_page(md) or _zensical_page(md)
    if found is not None:
        return found
    # Another engine, or Python-Markdown on its own: links as seen from the top of the docs.
    return PageContext("index.md", Path.cwd(), "page", known=False,
                       extensions=["tables", "attr_list", "md_in_html"])


# -- where the maps come from --------------------------------------------------------------

class EmbedSource(Protocol):
    """Hands the extension what embeds are made from (the plugin does, or `MapsOnDisk`)."""

    def embed_site(self, page: PageContext):  # -> (SiteBuild | None, why not)
        ...


class _Options:
    """The extension's options, checked: a bad value is a clear message, not a traceback."""

    def __init__(self, config: dict[str, Any]):
        self.maps_dir = _text(config, "maps_dir")
        self.prefix = _text(config, "prefix")
        problem = prefix_problem(self.prefix)
        if problem:
            raise ValueError(f"cjm: option `prefix: {short(self.prefix, 60)}`: {problem}")
        self.prefix = self.prefix.strip("/")
        self.diagrams = bool(config["diagrams"])
        self.on_missing_dot = _text(config, "on_missing_dot")
        if self.on_missing_dot not in ("warn", "fail"):
            raise ValueError("cjm: option `on_missing_dot` is `warn` or `fail`")
        timeout = config["dot_timeout"]
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout <= 3600:
            raise ValueError("cjm: option `dot_timeout`: give the seconds one `dot` run may take, from 1 to 3600")
        self.dot_timeout = float(timeout)
        self.cache_dir = _text(config, "cache_dir")
        self.allow_html = bool(config["allow_html"])

    def key(self) -> tuple:
        return (self.maps_dir, self.prefix, self.diagrams, self.on_missing_dot, self.dot_timeout,
                self.cache_dir, self.allow_html)


def _text(config: dict[str, Any], key: str) -> str:
    value = config[key]
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"cjm: option `{key}` must be text, for example `{key}: {CjmExtension.DEFAULTS[key][0]}`")
    return value


class MapsOnDisk:
    """The maps as the extension loads them without the plugin: once per process, again
    when a file in the maps folder changes (a dev server renders pages again after a map
    edit, in the same process), with the last good version of a map that broke."""

    def __init__(self, root: Path, options: _Options, use_directory_urls: bool):
        from .last_good import LastGoodMaps

        self.root = root
        self.options = options
        self.use_directory_urls = use_directory_urls
        self.maps_dir = (root / options.maps_dir).resolve()
        self.state: tuple | None = None
        self.site = None
        self.problem: str | None = None
        self.last_good = LastGoodMaps()
        self.lock = threading.Lock()

    def embed_site(self, page: PageContext):
        from .last_good import folder_state

        with self.lock:
            state = folder_state(self.maps_dir) if self.maps_dir.is_dir() else None
            if self.site is None and self.problem is None or state != self.state:
                self.state = state
                self._load(page)
            return self.site, self.problem

    def _load(self, page: PageContext) -> None:
        from .catalog import load_project
        from .pages import PageOptions
        from .site import SiteOptions, embed_site
        from .urls import SitePaths

        log = logging.getLogger(page.logger)
        self.site, self.problem = None, None
        if not self.maps_dir.is_dir():
            kind = "is not a folder" if os.path.lexists(self.maps_dir) else "not found"
            self.problem = (f"cjm: maps folder `{self.options.maps_dir}` {kind} in {self.root};"
                            " create it, or set `maps_dir` under `cjm` in `markdown_extensions`")
            log.error(visible(self.problem))
            return
        cache = (self.root / self.options.cache_dir).resolve()
        project = load_project([self.maps_dir], base=self.root, cache=cache, top=self.maps_dir)
        for diagnostic in project.diagnostics:
            (log.error if diagnostic.is_error else log.warning)(str(diagnostic))
        errors = project.errors
        for kept in self.last_good.keep(project):
            log.warning(f"cjm: {kept.source.display} has errors; its views show its last good version")
        options = SiteOptions(
            diagrams=self.options.diagrams, on_missing_dot=self.options.on_missing_dot,
            dot_timeout=self.options.dot_timeout, cache_dir=cache,
            pages=PageOptions(paths=SitePaths(self.options.prefix), use_directory_urls=self.use_directory_urls,
                              allow_html=self.options.allow_html))
        site = embed_site(project, options, errors)
        for message in site.messages:
            (log.error if message.is_error else log.warning)(str(message))
        if site.fatal:
            self.problem = site.fatal
            log.error(visible(site.fatal))
            return
        self.site = site


_SOURCES: dict[tuple, MapsOnDisk] = {}
_SOURCES_LOCK = threading.Lock()


def maps_on_disk(root: Path, options: _Options, use_directory_urls: bool) -> MapsOnDisk:
    """One `MapsOnDisk` per project and set-up for the whole process: engines make a new
    Markdown (and a new extension) for every page."""
    key = (str(root), use_directory_urls, *options.key())
    with _SOURCES_LOCK:
        source = _SOURCES.get(key)
        if source is None:
            source = _SOURCES[key] = MapsOnDisk(root, options, use_directory_urls)
        return source


# -- the extension ------------------------------------------------------------------------

class CjmExtension(Extension):
    """`markdown_extensions: - cjm`, with the same options as the plugin's where they apply."""

    DEFAULTS = {
        "maps_dir": ["maps", "Folder of the maps, relative to the site's configuration file"],
        "prefix": ["journeys", "Folder of the generated pages in the docs (as `cjm generate --prefix`)"],
        "diagrams": [True, "Draw journey diagrams with Graphviz"],
        "on_missing_dot": ["warn", "Without Graphviz: `warn` (a notice where diagrams would be) or `fail`"],
        "dot_timeout": [30, "Seconds one `dot` run may take"],
        "cache_dir": [".cache/plugin/cjm", "Cache folder (models, diagrams), relative to the project"],
        "allow_html": [False, "Let raw HTML in map text through instead of escaping it"],
    }

    def __init__(self, **kwargs: Any):
        self.config = {key: list(value) for key, value in self.DEFAULTS.items()}
        # The plugin passes itself: the maps it loaded, its last good state while serving.
        self.source: EmbedSource | None = kwargs.pop("source", None)
        unknown = sorted(set(kwargs) - set(self.config))
        if unknown:
            raise ValueError(f"cjm: unknown option `{short(unknown[0], 40)}` under `cjm` in"
                             f" `markdown_extensions`; options: {', '.join(sorted(self.config))}")
        super().__init__(**kwargs)
        self.options = _Options(self.getConfigs())
        self._fragments: dict[int, tuple[list, markdown.Markdown]] = {}
        self._lock = threading.Lock()

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        md.registerExtension(self)
        md.preprocessors.register(EmbedPreprocessor(md, self), "cjm_embeds", PRIORITY)

    def source_for(self, page: PageContext) -> EmbedSource:
        return self.source or maps_on_disk(page.root, self.options, page.use_directory_urls)

    def to_html(self, page: PageContext, fragment: str) -> str:
        """A view's Markdown as HTML, with the site's own extensions (tables, attributes),
        not with this one: map text never becomes a block."""
        key = id(page.extensions)
        with self._lock:
            cached = self._fragments.get(key)
            if cached is None:
                extensions = [e for e in page.extensions if not is_cjm(e)]
                configs = {k: v for k, v in page.extension_configs.items() if not is_cjm(k)}
                # The list is kept with the Markdown, so that its id stays its own.
                cached = self._fragments[key] = (page.extensions, markdown.Markdown(
                    extensions=extensions, extension_configs=configs))
            return cached[1].reset().convert(fragment)


_PLACEHOLDER_LINE = re.compile(r"^([ \t]*)(cjmembed[0-9a-f]+n\d+x)$", re.MULTILINE)


class EmbedPreprocessor(Preprocessor):
    """Swaps each ```` ```cjm ```` block for its view (embeds.py finds the blocks)."""

    def __init__(self, md: markdown.Markdown, extension: CjmExtension):
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        if "cjm" not in text:
            return lines
        page = page_context(self.md)
        log = logging.getLogger(page.logger)
        try:
            return self._run(text, page, log).split("\n")
        except Exception as error:  # noqa: BLE001 - a bug in cjm must not stop the site
            log.debug("cjm: traceback of the error below", exc_info=True)
            log.error(f"{visible(page.display)}: cjm: unexpected error while showing its cjm blocks"
                      f" ({type(error).__name__}: {visible(short(str(error), 200))}); this is a bug in"
                      " cjm: please report it with the page and the maps that caused it")
            return lines

    def _run(self, text: str, page: PageContext, log: logging.Logger) -> str:
        found = extract(text, first_line=page.first_line(text))
        where = visible(page.display)
        for line, column in found.unclosed:
            log.warning(f"{where}:{line}:{column}: cjm block: it has no closing fence, so it shows"
                        " as text; close it with the same fence that opens it")
        if not found.embeds:
            return text
        if not page.known:
            log.warning(f"{where}: cjm block: this engine does not say which page it renders, so"
                        " links in views are written as seen from the top of the docs folder")
        site, problem = self.extension.source_for(page).embed_site(page)
        contents: dict[str, str] = {}
        for placeholder, embed in found.embeds.items():
            contents[placeholder] = self.md.htmlStash.store(self._view(site, problem, embed, page, where, log))
        # Each placeholder is alone on its line (embeds.extract), with the block's indent;
        # blank lines around make the view a block of its own, wherever the fence stood.
        return _PLACEHOLDER_LINE.sub(
            lambda m: f"\n{m.group(1)}{contents[m.group(2)]}\n" if m.group(2) in contents else m.group(0),
            found.markdown)

    def _view(self, site, problem: str | None, embed, page: PageContext, where: str, log) -> str:
        line, column = embed.line, len(embed.indent) + 1
        if site is None:
            # The maps could not be loaded; the reason is in the log once, not per block.
            return notice(problem or "cjm could not show this block; see the build log")
        try:
            diagram = lambda pid, name, src: site.diagram_for_page(pid, name, src, page.source_links)  # noqa: E731
            kind, content = EmbedRenderer(site.builder, diagram, page.source_links).render(embed, page.src)
            if kind == "markdown":
                content = self.extension.to_html(page, content)
            return content.strip()
        except EmbedError as error:
            line, column = embed.where(error)
            message = f"{where}:{line}:{column}: cjm block: {visible(str(error))}"
            log.warning(message)
            return notice(message)
        except Exception as error:  # noqa: BLE001 - one broken view must not hide the page
            log.debug("cjm: traceback of the error below", exc_info=True)
            log.error(f"{where}:{line}:{column}: cjm: unexpected error while building"
                      f" ({type(error).__name__}: {visible(short(str(error), 200))}); this is a bug"
                      " in cjm: please report it with the block and the maps that caused it")
            return notice("cjm could not show this block; see the build log")


def makeExtension(**kwargs: Any) -> CjmExtension:  # noqa: N802 - Python-Markdown's hook
    return CjmExtension(**kwargs)
