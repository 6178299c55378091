"""Child-level data in the build: refused when invalid, labelled SYNTHETIC, no identifiers published."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from analysis.paper import DEFAULT_PAPER, REPO_ROOT, load_paper
from analysis.publish import gate
from analysis.sources.ssda903.synth import DEFAULT_OUT

pytestmark = pytest.mark.build

HTML = REPO_ROOT / "book" / "_build" / "html"
EXECUTED = REPO_ROOT / "book" / "_build" / "executed"


def _paper(tmp_path: Path, folder: Path) -> Path:
    data = yaml.safe_load(DEFAULT_PAPER.read_text())
    data["data"]["ssda903"] = str(folder)
    path = tmp_path / "paper.yml"
    path.write_text(yaml.safe_dump(data))
    return path


def _snapshot() -> dict:
    return {p: p.stat().st_mtime_ns for p in HTML.rglob("*") if p.is_file()} if HTML.exists() else {}


def test_invalid_child_level_data_stops_the_build_with_exit_2(tmp_path, cli):
    folder = tmp_path / "returns"
    shutil.copytree(DEFAULT_OUT, folder)
    episodes = folder / "2017" / "episodes.csv"
    lines = episodes.read_text().splitlines()
    cells = lines[5].split(",")
    cells[5] = "ZZ"  # PLACE
    lines[5] = ",".join(cells)
    episodes.write_text("\n".join(lines) + "\n")
    before = _snapshot()
    result = cli("build", str(_paper(tmp_path, folder)))
    assert result.returncode == 2, result.stderr
    assert "failed validation, so nothing is built from it" in result.stderr
    assert re.search(r"2017/episodes.csv:6 child \d+ PLACE: .*'ZZ'.*\[invalid-place\]", result.stderr), result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert _snapshot() == before


def test_missing_child_level_folder_exits_2(tmp_path, cli):
    result = cli("build", str(_paper(tmp_path, tmp_path / "nowhere")))
    assert result.returncode == 2 and "data.ssda903" in result.stderr and "not found" in result.stderr


def test_no_child_identifier_reaches_a_page_or_executed_notebook(built):
    """The publish gate's scan (analysis.publish.gate) finds no child ID, DOB, UPN or postcode in the build."""
    assert list(HTML.rglob("*.html")), "build the book first (make test does)"
    idents = gate.identifiers(DEFAULT_OUT)
    assert idents.child_ids and idents.dates_of_birth and idents.upns and idents.postcodes
    allowed = gate.allowed_dates(load_paper(DEFAULT_PAPER).parameters())
    hits = gate.check(HTML, idents, allowed_dates=allowed) + gate.check(EXECUTED, idents, allowed_dates=allowed)
    assert not hits, gate.report(hits)


def test_pages_from_child_level_data_say_synthetic(built):
    page = (HTML / "chapters" / "90_data_quality.html").read_text()
    assert "SYNTHETIC DATA" in page
