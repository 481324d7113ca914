"""`companion listen` from the microphone prints what the session would act on: a command, a
number, or a near miss, which it names as one (the session acts on nothing then)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from companion.cli import main
from companion.domain.events import Command
from companion.speech_in import listener
from companion.speech_in.port import (
    Heard,
    HeardListener,
    ListenState,
    ListenStatus,
    ListenStatusListener,
)

HEARD = (
    Heard(Command.NEXT, "next set", 1.0),
    Heard(None, "nine", 2.0, number=9),
    Heard(Command.HALT, "stop", 3.0, sure=False),
)


class Scripted:
    """Hears `HEARD`, then turns off (as a listener does when its microphone is gone)."""

    def start(self, on_heard: HeardListener, on_status: ListenStatusListener) -> None:
        on_status(ListenStatus(ListenState.LISTENING, "listening"))
        for item in HEARD:
            on_heard(item)
        on_status(self.status())

    def status(self) -> ListenStatus:
        return ListenStatus(ListenState.OFF, "voice commands off: the test is over")

    def listen_for(self, commands: frozenset[Command]) -> None:
        pass

    def close(self) -> None:
        pass


@pytest.fixture
def scripted(monkeypatch: pytest.MonkeyPatch) -> None:
    def open_speech_in(*_: Any, **__: Any) -> Scripted:
        return Scripted()

    monkeypatch.setattr(listener, "open_speech_in", open_speech_in)


@pytest.mark.usefixtures("scripted")
def test_a_near_miss_is_printed_as_not_taken(capsys: pytest.CaptureFixture[str]) -> None:
    main(["listen"])
    assert capsys.readouterr().out.splitlines() == [
        "next  (next set)",
        "number  (nine)",
        "not sure: halt  (stop)",
    ]


@pytest.mark.usefixtures("scripted")
def test_json_names_a_near_miss_apart_from_a_command(capsys: pytest.CaptureFixture[str]) -> None:
    main(["listen", "--json"])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines == [
        {"command": "next", "heard": "next set"},
        {"number": 9, "heard": "nine"},
        {"near_miss": "halt", "heard": "stop"},
    ]
