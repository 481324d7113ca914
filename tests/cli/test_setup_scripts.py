"""The set-up scripts, run for real by bash on a copy of the checkout whose tools are stand-ins:
pip runs only when pyproject.toml changed (a second start works offline), and ./install-and-run
runs the companion from where it was called."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def stand_in(path: Path, body: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/usr/bin/env bash\n{body}\n")
    path.chmod(0o755)


def checkout(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A copy of the scripts with a venv whose python logs pip runs and whose companion says
    where it ran, and a dpkg-query that reports every package installed."""
    root = tmp_path / "checkout"
    shutil.copytree(ROOT / "scripts", root / "scripts")
    shutil.copy2(ROOT / "install-and-run", root / "install-and-run")
    (root / "pyproject.toml").write_text('[project]\nname = "x"\n')
    stand_in(root / ".venv/bin/python", f'echo "$*" >>"{tmp_path}/pip.log"')
    stand_in(root / ".venv/bin/companion", 'echo "ran in $PWD with $*"')
    stand_in(tmp_path / "bin/dpkg-query", "echo 'install ok installed'")
    env = {**os.environ, "PATH": f"{tmp_path / 'bin'}:{os.environ['PATH']}"}
    return root, env


def pip_runs(tmp_path: Path) -> int:
    log = tmp_path / "pip.log"
    return len(log.read_text().splitlines()) if log.exists() else 0


def test_pip_runs_again_only_when_pyproject_changes(tmp_path: Path) -> None:
    root, env = checkout(tmp_path)

    def ensure(extras: str) -> None:
        script = f'set -euo pipefail; source scripts/setup.sh; ensure_venv "{extras}"'
        subprocess.run(["bash", "-c", script], cwd=root, env=env, check=True)

    ensure("")
    assert pip_runs(tmp_path) == 1
    ensure("")  # offline now: it must not need pip
    assert pip_runs(tmp_path) == 1
    ensure("[test]")  # more packages wanted
    assert pip_runs(tmp_path) == 2
    ensure("")  # the test install has the runtime's packages too
    assert pip_runs(tmp_path) == 2
    (root / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "2"\n')
    ensure("")
    assert pip_runs(tmp_path) == 3


def test_install_and_run_runs_the_companion_where_it_was_called(tmp_path: Path) -> None:
    root, env = checkout(tmp_path)
    here = tmp_path / "my workouts"
    here.mkdir()
    result = subprocess.run(
        [str(root / "install-and-run"), "validate", "my-workout.toml"],
        cwd=here,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    assert result.stdout.splitlines()[-1] == f"ran in {here} with validate my-workout.toml"
