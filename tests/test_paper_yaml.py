"""Paper files the YAML parser itself rejects: one message naming the file, the field or place, and what was expected.

Each case takes the default paper file's text and breaks one line of it, as a person editing it might.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.errors import InputError
from analysis.paper import DEFAULT_PAPER, load_paper, read_yaml

TEXT = DEFAULT_PAPER.read_text(encoding="utf-8")


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    assert TEXT.count(old) == 1, old
    path = tmp_path / "paper.yml"
    path.write_text(TEXT.replace(old, new, 1), encoding="utf-8")
    return path


def _line_of(text: str) -> int:
    """The 1-based line of the default paper file that starts with ``text``."""
    return next(n for n, line in enumerate(TEXT.splitlines(), 1) if line.startswith(text))


def _message(path: Path) -> str:
    with pytest.raises(InputError) as err:
        load_paper(path)
    return err.value.message


def test_impossible_date_names_file_field_and_what_a_date_looks_like(tmp_path):
    path = _broken(tmp_path, "meeting_date: 2018-01-09", "meeting_date: 2018-02-30")
    msg = _message(path)
    line = _line_of("meeting_date:")
    assert msg == (
        f"{path}: meeting_date (line {line}, column 15): the value '2018-02-30' cannot be read (day is out of "
        "range for month); expected a real date written YYYY-MM-DD, such as 2018-01-09"
    )


def test_impossible_month_in_a_nested_list_names_its_place(tmp_path):
    msg = _message(_broken(tmp_path, "  - claims\n", "  - 2018-13-01\n"))
    assert ": chapters.6 (line " in msg
    assert "month must be in 1..12" in msg and "expected a real date written YYYY-MM-DD" in msg


def test_bad_tagged_number_names_the_nested_field(tmp_path):
    msg = _message(_broken(tmp_path, "  seed: 2018 ", "  seed: !!int twenty "))
    assert ": forecast.seed (line " in msg
    assert "the value 'twenty' cannot be read" in msg and "expected a whole number" in msg


def test_python_tags_are_refused_not_run(tmp_path):
    msg = _message(_broken(tmp_path, "title: Transforming", "title: !!python/object/apply:os.getcwd Transforming"))
    assert ": title (line " in msg and "expected a plain value (no YAML tags" in msg


def test_unclosed_quote_names_the_line_it_was_opened_on(tmp_path):
    path = _broken(tmp_path, 'edition: "2018.1"', 'edition: "2018.1')
    msg = _message(path)
    line = _line_of("edition:")
    assert msg.startswith(f"{path}: not valid YAML at line {line}, column 10 (field edition): a quote is opened")
    assert 'expected a value in quotes to end with the same quote, such as "2018.1"' in msg


def test_bad_indentation_names_line_column_field_and_the_rule(tmp_path):
    path = _broken(tmp_path, "  region: true", "   region: true")
    msg = _message(path)
    line = _line_of("  region:")
    assert msg.startswith(f"{path}: not valid YAML at line {line}, column 4 (field region): ")
    assert "expected one field per line as `name: value`, the fields of a section indented" in msg


def test_tab_indentation_says_use_spaces(tmp_path):
    msg = _message(_broken(tmp_path, "  region: true", "\tregion: true"))
    assert f"not valid YAML at line {_line_of('  region:')}, column 1 (field region)" in msg
    assert "expected spaces for indentation (YAML does not allow tabs)" in msg


def test_unclosed_list_says_close_it(tmp_path):
    msg = _message(_broken(tmp_path, "  neighbours: 2018 ", "  neighbours: [Oxfordshire, Suffolk "))
    assert "not valid YAML at line" in msg and "while parsing a flow sequence" in msg
    assert "expected a list in [ ] or a mapping in { } that is closed" in msg


def test_two_documents_are_one_too_many():
    with pytest.raises(InputError, match=r"paper.yml: not valid YAML at line 2, column 1: expected a single document"):
        read_yaml("title: x\n---\ntitle: y\n", "paper.yml")


def test_not_utf8_names_the_byte(tmp_path):
    path = tmp_path / "paper.yml"
    path.write_bytes(b"title: caf\xe9\n")
    with pytest.raises(InputError, match=r"paper.yml: not UTF-8 text \(byte 10\)"):
        load_paper(path)


def test_good_yaml_reads_as_before():
    assert read_yaml(TEXT, "x")["meeting_date"].isoformat() == "2018-01-09"
    assert read_yaml("", "x") is None


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("meeting_date: 2018-01-09", "meeting_date: 2018-02-30", "meeting_date (line"),
        ('edition: "2018.1"', 'edition: "2018.1', "(field edition): a quote is opened"),
        ("  region: true", "   region: true", "(field region)"),
    ],
    ids=["impossible-date", "unclosed-quote", "indentation"],
)
def test_the_command_line_exits_2_with_the_message_and_no_traceback(tmp_path, cli, old, new, expected):
    result = cli("build", str(_broken(tmp_path, old, new)))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("error: ") and expected in result.stderr
