"""Evidence, confidence, links, metrics and the portfolio on the generated pages: the ranking,
the matrix and funnel SVGs, both directions of every link, and a real strict MkDocs build."""

from __future__ import annotations

import re
from fractions import Fraction

import pytest
from bs4 import BeautifulSoup

from cjm_plugin import metrics, portfolio
from cjm_plugin.links import LinkIndex, confidence
from cjm_plugin.pages import PageBuilder, PageOptions

from helpers_maps import dedent, load
from sitebuild import build_site, make_site, read

RESEARCH = dedent(
    """
    evidence:
      - id: interviews-2026-q3
        kind: interview
        title: Twelve interviews
        date: 2026-09-14
        link: https://example.org/research/interviews
        quote: "I chase them every day."
      - id: checkout-analytics
        kind: analytics
        title: Checkout funnel
        date: 2026-08
    """
)

SHOP = dedent(
    """
    persona:
      name: Shopper
    stages:
      - id: browse
        name: Browse
        emotion: 1
        evidence: [interviews-2026-q3]
        touchpoints:
          - {id: product-page, name: Product page}
        metrics:
          - {name: Basket rate, value: 6, target: 9, unit: "%", better: higher, funnel: true}
      - id: checkout
        name: Checkout
        moment_of_truth: true
        emotion: -1
        touchpoints:
          - {id: payment-page, name: Payment page}
        pain_points:
          - id: delivery-cost
            text: Delivery cost shows late.
            severity: high
            touchpoint: payment-page
            evidence: [checkout-analytics]
          - id: forced-account
            text: Account required.
            severity: medium
          - Slow page.
        opportunities:
          - id: show-cost-early
            text: Show the cost early.
            addresses: [delivery-cost]
            impact: 4
            effort: 2
            owner: Web
            status: planned
          - id: guest-checkout
            text: Guest checkout.
            addresses: [forced-account]
            impact: 5
            effort: 5
            status: done
          - Unscored idea.
        metrics:
          - {name: Drop-off, value: 20, target: 10, unit: "%", better: lower, funnel: true,
             evidence: [checkout-analytics]}
          - {name: Minutes to pay, value: 2, target: 3, unit: minutes, better: lower}
    """
)

FUTURE = dedent(
    """
    persona:
      name: Shopper tomorrow
    state: future
    stages:
      - id: checkout
        name: Checkout
        pain_points:
          - {id: invoice-form, text: Invoice form is long., severity: low}
        opportunities:
          - id: one-tap
            text: One-tap wallet payment.
            addresses: [invoice-form, shop/delivery-cost]
            impact: 2
            effort: 1
            owner: Finance
            status: idea
    """
)


@pytest.fixture()
def project(tmp_path):
    project = load(tmp_path, {"_research.yml": RESEARCH, "shop.yml": SHOP, "future.yml": FUTURE})
    assert project.diagnostics == []
    return project


def _pages(project, **options) -> dict[str, str]:
    return {p.src: p.content for p in PageBuilder(project, PageOptions(**options)).build()}


# --- the ranking ---------------------------------------------------------------------------


def _opportunity(id_: str, impact: int, effort: int, addresses: str = "") -> str:
    return (f"      - {{id: {id_}, text: {id_} text, impact: {impact}, effort: {effort},"
            f" addresses: [{addresses}]}}\n")


