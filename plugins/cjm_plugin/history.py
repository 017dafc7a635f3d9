"""What git knows about the maps: when each file last changed, the commits that changed them,
and the files at any revision.

Every question is one `git` process for all files (a 200-persona site must not start 200),
and nothing here touches the work tree or the index. Git is optional: outside a git checkout,
or without `git` installed, the callers get no history and a note saying why. A shallow clone
(the default of CI checkouts) has no history to read either: it gets a note with the fix
instead of dates that would all be the clone's.

Commit subjects and author names are text from the repository, like map text: pages escape
them where they land.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

GIT_TIMEOUT = 120.0
MAX_BLOB_BYTES = 4 * 1024 * 1024  # larger files are cut (the loader refuses them anyway)

# Every word these notes show a reader (issue #15 moves them to per-language files).
LABELS = {
    "git_missing": "git is not installed, so the pages cannot say when each map last changed;"
                   " install git (apt-get install git) where the site is built.",
    "not_a_repository": "The maps are not in a git checkout, so the pages cannot say when each"
                        " map last changed.",
    "shallow": "The maps are in a shallow git clone, which has only the latest commit, so the"
               " pages cannot say when each map last changed. Fetch the full history: in GitHub"
               " Actions, `fetch-depth: 0` under `with:` of actions/checkout; in GitLab CI,"
               " `GIT_DEPTH: 0`; by hand, `git fetch --unshallow`.",
    "no_commits": "The repository has no commits yet, so no map has a history.",
    "git_failed": "git could not read the history ({reason}); the pages show no last changes.",
}


class GitError(Exception):
    """git ran and refused (a bad revision, a broken repository): the message says why."""


@dataclass(frozen=True)
class Repository:
    """A git work tree: its top folder, and where the maps are inside it."""

    top: Path
    shallow: bool
    git: str = "git"

    def run(self, *args: str, data: bytes | None = None) -> bytes:
        return _run(self.git, self.top, args, data)

    def relative(self, path: Path) -> str:
        """`path` as git names it: relative to the top, with `/`."""
        return Path(os.path.relpath(Path(path).resolve(), self.top)).as_posix()


def _environment() -> dict[str, str]:
    # No lock on the index for `git status` (a build must not get in the way of the user's
    # git), no password prompt, and messages git prints in a predictable form.
    return {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}


def _run(git: str, cwd: Path, args: tuple[str, ...], data: bytes | None = None) -> bytes:
    try:
        result = subprocess.run([git, "-c", "core.quotepath=off", *args], cwd=cwd, input=data,
                                capture_output=True, timeout=GIT_TIMEOUT, env=_environment())
    except subprocess.TimeoutExpired:
        raise GitError(f"`git {args[0]}` took more than {GIT_TIMEOUT:.0f} s") from None
    if result.returncode != 0:
        reason = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(reason[-1] if reason else f"`git {args[0]}` failed")
    return result.stdout


def open_repository(folder: Path, git: str = "git") -> tuple[Repository | None, str | None]:
    """(the repository `folder` is in, None) or (None, a note saying why there is none)."""
    folder = Path(folder).resolve()
    try:
        out = _run(git, folder, ("rev-parse", "--show-toplevel", "--is-shallow-repository"))
    except FileNotFoundError:
        return None, LABELS["git_missing"]
    except (GitError, OSError):
        return None, LABELS["not_a_repository"]
    lines = out.decode("utf-8", "surrogateescape").splitlines()
    if len(lines) < 2 or not lines[0]:
        return None, LABELS["not_a_repository"]
    return Repository(Path(lines[0]).resolve(), lines[1].strip() == "true", git), None


# -- commits --------------------------------------------------------------------------------

_FORMAT = "%x00%H%x00%P%x00%cs%x00%an%x00%s"


@dataclass(frozen=True)
class FileChange:
    path: str  # relative to the top of the repository
    old: str | None  # blob id before (None: added)
    new: str | None  # blob id after (None: deleted)


@dataclass(frozen=True)
class Commit:
    id: str
    parent: str | None  # the first parent (None for the first commit)
    date: str  # committer date, YYYY-MM-DD
    author: str
    subject: str
    files: tuple[FileChange, ...] = ()


_NO_BLOB = {"0" * 40, "0" * 64}


class _LogParser:
    """Commits from `git log --format=_FORMAT --raw -z --no-abbrev --no-renames`, fed as the
    output arrives.

    With -z, every field ends with NUL: a commit is an empty field (the format's leading
    NUL), then hash, parents, date, author, subject; each file after it is a `:modes ids
    status` field and its path. Fields are taken by position, so no file name or subject can
    be read as the start of a commit."""

    def __init__(self) -> None:
        self.partial = b""
        self.fields: list[str] = []

    def feed(self, data: bytes, final: bool = False) -> list[Commit]:
        parts = (self.partial + data).split(b"\0")
        self.partial = b"" if final else parts.pop()
        self.fields += [part.decode("utf-8", "surrogateescape") for part in parts]
        return self._complete(final)

    def _complete(self, final: bool) -> list[Commit]:
        fields, done, index = self.fields, [], 0
        while True:
            while index < len(fields) and fields[index] != "":
                index += 1  # a stray field (a trailing newline): not part of a commit
            if index + 6 > len(fields):
                break
            commit_id, parents, day, author, subject = fields[index + 1:index + 6]
            end, files = index + 6, []
            while end + 1 < len(fields) and fields[end].lstrip("\n").startswith(":"):
                parts = fields[end].lstrip("\n")[1:].split()
                if len(parts) >= 4:
                    old, new = parts[2], parts[3]
                    files.append(FileChange(fields[end + 1], None if old in _NO_BLOB else old,
                                            None if new in _NO_BLOB else new))
                end += 2
            # Complete when the next commit has started, or the output has ended.
            if not final and (end >= len(fields) or fields[end].lstrip("\n").startswith(":")):
                break
            first = parents.split()[0] if parents.split() else None
            done.append(Commit(commit_id, first, day, author, subject, tuple(files)))
            index = end
        self.fields = fields[index:]
        return done


def _parse_log(out: bytes) -> list[Commit]:
    return _LogParser().feed(out, final=True)


def commits(repository: Repository, folder: Path, limit: int) -> list[Commit]:
    """The last `limit` commits of the main line (first parents: a merged branch is one
    change) that changed a file under `folder`, newest first, with the files they changed."""
    if limit <= 0:
        return []
    out = repository.run("log", f"-n{limit}", "--first-parent", "-m", f"--format={_FORMAT}",
                         "--raw", "-z", "--no-abbrev", "--no-renames", "--",
                         repository.relative(folder) or ".")
    return _parse_log(out)


@dataclass(frozen=True)
class LastChange:
    """The last commit that changed a file, and whether the work tree differs from it."""

    date: str  # YYYY-MM-DD, or "" for a file that was never committed
    subject: str
    author: str
    commit: str
    uncommitted: bool = False  # changed since that commit, or never committed


@dataclass
class History:
    """What the pages show from git: each map file's last change (by its absolute path), and
    a note when that cannot be known."""

    changes: dict[Path, LastChange] = field(default_factory=dict)
    note: str | None = None
    repository: Repository | None = None


def last_changes(folder: Path, files: list[Path], git: str = "git") -> History:
    """The last change of each of `files` (map files under `folder`), from one `git log`
    that stops once every file is found, and one `git status`."""
    repository, note = open_repository(folder, git)
    if repository is None:
        return History(note=note)
    if repository.shallow:
        return History(note=LABELS["shallow"], repository=repository)
    wanted = {repository.relative(path): Path(path).resolve() for path in files}
    try:
        found = _last_commits(repository, folder, set(wanted))
        dirty = _uncommitted(repository, folder)
    except GitError as error:
        if "does not have any commits" in str(error):
            return History(note=LABELS["no_commits"], repository=repository)
        return History(note=LABELS["git_failed"].format(reason=error), repository=repository)
    except OSError as error:
        return History(note=LABELS["git_failed"].format(reason=error.strerror), repository=repository)
    history = History(repository=repository)
    for relative, path in sorted(wanted.items()):
        commit = found.get(relative)
        if commit is None:
            history.changes[path] = LastChange("", "", "", "", uncommitted=True)
        else:
            history.changes[path] = LastChange(commit.date, commit.subject, commit.author,
                                               commit.id, uncommitted=relative in dirty)
    return history


def _last_commits(repository: Repository, folder: Path, wanted: set[str]) -> dict[str, Commit]:
    """The newest commit that changed each wanted file: reads `git log` as it comes and stops
    it once all are found (a long history is not read to its first commit)."""
    args = [repository.git, "-c", "core.quotepath=off", "log", f"--format={_FORMAT}", "--raw",
            "-z", "--no-abbrev", "--no-renames", "--", repository.relative(folder) or "."]
    found: dict[str, Commit] = {}
    parser = _LogParser()
    process = subprocess.Popen(args, cwd=repository.top, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, env=_environment())
    try:
        assert process.stdout is not None
        while len(found) < len(wanted):
            chunk = process.stdout.read1(1 << 16)
            for commit in parser.feed(chunk, final=not chunk):
                for change in commit.files:
                    if change.path in wanted:
                        found.setdefault(change.path, commit)
            if not chunk:
                break
    finally:
        if process.poll() is None:
            process.kill()  # everything is found: the rest of the history is not needed
        process.stdout.close()  # type: ignore[union-attr]
        code = process.wait()
    if code > 0 and not found:
        raise GitError("`git log` failed")
    return found


def _uncommitted(repository: Repository, folder: Path) -> set[str]:
    """Files under `folder` that differ from the last commit, or are not committed."""
    out = repository.run("status", "--porcelain", "-z", "--untracked-files=all", "--",
                         repository.relative(folder) or ".")
    paths: set[str] = set()
    fields = out.decode("utf-8", "surrogateescape").split("\0")
    index = 0
    while index < len(fields):
        entry = fields[index]
        index += 1
        if len(entry) < 4:
            continue
        paths.add(entry[3:])
        if entry[0] in "RC":  # a rename names its old path in the next field
            index += 1
    return paths


# -- files at a revision ----------------------------------------------------------------------


def resolve(repository: Repository, revision: str) -> str:
    """The commit id of `revision`, or GitError when it names no commit."""
    if revision.startswith("-"):
        raise GitError(f"`{revision}` is not a revision")
    out = repository.run("rev-parse", "--verify", "--quiet", "--end-of-options",
                         f"{revision}^{{commit}}")
    return out.decode().strip()


def tree(repository: Repository, commit: str, folder: Path) -> dict[str, str]:
    """{path relative to the top: blob id} of every file under `folder` at `commit`."""
    out = repository.run("ls-tree", "-r", "-z", "--full-tree", commit, "--",
                         repository.relative(folder) or ".")
    files: dict[str, str] = {}
    for entry in out.decode("utf-8", "surrogateescape").split("\0"):
        meta, _, path = entry.partition("\t")
        parts = meta.split()
        # Regular files only: a symbolic link's blob is the link's target, not a map.
        if len(parts) == 3 and parts[1] == "blob" and parts[0] in ("100644", "100755"):
            files[path] = parts[2]
    return files


def read_blobs(repository: Repository, ids: list[str]) -> dict[str, bytes]:
    """The content of each blob id, from one `git cat-file --batch`."""
    unique = list(dict.fromkeys(ids))
    if not unique:
        return {}
    out = repository.run("cat-file", "--batch", data="".join(f"{i}\n" for i in unique).encode())
    blobs: dict[str, bytes] = {}
    position = 0
    for blob_id in unique:
        end = out.index(b"\n", position)
        header = out[position:end].decode("utf-8", "replace").split()
        position = end + 1
        if len(header) != 3 or header[1] == "missing":
            continue
        size = int(header[2])
        blobs[blob_id] = out[position:position + min(size, MAX_BLOB_BYTES)]
        position += size + 1
    return blobs


def is_map_path(path: str) -> bool:
    return PurePosixPath(path).suffix.lower() in (".yml", ".yaml")
