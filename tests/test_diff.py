"""`cjm diff`: what changed in the maps, by meaning, between two git revisions (or the work
tree, or two folders). Real git repositories in temporary folders, with commits of set dates
and authors; every kind of change the issue lists, with its exact sentence.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from cjm_plugin.cli import main
from cjm_plugin.diffreport import EMPTY_MARKER, MARKER, markdown_text

GIT = shutil.which("git")
if GIT is None:  # pragma: no cover - git is part of the test machine
    pytest.fail("git is missing: install it (apt-get install git); these tests need it",
                pytrace=False)

BASE_SHOPPER = """\
persona:
  name: Online shopper
  id: shopper
owner: Web team
reviewed: 2026-05-01
stages:
  - id: discover
    name: Discover
    emotion: 1
    touchpoints:
      - {name: Search ad, channel: advertising, owner: Marketing}
      - {name: Newsletter, channel: email, owner: CRM}
      - {name: Price comparison site, channel: web}
  - id: checkout
    name: Checkout
    emotion: -1
    touchpoints:
      - {id: pay-page, name: Payment page, channel: web, owner: Web team}
      - {name: Chat, channel: chat, owner: Support}
    pain_points:
      - {id: fee, text: Delivery fee appears only at the end., severity: high}
      - {id: account, text: Forced to create an account, severity: high}
      - {text: Coupon field is hard to find, severity: low}
    opportunities:
      - {id: guest, text: Guest checkout, owner: Web team, status: planned}
      - {text: Bigger coupon field, owner: Web team, status: idea}
    metrics:
      - {name: Drop-off at checkout, value: 20, unit: "%", better: lower, target: 10}
      - {name: Sessions, value: 1200}
  - id: delivery
    name: Delivery
    emotion: 0
    touchpoints:
      - {name: Tracking email, channel: email, owner: Logistics}
"""

HEAD_SHOPPER = """\
persona:
  name: Online shopper
  id: shopper
owner: E-commerce team
reviewed: 2026-11-20
stages:
  - id: discover
    name: Discover
    emotion: 1
    touchpoints:
      - {name: Search ad, channel: social, owner: Brand team}
      - {name: Price comparison site, channel: web, owner: Marketing}
  - id: delivery
    name: Delivery
    emotion: 0
    touchpoints:
      - {name: Tracking email, channel: email, owner: Logistics}
      - {name: Chat, channel: chat, owner: Support}
  - id: checkout
    name: Pay
    emotion: 1
    touchpoints:
      - {id: pay-page, name: Checkout page, channel: web, owner: Web team}
      - {name: Wallet button, channel: web}
    pain_points:
      - {id: fee, text: Delivery fee appears only at the end., severity: high}
      - {text: Coupon field is hard to find, severity: medium}
      - {text: Card form resets on error, severity: high}
    opportunities:
      - {id: guest, text: Guest checkout, owner: Web team, status: in progress}
      - {text: Bigger coupon field, owner: Design team, status: idea}
      - {text: Show the delivery fee on product pages, owner: Web team, status: planned,
         addresses: [fee]}
    metrics:
      - {name: Drop-off at checkout, value: 15, unit: "%", better: lower, target: 12}
      - {name: Sessions, value: 1500}
  - id: returns
    name: Returns
    emotion: -1
    opportunities:
      - {text: Free returns label, owner: Logistics}
"""

GONE = """\
persona: {name: Walk-in customer, id: walk-in}
stages:
  - {name: Visit, emotion: 0}
"""

NEW = """\
persona: {name: Mobile-only shopper, id: mobile}
stages:
  - {name: Discover}
  - {name: Buy}
