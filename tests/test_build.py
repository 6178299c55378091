"""The built book: offline, key figures equal DfE's, bad input handled, last good build kept.

These tests read the default build in book/_build (``make test`` builds it
first; if it is missing or was built from another paper, the fixture builds it).
"""

from __future__ import annotations

import gzip
import hashlib
import re
import shutil
from pathlib import Path

import nbformat
import pandas as pd
import pytest
import yaml
from conftest import default_paper, paper_file, run_cli

from analysis.build import offline, pipeline
from analysis.build.notebooks import read_source, write_source
from analysis.errors import BuildError
from analysis.methods import stats
from analysis.paper import REPO_ROOT

pytestmark = pytest.mark.build

HTML = REPO_ROOT / "book" / "_build" / "html"
REQUIRED = ["cla_count", "cla_rate_per_10k", "england_rate_per_10k", "neighbour_mean_rate_per_10k", "funnel_position"]


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(p.relative_to(folder).as_posix().encode())
            h.update(p.read_bytes())
    return h.hexdigest()


# --------------------------------------------------------------------------- offline


def test_no_page_loads_anything_from_another_host(built):
    pages = list(built.rglob("*.html"))
    assert len(pages) >= 5
    assert offline.external_references(built) == []


def test_plotly_js_is_shipped_once_and_loaded_locally(built):
    copies = [p for p in built.rglob("*.js") if "plotly" in p.name.lower()]
    assert [p.relative_to(built).as_posix() for p in copies] == ["_static/plotly.min.js"]
    chapter = (built / "chapters" / "10_care_numbers.html").read_text()
    assert chapter.count("Plotly.newPlot") == 3
    assert re.search(r'<script src="\.\./_static/plotly\.min\.js(\?v=\w+)?"></script>', chapter)
    for page in built.rglob("*.html"):
        text = page.read_text()
        assert "plotly.js v" not in text, f"{page} inlines plotly.js"
        loads = "_static/plotly.min.js" in text
        assert loads == ("Plotly.newPlot" in text), f"{page} loads plotly.js {'without' if loads else 'for'} a chart"
    assert "plotly.min.js" not in (built / "methods.html").read_text()


def test_every_glue_reference_rendered(built):
    for page in built.rglob("*.html"):
        text = page.read_text()
        assert "{glue:" not in text and "glue:text" not in text, page


# --------------------------------------------------------------------------- key figures


def test_key_figures_json_has_the_required_figures(figures):
    for name in REQUIRED:
        assert set(figures[name]) == {"value", "unit", "label", "display", "notebook"}, name
        assert figures[name]["notebook"] == "chapters/10_care_numbers.ipynb"
    assert figures["funnel_position"]["value"] in stats.POSITIONS


def test_glued_values_equal_dfe_published_for_cambridgeshire(figures):
    table = pd.read_csv(REPO_ROOT / "data" / "published" / "cla_published.csv.gz", dtype={"old_la_code": str})
    la = table[(table["old_la_code"] == "873") & (table["year"] == 2017)].set_index("measure")["value"]
    england = table[(table["geographic_level"] == "National") & (table["year"] == 2017)].set_index("measure")["value"]
    assert figures["cla_count"]["value"] == la["cla_31_march"] == 686
    assert figures["cla_rate_per_10k"]["value"] == la["cla_31_march_rate"] == 51
    assert figures["england_rate_per_10k"]["value"] == england["cla_31_march_rate"] == 62


def test_glued_values_equal_the_raw_dfe_file(figures, shared_data):
    raw = pd.read_csv(shared_data / "dfe-cla-la-level" / "sfr_2018_2019" / "CLA2019.csv", dtype=str)
    cambs = raw[raw["geog_c"] == "873"].iloc[0]
    england = raw[raw["geog_l"] == "NATIONAL"].iloc[0]
    assert figures["cla_count"]["value"] == int(cambs["CLA_Mar2017"])
    assert figures["cla_rate_per_10k"]["value"] == int(cambs["CLA_Rate2017"])
    assert figures["england_rate_per_10k"]["value"] == int(england["CLA_Rate2017"])


