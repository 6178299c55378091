"""Publish an edition: an immutable, checked copy of the report under ``site/``.

``python -m analysis publish PAPER [--draft] [--no-pdf]``:

1. reads the paper file; refuses (exit 2) an edition already in the site, a
   working tree with uncommitted changes (unless ``--draft``), a
   ``previous_edition`` not in the site, and a PDF without Chromium;
2. builds the book as ``build`` does, into a temporary folder inside
   ``site/`` (never over ``book/_build``), with a footer giving the edition,
   the data and the commit, a "Provenance" page and, when there is an earlier
   edition, a "What changed" page comparing key figures;
3. prints the PDFs (the whole book, and the opening page alone for the
   committee paper) with headless Chromium;
4. runs the publish gate (:mod:`analysis.publish.gate`) over every output: an
   identifier from the child-level data or an unsuppressed small count blocks
   the publish (exit 2) with a report of where, never of what;
5. renames the finished edition into ``site/<version>/`` (or
   ``site/drafts/<version>-draft-<commit>/``), then replaces ``site/latest``
   (a copy of the newest edition, swapped in atomically) and rewrites the
   versions page ``site/index.html``.

Until the rename in step 5 nothing in ``site/`` changes: a failure, a crash or
Ctrl-C leaves every earlier edition, ``latest`` and the index as they were.

An edition folder holds the HTML book (``index.html``), ``report.pdf``,
``committee-paper.pdf``, ``notebooks/`` (the executed notebooks),
``key-figures.json``, ``provenance.json``, ``paper.json`` and, from the
second edition on, ``what-changed.json``.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import html
import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis.build import provenance
from analysis.build.pipeline import BUILD_ROOT, CACHE_DIR, BuildOptions, Page, build, owner_running
from analysis.errors import InputError
from analysis.paper import REPO_ROOT, Paper
from analysis.publish import editions, gate, pdf

#: Where editions are published.
SITE_ROOT = REPO_ROOT / "site"

#: The copy of the newest edition.
LATEST = "latest"

#: Where drafts go, inside the site.
DRAFTS = "drafts"


class PublishRefused(InputError):
    """Publishing was refused: the message says why; nothing in the site changed (exit 2)."""


@dataclass
class PublishResult:
    """What a publish produced."""

    version: str
    path: Path
    draft: bool
    previous: str | None
    pdf_pages: int | None
    seconds: float
    scanned: int


# --------------------------------------------------------------------------- the site


def published_editions(site: Path) -> dict[str, Path]:
    """Published (not draft) editions in ``site``: version -> folder, oldest first."""
    if not site.is_dir():
        return {}
    found = {
        p.name: p
        for p in site.iterdir()
        if p.is_dir() and editions.is_version(p.name) and (p / "provenance.json").is_file()
    }
    return dict(sorted(found.items(), key=lambda kv: editions.sort_key(kv[0])))


def drafts(site: Path) -> dict[str, Path]:
    """Drafts in ``site/drafts``: name -> folder, oldest first."""
    folder = site / DRAFTS
    if not folder.is_dir():
        return {}
    found = [p for p in folder.iterdir() if p.is_dir() and (p / "provenance.json").is_file()]
    return {p.name: p for p in sorted(found, key=lambda p: p.stat().st_mtime)}


def _read_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    res = renameat2(at_fdcwd, os.fsencode(str(a)), at_fdcwd, os.fsencode(str(b)), rename_exchange)
    return res == 0


def _replace_dir(new: Path, current: Path) -> None:
    """Put the folder ``new`` in place of ``current`` (atomically where the system allows)."""
    if current.is_symlink() or current.is_file():
        current.unlink()
    if current.exists():
        if _exchange(new, current):
            shutil.rmtree(new)
            return
        old = current.with_name(f".old-{current.name}-{os.getpid()}")
        os.replace(current, old)
        os.replace(new, current)
        shutil.rmtree(old)
    else:
        os.replace(new, current)


def update_latest(site: Path) -> str | None:
    """Make ``site/latest`` a copy of the newest published edition; returns its version."""
    found = published_editions(site)
    if not found:
        return None
    newest = list(found)[-1]
    latest = site / LATEST
    if _read_json(latest / "provenance.json").get("version") == newest and not latest.is_symlink():
        return newest
    tmp = site / f".latest-{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    shutil.copytree(found[newest], tmp, symlinks=False)
    _replace_dir(tmp, latest)
    return newest


def _esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _edition_row(name: str, folder: Path, href: str, latest: str | None) -> str:
    prov = _read_json(folder / "provenance.json")
    params = prov.get("paper", {}).get("parameters", {})
    files = [f'<a href="{href}/index.html">Read online</a>']
    for fname, label in (
        ("report.pdf", "PDF"),
        ("committee-paper.pdf", "Committee paper PDF"),
        ("key-figures.json", "Key figures (JSON)"),
        ("provenance.json", "Provenance (JSON)"),
    ):
        if (folder / fname).is_file():
            files.append(f'<a href="{href}/{fname}">{label}</a>')
    tag = " <strong>(latest)</strong>" if name == latest else ""
    commit = prov.get("git", {}).get("short", "unknown")
    built = str(prov.get("built_at", ""))[:10]
    meeting = params.get("meeting_date", "")
    return (
        "<tr>"
        f'<th scope="row"><a href="{href}/index.html">{_esc(name)}</a>{tag}</th>'
        f"<td>{_esc(params.get('title', ''))}<br>{_esc(params.get('committee', ''))}, meeting of {_esc(meeting)}</td>"
        f"<td>Year ending 31 March {_esc(params.get('year', ''))}; DfE release {_esc(prov.get('data_vintage', ''))}</td>"
        f"<td><code>{_esc(commit)}</code></td>"
        f"<td>{_esc(built)}</td>"
        f"<td>{' · '.join(files)}</td>"
        "</tr>"
    )


def index_html(site: Path) -> str:
    """The versions page: every published edition (newest first), then any drafts."""
    found = published_editions(site)
    latest = list(found)[-1] if found else None
    head = (
        '<tr><th scope="col">Edition</th><th scope="col">Paper</th><th scope="col">Data</th>'
        '<th scope="col">Commit</th><th scope="col">Built</th><th scope="col">Files</th></tr>'
    )
    rows = [_edition_row(v, p, v, latest) for v, p in reversed(list(found.items()))]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>Children in care: published editions</title>",
        "<style>",
        "body{font-family:Arial,Helvetica,sans-serif;color:#1a1a1a;background:#fff;max-width:72rem;margin:2rem auto;"
        "padding:0 1rem;line-height:1.5}",
        "a{color:#0b4f8a}a:focus{outline:3px solid #ffbf47;outline-offset:2px}",
        "table{border-collapse:collapse;width:100%}caption{text-align:left;font-weight:700;padding:.5rem 0}",
        "th,td{text-align:left;vertical-align:top;padding:.4rem .6rem;border-bottom:1px solid #b1b4b6}",
        ".draft{color:#8b0000;font-weight:700}",
        "</style>",
        "</head>",
        "<body>",
        "<main>",
        "<h1>Children in care: published editions</h1>",
        "<p>Each edition of the report is kept here unchanged. Editions are numbered YYYY.N: the year of the "
        "committee cycle and a running number. Every page of an edition says its edition, its data and the "
        "commit of the code that produced it; its Provenance page and <code>provenance.json</code> say "
        "exactly what went in.</p>",
    ]
    if latest:
        parts.append(f'<p><a href="{LATEST}/index.html">Read the latest edition ({_esc(latest)})</a></p>')
    else:
        parts.append("<p>No edition has been published yet.</p>")
    if rows:
        parts += [
            "<table>",
            "<caption>Published editions, newest first</caption>",
            f"<thead>{head}</thead>",
            "<tbody>",
            *rows,
            "</tbody>",
            "</table>",
        ]
    found_drafts = drafts(site)
    if found_drafts:
        drows = [_edition_row(n, p, f"{DRAFTS}/{n}", None) for n, p in reversed(list(found_drafts.items()))]
        parts += [
            "<h2>Drafts</h2>",
            '<p class="draft">Drafts are not for circulation: they may come from '
            "uncommitted code and every page is marked DRAFT.</p>",
            "<table>",
            "<caption>Drafts, newest first</caption>",
            f"<thead>{head}</thead>",
            "<tbody>",
            *drows,
            "</tbody>",
            "</table>",
        ]
    parts += ["</main>", "</body>", "</html>", ""]
    return "\n".join(parts)


def write_index(site: Path) -> Path:
    """Rewrite ``site/index.html`` (atomically)."""
    out = site / "index.html"
    tmp = site / f".index-{os.getpid()}.html"
    tmp.write_text(index_html(site), encoding="utf-8")
    os.replace(tmp, out)
    return out


# --------------------------------------------------------------------------- what changed


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            out.update(_flatten(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    return {prefix: value}


def compare(
    previous: dict[str, Any], prev_figures: dict[str, Any], current: dict[str, Any], figures: dict[str, Any]
) -> dict[str, Any]:
    """What changed between two editions: code, data, parameters and every key figure."""
    pg, cg = previous.get("git", {}), current.get("git", {})
    code_changed = pg.get("commit") != cg.get("commit") or bool(pg.get("dirty")) or bool(cg.get("dirty"))
    before = {r["path"]: r["sha256"] for r in previous.get("inputs", [])}
    after = {r["path"]: r["sha256"] for r in current.get("inputs", [])}
    files = {
        "changed": sorted(p for p in before.keys() & after.keys() if before[p] != after[p]),
        "added": sorted(after.keys() - before.keys()),
        "removed": sorted(before.keys() - after.keys()),
    }
    pp = _flatten(previous.get("paper", {}).get("parameters", {}))
    cp = _flatten(current.get("paper", {}).get("parameters", {}))
    params = [
        {"field": k, "previous": pp.get(k), "current": cp.get(k)}
        for k in sorted(pp.keys() | cp.keys())
        if k != "edition" and pp.get(k) != cp.get(k)
    ]
    rows = []
    for name in sorted(prev_figures.keys() | figures.keys()):
        old, new = prev_figures.get(name, {}), figures.get(name, {})
        ov, nv = old.get("value"), new.get("value")
        if name not in prev_figures:
            change = "new"
        elif name not in figures:
            change = "no longer reported"
        elif isinstance(ov, (int, float)) and isinstance(nv, (int, float)) and not isinstance(ov, bool):
            diff = nv - ov
            change = round(diff, 6) if isinstance(diff, float) else diff
        else:
            change = "same" if ov == nv else "changed"
        rows.append(
            {
                "name": name,
                "label": (new or old).get("label", ""),
                "unit": (new or old).get("unit", ""),
                "previous": ov,
                "current": nv,
                "change": change,
            }
        )
    return {
        "previous_edition": previous.get("version"),
        "previous_built_at": previous.get("built_at"),
        "code": {
            "changed": code_changed,
            "previous_commit": pg.get("commit"),
            "commit": cg.get("commit"),
            "previous_dirty": bool(pg.get("dirty")),
            "dirty": bool(cg.get("dirty")),
        },
        "data": {"changed": any(files.values()), "files": files},
        "parameters": {"changed": bool(params), "fields": params},
        "key_figures": rows,
    }


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return str(value).replace("|", "\\|")


def _fmt_change(change: Any) -> str:
    if isinstance(change, (int, float)) and not isinstance(change, bool):
        return "no change" if change == 0 else ("+" if change > 0 else "−") + _fmt(abs(change))
    return str(change)


def _cell(value) -> str:
    """A parameter's value for a Markdown table cell."""
    return "–" if value is None else str(value).replace("|", "\\|")


