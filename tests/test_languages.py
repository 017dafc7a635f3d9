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
    # The emotion curves and the heatmap are SVG drawn by emotion_charts.py, no DOT.
    # English stays as it was (the golden DOT files pin it).
    assert "Customer journey of Ada" in journey_dot(loaded, url, labels=en) == journey_dot(loaded, url)
