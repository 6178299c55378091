"""The paper file: every parameter of one run of the report.

A paper file is a small YAML document under ``book/papers/``. It names the
committee paper the report backs, the local authority, the reporting year, the
comparators and where the data lives. :func:`load_paper` validates it with a
pydantic model and, if anything is wrong, raises one
:class:`~analysis.errors.InputError` that lists every bad field and what is
valid.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from analysis.chapters import REGISTRY
from analysis.errors import InputError

#: The repository root (the folder holding ``analysis/``).
REPO_ROOT = Path(__file__).resolve().parents[1]

#: The paper ``make report`` builds.
DEFAULT_PAPER = REPO_ROOT / "book" / "papers" / "2018-01-09_children-and-young-people.yml"

_EDITION = re.compile(r"^\d{4}\.\d+(\.\d+)?(-[a-z0-9.]+)?$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


#: The DfE statistical-neighbour models a paper may name (``comparators.neighbours``).
NEIGHBOUR_MODELS: tuple[int, ...] = (2018, 2021, 2025)

_NEIGHBOURS_HELP = (
    "2018, 2021 or 2025 (DfE statistical-neighbour model; 2018 is the list in use before April 2021) "
    "or a list of local authorities"
)


class Comparators(_Strict):
    """Who the local authority is compared with, and how sure a difference must be.

    ``neighbours`` is either the year of a DfE statistical-neighbour model
    (2018: the list in use before April 2021; 2021; 2025) or an explicit list
    of local authorities (codes or names).

    ``significance_level`` is the confidence level of every test of the
    authority against its comparators (0.95: a difference is significant at
    the 5% level). It lives here rather than under the claims chapter because
    it is how every comparison with these comparators is judged, wherever in
    the report it is made.
    """

    neighbours: Literal[NEIGHBOUR_MODELS] | list[str] = Field(  # type: ignore[valid-type]
        2018, description=_NEIGHBOURS_HELP
    )
    region: bool = True
    england: bool = True
    significance_level: float = Field(
        0.95,
        gt=0.5,
        lt=0.999,
        description="confidence level of the tests against the comparators (0.95: significant at the 5% level)",
    )

    @field_validator("neighbours", mode="before")
    @classmethod
    def _neighbours(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip().isdigit():
            return int(value)
        if isinstance(value, list):
            if not value:
                raise ValueError("an explicit list of neighbours must name at least one local authority")
            return [str(v) for v in value]
        return value


class UnitCost(_Strict):
    """A weekly cost per child in one placement category, with where it comes from."""

    weekly: float = Field(ge=0, description="pounds per child per week")
    source: str = Field(min_length=3, description="citation, or 'assumption: ...'")
    year: int = Field(ge=1990, le=2100, description="price year of the figure")


def _cost(weekly: float, source: str, year: int) -> UnitCost:
    return UnitCost(weekly=weekly, source=source, year=year)


_VALUING_CARE = (
    "Valuing Care / LocalGov (April 2018): average weekly fee, council foster carers £396 "
    "and independent fostering agencies £759"
)


class Costs(_Strict):
    """Weekly unit costs by placement category (defaults cited; replace with the council's own S251 figures)."""

    price_year: int = Field(2018, ge=1990, le=2100, description="the price year money is stated in")
    in_house_fostering: UnitCost = _cost(396, _VALUING_CARE, 2018)
    ifa_fostering: UnitCost = _cost(759, _VALUING_CARE, 2018)
    other_la_fostering: UnitCost = _cost(
        396, "assumption: another council's carers cost what the council's own do (in-house fee)", 2018
    )
    kinship_fostering: UnitCost = _cost(
        396, "assumption: family and friends carers are paid the in-house fostering fee", 2018
    )
    residential: UnitCost = _cost(
        3000,
        "DfE written parliamentary answer (2016/17): a local-authority children's home costs about "
        "£3,000 per resident week",
        2017,
    )
    independent_living: UnitCost = _cost(
        1000, "assumption: no published unit cost in the reference material; set the council's own", 2018
    )
    placed_with_parents: UnitCost = _cost(
        0, "assumption: no placement fee (social work costs are not placement costs)", 2018
    )
    adoption_placement: UnitCost = _cost(
        0, "assumption: no placement fee once placed with adopters (adoption support is costed elsewhere)", 2018
    )
    other: UnitCost = _cost(
        1000, "assumption: no published unit cost in the reference material; set the council's own", 2018
    )
    sensitivity: float = Field(0.2, gt=0, lt=1, description="± share applied to unit costs for the sensitivity range")


class Forecast(_Strict):
    """How the stock-and-flow forecast of children looked after is made."""

    years_ahead: int = Field(5, ge=3, le=5, description="years forecast after the paper's year")
    history_years: int = Field(
        3, ge=1, le=10, description="years of child-level moves (31 March to 31 March) the model learns from"
    )
    simulations: int = Field(1000, ge=100, le=20000, description="simulated futures behind the prediction interval")
    seed: int = Field(2018, ge=0, le=2**31 - 1, description="random seed, so a run can be repeated exactly")
    interval: float = Field(0.95, gt=0.5, lt=1, description="coverage of the prediction interval")


class BusinessCase(_Strict):
    """The business case scenarios' parameters (money in pounds at ``costs.price_year`` prices).

    The defaults are stated assumptions or published national figures (see the
    assumptions page); the council's own business case should replace them.
    """

    horizon_years: int = Field(5, ge=1, le=10, description="years the scenarios run for")
    discount_rate: float = Field(
        0.035,
        ge=0,
        le=0.2,
        description="real annual discount rate for net present value (HM Treasury Green Book: 3.5%)",
    )
    extra_households_per_year: float = Field(
        10, ge=0, le=500, description="in-house fostering households approved each year above what happens anyway"
    )
    conversion: float = Field(
        0.6,
        ge=0,
        le=1,
        description="share of newly approved households that take a child (approval-to-placement conversion)",
    )
    children_per_household: float = Field(
        1.2, gt=0, le=6, description="children each placed household looks after at a time"
    )
    household_retention: float = Field(
        0.8, ge=0, le=1, description="share of the extra households still fostering a year later"
    )
    cost_per_approval: float = Field(
        8000, ge=0, le=1_000_000, description="marketing and assessment cost of each extra approval, pounds"
    )
    support_cost_per_household: float = Field(
        0,
        ge=0,
        le=1_000_000,
        description="yearly support cost of each extra household not in the in-house weekly cost, pounds",
    )
    permanence_time_cut: float = Field(
        0.2, ge=0, lt=1, description="share by which the time children take to reach permanence is cut"
    )
    permanence_cost_per_year: float = Field(
        150_000,
        ge=0,
        le=100_000_000,
        description="yearly cost of the work that speeds permanence (deep dive, capacity), pounds",
    )
    permanence_ramp_years: int = Field(
        2, ge=1, le=10, description="years the permanence work takes to reach its full effect (it builds up evenly)"
    )
    sources: dict[str, str] = Field(
        default_factory=dict,
        description="where each parameter's value comes from: parameter name -> citation or 'assumption: ...'",
    )

    @field_validator("sources")
    @classmethod
    def _sources_name_parameters(cls, value: dict[str, str]) -> dict[str, str]:
        names = [n for n in cls.model_fields if n != "sources"]
        unknown = sorted(set(value) - set(names))
        if unknown:
            raise ValueError(f"unknown parameter {', '.join(unknown)}; sources may name {', '.join(names)}")
        empty = sorted(k for k, v in value.items() if not str(v).strip())
        if empty:
            raise ValueError(f"the source of {', '.join(empty)} is empty")
        return value


class DataLocations(_Strict):
    """Where the run reads its data, relative to the repository root."""

    published: Path = Path("data/published")
    ssda903: Path | None = Field(
        Path("data/ssda903/cambridgeshire-synthetic"),
        description="folder of SSDA903 returns (one sub-folder per year); the default is SYNTHETIC",
    )
    check_authority: bool = Field(
        True,
        description=(
            "refuse real returns whose count at 31 March is more than 20% from the authority's published count "
            "in every year; false builds anyway and the Provenance page records it (a SYNTHETIC folder made for "
            "another authority is always refused)"
        ),
    )


class Paper(_Strict):
    """A validated paper file."""

    title: str = Field(min_length=3)
    committee: str = Field(min_length=3)
    meeting_date: dt.date
    edition: str = Field(description="version of this edition, YYYY.N (e.g. 2018.1)")
    local_authority: str = Field(min_length=2, description="new code (E10000003), old code (873) or name")
    year: int = Field(ge=2000, le=2100, description="reporting year, the year ending 31 March")
    first_year: int = Field(2013, ge=2000, le=2100, description="first year shown in trends")
    comparators: Comparators = Comparators()
    data: DataLocations = DataLocations()
    costs: Costs = Costs()
    forecast: Forecast = Forecast()
    business_case: BusinessCase = BusinessCase()
    chapters: list[Literal[tuple(REGISTRY)]] = Field(  # type: ignore[valid-type]
        default_factory=lambda: list(REGISTRY)
    )

    @field_validator("local_authority", mode="before")
    @classmethod
    def _la_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value

    @field_validator("edition")
    @classmethod
    def _edition(cls, value: str) -> str:
        if not _EDITION.match(value):
            raise ValueError("must look like YYYY.N, for example 2018.1")
        return value

    def published_dir(self) -> Path:
        """Absolute path of the folder of published figures."""
        path = self.data.published
        return path if path.is_absolute() else REPO_ROOT / path

    def parameters(self) -> dict[str, Any]:
        """The paper as plain JSON-able values, as passed to every notebook."""
        return self.model_dump(mode="json")


def _field_info(loc: tuple) -> Any:
    """The pydantic FieldInfo at ``loc`` in :class:`Paper`, or None."""
    model: Any = Paper
    info = None
    for part in loc:
        fields = getattr(model, "model_fields", None)
        if not fields or part not in fields:
            return None
        info = fields[part]
        model = info.annotation
    return info


def _range(loc: tuple) -> str | None:
    """'a number from 0 to 1' for a bounded numeric field, else None."""
    info = _field_info(loc)
    if info is None or info.annotation not in (int, float):
        return None
    low = high = None
    low_word = high_word = ""
    for item in info.metadata:
        for attr, word in (("ge", ""), ("gt", "above ")):
            if getattr(item, attr, None) is not None:
                low, low_word = getattr(item, attr), word
        for attr, word in (("le", ""), ("lt", "below ")):
            if getattr(item, attr, None) is not None:
                high, high_word = getattr(item, attr), word
    kind = "a whole number" if info.annotation is int else "a number"
    if low is None and high is None:
        return None
    if low is not None and high is not None and not low_word and not high_word:
        return f"{kind} from {low:g} to {high:g}"
    parts = []
    if low is not None:
        parts.append(f"{low_word or 'at least '}{low:g}")
    if high is not None:
        parts.append(f"{'below ' if high_word else 'at most '}{high:g}")
    return f"{kind} that is {' and '.join(parts)}"


def _describe(error: dict[str, Any]) -> str:
    where = ".".join(str(p) for p in error["loc"]) or "(top level)"
    kind = error["type"]
    if kind == "extra_forbidden":
        return f"  - {where}: unknown field"
    if kind == "missing":
        return f"  - {where}: required field is missing"
    msg = error["msg"]
    if kind in ("literal_error",) and "chapters" in where:
        msg = f"must be one of {', '.join(REGISTRY)}"
    if "neighbours" in where:
        msg = f"must be {_NEIGHBOURS_HELP}"
        where = "comparators.neighbours"
    valid = _range(tuple(error["loc"]))
    if where == "comparators.significance_level":
        valid = None
        msg = (
            "must be a confidence level strictly between 0.5 and 0.999, such as 0.95 for tests "
            "at the 5% significance level"
        )
    if valid and kind in (
        "greater_than_equal",
        "greater_than",
        "less_than_equal",
        "less_than",
        "float_parsing",
        "int_parsing",
        "float_type",
        "int_type",
        "int_from_float",
        "finite_number",
    ):
        msg = f"must be {valid}"
    got = error.get("input")
    got_text = "" if isinstance(got, (dict, list)) or got is None else f" (got {got!r})"
    return f"  - {where}: {msg}{got_text}"


def parse_paper(raw: Any, source: str = "paper") -> Paper:
    """Validate a mapping as a :class:`Paper`.

    Raises
    ------
    InputError
        Listing every invalid field, one per line, with what is valid.
    """
    if not isinstance(raw, dict):
        raise InputError(
            f"{source}: expected a YAML mapping of fields (title, committee, ...), got {type(raw).__name__}"
        )
    try:
        return Paper.model_validate(raw)
    except ValidationError as exc:
        lines, seen = [], set()
        for err in exc.errors():
            line = _describe(err)
            if line not in seen:
                seen.add(line)
                lines.append(line)
        raise InputError(f"{source} is not a valid paper file:\n" + "\n".join(lines)) from None


def load_paper(path: str | Path | dict[str, Any]) -> Paper:
    """Read and validate a paper file (or an already-parsed mapping).

    Parameters
    ----------
    path:
        Path to a YAML paper file (relative paths are tried from the working
        directory, then from the repository root), or a mapping with its fields.

    Raises
    ------
    InputError
        If the file is missing, is not YAML, or has invalid fields.
    """
    if isinstance(path, dict):
        return parse_paper(path)
    candidate = Path(path)
    if not candidate.is_absolute() and not candidate.exists():
        candidate = REPO_ROOT / candidate
    if not candidate.is_file():
        papers = sorted(p.name for p in (REPO_ROOT / "book" / "papers").glob("*.yml"))
        raise InputError(f"{path}: paper file not found. Papers in book/papers/: {', '.join(papers) or 'none'}")
    try:
        text = candidate.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start}); expected a YAML paper file") from None
    return parse_paper(read_yaml(text, str(path)), source=str(path))


