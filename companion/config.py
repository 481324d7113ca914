"""The settings file: one TOML file, one table per adapter.

Each adapter validates its own table (`[speech]`, `[listen]`) with `table()`; unknown top-level
tables and unknown keys are errors that name the file and the key, so a typo never silently
becomes a default.
"""

from __future__ import annotations

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
    for key, value in data.items():
        if key not in TABLES:
            raise UserError(f"{path}: unknown table [{key}] (expected one of: {', '.join(TABLES)})")
        if not isinstance(value, dict):
            raise UserError(f"{path}: {key} must be a table, like [{key}]")
    return data


def table(
    data: dict[str, dict[str, Any]], name: str, allowed: dict[str, type], path: Path | None = None
) -> dict[str, Any]:
    """Return table `name`, checking each key against `allowed` (key -> expected type)."""
    where = path or paths.config_file()
    values = data.get(name, {})
    for key, value in values.items():
        if key not in allowed:
            known = ", ".join(sorted(allowed))
            raise UserError(f"{where}: unknown key {name}.{key} (known keys: {known})")
        expected = allowed[key]
        ok = isinstance(value, expected) and not (expected is not bool and isinstance(value, bool))
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            ok = True
        if not ok:
            raise UserError(f"{where}: {name}.{key} must be a {expected.__name__}, not {value!r}")
    return dict(values)
