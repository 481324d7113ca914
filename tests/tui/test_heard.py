"""The session screen shows what voice commands heard, for a moment, and says in plain words
when the microphone lost audio (no "overflows 90")."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from companion.domain.events import Command
from companion.speech_in.port import Heard, ListenState, ListenStatus, NoSpeechIn
from companion.tui import session_screen
from companion.tui.messages import CommandHeard, ListenChanged
from companion.tui.session_screen import MISSED_AUDIO, SessionScreen

from .appkit import make_app


def shown(screen: SessionScreen, name: str) -> str:
    return str(screen.query_one(f"#{name}", Static).render())


async def test_what_was_heard_shows_on_the_status_line_for_a_moment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(session_screen, "HEARD_SECONDS", 0.3)
    app = make_app(start="hip-thrust")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SessionScreen) and shown(screen, "heard") == ""
        screen.post_message(CommandHeard(Heard(Command.NEXT, "next set", 0.0)))
        await pilot.pause()
        assert shown(screen, "heard") == 'heard: "next set"'
        assert screen.view is not None and screen.view.step_index == 1  # and it was acted on
        assert shown(screen, "status") == "speech off · mic off · history on"  # untouched
        await pilot.pause(0.6)
        assert shown(screen, "heard") == ""


async def test_lost_microphone_audio_is_said_in_words_not_as_a_count(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(session_screen, "MISSED_AUDIO_SECONDS", 0.3)
    app = make_app(start="hip-thrust")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SessionScreen)

        def listening(overflows: int) -> ListenChanged:
            status = ListenStatus(ListenState.LISTENING, "listening", "vosk", 0.0, overflows)
            return ListenChanged(status)

        screen.post_message(listening(0))
        await pilot.pause()
        assert MISSED_AUDIO not in shown(screen, "status")
        screen.post_message(listening(90))
        await pilot.pause()
        status = shown(screen, "status")
        assert f"mic vosk   · {MISSED_AUDIO} · history on" in status
        assert "overflow" not in status and "90" not in status
        await pilot.pause(0.6)  # no more lost since: the words go
        assert MISSED_AUDIO not in shown(screen, "status")
        screen.post_message(listening(90))  # the same count: nothing new was lost
        await pilot.pause()
        assert MISSED_AUDIO not in shown(screen, "status")


class Recording(NoSpeechIn):
    """Keys only, noting each set of commands the screen says it listens for."""

    def __init__(self) -> None:
        super().__init__("voice commands off: keys only in this test")
        self.listening: list[frozenset[Command]] = []

    def listen_for(self, commands: frozenset[Command]) -> None:
        self.listening.append(commands)


async def test_the_listener_is_told_what_the_session_can_act_on_at_each_step() -> None:
    # Fewer candidates, fewer confusions: "switch sides" is no "easier" while nothing is offered.
    listener = Recording()
    app = make_app(start="hip-thrust", open_listener=lambda: listener)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SessionScreen) and screen.view is not None
        assert listener.listening[-1] == screen.view.allowed
        assert Command.EASIER not in listener.listening[-1]
        told = len(listener.listening)
        await pilot.press("x")  # "stop the workout?": yes and no can be said now
        await pilot.pause()
        assert Command.YES in listener.listening[-1] == screen.view.allowed
        assert len(listener.listening) == told + 1


async def test_the_engine_and_why_it_listens_show_once_it_starts() -> None:
    app = make_app(start="hip-thrust")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        why = "measured best for English"
        on = ListenStatus(ListenState.LISTENING, "listening", "moonshine", why=why)
        screen.post_message(ListenChanged(on))
        await pilot.pause()
        assert shown(screen, "heard") == f"listening with moonshine: {why}"
        screen.post_message(CommandHeard(Heard(Command.NEXT, "next set", 0.0)))
        await pilot.pause()
        screen.post_message(ListenChanged(on))  # still on: nothing new to say
        await pilot.pause()
        assert shown(screen, "heard") == 'heard: "next set"'