def changes_markdown(diff: dict[str, Any]) -> str:
    """The book's "What changed" page."""
    prev = diff["previous_edition"]
    code, data, params = diff["code"], diff["data"], diff["parameters"]

    def short(commit):
        return (commit or "unknown")[:7]

    if code["changed"]:
        code_text = f"**changed**: commit `{short(code['previous_commit'])}` → `{short(code['commit'])}`" + (
            " (with uncommitted changes)" if code["dirty"] or code["previous_dirty"] else ""
        )
    else:
        code_text = f"unchanged (commit `{short(code['commit'])}`)"
    if data["changed"]:
        n = sum(len(v) for v in data["files"].values())
        data_text = f"**changed**: {n} input file(s) differ (SHA-256)"
    else:
        data_text = "unchanged (every input file has the same SHA-256)"
    param_text = "**changed**" if params["changed"] else "unchanged (apart from the edition)"
    lines = [
        f"# What changed since edition {prev}",
        "",
        f"This edition is compared with edition {prev} (built {str(diff['previous_built_at'])[:10]}).",
        "",
        f"- **Code:** {code_text}",
        f"- **Data:** {data_text}",
        f"- **Parameters:** {param_text}",
        "",
    ]
    if data["changed"]:
        lines += ["## Input files that differ", ""]
        for kind in ("changed", "added", "removed"):
            lines += [f"- `{p}` ({kind})" for p in data["files"][kind][:50]]
        lines.append("")
    if params["changed"]:
        lines += ["## Parameters that differ", "", f"| Parameter | Edition {prev} | This edition |", "|---|---|---|"]
        lines += [f"| `{p['field']}` | {_cell(p['previous'])} | {_cell(p['current'])} |" for p in params["fields"]]
        lines.append("")
    lines += [
        "## Key figures",
        "",
        f"Every number quoted in the report, in edition {prev} and in this edition.",
        "",
        f"| Key figure | Unit | Edition {prev} | This edition | Change |",
        "|---|---|---:|---:|---|",
    ]
    for row in diff["key_figures"]:
        label = str(row["label"]).replace("|", "\\|")
        lines.append(
            f"| {label} (`{row['name']}`) | {row['unit']} | {_fmt(row['previous'])} | "
            f"{_fmt(row['current'])} | {_fmt_change(row['change'])} |"
        )
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- publishing


