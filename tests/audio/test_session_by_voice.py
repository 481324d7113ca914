"""The whole app, by voice, through the virtual PulseAudio microphone and speaker.

`companion start`'s own wiring (deferred speech out and speech in, the self-voice gate fed by the
real speaker's playback events) runs the real Textual app. The recogniser is real: Vosk with the
Korean model from PyPI (the English Vosk model cannot be downloaded here), and the default English
engine, Moonshine; the session's speech is real pyttsx3/espeak-ng played through sounddevice.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from pulse import PulseLab
from speech_in_audio import espeak, flite, korean_model
from textual.message import Message
from textual.pilot import Pilot

from companion.app.wiring import Wiring
from companion.library import load_library
from companion.speech_in.port import ListenStatus
from companion.speech_in.settings import ListenSettings
from companion.speech_out.settings import SpeechSettings
from companion.tui.app import CompanionApp
from companion.tui.messages import CommandHeard, ListenChanged
from companion.tui.session_screen import SessionScreen

pytestmark = pytest.mark.audio

KOREAN = ListenSettings(model=korean_model(), language="ko")


async def wait_for(pilot: Pilot[None], condition: object, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        await pilot.pause(0.1)
    raise AssertionError(f"not within {seconds} s: {what}")


def app_for(wiring: Wiring) -> CompanionApp:
    wiring.ui_ready.set()
    return CompanionApp(
        load_library().workouts,
        open_session=wiring.open_session,
        open_listener=wiring.open_listener,
        start="hip-thrust",
    )


def korean_done(path: Path) -> Path:
    return espeak("완료", path, voice="ko")  # "done": a phrase for next


def english_next_set(path: Path) -> Path:
    return flite("next set", path)


@pytest.mark.parametrize(
    ("settings", "engine", "render", "load_s"),
    [
        (KOREAN, "vosk", korean_done, 20),
        (ListenSettings(), "moonshine", english_next_set, 30),  # the default for English
    ],
    ids=["korean-vosk", "english-default"],
)
async def test_a_spoken_command_advances_the_running_session(
    pulse: PulseLab,
    tmp_path: Path,
    settings: ListenSettings,
    engine: str,
    render: Callable[[Path], Path],
    load_s: float,
) -> None:
    wiring = Wiring(SpeechSettings(mute=True), settings)
    app = app_for(wiring)
    command = render(tmp_path / "command.wav")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        await wait_for(pilot, lambda: screen.listener.status().on, load_s, "the listener to start")
        assert screen.listener.status().engine == engine
        assert screen.view is not None and screen.view.step_index == 0
        pulse.play_into_mic(command).wait(timeout=15)
        await wait_for(pilot, lambda: screen.view.step_index == 1, 10, "the session to advance")
    wiring.close()


@pytest.mark.parametrize("echo_cancellation", [False, True], ids=["gated", "echo-cancelled"])
async def test_the_companions_own_voice_in_the_room_fires_nothing(
    pulse: PulseLab, tmp_path: Path, echo_cancellation: bool
) -> None:
    # The speaker is looped into the microphone, as a laptop on the gym floor would be.
    loop = pulse.pactl(
        "load-module", "module-loopback", "source=companion_out.monitor", "sink=companion_mic",
        "latency_msec=20",
    )  # fmt: skip
    assert loop.returncode == 0, loop.stderr
    wiring = Wiring(SpeechSettings(), replace(KOREAN, echo_cancellation=echo_cancellation))
    app = app_for(wiring)
    heard: list[str] = []
    statuses: list[ListenStatus] = []

    def note(message: Message) -> None:
        if isinstance(message, CommandHeard):
            heard.append(message.heard.text)
        elif isinstance(message, ListenChanged):
            statuses.append(message.status)

    try:
        async with app.run_test(size=(80, 24), message_hook=note) as pilot:
            screen = app.screen
            assert isinstance(screen, SessionScreen)
            await wait_for(pilot, lambda: screen.listener.status().on, 20, "the listener")
            await wait_for(pilot, lambda: screen.runner.speech.status().on, 20, "speech")
            # Two instructions spoken aloud (the briefing, then a warm-up step) and heard
            # through the room; the Korean model has no [unk], so ungated any of it would fire.
            await pilot.press("space")
            await pilot.pause(8.0)
            assert screen.view is not None and screen.view.step_index == 1
            assert heard == []
            if echo_cancellation:
                # It was heard in the room, and listened to all along: the canceller and the
                # barge-in rules, not the gate or silence, kept it from commanding.
                assert all(s.detail != "not listening while speaking" for s in statuses)
                assert "echo cancelled" in statuses[-1].detail
                assert max(s.level for s in statuses) > 0.05
                return
            # It was heard in the room, and the gate, not silence, kept it out.
            gated = [s for s in statuses if s.detail == "not listening while speaking"]
            assert gated, "the listener never saw the companion speaking"
            assert max(s.level for s in gated) > 0.05
    finally:
        wiring.close()
        pulse.pactl("unload-module", loop.stdout.strip())