def test_neighbour_mean_recomputed_from_the_raw_neighbour_file(figures, shared_data):
    # the default paper compares with DfE's pre-April-2021 list, the one its authors would have used
    sn = pd.read_csv(
        shared_data / "statistical-neighbours" / "DfE_childrens_services_statistical_neighbours_pre2021_smapey.csv",
        dtype=str,
        keep_default_na=False,
    )
    codes = sn[(sn["la_number"] == "873") & (sn["sn_rank"] != "SN00")]["sn_la_number"].tolist()
    assert len(codes) == 10
    table = pd.read_csv(REPO_ROOT / "data" / "published" / "cla_published.csv.gz", dtype={"old_la_code": str})
    rates = table[
        (table["old_la_code"].isin(codes)) & (table["year"] == 2017) & (table["measure"] == "cla_31_march_rate")
    ]
    assert len(rates) == 10
    assert figures["neighbour_mean_rate_per_10k"]["value"] == pytest.approx(rates["value"].mean(), abs=0.05)


def test_prose_shows_the_glued_numbers(built, figures):
    chapter = (built / "chapters" / "10_care_numbers.html").read_text()
    intro = (built / "intro.html").read_text()
    count = f"{figures['cla_count']['value']:,}"
    assert f'<span class="pasted-text">{count}</span>' in chapter
    assert f'<span class="pasted-text">{count}</span>' in intro
    assert f'<span class="pasted-text">{figures["funnel_position"]["value"]}</span>' in chapter


def test_every_chart_has_title_caption_alt_and_table(built):
    chapter = (built / "chapters" / "10_care_numbers.html").read_text()
    figures_html = chapter.split('<figure class="cla-figure"')[1:]
    assert len(figures_html) == 3
    for block in figures_html:
        assert '<p class="cla-figure-title"><strong>' in block
        assert re.search(r'role="group" aria-label="[^"]{40,}"', block)
        assert "<figcaption>" in block and "Table behind this chart" in block and "<table" in block


# --------------------------------------------------------------------------- notebooks


def test_source_notebooks_have_no_outputs_and_no_function_definitions():
    for path in sorted((REPO_ROOT / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(not c.outputs for c in code), f"{path.name} has stored outputs"
        assert not any(re.search(r"^\s*(def|class) ", c.source, re.M) for c in code), f"{path.name} defines a function"
        params = [c for c in code if "parameters" in c.metadata.get("tags", [])]
        assert len(params) == 1, f"{path.name} needs exactly one parameters cell"


def test_executed_notebooks_are_in_the_build_tree(built):
    executed = REPO_ROOT / "book" / "_build" / "executed" / "10_care_numbers.ipynb"
    nb = nbformat.read(executed, as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and "Cambridgeshire" in injected[0].source


# --------------------------------------------------------------------------- bad input


def _paper(tmp_path: Path, **changes) -> Path:
    path = tmp_path / "paper.yml"
    path.write_text(yaml.safe_dump(default_paper(**changes)))
    return path


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({"local_authority": "Cambridgeshir"}, r"Cambridgeshir.*not a local authority.*Cambridgeshire"),
        ({"local_authority": "E99999999"}, r"E99999999.*not a local authority"),
        ({"year": 2030}, r"year: 2030 is outside the data for Cambridgeshire; years with published figures: 2013-2025"),
        ({"year": "soon"}, r"  - year: .*'soon'"),
        ({"comparators.neighbours": ["Oxfordshire", "Atlantis"]}, r"comparators.neighbours: .*Atlantis"),
        ({"first_year": 2020}, r"first_year: 2020 is after year 2017"),
    ],
)
def test_bad_paper_exits_2_with_a_short_message_and_keeps_the_build(built, tmp_path, cli, changes, expected):
    before = _digest(built)
    result = cli("build", str(_paper(tmp_path, **changes)))
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("error: ")
    assert re.search(expected, result.stderr, re.S), result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert _digest(built) == before


def test_missing_data_file_names_it(built, tmp_path, cli):
    empty = tmp_path / "nodata"
    empty.mkdir()
    result = cli("build", str(_paper(tmp_path, **{"data.published": str(empty)})))
    assert result.returncode == 2
    assert "cla_published.csv.gz: file not found" in result.stderr and "Traceback" not in result.stderr


def test_malformed_data_file_names_file_and_column(built, tmp_path, cli):
    bad = tmp_path / "bad"
    shutil.copytree(REPO_ROOT / "data" / "published", bad)
    table = pd.read_csv(bad / "cla_published.csv.gz", dtype=str).drop(columns=["measure"])
    table.to_csv(bad / "cla_published.csv.gz", index=False)
    result = cli("build", str(_paper(tmp_path, **{"data.published": str(bad)})))
    assert result.returncode == 2
    assert "cla_published.csv.gz: missing column(s) measure" in result.stderr and "Traceback" not in result.stderr


def _garbage(folder: Path) -> None:
    (folder / "cla_published.csv.gz").write_bytes(bytes(range(128, 256)) * 20)


def _empty(folder: Path) -> None:
    (folder / "cla_published.csv.gz").write_bytes(gzip.compress(b""))


def _not_a_number(folder: Path) -> None:
    lines = gzip.decompress((folder / "cla_published.csv.gz").read_bytes()).decode().splitlines()
    cells = lines[2].split(",")
    cells[8] = "lots"
    lines[2] = ",".join(cells)
    (folder / "cla_published.csv.gz").write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))


