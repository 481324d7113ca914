"""`companion doctor` names the active engine and the command that fixes each gap."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import pytest

from companion import commands
from companion.cli import main


def test_doctor_without_english_model_points_to_the_install_command(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr("companion.paths.bundled_models_dir", lambda: tmp_path / "none")
    main(["doctor"])
    out = capsys.readouterr().out
    assert "active engine: moonshine (en)" in out
    assert "English voice commands use Moonshine's built-in model" in out
    assert f"the primary English engine, Vosk: {commands.companion('models install')}" in out
    assert "microphones:" in out


def test_doctor_without_moonshine_falls_back_to_pocketsphinx(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr("companion.paths.bundled_models_dir", lambda: tmp_path / "none")
    monkeypatch.setattr("companion.speech_in.moonshine_model.bundled_model_dir", lambda: None)
    monkeypatch.setattr("companion.speech_in.listener.bundled_model_dir", lambda: None)
    main(["doctor"])
    out = capsys.readouterr().out
    assert f"Moonshine English model: missing ({commands.pip_install('moonshine-cpp')})" in out
    assert "active engine: pocketsphinx (en)" in out


def test_advice_names_this_installs_commands(monkeypatch: pytest.MonkeyPatch) -> None:
    """After ./install-and-run nothing is on PATH, and Debian's pip refuses to install: the
    advice must be commands that work as printed."""
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    here = Path(sys.executable).with_name("companion")
    assert here.is_file()  # the test runs in the companion's own environment
    assert commands.companion("models install") == f"{shlex.quote(str(here))} models install"
    assert commands.pip_install("vosk") == f"{shlex.quote(sys.executable)} -m pip install vosk"
    monkeypatch.setenv("PATH", str(here.parent))
    assert commands.companion("models install") == "companion models install"
