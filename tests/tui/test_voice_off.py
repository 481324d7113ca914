"""With voice commands on in the settings but no way to listen (no microphone, no speech model),
the session screen asks for keys, not words, once the listener says so."""

from __future__ import annotations

from companion.domain import script
from companion.domain.effects import Priority
from companion.domain.events import Command
from companion.speech_in.port import HeardListener, ListenState, ListenStatus, ListenStatusListener
from companion.speech_out.port import SilentSpeechOut
from companion.tui.session_screen import SessionScreen

from .appkit import make_app


class Said(SilentSpeechOut):
    """Speech out that keeps what it was asked to say."""

    def __init__(self) -> None:
        super().__init__("speech off: muted for the test")
        self.texts: list[str] = []

    def say(
        self, text: str, *, priority: Priority, at: float | None = None, group: str = ""
    ) -> None:
        self.texts.append(text)


class Unplugged:
    """Listens for a moment, then finds no microphone (as the listener reports it)."""

    def __init__(self) -> None:
        self._status = ListenStatus(ListenState.LISTENING, "listening")
        self.report: ListenStatusListener | None = None

    def start(self, on_heard: HeardListener, on_status: ListenStatusListener) -> None:
        self.report = on_status
        on_status(self._status)

    def status(self) -> ListenStatus:
        return self._status

    def listen_for(self, commands: frozenset[Command]) -> None:
        pass

    def unplug(self) -> None:
        assert self.report is not None
        self._status = ListenStatus(ListenState.OFF, "voice commands off: no microphone")
        self.report(self._status)

    def close(self) -> None:
        pass


async def test_when_listening_fails_after_the_start_the_screen_asks_for_keys() -> None:
    listener = Unplugged()
    speech = Said()
    app = make_app(start="hip-thrust", open_listener=lambda: listener, speech=lambda: speech)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SessionScreen) and screen.view is not None
        assert "say pain" in screen.view.instruction  # listening: the words
        listener.unplug()
        await pilot.pause()
        assert screen.view is not None and "press h" in screen.view.instruction
        assert "say pain" not in screen.view.instruction
        assert speech.texts[-1] == script.VOICE_OFF
