"""The navigation of the generated pages, as a tree any engine adapter can write out: the
plugin turns it into MkDocs sections, `cjm generate` into a literate-nav file (SUMMARY.md)
that Zensical and mkdocs-literate-nav read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Union

from .catalog import Project
from .urls import SitePaths

# Above this many generated pages, `nav: auto` stops listing stage pages: Material renders
# the whole navigation into every page, so build time grows with pages × nav entries.
# Measured (bench/README.md): an entry inside a persona's sub-section costs each page about
# 0.2 ms, a flat persona entry about 0.04 ms, against ~55 ms for the rest of a page. At 150
# pages the full navigation made every page 50% slower; 60 keeps it near 20%, and 100 flat
# persona entries cost under 10%.
AUTO_NAV_FULL_LIMIT = 60
AUTO_NAV_PERSONAS_LIMIT = 100

NAV_MODES = ("auto", "full", "personas", "index")
ACROSS_TITLE = "Across personas"  # English; the site's language: the `nav.across` label


@dataclass
class NavPage:
    src: str  # under the docs folder; its title is the page's own


@dataclass
class NavSection:
    title: str  # plain text (map text too): each adapter escapes it for its output
    children: list[Union[NavPage, "NavSection"]] = field(default_factory=list)


def nav_mode(mode: str, pages: int, personas: int) -> str:
    """`auto` resolved for a site of `pages` generated pages and `personas` maps."""
    if mode != "auto":
        return mode
    if pages <= AUTO_NAV_FULL_LIMIT:
        return "full"
    return "personas" if personas <= AUTO_NAV_PERSONAS_LIMIT else "index"


def journeys_nav(project: Project, paths: SitePaths, mode: str, title: str,
                 exists: Callable[[str], bool], across_title: str = ACROSS_TITLE) -> NavSection | None:
    """The journeys section: the index, each persona (with its stages in `full` mode), and
    the pages across personas; only pages that `exists` says are there. None without an index."""
    if not exists(paths.index):
        return None
    children: list[NavPage | NavSection] = [NavPage(paths.index)]
    if mode != "index":
        for loaded in project.maps:
            persona = paths.persona(loaded.id)
            if not exists(persona):
                continue
            if mode == "full":
                stages = [paths.stage(loaded.id, s.id) for s in loaded.map.stages]
                children.append(NavSection(loaded.map.persona.name,
                                           [NavPage(persona)] + [NavPage(s) for s in stages if exists(s)]))
            else:
                children.append(NavPage(persona))
    across = [paths.stages_index, paths.touchpoints, paths.backlog, paths.portfolio, paths.evidence,
              paths.health, paths.changes]
    children.append(NavSection(across_title, [NavPage(src) for src in across if exists(src)]))
    return NavSection(title, children)
