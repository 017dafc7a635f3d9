"""Rules as code: `maps/_rules.yml`, every rule on a broken map (exact message and position),
levels and exit codes, messages about the rules file itself, and the Map health page.

Today is an input: the tests set SOURCE_DATE_EPOCH, as a reproducible build does.
"""

from __future__ import annotations

import html
import textwrap
from datetime import date, datetime, timezone

import pytest

from cjm_plugin import rules as rules_module
from cjm_plugin.catalog import load_project
from cjm_plugin.cli import main
from cjm_plugin.rules import add_months, months_between, today
from mkdocs.exceptions import Abort

from sitebuild import MINIMAL_MAP, build_site, make_site, read as read_html


def read(site, url: str) -> str:
    """A built page's HTML with entities decoded (map text arrives as `&#58;` and the like)."""
    return html.unescape(read_html(site, url))

TODAY = date(2026, 12, 3)
EPOCH = str(int(datetime(2026, 12, 3, 15, 30, tzinfo=timezone.utc).timestamp()))

# Line numbers matter: the tests below name them.
BROKEN = """\
persona:
  name: Broken persona
owner: CX research
reviewed: 2025-01-15
stages:
  - name: Checkout
    emotion: -2
    touchpoints:
      - name: Payment page
        channel: web
    pain_points:
      - text: Card declined without a reason
        severity: high
      - id: slow-page
        text: Page is slow
        severity: high
  - name: Delivery
    emotion: 1
    evidence: [old-survey]
    touchpoints:
      - name: Parcel tracking
        owner: Logistics
    pain_points:
      - id: late
        text: Parcel arrives late
        severity: high
    opportunities:
      - text: Track parcels live
        addresses: [late]
  - name: Support
    emotion: 0
    evidence: [undated-calls]
"""

# A map that follows every rule.
GOOD = """\
persona:
  name: Good persona
owner: CX research
reviewed: 2026-10-01
stages:
  - name: Checkout
    emotion: -1
    evidence: [recent-test]
    touchpoints:
      - {name: Payment page, channel: web, owner: Web team}
    pain_points:
      - {id: slow, text: Slow page, severity: high}
    opportunities:
      - {text: Faster page, owner: Web team, addresses: [slow]}
"""

RESEARCH = """\
evidence:
  - id: old-survey
    kind: survey
    date: 2024-05
  - id: undated-calls
    kind: support
  - id: recent-test
    kind: usability-test
    date: 2026-09-14
"""

ALL_RULES = """\
rules:
  - rule: low-emotion-needs-opportunity
    threshold: -1
    level: error
  - rule: high-pain-needs-opportunity
  - rule: touchpoint-needs-owner
    level: notice
  - rule: stage-needs-evidence
  - rule: review-every
    months: 6
  - rule: evidence-younger-than
    months: 18
"""

EXPECTED = [
    "maps/_research.yml:5:9: [evidence-younger-than] evidence `undated-calls` is cited but has no"
    " `date`, so its age is unknown; add `date: YYYY-MM-DD` (the day of the research) (warning)",
    "maps/broken.yml:4:11: [review-every] last reviewed on 2025-01-15, 22 months ago (the rules ask"
    " for a review every 6); review the map with its owner and set `reviewed:` to that day (warning)",
    "maps/broken.yml:6:5: [low-emotion-needs-opportunity] stage `Checkout` feels -2, at or below -1,"
    " and has no opportunity; add one under its `opportunities:`, or address one of its pain points"
    " from another stage",
    "maps/broken.yml:6:5: [stage-needs-evidence] stage `Checkout` has an emotion but cites no"
    " evidence; add `evidence: [ID]` with the id of a source in maps/_research.yml (warning)",
    "maps/broken.yml:9:9: [touchpoint-needs-owner] touchpoint `Payment page` has no owner; add"
    " `owner:` with the team accountable for it (notice)",
    "maps/broken.yml:12:9: [high-pain-needs-opportunity] high pain point `Card declined without a"
    " reason` is addressed by no opportunity; give it an `id:`, and add an opportunity with an"
    " `owner:` that lists that id in `addresses:` (warning)",
    "maps/broken.yml:14:9: [high-pain-needs-opportunity] high pain point `Page is slow` is addressed"
    " by no opportunity; add one with `addresses: [slow-page]` and an `owner:` (warning)",
    "maps/broken.yml:19:16: [evidence-younger-than] cites evidence `old-survey` of 2024-05, 31 months"
    " old (the rules allow 18); cite newer research, or renew the source in maps/_research.yml"
    " (warning)",
    "maps/broken.yml:24:9: [high-pain-needs-opportunity] high pain point `Parcel arrives late` is"
    " addressed only by opportunities without an owner (`Track parcels live`); give one of them an"
    " `owner:` (warning)",
]