def _bad_manifest(folder: Path) -> None:
    (folder / "manifest.json").write_text("{not json")


@pytest.mark.parametrize(
    "damage, expected",
    [
        (_garbage, r"cla_published.csv.gz: not a gzip-compressed CSV file"),
        (_empty, r"cla_published.csv.gz: not a readable CSV file"),
        (_not_a_number, r"cla_published.csv.gz: row 3, column value: 'lots' is not a number"),
        (_bad_manifest, r"manifest.json: not valid JSON"),
    ],
    ids=["binary", "empty", "not-a-number", "bad-manifest"],
)
def test_damaged_data_files_exit_2_naming_file_and_place(built, tmp_path, cli, damage, expected):
    folder = tmp_path / "damaged"
    shutil.copytree(REPO_ROOT / "data" / "published", folder)
    damage(folder)
    before = _digest(built)
    result = cli("build", str(_paper(tmp_path, **{"data.published": str(folder)})))
    assert result.returncode == 2, result.stderr
    assert re.search(expected, result.stderr), result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert _digest(built) == before


def test_missing_paper_file_exits_2_from_a_real_process():
    """One of the two tests that run the command in a new process: the real exit code, no traceback."""
    result = run_cli("build", "book/papers/no-such-paper.yml")
    assert result.returncode == 2 and "paper file not found" in result.stderr
    assert "Traceback" not in result.stderr


def test_failing_notebook_names_notebook_and_cell_and_keeps_previous_build(built, tmp_path, monkeypatch):
    out_root = tmp_path / "_build"
    shutil.copytree(built, out_root / "html")
    before = _digest(out_root / "html")
    broken = tmp_path / "notebooks"
    broken.mkdir()
    nb = read_source(REPO_ROOT / "notebooks" / "10_care_numbers.md")
    nb.cells.insert(3, nbformat.v4.new_code_cell("1 / 0"))
    write_source(nb, broken / "10_care_numbers.md")
    monkeypatch.setattr(pipeline, "NOTEBOOKS", broken)
    with pytest.raises(
        BuildError, match=r"notebook 10_care_numbers.ipynb failed at cell \d+ .*1 / 0\n  ZeroDivisionError"
    ):
        pipeline.build(paper_file(tmp_path, chapters=["care_numbers"]), out_root=out_root, log=lambda line: None)
    assert _digest(out_root / "html") == before
    assert (out_root / "failed" / "logs").is_dir()
    assert not list(out_root.glob(".staging-*"))
