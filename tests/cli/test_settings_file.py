"""A bad settings file in `start`, `say` and `doctor`: every problem named with the file and key,
all of them at once, never the generic crash line; a voice the file names is checked like
`--voice`."""

from __future__ import annotations

from pathlib import Path

import pytest

from companion import paths
from companion.cli import main
from companion.config import SettingsError, load
from companion.speech_in.settings import load_listen_settings
from companion.speech_out.settings import load_settings

UNKNOWN_VOICE = "unknown voice 'no-such-voice'; `companion voices` lists the voices here"


def settings(text: str) -> Path:
    path = paths.config_file()
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def no_screen(monkeypatch: pytest.MonkeyPatch) -> None:
    """`start` must stop before the screen is taken over; a test that got further fails."""

    def taken_over(*args: object, **kwargs: object) -> None:
        raise AssertionError("the session screen was started")

    monkeypatch.setattr("companion.tui.app.CompanionApp", taken_over)


def problems(text: str) -> tuple[str, ...]:
    settings(text)
    with pytest.raises(SettingsError) as raised:
        load()
    assert raised.value.path == paths.config_file()
    return raised.value.problems


# --- what used to end in the generic crash line -------------------------------------------------

HOSTILE = {
    "big-integer": (
        "[speech]\nrate = " + "9" * 5000 + "\n",
        "a number of more than 4300 digits (line 2)",
    ),
    "deep-arrays": (
        "[speech]\nvoice = " + "[" * 400 + "]" * 400 + "\n",
        "speech.voice must be text in quotes, not an array",
    ),
    "no-such-home": (
        '[listen]\nmodel = "~nosuchuser/vosk"\n',
        "listen.model: '~nosuchuser/vosk' starts with ~nosuchuser, but there is no such home"
        " directory",
    ),
    "huge-rate": (
        "[speech]\nrate = " + "9" * 60 + "\n",
        "speech.rate must be between 80 and 450, not a number of 60 digits",
    ),
    "huge-tail": (
        "[listen]\nself_voice_tail = " + "9" * 60 + "\n",
        "listen.self_voice_tail must be between 0 and 2 seconds, not a number of 60 digits",
    ),
    "unknown-voice": ('[speech]\nvoice = "no-such-voice"\n', f"speech.voice: {UNKNOWN_VOICE}"),
}


@pytest.mark.parametrize("kind", HOSTILE)
def test_a_hostile_settings_file_is_named_with_its_key(kind: str) -> None:
    text, problem = HOSTILE[kind]
    assert problems(text) == (problem,)


@pytest.mark.parametrize("kind", HOSTILE)
@pytest.mark.parametrize(
    "argv", [["start", "hip-thrust", "--mute"], ["say", "ribs down"], ["doctor"]],
    ids=["start", "say", "doctor"],
)
def test_start_say_and_doctor_name_the_file_and_key(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, argv: list[str], kind: str
) -> None:
    if kind == "unknown-voice" and argv[0] == "start":
        argv = argv[:2]  # muted, no voice is used; heard, it must be one there is
    text, problem = HOSTILE[kind]
    path = settings(text)
    code = main(argv)
    out, err = capsys.readouterr()
    assert "unexpected error" not in out + err
    assert f"{path}: {problem}" in (out if argv[0] == "doctor" else err)
    assert code == (1 if argv[0] == "doctor" else 2)


def test_a_deeper_settings_file_than_the_parser_takes_is_named() -> None:
    assert problems("[speech]\nvoice = " + "[" * 5000 + "]" * 5000 + "\n") == (
        "not valid TOML: arrays or tables nested too deeply",
    )


# --- every problem at once ----------------------------------------------------------------------


