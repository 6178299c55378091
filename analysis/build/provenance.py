"""Provenance: exactly what produced an edition of the report.

The build records, in ``provenance.json`` and on the book's "Provenance" page:
the commit and whether the working tree had uncommitted changes, the
``uv.lock`` checksum, Python and the key packages' versions, the paper file and
its parameters, every input file with its SHA-256 and where it came from (from
``data/published/manifest.json`` and the SSDA903 folder's ``manifest.json``),
each notebook's execution (run or reused from the cache, how long it took),
whether the child-level returns were checked against the authority's published
figures (``data.check_authority``), and when it was built. The build time lives here only: key figures and chart
data carry no timestamp, so two builds of the same inputs give the same
numbers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import platform
import subprocess
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from analysis.chapters import child_level
from analysis.paper import REPO_ROOT, Paper

#: Packages whose versions every edition records.
KEY_PACKAGES = (
    "jupyter-book",
    "sphinx",
    "myst-nb",
    "papermill",
    "pandas",
    "numpy",
    "scipy",
    "statsmodels",
    "plotly",
    "pydantic",
    "nbformat",
)


@dataclass(frozen=True)
class GitState:
    """The commit the working tree is on, and whether it has uncommitted changes."""

    commit: str | None
    dirty: bool
    changes: tuple[str, ...] = ()

    @property
    def short(self) -> str:
        """The abbreviated commit (7 characters), or ``unknown`` outside git."""
        return self.commit[:7] if self.commit else "unknown"


def git_state(root: Path = REPO_ROOT) -> GitState:
    """The repository's HEAD commit and uncommitted changes (tracked or untracked, not ignored).

    Outside a git repository (or without git) the commit is None and the tree
    counts as dirty: nothing can say what code built it.
    """
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True)
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=normal"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return GitState(None, True, ("not a git repository",))
    changes = tuple(line[3:] for line in status.stdout.splitlines() if line.strip())
    return GitState(head.stdout.strip(), bool(changes), changes)


def sha256_file(path: Path) -> str:
    """SHA-256 of a file's bytes, as hex."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def files_under(folder: Path) -> list[Path]:
    """Every file under ``folder``, sorted, skipping hidden files and caches."""
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and not any(part.startswith(".") or part == "__pycache__" for part in p.relative_to(folder).parts)
    )


def display_path(path: Path) -> str:
    """A path relative to the repository when inside it, else absolute."""
    path = Path(path)
    return path.relative_to(REPO_ROOT).as_posix() if path.is_relative_to(REPO_ROOT) else str(path)


def package_versions() -> dict[str, str]:
    """Installed versions of :data:`KEY_PACKAGES`."""
    out = {}
    for name in KEY_PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def ssda903_folder(paper: Paper) -> Path | None:
    """The paper's SSDA903 folder when one of its chapters reads child-level data, else None."""
    if not child_level(paper.chapters):
        return None
    from analysis.sources.ssda903.context import folder

    return folder(paper)


