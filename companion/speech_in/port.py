"""The seam between the session and whatever listens.

A `SpeechIn` calls back with each `Heard` command from its own thread; the UI posts it to the
session. The silent one hears nothing (keys only).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

from companion.domain.events import Command


@dataclass(frozen=True)
class Heard:
    command: Command | None  # None: a number, which is no command
    text: str  # the words recognised
    at: float  # monotonic time of the decision
    # False for a near miss: speech that sounded like `command` ("text" its phrase) but too
    # unsure to act on; the person hears that it was not taken.
    sure: bool = True
    # A number said (the vocabulary's `numbers`): the UI takes it as the answer to "how many
    # reps?" while the session asks that, and as nothing otherwise.
    number: int | None = None


class ListenState(Enum):
    STARTING = "starting"  # the listener is being set up
    LOADING = "loading"  # the speech model is loading
    LISTENING = "listening"
    SPEAKING = "speaking"  # on, but deaf while the companion speaks (the self-voice gate)
    RETRYING = "retrying"  # the microphone went away: off until a new stream opens
    OFF = "off"  # for good: the session runs by keys (`companion listen` stops)


@dataclass(frozen=True)
class ListenStatus:
    """Shown on the session screen: engine, whether it is listening, level and overflows."""

    state: ListenState
    detail: str  # for people: what it listens with, or why it does not
    engine: str = ""
    level: float = 0.0  # microphone RMS level, 0..1
    overflows: int = 0
    why: str = ""  # why this engine listens ("measured best for English")

    @property
    def on(self) -> bool:
        """The microphone is open and the engine loaded."""
        return self.state in (ListenState.LISTENING, ListenState.SPEAKING)


# Listened for at every moment, whatever the session can act on: a person in trouble must be heard
# even when the session would not act on the word where it stands.
SAFETY = frozenset({Command.PAIN, Command.HALT, Command.STOP})

HeardListener = Callable[[Heard], None]
ListenStatusListener = Callable[[ListenStatus], None]


class SpeechIn(Protocol):
    def start(self, on_heard: HeardListener, on_status: ListenStatusListener) -> None: ...

    def status(self) -> ListenStatus: ...

    def listen_for(self, commands: frozenset[Command]) -> None:
        """What the session can act on now: from now on only these and `SAFETY` are listened
        for (fewer candidates, fewer confusions). Until the first call, every command is."""

    def close(self) -> None: ...


class NoSpeechIn:
    """Listens to nothing: the session runs by keys."""

    def __init__(self, reason: str = "voice commands off") -> None:
        self._status = ListenStatus(ListenState.OFF, reason)

    def start(self, on_heard: HeardListener, on_status: ListenStatusListener) -> None:
        on_status(self._status)

    def status(self) -> ListenStatus:
        return self._status

    def listen_for(self, commands: frozenset[Command]) -> None:
        pass

    def close(self) -> None:
        pass
