"""Does the site engine actually run cjm? Zensical runs no MkDocs plugins and says nothing
about it; an engine without the `cjm` Markdown extension leaves ```` ```cjm ```` blocks as
code blocks, also without a word. These checks read the site's configuration, its docs and
(after a build) its HTML, and name the fix. `cjm validate --site`, `cjm generate` and
`cjm serve` run them.
"""

from __future__ import annotations

import html as html_module
import os
import re
from pathlib import Path

from .diagnostics import Diagnostic, short
from .embeds import extract
from .markdown_ext import NAMES as EXTENSION_NAMES
from .site_config import SiteConfig, docs_relative
from .urls import page_url

ENGINE_NAMES = {"mkdocs": "MkDocs", "properdocs": "ProperDocs", "zensical": "Zensical"}
MAX_PAGE_BYTES = 16 * 2**20
_CODE = re.compile(r"<code\b[^>]*>(.*?)</code>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_NOTICE = re.compile(r'<div class="admonition warning cjm-embed-error">.*?<p>(.*?)</p></div>', re.DOTALL)


def runs_plugin(config: SiteConfig) -> bool:
    """Whether the engine reading `config` runs the cjm plugin (Zensical never does)."""
    return config.engine != "zensical" and "cjm" in config.plugins


def runs_extension(config: SiteConfig) -> bool:
    return runs_plugin(config) or any(name in EXTENSION_NAMES for name in config.extensions)


def _where(config: SiteConfig, line: int) -> tuple[str, int, int]:
    return config.name, line, 1


def _toml(config: SiteConfig) -> bool:
    return config.path.suffix.lower() == ".toml"


def _written(config: SiteConfig, yaml_form: str, toml_form: str) -> str:
    """A setting as the user writes it in this file."""
    return toml_form if _toml(config) else yaml_form


def _setting_line(config: SiteConfig, section: str, name: str) -> int:
    """The line of `name` inside `section` (plugins, markdown_extensions), best effort."""
    try:
        lines = config.path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return 1
    start = next((i for i, line in enumerate(lines) if re.search(rf"\b{section}\b", line)), None)
    if start is None:
        return 1
    for number in range(start, len(lines)):
        if re.search(rf"(^|[\s\-\[\"'.,]){re.escape(name)}([\"'\]\s:,]|$)", lines[number]):
            return number + 1
    return start + 1


def check_config(config: SiteConfig, prefix: str, maps_dir: str = "maps", serving: bool = False,
                 docs_pages: dict[str, str] | None = None) -> list[Diagnostic]:
    """Problems of `config` for an engine that builds the pages `cjm generate` writes (or
    the plugin makes): what it will silently ignore or leave out, each with its fix."""
    engine = ENGINE_NAMES[config.engine]
    found: list[Diagnostic] = []
    if config.engine == "zensical" and "cjm" in config.plugins:
        found.append(Diagnostic(*_where(config, _setting_line(config, "plugins", "cjm")), (
            f"{engine} runs no MkDocs plugins, so `cjm` under `plugins` is ignored without a word:"
            " no journey pages, diagrams or views. Remove it there, add `cjm` to"
            " `markdown_extensions`, and run `cjm generate` before `zensical build`"
            " (`cjm serve zensical` while writing); docs/engines.md shows the whole set-up")))
    docs = config.docs_dir
    pages = docs_pages if docs_pages is not None else _pages_with_blocks(docs)
    if pages and not runs_extension(config):
        extension = _written(config, "`cjm` to `markdown_extensions`", "`[project.markdown_extensions.cjm]`")
        fix = (f"add {extension}" if config.engine == "zensical" else
               f"add `cjm` to `plugins` (MkDocs, ProperDocs) or {extension}")
        for src, text in sorted(pages.items()):
            block = next(iter(extract(text).embeds.values()), None)
            if block is None:
                continue
            count = len(extract(text).embeds)
            found.append(Diagnostic(
                _display(config, docs / src), block.line, len(block.indent) + 1,
                f"{engine} will show this cjm block{' and the others on the page' if count > 1 else ''}"
                f" as a code block: neither the cjm plugin nor the `cjm` Markdown extension is"
                f" enabled in {config.name}; {fix}"))
    if runs_plugin(config):
        return found  # the plugin makes its own navigation and adds its own assets
    found += _check_generated_setup(config, prefix, maps_dir, serving)
    return found


def _check_generated_setup(config: SiteConfig, prefix: str, maps_dir: str, serving: bool) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    folder = prefix.strip("/")
    nav = config.data.get("nav")
    entries = list(_nav_targets(nav)) if isinstance(nav, list) else []
    has_literate = "literate-nav" in config.plugins
    if isinstance(nav, list) and folder:
        as_folder = {folder + "/", folder}
        if not any(target.rstrip("/") in as_folder for target in entries):
            line = config.line_of(rf"\b{re.escape(folder)}/index\.md\b") if any(
                t == f"{folder}/index.md" for t in entries) else config.line_of(r"^\s*nav\b|^\s*\[?project\.?nav|nav\s*=")
            entry = _written(config, f"`- Journeys: {folder}/`", '`{"Journeys" = "' + folder + '/"}`')
            found.append(Diagnostic(*_where(config, line), (
                f"the generated pages are not in the navigation: list their folder in `nav`, as"
                f" {entry}"
                f" (the folder, not {folder}/index.md); literate-nav then"
                f" reads {folder}/SUMMARY.md, which `cjm generate` writes"), "warning"))
    if not has_literate:
        found.append(Diagnostic(*_where(config, config.line_of(r"\bplugins\b")), (
            f"add {_written(config, '`literate-nav` to `plugins`', '`[project.plugins.literate-nav]`')}"
            " so that the navigation `cjm generate` writes"
            f" ({folder + '/' if folder else ''}SUMMARY.md) is used: Zensical has it built in; MkDocs and"
            " ProperDocs need `pip install mkdocs-literate-nav`"), "warning"))
    for setting, asset in (("extra_css", "cjm.css"), ("extra_javascript", "cjm.js")):
        wanted = f"{folder}/assets/{asset}" if folder else f"assets/{asset}"
        listed = [e if isinstance(e, str) else (e.get("path") if isinstance(e, dict) else None)
                  for e in config.list_of(setting)]
        if wanted not in listed:
            found.append(Diagnostic(*_where(config, config.line_of(rf"\b{setting}\b")), (
                f"add `{wanted}` to `{setting}`: the generated pages need it (the plugin adds it"
                " itself; other engines must be told)"), "warning"))
    watched = [str(w).strip("/") for w in config.list_of("watch")]
    if runs_extension(config) and maps_dir.strip("/") not in watched:
        watch = _written(config, f"`watch: [{maps_dir}]`", '`watch = ["' + maps_dir + '"]` under [project]')
        if config.engine == "zensical":
            # Zensical keeps rendered pages in its cache (.cache/) and renders one again only
            # when its file, the configuration or a watched file changes: measured with 0.0.73.
            found.append(Diagnostic(*_where(config, config.line_of(r"\bwatch\b")), (
                f"add {watch}:"
                " Zensical renders a page again"
                " only when its own file or a watched file changes, so without it the cjm views in"
                " hand-written pages keep showing the maps as they were, in `zensical build` too")))
        elif serving:
            found.append(Diagnostic(*_where(config, config.line_of(r"\bwatch\b")), (
                f"add `watch: [{maps_dir}]`: then the engine renders the pages again when a map is"
                " saved, and the cjm views in hand-written pages follow"), "warning"))
    return found


def _nav_targets(items):
    for item in items:
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            for value in item.values():
                if isinstance(value, str):
                    yield value
                elif isinstance(value, list):
                    yield from _nav_targets(value)


def _display(config: SiteConfig, path: Path) -> str:
    try:
        return Path(os.path.abspath(path)).relative_to(config.root).as_posix()
    except ValueError:
        return path.as_posix()


def _pages_with_blocks(docs: Path) -> dict[str, str]:
    """{path under docs: text} of the Markdown pages with cjm blocks."""
    pages: dict[str, str] = {}
    if not docs.is_dir():
        return pages
    for path in sorted(docs.rglob("*.md")):
        if any(part.startswith(".") for part in path.relative_to(docs).parts) or not path.is_file():
            continue
        try:
            if path.stat().st_size > MAX_PAGE_BYTES:
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if "cjm" in text and extract(text).embeds:
            pages[docs_relative(path, docs)] = text
    return pages


def check_built_site(config: SiteConfig, prefix: str, has_maps: bool,
                     docs_pages: dict[str, str] | None = None) -> list[Diagnostic]:
    """After a build: blocks left as code, views that failed, journey pages missing."""
    site = config.site_dir
    if not site.is_dir():
        return []
    engine = ENGINE_NAMES[config.engine]
    found: list[Diagnostic] = []
    folder = prefix.strip("/")
    index = site / (folder or ".") / "index.html"
    if has_maps and not index.is_file():
        fix = ("run `cjm generate` before `zensical build` (Zensical runs no MkDocs plugins)"
               if config.engine == "zensical" else
               f"add `cjm` to `plugins` in {config.name} (MkDocs, ProperDocs), or for Zensical run"
               " `cjm generate` before `zensical build`")
        found.append(Diagnostic(_display(config, site), 1, 1, (
            f"the built site has no journey pages ({_display(config, index)} is missing): the engine"
            f" ran without cjm; {fix}")))
    pages = docs_pages if docs_pages is not None else _pages_with_blocks(config.docs_dir)
    for src, text in sorted(pages.items()):
        built = site / page_url(src, config.use_directory_urls)
        if built.is_dir() or str(built).endswith("/"):
            built = built / "index.html"
        try:
            if not built.is_file() or built.stat().st_size > MAX_PAGE_BYTES:
                continue
            html = built.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        codes = [_options_of(code) for code in _CODE.findall(html)]
        for embed in extract(text).embeds.values():
            if embed.options and embed.options in codes:
                found.append(Diagnostic(
                    _display(config, config.docs_dir / src), embed.line, len(embed.indent) + 1,
                    f"this cjm block is a code block in {_display(config, built)}: {engine} did not run"
                    " the cjm extension. Add `cjm` to `markdown_extensions`"
                    + (" (Zensical runs no MkDocs plugins)" if config.engine == "zensical" else
                       " or to `plugins`") + ", then build again"))
        for message in _NOTICE.findall(html):
            found.append(Diagnostic(_display(config, built), 1, 1,
                                    f"a cjm view shows an error: {short(_text(message), 300)}"))
    return found


def _text(fragment: str) -> str:
    return html_module.unescape(_TAG.sub("", fragment)).strip()


def _options_of(code: str) -> dict[str, str]:
    """A code block's text read as `key: value` lines (how a cjm block left raw looks)."""
    options: dict[str, str] = {}
    for line in _text(code).splitlines():
        if not line.strip():
            continue
        key, colon, value = line.partition(":")
        if not colon or not key.strip() or " " in key.strip():
            return {}
        options[key.strip()] = value.strip().strip("\"'")
    return options
