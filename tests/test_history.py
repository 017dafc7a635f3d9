"""Git history on the site: each map's last change on the health page and its persona page,
the "What changed" page, shallow clones and folders that are not git checkouts, one `git`
process per question whatever the number of maps, and rebuilds that regenerate exactly what a
commit or a rules edit changed.

Real repositories in temporary folders, commits with set dates and authors.
"""

from __future__ import annotations

import html
import subprocess
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from cjm_plugin import changes as changes_module
from cjm_plugin import history
from cjm_plugin.catalog import load_project
from cjm_plugin.site import FileStore, SiteOptions, build_site as build_cjm_site

from sitebuild import build_site, make_site, read as read_html
from test_diff import GIT, commit, new_repo
from test_rules import EPOCH

RULES = "rules:\n  - rule: touchpoint-needs-owner\n    level: notice\n  - rule: review-every\n" \
        "    months: 6\n    level: notice\n"


def shopper(emotion: int = -1, owner: str = "Web team", reviewed: str = "2026-10-01") -> str:
    return f"""\
persona: {{name: Online shopper, id: shopper}}
owner: {owner}
reviewed: {reviewed}
stages:
  - name: Checkout
    emotion: {emotion}
    touchpoints:
      - {{name: Payment page, channel: web, owner: Web team}}
"""


VISITOR = """\
persona: {name: Visitor, id: visitor}
owner: Marketing
reviewed: 2026-11-01
stages:
  - name: Discover
    touchpoints:
      - {name: Poster}
"""


def read(site: Path, url: str) -> str:
    return html.unescape(read_html(site, url))


def text(site: Path, url: str) -> str:
    """What a reader reads on a built page: its article's text, spaces normalised."""
    article = BeautifulSoup(read_html(site, url), "html.parser").find("article")
    return " ".join(article.get_text(" ").split()).replace(" :", ":")


