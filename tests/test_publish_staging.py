"""A publish killed with ``kill -9`` leaves its work folder in the site; the next publish removes it.

Editions, ``latest`` and the versions page are never touched by the clean-up, and a work folder of a
publish that is still running is reported and left alone.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, clean_git, paper_file

from analysis.build import provenance
from analysis.publish import site as publish


def _tree(root: Path, *, hidden: bool = False) -> dict[str, str]:
    """Every file under ``root`` (relative path -> SHA-256), leaving out top-level dot entries unless ``hidden``."""
    out = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if path.is_file() and (hidden or not rel.parts[0].startswith(".")):
            out[rel.as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def _dead_pid() -> int:
    """The id of a process that has ended (and been reaped)."""
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def _a_site(root: Path) -> Path:
    """A site with one edition, ``latest`` and the versions page (the files a real publish leaves)."""
    for folder in ("2018.1", "latest"):
        (root / folder / "chapters").mkdir(parents=True)
        (root / folder / "provenance.json").write_text('{"version": "2018.1"}\n')
        (root / folder / "chapters" / "10_care_numbers.html").write_text("<html>edition</html>\n")
    (root / "index.html").write_text("<html>versions</html>\n")
    return root


def _litter(site: Path, pid: int) -> list[Path]:
    """What a publish killed at various moments leaves: its staging folder, a half-copied latest, a temp index."""
    staging = site / f".staging-{pid}"
    (staging / "build" / f".staging-{pid}" / "src").mkdir(parents=True)
    (staging / "build" / f".staging-{pid}" / "src" / "intro.md").write_text("# half built\n")
    (site / f".latest-{pid}").mkdir()
    (site / f".latest-{pid}" / "index.html").write_text("half copied\n")
    (site / f".index-{pid}.html").write_text("half written\n")
    (site / f".old-latest-{pid}").mkdir()
    return [staging, site / f".latest-{pid}", site / f".index-{pid}.html", site / f".old-latest-{pid}"]


def test_work_files_of_a_dead_publish_are_removed_and_the_editions_kept(tmp_path):
    site = _a_site(tmp_path / "site")
    before = _tree(site)
    pid = _dead_pid()
    left = _litter(site, pid)
    lines: list[str] = []
    removed, kept = publish.clear_stale_staging(site, lines.append)
    assert sorted(removed) == sorted(p.name for p in left) and kept == []
    assert not any(p.exists() for p in left)
    assert _tree(site, hidden=True) == before  # editions, latest and the index as they were
    assert (
        f"      removed .staging-{pid}, left by a publish that stopped (its process, {pid}, is no longer running)"
        in lines
    )


def test_work_folder_of_a_running_publish_is_reported_and_left_alone(tmp_path):
    site = _a_site(tmp_path / "site")
    running = subprocess.Popen(["sleep", "60"])
    try:
        time.sleep(0.1)
        staging = site / f".staging-{running.pid}"
        (staging / "build").mkdir(parents=True)  # made after the process started: it is that process's
        lines: list[str] = []
        removed, kept = publish.clear_stale_staging(site, lines.append)
        assert removed == [] and kept == [staging.name]
        assert staging.is_dir()
        assert lines == [
            f"      {staging.name}: left by process {running.pid}, still running (another publish?); ignored"
        ]
    finally:
        running.kill()
        running.wait()


def test_an_id_reused_by_a_newer_process_does_not_keep_the_litter(tmp_path):
    site = _a_site(tmp_path / "site")
    staging = site / ".staging-0"
    staging.mkdir()
    an_hour_ago = time.time() - 3600
    running = subprocess.Popen(["sleep", "60"])
    try:
        staging = staging.rename(site / f".staging-{running.pid}")
        os.utime(staging, (an_hour_ago, an_hour_ago))  # left an hour before this process started
        removed, kept = publish.clear_stale_staging(site, lambda line: None)
        assert removed == [staging.name] and kept == []
    finally:
        running.kill()
        running.wait()


def test_own_id_and_unparsable_names_count_as_stale(tmp_path):
    site = _a_site(tmp_path / "site")
    (site / f".staging-{os.getpid()}").mkdir()  # an earlier process with this id (containers reuse ids)
    (site / ".staging-x").mkdir()
    removed, _ = publish.clear_stale_staging(site, lambda line: None)
    assert sorted(removed) == sorted([f".staging-{os.getpid()}", ".staging-x"])


def _care_numbers(folder: Path, edition: str) -> Path:
    return paper_file(folder / edition, chapters=["care_numbers"], edition=edition)


@pytest.mark.build
def test_publish_killed_with_kill_9_then_the_next_publish_cleans_up(tmp_path, monkeypatch):
    """A real publish (the care-numbers chapter alone, to keep it short), a second one killed with SIGKILL
    once its staging folder exists, then a third: the litter goes, the first edition stays as it was."""
    site = tmp_path / "site"
    monkeypatch.setattr(provenance, "git_state", clean_git)
    publish.publish(_care_numbers(tmp_path, "2018.1"), site=site, with_pdf=False, log=lambda line: None)
    before = _tree(site)

    env = {**os.environ, "PYTHONPATH": str(REPO)}
    args = [sys.executable, "-m", "analysis", "publish", str(_care_numbers(tmp_path, "2018.2")), "--draft", "--no-pdf"]
    killed = subprocess.Popen(
        [*args, "--site", str(site)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    staging = site / f".staging-{killed.pid}"
    deadline = time.monotonic() + 180
    while not staging.exists() and killed.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    if killed.poll() is None:
        os.killpg(killed.pid, signal.SIGKILL)  # the publish and anything it started: no chance to tidy up
    killed.wait()
    assert staging.is_dir(), "the publish ended before its staging folder appeared"
    assert _tree(site) == before  # the killed publish changed no edition, latest or the index

    lines: list[str] = []
    publish.publish(_care_numbers(tmp_path, "2018.3"), site=site, with_pdf=False, log=lines.append)
    assert not staging.exists()
    assert any(f"removed .staging-{killed.pid}" in line for line in lines)
    assert not [p.name for p in site.iterdir() if p.name.startswith(".")]
    after = _tree(site)
    assert {k: v for k, v in after.items() if k.startswith("2018.1/")} == {
        k: v for k, v in before.items() if k.startswith("2018.1/")
    }
    assert (site / "latest" / "provenance.json").read_text() == (site / "2018.3" / "provenance.json").read_text()