def write(root, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / "maps" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    return tmp_path


# --- dates ---------------------------------------------------------------------------------


def test_today_is_source_date_epoch_when_set(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    assert today() == TODAY
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "not a number")
    assert today() == datetime.now(timezone.utc).date()
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert today() == datetime.now(timezone.utc).date()


def test_months_are_calendar_months():
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2026, 1, 15), 12) == date(2027, 1, 15)
    assert months_between(date(2025, 1, 15), date(2026, 12, 3)) == 22
    assert months_between(date(2026, 6, 3), date(2026, 12, 3)) == 6


# --- every rule on a broken map ------------------------------------------------------------


def test_every_rule_reports_at_the_offending_item(project, capsys):
    write(project, {"broken.yml": BROKEN, "good.yml": GOOD, "_research.yml": RESEARCH,
                    "_rules.yml": ALL_RULES})
    code, out, _ = run(capsys, "validate")
    lines = out.splitlines()
    assert lines[:-1] == EXPECTED
    assert lines[-1] == "2 map file(s) checked: 1 error(s), 7 warning(s), 1 notice(s)"
    assert code == 1  # the error rule


def test_levels_decide_the_exit_code(project, capsys):
    write(project, {"broken.yml": BROKEN, "good.yml": GOOD, "_research.yml": RESEARCH,
                    "_rules.yml": "rules:\n  - rule: touchpoint-needs-owner\n"})
    code, out, _ = run(capsys, "validate")
    assert code == 0 and out.endswith("2 map file(s) checked: 0 error(s), 1 warning(s)\n")
    assert run(capsys, "validate", "--strict")[0] == 1
    # A notice is shown and fails nothing, not even --strict.
    write(project, {"_rules.yml": "rules:\n  - rule: touchpoint-needs-owner\n    level: notice\n"})
    code, out, _ = run(capsys, "validate", "--strict")
    assert code == 0
    assert out.splitlines() == [
        "maps/broken.yml:9:9: [touchpoint-needs-owner] touchpoint `Payment page` has no owner;"
        " add `owner:` with the team accountable for it (notice)",
        "2 map(s) valid, 1 notice(s)"]
    write(project, {"_rules.yml": "rules:\n  - rule: touchpoint-needs-owner\n    level: error\n"})
    assert run(capsys, "validate")[0] == 1


def test_findings_as_github_annotations(project, capsys):
    write(project, {"broken.yml": BROKEN, "good.yml": GOOD, "_research.yml": RESEARCH,
                    "_rules.yml": ALL_RULES})
    _, out, err = run(capsys, "validate", "--format", "github")
    lines = out.splitlines()
    assert ("::error file=maps/broken.yml,line=6,col=5,title=cjm::[low-emotion-needs-opportunity]"
            " stage `Checkout` feels -2, at or below -1, and has no opportunity; add one under its"
            " `opportunities:`, or address one of its pain points from another stage") in lines
    assert any(line.startswith("::notice file=maps/broken.yml,line=9,col=9,title=cjm::"
                               "[touchpoint-needs-owner] touchpoint `Payment page`") for line in lines)
    assert any(line.startswith("::warning file=maps/broken.yml,line=4,col=11,title=cjm::[review-every]")
               for line in lines)
    assert "2 map file(s) checked: 1 error(s), 7 warning(s), 1 notice(s)" in err


def test_a_map_without_review_date_is_reported_at_its_top(project, capsys):
    write(project, {"m.yml": MINIMAL_MAP, "_rules.yml": "rules:\n  - rule: review-every\n    months: 6\n"})
    _, out, _ = run(capsys, "validate")
    assert out.splitlines()[0] == (
        "maps/m.yml:1:1: [review-every] the map has no `reviewed:` date; review it with its owner,"
        " then add `reviewed: 2026-12-03` at the top level (warning)")


