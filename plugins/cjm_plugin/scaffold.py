"""`cjm init`: a working journey site in a folder, empty or an existing MkDocs project.

It writes only what is missing and never overwrites a user's file. An existing mkdocs.yml
gets the plugin added in place (its comments and layout kept, the result checked by reading
it back); when that cannot be done safely, the lines to add are reported instead. A second
run finds everything in place and changes nothing.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import yaml

from . import __version__
from .catalog import VOCABULARY_FILE, is_map_file, load_project
from .rules import RULES_FILE
from .starter import (MAP_SCHEMA, SCHEMA_FOLDER, VOCABULARY_SCHEMA, modeline, starter_map,
                      starter_vocabulary)
from .store import write_atomic
from .yaml_source import SourceError, parse

PLUGIN = "cjm"
CONFIG_NAMES = ("mkdocs.yml", "mkdocs.yaml")  # the names MkDocs looks for, in its order
STARTER_PERSONA = "Example customer"
WORKFLOW = ".github/workflows/journeys.yml"
IGNORED = ("site/", ".cache/")  # the built site; the plugin's cache of diagrams and pages
RULES_SCHEMA = "rules.schema.json"
# `maps/_research.yml` is not written (a team adds it with its first evidence), but its
# schema is, so that the line docs/insights.md starts it with works in editors.
RESEARCH_SCHEMA = "research.schema.json"
SCHEMAS = (MAP_SCHEMA, VOCABULARY_SCHEMA, RULES_SCHEMA, RESEARCH_SCHEMA)
# The rules a new site starts with (docs/governance.md): the starter map passes them, and
# what it has still to fill in (owners, a review) shows as notices, which fail nothing.
STARTER_RULES = """\
# The team's rules for its maps: `cjm validate` and every build check them, and the site's
# Map health page lists what they find. `level: error` fails the build, `warning` fails
# `--strict` builds, `notice` is shown and fails nothing.
rules:
  - rule: low-emotion-needs-opportunity   # a stage at -1 or worse has an opportunity
    threshold: -1
  - rule: high-pain-needs-opportunity     # a high pain point is addressed by an owned opportunity
  - rule: touchpoint-needs-owner          # every touchpoint names its owning team
    level: notice
  - rule: review-every                    # set `reviewed: YYYY-MM-DD` on a map after a review
    months: 12
    level: notice