def test_ranking_is_score_then_worst_severity_then_full_id(tmp_path):
    head = ("persona:\n  name: {name}\nstages:\n  - name: A\n    pain_points:\n"
            "      - {{id: bad, text: Bad., severity: high}}\n      - {{id: meh, text: Meh., severity: low}}\n"
            "    opportunities:\n")
    a_map = head.format(name="A") + "".join([
        _opportunity("quick-low", 4, 2, "meh"),      # 2, addresses a low one
        _opportunity("quick-high", 2, 1, "bad"),     # 2, addresses a high one: before quick-low
        _opportunity("quick-nothing", 2, 1),         # 2, addresses nothing: after quick-low
        _opportunity("slow", 5, 5, "bad"),           # 1
        _opportunity("best", 5, 1),                  # 5
    ]) + "      - {text: No id, impact: 4, effort: 2}\n      - {id: unscored, text: Unscored, impact: 3}\n"
    b_map = head.format(name="B") + _opportunity("aaa", 4, 2, "bad")  # same score and severity as a/quick-high
    project = load(tmp_path, {"a.yml": a_map, "b.yml": b_map})
    assert project.diagnostics == []
    ranked, unscored = portfolio.rank(LinkIndex(project.maps))
    assert [(r.rank, r.placed.reference or r.placed.item.text, r.score, r.worst) for r in ranked] == [
        (1, "a/best", Fraction(5), None),
        (2, "a/quick-high", Fraction(2), "high"),
        (3, "b/aaa", Fraction(2), "high"),
        (4, "a/quick-low", Fraction(2), "low"),
        (5, "a/quick-nothing", Fraction(2), None),
        (6, "No id", Fraction(2), None),  # without an id: after those with one
        (7, "a/slow", Fraction(1), "high"),
    ]
    assert [p.reference for p in unscored] == ["a/unscored"]
    assert ranked[0].score_text == "5" and portfolio.Ranked(1, ranked[0].placed, Fraction(5, 3), None).score_text == "1.67"


def test_unaddressed_pain_points_worst_first(tmp_path):
    project = load(tmp_path, {"a.yml": dedent("""
        persona: {name: A}
        stages:
          - name: One
            pain_points:
              - {text: Low one, severity: low}
              - Unrated one
              - {id: fixed, text: Addressed high one, severity: high}
          - name: Two
            pain_points:
              - {text: High one, severity: high}
              - {text: Medium one, severity: medium}
              - {text: Second high one, severity: high}
            opportunities:
              - {text: Fix it, addresses: [fixed]}
        """)})
    found = portfolio.unaddressed(LinkIndex(project.maps))
    assert [p.item.text for p in found] == ["High one", "Second high one", "Medium one", "Low one", "Unrated one"]


def test_links_both_ways_and_confidence(project):
    links = LinkIndex(project.maps, project.research)
    shop = project.by_id("shop").map
    delivery, forced, slow = shop.stages[1].pain_points
    assert [o.reference for o in links.addressed_by(delivery)] == ["future/one-tap", "shop/show-cost-early"]
    one_tap = project.by_id("future").map.stages[0].opportunities[0]
    assert [p.reference for p in links.addresses(one_tap)] == ["future/invoice-form", "shop/delivery-cost"]
    assert links.worst_severity(one_tap) == "high"
    assert (confidence(delivery), confidence(forced), confidence(slow)) == ("observed", "assumed", "assumed")
    assert (confidence(shop.stages[0]), confidence(shop.stages[1])) == ("observed", "assumed")
    assert [c.kind for c in links.citations["checkout-analytics"]] == ["pain", "metric"]


# --- metrics and the funnel ----------------------------------------------------------------


def test_metric_status_and_gap(project):
    basket, = project.by_id("shop").map.stages[0].metrics
    drop_off, minutes = project.by_id("shop").map.stages[1].metrics
    assert (metrics.status(basket).state, metrics.format_gap(basket)) == ("off", "−3%")
    assert (metrics.status(drop_off).state, metrics.format_gap(drop_off)) == ("off", "+10%")
    assert (metrics.status(minutes).state, metrics.format_gap(minutes)) == ("on", "−1 minutes")
    no_direction = minutes.model_copy(update={"better": None})
    assert (metrics.status(no_direction).state, metrics.status(no_direction).off) == ("", False)
    no_target = minutes.model_copy(update={"target": None})
    assert metrics.status(no_target).gap is None and metrics.format_gap(no_target) == ""


def test_funnel_chart_draws_each_funnel_metric_to_scale(project):
    shop = project.by_id("shop").map
    svg = metrics.funnel_svg("Shopper", shop.stages, lambda sid: f"../{sid}/", id_prefix="f-")
    bars = re.findall(r'<g class="cjm-funnel-bar cjm-metric-(\w+)">.*?<rect [^>]*height="([\d.]+)"', svg, re.S)
    # Basket rate 6% and drop-off 20%, both off target, on one scale up to 20%.
    assert [state for state, _ in bars] == ["off", "off"]
    heights = [float(h) for _, h in bars]
    assert heights[1] == metrics.HEIGHT and heights[0] == pytest.approx(metrics.HEIGHT * 6 / 20, abs=0.1)
    assert svg.count('class="cjm-chart-target"') == 2
    assert '<a xlink:href="../browse/">' in svg and "★ Checkout" in svg  # a moment of truth
    assert "Minutes to pay" not in svg  # not a funnel metric
    assert svg == metrics.funnel_svg("Shopper", shop.stages, lambda sid: f"../{sid}/", id_prefix="f-")
    assert metrics.funnel_svg("Shopper", project.by_id("future").map.stages, str, "f-") == ""


