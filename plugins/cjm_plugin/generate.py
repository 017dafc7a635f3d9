"""`cjm generate`: the generated pages as plain files, for site engines that run no MkDocs
plugins (ProperDocs, Zensical, or MkDocs without cjm).

The output folder is usually a hand-written `docs/`, so this module never overwrites or
deletes a file it did not write. A manifest beside the generated pages
(`<prefix>/.cjm-manifest.json`) lists every file it wrote with its SHA-256; a run

- refuses, before writing anything, when a file it would write exists but is not in the
  manifest, or is in it but was changed by hand since;
- writes only files whose bytes change (unchanged files keep their modification time);
- removes the files it wrote earlier that are no longer generated (a map was deleted or a
  stage renamed), unless they were changed by hand, and then the folders that became empty.

An interrupted run (Ctrl-C, a full disk) leaves nothing the next run refuses: before touching
a file, the manifest is rewritten to accept both its current and its new checksum (`pending`).

Same maps, same bytes: pages, assets and the manifest carry no dates and sort their keys.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .safe_io import write_atomic
from .site import SiteBuild

MANIFEST_NAME = ".cjm-manifest.json"
MANIFEST_FORMAT = 1


class GenerateError(Exception):
    """A reason to write nothing; the message names the file and what to do."""


@dataclass
class GenerateResult:
    out: Path
    manifest: str  # path of the manifest, relative to `out`
    written: list[str] = field(default_factory=list)  # relative to `out`, with `/`
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def manifest_path(prefix: str) -> str:
    """Where the manifest lives, relative to the output folder."""
    prefix = prefix.strip("/")
    return posixpath.join(prefix, MANIFEST_NAME) if prefix else MANIFEST_NAME


def site_files(site: SiteBuild) -> dict[str, bytes]:
    """Every file of a site build by its path under the docs folder: pages and assets
    (stylesheet, and whatever else `SiteBuild.assets` holds, such as diagram sources)."""
    files: dict[str, bytes] = {}
    for page in site.pages:
        files[page.src] = page.content.encode("utf-8")
    for asset in site.assets:
        content = asset.content
        files[asset.src] = content if isinstance(content, bytes) else content.encode("utf-8")
    return dict(sorted(files.items()))


def generated_by_cjm(out: Path, prefix: str) -> set[str]:
    """The files under `out` that `cjm generate` wrote and nobody changed since (their bytes
    match the manifest), by path relative to `out`; empty when there is no usable manifest."""
    try:
        accepted = read_manifest(out, manifest_path(prefix))
    except GenerateError:
        return set()
    found = set()
    for name, digests in accepted.items():
        target = out / name
        try:
            if not target.is_symlink() and target.is_file() and sha256(target.read_bytes()) in digests:
                found.add(name)
        except OSError:
            continue
    return found


def _safe_relative(path: str) -> bool:
    """A relative path with `/` that stays inside the output folder."""
    pure = PurePosixPath(path)
    return (
        bool(path)
        and "\\" not in path
        and not pure.is_absolute()
        and ".." not in pure.parts
        and "." not in pure.parts
        and not (len(path) > 1 and path[1] == ":")  # c:/...
    )


def read_manifest(out: Path, relative: str) -> dict[str, set[str]]:
    """{path: accepted sha256s} of the files earlier runs wrote ({} when there were none)."""
    path = out / relative
    if not path.exists() and not path.is_symlink():
        return {}
    accepted: dict[str, set[str]] = {}
    problem = None
    try:
        if path.is_symlink() or not path.is_file():
            raise ValueError("not a regular file")
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("generator") != "cjm":
            raise ValueError("not a cjm manifest")
        for key in ("files", "pending"):
            entries = data.get(key, {})
            if not isinstance(entries, dict):
                raise ValueError(f"`{key}` is not a mapping")
            for name, digest in entries.items():
                if not (isinstance(name, str) and _safe_relative(name)):
                    raise ValueError(f"unsafe path `{name}`")
                if not (isinstance(digest, str) and len(digest) == 64):
                    raise ValueError(f"bad checksum for `{name}`")
                accepted.setdefault(name, set()).add(digest)
    except (OSError, UnicodeDecodeError, ValueError) as error:
        problem = str(error)
    if problem is not None:
        raise GenerateError(
            f"{path}: cannot read the manifest of an earlier `cjm generate` ({problem}); if"
            " nothing in that folder needs keeping, delete the folder and run again"
        )
    return accepted


def manifest_bytes(files: dict[str, bytes], pending: dict[str, str] | None = None) -> bytes:
    data: dict[str, object] = {
        "generator": "cjm",
        "format": MANIFEST_FORMAT,
        "note": "Files written by `cjm generate`; it overwrites or deletes only these, and"
        " only while their checksum matches. Do not edit.",
        "files": {name: sha256(content) for name, content in files.items()},
    }
    if pending:
        data["pending"] = pending  # only while a run is writing; see the module docstring
    return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def _inside(out: Path, relative: str) -> Path:
    """`out/relative`, refusing paths that leave `out` through a symbolic link."""
    target = out / relative
    parent = out
    for part in PurePosixPath(relative).parts[:-1]:
        parent = parent / part
        if parent.is_symlink() or (parent.exists() and not parent.is_dir()):
            raise GenerateError(
                f"{parent}: is a file or a symbolic link where `cjm generate` needs a folder;"
                " move it away or choose another --out or --prefix"
            )
    return target


def _current(target: Path) -> bytes | None:
    """The bytes of an existing regular file, None when there is nothing at `target`."""
    if target.is_symlink() or (target.exists() and not target.is_file()):
        raise GenerateError(
            f"{target}: is a folder or a symbolic link, not a file `cjm generate` wrote;"
            " move it away or choose another --out or --prefix"
        )
    return target.read_bytes() if target.exists() else None


@dataclass
class Plan:
    to_write: list[str] = field(default_factory=list)
    to_remove: list[str] = field(default_factory=list)
    current: dict[str, str] = field(default_factory=dict)  # sha256 of files about to change


def plan(out: Path, files: dict[str, bytes], prefix: str) -> Plan:
    """What to write and remove, or GenerateError if any file in the way was not written by
    cjm or was changed by hand since."""
    manifest_rel = manifest_path(prefix)
    earlier = read_manifest(out, manifest_rel)
    result = Plan()
    for name in files:
        if not _safe_relative(name) or name == manifest_rel:
            raise GenerateError(f"{name}: not a path cjm can write under {out}")
        target = _inside(out, name)
        existing = _current(target)
        if existing is None:
            result.to_write.append(name)
            continue
        if name not in earlier:
            raise GenerateError(
                f"{target}: exists and was not written by `cjm generate`; refusing to overwrite"
                " it. Move it away, or choose another --out or --prefix"
            )
        digest = sha256(existing)
        if digest not in earlier[name]:
            raise GenerateError(
                f"{target}: was changed by hand since `cjm generate` wrote it; refusing to"
                " overwrite it. Keep your change elsewhere (edit the map instead), then delete"
                " the file and run again"
            )
        if existing != files[name]:
            result.to_write.append(name)
            result.current[name] = digest
    for name, digests in sorted(earlier.items()):
        if name in files:
            continue
        target = _inside(out, name)
        existing = _current(target)
        if existing is None:
            continue
        digest = sha256(existing)
        if digest not in digests:
            raise GenerateError(
                f"{target}: is no longer generated, but was changed by hand since `cjm generate`"
                " wrote it; refusing to delete it. Move it away and run again"
            )
        result.to_remove.append(name)
        result.current[name] = digest
    return result


def _remove_empty_folders(out: Path, names: list[str]) -> None:
    """Remove the folders of removed files that are empty now, deepest first, up to `out`."""
    folders = {PurePosixPath(name).parent for name in names}
    candidates = set()
    for folder in folders:
        while folder.parts:
            candidates.add(folder)
            folder = folder.parent
    for folder in sorted(candidates, key=lambda f: len(f.parts), reverse=True):
        path = out / folder
        try:
            if path.is_dir() and not path.is_symlink() and not any(path.iterdir()):
                path.rmdir()
        except OSError:
            pass


def write_site(out: Path, files: dict[str, bytes], prefix: str) -> GenerateResult:
    """Write `files` under `out` (see the module's docstring for what it refuses)."""
    manifest_rel = manifest_path(prefix)
    manifest_file = out / manifest_rel
    steps = plan(out, files, prefix)
    if steps.to_write or steps.to_remove:
        # First the manifest: whatever happens next, every file is at its old checksum
        # (`pending`) or its new one, and the next run accepts both.
        write_atomic(manifest_file, manifest_bytes(files, steps.current))
    for name in steps.to_remove:
        (out / name).unlink()
    _remove_empty_folders(out, steps.to_remove)
    for name in steps.to_write:
        write_atomic(out / name, files[name])
    manifest = manifest_bytes(files)
    if _current(manifest_file) != manifest:
        write_atomic(manifest_file, manifest)
    return GenerateResult(
        out=out,
        manifest=manifest_rel,
        written=steps.to_write,
        unchanged=[name for name in files if name not in steps.to_write],
        removed=steps.to_remove,
    )
