"""`cjm`: the core without MkDocs, for CI, pre-commit hooks and editors."""

from __future__ import annotations

import argparse
import builtins
import gc
import json
import os
import sys
from pathlib import Path

from . import __version__
from .catalog import PROJECT_MARKERS, VOCABULARY_FILE, Project, load_project
from .diagnostics import format_github, visible
from .progress import for_terminal

# The other commands import what they need when they run: `cjm validate` runs on every
# commit (pre-commit) and CI change, and page generation (Jinja2, Markdown, Graphviz
# helpers) would add a sixth of its time at 200 maps (bench/README.md). The export kinds
# are written out for the same reason (export.py and its charts cost 45 ms to import);
# tests/test_cli.py holds them equal to export's.
EXPORT_KINDS = ("touchpoints", "pain_points", "opportunities", "metrics", "stages", "evidence")


def print(*values: object, file=None) -> None:  # noqa: A001 - every message of this module
    """`print` for messages: paths and names from the command line or from files may hold
    control or bidi characters; they are shown as escapes (data goes through `_emit` and
    `_write_stdout`, untouched)."""
    builtins.print(*(_escaped(str(value)) for value in values), file=file)


def _escaped(text: str) -> str:
    """`visible(text)` line by line: messages may have several lines (cjm init's instructions);
    every other control, bidi or separator character is shown as an escape. File names from
    maps come as Diagnostics, whose newlines are escaped already."""
    return "\n".join(visible(line) for line in text.split("\n"))


def _check_paths(paths: list[Path], defaulted: bool) -> bool:
    """Print why the given paths can't be read (exit 2); the default `maps` must be a folder,
    as the MkDocs plugin needs it."""
    problems = [f"{p}: no such file or folder; pass the folder of your maps"
                for p in paths if not os.path.lexists(p)]
    if defaulted and not problems and not paths[0].is_dir():
        problems.append(f"{paths[0]}: is not a folder; the maps live in a folder `maps/`"
                        " (the MkDocs plugin reads it too), or pass their folder or files")
    for problem in problems:
        print(problem, file=sys.stderr)
    return not problems


def validate_cache(paths: list[Path]) -> Path | None:
    """Where `cjm validate` remembers the maps it found valid: `.cache/plugin/cjm/validate` in
    the project folder (the nearest folder above the first path with mkdocs.yml or .git; else
    the folder that holds the maps folder), next to the build's cache, ignored by git like it."""
    start = Path(os.path.abspath(paths[0]))
    maps = start if start.is_dir() else start.parent
    root = next((folder for folder in (start, *start.parents)
                 if any(os.path.lexists(folder / marker) for marker in PROJECT_MARKERS)), maps.parent)
    return root / ".cache" / "plugin" / "cjm" / "validate"


def _validate(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.paths] or [Path("maps")]
    if not _check_paths(paths, defaulted=not args.paths):
        return 2
    # A short-lived process: the collector would only walk the maps' objects again (0.25 s
    # at 200 maps) just before they are all freed at exit.
    gc.disable()
    # Valid maps are remembered by their bytes, name, vocabulary and cjm's code, so a run
    # after one edit validates only that map again (cross-map checks always run).
    project = load_project(paths, cache=None if args.no_cache else validate_cache(paths),
                           languages=_languages(args), outlines=True)
    for diagnostic in project.diagnostics:
        print(format_github(diagnostic) if args.format == "github" else diagnostic)
    errors, warnings = len(project.errors), len(project.warnings)
    failed = errors > 0 or (args.strict and warnings > 0)
    summary = (
        f"{len(project.files)} map file(s) checked: {errors} error(s), {warnings} warning(s)"
        if errors or warnings
        else f"{len(project.maps)} map(s) valid"
    )
    if project.notices:  # rule findings of level `notice`: shown, never a failure
        summary += f", {len(project.notices)} notice(s)"
    print(summary, file=sys.stderr if args.format == "github" else sys.stdout)
    if args.site:
        failed = _validate_site(args, bool(project.maps)) or failed
    return 1 if failed else 0


def _validate_site(args: argparse.Namespace, has_maps: bool) -> bool:
    """`cjm validate --site`: print what the engine would silently ignore; True on errors."""
    from .engine_checks import check_built_site, check_config

    config, code = _site_config(args, required=True)
    if config is None:
        return True
    paths = args.paths or ["maps"]
    findings = check_config(config, args.prefix, maps_dir=paths[0]) + \
        check_built_site(config, args.prefix, has_maps)
    for finding in findings:
        print(format_github(finding) if args.format == "github" else finding)
    errors = sum(1 for f in findings if f.is_error)
    warnings = len(findings) - errors
    print(f"site ({config.name}, {config.engine}): {errors} error(s), {warnings} warning(s)",
          file=sys.stderr if args.format == "github" else sys.stdout)
    return errors > 0 or (args.strict and warnings > 0)


