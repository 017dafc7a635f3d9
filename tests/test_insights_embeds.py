"""`show: portfolio`, `show: funnel` and `show: evidence` in hand-written pages."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from sitebuild import build_site, make_site, read
from test_insights_pages import FUTURE, RESEARCH, SHOP

EXTENSIONS = ["admonition", "attr_list", "md_in_html", "tables"]


def _site(tmp_path, page: str, docs_path: str = "report.md"):
    return make_site(tmp_path, maps={"_research.yml": RESEARCH, "shop.yml": SHOP, "future.yml": FUTURE},
                     docs={"index.md": "# Home\n", docs_path: page},
                     config={"markdown_extensions": EXTENSIONS})


def test_portfolio_funnel_and_evidence_views(tmp_path):
    page = """\
        # Report

        ```cjm
        show: portfolio
        persona: shop
        ```

        ```cjm
        show: funnel
        persona: shop
        ```

        ```cjm
        show: evidence
        stage: checkout
        ```
        """
    site = build_site(_site(tmp_path, page))
    soup = BeautifulSoup(read(site, "report/"), "html.parser")
    article = soup.select_one("article")
    # The portfolio of one persona: its two scored opportunities, in rank order, as links.
    dots = article.select("svg.cjm-matrix-chart a.cjm-dot")
    assert [d["xlink:href"] for d in dots] == ["../journeys/shop/checkout/#opportunity-show-cost-early",
                                         "../journeys/shop/checkout/#opportunity-guest-checkout"]
    ranked = article.select("table")[0]
    assert [a.get_text() for a in ranked.select("td:nth-of-type(2) > a")][:2] == [
        "Show the cost early.", "Guest checkout."]
    assert "Slow page." in article.get_text()  # unaddressed, in this persona
    assert "Invoice form is long." not in article.get_text()  # the other persona's
    # The funnel, with links to the stages.
    funnel = article.select_one("svg.cjm-funnel-chart")
    assert [a["xlink:href"] for a in funnel.select("a")] == ["../journeys/shop/browse/", "../journeys/shop/checkout/"]
    # Evidence cited at the checkout stage only: the analytics, not the interviews (browse).
    text = article.get_text(" ")
    assert "Checkout funnel" in text and "Twelve interviews" not in text
    for link in article.select("a[href^='../journeys/']"):
        page_path = link["href"].split("#")[0]
        assert (site / "report" / page_path / "index.html").resolve().is_file(), link["href"]


@pytest.mark.parametrize("body, message", [
    ("show: funnel\npersona: future", "`future` has no metric with `funnel: true`"),
    ("show: funnel", "`funnel` needs `persona:`"),
    ("show: evidence\nkind: interveiw", "kind `interveiw` is not one of"),
    ("show: evidence\npersona: future", "no evidence is cited there"),
    ("show: portfolio\nowner: Nobody", "no item has owner `Nobody`"),
    ("show: portfolio\nseverity: high", "`portfolio` takes no option `severity`"),
])
def test_misuse_of_the_new_views(tmp_path, caplog, body, message):
    page = f"# Report\n\n```cjm\n{body}\n```\n"
    site = build_site(_site(tmp_path, page), strict=False)
    warnings = [r.getMessage() for r in caplog.records if "cjm block" in r.getMessage()]
    assert len(warnings) == 1 and message in warnings[0], warnings
    assert message in BeautifulSoup(read(site, "report/"), "html.parser").select_one(".cjm-embed-error").get_text()
