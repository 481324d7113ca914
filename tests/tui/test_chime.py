"""A voice command the session takes sounds the "taken" earcon at once; one it refuses, a key
press, or any command with `earcons = false` sounds none. A near miss at a command the session
could take sounds the "not taken" earcon and acts on nothing."""

from __future__ import annotations

from textual.widgets import Static

from companion.domain.events import Command
from companion.speech_in.port import Heard
from companion.speech_out.port import Earcon, SilentSpeechOut
from companion.tui.messages import CommandHeard
from companion.tui.session_screen import SessionScreen

from .appkit import make_app


class Chimes(SilentSpeechOut):
    """Speech out that keeps the earcons it was asked to play."""

    def __init__(self) -> None:
        super().__init__("speech off: muted for the test")
        self.played: list[Earcon] = []
        self.lines: list[str] = []  # the status line's "heard" text after each command heard

    def chime(self, kind: Earcon) -> None:
        self.played.append(kind)


async def heard(
    earcons: bool, *commands: Command, sure: bool = True
) -> tuple[Chimes, SessionScreen]:
    """Starts hip-thrust, hears `commands` one by one (as near misses unless `sure`); the chimes
    asked for, and the screen."""
    speech = Chimes()
    app = make_app(start="hip-thrust", speech=lambda: speech, earcons=earcons)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SessionScreen) and screen.view is not None
        for command in commands:
            screen.post_message(CommandHeard(Heard(command, command.value, 0.0, sure)))
            await pilot.pause()
            speech.lines.append(str(screen.query_one("#heard", Static).render()))
        return speech, screen


async def test_a_command_taken_chimes_and_one_refused_does_not() -> None:
    speech, screen = await heard(True, Command.RESUME)  # nothing is paused
    assert screen.view is not None and screen.view.step_index == 0  # refused:
    assert Command.RESUME not in screen.view.allowed
    assert speech.played == []
    speech, screen = await heard(True, Command.NEXT)
    assert screen.view is not None and screen.view.step_index == 1  # taken
    assert speech.played == [Earcon.ACCEPTED]


async def test_a_key_press_does_not_chime() -> None:
    speech = Chimes()
    app = make_app(start="hip-thrust", speech=lambda: speech)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("space")
        screen = app.screen
        assert isinstance(screen, SessionScreen) and screen.view is not None
        assert screen.view.step_index == 1
    assert speech.played == []  # the person pressed it: they know


async def test_earcons_off_in_the_settings_means_no_chime() -> None:
    speech, screen = await heard(False, Command.NEXT)
    assert screen.view is not None and screen.view.step_index == 1
    assert speech.played == []


async def test_a_near_miss_at_a_command_it_could_take_chimes_and_acts_on_nothing() -> None:
    speech, screen = await heard(True, Command.NEXT, sure=False)
    assert screen.view is not None and screen.view.step_index == 0  # not acted on
    assert speech.played == [Earcon.UNMATCHED]
    assert speech.lines == ['not sure I heard "next": say it again']


async def test_a_near_miss_at_a_command_it_could_not_take_now_sounds_nothing() -> None:
    speech, _ = await heard(True, Command.RESUME, sure=False)  # nothing is paused
    assert speech.played == []
    assert speech.lines == [""]


async def test_earcons_off_silences_the_near_miss_tone_too() -> None:
    speech, _ = await heard(False, Command.NEXT, sure=False)
    assert speech.played == []
