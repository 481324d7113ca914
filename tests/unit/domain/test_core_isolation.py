"""The pure core stays pure: importing the session engine pulls in no UI, audio, threads, storage
or clock, and no module of `companion.domain` imports one.

What counts is what importing the core *adds* to `sys.modules`: the interpreter itself imports
`time`, `os`, `io` and (through site and the editable install's path hook) `pathlib` before any of
our code runs, and another interpreter, or a site hook, may import `threading` too. So the probe
records the modules before and after the import, in a fresh interpreter, and the core must add
none of the forbidden ones; the source scan below checks that the domain does not import them.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import companion.domain

DOMAIN = Path(companion.domain.__file__).parent

NOT_ADDED_BY_IMPORT = (
    "textual",
    "sounddevice",
    "threading",
    "sqlite3",
    "pyttsx3",
    "vosk",
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
CORE = ("companion.domain.session", "companion.domain.progression")

# argv[1]: what the interpreter imported at start-up (a stand-in for site hooks); the rest: what
# to import between the two snapshots of sys.modules.
PROBE = """
import importlib, json, sys
for name in filter(None, sys.argv[1].split(",")):
    importlib.import_module(name)
before = set(sys.modules)
for name in sys.argv[2:]:
    importlib.import_module(name)
after = set(sys.modules)
print(json.dumps({"before": sorted(before), "added": sorted(after - before)}))
"""


def _probe(*modules: str, start_up: tuple[str, ...] = ()) -> tuple[set[str], set[str]]:
    """The modules loaded before importing `modules` in a fresh interpreter, and those it added."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE, ",".join(start_up), *modules],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    data = json.loads(result.stdout)
    return set(data["before"]), set(data["added"])


def _top(name: str) -> str:
    return name.split(".", maxsplit=1)[0]


def _forbidden_added(added: set[str]) -> set[str]:
    return {_top(m) for m in added} & set(NOT_ADDED_BY_IMPORT)


def test_importing_the_session_loads_no_ui_audio_threads_or_storage() -> None:
    _, added = _probe(*CORE)
    assert _forbidden_added(added) == set()


def test_an_interpreter_that_imports_threading_at_start_up_still_passes() -> None:
    before, added = _probe(*CORE, start_up=("threading", "sqlite3"))
    assert {"threading", "sqlite3"} <= before
    assert "companion.domain.session" in added
    assert _forbidden_added(added) == set()


def test_the_probe_sees_what_an_adapter_adds() -> None:
    """The check above can fail: the history adapter, imported the same way, adds sqlite3."""
    _, added = _probe("companion.storage.history")
    assert "sqlite3" in _forbidden_added(added)


def test_importing_the_session_loads_no_other_companion_package() -> None:
    _, added = _probe(*CORE)
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
