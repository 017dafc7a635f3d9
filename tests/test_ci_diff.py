"""The CI files post `cjm diff` on pull and merge requests, as one comment each push updates.

The GitHub workflow's script runs in Node with the two GitHub API calls it makes answered in
memory; the GitLab job's script runs in Python against a small local server that answers the
notes API. Both decide the same three ways: update their earlier comment, add one, or stay
silent when the maps did not change and nothing was posted before.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import yaml

from cjm_plugin.diffreport import EMPTY_MARKER, MARKER

from sitebuild import REPO

WORKFLOW = REPO / ".github/workflows/journeys.yml"
GITLAB = REPO / "docs/examples/gitlab-ci.yml"
NODE = shutil.which("node")

CHANGED = f"{MARKER}\n## Journey map changes\n\n- something\n"
UNCHANGED = f"{MARKER}\n{EMPTY_MARKER}\n## Journey map changes\n\nNo change to the journey maps.\n"


def _steps() -> list[dict]:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return workflow["jobs"]["changes"]["steps"]


def test_the_workflow_describes_pull_requests_with_cjm_diff():
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    job = workflow["jobs"]["changes"]
    assert job["if"] == "github.event_name == 'pull_request'"
    assert job["permissions"] == {"contents": "read", "pull-requests": "write"}
    checkout = job["steps"][0]
    assert checkout["uses"].startswith("actions/checkout@") and checkout["with"]["fetch-depth"] == 0
    run = next(s["run"] for s in job["steps"] if "cjm diff" in s.get("run", ""))
    assert 'cjm diff "$BASE" HEAD --format github --out journey-changes.md' in run
    assert "$GITHUB_STEP_SUMMARY" in run
    script = next(s["with"]["script"] for s in job["steps"] if "github-script" in s.get("uses", ""))
    assert MARKER in script and EMPTY_MARKER in script
    # The site's build reads the whole history too (last changes on the health page).
    check = workflow["jobs"]["check"]["steps"][0]
    assert check["with"]["fetch-depth"] == 0


def _run_github_script(tmp_path, body: str, comments: list[dict]) -> list[tuple]:
    if NODE is None:
        pytest.skip("needs node (apt-get install nodejs)")
    script = next(s["with"]["script"] for s in _steps() if "github-script" in s.get("uses", ""))
    (tmp_path / "journey-changes.md").write_text(body, encoding="utf-8")
    harness = """