def test_review_dates_in_the_future_and_in_time(project, capsys):
    good = GOOD.replace("reviewed: 2026-10-01", "reviewed: 2027-01-05")
    write(project, {"good.yml": good, "_research.yml": "evidence:\n  - {id: recent-test}\n",
                    "_rules.yml": "rules:\n  - rule: review-every\n    months: 6\n"})
    _, out, _ = run(capsys, "validate")
    assert out.splitlines()[0] == (
        "maps/good.yml:4:11: [review-every] `reviewed:` 2027-01-05 is after today (2026-12-03);"
        " write the day of the last review (warning)")
    # Exactly six months ago is still in time; a quoted ISO date and time is a date too.
    write(project, {"good.yml": GOOD.replace("reviewed: 2026-10-01", 'reviewed: "2026-06-03T09:00:00Z"')})
    assert run(capsys, "validate")[1] == "1 map(s) valid\n"


def test_an_opportunity_in_another_map_counts_for_a_low_stage(project, capsys):
    low = "persona: {name: Low, id: low}\nstages:\n  - name: Wait\n    emotion: -2\n" \
          "    pain_points:\n      - {id: queue, text: Long queue, severity: medium}\n"
    other = "persona: {name: Other}\nstages:\n  - name: Help\n    opportunities:\n" \
            "      - {text: Call back, owner: Support, addresses: [low/queue]}\n"
    write(project, {"low.yml": low, "other.yml": other,
                    "_rules.yml": "rules:\n  - rule: low-emotion-needs-opportunity\n"})
    assert run(capsys, "validate")[:2] == (0, "2 map(s) valid\n")


def test_no_rules_file_changes_nothing(project, capsys):
    write(project, {"broken.yml": BROKEN, "good.yml": GOOD, "_research.yml": RESEARCH})
    project_data = load_project([project / "maps"])
    assert project_data.rules is None and project_data.findings == []
    assert run(capsys, "validate")[:2] == (0, "2 map(s) valid\n")


def test_an_empty_rules_file_checks_nothing(project, capsys):
    write(project, {"broken.yml": BROKEN, "good.yml": GOOD, "_research.yml": RESEARCH,
                    "_rules.yml": "rules: []\n"})
    assert run(capsys, "validate")[:2] == (0, "2 map(s) valid\n")
    write(project, {"_rules.yml": "# nothing yet\n"})
    code, out, _ = run(capsys, "validate")
    assert "maps/_rules.yml:1:1: the file is empty" in out


# --- the rules file itself -----------------------------------------------------------------


@pytest.mark.parametrize("rules, expected", [
    ("rules:\n  - rule: touchpoint-needs-ownr\n",
     "maps/_rules.yml:2:11: unknown rule `touchpoint-needs-ownr` (did you mean"
     " `touchpoint-needs-owner`?); rules: `low-emotion-needs-opportunity`,"
     " `high-pain-needs-opportunity`, `touchpoint-needs-owner`, `stage-needs-evidence`,"
     " `review-every`, `evidence-younger-than`"),
    ("rules:\n  - rule: low-emotion-needs-opportunity\n    treshold: -2\n",
     "maps/_rules.yml:3:5: `treshold` is not a setting of rule `low-emotion-needs-opportunity`"
     " (did you mean `threshold`?); its settings: `level`, `threshold`"),
    ("rules:\n  - rule: review-every\n    month: 6\n",
     "maps/_rules.yml:3:5: `month` is not a setting of rule `review-every` (did you mean"
     " `months`?); its settings: `level`, `months`"),
    ("rules:\n  - rule: review-every\n    months: half a year\n",
     "maps/_rules.yml:3:13: `months` is `half a year`; use a whole number of months, such as 6"),
    ("rules:\n  - rule: touchpoint-needs-owner\n    level: fatal\n",
     "maps/_rules.yml:3:12: `level` must be 'error', 'warning' or 'notice', not `fatal`"),
    ("rules:\n  - rule: touchpoint-needs-owner\n    level: warnings\n",
     "maps/_rules.yml:3:12: `level` must be 'error', 'warning' or 'notice', not `warnings`"
     " (did you mean `warning`?)"),
    ("rules:\n  - rule: low-emotion-needs-opportunity\n    threshold: -3\n",
     "maps/_rules.yml:3:16: `threshold`: Input should be greater than or equal to -2"),
    ("rules:\n  - threshold: -1\n",
     "maps/_rules.yml:2:5: missing `rule:`; name one of `low-emotion-needs-opportunity`,"
     " `high-pain-needs-opportunity`, `touchpoint-needs-owner`, `stage-needs-evidence`,"
     " `review-every`, `evidence-younger-than`"),
    ("rules:\n  - touchpoint-needs-owner\n",
     "maps/_rules.yml:2:5: each rule must be a mapping with `rule:`, not `touchpoint-needs-owner`;"
     " write `- rule: NAME` (rules: `low-emotion-needs-opportunity`, `high-pain-needs-opportunity`,"
     " `touchpoint-needs-owner`, `stage-needs-evidence`, `review-every`, `evidence-younger-than`)"),
    ("rule:\n  - rule: touchpoint-needs-owner\n",
     "maps/_rules.yml:1:1: unknown key `rule` (did you mean `rules`?)"),
    ("rules: touchpoint-needs-owner\n",
     "maps/_rules.yml:1:8: `rules` must be a list, not `touchpoint-needs-owner`: write each rule on"
     " its own line as `- rule: NAME`"),
    ("# nothing yet\n",
     "maps/_rules.yml:1:1: the file is empty; start it with `rules:` and a line `- rule: NAME` for"
     " each rule (`cjm schema --rules` lists them), or delete it to check none"),
])
def test_mistakes_in_the_rules_file(project, capsys, rules, expected):
    write(project, {"good.yml": GOOD, "broken.yml": BROKEN, "_research.yml": RESEARCH,
                    "_rules.yml": rules})
    code, out, _ = run(capsys, "validate")
    assert code == 1
    assert [line for line in out.splitlines() if line.startswith("maps/_rules.yml")][0] == expected


