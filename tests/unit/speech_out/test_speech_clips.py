"""Clip checking, trimming, the disk cache, and the speech settings."""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pytest

from companion.audio.pcm import Samples
from companion.errors import UserError
from companion.speech_out.clips import (
    BadRender,
    DiskCache,
    check_render,
    trim,
)
from companion.speech_out.settings import (
    SpeechSettings,
    add_speech_arguments,
    load_settings,
    settings_from_args,
)

RATE = 22050


def tone(seconds: float, freq: float = 440.0, rate: int = RATE) -> Samples:
    t = np.arange(int(seconds * rate)) / rate
    return (0.5 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def test_trim_cuts_silence_and_keeps_small_pads() -> None:
    speech = tone(0.3)
    padded = np.concatenate([np.zeros(RATE // 2, np.float32), speech, np.zeros(RATE, np.float32)])
    trimmed = trim(padded, RATE)
    first_loud = int(np.flatnonzero(np.abs(trimmed) > 0.005)[0])
    assert first_loud <= int(0.002 * RATE) + 1
    assert len(trimmed) == pytest.approx(len(speech) + 0.032 * RATE, abs=RATE * 0.002)


@pytest.mark.parametrize(
    ("samples", "why"),
    [
        (np.zeros(0, np.float32), "empty"),
        (tone(0.02), "too short"),
        (np.zeros(RATE, np.float32), "silent"),
        (tone(20.0), "too long"),
    ],
)
def test_check_render_rejects_what_a_racy_save_produces(
    samples: Samples, why: str
) -> None:
    with pytest.raises(BadRender, match=why):
        check_render("three", samples, RATE, 175)


def test_check_render_accepts_a_plausible_phrase() -> None:
    check_render("ribs down", tone(0.6), RATE, 175)


@pytest.mark.parametrize(
    ("text", "seconds", "words_per_minute"),
    [
        # Lengths espeak-ng gave with its English voice.
        ("スクワット", 8.52, 80),  # read out character by character
        ("深蹲", 3.78, 80),
        ("1, 2, 3.", 4.02, 80),
        ("🏋", 1.52, 175),  # an emoji is read by its name
    ],
)
def test_check_render_accepts_slow_and_spelled_out_phrases(
    text: str, seconds: float, words_per_minute: int
) -> None:
    check_render(text, tone(seconds), RATE, words_per_minute)


def test_disk_cache_round_trip_and_broken_entries(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path / "speech")
    assert cache.load("one", None, 175) is None
    cache.store("one", None, 175, tone(0.3), RATE)
    loaded = cache.load("one", None, 175)
    assert loaded is not None
    assert loaded[1] == RATE
    assert np.allclose(loaded[0], tone(0.3), atol=1 / 16384)
    assert cache.load("one", "gmw/en-us", 175) is None
    assert cache.load("one", None, 200) is None
    cache.path("two", None, 175).write_bytes(b"RIFF")
    assert cache.load("two", None, 175) is None
    assert not cache.path("two", None, 175).exists()


@pytest.mark.parametrize("cut", [1, 1001])  # an odd byte, or whole samples, short
def test_a_cached_clip_cut_short_is_thrown_away_not_played(tmp_path: Path, cut: int) -> None:
    cache = DiskCache(tmp_path / "speech")
    cache.store("one", None, 175, tone(0.3), RATE)
    path = cache.path("one", None, 175)
    path.write_bytes(path.read_bytes()[:-cut])  # the header still says 0.3 s
    assert cache.load("one", None, 175) is None
    assert not path.exists()


def test_a_directory_in_a_clips_place_is_a_miss_not_a_crash(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path / "speech")
    cache.path("one", None, 175).mkdir(parents=True)
    assert cache.load("one", None, 175) is None


def test_settings_file_then_flags(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[speech]\nvoice = "gmw/en-us"\nrate = 160\nvolume = 1\ndevice = "3"\n')
    assert load_settings(path) == SpeechSettings(voice="gmw/en-us", rate=160, volume=1.0, device=3)
    parser = argparse.ArgumentParser()
    add_speech_arguments(parser)
    args = parser.parse_args(["--rate", "190", "--device", "pulse", "--mute"])
    assert settings_from_args(args, path) == SpeechSettings(
        voice="gmw/en-us", rate=190, volume=1.0, device="pulse", mute=True
    )


def test_a_bad_value_in_the_file_is_named_and_a_flag_overrides_it(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[speech]\nrate = 1000\nvolume = 2\n")
    with pytest.raises(UserError) as raised:
        load_settings(path)
    # Both wrong values, not only the first (issue 26: a file's problems are reported together).
    assert str(raised.value) == (
        f"{path} has 2 problems:\n"
        "  speech.rate must be between 80 and 450, not 1000\n"
        "  speech.volume must be between 0 and 1, not 2"
    )
    parser = argparse.ArgumentParser()
    add_speech_arguments(parser)
    fixed = settings_from_args(parser.parse_args(["--rate", "175", "--volume", "0.5"]), path)
    assert (fixed.rate, fixed.volume) == (175, 0.5)
    with pytest.raises(UserError) as raised:
        settings_from_args(parser.parse_args(["--rate", "60"]), path)
    assert str(raised.value) == "--rate must be between 80 and 450, not 60"


def test_settings_errors_name_the_problem(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[speech]\nspeed = 3\n")
    with pytest.raises(UserError, match=r"speech\.speed"):
        load_settings(path)
    path.write_text("[speech]\nrate = 1000\n")
    with pytest.raises(UserError, match="rate must be between 80 and 450"):
        load_settings(path)
    with pytest.raises(UserError, match="volume"):
        SpeechSettings(volume=1.5)
    path.write_bytes(b'[speech]\nvoice = "caf\xe9"\n')  # saved as Latin-1 by an editor
    with pytest.raises(UserError) as raised:
        load_settings(path)
    assert str(raised.value).startswith(f"{path}: not UTF-8")
    assert str(raised.value).endswith("save the file as UTF-8")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[speech]\nrate = "fast"\n', 'speech.rate must be a whole number, not "fast"'),
        ("[speech]\nrate = true\n", "speech.rate must be a whole number, not true"),
        ("[speech]\nvolume = [1]\n", "speech.volume must be a number, not [1]"),
        ("[speech]\nvoice = 7\n", "speech.voice must be text in quotes, not 7"),
        (
            "[speech]\ndevice = 1.5\n",
            "speech.device must be text in quotes or a whole number, not 1.5",
        ),
        ("rate = 100\n", "rate is outside any table; put it under [speech], [listen]"),
        ("[sound]\nrate = 100\n", "unknown table [sound] (expected one of: [speech], [listen])"),
    ],
)
def test_a_settings_file_mistake_is_named_in_the_files_terms(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(UserError) as raised:
        load_settings(path)
    assert str(raised.value) == f"{path}: {message}"


def test_a_device_may_be_given_by_its_index_as_a_number(tmp_path: Path) -> None:
    from companion.speech_in.settings import load_listen_settings

    path = tmp_path / "config.toml"
    path.write_text('[speech]\ndevice = 0\n[listen]\ndevice = "2"\n')
    assert load_settings(path).device == 0
    assert load_listen_settings(path).device == 2  # a number in quotes is an index too


def test_find_voice_by_id_short_id_or_name() -> None:
    from companion.speech_out.render import Voice, find_voice

    voices = [Voice("gmw/en-us", "English (America)", ("en-us",)), Voice("gmw/en", "English", ())]
    assert find_voice("gmw/en-us", voices) is voices[0]
    assert find_voice("EN-US", voices) is voices[0]
    assert find_voice("english (america)", voices) is voices[0]
    assert find_voice("en-us+f3", voices) is voices[0]  # an espeak-ng variant of a listed voice
    assert find_voice("en-usa", voices) is None
    assert find_voice("gmw", voices) is None
