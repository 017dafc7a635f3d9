"""What `cjm generate` adds for an engine that builds the generated pages from files
(Zensical; MkDocs or ProperDocs without the plugin), where the plugin would have done it:

- the navigation of the generated folder as a literate-nav file (`SUMMARY.md`), which
  Zensical reads natively and MkDocs with mkdocs-literate-nav; the site's `nav:` points at
  the folder (`- Journeys: journeys/`) and the engine expands it;
- on each page made from a map, a link that opens the map's YAML for editing. The engines
  make a page's edit link from its path under the docs folder, which for a generated page
  is a file nobody should edit; cjm.js points the theme's edit button at the map instead.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from .nav import NavSection, journeys_nav, nav_mode
from .site import SiteBuild
from .text import escape, escape_url
from .urls import md_link

NAV_FILE = "SUMMARY.md"  # literate-nav's default `nav_file`
LABELS = {"edit_map": "Edit the map", "nav_note": "written by `cjm generate`: the navigation of"
          " this folder, for literate-nav (Zensical, mkdocs-literate-nav); edit the maps instead"}

_HEADING = re.compile(r"^# (.+?)\s*$", re.MULTILINE)
_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)


def page_title(content: str, fallback: str) -> str:
    """A generated page's title, as Markdown text: its first `# ` heading (already escaped)."""
    found = _HEADING.search(_FRONT_MATTER.sub("", content, count=1))
    return found.group(1) if found else escape(fallback)


def literate_nav(tree: NavSection, folder: str, titles: dict[str, str]) -> str:
    """The children of `tree` as a literate-nav list, with links relative to `folder`."""
    lines = [f"<!-- {LABELS['nav_note']} -->", ""]

    def add(node: NavSection, depth: int) -> None:
        for child in node.children:
            indent = "    " * depth
            if isinstance(child, NavSection):
                lines.append(f"{indent}* {escape(child.title)}")
                add(child, depth + 1)
            else:
                target = md_link(posixpath.join(folder, NAV_FILE), child.src)
                lines.append(f"{indent}* [{titles[child.src]}]({target})")

    add(tree, 0)
    return "\n".join(lines) + "\n"


def nav_files(site: SiteBuild, pages: dict[str, str], mode: str, nav_file: str = NAV_FILE) -> dict[str, str]:
    """{path: text} of the literate-nav file for the generated pages in `pages` ({src: Markdown})."""
    mode = nav_mode(mode, len(pages), len(site.project.maps))
    tree = journeys_nav(site.project, site.paths, mode, "", lambda src: src in pages,
                        site.builder.labels["nav.across"])
    if tree is None:
        return {}
    folder = site.paths.prefix
    titles = {src: page_title(text, posixpath.basename(src)) for src, text in pages.items()}
    text = literate_nav(tree, folder, titles).replace(NAV_FILE, nav_file)
    return {posixpath.join(folder, nav_file) if folder else nav_file: text}


def edit_url(base: str, docs_dir: Path, map_file: Path) -> str:
    """The edit link of a map: `base` (see SiteConfig.edit_base) plus the map's path from the
    docs folder, with `..` folded (`.../edit/main/docs/../maps/x.yml` -> `.../main/maps/x.yml`)."""
    relative = Path(posixpath.relpath(map_file.resolve().as_posix(), docs_dir.resolve().as_posix())).as_posix()
    parts = urlsplit(base + quote(relative, safe="/"))
    return urlunsplit(parts._replace(path=posixpath.normpath(parts.path)))


def edit_link(url: str, display: str) -> str:
    """The block added at the end of a page made from a map (cjm.js retargets the theme's
    edit button to it; without JavaScript, it is the edit link)."""
    return (f'\n\n<p class="cjm-source"><a class="cjm-edit-source" href="{escape_url(url)}"'
            f' title="{escape(LABELS["edit_map"])}: {escape(display)}">{escape(LABELS["edit_map"])}:'
            f" <code>{escape(display)}</code></a></p>\n")
