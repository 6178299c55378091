"""Shared fixtures."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


def default_paper(**changes) -> dict:
    """The default paper file's fields with ``changes`` applied (``"data.published"``-style dotted keys)."""
    import yaml

    from analysis.paper import DEFAULT_PAPER

    data = yaml.safe_load(DEFAULT_PAPER.read_text())
    for key, value in changes.items():
        if "." in key:
            outer, inner = key.split(".")
            data.setdefault(outer, {})[inner] = value
        else:
            data[key] = value
    return data


def run_cli(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    """Run ``python -m analysis ARGS`` as a user would; capture output."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "analysis", *args], cwd=cwd, capture_output=True, text=True, env=env)


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(
            f"the source data folder {SHARED_DATA} is absent (it sits beside the project on the build machines)"
        )
    return SHARED_DATA
