"""The site engine's configuration, read the way the engines read it, for the commands that
work beside an engine (`cjm generate`, `cjm serve`, `cjm validate --site`): where the docs
and the built site are, its URLs and edit links, its plugins, Markdown extensions and nav.

cjm never writes these files; it only reads them to say what is missing.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .safe_io import read_limited

# In the order Zensical looks for them (zensical/main.py), then ProperDocs' own name.
CONFIG_NAMES = ("zensical.toml", "mkdocs.yml", "mkdocs.yaml", "properdocs.yml", "properdocs.yaml")
ENGINES = ("mkdocs", "properdocs", "zensical")
MAX_CONFIG_BYTES = 4 * 2**20


class SiteConfigError(Exception):
    """The configuration can't be read; the message names the file and what to do."""


@dataclass
class SiteConfig:
    path: Path
    data: dict[str, Any]
    engine: str  # the engine this file is for: zensical.toml, properdocs.yml, else mkdocs
    plugins: dict[str, dict] = field(default_factory=dict)
    extensions: dict[str, dict] = field(default_factory=dict)

    @property
    def root(self) -> Path:
        return self.path.parent

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def docs_dir(self) -> Path:
        return (self.root / str(self.data.get("docs_dir") or "docs")).resolve()

    @property
    def site_dir(self) -> Path:
        return (self.root / str(self.data.get("site_dir") or "site")).resolve()

    @property
    def use_directory_urls(self) -> bool:
        value = self.data.get("use_directory_urls", True)
        return value if isinstance(value, bool) else True

    def list_of(self, key: str) -> list:
        value = self.data.get(key)
        return value if isinstance(value, list) else []

    def line_of(self, pattern: str) -> int:
        """The first line of the file matching `pattern` (1 when none): to point at a setting."""
        try:
            text = self.path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return 1
        for number, line in enumerate(text.splitlines(), start=1):
            if re.search(pattern, line):
                return number
        return 1

    def edit_base(self) -> str | None:
        """The URL that a path under the docs folder is appended to for its edit link, as
        MkDocs and Zensical make it from `repo_url` and `edit_uri`; None when there is none."""
        repo_url = self.data.get("repo_url") if isinstance(self.data.get("repo_url"), str) else None
        edit_uri = self.data.get("edit_uri")
        if edit_uri is None and repo_url and re.match(r"https?://(www\.)?(github|gitlab)\.com/", repo_url):
            edit_uri = "edit/master/docs/"  # MkDocs' default for these hosts
        if not isinstance(edit_uri, str) or not edit_uri.strip():
            return None
        if re.match(r"[a-z][a-z0-9+.-]*://", edit_uri):
            base = edit_uri
        elif repo_url:
            base = repo_url.rstrip("/") + "/" + edit_uri.lstrip("/")
        else:
            return None
        return base if base.endswith("/") else base + "/"


class _Loader(yaml.SafeLoader):
    """mkdocs.yml as data: `!ENV`, `!!python/name:` and other tags read as their plain
    values (cjm only looks at paths, names and lists), never run."""


def _any_tag(loader: _Loader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)


_Loader.add_multi_constructor("!", _any_tag)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", _any_tag)


def find_config(folder: Path, explicit: str | None = None) -> Path | None:
    """The configuration file: `explicit`, else the first of CONFIG_NAMES in `folder`."""
    if explicit:
        return Path(explicit)
    for name in CONFIG_NAMES:
        if (folder / name).is_file():
            return folder / name
    return None


def _read(path: Path) -> dict[str, Any]:
    try:
        raw = read_limited(path, MAX_CONFIG_BYTES)
    except OSError as error:
        raise SiteConfigError(f"{path}: cannot read it: {error.strerror or error}") from None
    text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
    try:
        if path.suffix.lower() == ".toml":
            data = tomllib.loads(text)
            data = data.get("project", data) if isinstance(data.get("project", data), dict) else {}
        else:
            data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as error:
        raise SiteConfigError(f"{path}: not valid {'TOML' if path.suffix == '.toml' else 'YAML'}:"
                              f" {str(error).splitlines()[0]}") from None
    if not isinstance(data, dict):
        raise SiteConfigError(f"{path}: expected settings (`key: value`) at the top")
    parent = data.pop("INHERIT", None)
    if isinstance(parent, str):  # MkDocs' inheritance: mappings merge, the rest is replaced
        base = _read((path.parent / parent).resolve())
        data = _merge(base, data)
    return data


def _merge(parent: dict, child: dict) -> dict:
    for key, value in child.items():
        if isinstance(parent.get(key), dict) and isinstance(value, dict):
            parent[key] = _merge(parent[key], value)
        else:
            parent[key] = value
    return parent


def named_entries(value: Any) -> dict[str, dict]:
    """`plugins` or `markdown_extensions` as {name: options}, from any of their forms: a list
    of names and one-key mappings, or a mapping (TOML)."""
    entries: dict[str, dict] = {}
    items = value.items() if isinstance(value, dict) else (
        (next(iter(item.items())) if isinstance(item, dict) and len(item) == 1 else (item, {}))
        for item in (value if isinstance(value, list) else []))
    for name, options in items:
        if isinstance(name, str):
            entries[name] = options if isinstance(options, dict) else {}
    # Zensical's TOML nests `pymdownx.x` as [project.markdown_extensions.pymdownx.x].
    for prefix in ("pymdownx", "zensical"):
        nested = entries.pop(prefix, None)
        if nested:
            entries.update({f"{prefix}.{k}": v if isinstance(v, dict) else {} for k, v in nested.items()})
    return entries


def load_config(path: Path, engine: str | None = None) -> SiteConfig:
    if not path.is_file():
        raise SiteConfigError(f"{path}: no such file; pass the site's configuration with --config")
    data = _read(path)
    name = path.name.lower()
    guessed = "zensical" if name.endswith(".toml") else "properdocs" if name.startswith("properdocs") else "mkdocs"
    plugins = named_entries(data.get("plugins"))
    plugins = {n.removeprefix("material/"): v for n, v in plugins.items()}
    return SiteConfig(path.resolve(), data, engine or guessed, plugins,
                      named_entries(data.get("markdown_extensions")))


def docs_relative(path: Path, docs: Path) -> str:
    return Path(os.path.relpath(path, docs)).as_posix()
