"""Built-in words per language (labels.py, labels/*.yml), a map's own `lang:`, a team's label
folder, and Chinese text that YAML folds across lines. Real builds, read as HTML."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from mkdocs.exceptions import Abort, PluginError

from cjm_plugin.labels import LANGUAGES, LabelsError, _fields, builtin, chain, load_labels
from cjm_plugin.yaml_source import parse
from sitebuild import build_site, make_site, read

MAP = """\
persona:
  name: Ada
  goals: [Get paid on time]
  profile: {Age: "41"}
lanes:
  - {id: cx, name: CX, kind: backstage}
stages:
  - name: Looks around
    id: awareness
    emotion: -2
    objective: Find a supplier
    touchpoints:
      - {name: Trade fair stand, channel: events, owner: Sales, emotion: 1}
    pain_points:
      - {text: Nobody answers the phone, severity: high}
    opportunities:
      - {text: Call-back promise, status: in progress, owner: CX}
    metrics:
      - {name: Drop-off, value: 30, target: 20, unit: "%", better: lower}
    lanes:
      cx: [Logs every call]
  - name: Buys
    id: purchase
    emotion: 1
    touchpoints:
      - {name: Order form, channel: web}
"""

# key -> where it shows: (page, what to look in)
PERSONA = "journeys/ada/"
STAGE = "journeys/ada/awareness/"


def _site(tmp_path, language=None, maps=None, options=None, docs=None):
    theme = {"name": "material", "font": False}
    if language:
        theme["language"] = language
    cjm = {"diagrams": False, **(options or {})}
    config = make_site(tmp_path, maps=maps or {"ada.yml": MAP}, docs=docs,
                       config={"theme": theme, "plugins": ["search", {"cjm": cjm}]})
    return build_site(config)


def _text(site, page) -> str:
    return BeautifulSoup(read(site, page), "html.parser").find("article").get_text(" ", strip=True)


def _headings(site, page) -> list[str]:
    article = BeautifulSoup(read(site, page), "html.parser").find("article")
    return [h.get_text(" ", strip=True).rstrip("¶").strip() for h in article.find_all(["h2", "h3"])]


@pytest.mark.parametrize("language", LANGUAGES)
def test_built_in_words_follow_the_site_language(tmp_path, language):
    site = _site(tmp_path, language)
    words = load_labels(language)
    persona, stage = _text(site, PERSONA), _text(site, STAGE)
    # Persona page: headings, profile table, the canvas (lanes, emotion, severity, status).
    assert words["persona.goals"] in _headings(site, PERSONA)
    for key in ("persona.profile", "lane.touchpoints", "lane.pain-points", "lane.opportunities",
                "lane.metrics", "line.visibility", "emotion.-2", "severity.high", "status.in progress",
                "canvas.stage", "lane.emotion"):
        assert words[key] in persona, (language, key)
    # Stage page: headings, table headers, emotion and severity words, metric status.
    headings = _headings(site, STAGE)
    for key in ("lane.touchpoints", "lane.pain-points", "lane.opportunities", "lane.metrics",
                "stage.behind_the_scenes"):
        assert words[key] in headings, (language, key)
    for key in ("table.touchpoint", "touchpoint.channel", "severity", "emotion.-2", "severity.high",
                "status.in progress", "off_target", "stage.objective"):
        assert words[key] in stage, (language, key)
    assert words("stage.journey_of", persona="Ada").replace(" ", "") in stage.replace(" ", "")
    if language != "en":
        english = load_labels("en")
        for key in ("persona.goals", "stage.behind_the_scenes", "lane.pain-points"):
            assert english[key] not in _headings(site, PERSONA) + headings, (language, key)
        assert english["emotion.-2"] not in stage


def test_every_shipped_language_translates_every_word_with_the_same_fields():
    english = builtin("en")
    # Marks and symbols are the same in every language: English's serve.
    marks = {"stage.moment_of_truth_mark", "moment_of_truth_mark", "arrow_higher", "arrow_lower", "more"}
    for language in LANGUAGES[1:]:
        words = builtin(language)
        assert set(words) <= set(english), language
        assert set(english) - set(words) == marks, language
        for key, text in words.items():
            # A translation may leave out a field English needs for its plurals (`{s}`).
            assert text.strip() and _fields(text) <= _fields(english[key]), (language, key)
        for key in ("persona.goals", "lane.pain-points", "emotion.-2", "stage.journey_of"):
            assert words[key] != english[key], (language, key)


def test_a_language_code_falls_back_to_its_base_then_english():
    assert chain("pt-BR") == ["en", "pt", "pt-BR"]
    assert chain(None) == ["en"]
    assert load_labels("de-CH")["persona.goals"] == "Ziele"
    assert load_labels("zh-Hans")["persona.goals"] == "目标"
    # No file for Japanese: English, whole.
    assert load_labels("ja") == load_labels("en")


def test_a_map_can_choose_its_own_language(tmp_path):
    site = _site(tmp_path, "en", maps={"ada.yml": "lang: fr\n" + MAP, "bob.yml": MAP.replace("Ada", "Bob")})
    assert "Objectifs" in _headings(site, PERSONA) and "Goals" in _headings(site, "journeys/bob/")
    assert "Points de friction" in _headings(site, STAGE)
    assert "Pain points" in _headings(site, "journeys/bob/awareness/")
    assert "très négative" in _text(site, STAGE)


def test_a_map_language_must_look_like_a_language_code(tmp_path):
    config = make_site(tmp_path, maps={"ada.yml": "lang: french please\n" + MAP})
    with pytest.raises((Abort, PluginError)):
        build_site(config)


def test_a_team_adds_words_and_languages_and_english_fills_the_rest(tmp_path):
    (tmp_path / "labels").mkdir()
    (tmp_path / "labels" / "de.yml").write_text('persona.goals: "Was Ada will"\n', encoding="utf-8")
    (tmp_path / "labels" / "ja.yml").write_text('persona.goals: "目標"\nlane.pain-points: "ペインポイント"\n',
                                                encoding="utf-8")
    site = _site(tmp_path / "de", "de", options={"labels_dir": "../labels"})
    assert "Was Ada will" in _headings(site, PERSONA)
    assert "Frustrationen" not in _headings(site, PERSONA) and "Pain Points" in _headings(site, STAGE)
    site = _site(tmp_path / "ja", "ja", options={"labels_dir": "../labels"})
    assert "目標" in _headings(site, PERSONA)
    assert "ペインポイント" in _headings(site, STAGE)
    assert "Opportunities" in _headings(site, STAGE)  # not translated by the team: English


@pytest.mark.parametrize("content, message", [
    ('persona.goal: "Ziele"\n', r"de\.yml:1:1: unknown label `persona\.goal`; did you mean `persona\.goals`\?"),
    ('\n\nstage.journey_of: "Reise von {name}"\n',
     r"de\.yml:3:1: `stage\.journey_of` uses \{name\}, which cjm does not fill in here; it fills in: persona"),
    ("persona.goals: [a, b]\n", r"de\.yml:1:1: `persona\.goals` needs text"),
    ("persona.goals: Ziele\npersona.goals: Ziel\n", r"de\.yml:2:1: .*duplicate"),
])
def test_a_broken_team_label_file_is_named_with_line_and_column(tmp_path, content, message):
    (tmp_path / "labels").mkdir()
    (tmp_path / "labels" / "de.yml").write_text(content, encoding="utf-8")
    with pytest.raises(LabelsError, match=message):
        load_labels("de", tmp_path / "labels")


def test_a_missing_labels_dir_is_a_clear_error(tmp_path, caplog):
    config = make_site(tmp_path, maps={"ada.yml": MAP},
                       config={"plugins": ["search", {"cjm": {"labels_dir": "nowhere"}}]})
    with pytest.raises((Abort, PluginError)):
        build_site(config)
    assert "labels_dir `nowhere` is not a folder" in caplog.text + "".join(str(a) for a in caplog.records)


# -- CJK text that YAML folds ---------------------------------------------------------------

@pytest.mark.parametrize("source, expected", [
    ("a: 去年她买了\n  账管家软件\n", "去年她买了账管家软件"),
    ("a: 去年她买了\n  **账管家**进销存\n", "去年她买了**账管家**进销存"),
    ("a: 但一遇到问题\n  ，她就打电话\n", "但一遇到问题，她就打电话"),
    ("a: >\n  问题，\n  她就打电话\n", "问题，她就打电话\n"),
    ('a: "スマホで\n  注文する"\n', "スマホで注文する"),
    # Words around Latin text, Korean (which spaces words) and one-line text keep their spaces.
    ("a: 她用 Excel\n  记账\n", "她用 Excel 记账"),
    ("a: 한국어\n  문장\n", "한국어 문장"),
    ("a: 单行 有空格\n", "单行 有空格"),
    ("a: |\n  一\n  二\n", "一\n二\n"),
])
def test_folded_cjk_lines_join_without_a_space(source, expected):
    assert parse(source)[0]["a"] == expected


def test_chinese_map_text_reads_without_stray_spaces_on_the_site(tmp_path):
    zh = """\
    lang: zh
    persona:
      name: 王丽
      summary: >-
        去年她买了
        **账管家**进销存软件，但一遇到问题，
        她就会打电话。
    stages:
      - name: 使用中遇到问题
        id: retention
        emotion: -2
        pain_points:
          - text: 热线一直占线，等了二十分钟才有人接，问题
              ，她只好自己去门店。
            severity: high
    """
    site = _site(tmp_path, maps={"wang.yml": zh})
    soup = BeautifulSoup(read(site, "journeys/wang/"), "html.parser")
    summary = soup.find("strong", string="账管家").parent
    assert "去年她买了<strong>账管家</strong>进销存软件，但一遇到问题，她就会打电话。" in str(summary)
    pain = soup.select_one("[data-cjm-lane='pain-points'] .cjm-pain").get_text()
    assert "问题，她只好" in pain and not re.search(r"\s，", pain)
    # The built-in words of this map are Chinese.
    assert "痛点" in [label.get_text() for label in soup.select(".cjm-canvas .cjm-label-text")]


# -- the commands -----------------------------------------------------------------------------

def test_generate_and_render_take_a_language_and_a_team_folder(tmp_path, capsys, monkeypatch):
    from cjm_plugin.cli import main

    (tmp_path / "maps").mkdir()
    (tmp_path / "maps" / "ada.yml").write_text(MAP, encoding="utf-8")
    (tmp_path / "words").mkdir()
    (tmp_path / "words" / "fr.yml").write_text('persona.goals: "Ce qu’Ada veut"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["generate", "--out", "site", "--no-diagrams", "--lang", "fr", "--labels-dir", "words"]) == 0
    persona = (tmp_path / "site" / "journeys" / "ada" / "index.md").read_text(encoding="utf-8")
    assert "## Ce qu’Ada veut" in persona and "Points de friction" in persona
    assert main(["render", "ada", "--lang", "hu", "--out", "ada.html"]) == 0
    page = (tmp_path / "ada.html").read_text(encoding="utf-8")
    assert '<html lang="hu">' in page and "<title>Ada útvonaltérképe</title>" in page
    (tmp_path / "words" / "fr.yml").write_text('persona.goal: "x"\n', encoding="utf-8")
    capsys.readouterr()
    assert main(["generate", "--out", "site", "--lang", "fr", "--labels-dir", "words"]) == 1
    assert "fr.yml:1:1: unknown label `persona.goal`; did you mean `persona.goals`?" in capsys.readouterr().err


def test_diagrams_speak_the_language_of_their_map(tmp_path):
    from cjm_plugin.catalog import load_project
    from cjm_plugin.diagrams import journey_dot

    (tmp_path / "maps").mkdir()
    (tmp_path / "maps" / "ada.yml").write_text(MAP, encoding="utf-8")
    (loaded,) = load_project([tmp_path / "maps"]).maps
    zh, en = load_labels("zh"), load_labels("en")
    url = lambda sid: f"cjm:stage/ada/{sid}"  # noqa: E731
    def shown(dot: str) -> str:
        """What a reader sees of a graph: its name (the SVG's title), labels and tooltips;
        node names and classes are internal (render.py strips them from the page)."""
        parts = re.findall(r'^digraph ("[^"]*")|label=(<.*?>)[,\]]|tooltip="((?:[^"\\]|\\.)*)"', dot, re.M)
        return "\n".join("".join(p) for p in parts)

    journey = shown(journey_dot(loaded, url, labels=zh))
    for word in ("Ada的客户旅程", "非常负面", "1 个痛点", "1 个触点", "渠道：events", "感受：正面 (+1)",
                 "颜色表示情绪"):
        assert word in journey, word
    for word in ("Customer journey of", "very negative", "pain point", "touchpoint", "channel:", "feels"):
        assert word not in journey, word
    # The emotion curves and the heatmap are SVG drawn by emotion_charts.py, no DOT: their
    # words are checked with the views below.
    # English stays as it was (the golden DOT files pin it).
    assert "Customer journey of Ada" in journey_dot(loaded, url, labels=en) == journey_dot(loaded, url)


RULES = ("rules:\n  - rule: touchpoint-needs-owner\n    level: notice\n"
         "  - rule: review-every\n    months: 6\n    level: notice\n")
OWNED = "owner: CX team\nreviewed: 2026-01-15\n"


def _article(site, page) -> BeautifulSoup:
    return BeautifulSoup(read(site, page), "html.parser").find("article")


@pytest.mark.parametrize("language", LANGUAGES)
def test_map_health_speaks_the_site_language(tmp_path, language):
    """The persona page's health line and the Map health page (governance, #18)."""
    maps = {"ada.yml": OWNED + MAP, "bob.yml": MAP.replace("Ada", "Bob"), "_rules.yml": RULES}
    site = _site(tmp_path, language, maps=maps)
    words = load_labels(language)
    line = _article(site, PERSONA).find(class_="cjm-health-line").get_text(" ", strip=True)
    assert line.startswith(words("gov.line_owner", owner="CX team")), (language, line)
    assert words("gov.line_reviewed", date="2026-01-15") in line
    # "Order form" has no owner, and the review is older than six months.
    assert words.plural("gov.count_notice", 2) in line
    bob = _article(site, "journeys/bob/").find(class_="cjm-health-line").get_text(" ", strip=True)
    assert words["gov.line_no_owner"] in bob and words["gov.line_not_reviewed"] in bob
    health = _article(site, "journeys/health/")
    assert health.find("h1").get_text(strip=True).rstrip("¶") == words["gov.health_title"]
    headers = [th.get_text(strip=True) for th in health.find_all("th")]
    for key in ("gov.map", "gov.findings", "gov.review", "gov.last_change", "gov.rule", "gov.level",
                "gov.settings", "gov.finding"):
        assert words[key] in headers, (language, key)
    assert words["gov.rules_heading"] in _headings(site, "journeys/health/")
    text = health.get_text(" ", strip=True)
    for key in ("gov.level_notice", "gov.no_owner", "gov.not_reviewed", "gov.overdue"):
        assert words[key] in text, (language, key)
    # The navigation's section of the pages across personas, with the health page in it.
    nav = BeautifulSoup(read(site, "journeys/health/"), "html.parser").find("nav", class_="md-nav--primary")
    assert words["nav.across"] in nav.get_text(" ", strip=True)
    if language != "en":
        english = load_labels("en")
        assert english["nav.across"] not in nav.get_text(" ", strip=True)
        assert "Owner:" not in line and english["gov.health_title"] not in text
        assert english["gov.rules_heading"] not in _headings(site, "journeys/health/")


def test_a_map_language_sets_its_health_line_and_the_site_its_health_page(tmp_path):
    maps = {"ada.yml": "lang: zh\n" + OWNED + MAP, "_rules.yml": RULES}
    site = _site(tmp_path, "de", maps=maps)
    line = _article(site, PERSONA).find(class_="cjm-health-line").get_text(" ", strip=True)
    assert line.startswith("负责人：CX team") and "2 个提示" in line
    assert _article(site, "journeys/health/").find("h1").get_text(strip=True).rstrip("¶") == "Zustand der Maps"


def test_counts_of_the_health_views_have_a_word_for_one_and_for_many():
    for language in LANGUAGES:
        words = load_labels(language)
        for key in ("gov.count_error", "gov.count_warning", "gov.count_notice", "gov.changes_intro"):
            assert "2" in words.plural(key, 2) or language == "en" and key == "gov.changes_intro"
    english = load_labels("en")
    assert english.plural("gov.count_warning", 1) == "1 warning"
    assert english.plural("gov.count_warning", 3) == "3 warnings"
    assert english.plural("gov.changes_unreadable", 1).endswith("so its changes are not shown.")


# -- a `lang:` with no words ------------------------------------------------------------------

@pytest.mark.parametrize("code, near", [("zn", "zh"), ("cn", "zh"), ("ger", "de"), ("hz", "hu"),
                                        ("ja", None), ("pt-BR", None)])
def test_a_language_without_words_gets_a_warning_with_its_place_and_a_guess(tmp_path, caplog, code, near):
    config = make_site(tmp_path, maps={"ada.yml": MAP + f"lang: {code}\n"},
                       config={"theme": {"name": "material", "font": False},
                               "plugins": ["search", {"cjm": {"diagrams": False}}]})
    with pytest.raises(Abort):  # a warning fails --strict, as every map warning does
        build_site(config, strict=True)
    site = build_site(config, strict=False)
    line = MAP.count("\n") + 1
    hint = f" (did you mean `{near}`?)" if near else ";"
    message = next(r.getMessage() for r in caplog.records if "`lang:" in r.getMessage())
    assert message.startswith(f"maps/ada.yml:{line}:7: warning: `lang: {code}`: cjm has no words"
                              " in this language"), message
    assert hint in message and f"add `{code}.yml` to the site's `labels_dir`" in message
    assert "Goals" in _headings(site, PERSONA)  # English, whole


@pytest.mark.parametrize("code", ["zh-Hans", "de-CH", "EN", "hu"])
def test_a_language_with_words_gets_no_warning(tmp_path, code):
    _site(tmp_path, maps={"ada.yml": f"lang: {code}\n" + MAP})  # strict: a warning would fail it


def test_a_team_file_gives_a_language_its_words_and_silences_the_warning(tmp_path, capsys, monkeypatch):
    from cjm_plugin.cli import main

    (tmp_path / "labels").mkdir()
    (tmp_path / "labels" / "ja.yml").write_text('persona.goals: "目標"\n', encoding="utf-8")
    site = _site(tmp_path / "site", maps={"ada.yml": "lang: ja\n" + MAP},
                 options={"labels_dir": "../labels"})
    assert "目標" in _headings(site, PERSONA)
    # `cjm validate` reads the site's labels_dir too, and warns without it.
    monkeypatch.chdir(tmp_path / "site")
    assert main(["validate", "--strict"]) == 0
    (tmp_path / "site" / "mkdocs.yml").write_text("site_name: x\nplugins: [search, cjm]\n", encoding="utf-8")
    assert main(["validate", "--strict"]) == 1
    assert "maps/ada.yml:1:7: warning: `lang: ja`" in capsys.readouterr().out


# -- the views across personas (index, stage across personas, backlog, inventory, charts) ----

FUTURE = MAP.replace("name: Ada", "name: Ada tomorrow\n  id: ada-future").replace("emotion: -2", "emotion: 1") \
    + "state: future\ncompares_to: ada\n"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_views_across_personas_speak_the_site_language(tmp_path, language):
    site = _site(tmp_path, language, maps={"ada.yml": MAP, "ada-future.yml": FUTURE})
    words = load_labels(language)
    english = load_labels("en")
    pages = {
        "journeys/": ("index.title", ["index.personas", "index.heatmap_heading", "index.curve_heading"],
                      ["index.link_backlog", "index.link_touchpoints", "index.curves_overlaid", "state.future",
                       "emotion.-1", "emotion.none"]),
        "journeys/backlog/": ("backlog.title", ["backlog.pains_heading", "backlog.opportunities_heading"],
                              ["pain_point", "opportunity", "table.persona", "severity.high"]),
        "journeys/stages/": ("stages.title", [], ["stages.intro", "stages.personas"]),
        "journeys/stages/awareness/": (None, [], ["across.intro", "lane.actions", "lane.pain-points",
                                                 "stage.behind_the_scenes", "severity.high"]),
        "journeys/touchpoints/": ("inventory.title", ["inventory.matrix_heading", "inventory.every"],
                                  ["inventory.channel", "inventory.total"]),
        "journeys/ada/": (None, ["compare.heading"], ["compare.future", "compare.link"]),
    }
    for page, (title, headings, texts) in pages.items():
        article = _article(site, page)
        text = " ".join(article.get_text(" ", strip=True).split())
        if title:
            assert article.find("h1").get_text(strip=True).rstrip("¶") == words[title], (language, page)
        for key in headings:
            assert words[key] in _headings(site, page), (language, page, key)
        for key in texts:
            assert " ".join(words[key].split()).lower() in text.lower(), (language, page, key)
        if language != "en":
            for key in (title, *headings):
                if key and words[key] != english[key]:
                    assert english[key] not in _headings(site, page) + [article.find("h1").get_text()], (language, key)
    # The charts' words: the heatmap's title and a cell's tooltip, the sparkline's label.
    index = _article(site, "journeys/")
    assert index.find(attrs={"data-cjm-chart": "heatmap"}).find("title").get_text() == words["index.heatmap_title"]
    spark = index.find(attrs={"data-cjm-chart": "sparkline"})["aria-label"]
    assert spark.startswith(words("chart.sparkline", persona="Ada", stages="")[:4]), (language, spark)
    tooltips = " ".join(t.get_text() for t in index.find(attrs={"data-cjm-chart": "heatmap"}).find_all("title"))
    assert words("emotion.-2") in tooltips and words.plural("diagram.pain", 1) in tooltips
    # The backlog's filter bar is labelled in the page's language too.
    bar = _article(site, "journeys/backlog/").find(class_="cjm-backlog-filters")
    assert bar["aria-label"] == words["backlog.filter_label"]
    assert '"reset": "' in bar["data-cjm-words"].replace("\\u0027", "'") or "reset" in bar["data-cjm-words"]
    import json
    assert json.loads(bar["data-cjm-words"])["reset"] == words["backlog.show_all"]


def test_a_backlog_group_is_named_in_the_site_language(tmp_path):
    site = _site(tmp_path, "de", maps={"ada.yml": MAP})
    headings = _headings(site, "journeys/backlog/")
    assert "Hoch (1)" in headings and "In Arbeit (1)" in headings, headings