#: Work files a publish makes in the site and renames or removes when done, named after its process id.
STAGING_PATTERNS = (".staging-*", ".latest-*", ".index-*", ".old-*")


def clear_stale_staging(site: Path, log: Callable[[str], None] = print) -> tuple[list[str], list[str]]:
    """Remove the work files of publishes that stopped (killed, crashed) from ``site``; report the others.

    A publish works in ``site/.staging-<pid>`` (and briefly ``.latest-<pid>``, ``.index-<pid>.html``,
    ``.old-latest-<pid>``) and removes them when it ends; a publish killed with ``kill -9`` cannot. The
    next publish removes those whose process is gone and reports, and leaves alone, those of a publish
    still running. Editions, ``latest`` and the index are never touched.

    Returns
    -------
    (removed, kept)
        The names removed and the names kept (their process is running).
    """
    removed, kept = [], []
    for stale in sorted({p for pattern in STAGING_PATTERNS for p in site.glob(pattern)}):
        pid = stale.name.rsplit("-", 1)[-1].split(".")[0]
        try:
            changed = stale.lstat().st_mtime
        except OSError:
            continue
        if owner_running(pid, changed):
            kept.append(stale.name)
            log(f"      {stale.name}: left by process {pid}, still running (another publish?); ignored")
            continue
        if stale.is_dir() and not stale.is_symlink():
            shutil.rmtree(stale, ignore_errors=True)
        else:
            stale.unlink(missing_ok=True)
        removed.append(stale.name)
        log(f"      removed {stale.name}, left by a publish that stopped (its process, {pid}, is no longer running)")
    return removed, kept


