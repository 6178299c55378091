"""Publishing editions: layout, footer, provenance, what changed, refusals, atomicity, PDF, determinism.

One publish of the default paper (HTML only) into a temporary site is shared by
these tests and tests/test_browser.py (the ``site`` fixture of conftest.py). The working
tree's git state is faked clean where an edition (not a draft) is published,
so the tests run on a developer's dirty tree too.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from pathlib import Path

import nbformat
import pytest
import yaml
from conftest import clean_git, edition_name, paper_file

from analysis.__main__ import main
from analysis.build import nbcache, pipeline, provenance
from analysis.build.notebooks import read_source, write_source
from analysis.paper import DEFAULT_PAPER, REPO_ROOT
from analysis.publish import gate
from analysis.publish import site as publish
from analysis.publish.editions import read_paper
from analysis.publish.pdf import find_chromium

pytestmark = pytest.mark.build

EDITION = edition_name()


# --------------------------------------------------------------------------- helpers


def digest(folder: Path) -> str:
    """Names and contents of every file under ``folder`` (symlinks as their target)."""
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        h.update(p.relative_to(folder).as_posix().encode())
        if p.is_symlink():
            h.update(str(p.readlink()).encode())
        elif p.is_file():
            h.update(p.read_bytes())
    return h.hexdigest()


def earlier_site(site: Path, dest: Path) -> Path:
    """A copy of the shared site in which the edition is renamed 2017.1 (an earlier edition)."""
    shutil.copytree(site, dest, symlinks=True)
    os.replace(dest / EDITION, dest / "2017.1")
    return dest


def run(argv: list[str], capsys, git: provenance.GitState | None = None, monkeypatch=None) -> tuple[int, str, str]:
    if git is not None:
        monkeypatch.setattr(provenance, "git_state", lambda root=REPO_ROOT: git)
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def chart_data(notebook: Path) -> list[str]:
    """Every plotly figure (``Plotly.newPlot(...)`` call) in a notebook's outputs, in order."""
    nb = nbformat.read(notebook, as_version=4)
    found = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            html = output.get("data", {}).get("text/html", "")
            html = "".join(html) if isinstance(html, list) else html
            found += re.findall(r"Plotly\.newPlot\(.*?\)\s*(?:;|\})", html, re.S)
    return found


# --------------------------------------------------------------------------- the edition


def test_edition_holds_html_notebooks_key_figures_and_provenance(site, edition):
    for name in (
        "index.html",
        "intro.html",
        "key-figures.json",
        "provenance.json",
        "paper.json",
        "provenance.html",
        "_static/plotly.min.js",
    ):
        assert (edition / name).is_file(), name
    notebooks = sorted(p.name for p in (edition / "notebooks").glob("*.ipynb"))
    assert notebooks and "10_care_numbers.ipynb" in notebooks
    assert not list(edition.glob("*.pdf")), "--no-pdf publishes no PDF"
    assert not (edition / "changes.html").exists(), "the first edition has nothing to compare with"
    assert not [p for p in site.iterdir() if p.name.startswith(".")], "no temporary folder left behind"


def test_latest_is_a_copy_of_the_newest_edition(site, edition):
    latest = site / "latest"
    assert latest.is_dir() and not latest.is_symlink()
    assert digest(latest) == digest(edition)


def test_versions_page_is_plain_offline_and_lists_the_edition(site):
    page = (site / "index.html").read_text()
    assert '<html lang="en">' in page and "<title>" in page and "<h1>" in page
    assert f'href="{EDITION}/index.html"' in page and 'href="latest/index.html"' in page
    assert '<th scope="col">Edition</th>' in page and "<caption>" in page
    assert "<script" not in page and "http" not in page


def test_every_page_footer_gives_edition_data_vintage_and_commit(edition):
    short = clean_git().short
    pages = sorted(p for p in edition.rglob("*.html") if "_static" not in p.parts)
    assert len(pages) >= 6
    for page in pages:
        text = page.read_text()
        if 'http-equiv="Refresh"' in text:
            continue
        footer = re.search(r'<p class="edition-footer">([^<]*)</p>', text)
        assert footer, f"{page.name} has no edition footer"
        assert re.fullmatch(
            rf"Edition {re.escape(EDITION)} · .* · data for the year ending 31 March \d{{4}}: DfE release .+ · "
            rf"commit {short}",
            footer.group(1),
        ), footer.group(1)


