"""Errors the report raises for bad input.

Every problem a user can fix (a bad paper file, a missing data file, an unknown
local authority) is raised as :class:`InputError`. The command line catches it,
prints the message with no traceback and exits with code 2.
"""

from __future__ import annotations


class InputError(Exception):
    """A problem with the user's input: the message says where and what is valid.

    Parameters
    ----------
    message:
        One or more lines naming the file, row, column or field, and what was
        expected.
    """

    exit_code = 2

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.message


class BuildError(Exception):
    """A step of the build failed (a notebook cell, the book build)."""

    exit_code = 1
