"""The `Listener` thread: whatever fails on it, voice commands end up off with the reason shown
(the session screen shows it; `companion listen` stops on it instead of hanging)."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest
from test_listening_for import Saying

from companion.domain.events import Command
from companion.speech_in.capture import Block
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


class NotingEngine(UnstartableEngine):
    """Its recognizer hears nothing and notes what it is told to listen for."""

    def __init__(self) -> None:
        super().__init__()
        self.made = Saying()

    def recognizer(self) -> Recognizer:
        return self.made


class QuietMicrophone(Microphone):
    """Delivers 50 ms blocks of silence, as fast as they are read."""

    overflows = 0

    def read(self, timeout: float) -> Block:
        time.sleep(0.005)
        now = time.monotonic()
        return Block(np.zeros(800, np.float32), now - 0.05, now)

    def lost(self) -> str | None:
        return None


def test_the_listener_listens_for_what_it_is_told_and_says_why_its_engine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("companion.speech_in.listener.Capture", lambda device: QuietMicrophone())
    engine = NotingEngine()
    choice = EngineChoice(EngineName.POCKETSPHINX, "en", None, "asked for")
    listener = Listener(choice, ListenSettings(echo_cancellation=False), engine)
    listening = threading.Event()

    def on_status(status: ListenStatus) -> None:
        if status.state is ListenState.LISTENING:
            listening.set()

    listener.listen_for(frozenset({Command.YES}))  # before it starts: kept until it does
    listener.start(lambda heard: None, on_status)
    try:
        assert listening.wait(5)
        assert listener.status().why == "asked for"
        listener.listen_for(frozenset({Command.NEXT}))
        deadline = time.monotonic() + 5
        while len(engine.made.told) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        listener.close()
    safety = frozenset({Command.PAIN, Command.HALT, Command.STOP})
    told = engine.made.told
    assert told == [frozenset({Command.YES}) | safety, frozenset({Command.NEXT}) | safety]
