"""Stand-ins for speech out and speech in while the real adapters load in the background.

The wiring (`companion.app.wiring`) hands these to the session at once, so the session screen
comes up before pyttsx3, PortAudio or a speech model has been imported; each forwards to the real
adapter once it is there. Calls made to speech out before then are replayed in order.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from companion.domain.effects import Priority
from companion.domain.events import Command
from companion.speech_in.port import (
    HeardListener,
    ListenState,
    ListenStatus,
    ListenStatusListener,
    SpeechIn,
)
from companion.speech_out.port import (
    Earcon,
    Playback,
    PlaybackListener,
    SpeechOut,
    SpeechStatus,
    StatusListener,
)


@dataclass
class _Call:
    text: str
    priority: Priority
    at: float | None
    group: str


@dataclass
class DeferredSpeechOut:
    """Stands in for speech out while the real one loads in the background.

    Calls made before `attach` are replayed in order once the real adapter is there, so the
    session screen can come up before pyttsx3 and PortAudio have been imported. Subscribers are
    served from one subscription to the real adapter; one that subscribes while a clip is
    playing is told about that clip at once (the listener's gate starts late on purpose, and
    must still know the companion is speaking).
    """

    detail: str = "starting speech…"
    _real: SpeechOut | None = None
    _pending: list[_Call] = field(default_factory=list)
    _prepare: list[str] = field(default_factory=list)
    _listeners: list[tuple[PlaybackListener, StatusListener]] = field(default_factory=list)
    _playing: dict[tuple[str, float], Playback] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _closed: bool = False

    def attach(self, real: SpeechOut) -> None:
        with self._lock:
            if self._closed:  # the session ended while speech was still loading
                real.close()
                return
            real.subscribe(self._on_playback, self._on_status)
            if self._prepare:
                real.prepare(self._prepare)
            for call in self._pending:
                real.say(call.text, priority=call.priority, at=call.at, group=call.group)
            self._pending.clear()
            self._real = real
        self._on_status(real.status())

    def _on_playback(self, playback: Playback) -> None:
        with self._lock:
            key = (playback.text, playback.started)
            if playback.ended is None:
                self._playing[key] = playback
            else:
                self._playing.pop(key, None)
            listeners = list(self._listeners)
        for on_playback, _ in listeners:
            on_playback(playback)

    def _on_status(self, status: SpeechStatus) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for _, on_status in listeners:
            on_status(status)

    def say(
        self, text: str, *, priority: Priority, at: float | None = None, group: str = ""
    ) -> None:
        with self._lock:
            real = self._real
            if real is None:
                if not self._closed:
                    self._pending.append(_Call(text, priority, at, group))
                return
        real.say(text, priority=priority, at=at, group=group)

    def cancel(self, group: str | None = None) -> None:
        with self._lock:
            real = self._real
            if real is None:
                if group is None:
                    self._pending.clear()
                else:
                    self._pending = [c for c in self._pending if c.group != group]
                return
        real.cancel(group)

    def chime(self, kind: Earcon) -> None:
        # Not kept for later: a chime says "taken" at the moment it was; seconds late, it misleads.
        real = self._real
        if real is not None:
            real.chime(kind)

    def prepare(self, phrases: Iterable[str]) -> None:
        with self._lock:
            real = self._real
            if real is None:
                self._prepare.extend(phrases)
                return
        real.prepare(phrases)

    def status(self) -> SpeechStatus:
        real = self._real
        return real.status() if real is not None else SpeechStatus(on=False, detail=self.detail)

    def subscribe(self, on_playback: PlaybackListener, on_status: StatusListener) -> None:
        with self._lock:
            self._listeners.append((on_playback, on_status))
            playing = list(self._playing.values())
        for playback in playing:
            on_playback(playback)

    def close(self) -> None:
        """Close the real adapter once (the session and the wiring may both say goodbye)."""
        with self._lock:
            real, self._real = self._real, None
            self._closed = True
        if real is not None:
            real.close()


class DeferredSpeechIn:
    """Opens the real listener on its own thread once `ready` is set (or after `wait` seconds)."""

    def __init__(self, opener: Callable[[], SpeechIn], ready: threading.Event, wait: float) -> None:
        self._opener = opener
        self._ready = ready
        self._wait = wait
        self._real: SpeechIn | None = None
        self._closed = threading.Event()
        self._lock = threading.Lock()
        self._listening: frozenset[Command] | None = None  # said before the real one opened

    def start(self, on_heard: HeardListener, on_status: ListenStatusListener) -> None:
        on_status(self.status())
        threading.Thread(
            target=self._open, args=(on_heard, on_status), name="speech-in-loader", daemon=True
        ).start()

    def _open(self, on_heard: HeardListener, on_status: ListenStatusListener) -> None:
        self._ready.wait(timeout=self._wait)
        real = self._opener()
        with self._lock:
            if self._closed.is_set():
                real.close()
                return
            self._real = real
            if self._listening is not None:  # under the lock: a newer word cannot be overtaken
                real.listen_for(self._listening)
        real.start(on_heard, on_status)

    def status(self) -> ListenStatus:
        real = self._real
        if real is not None:
            return real.status()
        return ListenStatus(ListenState.STARTING, "starting voice commands…")

    def listen_for(self, commands: frozenset[Command]) -> None:
        with self._lock:
            self._listening = commands
            if self._real is not None:
                self._real.listen_for(commands)

    def close(self) -> None:
        with self._lock:
            self._closed.set()
            real = self._real
        if real is not None:
            real.close()
