"""A voice command the session takes sounds the "taken" earcon at once; one it refuses, a key
press, or any command with `earcons = false` sounds none."""

from __future__ import annotations

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

    def chime(self, kind: Earcon) -> None:
        self.played.append(kind)


async def heard(earcons: bool, *commands: Command) -> tuple[Chimes, SessionScreen]:
    """Starts hip-thrust, hears `commands` one by one; the chimes asked for, and the screen."""
    speech = Chimes()
    app = make_app(start="hip-thrust", speech=lambda: speech, earcons=earcons)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SessionScreen) and screen.view is not None
        for command in commands:
            screen.post_message(CommandHeard(Heard(command, command.value, 0.0)))
            await pilot.pause()
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