def test_funnel_bars_of_different_units_each_have_their_scale(tmp_path):
    project = load(tmp_path, {"m.yml": dedent("""
        persona: {name: M}
        stages:
          - name: A
            metrics:
              - {name: Visits, value: 1000, unit: visits, funnel: true}
              - {name: Share, value: 50, unit: "%", funnel: true}
        """)})
    svg = metrics.funnel_svg("M", project.maps[0].map.stages, str, "f-")
    assert re.findall(r'<rect [^>]*height="([\d.]+)"', svg) == [str(metrics.HEIGHT)] * 2
    assert "cjm-metric-neutral" in svg  # no target, no direction: neither on nor off
    assert "Bars of different units are drawn to their own scale." in _pages(project)["journeys/m/index.md"]


# --- the matrix ------------------------------------------------------------------------------


def test_every_dot_of_the_matrix_is_a_link_numbered_by_rank(project):
    ranked, _ = portfolio.rank(LinkIndex(project.maps, project.research))
    svg = portfolio.matrix_svg(ranked, lambda p: f"{p.map.id}/{p.stage.id}/#{p.item.id}",
                               lambda p: f'data-cjm-persona="{p.map.id}"', "m-")
    dots = re.findall(r'<a class="cjm-dot( cjm-dot-done)?" xlink:href="([^"]+)" data-cjm-persona="(\w+)">'
                      r'\s*<title>([^<]*)</title>.*?<text[^>]*>(\d+)</text>', svg, re.S)
    assert [(href, number) for _, href, _, _, number in dots] == [
        ("future/checkout/#one-tap", "1"), ("shop/checkout/#show-cost-early", "2"),
        ("shop/checkout/#guest-checkout", "3")]
    assert dots[2][0] == " cjm-dot-done"
    assert dots[0][3].startswith("&#35;1 One-tap wallet payment. (Shopper tomorrow, Checkout)&#58; impact 2, effort 1")


def test_a_crowded_cell_shows_how_many_more(tmp_path):
    opportunities = "".join(_opportunity(f"o{n}", 3, 3) for n in range(12))
    project = load(tmp_path, {"a.yml": "persona: {name: A}\nstages:\n  - name: A\n    opportunities:\n" + opportunities})
    ranked, _ = portfolio.rank(LinkIndex(project.maps))
    svg = portfolio.matrix_svg(ranked, lambda p: "#", lambda p: "", "m-")
    assert svg.count('<a class="cjm-dot"') == portfolio.PER_CELL - 1
    assert re.search(r'class="cjm-dot-more"[^>]*>&#43;4<', svg)


# --- the generated pages ---------------------------------------------------------------------


def test_stage_page_links_both_ways_with_evidence_and_confidence(project):
    pages = _pages(project)
    checkout = pages["journeys/shop/checkout.md"]
    assert '<span class="cjm-anchor" id="pain-delivery-cost"></span>Delivery cost shows late.' in checkout
    assert "at Payment page" in checkout
    assert "[Checkout funnel](../evidence.md#evidence-checkout-analytics)" in checkout
    assert '<span class="cjm-evidence-meta">(analytics, 2026-08)</span>' in checkout
    assert 'cjm-confidence-observed' in checkout and 'cjm-confidence-assumed' in checkout
    # Addressed by: this map's opportunity and the future map's one, each linked to its row.
    assert "[Shopper tomorrow: One-tap wallet payment.](../future/checkout.md#opportunity-one-tap)" in checkout
    assert "[Show the cost early.](checkout.md#opportunity-show-cost-early)" in checkout
    assert '<span class="cjm-unaddressed">none linked</span>' in checkout  # "Slow page."
    assert "Moment of truth" in checkout
    future = pages["journeys/future/checkout.md"]
    assert "[Shopper: Delivery cost shows late.](../shop/checkout.md#pain-delivery-cost)" in future
    assert '<span class="cjm-anchor" id="opportunity-one-tap"></span>' in future