def test_provenance_json_records_code_software_parameters_inputs_and_notebooks(edition):
    prov = json.loads((edition / "provenance.json").read_text())
    assert prov["version"] == prov["edition"] == EDITION and prov["draft"] is False
    assert re.fullmatch(r"[0-9a-f]{40}", prov["git"]["commit"]) and prov["git"]["dirty"] is False
    assert prov["environment"]["uv_lock_sha256"] == provenance.sha256_file(REPO_ROOT / "uv.lock")
    assert set(prov["environment"]["packages"]) >= {
        "jupyter-book",
        "papermill",
        "pandas",
        "statsmodels",
        "plotly",
        "sphinx",
    }
    paper = yaml.safe_load(DEFAULT_PAPER.read_text())
    assert prov["paper"]["parameters"]["local_authority"] == paper["local_authority"]
    assert prov["paper"]["sha256"] and prov["built_at"]
    inputs = {r["path"]: r for r in prov["inputs"]}
    published = [p for p in (REPO_ROOT / "data" / "published").iterdir() if p.is_file()]
    child = REPO_ROOT / paper["data"]["ssda903"]
    child_files = [p for p in child.rglob("*") if p.is_file()]
    assert len(inputs) == len(published) + len(child_files)
    for path in published + child_files[:5]:
        rec = inputs[path.relative_to(REPO_ROOT).as_posix()]
        assert rec["sha256"] == provenance.sha256_file(path) and rec["source"]
    assert inputs["data/published/cla_published.csv.gz"]["manifest_sha256_matches"] is True
    assert all(r["manifest_sha256_matches"] for r in prov["inputs"] if r["path"].endswith("episodes.csv"))
    assert "SYNTHETIC" in inputs[child_files[0].relative_to(REPO_ROOT).as_posix()]["source"]
    names = [nb["notebook"] for nb in prov["notebooks"]]
    assert names == sorted(p.name for p in (edition / "notebooks").glob("*.ipynb"))
    assert all(nb["status"] in ("executed", "reused") and nb["seconds"] > 0 for nb in prov["notebooks"])
    assert prov["publish"]["gate"]["passed"] is True
    assert set(prov["publish"]["gate"]["identifier_kinds"]) == set(gate.KINDS)


def test_provenance_page_is_in_the_book_and_its_toc(edition):
    page = (edition / "provenance.html").read_text()
    assert "Provenance" in page and "uv.lock" in page and "cla_published.csv.gz" in page
    assert 'href="provenance.html"' in (edition / "intro.html").read_text()


def test_build_time_only_in_provenance(edition):
    built = json.loads((edition / "provenance.json").read_text())["built_at"]
    assert built[:10] not in (edition / "key-figures.json").read_text()
    for nb in (edition / "notebooks").glob("*.ipynb"):
        assert not any(built[:10] in c for c in chart_data(nb)), nb.name


# --------------------------------------------------------------------------- refusals: exit 2, site unchanged


def test_existing_version_is_refused(site, capsys, monkeypatch, tmp_path):
    before = digest(site)
    code, _, err = run(
        ["publish", str(paper_file(tmp_path)), "--site", str(site), "--no-pdf"], capsys, clean_git(), monkeypatch
    )
    assert code == 2
    assert f"edition {EDITION} is already published" in err and "never overwritten" in err
    assert digest(site) == before


def test_dirty_tree_is_refused_without_draft(site, capsys, monkeypatch, tmp_path):
    before = digest(site)
    dirty = provenance.GitState(clean_git().commit, True, ("analysis/stats.py",))
    code, _, err = run(
        ["publish", str(paper_file(tmp_path, edition="2099.1")), "--site", str(site), "--no-pdf"],
        capsys,
        dirty,
        monkeypatch,
    )
    assert code == 2 and "uncommitted changes (analysis/stats.py)" in err and "--draft" in err
    assert digest(site) == before


def test_named_previous_edition_not_in_the_site_is_refused(site, capsys, monkeypatch, tmp_path):
    before = digest(site)
    paper = paper_file(tmp_path, edition="2099.1", previous_edition="2017.3")
    code, _, err = run(["publish", str(paper), "--site", str(site), "--no-pdf"], capsys, clean_git(), monkeypatch)
    assert code == 2
    assert "previous_edition: 2017.3 is not published" in err and EDITION in err
    assert "Traceback" not in err
    assert digest(site) == before


