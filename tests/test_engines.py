"""One journey site, three engines: MkDocs 1.6 and ProperDocs run the plugin; Zensical builds
what `cjm generate` writes, with the `cjm` Markdown extension for the views in hand-written
pages. Each engine builds this repository's own site (mkdocs.yml, zensical.toml, docs/,
maps/) for real, from its command line, once per module; the tests compare what a reader
gets on each.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup

from cjm_plugin.catalog import load_project
from cjm_plugin.embeds import extract
from commands import env_with_tools, tool
from sitebuild import REPO

ENGINES = ("mkdocs", "properdocs", "zensical")
# What the example site needs besides its configuration: pages, maps, and the files its
# pages include with pymdownx.snippets.
EXAMPLE_PARTS = ("mkdocs.yml", "zensical.toml", "docs", "maps", "tests/golden", "tests/data",
                 ".github/workflows/journeys.yml")


def copy_example(root: Path) -> Path:
    for part in EXAMPLE_PARTS:
        source, target = REPO / part, root / part
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, target)
    return root


def command(name: str) -> str:
    found = tool(name)
    if found is None:
        pytest.skip(f"`{name}` is not installed (bash scripts/bootstrap.sh --test installs it)")
    return found


def run(args: list[str], cwd: Path, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=600,
                            env=env_with_tools(DISABLE_MKDOCS_2_WARNING="true", NO_MKDOCS_2_WARNING="1"))
    if check and result.returncode != 0:
        raise AssertionError(f"{' '.join(args)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return result


def build(engine: str, root: Path) -> Path:
    """The example site in `root`, built by `engine` the way its docs say (strict)."""
    if engine == "zensical":
        run([command("cjm"), "generate"], root)
        run([command("zensical"), "build", "--strict", "--clean"], root)
    else:
        run([command(engine), "build", "--strict", "-f", "mkdocs.yml"], root)
    return root / "site"


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[str, Path]:
    return {}


@pytest.fixture(params=ENGINES)
def engine_site(request, sites, tmp_path_factory) -> tuple[str, Path]:
    engine = request.param
    if engine not in sites:
        sites[engine] = build(engine, copy_example(tmp_path_factory.mktemp(engine)))
    return engine, sites[engine]


def site_of(engine: str, sites: dict, tmp_path_factory) -> Path:
    if engine not in sites:
        sites[engine] = build(engine, copy_example(tmp_path_factory.mktemp(engine)))
    return sites[engine]


def article(site: Path, url: str) -> BeautifulSoup:
    path = site / url / "index.html" if url.endswith("/") or not url else site / url
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    return soup.select_one("article")


def journey_pages(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in (site / "journeys").rglob("index.html")}


def broken_links(site: Path, page: Path, root: BeautifulSoup) -> list[str]:
    broken = []
    targets = [a.get("href") for a in root.find_all("a", href=True)]
    targets += [a.get("xlink:href") for a in root.find_all(attrs={"xlink:href": True})]
    for href in targets:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path:
            continue
        target = (page.parent / unquote(parts.path)).resolve()
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            broken.append(href)
    return broken


EXAMPLE = load_project([REPO / "maps"])


# -- the same site on every engine ---------------------------------------------------------

def test_every_engine_builds_the_same_journey_pages(engine_site, sites, tmp_path_factory):
    engine, site = engine_site
    expected = {"journeys/index.html", "journeys/touchpoints/index.html", "journeys/backlog/index.html",
                "journeys/stages/index.html", "journeys/portfolio/index.html", "journeys/evidence/index.html"}
    for loaded in EXAMPLE.maps:
        expected.add(f"journeys/{loaded.id}/index.html")
        expected |= {f"journeys/{loaded.id}/{stage.id}/index.html" for stage in loaded.map.stages}
    pages = journey_pages(site)
    assert expected <= pages, sorted(expected - pages)
    assert pages == journey_pages(site_of("mkdocs", sites, tmp_path_factory)), \
        "the same pages as MkDocs with the plugin (no navigation file published, nothing missing)"


def test_persona_pages_name_every_touchpoint_on_every_engine(engine_site):
    _, site = engine_site
    for loaded in EXAMPLE.maps:
        text = article(site, f"journeys/{loaded.id}/").get_text(" ")
        for stage in loaded.map.stages:
            for touchpoint in stage.touchpoints:
                assert " ".join(touchpoint.name.split()) in " ".join(text.split()), (loaded.id, touchpoint.name)


def test_workshop_report_views_work_on_every_engine(engine_site, sites, tmp_path_factory):
    engine, site = engine_site
    page = site / "workshop-report/index.html"
    body = article(site, "workshop-report/")
    blocks = extract((REPO / "docs/workshop-report.md").read_text(encoding="utf-8")).embeds
    assert not body.select(".cjm-embed-error"), body.select_one(".cjm-embed-error")
    for code in body.select("pre code"):
        assert "show:" not in code.get_text(), f"{engine} left a cjm block as code"
    assert len(body.select(".cjm-diagram svg")) == 1, "the journey diagram"
    assert body.select('.cjm-emotion-chart svg[data-cjm-chart="curve"]'), "the emotion curve (SVG, no dot)"
    assert body.select(".cjm-funnel svg, .cjm-matrix svg"), "funnel and portfolio charts"
    assert len(body.select("table")) >= len(blocks) - 4
    assert broken_links(site, page, body) == [], f"{engine}: links in views lead nowhere"
    # The same rows as under MkDocs with the plugin.
    reference = article(site_of("mkdocs", sites, tmp_path_factory), "workshop-report/")
    assert [td.get_text(" ", strip=True) for td in body.select("td")] == \
        [td.get_text(" ", strip=True) for td in reference.select("td")]


def test_no_link_in_a_journey_page_leads_nowhere_on_any_engine(engine_site):
    """Every generated page's links (canvas, tables, charts, diagrams), whichever engine
    turned them into HTML: MkDocs leaves raw HTML alone, Zensical rewrites its links."""
    engine, site = engine_site
    broken = {}
    for page in sorted((site / "journeys").rglob("index.html")):
        found = broken_links(site, page, BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select_one("article"))
        if found:
            broken[page.relative_to(site).as_posix()] = found[:3]
    assert broken == {}, engine


def _journeys_nav(site: Path) -> list[str]:
    soup = BeautifulSoup((site / "journeys/index.html").read_text(encoding="utf-8"), "html.parser")
    nav = soup.select_one("nav.md-nav--primary")
    labels = [" ".join(e.get_text(" ", strip=True).split()) for e in nav.select(".md-ellipsis")]
    return labels[labels.index("Example journeys"):]


def test_the_navigation_lists_the_journeys_alike(engine_site, sites, tmp_path_factory):
    engine, site = engine_site
    labels = _journeys_nav(site)
    brand = next(m for m in EXAMPLE.maps if m.id == "brand-manager")
    start = labels.index(brand.map.persona.name)
    assert labels[start + 1: start + 1 + len(brand.map.stages)] == [s.name for s in brand.map.stages], \
        "stages in journey order"
    assert "Across personas" in labels and "Touchpoint inventory" in labels
    assert labels == _journeys_nav(site_of("mkdocs", sites, tmp_path_factory))


def test_edit_links_open_the_yaml(engine_site):
    engine, site = engine_site
    soup = BeautifulSoup((site / "journeys/brand-manager/index.html").read_text(encoding="utf-8"), "html.parser")
    expected = "https://github.com/example/cjm/edit/main/maps/brand-manager.yml"
    if engine == "zensical":  # its edit button needs repo_url; the page's own link is there
        assert soup.select_one("a.cjm-edit-source")["href"] == expected
    else:
        assert soup.select_one('a[rel="edit"]')["href"] == expected
        assert soup.select_one("a.cjm-edit-source") is None, "the plugin sets the theme's link itself"


def test_zensical_config_matches_mkdocs_yml():
    """zensical.toml is the same site: the same pages in the same order, the journeys as a folder."""
    mkdocs = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8").replace("!!python", "python"))
    zensical = tomllib.loads((REPO / "zensical.toml").read_text(encoding="utf-8"))["project"]
    pairs = lambda nav: [next(iter(item.items())) for item in nav]  # noqa: E731
    expected = [(title, "journeys/" if target == "journeys/index.md" else target)
                for title, target in pairs(mkdocs["nav"])]
    assert pairs(zensical["nav"]) == expected
    assert zensical["site_name"] == mkdocs["site_name"]
    assert set(zensical["markdown_extensions"]) - {"cjm", "pymdownx"} <= \
        {next(iter(e)) if isinstance(e, dict) else e for e in mkdocs["markdown_extensions"]}


# -- Zensical without cjm set up: reported, not silent ---------------------------------------

def test_zensical_ignoring_cjm_is_reported_with_the_fix(tmp_path):
    """The set-up of a team that only switched the command: Zensical reads mkdocs.yml, drops
    `plugins: - cjm` without a word and builds a site without journeys or views."""
    root = copy_example(tmp_path)
    result = run([command("zensical"), "build", "--clean", "-f", "mkdocs.yml"], root)
    assert result.returncode == 0 and "cjm" not in result.stdout + result.stderr, "Zensical is silent"
    assert not (root / "site/journeys").exists()
    report = article(root / "site", "workshop-report/")
    assert any("show: glance" in code.get_text() for code in report.select("pre code"))

    checked = run([command("cjm"), "validate", "--site", "--engine", "zensical", "--config", "mkdocs.yml"],
                  root, check=False)
    out = checked.stdout
    assert checked.returncode == 1, out
    plugins_line = next(n for n, line in enumerate((root / "mkdocs.yml").read_text().splitlines(), 1)
                        if line.strip() == "- cjm")
    assert f"mkdocs.yml:{plugins_line}:1: Zensical runs no MkDocs plugins, so `cjm` under `plugins`" \
           " is ignored without a word" in out
    assert "Remove it there, add `cjm` to `markdown_extensions`, and run `cjm generate`" in out
    first_block = next(iter(extract((root / "docs/workshop-report.md").read_text()).embeds.values()))
    assert f"docs/workshop-report.md:{first_block.line}:1: this cjm block is a code block in" \
           " site/workshop-report/index.html: Zensical did not run the cjm extension" in out
    assert "the built site has no journey pages (site/journeys/index.html is missing): the engine ran" \
           " without cjm; run `cjm generate` before `zensical build`" in out


def test_views_link_checked_by_zensical_strict(tmp_path):
    """Zensical checks the views' links: without `cjm generate`, --strict fails on them."""
    root = copy_example(tmp_path)
    result = run([command("zensical"), "build", "--strict", "--clean"], root, check=False)
    assert result.returncode != 0
    assert "page does not exist" in result.stdout + result.stderr


def test_validate_site_passes_on_the_example(tmp_path):
    root = copy_example(tmp_path)
    for engine in ENGINES:
        result = run([command("cjm"), "validate", "--site", "--engine", engine,
                      *(["--config", "mkdocs.yml"] if engine != "zensical" else [])], root, check=False)
        assert result.returncode == 0, (engine, result.stdout, result.stderr)
        assert "0 error(s), 0 warning(s)" in result.stdout


def test_one_checkout_serves_both_engines(sites, tmp_path_factory):
    """After `cjm generate` wrote the pages into docs/ (for Zensical), MkDocs with the plugin
    builds the same checkout strictly: the plugin leaves those files out and makes its own."""
    root = site_of("zensical", sites, tmp_path_factory).parent
    assert (root / "docs/journeys/index.md").is_file()
    result = run([command("mkdocs"), "build", "--strict", "-f", "mkdocs.yml", "-d", "mkdocs-site"], root)
    assert "left out" in result.stderr and "`cjm generate` wrote into the docs" in result.stderr
    assert (root / "mkdocs-site/journeys/brand-manager/index.html").is_file()
    assert not (root / "mkdocs-site/journeys/SUMMARY/index.html").exists()
