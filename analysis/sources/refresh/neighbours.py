"""DfE children's services statistical-neighbour groupings (``statistical-neighbours/``).

Three models are read into ``statistical_neighbours.csv`` (long form, one row
per authority and neighbour rank):

``2018``
    The list in use before April 2021, as DfE's smapey dashboard copied it
    (``DfE_childrens_services_statistical_neighbours_pre2021_smapey.csv``, long
    form: ``la_number, sn_rank, sn_la_number``; ``SN00`` is the authority
    itself and is dropped). It has no closeness labels.
``2021``, ``2025``
    DfE's April 2021 and 2025 models (wide: the LA's old code and name, then
    ``SN1, SNP, SN2, SNP, ...``: neighbour code then closeness).

The model year is taken from the file name, except for the names listed in
:data:`MODEL_OF_NAME`, whose year is not the model's.
"""

from __future__ import annotations

import fnmatch
import re
from pathlib import Path

import pandas as pd

from analysis.errors import InputError
from analysis.sources.refresh.base import _read

NEIGHBOUR_PATTERN = "statistical-neighbours/*.csv"

MODEL_OF_NAME: tuple[tuple[str, int], ...] = (
    # "pre2021": the list DfE used before the April 2021 model; the smapey copy is of 2018-19.
    ("*pre2021*", 2018),
)
"""(glob on the file name, model) for files whose name does not give the model year."""

_RECORD_COLUMNS = ["model", "old_la_code", "la_name", "rank", "neighbour_old_la_code", "closeness"]
_LONG_COLUMNS = ["la_number", "la_name", "sn_rank", "sn_la_number"]


def _model_year(path: Path, rel: str) -> int:
    """The model a neighbour file holds: from :data:`MODEL_OF_NAME`, else the year in its name."""
    for pattern, model in MODEL_OF_NAME:
        if fnmatch.fnmatch(path.name, pattern):
            return model
    m = re.search(r"(20\d\d)", path.name)
    if not m:
        raise InputError(f"{rel}: the file name should contain the model year (e.g. ..._2021.csv).")
    return int(m.group(1))


def _with_names(records: list[tuple]) -> pd.DataFrame:
    """Records as a frame, each neighbour named as the model names it as an authority."""
    out = pd.DataFrame(records, columns=_RECORD_COLUMNS)
    names = dict(zip(out["old_la_code"], out["la_name"]))
    out["neighbour_la_name"] = out["neighbour_old_la_code"].map(names)
    return out


def _neighbours_wide(frame: pd.DataFrame, rel: str, model: int) -> pd.DataFrame:
    """A wide model file: the LA's code and name, then SN1, SNP, SN2, SNP, ..."""
    code_col = next((c for c in ("old_la_code", "LA number", "LA num") if c in frame.columns), None)
    name_col = next((c for c in ("la_name", "LA Name") if c in frame.columns), None)
    cols = list(frame.columns)
    sn_cols = {
        int(re.fullmatch(r"SN_?(\d+)", c).group(1)): i for i, c in enumerate(cols) if re.fullmatch(r"SN_?(\d+)", c)
    }
    if code_col is None or name_col is None or not sn_cols:
        lacking = [n for n, c in (("old_la_code", code_col), ("la_name", name_col), ("SN1..SN10", sn_cols)) if not c]
        raise InputError(
            f"{rel}: missing column(s) {', '.join(lacking)}; expected a statistical-neighbour table with the "
            "LA's old code, its name and SN1, SNP, SN2, SNP, ... (neighbour code then closeness), or the long "
            f"form with columns {', '.join(_LONG_COLUMNS)}."
        )
    records = []
    for _, row in frame.iterrows():
        code = row[code_col]
        if not re.fullmatch(r"\d{1,3}", code):
            continue
        for rank, i in sorted(sn_cols.items()):
            neighbour = row.iloc[i]
            if not re.fullmatch(r"\d{1,3}", neighbour):
                continue
            closeness = row.iloc[i + 1].strip() if i + 1 < len(cols) else ""
            records.append((model, code.zfill(3), row[name_col], rank, neighbour.zfill(3), closeness))
    return _with_names(records)


def _neighbours_long(frame: pd.DataFrame, rel: str, model: int) -> pd.DataFrame:
    """A long model file: la_number, la_name, sn_rank (SN00 the LA itself, SN01..), sn_la_number."""
    records = []
    for code, name, rank_text, neighbour in frame[_LONG_COLUMNS].itertuples(index=False):
        m = re.fullmatch(r"SN(\d+)", rank_text)
        if not m or not re.fullmatch(r"\d{1,3}", code) or not re.fullmatch(r"\d{1,3}", neighbour):
            raise InputError(
                f"{rel}: row {code!r}, {rank_text!r}, {neighbour!r} is not an LA number, a rank SN00..SN10 "
                "and a neighbour's LA number."
            )
        rank = int(m.group(1))
        if rank == 0:
            if neighbour.zfill(3) != code.zfill(3):
                raise InputError(f"{rel}: SN00 of {code} is {neighbour}; expected the authority itself.")
            continue
        records.append((model, code.zfill(3), name, rank, neighbour.zfill(3), ""))
    return _with_names(records)


def _neighbours(path: Path, rel: str) -> tuple[int, pd.DataFrame]:
    """Read one neighbour file (wide or long form): ``(model, rows)``."""
    model = _model_year(path, rel)
    frame = _read(path, rel)
    if set(_LONG_COLUMNS) <= set(frame.columns):
        return model, _neighbours_long(frame, rel, model)
    return model, _neighbours_wide(frame, rel, model)


def read_neighbours(
    source_dir: Path, la_names: pd.Series, skip: set[str]
) -> tuple[pd.DataFrame, list[tuple[str, Path, int]]]:
    """Every model under ``statistical-neighbours/`` in one long frame, sorted.

    Parameters
    ----------
    source_dir : Path
        The source folder.
    la_names : pandas.Series
        Old LA code -> name from the DfE figures, for neighbours a model does
        not name itself.
    skip : set of str
        Relative paths not to read (see ``SKIPPED`` in :mod:`.assemble`).

    Returns
    -------
    tuple
        The rows (model and rank as int) and ``(relative path, path, model)``
        of each file read.
    """
    sn_paths = [
        p for p in sorted(source_dir.glob(NEIGHBOUR_PATTERN)) if p.relative_to(source_dir).as_posix() not in skip
    ]
    if not sn_paths:
        raise InputError(
            f"{source_dir}: no file matches {NEIGHBOUR_PATTERN}; expected DfE statistical-neighbour groupings "
            "(New_Statistical_Neighbour_Groupings_April_2021.csv, sn_model_2025_wide.csv)."
        )
    sn_frames, sn_sources = [], []
    for path in sn_paths:
        rel = path.relative_to(source_dir).as_posix()
        model, frame = _neighbours(path, rel)
        sn_frames.append(frame)
        sn_sources.append((rel, path, model))
    sn = pd.concat(sn_frames, ignore_index=True)
    if sn.duplicated(["model", "old_la_code", "rank"]).any():
        raise InputError(
            f"{source_dir}/statistical-neighbours: two files give the same model year; keep one per model."
        )
    sn["neighbour_la_name"] = sn["neighbour_la_name"].fillna(sn["neighbour_old_la_code"].map(la_names)).fillna("")
    sn = sn.sort_values(["model", "old_la_code", "rank"], kind="mergesort")
    return sn, sn_sources