def _json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def input_files(paper: Paper) -> list[dict[str, Any]]:
    """Every input file the paper's build reads, with its SHA-256, size and source."""
    records: list[dict[str, Any]] = []
    published = paper.published_dir()
    manifest = _json(published / "manifest.json")
    outputs = manifest.get("outputs", {}) if isinstance(manifest.get("outputs"), dict) else {}
    n_sources = len(manifest.get("sources", []))
    for path in files_under(published):
        rel = path.relative_to(published).as_posix()
        digest = sha256_file(path)
        if rel == "manifest.json":
            source = "the data manifest: every release and source file used (python -m analysis data refresh)"
            matches = None
        elif rel in outputs:
            source = (
                f"derived by python -m analysis data refresh from {n_sources} published DfE/ONS/Ofsted "
                f"files listed in the manifest ({manifest.get('title', 'published figures')})"
            )
            matches = outputs[rel].get("sha256") == digest
        else:
            source = "not listed in the data manifest"
            matches = None
        records.append(
            {
                "path": display_path(path),
                "group": "published",
                "bytes": path.stat().st_size,
                "sha256": digest,
                "source": source,
                "manifest_sha256_matches": matches,
            }
        )
    child = ssda903_folder(paper)
    if child is not None and child.exists():
        cmanifest = _json(child / "manifest.json")
        files = cmanifest.get("files", {}) if isinstance(cmanifest.get("files"), dict) else {}
        synthetic = (child / "SYNTHETIC").exists() or bool(cmanifest.get("synthetic"))
        params = cmanifest.get("parameters", {})
        if synthetic:
            how = (
                f"SYNTHETIC: made up by python -m analysis synth --la {params.get('la', '?')} --years "
                f"{'-'.join(str(y) for y in params.get('years', []))} --seed {params.get('seed', '?')} "
                f"(generator version {params.get('generator_version', '?')})"
            )
        else:
            how = "the authority's SSDA903 returns (child-level; never published)"
        for path in files_under(child):
            rel = path.relative_to(child).as_posix()
            digest = sha256_file(path)
            records.append(
                {
                    "path": display_path(path),
                    "group": "ssda903",
                    "bytes": path.stat().st_size,
                    "sha256": digest,
                    "source": how if rel not in ("manifest.json", "SYNTHETIC", "README.md") else f"{how}; folder notes",
                    "manifest_sha256_matches": (files[rel] == digest) if rel in files else None,
                }
            )
    return records


def upstream_sources(paper: Paper) -> list[dict[str, Any]]:
    """The raw published files the committed table was derived from (from the data manifest)."""
    manifest = _json(paper.published_dir() / "manifest.json")
    return [
        {k: src.get(k) for k in ("path", "release", "publisher", "bytes", "sha256")}
        for src in manifest.get("sources", [])
        if isinstance(src, dict)
    ]


def data_vintage(paper: Paper) -> str:
    """The newest DfE release in the published data (e.g. ``2025 EES dashboard``)."""
    manifest = _json(paper.published_dir() / "manifest.json")
    releases = [r for r in manifest.get("releases", []) if isinstance(r, dict)]
    dfe = [r for r in releases if r.get("publisher") == "Department for Education"] or releases
    if not dfe:
        return "unknown"
    newest = max(dfe, key=lambda r: (r.get("precedence", 0), r.get("release_year", 0)))
    return str(newest.get("name", "unknown"))


