"""The settings file: one TOML file, one table per adapter.

The adapter that reads a table says what it may hold in its module's `TABLE` (a `Table`: each
key's types, and the rules beyond them). `load()` reads the file and checks all of it: unknown
tables and keys, wrong types and values out of range are errors that name the file and the key,
so a typo never silently becomes a default, and every problem in the file is reported at once,
so fixing one does not merely reveal the next.
"""

from __future__ import annotations

import importlib
import json
import math
import re
import sys
import tomllib
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from companion import paths
from companion.errors import UserError, not_utf8
from companion.printable import printable

# Each table and the module whose `TABLE` describes it: the adapter that reads it.
TABLES = {"speech": "companion.speech_out.settings", "listen": "companion.speech_in.settings"}

Types = type | tuple[type, ...]


def _no_rules(values: dict[str, Any]) -> list[str]:
    return []


@dataclass(frozen=True)
class Table:
    """What one table may hold. `rules` gets the values whose types are right (and that no
    command-line flag overrides) and returns each problem beyond the types as a whole message
    that starts with the key, like "speech.rate must be between 80 and 450, not 1000"."""

    keys: Mapping[str, Types]
    rules: Callable[[dict[str, Any]], list[str]] = field(default=_no_rules)


class SettingsError(UserError):
    """Every problem in the settings file; `problems` holds each as "key: what is wrong"."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path = path
        self.problems = tuple(printable(problem) for problem in problems)
        where = printable(str(path))
        if len(self.problems) == 1:
            text = f"{where}: {self.problems[0]}"
        else:
            listed = "".join(f"\n  {problem}" for problem in self.problems)
            text = f"{where} has {len(self.problems)} problems:{listed}"
        super().__init__(text)


def load(path: Path | None = None, overridden: Collection[str] = ()) -> dict[str, dict[str, Any]]:
    """Read and check the settings file; a missing file means all defaults. `overridden` names
    the keys ("speech.rate") a command-line flag replaces: their values are not judged."""
    path = path or paths.config_file()
    data = _parse(path)
    tables = ", ".join(f"[{name}]" for name in TABLES)
    problems: list[str] = []
    for key, value in data.items():
        if not isinstance(value, dict):
            problems.append(f"{key} is outside any table; put it under {tables}")
        elif key not in TABLES:
            problems.append(f"unknown table [{key}] (expected one of: {tables})")
    for name, module in TABLES.items():
        values = data.get(name)
        if isinstance(values, dict):
            spec: Table = importlib.import_module(module).TABLE
            problems += _check(name, values, spec, overridden)
    if problems:
        raise SettingsError(path, problems)
    return data


def _parse(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except UnicodeDecodeError as err:
        raise not_utf8(path, err) from err
    except OSError as err:
        raise UserError(f"cannot read settings file {path}: {err.strerror}") from err
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise SettingsError(path, [f"not valid TOML: {err}"]) from err
    except RecursionError as err:
        raise SettingsError(path, ["not valid TOML: arrays or tables nested too deeply"]) from err
    except ValueError as err:
        # tomllib's only other error: an integer beyond Python's digit limit for conversion.
        digits = sys.get_int_max_str_digits()
        huge = re.search(rf"(?:[0-9]_?){{{digits},}}", text)
        line = f" (line {text.count(chr(10), 0, huge.start()) + 1})" if huge else ""
        raise SettingsError(path, [f"a number of more than {digits} digits{line}"]) from err


def _check(
    name: str, values: dict[str, Any], spec: Table, overridden: Collection[str]
) -> list[str]:
    problems: list[str] = []
    good: dict[str, Any] = {}
    for key, value in values.items():
        expected = spec.keys.get(key)
        if expected is None:
            known = ", ".join(sorted(spec.keys))
            problems.append(f"unknown key {name}.{key} (known keys: {known})")
            continue
        kinds = expected if isinstance(expected, tuple) else (expected,)
        if isinstance(value, bool):  # a bool is an int to Python, never to a settings file
            ok = bool in kinds
        else:
            ok = isinstance(value, kinds) or (float in kinds and isinstance(value, int))
        if not ok:
            wanted = " or ".join(KINDS[kind] for kind in kinds)
            problems.append(f"{name}.{key} must be {wanted}, not {shown(value)}")
        elif f"{name}.{key}" not in overridden:
            good[key] = value
    return problems + spec.rules(good)


# How a settings file's reader would name each kind of value.
KINDS: dict[type, str] = {
    bool: "true or false",
    int: "a whole number",
    float: "a number",
    str: "text in quotes",
}


def shown(value: object) -> str:
    """A value as TOML writes it (true, "fast", 1.5, [1]), kept short: a value too long or too
    deep to show is named by its kind."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**40:
        return f"a number of {len(str(abs(value)))} digits"
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # inf, -inf, nan: as TOML writes them, where JSON has no word
    if isinstance(value, list):
        plain = all(isinstance(item, bool | int | float | str) for item in value[:10])
        text = f"[{', '.join(shown(item) for item in value[:10])}]" if plain else ""
        return text if plain and len(value) <= 10 and len(text) <= 60 else "an array"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, str) and len(value) > 60:
        return json.dumps(value[:57] + "...")
    return json.dumps(value, default=str)


# The command-line flags that replace a key of the file for one run, by their argparse `dest`.
FLAGS = {
    "voice": "speech.voice",
    "rate": "speech.rate",
    "volume": "speech.volume",
    "device": "speech.device",
    "engine": "listen.engine",
    "model": "listen.model",
    "language": "listen.language",
}


def overridden(args: object) -> set[str]:
    """The keys of the file that flags given in `args` (an argparse namespace) replace."""
    return {key for dest, key in FLAGS.items() if getattr(args, dest, None) is not None}


def table(data: dict[str, dict[str, Any]], name: str) -> dict[str, Any]:
    """Table `name` of settings that `load()` checked (empty when the file leaves it out)."""
    return dict(data.get(name, {}))


def device(value: str | int) -> str | int:
    """An audio device, by its index (as `python -m sounddevice` prints it) or its name."""
    text = value.strip() if isinstance(value, str) else ""
    # ASCII digits only: "²" is a digit to str.isdigit() but not to int().
    if text.isascii() and text.isdigit() and len(text) <= 9:
        return int(text)
    return value


def home_path(text: str) -> Path | None:
    """`text` as a path with `~` and `~user` expanded; None when there is no such home."""
    try:
        return Path(text).expanduser()
    except RuntimeError:  # "~nosuchuser/...", or "~" with no HOME and no passwd entry
        return None
