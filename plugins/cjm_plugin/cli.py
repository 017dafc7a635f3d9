"""`cjm`: the core without MkDocs, for CI, pre-commit hooks and editors."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import __version__
from .catalog import VOCABULARY_FILE, load_project
from .diagnostics import format_github
from .model import map_json_schema, vocabulary_json_schema
from .reference import reference_markdown
from .starter import starter_map


def _validate(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.paths] or [Path("maps")]
    missing = [p for p in paths if not p.exists()]
    if missing:
        for path in missing:
            print(f"{path}: no such file or folder; pass the folder of your maps", file=sys.stderr)
        return 2
    project = load_project(paths)
    for diagnostic in project.diagnostics:
        print(format_github(diagnostic) if args.format == "github" else diagnostic)
    errors, warnings = len(project.errors), len(project.warnings)
    failed = errors > 0 or (args.strict and warnings > 0)
    summary = (
        f"{len(project.files)} map file(s) checked: {errors} error(s), {warnings} warning(s)"
        if project.diagnostics
        else f"{len(project.maps)} map(s) valid"
    )
    print(summary, file=sys.stderr if args.format == "github" else sys.stdout)
    return 1 if failed else 0


def _schema(args: argparse.Namespace) -> int:
    schema = vocabulary_json_schema() if args.vocabulary else map_json_schema()
    text = json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def _reference(args: argparse.Namespace) -> int:
    text = reference_markdown()
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def _new(args: argparse.Namespace) -> int:
    folder = Path(args.dir)
    project = load_project([folder]) if folder.is_dir() else None
    vocabulary = project.vocabulary if project else None
    file_name, text = starter_map(args.name, vocabulary)
    target = folder / file_name
    if target.exists():
        print(f"{target}: already exists; choose another name or edit that file", file=sys.stderr)
        return 1
    folder.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target}; run `cjm validate` after editing it")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cjm", description="Customer journey maps as code.")
    parser.add_argument("--version", action="version", version=f"cjm {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser("validate", help="check maps; exit 1 when any is invalid")
    validate.add_argument("paths", nargs="*", help="map files or folders (default: maps/)")
    validate.add_argument("--format", choices=["text", "github"], default="text",
                          help="`github` prints GitHub Actions annotations")
    validate.add_argument("--strict", action="store_true", help="fail on warnings too")
    validate.set_defaults(run=_validate)

    schema = commands.add_parser("schema", help="print the JSON Schema of a map file")
    schema.add_argument("--vocabulary", action="store_true",
                        help=f"the schema of {VOCABULARY_FILE} instead")
    schema.add_argument("--out", help="write to this file instead of standard output")
    schema.set_defaults(run=_schema)

    reference = commands.add_parser("reference", help="print the map format as Markdown tables")
    reference.add_argument("--out", help="write to this file instead of standard output")
    reference.set_defaults(run=_reference)

    new = commands.add_parser("new", help="write a starter map that validates")
    new.add_argument("name", help="the persona's name, for example \"Hotel guest\"")
    new.add_argument("--dir", default="maps", help="folder of the maps (default: maps/)")
    new.set_defaults(run=_new)
    return parser


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        # Messages quote map text (Chinese, emoji); never crash on a narrow console.
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `cjm schema | head`
        return 0


if __name__ == "__main__":
    sys.exit(main())