"""
# MkDocs' own default when a config has no `plugins:`; adding a list must keep it.
DEFAULT_PLUGINS = ("search",)

CREATED, UPDATED, KEPT = "created", "updated", "kept"


@dataclass
class Step:
    path: str  # relative to the project folder, with `/`
    action: str  # CREATED, UPDATED or KEPT
    note: str = ""


@dataclass
class InitResult:
    root: Path
    steps: list[Step] = field(default_factory=list)
    # What the user must still do by hand: the plugin could not be added to mkdocs.yml.
    by_hand: list[str] = field(default_factory=list)

    @property
    def changed(self) -> list[Step]:
        return [step for step in self.steps if step.action != KEPT]


class _Project:
    """Where things go in the folder being set up, and the record of what was done."""

    def __init__(self, root: Path):
        self.root = root
        self.result = InitResult(root)

    def rel(self, path: Path) -> str:
        return Path(os.path.relpath(path, self.root)).as_posix()

    def record(self, path: Path, action: str, note: str = "") -> None:
        self.result.steps.append(Step(self.rel(path), action, note))

    def create(self, path: Path, text: str, note: str = "") -> None:
        """Write a new file; a file that appeared meanwhile is kept, never overwritten."""
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with open(path, "x", encoding="utf-8", newline="\n") as stream:
                stream.write(text)
        except FileExistsError:
            self.record(path, KEPT, "already there")
            return
        self.record(path, CREATED, note)


def init_project(root: Path) -> InitResult:
    """Set up (or complete) a journey site in folder `root`."""
    root.mkdir(parents=True, exist_ok=True)
    project = _Project(root.resolve())
    config_path = next((root / n for n in CONFIG_NAMES if (root / n).is_file()), None)
    if config_path is None:
        config_path = root / CONFIG_NAMES[0]
        material = _has_material()
        project.create(config_path, _render("mkdocs.yml", material=material), "" if material else
                       "with MkDocs' own theme: Material for MkDocs is not installed")
        settings: dict[str, Any] = {}
    else:
        settings = _add_plugin_to_config(project, config_path)
    config_path = config_path.resolve()

    docs_dir = project.root / str(settings.get("docs_dir") or "docs")
    maps_dir = project.root / str(_plugin_options(settings).get("maps_dir") or "maps")
    schema_dir = project.root / SCHEMA_FOLDER
    names = {
        "maps_dir": project.rel(maps_dir),
        "schema_dir": project.rel(schema_dir),
        "index_path": project.rel(docs_dir / "index.md"),
        "journeys_link": _journeys_link(settings),
        "config": config_path.name,
        "version": __version__,
    }

    _write_schemas(project, schema_dir)
    _write_home_page(project, docs_dir, names)
    _write_vocabulary(project, maps_dir, schema_dir)
    new_maps = _write_starter_map(project, maps_dir, schema_dir)
    if new_maps:  # an existing site's maps get no rules they might not pass
        _write_rules(project, maps_dir, schema_dir)
    _write_workflow(project, names)
    _ignore_outputs(project)
    return project.result


# --- files ----------------------------------------------------------------------------------


def _templates() -> jinja2.Environment:
    # `<< >>` and `<% %>`: the GitHub workflow has `${{ }}` of its own.
    return jinja2.Environment(
        loader=jinja2.PackageLoader("cjm_plugin", "templates/init"),
        variable_start_string="<<", variable_end_string=">>",
        block_start_string="<%", block_end_string="%>",
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        autoescape=False, undefined=jinja2.StrictUndefined,
    )


def _render(name: str, **values: Any) -> str:
    return _templates().get_template(name).render(**values)


def _has_material() -> bool:
    return importlib.util.find_spec("material") is not None


def packaged_schema(name: str) -> str:
    """A JSON Schema as installed with the package (the same text `cjm schema` prints)."""
    return resources.files("cjm_plugin").joinpath("schemas", name).read_text(encoding="utf-8")


def _write_schemas(project: _Project, schema_dir: Path) -> None:
    for name in SCHEMAS:
        target, text = schema_dir / name, packaged_schema(name)
        if not target.exists():
            project.create(target, text, "for editors")
        elif target.read_text(encoding="utf-8", errors="replace") == text:
            project.record(target, KEPT)
        elif _is_our_schema(target):
            # cjm's own generated file, from another version of cjm: keep it in step.
            write_atomic(target, text.encode("utf-8"))
            project.record(target, UPDATED, f"to the map format of cjm {__version__}")
        else:
            project.record(target, KEPT, "not a cjm schema; left alone")


def _is_our_schema(path: Path) -> bool:
    try:
        title = json.loads(path.read_text(encoding="utf-8")).get("title", "")
    except (ValueError, OSError, AttributeError):
        return False
    return isinstance(title, str) and title.startswith("cjm ")


def _write_home_page(project: _Project, docs_dir: Path, names: dict[str, str]) -> None:
    existing = [docs_dir / n for n in ("index.md", "README.md") if (docs_dir / n).exists()]
    if existing:
        project.record(existing[0], KEPT)
    else:
        project.create(docs_dir / "index.md", _render("index.md", **names))


def _write_vocabulary(project: _Project, maps_dir: Path, schema_dir: Path) -> None:
    path = maps_dir / VOCABULARY_FILE
    if path.exists():
        project.record(path, KEPT)
    else:
        project.create(path, starter_vocabulary(modeline(schema_dir / VOCABULARY_SCHEMA, maps_dir)))


def _write_starter_map(project: _Project, maps_dir: Path, schema_dir: Path) -> bool:
    """Write a starter map into a maps folder without maps; whether it did."""
    maps = sorted(p for p in maps_dir.iterdir() if is_map_file(p)) if maps_dir.is_dir() else []
    if maps:
        project.record(maps_dir, KEPT, f"{len(maps)} map(s)")
        return False
    vocabulary = load_project([maps_dir]).vocabulary
    file_name, text = starter_map(STARTER_PERSONA, vocabulary,
                                  modeline(schema_dir / MAP_SCHEMA, maps_dir))
    project.create(maps_dir / file_name, text, "a starter map")
    return True


def _write_rules(project: _Project, maps_dir: Path, schema_dir: Path) -> None:
    path = maps_dir / RULES_FILE
    if path.exists():
        project.record(path, KEPT)
    else:
        project.create(path, modeline(schema_dir / RULES_SCHEMA, maps_dir) + "\n" + STARTER_RULES,
                       "the team's rules: the Map health page")


def _write_workflow(project: _Project, names: dict[str, str]) -> None:
    top = _repository_top(project.root)
    target = top / WORKFLOW
    if target.exists():
        project.record(target, KEPT)
        return
    workflows = target.parent
    for other in sorted(workflows.glob("*.y*ml")) if workflows.is_dir() else []:
        if re.search(r"\bmkdocs\b", other.read_text(encoding="utf-8", errors="replace")):
            # A second workflow deploying the same site would race the first one.
            project.record(other, KEPT, "it builds the site already; add `cjm validate"
                           f" {names['maps_dir']} --format github` before its build step")
            return
    prefix = Path(os.path.relpath(project.root, top)).as_posix()
    prefix = "" if prefix == "." else prefix + "/"
    project.create(target, _render("journeys.yml", prefix=prefix, **names),
                   "CI: validate, build, publish")


def _repository_top(folder: Path) -> Path:
    """The top of the git repository `folder` is in (where .github/ belongs), or `folder`."""
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return folder


def _ignore_outputs(project: _Project) -> None:
    path = project.root / ".gitignore"
    # Bytes that are not UTF-8 go back as they came (surrogateescape).
    text = path.read_bytes().decode("utf-8", "surrogateescape") if path.exists() else ""
    present = {line.strip().strip("/") for line in text.splitlines()}
    missing = [entry for entry in IGNORED if entry.strip("/") not in present]
    if not missing:
        project.record(path, KEPT)
    elif not path.exists():
        project.create(path, "".join(f"{entry}\n" for entry in missing))
    else:
        newline = "\r\n" if "\r\n" in text else "\n"
        lines = ["# Built by MkDocs and cjm", *missing]
        separator = "" if not text or text.endswith(("\n", "\r")) else newline
        addition = "".join(line + newline for line in lines)
        write_atomic(path, (text + separator + addition).encode("utf-8", "surrogateescape"))
        project.record(path, UPDATED, "ignores " + " and ".join(missing))


# --- mkdocs.yml -----------------------------------------------------------------------------


@dataclass
class ConfigEdit:
    text: str | None = None  # the edited config; None when it needs no change
    problem: str = ""  # why it cannot be edited safely


def _add_plugin_to_config(project: _Project, path: Path) -> dict[str, Any]:
    """Add the plugin (and, to a hand-written nav, the journeys section) to an existing
    config; returns its settings (docs_dir, the plugin's options) as far as they can be read."""
    raw = path.read_bytes()
    bom = b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b""
    try:
        text = raw[len(bom):].decode("utf-8")
    except UnicodeDecodeError:
        text, plugin = "", ConfigEdit(problem="it is not UTF-8")
    else:
        plugin = add_plugin(text)
    if plugin.text and path.is_symlink():  # writing would replace the link with a file
        plugin = ConfigEdit(problem="it is a symbolic link")
    if plugin.problem:
        project.record(path, KEPT, "could not add the plugin: " + plugin.problem)
        project.result.by_hand.append(
            f"{project.rel(path)}: {plugin.problem}, so cjm left it as it was. Add the plugin"
            " yourself: under `plugins:`, add the line `- cjm`; with no `plugins:` list yet,"
            " add\n\n    plugins:\n      - search\n      - cjm\n")
        return _settings(text)
    edited = plugin.text or text
    settings = _settings(edited)
    link = _journeys_link(settings)
    nav = add_nav_entry(edited, link)
    if nav.text and path.is_symlink():
        nav = ConfigEdit(problem="it is a symbolic link")
    if nav.problem:
        project.result.by_hand.append(
            f"{project.rel(path)}: its `nav:` lists pages by hand, and {nav.problem}. Add the"
            f" journeys where you want them in it, as the line `- Journeys: {link}`\n")
    done = [what for what, edit in (("added the cjm plugin", plugin),
                                    ("added Journeys to nav", nav)) if edit.text]
    if done:
        write_atomic(path, bom + (nav.text or edited).encode("utf-8"))
        project.record(path, UPDATED, ", ".join(done))
    else:
        project.record(path, KEPT, "has the cjm plugin")
    return settings


def _settings(text: str) -> dict[str, Any]:
    data, _ = _read(text)
    return data or {}


def _plugin_options(settings: dict[str, Any]) -> dict[str, Any]:
    plugins = settings.get("plugins")
    entries = plugins.items() if isinstance(plugins, dict) else [
        next(iter(e.items())) for e in plugins if isinstance(e, dict) and len(e) == 1
    ] if isinstance(plugins, list) else []
    return next((o for name, o in entries if name == PLUGIN and isinstance(o, dict)), {})


def _journeys_link(settings: dict[str, Any]) -> str:
    """The generated journeys index, as a page link in `nav:` or a docs page."""
    return f"{str(_plugin_options(settings).get('prefix') or 'journeys').strip('/')}/index.md"


def _names(plugins: Any) -> list[Any]:
    """Plugin names in a `plugins:` value: a list of names and one-key mappings (a name and
    its options), or a mapping of names to options."""
    if isinstance(plugins, dict):
        return list(plugins)
    if isinstance(plugins, list):
        return [next(iter(e)) if isinstance(e, dict) and len(e) == 1 else e for e in plugins]
    return []


def _links(nav: Any) -> list[str]:
    """Every page a `nav:` value lists, at any depth."""
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, list):
        return [link for item in nav for link in _links(item)]
    if isinstance(nav, dict):
        return [link for value in nav.values() for link in _links(value)]
    return []


