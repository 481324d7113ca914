"""The wheel is a whole companion: built from the checkout and installed in a fresh virtualenv,
`companion list` shows the shipped workouts, `companion validate` passes them and a Pilot session
runs with the installed styles, all with the checkout off sys.path (an empty working directory,
no PYTHONPATH). `pip install .` and `pipx install .` install this same wheel.

The fresh virtualenv gets no pip and no dependencies of its own: a .pth file, read after the
installed wheel, points at this interpreter's site-packages, where the dependencies already are.
So nothing is downloaded and the whole module takes seconds.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from companion import paths

ROOT = Path(__file__).resolve().parents[2]
WORKOUTS = ["hinge-back", "hip-thrust", "runner-posterior-chain"]
# What the build reads. It builds from a copy: a build in the checkout leaves build/ there, and
# setuptools ships whatever stale files a later build finds in it.
SOURCES = ["pyproject.toml", "README.md", "companion", "workouts"]


@dataclass(frozen=True)
class Installed:
    venv: Path
    package: Path  # the installed `companion` directory
    empty: Path  # a working directory with nothing importable in it

    def run(self, *command: str | Path) -> subprocess.CompletedProcess[str]:
        env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
        return subprocess.run(
            [str(part) for part in command],
            cwd=self.empty,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"


def checked(command: list[str | Path]) -> str:
    # Without PYTHONPATH: a checkout on it holds companion.egg-info, and pip would then take the
    # wheel as already installed in the fresh virtualenv and install nothing.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run(
        [str(part) for part in command],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )
    assert done.returncode == 0, f"{command}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    base = tmp_path_factory.mktemp("package")
    source = base / "source"
    source.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
            shutil.copytree(ROOT / name, source / name, ignore=ignore)
        else:
            shutil.copy2(ROOT / name, source / name)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    dist = base / "dist"
    checked([*pip, "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", dist, source])
    (wheel,) = dist.glob("companion-*.whl")

    venv = base / "venv"
    checked([sys.executable, "-m", "venv", "--without-pip", venv])
    python = venv / "bin" / "python"
    checked([*pip, "--python", python, "install", "--no-deps", "--no-index", wheel])
    where = "import sysconfig; print(sysconfig.get_path('purelib'))"
    site = Path(checked([python, "-c", where]).strip())
    here = sorted({sysconfig.get_path("purelib"), sysconfig.get_path("platlib")})
    (site / "dependencies.pth").write_text("\n".join(here) + "\n")

    empty = base / "empty"
    empty.mkdir()
    yield Installed(venv, site / "companion", empty)


def test_the_installed_package_is_the_one_imported(installed: Installed) -> None:
    script = "import companion.paths as p; print(p.__file__); print(p.bundled_workouts_dir())"
    done = installed.run(installed.python, "-c", script)
    assert done.returncode == 0, done.stderr
    module, workouts = (Path(line) for line in done.stdout.splitlines())
    assert module == installed.package / "paths.py"
    assert workouts == installed.package / "bundled_workouts"


def test_every_file_of_the_package_is_installed(installed: Installed) -> None:
    """A package or data file left out of pyproject.toml's lists fails here."""

    def files(directory: Path) -> set[str]:
        return {
            str(path.relative_to(directory))
            for path in directory.rglob("*")
            if path.is_file() and "__pycache__" not in path.parts
        }

    shipped = files(installed.package)
    assert files(ROOT / "companion") <= shipped
    assert {f"bundled_workouts/{name}" for name in files(ROOT / "workouts")} <= shipped


def test_companion_list_shows_the_shipped_workouts(installed: Installed) -> None:
    done = installed.run(installed.venv / "bin" / "companion", "list")
    assert done.returncode == 0, done.stderr
    rows = [line.split()[0] for line in done.stdout.splitlines()[1:]]
    assert rows == WORKOUTS, done.stdout


def test_companion_validate_passes_the_shipped_workouts(installed: Installed) -> None:
    done = installed.run(installed.venv / "bin" / "companion", "validate")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stderr.strip() == f"{len(WORKOUTS)} workout files are valid"


def test_a_pilot_session_runs_from_the_installed_copy(installed: Installed, tmp_path: Path) -> None:
    run = tmp_path / "run"
    (run / "tui").mkdir(parents=True)
    (run / "tui" / "__init__.py").touch()
    shutil.copy2(ROOT / "tests" / "tui" / "appkit.py", run / "tui" / "appkit.py")
    shutil.copy2(Path(__file__).with_name("installed_session.py"), run / "installed_session.py")
    done = installed.run(installed.python, run / "installed_session.py")
    assert done.returncode == 0, done.stdout + done.stderr
    assert Path(done.stdout.strip()) == installed.package / "__init__.py"


class OtherCheckout:
    """A meta path finder like the one an editable install of another checkout adds: it maps
    `companion.bundled_workouts` to that checkout's workouts."""

    def __init__(self, workouts: Path) -> None:
        self.workouts = workouts

    def find_spec(self, name: str, path: object = None, target: object = None) -> object:
        if name != "companion.bundled_workouts":
            return None
        from importlib.machinery import ModuleSpec

        spec = ModuleSpec(name, None, is_package=True)
        spec.submodule_search_locations = [str(self.workouts)]
        return spec


def test_a_checkout_uses_its_own_workouts_beside_another_editable_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "other-checkout" / "workouts"
    other.mkdir(parents=True)
    monkeypatch.setattr(sys, "meta_path", [*sys.meta_path, OtherCheckout(other)])
    assert paths.bundled_workouts_dir() == ROOT / "workouts"