def test_pdf_without_chromium_is_refused_with_a_clear_message(site, capsys, monkeypatch, tmp_path):
    before = digest(site)
    monkeypatch.setenv("CHROMIUM", str(tmp_path / "no-such-chromium"))
    code, _, err = run(
        ["publish", str(paper_file(tmp_path, edition="2099.1")), "--site", str(site)], capsys, clean_git(), monkeypatch
    )
    assert code == 2 and "Chromium is needed to print the PDF" in err and "--no-pdf" in err
    assert digest(site) == before


def test_paper_file_with_previous_edition_still_builds_and_validates():
    paper, extras, _ = read_paper({**yaml.safe_load(DEFAULT_PAPER.read_text()), "previous_edition": "2017.1"})
    assert extras == {"previous_edition": "2017.1"} and paper.edition == EDITION


def test_publish_gate_blocks_identifiers_and_small_counts(site, tmp_path, monkeypatch, capsys):
    """A chapter that prints a child's ID and date of birth and shows a table with a count of 3.

    The paper has that chapter alone: the whole publish (build, gate, refusal) runs as for any
    paper, and the other chapters' pages would only add clean pages to scan.
    """
    notebooks = tmp_path / "notebooks"
    shutil.copytree(REPO_ROOT / "notebooks", notebooks)
    nb = read_source(notebooks / "90_data_quality.md")
    nb.cells.append(
        nbformat.v4.new_code_cell(
            "import pandas as pd\n"
            "header = data.stacked.tables['header']\n"
            "print(header['CHILD'].iloc[0], header['DOB'].iloc[0].strftime('%d/%m/%Y'))\n"
            "charts.show_table(pd.DataFrame({'Placement': ['A', 'B'], 'Children': [3, 40]}),\n"
            "                  caption='Children by placement (child-level data)')"
        )
    )
    write_source(nb, notebooks / "90_data_quality.md")
    monkeypatch.setattr(pipeline, "NOTEBOOKS", notebooks)
    scratch = earlier_site(site, tmp_path / "site")
    before = digest(scratch)
    paper = paper_file(tmp_path, chapters=["data_quality"])
    code, _, err = run(["publish", str(paper), "--site", str(scratch), "--no-pdf"], capsys, clean_git(), monkeypatch)
    assert code == 2, err
    assert f"publish gate blocked edition {EDITION}" in err
    assert re.search(r"notebooks/90_data_quality.ipynb: child ID at line \d+", err), err
    assert re.search(r"chapters/90_data_quality.html: date of birth at line \d+", err), err
    assert re.search(
        r"chapters/90_data_quality.html: unsuppressed small count \(1 to 5\) at line \d+, table "
        r"'Children by placement \(child-level data\)', row 1, column 'Children'",
        err,
    ), err
    ids = gate.identifiers(REPO_ROOT / yaml.safe_load(DEFAULT_PAPER.read_text())["data"]["ssda903"])
    assert not any(tok in ids.child_ids for tok in re.findall(r"[A-Za-z0-9]+", err)), "the report names no child"
    assert not re.search(r"\d{2}/\d{2}/\d{4}", err)
    assert digest(scratch) == before
    assert not [p for p in scratch.iterdir() if p.name.startswith(".")]


# --------------------------------------------------------------------------- editions over time


#: The two editions of :func:`second`: (edition, statistical-neighbour model).
EDITIONS = ((EDITION, 2021), ("2018.10", 2025))


def care_numbers_paper(folder: Path, edition: str, neighbours: int) -> Path:
    """The default paper with the care-numbers chapter alone, as ``edition``, with another neighbour model."""
    return paper_file(
        folder / edition, chapters=["care_numbers"], edition=edition, **{"comparators.neighbours": neighbours}
    )


@pytest.fixture(scope="module")
def second(tmp_path_factory) -> Path:
    """A site with two editions of the care-numbers chapter: the default, then a 2-digit edition number
    and a changed parameter (statistical neighbours). One chapter keeps the two publishes short."""
    scratch = tmp_path_factory.mktemp("second") / "site"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(provenance, "git_state", clean_git)
        for edition, neighbours in EDITIONS:
            publish.publish(
                care_numbers_paper(scratch.parent, edition, neighbours),
                site=scratch,
                with_pdf=False,
                log=lambda line: None,
            )
    return scratch


