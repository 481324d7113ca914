"""`open_speech_in` says why voice commands are off, and what to do about it."""

from __future__ import annotations

from companion import commands
from companion.speech_in.listener import open_speech_in
from companion.speech_in.settings import ListenSettings


def test_no_listen_says_so() -> None:
    assert open_speech_in(ListenSettings(enabled=False)).status().detail == (
        "voice commands off (--no-listen)"
    )


def test_a_microphone_that_is_not_there_points_to_doctor() -> None:
    status = open_speech_in(ListenSettings(device="no-such-mic")).status()
    assert not status.on
    assert status.detail == (
        "no microphone (No input device matching 'no-such-mic');"
        f" to fix it, see {commands.companion('doctor')}"
    )
