"""`companion doctor` names the active engine and the command that fixes each gap."""

from __future__ import annotations

from pathlib import Path

import pytest

from companion.cli import main


def test_doctor_without_english_model_points_to_the_install_command(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr("companion.paths.bundled_models_dir", lambda: tmp_path / "none")
    main(["doctor"])
    out = capsys.readouterr().out
    assert "active engine: moonshine (en)" in out
    assert "English voice commands use Moonshine's built-in model" in out
    assert "the primary English engine, Vosk: companion models install" in out
    assert "microphones:" in out


def test_doctor_without_moonshine_falls_back_to_pocketsphinx(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr("companion.paths.bundled_models_dir", lambda: tmp_path / "none")
    monkeypatch.setattr("companion.speech_in.moonshine_model.bundled_model_dir", lambda: None)
    monkeypatch.setattr("companion.speech_in.listener.bundled_model_dir", lambda: None)
    main(["doctor"])
    out = capsys.readouterr().out
    assert "Moonshine English model: missing (pip install moonshine-cpp)" in out
    assert "active engine: pocketsphinx (en)" in out