# --------------------------------------------------------------------------- reading the YAML

#: What a value of each YAML type must look like, for messages about values the parser rejects.
_EXPECTED = {
    "tag:yaml.org,2002:timestamp": "a real date written YYYY-MM-DD, such as 2018-01-09",
    "tag:yaml.org,2002:int": "a whole number, such as 2017",
    "tag:yaml.org,2002:float": "a number, such as 0.95",
    "tag:yaml.org,2002:bool": "true or false",
    "tag:yaml.org,2002:binary": "base64 text",
}


class _ValueRejected(Exception):
    """A YAML value the parser could not turn into a value (an impossible date, a bad tag)."""

    def __init__(self, node: yaml.Node, reason: str):
        super().__init__(reason)
        self.node, self.reason = node, reason


class _PaperLoader(yaml.SafeLoader):
    """PyYAML's safe loader, reporting which node a value it rejects came from."""

    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep=deep)
        except _ValueRejected:
            raise
        except yaml.constructor.ConstructorError as exc:
            raise _ValueRejected(node, exc.problem or str(exc)) from None
        except (ValueError, TypeError, OverflowError) as exc:
            raise _ValueRejected(node, str(exc)) from None


def _field_path(root: yaml.Node, target: yaml.Node, prefix: tuple = ()) -> tuple | None:
    """The field names (and list positions) leading from ``root`` to ``target``, or None."""
    if root is target:
        return prefix
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else "?"
            if key is target:
                return (*prefix, name)
            found = _field_path(value, target, (*prefix, name))
            if found is not None:
                return found
    elif isinstance(root, yaml.SequenceNode):
        for i, item in enumerate(root.value):
            found = _field_path(item, target, (*prefix, i))
            if found is not None:
                return found
    return None


