"""environment.yml mirrors pyproject.toml; the lock matches pyproject."""

import re
import tomllib

import yaml

from analysis.paper import REPO_ROOT


def _split(spec: str) -> tuple[str, str]:
    m = re.match(r"^([A-Za-z0-9_.\-]+)\s*(.*)$", spec.strip())
    return m.group(1).lower(), m.group(2).replace(" ", "")


def test_environment_yml_mirrors_pyproject():
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
    wanted = dict(_split(s) for s in project["project"]["dependencies"])
    wanted.update(_split(s) for s in project["dependency-groups"]["dev"])
    env = yaml.safe_load((REPO_ROOT / "environment.yml").read_text())
    conda = dict(_split(s) for s in env["dependencies"] if isinstance(s, str) and not s.startswith(("python=", "pip")))
    assert conda == wanted
    assert "python=3.11" in env["dependencies"]


def test_lock_covers_every_dependency():
    lock = (REPO_ROOT / "uv.lock").read_text()
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
    for spec in project["project"]["dependencies"] + project["dependency-groups"]["dev"]:
        name = _split(spec)[0]
        assert f'name = "{name}"' in lock, f"{name} is not in uv.lock: run `uv lock`"
