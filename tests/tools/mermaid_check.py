"""Check cjm's Mermaid journey reader and writer against the real Mermaid (run by hand).

    .venv/bin/python tests/tools/mermaid_check.py [--modules DIR]

Installs `mermaid@11` and `jsdom` with npm into a temporary folder (or uses DIR, a
node_modules folder that has them), then for a set of diagrams (every example map
exported by `cjm export --format mermaid`, names full of Mermaid syntax, random names,
and diagrams Mermaid must reject) compares what Mermaid's own parser reads (title,
sections, tasks, scores, actors, after its entity decoding) with what cjm's reader reads.
Exits 1 on any difference. Not part of the pytest suite: it needs npm and the registry.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "plugins"))

from cjm_plugin.catalog import load_project  # noqa: E402
from cjm_plugin.interop.mermaid import mermaid_text, parse_journey, to_mermaid  # noqa: E402
from cjm_plugin.interop.draft import Problems  # noqa: E402

TRICKY = [
    "Price: 20% off; today only", "#1 choice", "Title search", "section of the shop",
    "journey planner", "Journey", "accTitle: x", "accDescr { y }", "accDescr: z", "50%% sure",
    "%discount", "%%", "a%%b", "<b>bold</b> & <i>more</i>", 'say "hi"', "a, b and c",
    "Line one\nline two", "客服热线：等了四十分钟；再打一次", "Émilie’s “café”", "😀 delighted",
    "x #58; y", "#quot;", "  spaced   out  ", "}", "{", "}%%", "--", "1", "NaN", "\\", "&amp;",
    "tab\there", "title", "section", "<br>", "a<br/>b", "#", ";", ":", ",", "%",
]

REJECTED = [
    "graph LR\n  a --> b\n",
    "journey\n  section A\n    Make tea\n",
    "journey\n  section A\n    Make tea: 5: Me; Cat\n",
    "journey\n  section A\n    : 3: Me\n",
    "journey\n  section A\n    journey map: 3: Me\n",
]


def _names(count: int, seed: int = 19) -> list[str]:
    rng = random.Random(seed)
    alphabet = "abcXYZ :;#%,&<>{}\"'|-_.!?@*()[]\\/ éü中文😀\t"
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 16))) for _ in range(count)]


def _diagram(names: list[str], persona: str = "Ann: the, tester") -> str:
    lines = ["journey", f"  title {mermaid_text(persona)}"]
    for number, name in enumerate(names):
        lines.append(f"  section {mermaid_text(name)}")
        actors = ", ".join(mermaid_text(a, actor=True) for a in (persona, name))
        lines.append(f"    {mermaid_text(name)}: {number % 5 + 1}: {actors}")
    return "\n".join(lines) + "\n"


def _cjm_reading(text: str) -> dict | None:
    try:
        journey = parse_journey(text, "x.mmd")
    except Problems:
        return None
    return {
        "title": journey.title or "",
        "sections": [s.name for s in journey.sections],
        "tasks": [[s.name, t.name, t.score, t.actors] for s in journey.sections for t in s.tasks],
    }


def _mermaid_reading(result: dict) -> dict | None:
    if not result["ok"]:
        return None
    return {
        "title": result["title"].strip(),
        "sections": [s.strip() for s in result["sections"]],
        "tasks": [[s.strip(), t.strip(), score, [a for a in actors if a]]
                  for s, t, score, actors in result["tasks"]],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", help="a node_modules folder with mermaid and jsdom")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cjm-mermaid-") as folder:
        work = Path(folder)
        if args.modules:
            (work / "node_modules").symlink_to(Path(args.modules).resolve())
        else:
            subprocess.run(["npm", "install", "--no-audit", "--no-fund", "mermaid@11", "jsdom"],
                           cwd=work, check=True, stdout=subprocess.DEVNULL)
        shutil.copy(HERE / "mermaid_parse.mjs", work / "parse.mjs")
        cases: dict[str, str] = {}
        for loaded in load_project([REPO / "maps"]).maps:
            cases[f"example-{loaded.id}.mmd"] = to_mermaid(loaded)
        cases["tricky.mmd"] = _diagram(TRICKY)
        for number in range(20):
            cases[f"random-{number}.mmd"] = _diagram(_names(12, seed=number), persona=_names(1, 99 + number)[0])
        for number, text in enumerate(REJECTED):
            cases[f"rejected-{number}.mmd"] = text
        for name, text in cases.items():
            (work / name).write_text(text, encoding="utf-8")
        run = subprocess.run(["node", "parse.mjs", *cases], cwd=work, capture_output=True, text=True)
        results = {Path(r["file"]).name: r for r in map(json.loads, run.stdout.splitlines())}
        differences = 0
        for name, text in cases.items():
            theirs = _mermaid_reading(results[name])
            ours = _cjm_reading(text)
            if theirs != ours:
                differences += 1
                print(f"DIFFERENT {name}\n  mermaid: {theirs}\n  cjm:     {ours}")
        tasks = sum(len(r.get("tasks", [])) for r in results.values())
        version = json.loads((work / "node_modules" / "mermaid" / "package.json").read_text())["version"]
        print(f"{len(cases)} diagrams, {tasks} tasks read by Mermaid {version}: {differences} different")
        return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