def test_metrics_show_value_target_direction_gap_and_status(project):
    checkout = _pages(project)["journeys/shop/checkout.md"]
    row = next(line for line in checkout.splitlines() if line.startswith("| Drop-off"))
    assert "↓ lower is better" in row and "| 20% | 10% | &#43;10% |" in row
    assert '<span class="cjm-metric-status cjm-metric-off">off target</span>' in row
    minutes = next(line for line in checkout.splitlines() if line.startswith("| Minutes to pay"))
    assert "cjm-metric-on" in minutes


def test_persona_page_has_the_funnel_and_every_metric(project):
    persona = _pages(project)["journeys/shop/index.md"]
    assert "## Metrics" in persona and "### Funnel" in persona
    assert "2 of 3 metrics with a target and a direction are off target." in persona
    assert 'class="cjm-funnel-chart"' in persona
    assert '<a xlink:href="browse/">' in persona  # stage links relative to the persona page
    assert "### Funnel" not in _pages(project)["journeys/future/index.md"]


def test_portfolio_page(project):
    page = _pages(project)["journeys/portfolio.md"]
    ranked = page[page.index("## Ranked opportunities"):page.index("## Not yet scored")]
    rows = [line for line in ranked.splitlines() if line.startswith("| ") and "cjm-row" in line]
    assert [re.search(r"\| (\d+) \|", r).group(1) for r in rows] == ["1", "2", "3"]
    assert "One-tap wallet payment" in rows[0] and "Show the cost early" in rows[1]
    assert 'data-cjm-persona="future" data-cjm-persona-name="Shopper tomorrow" data-cjm-owner="Finance"' \
           ' data-cjm-status="idea"' in rows[0]
    assert "## Not yet scored (1)" in page and "Unscored idea" in page
    unaddressed = page[page.index("## Pain points no opportunity addresses"):]
    assert "(1)" in unaddressed.splitlines()[0] and "Slow page" in unaddressed
    # The matrix links to the stage pages (URLs, since it is raw HTML).
    assert 'xlink:href="../future/checkout/&#35;opportunity-one-tap"' in page
    no_dirs = _pages(project, use_directory_urls=False)["journeys/portfolio.md"]
    assert 'xlink:href="future/checkout.html&#35;opportunity-one-tap"' in no_dirs


def test_evidence_page_lists_each_source_and_what_cites_it(project):
    page = _pages(project)["journeys/evidence.md"]
    assert "| [Twelve interviews](#evidence-interviews-2026-q3) | interview | 2026-09-14 | 1 |" in page
    assert "| [Checkout funnel](#evidence-checkout-analytics) | analytics | 2026-08 | 2 |" in page
    section = page[page.index('id="evidence-checkout-analytics"'):page.index("## Still assumed")]
    assert "**Pain point:** [Delivery cost shows late.](shop/checkout.md#pain-delivery-cost)" in section
    assert "**Metric:** Drop-off: 20% (target 10%)" in section
    assert '<a href="https://example.org/research/interviews">Open the source</a>' in page
    assert "I chase them every day" in page
    assumed = page[page.index("## Still assumed"):]
    assert "1 of 4 pain points are backed by evidence." in assumed
    assert assumed.index("Account required") < assumed.index("Invoice form") < assumed.index("Slow page")


def test_pages_without_research_say_so(tmp_path):
    project = load(tmp_path, {"a.yml": "persona: {name: A}\nstages:\n  - name: A\n"})
    page = _pages(project)["journeys/evidence.md"]
    assert "No research recorded yet." in page
    portfolio_page = _pages(project)["journeys/portfolio.md"]
    assert "No opportunity has both an impact and an effort yet." in portfolio_page


