"""`open_speech_in` says why voice commands are off, and what to do about it; when they are on,
it keeps the companion's own voice from the listener."""

from __future__ import annotations

import time
from typing import Any

import pytest

from companion import commands
from companion.speech_in.listener import Listener, open_speech_in
from companion.speech_in.port import ListenState
from companion.speech_in.settings import ListenSettings
from companion.speech_out.port import Playback, PlaybackListener, StatusListener


def test_no_listen_says_so() -> None:
    assert open_speech_in(ListenSettings(enabled=False)).status().detail == (
        "voice commands off (--no-listen)"
    )


def test_a_microphone_that_is_not_there_points_to_doctor() -> None:
    status = open_speech_in(ListenSettings(device="no-such-mic")).status()
    assert not status.on
    assert status.state is ListenState.OFF
    assert status.detail == (
        "no microphone (No input device matching 'no-such-mic');"
        f" to fix it, see {commands.companion('doctor')}"
    )


class SpeechOut:
    """Stands in for speech-out: keeps who subscribed to its playback."""

    def __init__(self) -> None:
        self.on_playback: list[PlaybackListener] = []

    def subscribe(self, on_playback: PlaybackListener, on_status: StatusListener) -> None:
        self.on_playback.append(on_playback)


def test_the_listener_it_opens_does_not_hear_the_companion_speak(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def any_microphone(device: Any, kind: str) -> dict[str, Any]:
        return {"name": "test microphone"}

    monkeypatch.setattr("sounddevice.query_devices", any_microphone)
    speech = SpeechOut()
    listener = open_speech_in(ListenSettings(), speech)
    assert isinstance(listener, Listener)
    (on_playback,) = speech.on_playback
    now = time.monotonic()
    assert not listener.gate.blocked(now, now + 0.1)
    on_playback(Playback("Get ready.", now, None))
    assert listener.gate.blocked(now, now + 0.1)
