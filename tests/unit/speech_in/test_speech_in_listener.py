"""The `Listener` thread: whatever fails on it, voice commands end up off with the reason shown
(the session screen shows it; `companion listen` stops on it instead of hanging)."""

from __future__ import annotations

import threading

import pytest

from companion.speech_in.engine import EngineName, Recognizer
from companion.speech_in.listener import EngineChoice, Listener
from companion.speech_in.port import ListenState, ListenStatus
from companion.speech_in.settings import ListenSettings
from companion.speech_in.vocabulary import load_vocabulary


class UnstartableEngine:
    """Loads, then cannot make a recognizer: what PocketSphinx does with a grammar it rejects."""

    name = EngineName.POCKETSPHINX
    missing: tuple[str, ...] = ()

    def __init__(self) -> None:
        self.vocabulary = load_vocabulary("en")

    def recognizer(self) -> Recognizer:
        raise RuntimeError("Failed to parse JSGF in decoder")

    def describe(self) -> str:
        return "PocketSphinx (test)"


class Microphone:
    """Stands in for `Capture`: unit tests have no sound card."""

    rate = 16000

    def __init__(self) -> None:
        self.closed = False

    def open(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True


def test_a_failure_once_loaded_turns_voice_off_and_says_why(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    microphones: list[Microphone] = []

    def capture(device: str | int | None) -> Microphone:
        microphones.append(Microphone())
        return microphones[-1]

    monkeypatch.setattr("companion.speech_in.listener.Capture", capture)
    choice = EngineChoice(EngineName.POCKETSPHINX, "en", None, "")
    listener = Listener(choice, ListenSettings(), UnstartableEngine())
    off = threading.Event()

    def on_status(status: ListenStatus) -> None:
        if status.state is ListenState.OFF:  # what `companion listen` stops on
            off.set()

    listener.start(lambda heard: None, on_status)
    try:
        assert off.wait(5), listener.status()
    finally:
        listener.close()
    assert listener.status() == ListenStatus(
        ListenState.OFF, "voice commands off: Failed to parse JSGF in decoder", "pocketsphinx"
    )
    assert [microphone.closed for microphone in microphones] == [True]


def test_without_libspeexdsp_the_gate_keeps_the_companions_voice_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No echo canceller to be had: listening goes on, deaf while the companion speaks, instead
    of voice commands turning off."""
    import ctypes

    from companion.audio.echo import PlaybackReference

    def missing(name: str) -> None:
        raise OSError(f"{name}: cannot open shared object file")

    monkeypatch.setattr(ctypes, "CDLL", missing)
    reference = PlaybackReference()
    reference.open(48000)
    choice = EngineChoice(EngineName.POCKETSPHINX, "en", None, "")
    listener = Listener(choice, ListenSettings(), UnstartableEngine(), reference=reference)
    assert listener._canceller(16000) is None