def test_canvas_and_shared_stage_show_moments_of_truth_and_confidence(project):
    pages = _pages(project)
    persona = BeautifulSoup(pages["journeys/shop/index.md"], "html.parser")  # the canvas (#13)
    assert persona.select_one('[data-cjm-stage="checkout"] .cjm-mot') is not None
    points = {p["data-cjm-point"]: p["class"] for p in persona.select("[data-cjm-point]")}
    assert "cjm-observed" in points["browse"] and "cjm-assumed" in points["checkout"]
    assert 'cjm-mot' in pages["journeys/stages/checkout.md"]


# --- a real site ---------------------------------------------------------------------------


def test_strict_build_with_anchor_validation(tmp_path):
    config = make_site(tmp_path, maps={"_research.yml": RESEARCH, "shop.yml": SHOP, "future.yml": FUTURE},
                       config={"validation": {"anchors": "warn"}})
    site = build_site(config)  # strict: a missing page or anchor would fail the build
    portfolio_html = BeautifulSoup(read(site, "journeys/portfolio/"), "html.parser")
    dots = portfolio_html.select("svg.cjm-matrix-chart a.cjm-dot")
    assert [d["xlink:href"] for d in dots] == ["../future/checkout/#opportunity-one-tap",
                                         "../shop/checkout/#opportunity-show-cost-early",
                                         "../shop/checkout/#opportunity-guest-checkout"]
    for dot in dots:  # every dot lands on an anchor that exists
        page, anchor = dot["xlink:href"].split("#")
        target = BeautifulSoup(read(site, "journeys/" + page.removeprefix("../")), "html.parser")
        assert target.find(id=anchor) is not None, dot["href"]
    nav = BeautifulSoup(read(site, "journeys/"), "html.parser").select("nav.md-nav a")
    titles = [a.get_text(" ", strip=True) for a in nav]
    assert "Opportunity portfolio" in titles and "Evidence" in titles
    evidence = BeautifulSoup(read(site, "journeys/evidence/"), "html.parser")
    assert evidence.find(id="evidence-interviews-2026-q3") is not None


HOSTILE = "<script>alert('X')</script> [js](javascript:alert('X')) {{ macro }} | `x` \" ' & <b>"


def test_hostile_text_in_research_and_links_stays_text(tmp_path):
    """Map and research text lands in new places: evidence titles and quotes, link texts,
    the filters' data attributes, SVG titles. None of it may become markup."""
    import json

    from hostile import markup_problems, svg_problems

    research = {"evidence": [{"id": "src", "kind": "survey", "title": HOSTILE, "quote": HOSTILE,
                              "date": "2026-01-02", "link": "https://example.org/a?b=1&c=2"}]}
    shop = {"persona": {"name": HOSTILE}, "stages": [{
        "id": "a", "name": HOSTILE, "moment_of_truth": True, "emotion": -1, "evidence": ["src"],
        "touchpoints": [{"id": "t", "name": HOSTILE}],
        "pain_points": [{"id": "p", "text": HOSTILE, "severity": "high", "touchpoint": "t",
                         "evidence": ["src"]}],
        "opportunities": [{"id": "o", "text": HOSTILE, "owner": HOSTILE, "status": HOSTILE,
                           "addresses": ["p"], "impact": 3, "effort": 1}],
        "metrics": [{"name": HOSTILE, "value": 3, "target": 1, "unit": HOSTILE, "better": "lower",
                     "funnel": True, "evidence": ["src"]}]}]}
    config = make_site(tmp_path, maps={"_research.yml": json.dumps(research), "shop.yml": json.dumps(shop)})
    site = build_site(config)
    for url in ("journeys/portfolio/", "journeys/evidence/", "journeys/shop/", "journeys/shop/a/",
                "journeys/backlog/"):
        soup = BeautifulSoup(read(site, url), "html.parser")
        article = soup.select_one("article")
        assert markup_problems(article, url) + svg_problems(article, url) == []
        assert article.find("b") is None and "alert('X')" in article.get_text(), url
    portfolio_page = BeautifulSoup(read(site, "journeys/portfolio/"), "html.parser")
    row = portfolio_page.select_one("span.cjm-row[data-cjm-owner]")
    assert row["data-cjm-owner"] == HOSTILE and row["data-cjm-persona-name"] == HOSTILE
    assert HOSTILE in portfolio_page.select_one("svg.cjm-matrix-chart a.cjm-dot title").get_text()