class OutputError(Exception):
    """An output file that can't be written; the message says which and why."""


def write_output(target: str | Path, data: bytes) -> None:
    """Write `--out`: a missing folder or a read-only disk is a message, not a traceback."""
    path = Path(target)
    if path.is_dir():
        raise OutputError(f"{path}: is a folder; --out takes a file name")
    if not path.parent.is_dir():
        raise OutputError(f"{path}: the folder {path.parent} does not exist; create it first")
    try:
        path.write_bytes(data)
    except OSError as error:
        raise OutputError(f"{path}: cannot write it: {error.strerror or error}") from None


def _emit(text: str, out: str | None, announce: bool = False) -> int:
    """Write `text` to the `--out` file (saying so on stderr with `announce`), or to
    standard output without one."""
    if out:
        write_output(out, text.encode("utf-8"))
        if announce:
            print(f"wrote {out}", file=sys.stderr)
    else:
        _write_stdout(text)
    return 0


def _schema(args: argparse.Namespace) -> int:
    from .model import map_json_schema, research_json_schema, vocabulary_json_schema
    from .rules import rules_json_schema

    if args.vocabulary + args.research + args.rules > 1:
        print("cjm schema: pass one of --vocabulary, --research and --rules", file=sys.stderr)
        return 2
    schema = (vocabulary_json_schema() if args.vocabulary
              else research_json_schema() if args.research
              else rules_json_schema() if args.rules else map_json_schema())
    return _emit(json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n", args.out)


def _reference(args: argparse.Namespace) -> int:
    from .reference import reference_markdown

    return _emit(reference_markdown(), args.out)


def _new(args: argparse.Namespace) -> int:
    from .starter import schema_line, starter_map

    if not any(ch.isprintable() and not ch.isspace() for ch in args.name):
        print("cjm new: give the persona's name, for example `cjm new \"Hotel guest\"`", file=sys.stderr)
        return 2
    folder = Path(args.dir)
    if os.path.lexists(folder) and not folder.is_dir():
        print(f"{folder}: is not a folder; pass the folder of your maps with --dir", file=sys.stderr)
        return 2
    project = load_project([folder]) if folder.is_dir() else None
    vocabulary = project.vocabulary if project else None
    schema = schema_line(folder)
    file_name, text = starter_map(args.name, vocabulary, schema)
    target = folder / file_name
    # lexists: a dangling symlink "does not exist" to exists(), and writing through it
    # created its target, wherever that was.
    if os.path.lexists(target):
        print(f"{target}: already exists; choose another name or edit that file", file=sys.stderr)
        return 1
    try:
        folder.mkdir(parents=True, exist_ok=True)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        with os.fdopen(os.open(target, flags, 0o666), "w", encoding="utf-8") as stream:
            stream.write(text)
    except FileExistsError:
        print(f"{target}: already exists; choose another name or edit that file", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"{target}: cannot write it: {error.strerror or error}", file=sys.stderr)
        return 1
    print(f"wrote {target}; run `cjm validate` after editing it")
    if not (folder / VOCABULARY_FILE).is_file():
        print(f"note: {folder / VOCABULARY_FILE} not found, so the map has the six usual stages;"
              " `cjm init` writes one (your stages and channels, shared by every map), with the"
              " schemas for editors and a site around the maps", file=sys.stderr)
    elif schema is None:
        print("note: no schema/map.schema.json in this project, so the map has no `$schema`"
              " line for editors; `cjm init` writes the schemas", file=sys.stderr)
    return 0


def _init(args: argparse.Namespace) -> int:
    from .diagrams.render import find_dot
    from .scaffold import init_project

    root = Path(args.folder)
    if root.exists() and not root.is_dir():
        print(f"{root}: is a file; pass the folder of your site", file=sys.stderr)
        return 2
    try:
        result = init_project(root)
    except OSError as error:
        print(f"cjm init: {error}", file=sys.stderr)
        return 1
    where = "this folder" if args.folder == "." else str(root)
    if not result.changed and not result.by_hand:
        print(f"cjm init: nothing to change; the journey site in {where} is set up")
        return 0
    for step in result.steps:
        note = f" ({step.note})" if step.note else ""
        print(f"  {step.action:<8} {step.path}{note}")
    for instruction in result.by_hand:
        print(f"\nTo do by hand: {instruction}", file=sys.stderr)
    if result.by_hand:
        return 1
    go = "" if args.folder == "." else f"cd {root} && "
    print(f"\nNext: `{go}mkdocs serve`, and open http://127.0.0.1:8000."
          " `cjm new \"Hotel guest\"` adds a persona; `cjm validate` checks the maps as CI does.")
    version, message = find_dot()
    if version is None:  # the site builds, with a notice instead of each diagram
        print(f"note: {message}", file=sys.stderr)
    return 0


def _load_valid(paths: list[Path], strict: bool = False, defaulted: bool = False):
    """Load maps for a command that writes output: print every message as `cjm validate`
    does, and return None (exit 1) when any map is invalid, so nothing half-done is written."""
    if not _check_paths(paths, defaulted):
        return None
    project = load_project(paths)
    for diagnostic in project.diagnostics:
        print(diagnostic, file=sys.stderr)
    if project.errors or (strict and project.warnings):
        print(f"{len(project.errors)} error(s), {len(project.warnings)} warning(s) in maps;"
              " nothing written", file=sys.stderr)
        return None
    return project


def _site_config(args: argparse.Namespace, required: bool):
    """(the site's configuration or None, exit code or None): `--config`, else the first of
    zensical.toml, mkdocs.yml, properdocs.yml here. Unreadable is exit 2 when `required`."""
    from .site_config import SiteConfigError, find_config, load_config

    path = find_config(Path("."), getattr(args, "config", None))
    if path is None:
        if required:
            print("cjm: no site configuration here (zensical.toml, mkdocs.yml, properdocs.yml);"
                  " run in the site's folder or pass --config FILE", file=sys.stderr)
            return None, 2
        return None, None
    try:
        return load_config(path, getattr(args, "engine", None)), None
    except SiteConfigError as error:
        print(f"cjm: {error}", file=sys.stderr)
        return None, 2


def _generation(args: argparse.Namespace, live: bool):
    """(Generator, maps folder, site config) for `cjm generate` and `cjm serve`, or an exit code."""
    from .generated_extras import NAV_FILE
    from .urls import prefix_problem
    from .workflow import Generator, Settings

    problem = prefix_problem(args.prefix)
    if problem:
        print(visible(f"--prefix {args.prefix}: {problem} (a folder inside --out)"), file=sys.stderr)
        return 2
    config, code = _site_config(args, required=args.out is None)
    if code is not None:
        return code
    out = Path(args.out) if args.out else config.docs_dir
    if out.exists() and not out.is_dir():
        print(f"{out}: is a file; --out takes a folder (the docs folder of your site)", file=sys.stderr)
        return 1
    maps = Path(args.maps) if args.maps else (config.root / "maps" if config else Path("maps"))
    if not _check_paths([maps], defaulted=not args.maps):
        return 1
    literate = config.plugins.get("literate-nav", {}) if config else {}
    nav_file = literate.get("nav_file") if isinstance(literate.get("nav_file"), str) else NAV_FILE
    language, labels_dir = _language_settings(args, config)
    if _labels(labels_dir, language) is None:  # checks the team's label files before building
        return 1
    settings = Settings(
        maps=maps, out=out, prefix=args.prefix.strip("/"),
        use_directory_urls=not args.no_directory_urls and (config.use_directory_urls if config else True),
        diagrams=not args.no_diagrams, strict=args.strict, nav=args.nav,
        nav_file=None if args.no_nav else nav_file,
        edit_base=config.edit_base() if config else None,
        docs_dir=config.docs_dir if config else out,
        cache_dir=(config.root if config else Path(".")) / ".cache" / "plugin" / "cjm",
        language=language, labels_dir=labels_dir)
    # A bar on a terminal, lines in CI, when a run takes long (progress.py).
    generator = Generator(settings, say=print, warn=lambda text: print(text, file=sys.stderr), live=live,
                          progress=lambda: for_terminal(sys.stderr))
    return generator, maps, config


def _engine_findings(config, args: argparse.Namespace, maps: Path, serving: bool) -> int:
    """Print what the engine would silently ignore; the number of errors among them."""
    from .engine_checks import check_config

    if config is None:
        return 0
    findings = check_config(config, args.prefix, maps_dir=_maps_setting(config, maps), serving=serving)
    for finding in findings:
        print(finding, file=sys.stderr)
    return sum(1 for f in findings if f.is_error)


def _maps_setting(config, maps: Path) -> str:
    try:
        return Path(os.path.relpath(maps.resolve(), config.root)).as_posix()
    except ValueError:
        return str(maps)


def _generate(args: argparse.Namespace) -> int:
    from .workflow import watch

    made = _generation(args, live=args.watch)
    if isinstance(made, int):
        return made
    generator, maps, config = made
    errors = _engine_findings(config, args, maps, serving=args.watch)
    ok = generator.run()
    if ok and config is None:  # nothing to check: say what any engine needs
        prefix = generator.settings.prefix
        for setting, asset in (("extra_css", "cjm.css"), ("extra_javascript", "cjm.js")):
            src = f"{prefix}/assets/{asset}" if prefix else f"assets/{asset}"
            print(f"hint: add `{src}` to `{setting}` in your site's configuration"
                  " (mkdocs.yml, properdocs.yml, or [project] in zensical.toml)")
    if not args.watch:
        return 0 if ok and not errors else 1
    _line_buffered()
    print(f"cjm: watching {maps} (Ctrl-C stops)")
    watch(generator, maps)
    return 0


# The package extra that installs each engine (MkDocs comes with cjm; Material with it).
EXTRAS = {"mkdocs": "material"}


def _serve(args: argparse.Namespace) -> int:
    from .workflow import engine_command, serve

    engine = args.engine_name
    command = engine_command(engine)
    if command is None:
        print(f"cjm serve: `{engine}` is not installed here; install it beside cjm with"
              f" `pip install \"mkdocs-journey-maps[{EXTRAS.get(engine, engine)}]\"`", file=sys.stderr)
        return 1
    extra = ["--dev-addr", args.dev_addr] if args.dev_addr else []
    if engine != "zensical":  # the plugin does the work: its serve watches the maps itself
        config, code = _site_config(args, required=False)
        if config is not None and "cjm" not in config.plugins:
            print(f"cjm serve: {config.name} does not enable the cjm plugin, so `{engine} serve`"
                  " shows no journey pages: add `- cjm` under `plugins` (or run `cjm generate"
                  f" --watch` beside `{engine} serve`)", file=sys.stderr)
        flags = ["-f", str(config.path)] if config is not None and args.config else []
        return subprocess_run([command, "serve", *flags, *extra])
    args.engine = "zensical"
    _line_buffered()
    made = _generation(args, live=True)
    if isinstance(made, int):
        return made
    generator, maps, config = made
    _engine_findings(config, args, maps, serving=True)
    generator.run_guarded()
    flags = ["-f", str(config.path)] if config is not None else []
    print(f"cjm: serving with {engine}, generating again whenever {maps} changes (Ctrl-C stops)")
    return serve(generator, maps, [command, "serve", *flags, *extra])


def _line_buffered() -> None:
    """Long-running commands: each message shows at once, also when the output is a file."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(line_buffering=True)


def subprocess_run(command: list[str]) -> int:
    import subprocess

    try:
        return subprocess.run(command).returncode
    except KeyboardInterrupt:
        return 0


def _export(args: argparse.Namespace) -> int:
    if args.format == "mermaid":
        return _export_mermaid(args)
    from .export import to_csv, to_json

    kinds = list(EXPORT_KINDS) if args.kind == "all" else [args.kind]
    if args.format == "csv" and args.kind == "all" and not args.out:
        print(f"cjm export: CSV holds one kind per file; pass --kind ({', '.join(EXPORT_KINDS)})"
              " or --out FOLDER for one file per kind", file=sys.stderr)
        return 2
    project = _load_valid([Path(p) for p in args.paths] or [Path("maps")], defaulted=not args.paths)
    if project is None:
        return 1
    guard = not args.keep_formulas
    if args.format == "json":
        outputs = {args.out: to_json(project, kinds, single=args.kind != "all")}
    elif args.kind != "all":
        outputs = {args.out: to_csv(project, args.kind, guard)}
    else:
        folder = Path(args.out)
        if folder.exists() and not folder.is_dir():
            print(f"{folder}: is a file; with --kind all, --out takes a folder", file=sys.stderr)
            return 1
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise OutputError(f"{folder}: cannot create the folder: {error.strerror or error}") from None
        outputs = {str(folder / f"{kind}.csv"): to_csv(project, kind, guard) for kind in kinds}
    for target, text in outputs.items():
        if target:
            write_output(target, text.encode("utf-8"))
            print(f"wrote {target}", file=sys.stderr)
        else:
            _write_stdout(text)
    return 0


def _labels(folder: Path | None, language: str | None):
    """The words in `language` with a team's label folder, or None after the message."""
    from .labels import LabelsError, load_labels

    if folder is not None and not folder.is_dir():
        print(f"cjm: labels folder {folder}: not a folder (files named like de.yml)", file=sys.stderr)
        return None
    try:
        return load_labels(language, folder)
    except LabelsError as error:
        print(f"cjm: {error}", file=sys.stderr)
        return None


def _languages(args: argparse.Namespace) -> list[str]:
    """The languages with words for `lang:`: the shipped ones and those of the site's
    `labels_dir`, when a site configuration is here (`cjm validate` runs without one too)."""
    from .labels import languages

    from .site_config import SiteConfigError, find_config, load_config

    path = find_config(Path("."), getattr(args, "config", None))
    try:
        config = load_config(path, getattr(args, "engine", None)) if path is not None else None
    except SiteConfigError:
        config = None  # `cjm validate --site` says what is wrong with it
    args = argparse.Namespace(**{"lang": None, "labels_dir": None, **vars(args)})
    return languages(_language_settings(args, config)[1])


def _language_settings(args: argparse.Namespace, config) -> tuple[str | None, Path | None]:  # noqa: ANN001
    """(language, team label folder): the options, else the site's configuration (the theme's
    `language` and the cjm plugin's `labels_dir`), as the plugin reads them."""
    language = args.lang
    folder = Path(args.labels_dir).resolve() if args.labels_dir else None
    if config is not None:
        theme = config.data.get("theme")
        if language is None and isinstance(theme, dict) and isinstance(theme.get("language"), str):
            language = theme["language"]
        configured = config.plugins.get("cjm", {}).get("labels_dir")
        if folder is None and isinstance(configured, str):
            folder = (config.root / configured).resolve()
    return language, folder


def _add_language_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--lang", help="language of the built-in words (en, zh, de, fr, es, hu, or"
                         " one your --labels-dir adds; a map's own `lang:` wins); default: the"
                         " theme's `language` in the site's configuration, else en")
    command.add_argument("--labels-dir", help="a folder of your own label files (de.yml ...) that"
                         " add or change words (default: the cjm plugin's `labels_dir`); see"
                         " docs/languages.md")


def _render(args: argparse.Namespace) -> int:
    from .standalone import FORMATS, RENDER_STEPS, RenderError, render

    fmt = args.format or (Path(args.out).suffix.lstrip(".").lower() if args.out else "html")
    if fmt not in FORMATS:
        print(f"cjm render: cannot tell the format from `{args.out}`; pass --format"
              f" ({', '.join(FORMATS)})", file=sys.stderr)
        return 2
    if args.width < 320 or not 0.5 <= args.scale <= 4:
        print("cjm render: --width takes 320 pixels or more, --scale 0.5 to 4", file=sys.stderr)
        return 2
    persona = Path(args.persona)
    maps = Path(args.maps)
    if persona.suffix in (".yml", ".yaml") and persona.is_file():
        maps = persona.parent  # the map's own folder, for its vocabulary
    project = _load_valid([maps])
    if project is None:
        return 1
    loaded = next((m for m in project.maps if m.id == args.persona
                   or m.source.path.resolve() == persona.resolve()), None)
    if loaded is None:
        import difflib

        ids = [m.id for m in project.maps]
        close = difflib.get_close_matches(args.persona, ids, n=3, cutoff=0.75)
        hint = f" (did you mean {' or '.join(f'`{c}`' for c in close)}?)" if close else ""
        print(f"cjm render: no persona `{args.persona}` in {maps}{hint}; personas: "
              + (", ".join(f"`{i}`" for i in ids) or "none"), file=sys.stderr)
        return 1
    out = Path(args.out) if args.out else Path(f"{loaded.id}.{fmt}")
    labels = _labels(Path(args.labels_dir) if args.labels_dir else None,
                     getattr(loaded.map, "lang", None) or args.lang)
    if labels is None:
        return 1
    try:
        # Chromium may take seconds to start: a bar on a terminal (lines in CI) once it does.
        with for_terminal(sys.stderr).step(f"rendering {loaded.id} as {fmt}", RENDER_STEPS[fmt]) as step:
            result = render(project, loaded, fmt, out, width=args.width, scale=args.scale, labels=labels,
                            advance=step.advance)
    except RenderError as error:
        print(f"cjm render: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"cjm render: cannot write {out}: {error.strerror or error}", file=sys.stderr)
        return 1
    size = f" ({result.width}×{result.height} px)" if result.width else ""
    size += f" ({result.pages} page, A3 landscape)" if result.pages == 1 else ""
    print(f"wrote {result.path}{size}")
    return 0


def _export_mermaid(args: argparse.Namespace) -> int:
    """`cjm export --format mermaid [PERSONA...]`: a Mermaid journey per persona. Arguments
    that are not files or folders are persona ids, looked up in maps/."""
    from .interop.mermaid import MAX_TEXT, fenced, to_mermaid

    if args.kind != "all":
        print("cjm export: --kind is for json and csv; a Mermaid journey shows a whole map",
              file=sys.stderr)
        return 2
    paths = [Path(p) for p in args.paths if Path(p).exists()]
    wanted = [p for p in args.paths if not Path(p).exists()]
    project = _load_valid(paths or [Path("maps")])
    if project is None:
        return 1
    known = ", ".join(m.id for m in project.maps) or "none"
    missing = [p for p in wanted if project.by_id(p) is None]
    if missing:
        print(f"cjm export: no persona `{'`, `'.join(missing)}` (and no such file); the personas"
              f" are: {known}", file=sys.stderr)
        return 1
    chosen = [project.by_id(p) for p in dict.fromkeys(wanted)] or project.maps
    if not chosen:
        print("cjm export: no maps to export", file=sys.stderr)
        return 1
    if len(chosen) > 1 and args.wrap != "markdown":
        print(f"cjm export: a Mermaid diagram shows one journey; name a persona ({known}), or"
              " pass --wrap markdown for one fenced block per persona", file=sys.stderr)
        return 2
    blocks = []
    for loaded in chosen:
        block = to_mermaid(loaded)
        if len(block) > MAX_TEXT:
            print(f"warning: the journey of `{loaded.id}` is {len(block)} characters; Mermaid"
                  f" draws at most {MAX_TEXT} unless `maxTextSize` is raised", file=sys.stderr)
        if args.wrap != "markdown":
            blocks.append(block)
        elif len(chosen) > 1:
            blocks.append(f"## {' '.join(loaded.map.persona.name.split())}\n\n{fenced(block)}")
        else:
            blocks.append(fenced(block))
    return _emit("\n".join(blocks), args.out, announce=True)


def _import(args: argparse.Namespace) -> int:
    from .interop.importer import IMPORT_STEPS, ImportRequest, import_map, import_ok_message
    from .interop.draft import Problems

    request = ImportRequest(
        file=Path(args.file), out=args.out, persona=args.persona, mapping=args.map,
        scale=args.scale, sheet=args.sheet, encoding=args.encoding, force=args.force,
        maps=Path(args.maps))
    try:
        # A large workbook takes seconds to read: a bar on a terminal (lines in CI) once it does.
        with for_terminal(sys.stderr).step(f"importing {visible(request.file.name)}", IMPORT_STEPS) as step:
            result = import_map(request, advance=step.advance)
    except Problems as problems:
        for diagnostic in problems.diagnostics:
            print(diagnostic, file=sys.stderr)
        print(f"{len(problems.diagnostics)} problem(s); nothing written", file=sys.stderr)
        return 1
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    if result.target is None:
        _write_stdout(result.text)
    else:
        print(import_ok_message(result))
    return 0


def _diff(args: argparse.Namespace) -> int:
    """`cjm diff BASE [HEAD]`: git revisions (HEAD: the work tree by default) or two folders."""
    from .diffreport import to_github, to_json, to_markdown
    from .history import LABELS as GIT_NOTES, GitError, open_repository, resolve
    from .mapdiff import Side, compare, load_revision

    maps = Path(args.maps)
    repository = None

    def side(argument: str | None) -> Side | str:
        nonlocal repository
        if argument is None:  # the work tree
            folder = maps
            top = repository.top if repository else Path.cwd()
            return Side(load_project([folder], base=top) if folder.is_dir() else Project(),
                        "the work tree", folder)
        given = Path(argument)
        if given.is_dir():
            folder = given / args.maps if (given / args.maps).is_dir() else given
            return Side(load_project([folder], base=folder.parent), argument, folder)
        if repository is None:
            repository, note = open_repository(maps if maps.is_dir() else Path.cwd())
            if repository is None:
                why = ("git is not installed (apt-get install git)" if note == GIT_NOTES["git_missing"]
                       else f"`{args.maps}` is not in a git checkout")
                return (f"`{argument}` is not a folder, and {why}, so it cannot be a git"
                        " revision; pass two folders, or run cjm diff in a git checkout")
        try:
            commit = resolve(repository, argument)
        except GitError:
            return (f"`{argument}` is neither a folder nor a git revision; pass a branch, tag or"
                    " commit (such as `origin/main`), or a folder")
        return Side(load_revision(repository, commit, maps), f"{argument} ({commit[:7]})", maps)

    try:
        sides = [side(args.base), side(args.head)]
    except GitError as error:
        print(f"cjm diff: git failed: {error}", file=sys.stderr)
        return 1
    problems = [s for s in sides if isinstance(s, str)]
    if problems:
        for problem in problems:
            print(f"cjm diff: {problem}", file=sys.stderr)
        return 2
    old, new = sides
    diff = compare(old, new)  # type: ignore[arg-type]
    for label, message in diff.unreadable:
        print(f"{label}: {message}", file=sys.stderr)
    render = {"markdown": to_markdown, "github": to_github, "json": to_json}[args.format]
    return _emit(render(diff, old.label, new.label), args.out, announce=True)  # type: ignore[union-attr]


def _write_stdout(text: str) -> None:
    """UTF-8 bytes as they are: no newline translation (CSV ends lines with CRLF itself),
    whatever the console's encoding."""
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        sys.stdout.write(text)
        return
    sys.stdout.flush()
    buffer.write(text.encode("utf-8"))
    buffer.flush()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cjm", description="Customer journey maps as code.")
    parser.add_argument("--version", action="version", version=f"cjm {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser("validate", help="check maps; exit 1 when any is invalid")
    validate.add_argument("paths", nargs="*", help="map files or folders (default: maps/)")
    validate.add_argument("--format", choices=["text", "github"], default="text",
                          help="`github` prints GitHub Actions annotations")
    validate.add_argument("--strict", action="store_true", help="fail on warnings too")
    validate.add_argument("--no-cache", action="store_true",
                          help="read every map again (default: maps found valid before and unchanged"
                          " since are taken from .cache/plugin/cjm/validate)")
    validate.add_argument("--site", action="store_true",
                          help="also check that the site engine runs cjm: its configuration, the"
                          " cjm blocks in the docs, and the built site when there is one")
    validate.add_argument("--config", help="with --site: the site's configuration (default:"
                          " zensical.toml, mkdocs.yml or properdocs.yml here)")
    validate.add_argument("--engine", choices=["mkdocs", "properdocs", "zensical"],
                          help="with --site: the engine that reads the configuration (default:"
                          " zensical for zensical.toml, else mkdocs)")
    validate.add_argument("--prefix", default="journeys",
                          help="with --site: folder of the generated pages (default: journeys)")
    validate.set_defaults(run=_validate)

    schema = commands.add_parser("schema", help="print the JSON Schema of a map file")
    schema.add_argument("--vocabulary", action="store_true",
                        help=f"the schema of {VOCABULARY_FILE} instead")
    schema.add_argument("--research", action="store_true",
                        help="the schema of _research.yml (the evidence maps cite) instead")
    schema.add_argument("--rules", action="store_true",
                        help="the schema of _rules.yml (the team's rules for its maps) instead")
    schema.add_argument("--out", help="write to this file instead of standard output")
    schema.set_defaults(run=_schema)

    reference = commands.add_parser("reference", help="print the map format as Markdown tables")
    reference.add_argument("--out", help="write to this file instead of standard output")
    reference.set_defaults(run=_reference)

    init = commands.add_parser(
        "init", help="set up a journey site: mkdocs.yml, docs/, maps/, schemas, CI workflow")
    init.add_argument("folder", nargs="?", default=".",
                      help="the site's folder, new or with a mkdocs.yml (default: this folder)")
    init.set_defaults(run=_init)

    new = commands.add_parser("new", help="write a starter map that validates")
    new.add_argument("name", help="the persona's name, for example \"Hotel guest\"")
    new.add_argument("--dir", default="maps", help="folder of the maps (default: maps/)")
    new.set_defaults(run=_new)

    generate = commands.add_parser(
        "generate", help="write the generated pages (and their navigation) into the docs, for"
        " engines that run no cjm plugin (Zensical)")
    generate.add_argument("--out", help="the docs folder (default: `docs_dir` of the site's"
                          " configuration here); pages go to OUT/PREFIX/")
    _add_generation_options(generate)
    generate.add_argument("--watch", action="store_true",
                          help="keep running and generate again whenever a map changes (beside"
                          " `zensical serve`); a broken map keeps its last good pages")
    generate.set_defaults(run=_generate)

    serve = commands.add_parser(
        "serve", help="serve the site with an engine: zensical (cjm generates the pages beside"
        " `zensical serve` and again on every map save), mkdocs or properdocs (the plugin does it)")
    serve.add_argument("engine_name", choices=["zensical", "mkdocs", "properdocs"], metavar="ENGINE",
                       help="zensical, mkdocs or properdocs")
    serve.add_argument("--out", help="zensical: the docs folder (default: from the configuration)")
    _add_generation_options(serve)
    serve.add_argument("-a", "--dev-addr", metavar="IP:PORT",
                       help="where to serve (the engine's default: localhost:8000)")
    serve.set_defaults(run=_serve)

    export = commands.add_parser(
        "export", help="touchpoints, pain points, opportunities, metrics, stages and evidence as"
        " JSON or CSV; a journey as a Mermaid diagram")
    export.add_argument("paths", nargs="*", help="map files or folders (default: maps/)")
    export.add_argument("--format", choices=["json", "csv", "mermaid"], default="json",
                        help="json (default), csv, or mermaid (a journey diagram; PATHS may"
                        " name persona ids)")
    export.add_argument("--wrap", choices=["markdown"],
                        help="mermaid: a ```mermaid fenced block, to paste into Markdown")
    export.add_argument("--kind", choices=[*EXPORT_KINDS, "all"], default="all",
                        help="what to export (default: all; with csv, all needs --out FOLDER)")
    export.add_argument("--out", help="write to this file (a folder for csv with --kind all)"
                        " instead of standard output")
    export.add_argument("--keep-formulas", action="store_true",
                        help="CSV: write cells that start with = + - @ as they are (by default they"
                        " get a leading ' so that a spreadsheet shows them instead of running them)")
    export.set_defaults(run=_export)

    _add_import_parser(commands)

    diff = commands.add_parser(
        "diff", help="what changed in the maps between two git revisions or two folders, by meaning")
    diff.add_argument("base", metavar="BASE", help="a git revision (branch, tag, commit) or a folder")
    diff.add_argument("head", metavar="HEAD", nargs="?",
                      help="a git revision or a folder (default: the maps as they are now)")
    diff.add_argument("--maps", default="maps",
                      help="folder of the maps, in the work tree and in each revision (default: maps/)")
    diff.add_argument("--format", choices=["markdown", "github", "json"], default="markdown",
                      help="markdown (default), github (a pull-request comment the workflow"
                      " updates in place) or json")
    diff.add_argument("--out", help="write to this file instead of standard output")
    diff.set_defaults(run=_diff)

    render = commands.add_parser(
        "render", help="a persona's journey canvas as a standalone HTML, SVG, PNG or PDF file")
    render.add_argument("persona", help="persona id (or the path of its map file)")
    render.add_argument("--format", choices=["html", "svg", "png", "pdf"],
                        help="file format (default: from --out's extension, else html)")
    render.add_argument("--out", help="file to write (default: PERSONA.FORMAT here)")
    render.add_argument("--maps", default="maps", help="folder of the maps (default: maps/)")
    render.add_argument("--width", type=int, default=1600,
                        help="PNG: page width in CSS pixels (default 1600; widened to fit every stage)")
    render.add_argument("--scale", type=float, default=2.0,
                        help="PNG: device pixels per CSS pixel (default 2, sharp on slides)")
    _add_language_options(render)
    render.set_defaults(run=_render)
    return parser


def _add_generation_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", help="the site's configuration (default: zensical.toml,"
                        " mkdocs.yml or properdocs.yml here)")
    parser.add_argument("--maps", help="folder of the maps (default: maps/ beside the configuration)")
    parser.add_argument("--prefix", default="journeys",
                        help="folder of the generated pages under OUT (default: journeys)")
    parser.add_argument("--nav", choices=["auto", "full", "personas", "index"], default="auto",
                        help="how much the navigation file lists (as the plugin's `nav` option)")
    parser.add_argument("--no-nav", action="store_true", help="write no navigation file (SUMMARY.md)")
    parser.add_argument("--no-directory-urls", action="store_true",
                        help="links for a site with `use_directory_urls: false` (read from the"
                        " configuration when there is one)")
    parser.add_argument("--no-diagrams", action="store_true", help="leave out the diagrams")
    parser.add_argument("--strict", action="store_true",
                        help="write nothing when there are warnings too")
    _add_language_options(parser)


def _add_import_parser(commands) -> None:  # noqa: ANN001 - argparse's private subparsers type
    importer = commands.add_parser(
        "import", help="turn a spreadsheet (CSV, XLSX) or a Mermaid journey into a map")
    importer.add_argument("file", help=".csv, .tsv, .xlsx, .mmd, or .md with a ```mermaid journey")
    importer.add_argument("--persona", metavar="NAME", help="the persona's name")
    importer.add_argument("--out", metavar="maps/ID.yml",
                          help="the map to write (default: maps/PERSONA-ID.yml; - for standard output)")
    importer.add_argument("--map", action="append", default=[], metavar="COLUMN=FIELD",
                          help="read a column as a field (stage, touchpoint, emotion, lane,"
                          " ignore, ...); repeat for several")
    importer.add_argument("--scale", metavar="LOW..HIGH",
                          help="the sheet's emotion scale, mapped onto -2..2 (e.g. 1..5; write"
                          " --scale=-3..3 for a negative LOW)")
    importer.add_argument("--sheet", help="the workbook sheet to read (default: the first)")
    importer.add_argument("--encoding", default="utf-8", help="of a CSV file (default: utf-8)")
    importer.add_argument("--force", action="store_true", help="replace an existing map")
    importer.add_argument("--maps", default="maps", help="folder of the maps (default: maps/)")
    importer.set_defaults(run=_import)


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        # Messages quote map text (Chinese, emoji); never crash on a narrow console.
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except OutputError as error:
        print(f"cjm {args.command}: {visible(str(error))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `cjm schema | head`
        return 0
    except Exception as error:  # noqa: BLE001 - the last line of defence
        # A bug must not greet the user with a traceback; CJM_DEBUG=1 shows it.
        if os.environ.get("CJM_DEBUG"):
            raise
        print(f"cjm {args.command}: internal error ({type(error).__name__}: {visible(str(error))[:300]});"
              " this is a bug in cjm: please report it with the input that caused it"
              " (run again with CJM_DEBUG=1 for the details)", file=sys.stderr)
        return 70


if __name__ == "__main__":
    sys.exit(main())
