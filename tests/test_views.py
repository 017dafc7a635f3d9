"""The views across maps, built as real sites: the journeys index, current and future state
(`compares_to`), the stage pages across personas and the backlog."""

from __future__ import annotations

import re
import shutil
from html import unescape
import subprocess
import sys
import textwrap
from html.parser import HTMLParser
from pathlib import Path

import pytest

from sitebuild import build_site, make_site, read

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    root = tmp_path_factory.mktemp("views")
    return build_site(make_site(root, example_maps=True))


def _between(html: str, start: str, end: str) -> str:
    return html[html.index(start):html.index(end, html.index(start))]


# --- journeys index -----------------------------------------------------------------------

def test_index_has_one_compact_card_per_persona_with_the_first_sentence(example):
    html = read(example, "journeys/")
    cards = re.findall(r'<li class="cjm-journey" data-cjm-persona="([^"]+)"', html)
    assert sorted(cards) == ["brand-manager", "french-learner", "online-shopper", "online-shopper-future",
                             "software-customer", "theatre-goer"]
    shopper = _between(html, 'data-cjm-persona="online-shopper"', "</li>")
    # The first sentence only, not the whole paragraph.
    assert "Maja is a busy professional who buys most things online, mostly on her phone." in shopper
    assert "as it is today" not in shopper
    assert "6 stages" in shopper and "32 touchpoints" in shopper
    assert 'class="cjm-state cjm-state-current">current state<' in shopper
    assert shopper.count('data-cjm-chart="sparkline"') == 1
    assert shopper.count('<circle class="cjm-dot cjm-emo-') == 6
    # The Chinese summary is cut at its full stop.
    chinese = _between(html, 'data-cjm-persona="software-customer"', "</li>")
    assert "王丽在佛山经营一家建材批发店，店里的账目和库存都由她自己管。" in chinese


def test_index_groups_a_map_with_its_future_state(example):
    html = read(example, "journeys/")
    group = _between(html, '<li class="cjm-journey-group">', "</ul></li>")
    assert group.index('data-cjm-persona="online-shopper"') < group.index('data-cjm-persona="online-shopper-future"')
    assert 'data-cjm-compares="online-shopper"' in group
    assert "#compare-online-shopper" in group
    assert html.count('data-cjm-persona="online-shopper-future"') == 1


def test_index_has_one_personas_by_stages_view_and_legends_in_order(example):
    html = read(example, "journeys/")
    assert html.count('data-cjm-chart="heatmap"') == 1
    heatmap = _between(html, 'data-cjm-chart="heatmap"', "</svg>")
    # A cell where a persona has the stage: the future map has no awareness stage.
    cells = re.findall(r'<g data-cjm-series="([^"]+)">(.*?)</g>', heatmap, re.S)
    assert len(cells) == 6
    future = dict(cells)["online-shopper-future"]
    assert 'data-cjm-chart-stage="awareness"' not in future and 'data-cjm-chart-stage="decision"' in future
    assert 'href="online-shopper-future/decision/"' in future
    # No second view of the same grid: no table of personas × stages, no `dot` overview.
    assert "<table" not in _between(html, 'id="personas-stages"', "</article>")
    assert "cjm-overview" not in html and "cluster_" not in html
    html = unescape(html)
    legend = re.findall(r"<li><span class=\"cjm-legend-cell cjm-emo-[^\"]+\" aria-hidden=\"true\"></span>([^<]+)</li>",
                        html)
    assert legend == ["−2 very negative", "−1 negative", "0 neutral", "+1 positive", "+2 very positive",
                      "no emotion set"]
    series = re.findall(r'<ul class="cjm-legend cjm-series-legend">(.*?)</ul>', html, re.S)
    assert len(series) == 1 and series[0].index("Corporate brand manager") < series[0].index("Theatre-goer")


def test_no_dot_diagram_is_left_but_the_journey_flow(example):
    assets = sorted(p.name for p in (example / "journeys").rglob("*.dot"))
    assert assets and all(name.endswith("-journey.dot") for name in assets), assets


# --- current and future state ----------------------------------------------------------

