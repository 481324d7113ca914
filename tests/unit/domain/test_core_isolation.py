"""The pure core stays pure: importing the session engine pulls in no UI, audio, threads, storage
or clock, and no module of `companion.domain` imports one.

Honest caveat: the interpreter itself imports `time`, `os`, `io` and (through site and the
editable install's path hook) `pathlib` before any of our code runs, so for those we can only
check that the domain does not *add* them and does not import them in its source; `threading`,
`sqlite3`, `textual` and `sounddevice` are absent from a fresh interpreter and must stay so.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import companion.domain

DOMAIN = Path(companion.domain.__file__).parent

ABSENT_AFTER_IMPORT = ("textual", "sounddevice", "threading", "sqlite3", "pyttsx3", "vosk")
NOT_ADDED_BY_IMPORT = (
    *ABSENT_AFTER_IMPORT,
    "time",
    "asyncio",
    "socket",
    "subprocess",
    "pathlib",
    "random",
    "datetime",
)
# What the domain may import: typing and data-structure helpers from the standard library.
ALLOWED_STDLIB = {
    "__future__",
    "collections",
    "collections.abc",
    "dataclasses",
    "enum",
    "math",
    "typing",
    "itertools",
    "functools",
}

PROBE = """
import json, sys
before = set(sys.modules)
import companion.domain.session
import companion.domain.progression
after = set(sys.modules)
print(json.dumps({"before": sorted(before), "added": sorted(after - before)}))
"""


def _probe() -> tuple[set[str], set[str]]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=60
    )
    data = json.loads(result.stdout)
    return set(data["before"]), set(data["added"])


def _top(name: str) -> str:
    return name.split(".", maxsplit=1)[0]


def test_importing_the_session_loads_no_ui_audio_threads_or_storage() -> None:
    before, added = _probe()
    loaded = before | added
    for name in ABSENT_AFTER_IMPORT:
        assert name not in loaded, name
    added_tops = {_top(m) for m in added}
    for name in NOT_ADDED_BY_IMPORT:
        assert name not in added_tops, name


def test_importing_the_session_loads_no_other_companion_package() -> None:
    _, added = _probe()
    ours = {m for m in added if _top(m) == "companion"}
    assert ours, "the probe imported nothing of ours"
    assert {m for m in ours if m not in ("companion", "companion.domain")} == {
        m for m in ours if m.startswith("companion.domain.")
    }


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module is not None and node.level == 0:
            names.add(node.module)
    return names


def test_domain_sources_import_only_the_domain_and_plain_stdlib() -> None:
    for path in sorted(DOMAIN.glob("*.py")):
        for name in _imports(path):
            if name.startswith("companion."):
                assert name.startswith("companion.domain"), (path.name, name)
            else:
                assert name in ALLOWED_STDLIB, (path.name, name)


def test_the_source_scan_sees_the_engine() -> None:
    names = {p.name for p in DOMAIN.glob("*.py")}
    assert {"session.py", "plan.py", "script.py", "progression.py"} <= names
    assert "companion.domain.plan" in _imports(DOMAIN / "session.py")
