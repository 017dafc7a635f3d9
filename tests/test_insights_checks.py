"""Evidence, confidence, links and scores: every new check, each with a broken map and the
exact message it gets (file:line:col, what is wrong, what to do)."""

from __future__ import annotations

from cjm_plugin.catalog import load_project

from helpers_maps import dedent, load, messages

RESEARCH = dedent(
    """
    evidence:
      - id: interviews-2026-q3
        kind: interview
        title: Twelve interviews
        date: 2026-09-14
      - id: checkout-analytics
        kind: analytics
    """
)

# Cites both sources, so that no "cited by no map" warning joins the messages under test.
CITING = dedent(
    """
    persona:
      name: Zed
    stages:
      - name: A
        evidence: [interviews-2026-q3, checkout-analytics]
    """
)


def found(tmp_path, **maps: str) -> list[str]:
    files = {"_research.yml": RESEARCH, "zed.yml": CITING}
    files.update({f"{name}.yml": dedent(text) for name, text in maps.items()})
    return messages(tmp_path, files)


# --- evidence ids ------------------------------------------------------------------------


def test_unknown_evidence_on_a_stage(tmp_path):
    assert found(tmp_path, ann="""
        persona:
          name: Ann
        stages:
          - name: Awareness
            evidence: [interviews-2026]
        """) == [
        "maps/ann.yml:5:16: evidence `interviews-2026` is not in maps/_research.yml (did you mean"
        " `interviews-2026-q3`?); add it there or correct the id",
    ]


def test_unknown_evidence_on_a_pain_point_and_a_metric(tmp_path):
    assert found(tmp_path, ann="""
        persona:
          name: Ann
        stages:
          - name: Awareness
            pain_points:
              - text: Slow
                evidence: [checkout-analytic]
            metrics:
              - {name: Drop-off, value: 20, evidence: [survey-2025]}
        """) == [
        "maps/ann.yml:7:20: evidence `checkout-analytic` is not in maps/_research.yml (did you"
        " mean `checkout-analytics`?); add it there or correct the id",
        "maps/ann.yml:9:48: evidence `survey-2025` is not in maps/_research.yml; add it there or"
        " correct the id",
    ]


def test_evidence_without_a_research_file(tmp_path):
    text = "persona:\n  name: Ann\nstages:\n  - name: A\n    evidence: [interviews]\n"
    assert messages(tmp_path, {"ann.yml": text}) == [
        "maps/ann.yml:5:16: evidence `interviews` is cited, but there is no maps/_research.yml;"
        " create it and describe the source there (`evidence: [{id: interviews, kind: interview,"
        " title: ...}]`)",
    ]


def test_evidence_nothing_cites_is_a_warning(tmp_path):
    project = load(tmp_path, {"_research.yml": RESEARCH, "ann.yml": dedent("""
        persona:
          name: Ann
        stages:
          - name: A
            evidence: [checkout-analytics]
        """)})
    assert [str(d) for d in project.diagnostics] == [
        "maps/_research.yml:2:9: warning: evidence `interviews-2026-q3` is cited by no map; cite"
        " it with `evidence: [interviews-2026-q3]` on a stage, pain point or metric, or remove it",
    ]
    assert not project.errors


def test_checking_single_files_reports_no_uncited_evidence(tmp_path):
    load(tmp_path, {"_research.yml": RESEARCH, "ann.yml": CITING})
    project = load_project([tmp_path / "maps" / "ann.yml"], base=tmp_path)
    assert project.diagnostics == []  # with the folder, interviews-2026-q3 would be uncited


def test_duplicate_evidence_id(tmp_path):
    research = RESEARCH + "  - id: checkout-analytics\n    kind: survey\n"
    assert messages(tmp_path, {"_research.yml": research, "zed.yml": CITING}) == [
        "maps/_research.yml:8:9: evidence id `checkout-analytics` is listed twice (first at"
        " line 6); give each source its own id",
    ]


def test_research_file_errors_are_reported_and_citations_not_checked_against_it(tmp_path):
    research = "evidence:\n  - id: interviews\n    kind: interveiw\n    dat: 2026-09-14\n"
    citing = "persona:\n  name: Ann\nstages:\n  - name: A\n    evidence: [unknown-source]\n"
    assert messages(tmp_path, {"_research.yml": research, "ann.yml": citing}) == [
        "maps/_research.yml:3:11: `kind` must be 'interview', 'survey', 'analytics', 'support',"
        " 'usability-test', 'review' or 'other', not `interveiw`",
        "maps/_research.yml:4:5: unknown key `dat` (did you mean `date`?)",
    ]