const calls = [];
const comments = %s;
const github = {
  paginate: async (method, args) => { calls.push(["list", args.issue_number]); return comments; },
  rest: { issues: {
    listComments: "listComments",
    updateComment: async (args) => calls.push(["update", args.comment_id, args.body]),
    createComment: async (args) => calls.push(["create", args.issue_number, args.body]),
  } },
};
const context = { repo: { owner: "team", repo: "maps" }, issue: { number: 7 } };
(async () => {
%s
})().then(() => console.log(JSON.stringify(calls)));
""" % (json.dumps(comments), script)
    (tmp_path / "harness.js").write_text(harness, encoding="utf-8")
    result = subprocess.run([NODE, "harness.js"], cwd=tmp_path, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    return [tuple(call) for call in json.loads(result.stdout)]


def test_the_github_script_updates_its_own_comment(tmp_path):
    comments = [{"id": 1, "user": {"type": "User"}, "body": f"{MARKER} quoted by a person"},
                {"id": 2, "user": {"type": "Bot"}, "body": "another bot"},
                {"id": 3, "user": {"type": "Bot"}, "body": CHANGED}]
    assert _run_github_script(tmp_path, CHANGED, comments) == [("list", 7), ("update", 3, CHANGED)]
    # No change since: the earlier comment says so now.
    assert _run_github_script(tmp_path, UNCHANGED, comments) == [("list", 7), ("update", 3, UNCHANGED)]


def test_the_github_script_adds_a_comment_only_for_changes(tmp_path):
    assert _run_github_script(tmp_path, CHANGED, []) == [("list", 7), ("create", 7, CHANGED)]
    assert _run_github_script(tmp_path, UNCHANGED, []) == [("list", 7)]


# --- GitLab --------------------------------------------------------------------------------


def _gitlab_job() -> dict:
    return yaml.safe_load(GITLAB.read_text(encoding="utf-8"))["journey-changes"]


def test_the_gitlab_job_describes_merge_requests_with_cjm_diff():
    job = _gitlab_job()
    assert job["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
    assert job["variables"]["GIT_DEPTH"] == 0
    assert ('cjm diff "$CI_MERGE_REQUEST_DIFF_BASE_SHA" HEAD --format github --out'
            ' journey-changes.md') in job["script"]
    pages = yaml.safe_load(GITLAB.read_text(encoding="utf-8"))["pages"]
    assert pages["variables"]["GIT_DEPTH"] == 0


class _Notes(BaseHTTPRequestHandler):
    """GitLab's merge request notes API, as far as the job uses it."""

    notes: list[dict] = []
    calls: list[tuple] = []

    def log_message(self, *args):  # quiet
        pass

    def _reply(self, data, next_page: str = "") -> None:
        raw = json.dumps(data).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Next-Page", next_page)
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def do_GET(self):
        assert self.headers["PRIVATE-TOKEN"] == "secret"
        page = int(re.search(r"[?&]page=(\d+)", self.path).group(1))
        self.calls.append(("GET", self.path.split("?")[0], page))
        chunk = self.notes[(page - 1) * 2: page * 2]  # two per page: pagination is exercised
        self._reply(chunk, str(page + 1) if len(self.notes) > page * 2 else "")

    def _body(self) -> str:
        return json.loads(self.rfile.read(int(self.headers["Content-Length"])))["body"]

    def do_PUT(self):
        self.calls.append(("PUT", self.path, self._body()))
        self._reply({})

    def do_POST(self):
        self.calls.append(("POST", self.path, self._body()))
        self._reply({})


def _run_gitlab_script(tmp_path, body: str, notes: list[dict], token: str = "secret"):
    script = next(line for line in _gitlab_job()["script"] if "python3 - <<'PY'" in line)
    python = script.split("<<'PY'\n", 1)[1].rsplit("PY", 1)[0]
    (tmp_path / "journey-changes.md").write_text(body, encoding="utf-8")
    _Notes.notes, _Notes.calls = notes, []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Notes)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        env = {"CI_API_V4_URL": f"http://127.0.0.1:{server.server_port}/api/v4", "CI_PROJECT_ID": "42",
               "CI_MERGE_REQUEST_IID": "7", "CJM_GITLAB_TOKEN": token, "PATH": "/usr/bin:/bin"}
        result = subprocess.run([shutil.which("python3") or "python3", "-"], input=python, cwd=tmp_path,
                                env=env, capture_output=True, text=True, timeout=60)
    finally:
        server.shutdown()
    return result, _Notes.calls


NOTES = "/api/v4/projects/42/merge_requests/7/notes"


def test_the_gitlab_script_updates_its_own_note(tmp_path):
    notes = [{"id": 1, "body": "Looks good"}, {"id": 2, "body": "thanks"}, {"id": 9, "body": CHANGED}]
    result, calls = _run_gitlab_script(tmp_path, UNCHANGED, notes)
    assert result.returncode == 0, result.stderr
    assert calls == [("GET", NOTES, 1), ("GET", NOTES, 2), ("PUT", f"{NOTES}/9", UNCHANGED)]


def test_the_gitlab_script_adds_a_note_only_for_changes(tmp_path):
    result, calls = _run_gitlab_script(tmp_path, CHANGED, [{"id": 1, "body": "hi"}])
    assert result.returncode == 0, result.stderr
    assert calls == [("GET", NOTES, 1), ("POST", NOTES, CHANGED)]
    result, calls = _run_gitlab_script(tmp_path, UNCHANGED, [])
    assert result.returncode == 0 and calls == [("GET", NOTES, 1)]


def test_the_gitlab_script_says_what_is_missing_without_a_token(tmp_path):
    result, calls = _run_gitlab_script(tmp_path, CHANGED, [], token="")
    assert result.returncode == 1 and calls == []
    assert "CJM_GITLAB_TOKEN is not set" in result.stderr