def add_plugin(text: str) -> ConfigEdit:
    """The config `text` with `cjm` added to its plugins; `text=None` when it has it."""
    before, problem = _read(text)
    if problem:
        return ConfigEdit(problem=problem)
    if PLUGIN in _names(before.get("plugins")):
        return ConfigEdit()
    if "plugins" not in before and "INHERIT" in before:
        return ConfigEdit(problem="it inherits settings (`INHERIT:`), perhaps its plugins too")
    if isinstance(before.get("plugins"), dict):
        item = flow_item = f"{PLUGIN}: {{}}"
    else:
        item = flow_item = PLUGIN
    names = _names(before["plugins"]) if "plugins" in before else list(DEFAULT_PLUGINS)
    return _append(text, before, "plugins", item, flow_item, new=[*DEFAULT_PLUGINS, PLUGIN],
                   expected=lambda after: _names(after.get("plugins")) == [*names, PLUGIN])


def add_nav_entry(text: str, link: str, title: str = "Journeys") -> ConfigEdit:
    """The config `text` with `- Journeys: LINK` at the end of a hand-written `nav:`, where
    the plugin puts its section; `text=None` when the nav is automatic or lists `link`."""
    before, problem = _read(text)
    if problem:
        return ConfigEdit(problem=problem)
    nav = before.get("nav")
    if not isinstance(nav, list) or link in _links(nav):
        return ConfigEdit()
    return _append(text, before, "nav", f"{title}: {link}", f"{{{title}: {link}}}", new=None,
                   expected=lambda after: after.get("nav") == [*nav, {title: link}])