@pytest.fixture
def site_repo(tmp_path, monkeypatch) -> Path:
    """A site in a git repository: two maps, a rules file, three commits."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    root = new_repo(tmp_path / "site")
    make_site(root, maps={"shopper.yml": shopper(), "visitor.yml": VISITOR, "_rules.yml": RULES})
    (root / ".gitignore").write_text("site/\n.cache/\n", encoding="utf-8")
    commit(root, {}, "Maps from the workshop", date="2026-09-01T09:00:00+00:00", author="Ana Lima")
    commit(root, {"maps/visitor.yml": VISITOR.replace("name: Poster", "name: Street poster")},
           "Visitor: rename the poster", date="2026-10-15T09:00:00+00:00", author="Bo Chen")
    commit(root, {"maps/shopper.yml": shopper(emotion=1)},
           "Checkout after the redesign <b>@team</b>", date="2026-11-02T16:30:00+00:00",
           author="Chidi *Okafor* | QA")
    return root


# --- last changes --------------------------------------------------------------------------


def test_each_map_shows_its_last_commit(site_repo):
    site = build_site(site_repo / "mkdocs.yml")
    page = read(site, "journeys/health/")
    shopper_row = page.split('id="health-shopper"')[1].split("</tr>")[0]
    assert "2026-11-02" in shopper_row and "Chidi *Okafor* | QA" in shopper_row
    visitor_row = page.split('id="health-visitor"')[1].split("</tr>")[0]
    assert "2026-10-15" in visitor_row and "Visitor: rename the poster" in visitor_row
    # Commit subjects and authors are text, never markup.
    raw = read_html(site, "journeys/health/")
    assert "<b>@team</b>" not in raw and "<em>Okafor</em>" not in raw
    assert "changed 2026-11-02" in read(site, "journeys/shopper/")
    assert "changed 2026-10-15" in read(site, "journeys/visitor/")


def test_uncommitted_changes_are_marked(site_repo):
    (site_repo / "maps/visitor.yml").write_text(VISITOR.replace("Poster", "Flyer"), encoding="utf-8")
    (site_repo / "maps/new.yml").write_text(VISITOR.replace("Visitor, id: visitor", "New, id: new"),
                                            encoding="utf-8")
    page = read(build_site(site_repo / "mkdocs.yml"), "journeys/health/")
    assert "changed since, not committed" in page.split('id="health-visitor"')[1].split("</tr>")[0]
    assert "not committed yet" in page.split('id="health-new"')[1].split("</tr>")[0]
    assert "changed since" not in page.split('id="health-shopper"')[1].split("</tr>")[0]


def test_a_shallow_clone_gets_a_note_with_the_fix(site_repo, tmp_path):
    clone = tmp_path / "clone"
    subprocess.run([GIT, "clone", "-q", "--depth", "1", f"file://{site_repo}", str(clone)],
                   check=True, capture_output=True)
    site = build_site(clone / "mkdocs.yml")
    page = read(site, "journeys/health/")
    assert "shallow git clone" in page and "fetch-depth: 0" in page
    assert "2026-11-02" not in page.split("<table>")[1]  # no dates rather than wrong ones
    changes = read(site, "journeys/changes/")
    assert "shallow git clone" in changes and "Checkout after the redesign" not in changes


def test_outside_a_git_checkout_the_site_builds_with_a_note(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    config = make_site(tmp_path, maps={"shopper.yml": shopper(), "_rules.yml": RULES})
    site = build_site(config)
    assert "not in a git checkout" in read(site, "journeys/health/")
    assert "changed " not in read(site, "journeys/shopper/").split("cjm-health-line")[1].split("</span></p>")[0]
    assert "No history to show." in read(site, "journeys/changes/")


def test_without_git_the_site_builds_with_a_note(site_repo):
    note = history.last_changes(site_repo / "maps", [site_repo / "maps/shopper.yml"],
                                git="no-such-git-program")
    assert note.changes == {} and note.note.startswith("git is not installed")
    project = load_project([site_repo / "maps"], base=site_repo)
    site = build_cjm_site(project, SiteOptions(diagrams=False, git_executable="no-such-git-program",
                                               cache_dir=site_repo / ".cache/plugin/cjm"))
    page = next(p.content for p in site.pages if p.src == "journeys/health.md")
    assert "git is not installed" in page


def test_one_git_process_per_question_whatever_the_number_of_maps(site_repo, monkeypatch):
    """200-persona sites: git runs a fixed number of times, not once per map."""
    calls: list[list[str]] = []
    popen = subprocess.Popen

    class SpyPopen(popen):  # every `git` runs through Popen (subprocess.run too)
        def __init__(self, args, *rest, **kwargs):
            if args and args[0] in ("git", GIT):
                calls.append(list(args))
            super().__init__(args, *rest, **kwargs)

    monkeypatch.setattr(subprocess, "Popen", SpyPopen)
    config = site_repo / "mkdocs.yml"
    build_site(config)
    cold = [c[3] if c[1] == "-c" else c[1] for c in calls]
    calls.clear()
    build_site(config)
    warm = [c[3] if c[1] == "-c" else c[1] for c in calls]
    # Warm: where the repository is, each map's last commit, what is uncommitted, and which
    # commits changed maps; their changes come from the cache.
    assert warm == ["rev-parse", "log", "status", "log"]
    assert cold.count("cat-file") == 3  # the changed maps of each of the three commits
    for n in range(30):
        (site_repo / f"maps/visitor-{n}.yml").write_text(VISITOR.replace("id: visitor", f"id: visitor-{n}"),
                                                       encoding="utf-8")
    commit(site_repo, {}, "Thirty more visitors", date="2026-11-20T09:00:00+00:00")
    calls.clear()
    build_site(config)
    more = [c[3] if c[1] == "-c" else c[1] for c in calls]
    assert more == ["rev-parse", "log", "status", "log", "cat-file"]


# --- what changed --------------------------------------------------------------------------


def test_the_changes_page_lists_recent_changes_by_commit_and_by_persona(site_repo):
    site = build_site(site_repo / "mkdocs.yml")
    page = text(site, "journeys/changes/")
    assert page.index("Checkout after the redesign") < page.index("Visitor: rename the poster") \
        < page.index("Maps from the workshop")
    assert "Online shopper Checkout: emotion −1 → +1 (better)" in page
    # Touchpoints without an id are matched by name: a new name is a new touchpoint.
    assert "Discover: touchpoint Street poster added" in page
    assert "Discover: touchpoint Poster removed" in page
    assert "New persona Online shopper (1 stages)" in page
    by_persona = page.split("By persona", 1)[1]
    shopper_part = by_persona.split("Online shopper", 1)[1].split("Visitor", 1)[0]
    assert "2026-11-02: Checkout: emotion −1 → +1 (better)" in shopper_part
    # Subjects are text.
    assert "<b>@team</b>" not in read_html(site, "journeys/changes/")
    assert "Checkout after the redesign <b>@team</b>" in page


def test_history_commits_bounds_the_walk_and_zero_removes_the_page(site_repo):
    config = site_repo / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace("- cjm", "- cjm:\n    history_commits: 1")
    config.write_text(text, encoding="utf-8")
    page = read(build_site(config), "journeys/changes/")
    assert "Checkout after the redesign" in page and "Visitor: rename" not in page
    config.write_text(text.replace("history_commits: 1", "history_commits: 0"), encoding="utf-8")
    site = build_site(config)
    assert not (site / "journeys/changes").exists()
    assert (site / "journeys/health/index.html").is_file()


def test_a_warm_build_runs_no_diff(site_repo, monkeypatch):
    config = site_repo / "mkdocs.yml"
    build_site(config)
    diffs: list[str] = []
    original = changes_module._diff_commit
    monkeypatch.setattr(changes_module, "_diff_commit",
                        lambda repo, folder, c: diffs.append(c.subject) or original(repo, folder, c))
    build_site(config)
    assert diffs == []
    commit(site_repo, {"maps/visitor.yml": VISITOR.replace("owner: Marketing", "owner: Brand")},
           "Visitor owned by Brand", date="2026-11-21T09:00:00+00:00")
    page = read(build_site(config), "journeys/changes/")
    assert diffs == ["Visitor owned by Brand"]
    assert "Owner of the map: Marketing → Brand" in page


# --- what a rebuild regenerates ------------------------------------------------------------


def _stored(root: Path) -> dict[str, int]:
    files = root / ".cache/plugin/cjm/site/files"
    return {p.relative_to(files).as_posix(): p.stat().st_mtime_ns for p in files.rglob("*.md")}


def _changed(before: dict[str, int], after: dict[str, int]) -> set[str]:
    return {src for src in after if before.get(src) != after[src]}


def test_a_new_commit_regenerates_what_shows_it(site_repo):
    config = site_repo / "mkdocs.yml"
    build_site(config)
    before = _stored(site_repo)
    time.sleep(0.02)
    visitor = (site_repo / "maps/visitor.yml").read_text(encoding="utf-8")
    commit(site_repo, {"maps/visitor.yml": visitor.replace("reviewed: 2026-11-01", "reviewed: 2026-11-30")},
           "Visitor reviewed", date="2026-11-30T09:00:00+00:00")
    build_site(config)
    changed = _changed(before, _stored(site_repo))
    # The visitor's persona page (its health line) and the pages across maps that show its
    # review or the commit; the shopper's pages stay as they were.
    assert changed == {"journeys/visitor/index.md", "journeys/health.md", "journeys/changes.md"}, changed


def test_a_commit_of_the_same_bytes_changes_only_dates(site_repo):
    """Committing a map that was edited and built before: its page shows a new last change."""
    config = site_repo / "mkdocs.yml"
    (site_repo / "maps/visitor.yml").write_text(VISITOR.replace("Poster", "Banner"), encoding="utf-8")
    build_site(config)
    before = _stored(site_repo)
    time.sleep(0.02)
    commit(site_repo, {}, "Banner", date="2026-11-25T09:00:00+00:00")
    build_site(config)
    changed = _changed(before, _stored(site_repo))
    assert changed == {"journeys/visitor/index.md", "journeys/health.md", "journeys/changes.md"}, changed


def test_a_rules_edit_regenerates_the_health_views_only(site_repo):
    config = site_repo / "mkdocs.yml"
    build_site(config)
    before = _stored(site_repo)
    time.sleep(0.02)
    rules = site_repo / "maps/_rules.yml"
    rules.write_text(RULES.replace("months: 6", "months: 12"), encoding="utf-8")
    build_site(config)
    # A setting no finding depends on: the health page (it lists the rules) only.
    assert _changed(before, _stored(site_repo)) == {"journeys/health.md"}
    before = _stored(site_repo)
    time.sleep(0.02)
    rules.write_text(RULES + "  - rule: stage-needs-evidence\n    level: notice\n", encoding="utf-8")
    build_site(config)
    # A new finding on the shopper's map: its persona page's health line changes too.
    assert _changed(before, _stored(site_repo)) == {"journeys/health.md", "journeys/shopper/index.md"}


def test_incremental_pages_equal_pages_from_scratch(site_repo, tmp_path):
    project = lambda: load_project([site_repo / "maps"], base=site_repo)  # noqa: E731
    options = SiteOptions(diagrams=False, cache_dir=tmp_path / "cache")
    store = tmp_path / "store"
    build_cjm_site(project(), options, store=FileStore(store))
    commit(site_repo, {"maps/shopper.yml": shopper(emotion=2, owner="Checkout squad")},
           "Checkout squad", date="2026-11-28T09:00:00+00:00")
    (site_repo / "maps/_rules.yml").write_text(RULES.replace("months: 6", "months: 1"), encoding="utf-8")
    site = build_cjm_site(project(), options, store=FileStore(store))
    incremental = {f.src: f.path.read_bytes() for f in site.files}
    fresh = build_cjm_site(project(), options)
    assert incremental == {p.src: p.content.encode("utf-8") for p in fresh.pages} | {
        a.src: a.content.encode("utf-8") if isinstance(a.content, str) else a.content for a in fresh.assets}


@pytest.mark.parametrize("language, words", [
    ("de", ["Was sich geändert hat", "Neueste Änderungen", "Online shopper Checkout: Emotion −1 → +1 (besser)",
            "Discover: Touchpoint Street poster hinzugefügt", "Neue Persona Online shopper (1 Phasen)",
            "Nach Persona"]),
    ("zh", ["最近变更", "最新变更", "Checkout：情绪 −1 → +1（改善）", "Discover：触点 Street poster 已添加",
            "新用户画像 Online shopper（1 个阶段）", "按用户画像"]),
])
def test_the_changes_page_speaks_the_site_language(site_repo, language, words):
    import yaml

    config = yaml.safe_load((site_repo / "mkdocs.yml").read_text(encoding="utf-8"))
    config["theme"] = {**config.get("theme", {"name": "material"}), "language": language}
    (site_repo / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    page = text(build_site(site_repo / "mkdocs.yml"), "journeys/changes/")
    joined = page.replace(" ", "")  # the text is split at the bold stage and persona names
    for word in words:
        assert word.replace(" ", "") in joined, (language, word)
    for english in ("What changed", "(better)", "touchpoint", "By persona"):
        assert english not in page, (language, english)