def now() -> str:
    """The current time in UTC, ISO 8601, to the second."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def collect(
    paper: Paper,
    *,
    git: GitState,
    notebooks: list[dict[str, Any]],
    version: str,
    draft: bool,
    built_at: str,
    paper_file: Path | None = None,
) -> dict[str, Any]:
    """The provenance record of one build (what ``provenance.json`` holds)."""
    lock = REPO_ROOT / "uv.lock"
    return {
        "edition": paper.edition,
        "version": version,
        "draft": draft,
        "built_at": built_at,
        "git": {"commit": git.commit, "short": git.short, "dirty": git.dirty, "changes": list(git.changes[:100])},
        "environment": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "uv_lock_sha256": sha256_file(lock) if lock.exists() else None,
            "packages": package_versions(),
        },
        "paper": {
            "file": display_path(paper_file) if paper_file else None,
            "sha256": sha256_file(paper_file) if paper_file and Path(paper_file).is_file() else None,
            "parameters": paper.parameters(),
        },
        "data_vintage": data_vintage(paper),
        "inputs": input_files(paper),
        "upstream_sources": upstream_sources(paper),
        "notebooks": notebooks,
        "authority_check": authority_check(paper),
    }


def authority_check(paper: Paper) -> dict[str, Any] | None:
    """Whether the child-level returns were checked as the authority's (None when the paper reads none).

    ``{"checked": bool, "note": str}``: the note says in plain English what was done; with
    ``data.check_authority: false`` it says the check was switched off by the paper.
    """
    if ssda903_folder(paper) is None:
        return None
    if paper.data.check_authority:
        note = (
            "the child-level returns were checked against the authority's published counts of children "
            "looked after at 31 March (a SYNTHETIC folder, against the authority its manifest names)"
        )
    else:
        note = (
            "switched off by the paper file (data.check_authority: false): the child-level returns were not "
            "checked against the authority's published counts of children looked after at 31 March; a "
            "SYNTHETIC folder was still checked against the authority its manifest names"
        )
    return {"checked": bool(paper.data.check_authority), "note": note}


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def markdown(prov: dict[str, Any]) -> str:
    """The book's "Provenance" page for a provenance record."""
    git = prov["git"]
    env = prov["environment"]
    commit = git["commit"] or "unknown (not built from a git repository)"
    lines = [
        "# Provenance",
        "",
        "Exactly what produced this edition: the code, the software, the parameters and every input file. "
        "The same record is published as `provenance.json` beside the report.",
        "",
        f"- **Edition:** {prov['edition']}"
        + (f" (version {prov['version']})" if prov["version"] != prov["edition"] else ""),
    ]
    if prov.get("draft"):
        lines.append("- **Status:** DRAFT, not for circulation")
    lines += [
        f"- **Built:** {prov['built_at']}",
        f"- **Commit:** `{commit}`" + (" with uncommitted changes" if git["dirty"] else ""),
        f"- **Data vintage:** DfE release {prov['data_vintage']}",
    ]
    check = prov.get("authority_check")
    if check:
        shown = "checked" if check["checked"] else "**not checked**"
        lines.append(f"- **Authority check:** {shown}; {_cell(check['note'])}")
    lines += [
        f"- **Python:** {env['python']}; **uv.lock** SHA-256 `{env['uv_lock_sha256']}`",
        "",
        "## Notebooks",
        "",
        "A notebook is executed again only when its source, the paper's parameters, the data or the analysis "
        "code changed; otherwise its last execution with the same inputs is reused.",
        "",
        "| Notebook | Status | Seconds | Executed at |",
        "|---|---|---:|---|",
    ]
    for nb in prov["notebooks"]:
        lines.append(f"| `{nb['notebook']}` | {nb['status']} | {nb['seconds']:.1f} | {nb['executed_at']} |")
    lines += ["", "## Software", "", "| Package | Version |", "|---|---|"]
    lines += [f"| {name} | {version} |" for name, version in env["packages"].items()]
    paper = prov["paper"]
    lines += ["", "## Parameters", ""]
    if paper.get("file"):
        lines.append(f"Paper file `{paper['file']}` (SHA-256 `{paper['sha256']}`):")
        lines.append("")
    lines += ["```json", json.dumps(paper["parameters"], indent=2, sort_keys=True), "```", ""]
    match_text = {True: "yes", False: "**no**", None: "–"}
    for group, title in (("published", "Published figures"), ("ssda903", "Child-level returns (SSDA903)")):
        records = [r for r in prov["inputs"] if r["group"] == group]
        if not records:
            continue
        sources = sorted({r["source"] for r in records})
        lines += [f"## Input files: {title.lower()}", ""]
        if group == "ssda903":
            lines += [f"Source: {_cell(min(sources, key=len))}.", ""]
        lines += [
            "| File | Bytes | SHA-256 | Matches manifest |" + (" Source |" if group == "published" else ""),
            "|---|---:|---|---|" + ("---|" if group == "published" else ""),
        ]
        for rec in records:
            row = (
                f"| `{_cell(rec['path'])}` | {rec['bytes']:,} | `{rec['sha256'][:16]}…` | "
                f"{match_text[rec['manifest_sha256_matches']]} |"
            )
            lines.append(row + (f" {_cell(rec['source'])} |" if group == "published" else ""))
        lines.append("")
    lines += [
        "",
        f"The published table was derived from {len(prov['upstream_sources'])} source files, each listed "
        "with its checksum on the Data sources page.",
        "",
    ]
    return "\n".join(lines)