def _read(text: str) -> tuple[dict[str, Any], str]:
    """(settings, "") or ({}, why cjm cannot edit this config)."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)  # tags such as !ENV need no constructor
        data, _ = parse(text)
    except (yaml.YAMLError, SourceError) as error:
        return {}, f"it is not YAML that cjm can read ({_first_line(error)})"
    if not isinstance(root, yaml.MappingNode) or root.flow_style or not isinstance(data, dict):
        return {}, "its top level is not a block of `key: value` lines"
    return data, ""


def _first_line(error: Exception) -> str:
    if isinstance(error, SourceError):
        return f"line {error.line}, column {error.column}: {error.message}"
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or type(error).__name__
    return f"line {mark.line + 1}, column {mark.column + 1}: {problem}" if mark else problem


def _append(text: str, before: dict[str, Any], key: str, item: str, flow_item: str,
            new: list[str] | None, expected) -> ConfigEdit:
    """Insert `item` at the end of the list (or mapping) under top-level `key`, or add
    `key:` with the items `new`; checked by reading the result back: `expected(settings)`
    holds and every other setting is unchanged."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    nodes = [v for k, v in root.value if isinstance(k, yaml.ScalarNode) and k.value == key]
    newline = "\r\n" if "\r\n" in text else "\n"
    if not nodes:
        if new is None:
            return ConfigEdit()
        body = text if not text or text.endswith(("\n", "\r")) else text + newline
        items = "".join(f"  - {name}{newline}" for name in new)
        new_text = f"{body}{newline}{key}:{newline}{items}"
    else:
        insertion = _insertion(text, nodes[-1], item, flow_item, newline)
        if insertion is None:
            return ConfigEdit(problem=f"its `{key}:` is neither a list nor a mapping")
        at, piece = insertion
        new_text = text[:at] + piece + text[at:]
    after, problem = _read(new_text)
    unchanged = {k: v for k, v in after.items() if k != key} == {
        k: v for k, v in before.items() if k != key}
    if problem or not unchanged or not expected(after):
        return ConfigEdit(problem=f"its `{key}:` is laid out in a way cjm cannot edit safely")
    return ConfigEdit(text=new_text)