def _syntax_hint(exc: yaml.MarkedYAMLError) -> str:
    """What the paper file should have had where the YAML parser stopped."""
    problem = f"{exc.context or ''} {exc.problem or ''}"
    if "quoted scalar" in problem:
        return "a quote that is closed: a value in quotes must end with the same quote"
    if "\\t" in problem:
        return "spaces for indentation (YAML does not allow tabs)"
    if "block" in problem or "mapping values are not allowed" in problem or "indent" in problem:
        return (
            "one field per line as `name: value`, the fields of a section indented by the same number of spaces "
            "(check the indentation of this line and the one above)"
        )
    if "flow" in problem or "[" in problem or "{" in problem:
        return "a list in [ ] or a mapping in { } that is closed on the same line"
    return "one field per line as `name: value` (see book/papers/ for examples)"


def _field_on_line(text: str, line: int) -> str | None:
    """The field named on a line of the paper file (``name:`` at its start), or None."""
    lines = text.splitlines()
    if not 0 <= line < len(lines):
        return None
    match = re.match(r"\s*(?:-\s+)?([A-Za-z_][\w-]*)\s*:", lines[line])
    return match.group(1) if match else None


_QUOTED = re.compile(r"""^\s*(?:-\s+)?(?:([A-Za-z_][\w-]*)\s*:\s+)?(["'])(.*)$""")