def test_dates_must_be_iso_dates(tmp_path):
    research = dedent("""
        evidence:
          - {id: a, date: 14.09.2026}
          - {id: b, date: 2026-02-30}
          - {id: c, date: 2026-09}
        """)
    citing = "persona:\n  name: Ann\nstages:\n  - name: A\n    evidence: [a, b, c]\n"
    assert messages(tmp_path, {"_research.yml": research, "ann.yml": citing}) == [
        "maps/_research.yml:2:19: `14.09.2026` is not a date in ISO form; write YYYY-MM-DD (for"
        " example `2026-09-14`), or YYYY-MM for a month",
        "maps/_research.yml:3:19: `2026-02-30` is not a day of the calendar; check the month and day",
    ]


# --- touchpoints ---------------------------------------------------------------------------


def test_unknown_touchpoint(tmp_path):
    assert found(tmp_path, ann="""
        persona:
          name: Ann
        stages:
          - name: Checkout
            touchpoints:
              - {id: payment-page, name: Payment page}
            pain_points:
              - text: Fees appear late.
                touchpoint: payment-pg
        """) == [
        "maps/ann.yml:9:21: touchpoint `payment-pg` is not a touchpoint id of this map (did you"
        " mean `payment-page`?)",
    ]


def test_touchpoint_named_but_without_an_id(tmp_path):
    assert found(tmp_path, ann="""
        persona:
          name: Ann
        stages:
          - name: Checkout
            touchpoints:
              - {name: Payment page}
            pain_points:
              - text: Fees appear late.
                touchpoint: payment-page
        """) == [
        "maps/ann.yml:9:21: touchpoint `payment-page` is not a touchpoint id of this map; give the"
        " touchpoint `Payment page` the line `id: payment-page`",
    ]


def test_touchpoint_of_a_map_without_touchpoint_ids(tmp_path):
    assert found(tmp_path, ann="""
        persona:
          name: Ann
        stages:
          - name: Checkout
            pain_points:
              - {text: Fees appear late., touchpoint: basket}
        """) == [
        "maps/ann.yml:6:47: touchpoint `basket` is not a touchpoint id of this map; touchpoint ids"
        " of this map: none",
    ]


# --- addresses ------------------------------------------------------------------------------


def test_unknown_pain_point_in_the_same_map(tmp_path):
    assert found(tmp_path, ann="""
        persona:
          name: Ann
        stages:
          - name: Checkout
            pain_points:
              - {id: delivery-cost, text: Delivery cost shows late.}
            opportunities:
              - text: Show it early.
                addresses: [delivery-costs]
        """) == [
        "maps/ann.yml:9:21: pain point `delivery-costs` is not a pain point id of this map (did"
        " you mean `delivery-cost`?); for a pain point of another map write `persona-id/pain-id`",
    ]


def test_a_bare_id_of_another_map_suggests_the_full_reference(tmp_path):
    assert found(tmp_path, ann="""
        persona:
          name: Ann
        stages:
          - name: Checkout
            pain_points:
              - {id: fees, text: Fees.}
            opportunities:
              - {text: Fix it., addresses: [slow-pages]}
        """, bob="""
        persona:
          name: Bob
        stages:
          - name: A
            pain_points:
              - {id: slow-pages, text: Slow.}
        """) == [
        "maps/ann.yml:8:37: pain point `slow-pages` is not a pain point id of this map (did you"
        " mean `bob/slow-pages`?); for a pain point of another map write `persona-id/pain-id`",
    ]


def test_unknown_persona_in_a_reference(tmp_path):
    assert found(tmp_path, ann="""
        persona:
          name: Ann
        stages:
          - name: Checkout
            opportunities:
              - {text: Fix it., addresses: [bobb/slow-pages]}
        """, bob="""
        persona:
          name: Bob
        stages:
          - name: A
            pain_points:
              - {id: slow-pages, text: Slow.}
        """) == [
        "maps/ann.yml:6:37: persona `bobb` in `bobb/slow-pages` is not a map (did you mean"
        " `bob`?); write `persona-id/pain-id` with the id of another map (maps: `ann`, `bob`,"
        " `zed`)",
    ]


def test_unknown_pain_point_of_another_map(tmp_path):
    assert found(tmp_path, ann="""
        persona:
          name: Ann
        stages:
          - name: Checkout
            opportunities:
              - {text: Fix it., addresses: [bob/slow-page]}
        """, bob="""
        persona:
          name: Bob
        stages:
          - name: A
            pain_points:
              - {id: slow-pages, text: Slow.}
              - {id: fees, text: Fees.}
        """) == [
        "maps/ann.yml:6:37: pain point `slow-page` is not a pain point id of bob (maps/bob.yml)"
        " (did you mean `slow-pages`?)",
    ]