def _previous(site: Path, paper: Paper, named: str | None, version: str) -> str | None:
    found = published_editions(site)
    if named is not None:
        if named not in found:
            listed = ", ".join(found) or "none"
            raise PublishRefused(
                f"previous_edition: {named} is not published in {provenance.display_path(site)} "
                f"(published editions: {listed}); name one of those, or remove previous_edition to compare "
                "with the newest earlier edition"
            )
        if named == version:
            raise PublishRefused(f"previous_edition: {named} is this edition itself")
        return named
    earlier = [v for v in found if editions.sort_key(v) < editions.sort_key(paper.edition)]
    return earlier[-1] if earlier else None


def _draft_name(site: Path, edition: str, short: str) -> str:
    base = f"{edition}-draft-{short}"
    name, n = base, 1
    while (site / DRAFTS / name).exists():
        n += 1
        name = f"{base}.{n}"
    return name


def _target(site: Path, paper, git, draft: bool) -> tuple[str, Path]:
    """The version and folder of this publish; refuse an existing edition or a dirty tree (not a draft)."""
    if draft:
        version = _draft_name(site, paper.edition, git.short)
        target = site / DRAFTS / version
    else:
        version, target = paper.edition, site / paper.edition
        if target.exists():
            raise PublishRefused(
                f"edition {version} is already published ({provenance.display_path(target)}); an edition is "
                "never overwritten. Give the paper file a new edition (e.g. "
                f"{_next_version(version)}), or publish a draft with --draft"
            )
        if git.dirty:
            shown = ", ".join(git.changes[:8]) + (" ..." if len(git.changes) > 8 else "")
            raise PublishRefused(
                f"the working tree has uncommitted changes ({shown}); an edition must come from a commit. "
                "Commit them, or publish a draft with --draft"
            )
    return version, target