def test_the_other_rules_still_run_when_one_is_wrong(project, capsys):
    write(project, {"broken.yml": BROKEN, "good.yml": GOOD, "_research.yml": RESEARCH, "_rules.yml":
                    "rules:\n  - rule: no-such-rule\n  - rule: touchpoint-needs-owner\n"})
    _, out, _ = run(capsys, "validate")
    assert "maps/broken.yml:9:9: [touchpoint-needs-owner]" in out
    assert "maps/_rules.yml:2:11: unknown rule `no-such-rule`" in out


def test_remembered_maps_get_findings_at_the_same_place(tmp_path, monkeypatch):
    """The plugin's model cache remembers maps without positions: a finding must still point
    at its line."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    write(tmp_path, {"broken.yml": BROKEN, "good.yml": GOOD, "_research.yml": RESEARCH,
                     "_rules.yml": ALL_RULES})
    cache = tmp_path / "cache"
    first = load_project([tmp_path / "maps"], base=tmp_path, cache=cache)
    assert (cache / "rule-positions.json").is_file()
    # The maps are remembered without positions now; their findings are placed from the
    # positions kept beside the model cache, without parsing the maps again.
    parsed: list[str] = []
    real = rules_module.load_map
    monkeypatch.setattr(rules_module, "load_map",
                        lambda source, raw=None: parsed.append(source.display) or real(source, raw))
    again = load_project([tmp_path / "maps"], base=tmp_path, cache=cache)
    assert [str(d) for d in again.diagnostics] == [str(d) for d in first.diagnostics] == EXPECTED
    assert parsed == []
    # A map without a finding before is parsed once for its new finding, then remembered.
    write(tmp_path, {"_rules.yml": "rules:\n  - rule: review-every\n    months: 1\n"})
    later = load_project([tmp_path / "maps"], base=tmp_path, cache=cache)
    assert parsed == ["maps/good.yml"]
    assert "maps/good.yml:4:11: [review-every] last reviewed on 2026-10-01, 2 months ago" in \
        "\n".join(str(d) for d in later.diagnostics)
    load_project([tmp_path / "maps"], base=tmp_path, cache=cache)
    assert parsed == ["maps/good.yml"]


# --- the site ------------------------------------------------------------------------------


def _site(tmp_path, monkeypatch, maps: dict[str, str], **config):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    return make_site(tmp_path, maps=maps, config=config or None)


def test_an_error_rule_fails_the_build(tmp_path, monkeypatch, caplog):
    config = _site(tmp_path, monkeypatch, {"broken.yml": BROKEN, "good.yml": GOOD,
                                           "_research.yml": RESEARCH, "_rules.yml": ALL_RULES})
    with pytest.raises(Abort):
        build_site(config, strict=False)
    assert "cjm: 1 error(s) in maps" in caplog.text
    assert "maps/broken.yml:6:5: [low-emotion-needs-opportunity]" in caplog.text


def test_a_warning_fails_only_the_strict_build_and_a_notice_nothing(tmp_path, monkeypatch):
    rules = "rules:\n  - rule: touchpoint-needs-owner\n"
    config = _site(tmp_path, monkeypatch, {"broken.yml": BROKEN, "good.yml": GOOD,
                                           "_research.yml": RESEARCH, "_rules.yml": rules})
    build_site(config, strict=False)
    with pytest.raises(Abort):
        build_site(config, strict=True)
    (tmp_path / "maps/_rules.yml").write_text(rules + "    level: notice\n", encoding="utf-8")
    site = build_site(config, strict=True)
    assert "touchpoint-needs-owner" in read(site, "journeys/health/")


def test_the_health_page_shows_owners_reviews_and_findings(tmp_path, monkeypatch):
    rules = "rules:\n" + "".join(f"  - rule: {r}\n    level: notice\n" for r in (
        "high-pain-needs-opportunity", "touchpoint-needs-owner", "stage-needs-evidence")) + \
        "  - rule: low-emotion-needs-opportunity\n    level: notice\n" \
        "  - rule: review-every\n    months: 6\n    level: notice\n" \
        "  - rule: evidence-younger-than\n    months: 18\n    level: notice\n"
    config = _site(tmp_path, monkeypatch, {"broken.yml": BROKEN, "good.yml": GOOD,
                                           "_research.yml": RESEARCH, "_rules.yml": rules})
    site = build_site(config)
    page = read(site, "journeys/health/")
    assert "Map health" in page and "2026-12-03" in page
    assert page.count("CX research") >= 2
    assert "2025-01-15" in page and "2025-07-15 (overdue)" in page  # reviewed, and when it was due
    assert "2027-04-01" in page  # the good map's next review
    assert "8 notices" in page and "no findings" in page
    assert "touchpoint <code>Payment page</code> has no owner" in page
    # Each finding links to the stage it is about.
    assert 'href="../broken/checkout/"' in page
    assert "The maps are not in a git checkout" in page
    # The persona page's health line links to the map's findings.
    persona = read(site, "journeys/broken/")
    assert "Owner: CX research" in persona and "reviewed 2025-01-15" in persona
    assert 'href="../health/#findings-broken"' in persona
    good = read(site, "journeys/good/")
    assert 'href="../health/#health-good"' in good and "no findings" in good
    # Linked from the journeys index, and in the navigation with the other pages across personas.
    index = read(site, "journeys/")
    assert 'href="health/"' in index.split("Across all maps")[1].split("</p>")[0]
    nav = index.split('class="md-nav__title"', 1)[1]
    assert nav.index("Evidence") < nav.index("Map health") < nav.index("What changed")


def test_without_a_rules_file_there_is_no_health_page(tmp_path, monkeypatch):
    config = _site(tmp_path, monkeypatch, {"good.yml": GOOD, "_research.yml": "evidence:\n  - {id: recent-test}\n"})
    site = build_site(config)
    assert not (site / "journeys/health").exists() and not (site / "journeys/changes").exists()
    assert "cjm-health-line" not in read(site, "journeys/good/")
    assert "health" not in read(site, "journeys/").split("Across all maps")[1].split("</p>")[0]


def test_persona_ids_health_and_changes_are_reserved(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, {"health.yml": MINIMAL_MAP})
    code, out, _ = run(capsys, "validate")
    assert code == 1 and "persona id `health` is reserved" in out


def test_every_word_of_the_health_views_is_a_label_and_every_label_is_used():
    """Built-in words come from one LABELS dict per module (issue #15 moves them to language
    files): each one must be used, and every kind of change must have its sentence."""
    import re
    from pathlib import Path

    from cjm_plugin import diffreport, governance, history
    from cjm_plugin.labels import builtin
    from cjm_plugin.mapdiff import KINDS

    package = Path(governance.__file__).parent
    source = "\n".join(p.read_text(encoding="utf-8") for p in package.rglob("*")
                       if p.suffix in (".py", ".j2"))
    dynamic = ("level_", "count_", "changes_intro_", "changes_unreadable_")  # `G['level_' ~ level]`, `G.plural(...)`
    for key in (k[len("gov."):] for k in builtin("en") if k.startswith("gov.")):
        used = re.search(rf"G(\.{re.escape(key)}\b|\[['\"]{re.escape(key)}['\"]\])", source)
        assert used or key.startswith(dynamic), f"label gov.{key} is not used"
    assert {f"change.{kind}" for kind in KINDS} <= set(builtin("en"))
    for key in history.LABELS:
        assert f'LABELS["{key}"]' in source, f"history.LABELS[{key!r}] is not used"