def test_pain_point_of_a_map_whose_pain_points_have_no_ids(tmp_path):
    assert found(tmp_path, ann="""
        persona:
          name: Ann
        stages:
          - name: Checkout
            pain_points: [Fees appear late.]
            opportunities:
              - {text: Show fees early., addresses: [fees]}
        """) == [
        "maps/ann.yml:7:46: pain point `fees` is not a pain point id of this map: none of its"
        " pain points has an `id`; add `id: fees` to the one you mean",
    ]


def test_a_reference_to_a_map_with_errors_is_not_reported_again(tmp_path):
    result = found(tmp_path, ann="""
        persona:
          name: Ann
        stages:
          - name: Checkout
            opportunities:
              - {text: Fix it., addresses: [bob/slow-pages]}
        """, bob="persona:\n  name: Bob\nstages: []\n")
    assert result == ["maps/bob.yml:3:9: `stages` is empty; add at least one item"]


def test_references_to_maps_outside_a_single_file_run_are_not_checked(tmp_path):
    load(tmp_path, {"ann.yml": dedent("""
        persona:
          name: Ann
        stages:
          - name: Checkout
            opportunities:
              - {text: Fix it., addresses: [bob/slow-pages]}
        """)})
    assert load_project([tmp_path / "maps" / "ann.yml"], base=tmp_path).diagnostics == []


def test_malformed_reference(tmp_path):
    assert found(tmp_path, ann="""
        persona:
          name: Ann
        stages:
          - name: A
            opportunities:
              - {text: Fix it., addresses: [Bob/Slow pages]}
        """) == [
        "maps/ann.yml:6:37: `Bob/Slow pages` is not a pain point reference; write the pain point's"
        " `id` for this map, or `persona-id/pain-id` for another map",
    ]


# --- unique ids -----------------------------------------------------------------------------


def test_duplicate_ids_in_one_map(tmp_path):
    assert found(tmp_path, ann="""
        persona:
          name: Ann
        stages:
          - name: A
            touchpoints:
              - {id: web, name: Site}
            pain_points:
              - {id: slow, text: Slow.}
            opportunities:
              - {id: faster, text: Faster.}
          - name: B
            touchpoints:
              - {id: web, name: Shop}
            pain_points:
              - {id: slow, text: Still slow.}
            opportunities:
              - {id: faster, text: Much faster.}
        """) == [
        "maps/ann.yml:13:14: touchpoint id `web` is used twice in this map (first at line 6);"
        " give each touchpoint its own id",
        "maps/ann.yml:15:14: pain point id `slow` is used twice in this map (first at line 8);"
        " give each pain point its own id",
        "maps/ann.yml:17:14: opportunity id `faster` is used twice in this map (first at line 10);"
        " give each opportunity its own id",
    ]


def test_the_same_ids_in_two_maps_are_fine(tmp_path):
    text = "persona:\n  name: {name}\nstages:\n  - name: A\n    pain_points:\n      - {{id: slow, text: Slow.}}\n"
    assert messages(tmp_path, {"a.yml": text.format(name="A"), "b.yml": text.format(name="B")}) == []


# --- values ---------------------------------------------------------------------------------


def test_scores_direction_confidence_and_flags(tmp_path):
    assert found(tmp_path, ann="""
        persona:
          name: Ann
        stages:
          - name: A
            moment_of_truth: maybe
            pain_points:
              - {text: Slow., confidence: sure}
            opportunities:
              - {text: Faster., impact: 6, effort: high}
            metrics:
              - {name: Drop-off, value: 20, better: down, funnel: 1.5}
              - {name: Bounce, value: 5, funnel: "true"}
        """) == [
        "maps/ann.yml:5:22: `moment_of_truth` must be `true` or `false`, not `maybe`",
        "maps/ann.yml:7:35: `confidence` must be 'observed' or 'assumed', not `sure`",
        "maps/ann.yml:9:33: `impact` is `6`; use a whole number from 1 (low) to 5 (high)",
        "maps/ann.yml:9:44: `effort` is `high`; use a whole number from 1 (low) to 5 (high)",
        "maps/ann.yml:11:45: `better` must be 'higher' or 'lower', not `down`",
        "maps/ann.yml:11:59: `funnel` must be `true` or `false`, not `1.5`",
        # Quoted, it is text to YAML and to the schema editors check.
        "maps/ann.yml:12:42: `funnel` must be `true` or `false`, not the quoted text `\"true\"`:"
        " remove the quotes (write `funnel: true`)",
    ]