def _insertion(text: str, node: yaml.Node, item: str, flow_item: str,
               newline: str) -> tuple[int, str] | None:
    """(index, text to insert) that adds an item at the end of collection `node`."""
    if not isinstance(node, (yaml.SequenceNode, yaml.MappingNode)):
        return None
    if node.flow_style:
        if not node.value:  # `[]` or `{}`: inside the brackets
            return node.end_mark.index - 1, flow_item
        last = node.value[-1] if isinstance(node, yaml.SequenceNode) else node.value[-1][1]
        return last.end_mark.index, f", {flow_item}"
    if isinstance(node, yaml.SequenceNode):
        # A new `- item` line below the last item, its dash under the first item's dash.
        dash = node.start_mark.column
        first = node.value[0].start_mark
        gap = first.column - dash - 1 if first.line == node.start_mark.line else 1
        line = f"{' ' * dash}-{' ' * max(gap, 1)}{item}"
    else:
        line = f"{' ' * node.value[0][0].start_mark.column}{item}"
    # Below the line where the last item ends. A block collection's end mark is where the
    # next token starts (maybe after comments), so go down to the last scalar or `[...]`.
    last = _last_leaf(node)
    end = last.end_mark.index
    if isinstance(last, yaml.ScalarNode) and last.style in ("|", ">"):
        # A block scalar ends after its last line break (and the next line's indentation).
        return text.rfind("\n", 0, end) + 1, line + newline
    line_end = text.find("\n", end)
    if line_end == -1:
        return len(text), newline + line + newline
    return line_end + 1, line + newline


def _last_leaf(node: yaml.Node) -> yaml.Node:
    while isinstance(node, yaml.CollectionNode) and not node.flow_style and node.value:
        last = node.value[-1]
        node = last[1] if isinstance(last, tuple) else last  # a mapping's last value
    return node
