"""The settings file: one TOML file, one table per adapter.

Each adapter validates its own table (`[speech]`, `[listen]`) with `table()`; unknown top-level
tables and unknown keys are errors that name the file and the key, so a typo never silently
becomes a default.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

from companion import paths
from companion.errors import UserError, not_utf8

TABLES = ("speech", "listen")


def load(path: Path | None = None) -> dict[str, dict[str, Any]]:
    """Read the settings file; a missing file means all defaults."""
    path = path or paths.config_file()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except UnicodeDecodeError as err:
        raise not_utf8(path, err) from err
    except OSError as err:
        raise UserError(f"cannot read settings file {path}: {err.strerror}") from err
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise UserError(f"{path}: not valid TOML: {err}") from err
    tables = ", ".join(f"[{name}]" for name in TABLES)
    for key, value in data.items():
        if not isinstance(value, dict):
            raise UserError(f"{path}: {key} is outside any table; put it under {tables}")
        if key not in TABLES:
            raise UserError(f"{path}: unknown table [{key}] (expected one of: {tables})")
    return data


# How a settings file's reader would name each kind of value.
KINDS: dict[type, str] = {
    bool: "true or false",
    int: "a whole number",
    float: "a number",
    str: "text in quotes",
}


def table(
    data: dict[str, dict[str, Any]],
    name: str,
    allowed: dict[str, type | tuple[type, ...]],
    path: Path | None = None,
) -> dict[str, Any]:
    """Return table `name`, checking each key against `allowed` (key -> expected types)."""
    where = path or paths.config_file()
    values = data.get(name, {})
    for key, value in values.items():
        if key not in allowed:
            known = ", ".join(sorted(allowed))
            raise UserError(f"{where}: unknown key {name}.{key} (known keys: {known})")
        expected = allowed[key]
        kinds = expected if isinstance(expected, tuple) else (expected,)
        if isinstance(value, bool):  # a bool is an int to Python, never to a settings file
            ok = bool in kinds
        else:
            ok = isinstance(value, kinds) or (float in kinds and isinstance(value, int))
        if not ok:
            wanted = " or ".join(KINDS[kind] for kind in kinds)
            got = json.dumps(value, default=str)  # as TOML writes it: true, "fast", 1.5
            raise UserError(f"{where}: {name}.{key} must be {wanted}, not {got}")
    return dict(values)


def device(value: str | int) -> str | int:
    """An audio device, by its index (as `python -m sounddevice` prints it) or its name."""
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return value