def _chromium() -> str:
    """Chromium for the PDFs, or refuse the publish saying how to install it."""
    chromium = pdf.find_chromium()
    if chromium is None:
        raise PublishRefused(
            "Chromium is needed to print the PDF and was not found (looked for $CHROMIUM, "
            f"{', '.join(pdf.CANDIDATES)}). Install it (Debian: apt-get install chromium, or `make chromium` "
            "as root), or publish the HTML only with --no-pdf"
        )
    return chromium


def publish(  # long: one try/finally around every step, so a failure anywhere leaves the site unchanged
    paper_path: str | Path,
    *,
    site: Path = SITE_ROOT,
    draft: bool = False,
    with_pdf: bool = True,
    log: Callable[[str], None] = print,
    cache_dir: Path | None = CACHE_DIR,
) -> PublishResult:
    """Build, check and publish one edition of the report into ``site`` (see the module docstring).

    Raises
    ------
    PublishRefused
        The edition exists, the tree is dirty (not a draft), the named previous
        edition is not in the site, Chromium is missing for the PDF, or the
        publish gate found identifiers or small counts. Nothing in the site changed.
    InputError, BuildError
        As for :func:`analysis.build.pipeline.build`. Nothing in the site changed.
    """
    start = time.perf_counter()
    site = Path(site).resolve()
    paper, extras, paper_file = editions.read_paper(paper_path)
    git = provenance.git_state()
    version, target = _target(site, paper, git, draft)
    previous = _previous(site, paper, extras.get("previous_edition"), version)
    chromium = _chromium() if with_pdf else None
    child_folder = _child_folder(paper)

    prev_prov = _read_json(site / previous / "provenance.json") if previous else {}
    prev_figs = _read_json(site / previous / "key-figures.json") if previous else {}
    diff_box: dict[str, Any] = {}

    def extra_pages(figures: dict[str, Any], prov: dict[str, Any]) -> list[Page]:
        if not previous:
            return []
        diff_box.update(compare(prev_prov, prev_figs, prov, figures))
        return [Page("changes", changes_markdown(diff_box))]

    log(
        f"Publishing {'draft ' if draft else 'edition '}{version} of {paper.title}"
        + (f" (compared with edition {previous})" if previous else " (no earlier edition to compare with)")
    )
    site.mkdir(parents=True, exist_ok=True)
    clear_stale_staging(site, log)
    work = site / f".staging-{os.getpid()}"
    if work.exists():
        shutil.rmtree(work)
    work.mkdir()
    try:
        result = build(
            paper_path,
            out_root=work / "build",
            log=log,
            options=BuildOptions(
                draft=draft, version=version, cache_dir=cache_dir, paper_file=paper_file, extra_pages=extra_pages
            ),
        )
        edition = work / "edition"
        os.replace(result.html_dir, edition)
        os.replace(result.executed_dir, edition / "notebooks")
        pages = None
        if chromium:
            log("Printing the PDFs with headless Chromium ...")
            t = time.perf_counter()
            # one Chromium prints every page; the opening page's own PDF is the committee paper
            pages = pdf.book_pdf(chromium, edition, edition / "report.pdf", opening=edition / "committee-paper.pdf")
            intro = pdf.pdf_page_count(edition / "committee-paper.pdf")
            log(
                f"      report.pdf: {pages} pages; committee-paper.pdf: {intro} page(s); {time.perf_counter() - t:.1f} s"
            )
        if previous:
            (edition / "what-changed.json").write_text(json.dumps(diff_box, indent=2, sort_keys=True) + "\n")

        log("Publish gate: scanning every output for child identifiers and unsuppressed small counts ...")
        idents = gate.identifiers(child_folder) if child_folder else gate.Identifiers()
        allowed = gate.allowed_dates(paper.parameters(), dt.datetime.now(dt.UTC).date())
        allowed |= gate.allowed_dates(prev_prov.get("paper", {}).get("parameters", {}))
        for stamp in (result.provenance.get("built_at"), prev_prov.get("built_at")):
            if stamp:
                allowed.add(dt.date.fromisoformat(str(stamp)[:10]))
        scanned = len(gate._files(edition))
        hits = gate.check(edition, idents, allowed_dates=allowed)
        if hits:
            raise PublishRefused(
                f"the publish gate blocked edition {version}: outputs hold what could identify a child or "
                f"unsuppressed small counts. Nothing was published.\n{gate.report(hits)}"
            )
        log(f"      {scanned} files scanned: no identifiers, no unsuppressed small counts")

        prov = result.provenance
        prov["publish"] = {
            "version": version,
            "draft": draft,
            "previous_edition": previous,
            "pdf": sorted(p.name for p in edition.glob("*.pdf")),
            "gate": {
                "passed": True,
                "files_scanned": scanned,
                "identifier_kinds": [
                    k
                    for k, v in zip(
                        gate.KINDS, (idents.child_ids, idents.upns, idents.dates_of_birth, idents.postcodes)
                    )
                    if v
                ],
            },
        }
        (edition / "provenance.json").write_text(json.dumps(prov, indent=2, sort_keys=True) + "\n")

        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():  # published by someone else meanwhile
            raise PublishRefused(f"{provenance.display_path(target)} appeared while building; not overwritten")
        os.rename(edition, target)
        log(f"Published {provenance.display_path(target)}")
        if not draft:
            newest = update_latest(site)
            log(f"      {LATEST}/ is edition {newest}")
        write_index(site)
        log(f"      versions page: {provenance.display_path(site / 'index.html')}")
    finally:
        failed = work / "build" / "failed"
        if failed.exists():  # a failed build, kept for inspection outside the site
            keep = BUILD_ROOT / "failed-publish"
            shutil.rmtree(keep, ignore_errors=True)
            keep.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(failed), str(keep))
            log(f"      the failed build is kept in {provenance.display_path(keep)}; the site is unchanged")
        shutil.rmtree(work, ignore_errors=True)
    return PublishResult(
        version=version,
        path=target,
        draft=draft,
        previous=previous,
        pdf_pages=pages,
        seconds=time.perf_counter() - start,
        scanned=scanned,
    )


def _child_folder(paper: Paper) -> Path | None:
    from analysis.sources.ssda903.context import folder

    path = folder(paper)
    return path if path is not None and path.exists() else None


def _next_version(version: str) -> str:
    year, _, rest = version.partition(".")
    number = rest.split(".")[0].split("-")[0]
    return f"{year}.{int(number) + 1}" if number.isdigit() else version