def test_second_edition_says_what_changed(second):
    page = (second / "2018.10" / "changes.html").read_text()
    assert f"What changed since edition {EDITION}" in page
    diff = json.loads((second / "2018.10" / "what-changed.json").read_text())
    assert diff["previous_edition"] == EDITION
    first = json.loads((second / EDITION / "provenance.json").read_text())
    this = json.loads((second / "2018.10" / "provenance.json").read_text())
    # the same commit and data unless someone committed or changed data while the tests ran
    assert diff["code"]["changed"] is (first["git"]["commit"] != this["git"]["commit"])
    changed_inputs = sorted(a["path"] for a, b in zip(first["inputs"], this["inputs"]) if a != b)
    assert diff["data"]["changed"] is bool(changed_inputs or len(first["inputs"]) != len(this["inputs"]))
    assert diff["data"]["files"]["changed"] == changed_inputs or len(first["inputs"]) != len(this["inputs"])
    assert diff["parameters"]["changed"] is True
    assert [f["field"] for f in diff["parameters"]["fields"]] == ["comparators.neighbours"]
    rows = {r["name"]: r for r in diff["key_figures"]}
    assert rows["cla_count"]["change"] == 0
    neighbours = rows["neighbour_mean_rate_per_10k"]
    assert neighbours["previous"] != neighbours["current"]
    assert neighbours["change"] == pytest.approx(neighbours["current"] - neighbours["previous"])
    assert "comparators.neighbours" in page and "neighbour_mean_rate_per_10k" in page


def test_comparison_names_code_data_and_parameter_changes():
    before = {
        "version": "2018.1",
        "built_at": "2026-01-01T00:00:00+00:00",
        "git": {"commit": "a" * 40},
        "inputs": [{"path": "x", "sha256": "1"}, {"path": "y", "sha256": "2"}],
        "paper": {"parameters": {"edition": "2018.1", "year": 2017}},
    }
    after = {
        "git": {"commit": "b" * 40, "dirty": False},
        "inputs": [{"path": "x", "sha256": "1"}, {"path": "y", "sha256": "3"}, {"path": "z", "sha256": "4"}],
        "paper": {"parameters": {"edition": "2018.2", "year": 2018}},
    }
    figures = (
        {"n": {"value": 10, "unit": "children", "label": "Children"}},
        {
            "n": {"value": 12.5, "unit": "children", "label": "Children"},
            "m": {"value": "x", "unit": "text", "label": "New"},
        },
    )
    diff = publish.compare(before, figures[0], after, figures[1])
    assert diff["code"]["changed"] and diff["data"]["changed"] and diff["parameters"]["changed"]
    assert diff["data"]["files"] == {"changed": ["y"], "added": ["z"], "removed": []}
    assert diff["parameters"]["fields"] == [{"field": "year", "previous": 2017, "current": 2018}]
    assert {r["name"]: r["change"] for r in diff["key_figures"]} == {"n": 2.5, "m": "new"}
    page = publish.changes_markdown(diff)
    assert "commit `aaaaaaa` → `bbbbbbb`" in page and "`y` (changed)" in page and "| `year` | 2017 | 2018 |" in page
    assert "| Children (`n`) | children | 10 | 12.5 | +2.5 |" in page


def test_latest_and_index_follow_the_newest_edition(second):
    assert json.loads((second / "latest" / "provenance.json").read_text())["version"] == "2018.10"
    page = (second / "index.html").read_text()
    assert page.index('href="2018.10/index.html"') < page.index(f'href="{EDITION}/index.html"')
    assert (second / EDITION / "provenance.json").is_file()


def test_interrupted_publish_leaves_the_site_untouched(site, second, tmp_path, monkeypatch):
    """Ctrl-C after the build: the site is as it was. The paper is the first of :func:`second`'s (one
    chapter, its executed notebook reused from the notebook cache), so the build before the interrupt is short."""
    scratch = earlier_site(site, tmp_path / "site")
    before = digest(scratch)

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(provenance, "git_state", clean_git)
    monkeypatch.setattr(gate, "check", interrupt)  # after the build, before anything moves into the site
    with pytest.raises(KeyboardInterrupt):
        publish.publish(care_numbers_paper(tmp_path, *EDITIONS[0]), site=scratch, with_pdf=False, log=lambda line: None)
    assert digest(scratch) == before
    assert not [p for p in scratch.iterdir() if p.name.startswith(".")]


# --------------------------------------------------------------------------- the notebook cache