def test_every_new_key_is_optional_and_valid_values_load(tmp_path):
    project = load(tmp_path, {"_research.yml": RESEARCH, "ann.yml": dedent("""
        persona:
          name: Ann
        stages:
          - id: checkout
            name: Checkout
            moment_of_truth: yes
            evidence: [interviews-2026-q3]
            confidence: assumed
            touchpoints:
              - {id: payment-page, name: Payment page}
            pain_points:
              - id: delivery-cost
                text: Delivery cost shows late.
                severity: high
                touchpoint: payment-page
                evidence: [checkout-analytics]
            opportunities:
              - {id: early, text: Show it early., addresses: [delivery-cost, ann/delivery-cost],
                 impact: 4, effort: 2, owner: Web, status: planned}
            metrics:
              - {name: Drop-off, value: 20, target: 10, unit: "%", better: lower, funnel: true}
        """)})
    assert project.diagnostics == []
    stage = project.maps[0].map.stages[0]
    assert (stage.moment_of_truth, stage.confidence, stage.evidence) == (True, "assumed", ["interviews-2026-q3"])
    assert stage.opportunities[0].impact == 4 and stage.metrics[0].funnel is True


def test_messages_are_the_same_for_maps_remembered_by_the_cache(tmp_path):
    ann = dedent("""
        persona:
          name: Ann
        stages:
          - name: A
            pain_points:
              - {id: slow, text: Slow.}
            opportunities:
              - {text: Faster., addresses: [bob/slow]}
        """)
    bob = "persona:\n  name: Bob\nstages:\n  - name: A\n    pain_points:\n      - {id: slow, text: Slow.}\n"
    maps = tmp_path / "maps"
    load(tmp_path, {"ann.yml": ann, "bob.yml": bob})
    cache = tmp_path / "cache"
    assert load_project([maps], base=tmp_path, cache=cache).diagnostics == []
    # bob's pain point is renamed: ann.yml itself did not change and is remembered without
    # positions, yet its message still points at the line and column.
    (maps / "bob.yml").write_text(bob.replace("id: slow", "id: slow-pages"), encoding="utf-8")
    with_cache = [str(d) for d in load_project([maps], base=tmp_path, cache=cache).diagnostics]
    assert with_cache == [str(d) for d in load_project([maps], base=tmp_path).diagnostics] == [
        "maps/ann.yml:8:37: pain point `slow` is not a pain point id of bob (maps/bob.yml) (ids"
        " there: `slow-pages`)",
    ]


# --- the docs' examples ---------------------------------------------------------------------


def _yaml_blocks(page: str) -> list[str]:
    import re

    from helpers_maps import REPO

    text = (REPO / "docs" / page).read_text(encoding="utf-8")
    return re.findall(r"^```yaml\n(.*?)^```", text, re.M | re.S)


def test_the_docs_examples_validate(tmp_path):
    research = next(b for b in _yaml_blocks("insights.md") if b.lstrip("# \n").startswith("yaml-language")
                    or "evidence:\n  - id:" in b)
    complete_map = _yaml_blocks("writing-maps.md")[0]
    assert "moment_of_truth" in complete_map and "addresses" in complete_map
    research += "  - {id: bm-interviews-2026, kind: interview}\n"
    project = load(tmp_path, {"_research.yml": research, "brand-manager.yml": complete_map})
    # The example source is cited by no map of this folder: a warning, and nothing else.
    assert [str(d) for d in project.diagnostics] == [
        "maps/_research.yml:3:9: warning: evidence `checkout-funnel-2026-08` is cited by no map;"
        " cite it with `evidence: [checkout-funnel-2026-08]` on a stage, pain point or metric,"
        " or remove it",
    ]


def test_a_research_file_that_cannot_be_read_is_reported_not_skipped(tmp_path):
    (tmp_path / "maps").mkdir()
    (tmp_path / "maps" / "zed.yml").write_text(CITING, "utf-8")
    (tmp_path / "maps" / "_research.yml").symlink_to(tmp_path / "nowhere.yml")
    project = load_project([tmp_path / "maps"], base=tmp_path)
    assert [str(d) for d in project.diagnostics] == [
        "maps/_research.yml:1:1: this is a symbolic link to a file that does not exist;"
        " fix the link or delete it",
    ]
    assert project.research is None
