"""Errors meant for the person at the terminal.

Anything raised as a `UserError` is printed as its message alone, never as a traceback; the text
must say what is wrong and what to do about it.
"""

from __future__ import annotations

from pathlib import Path


class UserError(Exception):
    """A problem the user can fix; `str(err)` is the whole message."""

    exit_code = 2


def not_utf8(path: Path, err: UnicodeDecodeError) -> UserError:
    """The error for a TOML file (UTF-8 by definition) that an editor saved in another encoding."""
    return UserError(
        f"{path}: not UTF-8 ({err.reason} at byte {err.start}); save the file as UTF-8"
    )
