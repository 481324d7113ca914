"""Text from a workout or settings file, or a file's name, made safe to print on a terminal.

Used by the workout loader's problems, `companion list`, `companion validate` and the settings
file's errors, which echo names, keys and values from files anyone may share. A control character
printed raw acts on the terminal (ESC sets its title or colours, BEL rings); printed escaped, it
is merely shown.
"""

from __future__ import annotations


def printable(text: str) -> str:
    """`text` with every character a terminal would not show as itself (C0 and C1 control
    codes, line breaks, format characters) written as a Python escape, like `\\x1b`."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)