def _unclosed_quote(text: str, last_line: int) -> tuple[int, int, str | None] | None:
    """The first line up to ``last_line`` (0-based) whose value opens a quote it does not close.

    Returns (line, column, field), 0-based, or None. YAML lets a quoted value run on over lines, so an
    unclosed quote is reported by the parser far below it; this finds where it was opened.
    """
    for n, line in enumerate(text.splitlines()[: last_line + 1]):
        match = _QUOTED.match(line)
        if not match:
            continue
        quote, rest = match.group(2), match.group(3)
        rest = rest.replace("\\\\", "").replace('\\"', "") if quote == '"' else rest.replace("''", "")
        if quote not in rest:
            return n, match.start(2), match.group(1)
    return None


def _syntax_error(text: str, source: str, exc: yaml.MarkedYAMLError) -> InputError:
    """The InputError for YAML the parser cannot read: where, what it found, what was expected."""
    mark = exc.problem_mark or exc.context_mark
    quote = _unclosed_quote(text, mark.line) if mark else None
    if quote is not None:
        line, column, field = quote
        near = f" (field {field})" if field else ""
        return InputError(
            f"{source}: not valid YAML at line {line + 1}, column {column + 1}{near}: a quote is opened and not "
            'closed on its line; expected a value in quotes to end with the same quote, such as "2018.1"'
        )
    at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    field = _field_on_line(text, mark.line) if mark else None
    near = f" (field {field})" if field else ""
    reason = exc.problem or "the parser stopped here"
    if exc.context:
        started = ""
        if exc.context_mark is not None and exc.problem_mark is not None and exc.context_mark.line != mark.line:
            started = f" (from line {exc.context_mark.line + 1}, column {exc.context_mark.column + 1})"
        reason = f"{exc.context}{started}, {reason}"
    return InputError(f"{source}: not valid YAML{at}{near}: {reason}; expected {_syntax_hint(exc)}")


