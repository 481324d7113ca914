"""Errors meant for the person at the terminal.

Anything raised as a `UserError` is printed as its message alone, never as a traceback; the text
must say what is wrong and what to do about it.
"""

from __future__ import annotations


class UserError(Exception):
    """A problem the user can fix; `str(err)` is the whole message."""

    exit_code = 2