def test_every_problem_in_the_file_is_reported_together(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = settings(
        "[speech]\n"
        'voice = "no-such-voice"\n'
        'rate = "fast"\n'
        "volume = 3\n"
        "speed = 1\n"
        "[listen]\n"
        'engine = "google"\n'
        "self_voice_tail = -1\n"
        "[sound]\n"
        "x = 1\n"
    )
    assert main(["say", "ribs down"]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"companion: {path} has 7 problems:\n"
        "  unknown table [sound] (expected one of: [speech], [listen])\n"
        '  speech.rate must be a whole number, not "fast"\n'
        "  unknown key speech.speed (known keys: device, earcons, rate, voice, volume)\n"
        "  speech.volume must be between 0 and 1, not 3\n"
        f"  speech.voice: {UNKNOWN_VOICE}\n"
        "  listen.engine must be one of auto, vosk, moonshine, pocketsphinx\n"
        "  listen.self_voice_tail must be between 0 and 2 seconds, not -1\n"
    )


def test_a_flag_that_replaces_a_bad_key_lets_the_rest_of_the_file_through() -> None:
    import argparse

    from companion.speech_in.settings import add_listen_arguments
    from companion.speech_in.settings import settings_from_args as listen_from_args
    from companion.speech_out.settings import add_speech_arguments
    from companion.speech_out.settings import settings_from_args as speech_from_args

    settings('[speech]\nrate = 1000\n[listen]\nengine = "google"\n')
    parser = argparse.ArgumentParser()
    add_speech_arguments(parser)
    add_listen_arguments(parser)
    args = parser.parse_args(["--rate", "200", "--engine", "vosk"])
    assert speech_from_args(args).rate == 200
    assert listen_from_args(args).engine == "vosk"


# --- nothing raw, nothing odd -------------------------------------------------------------------


def test_a_key_with_control_characters_is_printed_escaped(
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings('[speech]\n"\\u001b]0;owned\\u0007" = 1\n')
    assert main(["say", "ribs down"]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\x07" not in err
    assert "unknown key speech.\\x1b]0;owned\\x07 (known keys:" in err


@pytest.mark.parametrize("device", ["²", "9" * 5000, " 3 "])
def test_a_device_that_looks_numeric_is_a_name_or_an_index(device: str) -> None:
    settings(f'[speech]\ndevice = "{device}"\n')
    assert load_settings().device == (3 if device == " 3 " else device)


def test_a_home_the_model_flag_names_that_is_not_there_is_named(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["start", "hip-thrust", "--mute", "--model", "~nosuchuser/vosk"]) == 2
    assert capsys.readouterr().err == (
        "companion: --model: '~nosuchuser/vosk' starts with ~nosuchuser, but there is no such"
        " home directory\n"
    )


def test_earcons_are_on_unless_the_file_turns_them_off() -> None:
    settings("[speech]\nrate = 160\n")
    assert load_settings().earcons
    settings("[speech]\nearcons = false\n")
    assert not load_settings().earcons


def test_earcons_must_be_true_or_false() -> None:
    assert problems('[speech]\nearcons = "off"\n') == (
        'speech.earcons must be true or false, not "off"',
    )
    assert problems("[speech]\nearcons = 0\n") == ("speech.earcons must be true or false, not 0",)


def test_a_valid_file_still_loads() -> None:
    settings('[speech]\nvoice = "gmw/en-us"\nrate = 160\n[listen]\nmodel = "~/vosk"\n')
    assert load_settings().voice == "gmw/en-us"
    assert load_listen_settings().model == Path("~/vosk").expanduser()


# --- a voice: the file's and the flag's, checked the same way -----------------------------------


@pytest.mark.parametrize("argv", [["say", "ribs down"], ["start", "hip-thrust"]])
def test_an_unknown_voice_flag_errors_before_anything_is_said(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    assert main([*argv, "--voice", "no-such-voice"]) == 2
    assert capsys.readouterr().err == f"companion: speech off: {UNKNOWN_VOICE}\n"


def test_doctor_names_an_unknown_voice_in_the_file(capsys: pytest.CaptureFixture[str]) -> None:
    path = settings('[speech]\nvoice = "no-such-voice"\n')
    assert main(["doctor"]) == 1
    assert f"{path}: speech.voice: {UNKNOWN_VOICE}" in capsys.readouterr().out