def test_both_persona_pages_link_to_each_other_and_overlay_their_curves(example):
    current = read(example, "journeys/online-shopper/")
    future = read(example, "journeys/online-shopper-future/")
    assert re.search(r'class="cjm-variant-link" data-cjm-compares="online-shopper-future">Future state: '
                     r'<a href="../online-shopper-future/">Online shopper \(future state\)</a>', current)
    assert re.search(r'class="cjm-variant-link" data-cjm-compares="online-shopper">Current state: '
                     r'<a href="../online-shopper/">Online shopper</a>', future)
    for html, other in ((current, "online-shopper-future"), (future, "online-shopper")):
        assert f'id="compare-{other}"' in html
        chart = _between(html, 'class="cjm-curve-chart"', "</svg>")
        assert re.findall(r'data-cjm-series="([^"]+)"', chart) == ["online-shopper", "online-shopper-future"]
        # Decision went from −1 to +1 and purchase from −2 to +2; retention and advocacy stayed.
        assert sorted(re.findall(r'data-cjm-changed="([^"]+)"', chart)) == ["decision", "purchase"]
        assert "Decision</a>: −1 → +1" in unescape(html) and "Purchase</a>: −2 → +2" in unescape(html)
    assert "(current state)" in current and "(future state) (future state)" not in current


def test_compares_to_is_checked_with_a_suggestion(tmp_path):
    maps = tmp_path / "maps"
    maps.mkdir()
    (maps / "today.yml").write_text("persona: {name: Today}\nstages: [{id: a, name: A}]\n", encoding="utf-8")
    (maps / "later.yml").write_text(textwrap.dedent("""\
        persona: {name: Later}
        state: future
        compares_to: tody
        stages: [{id: a, name: A}]
        """), encoding="utf-8")
    (maps / "self.yml").write_text("persona: {name: Self}\ncompares_to: self\nstages: [{id: a, name: A}]\n",
                                   encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "cjm_plugin.cli", "validate", str(maps)],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 1
    assert "maps/later.yml:3:14: `compares_to: tody` is not a map (did you mean `today`?)" in result.stdout
    assert "maps/self.yml:2:14: `compares_to: self` names this map itself" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_compares_to_is_in_the_json_schema():
    import json

    schema = json.loads((REPO / "schema" / "map.schema.json").read_text(encoding="utf-8"))
    assert "compares_to" in schema["properties"]
    assert "pattern" in json.dumps(schema["properties"]["compares_to"])


# --- a stage across personas -----------------------------------------------------------

class _Cards(HTMLParser):
    """Each persona card's parts and the list items in them."""

    def __init__(self):
        super().__init__()
        self.cards: dict[str, dict[str, int]] = {}
        self.card = self.part = None
        self.tables = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "article" and "cjm-across-card" in classes:
            self.card = self.cards.setdefault(attrs["data-cjm-persona"], {})
        elif tag == "section" and self.card is not None:
            self.part = next(c for c in classes if c.startswith("cjm-across-") and c != "cjm-across-part")
            self.card[self.part] = 0
        elif tag == "li" and self.part:
            self.card[self.part] += 1
        elif tag == "table" and self.card is not None:
            self.tables += 1


def test_stage_across_personas_is_a_card_per_persona_with_real_lists(example):
    html = read(example, "journeys/stages/decision/")
    parser = _Cards()
    parser.feed(_between(html, 'class="cjm-across"', "</article>\n</div>"))
    assert set(parser.cards) == {"brand-manager", "french-learner", "online-shopper", "online-shopper-future",
                                 "software-customer", "theatre-goer"}
    assert parser.tables == 0 and "<br>" not in _between(html, 'class="cjm-across"', "</article>\n</div>")
    brand = parser.cards["brand-manager"]
    assert list(brand) == ["cjm-across-emotion", "cjm-across-actions", "cjm-across-touchpoints",
                           "cjm-across-pain-points", "cjm-across-opportunities", "cjm-across-lanes"]
    assert brand["cjm-across-actions"] == 4 and brand["cjm-across-touchpoints"] == 4
    assert brand["cjm-across-lanes"] == 4  # CX and Production, two items each
    assert "No blueprint lanes" in html


