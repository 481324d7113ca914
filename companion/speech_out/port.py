"""The seam between the session and whatever speaks.

The session runner calls a `SpeechOut`; the real one renders with pyttsx3 and plays through a
sounddevice stream, the silent one (`--mute`, or no device) only keeps the UI informed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

from companion.domain.effects import Priority


@dataclass(frozen=True)
class SpeechStatus:
    """Shown on the session screen: is speech on, and if not, why."""

    on: bool
    detail: str
    unsaid: str | None = None  # while on: the latest phrase that could not be rendered


@dataclass(frozen=True)
class Playback:
    """One clip that actually played: monotonic start and end of its audio at the device.

    Published so the listening side can ignore the companion's own voice.
    """

    text: str
    started: float
    ended: float | None  # None while it is still playing
    interrupted: bool = False


class Earcon(Enum):
    """A short tone instead of words (see `earcons`): news a person need not look up for."""

    ACCEPTED = "accepted"  # a voice command was taken
    UNMATCHED = "unmatched"  # speech was heard, but no command in it


PlaybackListener = Callable[[Playback], None]
StatusListener = Callable[[SpeechStatus], None]


class SpeechOut(Protocol):
    def say(
        self, text: str, *, priority: Priority, at: float | None = None, group: str = ""
    ) -> None:
        """Queue `text`; start it at monotonic time `at` when given, else as soon as possible."""

    def cancel(self, group: str | None = None) -> None:
        """Drop pending clips of `group` (all when None) and cut off what is playing."""

    def chime(self, kind: Earcon) -> None:
        """Play the earcon `kind` now, ahead of queued words; a safety message still cuts it."""

    def prepare(self, phrases: Iterable[str]) -> None:
        """Render these phrases in the background so they start at once later."""

    def status(self) -> SpeechStatus: ...

    def subscribe(self, on_playback: PlaybackListener, on_status: StatusListener) -> None: ...

    def close(self) -> None: ...


class SilentSpeechOut:
    """Speaks nothing; used with `--mute` and when no audio output can be had."""

    def __init__(self, reason: str = "muted") -> None:
        self._status = SpeechStatus(on=False, detail=reason)

    def say(
        self, text: str, *, priority: Priority, at: float | None = None, group: str = ""
    ) -> None:
        pass

    def cancel(self, group: str | None = None) -> None:
        pass

    def chime(self, kind: Earcon) -> None:
        pass

    def prepare(self, phrases: Iterable[str]) -> None:
        pass

    def status(self) -> SpeechStatus:
        return self._status

    def subscribe(self, on_playback: PlaybackListener, on_status: StatusListener) -> None:
        pass

    def close(self) -> None:
        pass