"""

RULES = "rules:\n  - rule: touchpoint-needs-owner\n"

# Every change from BASE to HEAD, in the order `cjm diff` lists it.
EXPECTED_SHOPPER = [
    "Owner of the map: Web team → E-commerce team",
    "Reviewed on 2026-11-20 (before: 2026-05-01)",
    "Stage **Returns** added",
    "Stage **Checkout** renamed **Pay**",
    "Stages reordered: **Discover** → **Delivery** → **Pay**",
    "**Discover**: touchpoint *Newsletter* removed",
    "**Discover**: touchpoint *Search ad*: channel advertising → social",
    "**Discover**: touchpoint *Search ad*: owner Marketing → Brand team",
    "**Discover**: touchpoint *Price comparison site*: owner none → Marketing",
    "Touchpoint *Chat* moved from **Checkout** to **Delivery**",
    "**Pay**: emotion −1 → +1 (better)",
    "**Pay**: touchpoint *Wallet button* added",
    "**Pay**: touchpoint *Payment page* renamed *Checkout page*",
    "**Pay**: new pain point (high): *Card form resets on error*",
    "**Pay**: pain point resolved (high), removed: *Forced to create an account*",
    "**Pay**: pain point resolved (high): *Delivery fee appears only at the end*, now addressed"
    " by *Show the delivery fee on product pages*",
    "**Pay**: pain point *Coupon field is hard to find*: severity low → medium",
    "**Pay**: new opportunity *Show the delivery fee on product pages* (owner Web team, status"
    " planned)",
    "**Pay**: opportunity *Guest checkout*: status planned → in progress",
    "**Pay**: opportunity *Bigger coupon field*: owner Web team → Design team",
    "**Pay**: *Drop-off at checkout* 20% → 15% (better)",
    "**Pay**: *Sessions* 1200 → 1500",
    "**Pay**: *Drop-off at checkout*: target 10% → 12%",
    "**Returns**: new opportunity *Free returns label* (owner Logistics)",
]


def git(repo: Path, *args: str, date: str = "2026-11-02T10:00:00+00:00",
        author: str = "Ana Lima") -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_AUTHOR_NAME=author, GIT_AUTHOR_EMAIL="ana@example.org",
               GIT_COMMITTER_NAME=author, GIT_COMMITTER_EMAIL="ana@example.org",
               GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date, GIT_CONFIG_NOSYSTEM="1",
               HOME=str(repo))
    result = subprocess.run([GIT, *args], cwd=repo, env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def commit(repo: Path, files: dict[str, str | None], message: str, **who: str) -> str:
    """Write (or, for None, delete) files under `repo`, and commit them all."""
    for name, text in files.items():
        path = repo / name
        if text is None:
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text), encoding="utf-8")
    git(repo, "add", "-A", **who)
    git(repo, "commit", "-q", "--no-gpg-sign", "-m", message, **who)
    return git(repo, "rev-parse", "HEAD")


def new_repo(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    return path


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    """A repository with two commits: BASE (tagged `base`) and HEAD."""
    root = new_repo(tmp_path / "repo")
    commit(root, {"maps/shopper.yml": BASE_SHOPPER, "maps/walk-in.yml": GONE,
                  "maps/_rules.yml": RULES}, "Maps from the workshop", date="2026-10-01T09:00:00+00:00")
    git(root, "tag", "base")
    commit(root, {"maps/shopper.yml": HEAD_SHOPPER, "maps/walk-in.yml": None,
                  "maps/mobile.yml": NEW}, "Checkout after the redesign", date="2026-11-02T10:00:00+00:00")
    monkeypatch.chdir(root)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    return root


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def bullets(markdown: str, persona: str) -> list[str]:
    """The bullet lines under the heading of `persona`."""
    section = markdown.split(f"### {persona}\n", 1)[1].split("\n### ", 1)[0]
    return [line[2:] for line in section.splitlines() if line.startswith("- ")]


# --- every kind of change ------------------------------------------------------------------


def test_every_kind_of_change_between_two_revisions(repo, capsys):
    code, out, err = run(capsys, "diff", "base", "HEAD")
    assert code == 0, err
    assert out.startswith("## Journey map changes\n\n**3 maps changed** · 2 pain points resolved"
                          " · 1 new pain point · 1 emotion better · 1 rule finding introduced"
                          " · 1 rule finding fixed\n")
    assert bullets(out, "Online shopper") == EXPECTED_SHOPPER
    assert bullets(out, "Mobile-only shopper") == ["New persona **Mobile-only shopper** (2 stages)"]
    assert bullets(out, "Walk-in customer") == ["Persona **Walk-in customer** removed"]
    # Rule findings: the touchpoint given an owner is fixed, the new one without is introduced.
    findings = out.split("### Rule findings\n", 1)[1]
    assert ("**Introduced**\n\n- `maps/shopper.yml:24` \\[touchpoint-needs-owner\\] touchpoint"
            " `Wallet button` has no owner; add `owner:` with the team accountable for it"
            " (warning)\n") in findings
    assert ("**Fixed**\n\n- `maps/shopper.yml:13` \\[touchpoint-needs-owner\\] touchpoint"
            " `Price comparison site` has no owner") in findings
    base = git(repo, "rev-parse", "--short=7", "base")
    head = git(repo, "rev-parse", "--short=7", "HEAD")
    assert out.endswith(f"<sub>Compared base ({base}) with HEAD ({head}). Made by `cjm diff`.</sub>\n")


def test_head_defaults_to_the_work_tree(repo, capsys):
    (repo / "maps/mobile.yml").write_text(NEW.replace("  - {name: Buy}", "  - {name: Buy, emotion: -2}"),
                                          encoding="utf-8")
    code, out, _ = run(capsys, "diff", "HEAD")
    assert code == 0
    assert bullets(out, "Mobile-only shopper") == ["**Buy**: emotion none → −2"]
    assert "with the work tree" in out
    # Nothing was written: the work tree and the index are as they were.
    assert git(repo, "status", "--porcelain") == "M maps/mobile.yml"


def test_two_folders(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for folder, text in (("before", BASE_SHOPPER), ("after", HEAD_SHOPPER)):
        (tmp_path / folder / "maps").mkdir(parents=True)
        (tmp_path / folder / "maps/shopper.yml").write_text(text, encoding="utf-8")
    code, out, _ = run(capsys, "diff", "before", "after")
    assert code == 0
    assert bullets(out, "Online shopper") == EXPECTED_SHOPPER
    # The maps folders themselves work too.
    assert bullets(run(capsys, "diff", "before/maps", "after/maps")[1], "Online shopper") == EXPECTED_SHOPPER


def test_a_renamed_stage_without_id_is_a_rename(repo, capsys):
    text = HEAD_SHOPPER.replace("  - id: returns\n    name: Returns", "  - name: Returns")
    commit(repo, {"maps/shopper.yml": text}, "no id")
    commit(repo, {"maps/shopper.yml": text.replace("name: Returns", "name: Returns and refunds")}, "renamed")
    _, out, _ = run(capsys, "diff", "HEAD~1")
    assert bullets(out, "Online shopper") == ["Stage **Returns** renamed **Returns and refunds**"]


def test_an_item_that_gains_an_id_is_the_same_item(repo, capsys):
    text = HEAD_SHOPPER.replace("{name: Wallet button, channel: web}",
                                "{id: wallet, name: Wallet button, channel: web, owner: Web team}")
    (repo / "maps/shopper.yml").write_text(text, encoding="utf-8")
    _, out, _ = run(capsys, "diff", "HEAD")
    assert bullets(out, "Online shopper") == [
        "**Pay**: touchpoint *Wallet button*: owner none → Web team"]
    assert "**Fixed**" in out


def test_no_change(repo, capsys):
    code, out, _ = run(capsys, "diff", "HEAD", "HEAD")
    assert code == 0
    assert "No change to the journey maps." in out
    code, out, _ = run(capsys, "diff", "HEAD", "--format", "github")
    assert out.startswith(f"{MARKER}\n{EMPTY_MARKER}\n## Journey map changes\n")


# --- formats -------------------------------------------------------------------------------


def test_github_format_is_the_markdown_with_a_marker(repo, capsys):
    _, markdown, _ = run(capsys, "diff", "base", "HEAD")
    code, out, _ = run(capsys, "diff", "base", "HEAD", "--format", "github")
    assert code == 0
    assert out == f"{MARKER}\n{markdown}"
    assert EMPTY_MARKER not in out


def test_json_format(repo, capsys):
    code, out, _ = run(capsys, "diff", "base", "HEAD", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["changed"] is True and data["head"].startswith("HEAD (")
    kinds = [c["kind"] for c in data["changes"]]
    for kind in ("persona-added", "persona-removed", "stage-added", "stage-renamed",
                 "stages-reordered", "emotion", "touchpoint-added", "touchpoint-removed",
                 "touchpoint-moved", "touchpoint-channel", "touchpoint-owner", "pain-added",
                 "pain-resolved", "pain-addressed", "opportunity-added", "opportunity-status",
                 "opportunity-owner", "metric-value"):
        assert kind in kinds, kind
    emotion = next(c for c in data["changes"] if c["kind"] == "emotion")
    assert emotion == {"kind": "emotion", "persona": "shopper", "persona_name": "Online shopper",
                       "file": "maps/shopper.yml", "subject": "Pay", "stage": "Pay", "before": -1,
                       "after": 1, "direction": "better"}
    metric = next(c for c in data["changes"] if c["kind"] == "metric-value" and c["subject"] == "Sessions")
    assert "direction" not in metric  # no `better`: not judged
    assert [f["rule"] for f in data["findings"]["introduced"]] == ["touchpoint-needs-owner"]
    assert data["findings"]["fixed"][0]["line"] == 13


def test_out_writes_a_file(repo, capsys):
    code, out, err = run(capsys, "diff", "base", "--out", "changes.md")
    assert code == 0 and out == "" and "wrote changes.md" in err
    assert (repo / "changes.md").read_text(encoding="utf-8").startswith("## Journey map changes")


# --- map text in a pull-request comment ----------------------------------------------------


def test_map_text_cannot_format_link_or_mention(repo, capsys):
    hostile = "@everyone see #12 <img src=x onerror=alert(1)> [click](javascript:x) **bold** | `code`"
    text = NEW.replace("  - {name: Buy}", f"  - name: Buy\n    touchpoints:\n      - name: {json.dumps(hostile)}")
    (repo / "maps/mobile.yml").write_text(text, encoding="utf-8")
    _, out, _ = run(capsys, "diff", "HEAD")
    line = bullets(out, "Mobile-only shopper")[0]
    assert line == ("**Buy**: touchpoint *@\u200beveryone see \\#\u200b12 \\<img src=x onerror=alert(1)\\>"
                    " \\[click\\](javascript:x) \\*\\*bold\\*\\* \\| \\`code\\`* added")
    assert markdown_text("a" * 500).endswith("…") and len(markdown_text("a" * 500)) == 160


# --- problems ------------------------------------------------------------------------------


def test_an_invalid_map_on_one_side_is_reported_not_compared(repo, capsys):
    (repo / "maps/shopper.yml").write_text(HEAD_SHOPPER.replace("    emotion: 1\n", "    emotion: 7\n", 1),
                                           encoding="utf-8")
    code, out, err = run(capsys, "diff", "base")
    assert code == 0
    assert "Traceback" not in out + err
    assert "### Online shopper" not in out  # not shown as removed, nor compared
    assert "### Not compared" in out
    assert ("- the work tree: maps/shopper.yml:9:14: `emotion` is 7, out of range; use a whole"
            " number from -2 (very negative) to 2 (very positive)") in out
    assert "the work tree: maps/shopper.yml:9:14: `emotion` is 7" in err
    assert bullets(out, "Mobile-only shopper") == ["New persona **Mobile-only shopper** (2 stages)"]


def test_an_unknown_revision_is_a_usage_error(repo, capsys):
    code, out, err = run(capsys, "diff", "no-such-branch")
    assert code == 2 and out == ""
    assert err == ("cjm diff: `no-such-branch` is neither a folder nor a git revision; pass a branch,"
                   " tag or commit (such as `origin/main`), or a folder\n")
    assert run(capsys, "diff", "--upload-pack=touch /tmp/x")[0] == 2


def test_outside_a_git_checkout_revisions_need_git(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "maps").mkdir()
    code, _, err = run(capsys, "diff", "main")
    assert code == 2
    assert err.strip() == ("cjm diff: `main` is not a folder, and `maps` is not in a git checkout,"
                           " so it cannot be a git revision; pass two folders, or run cjm diff in"
                           " a git checkout")


def test_without_git_revisions_say_to_install_it(repo, capsys, monkeypatch):
    (repo.parent / "no-git").mkdir()
    monkeypatch.setenv("PATH", str(repo.parent / "no-git"))
    code, _, err = run(capsys, "diff", "base")
    assert code == 2
    assert "`base` is not a folder, and git is not installed (apt-get install git)" in err


def test_a_revision_without_the_maps_folder_adds_every_persona(repo, capsys):
    first = commit(repo, {"README.md": "hello"}, "readme")
    git(repo, "checkout", "-q", "--orphan", "empty")
    git(repo, "rm", "-rqf", ".")
    commit(repo, {"README.md": "nothing"}, "empty")
    git(repo, "checkout", "-q", "main")
    code, out, _ = run(capsys, "diff", "empty", first)
    assert code == 0
    assert "New persona **Online shopper** (4 stages)" in out


# --- the docs ------------------------------------------------------------------------------

DOCS_EXAMPLE = Path(__file__).resolve().parent.parent / "docs/examples/diff-comment.txt"


def test_the_docs_show_a_real_comment(repo, capsys):
    """docs/governance.md shows this comment as a reader sees it: it must be what `cjm diff`
    prints. Regenerate with CJM_UPDATE_DOCS=1."""
    code, out, _ = run(capsys, "diff", "base", "HEAD", "--format", "github")
    assert code == 0
    if os.environ.get("CJM_UPDATE_DOCS") == "1":
        DOCS_EXAMPLE.write_text(out, encoding="utf-8")
    assert DOCS_EXAMPLE.read_text(encoding="utf-8") == out, (
        "docs/examples/diff-comment.txt is out of date: run"
        " `CJM_UPDATE_DOCS=1 pytest tests/test_diff.py -k docs`")


def test_messages_keep_their_code_spans_and_nothing_else():
    from cjm_plugin.diffreport import markdown_message

    assert markdown_message("touchpoint `@team <b>` has no owner; add `owner:`") == \
        "touchpoint `@team <b>` has no owner; add `owner:`"
    assert markdown_message("touchpoint `a`b` has *no* owner @you") == \
        "touchpoint \\`a\\`b\\` has \\*no\\* owner @\u200byou"