def read_yaml(text: str, source: str = "paper") -> Any:
    """Parse a paper file's YAML, turning every value or syntax the parser rejects into an InputError.

    An impossible date (``meeting_date: 2018-02-30``), a value with an unknown or bad tag, bad
    indentation or an unclosed quote each give one message naming the file, the field or the line and
    column, and what was expected.

    Raises
    ------
    InputError
        As above (the command line exits 2).
    """
    loader = _PaperLoader(text)
    try:
        try:
            root = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            raise _syntax_error(text, source, exc) from None
        except yaml.YAMLError as exc:
            raise InputError(
                f"{source}: not valid YAML ({exc}); expected one field per line as `name: value`"
            ) from None
        if root is None:
            return None
        try:
            return loader.construct_document(root)
        except _ValueRejected as exc:
            node = exc.node
            path = _field_path(root, node)
            where = ".".join(str(p) for p in path) if path else "(top level)"
            mark = node.start_mark
            expected = _EXPECTED.get(node.tag, "a plain value (no YAML tags such as !!python/...)")
            shown = f" {node.value!r}" if isinstance(node, yaml.ScalarNode) else ""
            raise InputError(
                f"{source}: {where} (line {mark.line + 1}, column {mark.column + 1}): the value{shown} cannot be "
                f"read ({exc.reason}); expected {expected}"
            ) from None
    finally:
        loader.dispose()
