"""`cjm render`: a persona's canvas as a standalone HTML, PNG, PDF or SVG file.

The files are opened the way their readers would: the HTML in headless Chromium with the
network cut (every request recorded), the PNG by its header, the PDF by its pages and
paper size, the SVG as XML.
"""

from __future__ import annotations

import shutil
import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from canvas_maps import long_map
from cjm_plugin.catalog import load_project
from cjm_plugin.cli import main
from cjm_plugin.standalone import A3_CONTENT_PX, count_pages, page_width, standalone_html
from hostile import markup_problems

REPO = Path(__file__).resolve().parent.parent
MAPS = REPO / "maps"
CORPUS = REPO / "tests" / "corpus"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (apt-get install chromium)")
needs_poppler = pytest.mark.skipif(shutil.which("pdftocairo") is None,
                                   reason="needs poppler's pdftocairo (apt-get install poppler-utils)")


def render(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["render", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


# --- HTML: no browser needed ----------------------------------------------------------------

def test_html_is_one_self_contained_file(tmp_path, capsys):
    out = tmp_path / "bm.html"
    code, stdout, _ = render(capsys, "brand-manager", "--maps", str(MAPS), "--out", str(out))
    assert code == 0 and f"wrote {out}" in stdout
    soup = BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser")
    canvas = soup.select_one('[data-cjm-canvas="brand-manager"]')
    assert canvas is not None and soup.find("style") is not None
    assert soup.find(["script", "link", "img", "iframe", "object"]) is None
    for element in soup.find_all(True):  # nothing loads from anywhere
        for attribute in ("src", "srcset", "data", "poster"):
            assert attribute not in element.attrs, element
    assert "@import" not in soup.find("style").text and "url(" not in soup.find("style").text
    # A standalone file has no stage pages to link to; links that lead out stay (http(s) only).
    assert canvas.select("[data-cjm-stage] a") == []
    assert all(a["href"].startswith(("https://", "http://")) for a in canvas.select("a[href]"))
    assert soup.h1.get_text() == "Corporate brand manager"


def test_format_follows_the_out_extension_and_defaults_to_the_persona_id(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert render(capsys, "theatre-goer", "--maps", str(MAPS))[0] == 0
    assert (tmp_path / "theatre-goer.html").is_file()
    code, _, err = render(capsys, "theatre-goer", "--maps", str(MAPS), "--out", "wall.docx")
    assert code == 2 and "pass --format" in err


def test_unknown_persona_names_the_ones_there(capsys):
    code, _, err = render(capsys, "brand-manger", "--maps", str(MAPS))
    assert code == 1
    assert "no persona `brand-manger`" in err and "did you mean `brand-manager`?" in err
    assert "Traceback" not in err


def test_a_map_file_path_works_as_the_persona(tmp_path, capsys):
    out = tmp_path / "x.html"
    assert render(capsys, str(MAPS / "online-shopper.yml"), "--out", str(out))[0] == 0
    assert 'data-cjm-canvas="online-shopper"' in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(
    yaml.safe_load((CORPUS / "cases.yml").read_text(encoding="utf-8"))["valid"]))
def test_hostile_maps_stay_text_in_the_standalone_file(name, tmp_path):
    shutil.copyfile(CORPUS / name, tmp_path / Path(name).name)
    project = load_project([tmp_path])
    assert project.maps and not project.errors
    soup = BeautifulSoup(standalone_html(project, project.maps[0]), "html.parser")
    assert markup_problems(soup.body, name) == []
    assert soup.find("img") is None, "images in map text become their alt text: nothing to fetch"
    assert [s for s in soup.find_all("script")] == []


# --- PNG, PDF, SVG: real Chromium ---------------------------------------------------------

@needs_chromium
def test_html_opens_offline_with_no_request_to_any_other_host(tmp_path, capsys):
    from playwright.sync_api import sync_playwright

    (tmp_path / "maps").mkdir()
    images = long_map(3).replace("Action 1 b", "Action 1 b ![logo](https://cdn.example.com/logo.png)")
    (tmp_path / "maps" / "ten.yml").write_text(images, encoding="utf-8")
    out = tmp_path / "wall.html"
    assert render(capsys, "ten", "--maps", str(tmp_path / "maps"), "--out", str(out))[0] == 0
    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(offline=True)
        page = context.new_page()
        page.on("request", lambda r: requests.append(r.url))
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                   else route.abort())
        page.goto(out.as_uri())
        page.wait_for_load_state("networkidle")
        shown = page.evaluate("""() => [document.querySelectorAll('[data-cjm-point]').length,
                                        document.querySelector('[data-cjm-canvas]').getBoundingClientRect().height]""")
        browser.close()
    assert requests == [out.as_uri()], requests
    assert shown[0] == 3 and shown[1] > 400


@needs_chromium
@pytest.mark.parametrize("args, css_width, scale", [
    ([], 1600, 2), (["--width", "1200", "--scale", "1"], 1200, 1)])
def test_png_has_the_expected_size(tmp_path, capsys, args, css_width, scale):
    out = tmp_path / "bm.png"
    code, stdout, err = render(capsys, "brand-manager", "--maps", str(MAPS), "--out", str(out), *args)
    assert code == 0, err
    width, height = png_size(out)
    assert width == css_width * scale
    assert height > 1500 * scale  # the whole canvas, not one screen of it
    assert f"({width}×{height} px)" in stdout


@needs_chromium
def test_png_widens_to_show_every_stage(tmp_path, capsys):
    (tmp_path / "maps").mkdir()
    (tmp_path / "maps" / "wide.yml").write_text(long_map(14, "wide", "Wide"), encoding="utf-8")
    out = tmp_path / "wide.png"
    assert render(capsys, "wide", "--maps", str(tmp_path / "maps"), "--out", str(out), "--scale", "1")[0] == 0
    project = load_project([tmp_path / "maps"])
    expected = page_width(project.maps[0], 1600)
    assert expected > 1600
    assert png_size(out)[0] == expected


def _media_box(pdf: bytes) -> tuple[float, float]:
    import re

    found = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    return float(found.group(1)), float(found.group(2))


@needs_chromium
@pytest.mark.parametrize("persona, maps", [("brand-manager", None), ("dense", "dense")])
def test_pdf_is_one_a3_landscape_page(tmp_path, capsys, persona, maps):
    folder = MAPS
    if maps:  # eight stages with four times the usual content: scaled down to one sheet
        folder = tmp_path / "maps"
        folder.mkdir()
        text = long_map(8, "dense", "Dense").replace("    actions:\n", "    actions:\n" + "".join(
            f"      - Another step, number {n}, described at some length to fill the column\n"
            for n in range(8)))
        (folder / "dense.yml").write_text(text, encoding="utf-8")
    out = tmp_path / "wall.pdf"
    code, stdout, err = render(capsys, persona, "--maps", str(folder), "--out", str(out))
    assert code == 0, err
    pdf = out.read_bytes()
    assert pdf.startswith(b"%PDF") and count_pages(pdf) == 1
    width, height = _media_box(pdf)
    assert abs(width - 1190.55) < 2 and abs(height - 841.89) < 2
    assert "1 page, A3 landscape" in stdout
    assert A3_CONTENT_PX[0] > A3_CONTENT_PX[1]


@needs_chromium
@needs_poppler
def test_svg_is_vector_graphics_that_slide_tools_open(tmp_path, capsys):
    out = tmp_path / "wall.svg"
    assert render(capsys, "theatre-goer", "--maps", str(MAPS), "--out", str(out))[0] == 0
    root = ET.parse(out).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("width", "").endswith("pt") and root.get("viewBox")
    tags = {element.tag.split("}")[-1] for element in root.iter()}
    assert "path" in tags and "foreignObject" not in tags and "image" not in tags
    assert len(list(root.iter("{http://www.w3.org/2000/svg}path"))) > 500


def test_missing_chromium_is_a_clear_message(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.delenv("CJM_CHROMIUM", raising=False)
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "no-browsers"))
    code, _, err = render(capsys, "brand-manager", "--maps", str(MAPS), "--out", str(tmp_path / "x.png"))
    assert code == 1
    assert "apt-get install chromium" in err and "--format html` needs no browser" in err
    assert "Traceback" not in err
    assert not (tmp_path / "x.png").exists()


def test_a_chromium_that_is_not_there_is_named(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CJM_CHROMIUM", str(tmp_path / "nowhere" / "chrome"))
    code, _, err = render(capsys, "brand-manager", "--maps", str(MAPS), "--out", str(tmp_path / "x.pdf"))
    assert code == 1 and "Chromium not found at" in err and "nowhere" in err
