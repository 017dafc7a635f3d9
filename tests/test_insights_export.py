"""`cjm export` carries evidence, confidence, links, scores and metric status, in JSON and CSV."""

from __future__ import annotations

import csv
import io
import json

import pytest

from cjm_plugin.cli import main
from cjm_plugin.export import ALL_KINDS, LIST_SEPARATOR, columns

from helpers_maps import write
from test_insights_pages import FUTURE, RESEARCH, SHOP


@pytest.fixture()
def project(tmp_path, monkeypatch):
    for name, text in {"_research.yml": RESEARCH, "shop.yml": SHOP, "future.yml": FUTURE}.items():
        write(tmp_path, name, text)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _export(capsys, *argv: str):
    assert main(["export", *argv]) == 0
    return capsys.readouterr().out


def _by(rows, key):
    return {row[key]: row for row in rows}


def test_json_carries_the_new_fields_and_the_links(project, capsys):
    data = json.loads(_export(capsys))
    assert list(data) == list(ALL_KINDS)
    opportunities = _by(data["opportunities"], "ref")
    one_tap = opportunities["future/one-tap"]
    assert (one_tap["addresses"], one_tap["addresses_refs"]) == (
        ["invoice-form", "shop/delivery-cost"], ["future/invoice-form", "shop/delivery-cost"])
    assert (one_tap["impact"], one_tap["effort"], one_tap["score"], one_tap["rank"], one_tap["worst_severity"]) == (
        2, 1, 2, 1, "high")
    assert (opportunities["shop/guest-checkout"]["score"], opportunities["shop/guest-checkout"]["rank"]) == (1, 3)
    unscored = next(r for r in data["opportunities"] if r["text"] == "Unscored idea.")
    assert (unscored["ref"], unscored["rank"], unscored["score"]) == ("shop/checkout#3", None, None)

    pains = _by(data["pain_points"], "ref")
    assert pains["shop/delivery-cost"]["addressed_by"] == ["future/one-tap", "shop/show-cost-early"]
    assert (pains["shop/delivery-cost"]["confidence"], pains["shop/delivery-cost"]["confidence_effective"]) == (
        None, "observed")
    assert pains["shop/delivery-cost"]["touchpoint"] == "payment-page"
    assert pains["shop/delivery-cost"]["evidence"] == ["checkout-analytics"]
    assert pains["shop/checkout#3"]["confidence_effective"] == "assumed"

    drop_off = next(m for m in data["metrics"] if m["name"] == "Drop-off")
    assert (drop_off["better"], drop_off["funnel"], drop_off["gap"], drop_off["status"]) == ("lower", True, 10, "off")

    stages = {(s["persona_id"], s["stage_id"]): s for s in data["stages"]}
    checkout = stages[("shop", "checkout")]
    assert (checkout["moment_of_truth"], checkout["evidence"], checkout["confidence_effective"]) == (True, [], "assumed")
    assert list(checkout) == columns("stages")

    evidence = _by(data["evidence"], "id")
    assert evidence["checkout-analytics"]["cited_by"] == ["pain:shop/delivery-cost", "metric:shop/checkout#1"]
    assert evidence["interviews-2026-q3"]["cited_by"] == ["stage:shop/browse"]
    assert evidence["interviews-2026-q3"]["date"] == "2026-09-14"


def _from_csv(text: str, like: dict):
    """A CSV cell read back as the JSON value `like` holds (list, number, boolean or text)."""
    if text == "":
        return [] if isinstance(like, list) else None
    if isinstance(like, list):
        return text.split(LIST_SEPARATOR)
    if isinstance(like, bool):
        return text == "true"
    if isinstance(like, (int, float)):
        return float(text)
    return text


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_csv_round_trips_to_the_json_rows(project, capsys, kind):
    rows = json.loads(_export(capsys, "--kind", kind))
    text = _export(capsys, "--kind", kind, "--format", "csv")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    assert reader.fieldnames == columns(kind)
    read = list(reader)
    assert len(read) == len(rows) and rows, kind
    for row, expected in zip(read, rows):
        for name, value in expected.items():
            assert _from_csv(row[name], value) == (float(value) if isinstance(value, (int, float))
                                                   and not isinstance(value, bool) else value), (kind, name)