# --- backlog ----------------------------------------------------------------------------

def test_backlog_groups_have_no_repeated_column_and_rows_carry_filter_values(example):
    html = read(example, "journeys/backlog/")
    heads = re.findall(r"<thead>\s*<tr>(.*?)</tr>\s*</thead>", html, re.S)
    pains = [h for h in heads if "Pain point" in h]
    opportunities = [h for h in heads if "Opportunity" in h]
    assert len(pains) == 4 and len(opportunities) == 5
    assert all("Severity" not in h for h in pains) and all("Status" not in h for h in opportunities)
    assert "Not rated (" in html and "Severity not set" not in html
    # Every row names its persona and stage; pain points get owners and statuses from the
    # opportunities that address them.
    rows = re.findall(r'<span class="cjm-backlog-row" ([^>]*)>', html)
    assert len(rows) == 69 + 81
    assert all('data-cjm-stage="' in r and 'data-cjm-owner="' in r and 'data-cjm-severity="' in r
               and 'data-cjm-status="' in r for r in rows)
    assert re.search(r'data-cjm-persona="online-shopper" data-cjm-stage="decision" data-cjm-owner="[^"]*Product',
                     html)
    assert "data-cjm-backlog-filters=" in html and " hidden " in _between(html, '<div class="cjm-backlog-filters"', ">")
    assert 'class="cjm-sortable"' not in html
    # Links between pages are Markdown links, resolved by every engine.
    assert 'href="../brand-manager/decision/"' in html


def test_links_are_named_by_their_target_or_text(example, tmp_path):
    html = read(example, "journeys/backlog/")
    assert ">link</a>" not in html and "(link)" not in html
    root = tmp_path / "links"
    site = build_site(make_site(root, maps={"a.yml": """\
        persona: {name: Ann}
        stages:
          - id: s
            name: S
            opportunities:
              - text: Faster refunds
                link: https://www.jira.example.com/browse/CX-12/
        """}))
    for page in ("journeys/backlog/", "journeys/a/s/"):
        assert '<a class="cjm-external" href="https://www.jira.example.com/browse/CX-12/">jira.example.com/browse/CX-12</a>' \
            in read(site, page), page


def test_views_are_deterministic(tmp_path):
    first = build_site(make_site(tmp_path / "one", example_maps=True))
    second = build_site(make_site(tmp_path / "two", example_maps=True))
    for page in ("journeys/", "journeys/backlog/", "journeys/stages/decision/", "journeys/online-shopper-future/"):
        assert read(first, page) == read(second, page), page
    shutil.rmtree(tmp_path / "two")


def test_the_emotion_embed_is_drawn_without_dot(tmp_path):
    # With Graphviz switched off: the curve needs no `dot`.
    site = build_site(make_site(tmp_path, example_maps=True, config={
        "plugins": ["search", {"cjm": {"diagrams": False}}]}, docs={"index.md": """\
        # Home

        ```cjm
        show: emotion
        persona: theatre-goer
        ```
        """}))
    html = read(site, "")
    chart = _between(html, 'data-cjm-chart="curve"', "</svg>")
    assert chart.count('class="cjm-dot cjm-emo-') == 6
    assert 'href="journeys/theatre-goer/advocacy/"' in chart


def test_editing_a_current_map_reaches_the_future_page_in_a_cached_build(tmp_path):
    """The future page overlays the current map's curve: a cached build that edits only the
    current map must draw the future page again (site.py keys a map's pages by its partner)."""
    from test_incremental import _build

    config = make_site(tmp_path, example_maps=True)
    _, site = _build(config)
    assert "Purchase</a>: −2 → +2" in unescape(read(site, "journeys/online-shopper-future/"))
    current = tmp_path / "maps" / "online-shopper.yml"
    text = current.read_text(encoding="utf-8")
    purchase = text.index("  - id: purchase")
    emotion = text.index("emotion: -2", purchase)
    current.write_text(text[:emotion] + "emotion: -1" + text[emotion + len("emotion: -2"):], encoding="utf-8")
    _, site = _build(config)
    assert "Purchase</a>: −1 → +2" in unescape(read(site, "journeys/online-shopper-future/"))