def test_cache_key_changes_with_each_input(tmp_path):
    paper, _, _ = read_paper(paper_file(tmp_path))
    shared = nbcache.shared_digest(paper)
    nb = REPO_ROOT / "notebooks" / "10_care_numbers.md"
    key = nbcache.key(nb, paper, shared)
    assert key == nbcache.key(nb, paper, nbcache.shared_digest(paper))
    other_nb = tmp_path / "nb.md"
    other_nb.write_bytes(nb.read_bytes() + b" ")
    assert nbcache.key(other_nb, paper, shared) != key
    changed, _, _ = read_paper(paper_file(tmp_path, year=2016))
    assert nbcache.key(nb, changed, shared) != key
    data = tmp_path / "published"
    shutil.copytree(paper.published_dir(), data)
    (data / "revisions.csv").write_text((data / "revisions.csv").read_text() + "\n")
    moved, _, _ = read_paper(paper_file(tmp_path, **{"data.published": str(data)}))
    assert nbcache.shared_digest(moved) != shared
    code = tmp_path / "repo"
    (code / "analysis").mkdir(parents=True)
    (code / "uv.lock").write_text("lock")
    (code / "analysis" / "x.py").write_text("x = 1\n")
    before = nbcache.shared_digest(paper, root=code)
    (code / "analysis" / "x.py").write_text("x = 2\n")
    after_code = nbcache.shared_digest(paper, root=code)
    (code / "uv.lock").write_text("lock 2")
    assert len({before, after_code, nbcache.shared_digest(paper, root=code)}) == 3


def test_second_run_with_nothing_changed_reuses_the_executed_notebook(tmp_path):
    paper, _, _ = read_paper(paper_file(tmp_path, chapters=["care_numbers"]))
    cache = nbcache.NotebookCache(tmp_path / "cache")
    runs = []
    for i in range(2):
        chapters = tmp_path / f"run{i}"
        chapters.mkdir()
        runs.append(pipeline._run_notebooks(paper, chapters, tmp_path / "logs", cache, lambda line: None))
    assert [r[0]["status"] for r in runs] == ["executed", "reused"]
    assert runs[1][0]["executed_at"] == runs[0][0]["executed_at"]
    first, second = (nbformat.read(tmp_path / f"run{i}" / "10_care_numbers.ipynb", as_version=4) for i in range(2))
    assert first == second


# --------------------------------------------------------------------------- draft with PDF


@pytest.fixture(scope="module")
def draft(site, tmp_path_factory) -> Path:
    if not find_chromium():
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing on CI: `make chromium` should have installed it")
        pytest.skip("Chromium is not installed (make chromium installs it)")
    scratch = tmp_path_factory.mktemp("draft") / "site"
    shutil.copytree(site, scratch, symlinks=True)
    before = digest(scratch / "latest")
    result = publish.publish(paper_file(site.parent), site=scratch, draft=True, log=lambda line: None)
    assert digest(scratch / "latest") == before, "a draft does not change latest"
    return result.path


def test_draft_goes_to_drafts_marked_on_every_page(draft):
    assert draft.parent.name == "drafts"
    assert re.fullmatch(
        rf"{re.escape(EDITION)}-draft-[0-9a-f]{{7}}(\.\d+)?|{re.escape(EDITION)}-draft-unknown", draft.name
    )
    for page in (p for p in draft.rglob("*.html") if "_static" not in p.parts):
        text = page.read_text()
        if 'http-equiv="Refresh"' in text:
            continue
        assert "draft.css" in text and "DRAFT" in text, page.name
    assert "Drafts" in (draft.parents[1] / "index.html").read_text()


def test_pdf_holds_every_page_with_charts_drawn_and_draft_on_every_page(draft):
    from pypdf import PdfReader

    book = PdfReader(str(draft / "report.pdf"))
    titles = [item.title for item in book.outline]
    assert titles[0].startswith("Transforming outcomes") and "Care numbers in context" in titles
    assert "Provenance" in titles and len(book.pages) >= len(titles) + 3
    text = [page.extract_text() for page in book.pages]
    assert all("DRAFT" in t for t in text), "the watermark prints on every page"
    whole = "\n".join(text)
    # axis title and legend entries exist only inside the drawn plotly SVG
    assert "Children looked after per 10,000 under-18s" in whole and "Neighbours' average" in whole
    paper = PdfReader(str(draft / "committee-paper.pdf"))
    assert 1 <= len(paper.pages) <= 8
    first = paper.pages[0].extract_text()
    assert "Purpose." in first and "Recommendation." in first
    assert "Claims checked against the data" in "\n".join(p.extract_text() for p in paper.pages)
