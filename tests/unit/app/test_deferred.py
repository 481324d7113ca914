"""The stand-ins that let the screen come up before speech out and speech in have loaded."""

from __future__ import annotations

import threading
from collections.abc import Iterable

from companion.app.deferred import DeferredSpeechIn, DeferredSpeechOut
from companion.domain.effects import Priority
from companion.domain.events import Command
from companion.speech_in.port import (
    Heard,
    HeardListener,
    ListenState,
    ListenStatus,
    ListenStatusListener,
)
from companion.speech_out.port import (
    Earcon,
    Playback,
    PlaybackListener,
    SpeechStatus,
    StatusListener,
)


class RecordingSpeech:
    """A hand-written speech out that records what it was asked to do."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, object]] = []
        self.listeners: list[tuple[PlaybackListener, StatusListener]] = []

    def say(
        self, text: str, *, priority: Priority, at: float | None = None, group: str = ""
    ) -> None:
        self.calls.append(("say", (text, priority, at, group)))

    def cancel(self, group: str | None = None) -> None:
        self.calls.append(("cancel", group))

    def chime(self, kind: Earcon) -> None:
        self.calls.append(("chime", kind))

    def prepare(self, phrases: Iterable[str]) -> None:
        self.calls.append(("prepare", tuple(phrases)))

    def status(self) -> SpeechStatus:
        return SpeechStatus(on=True, detail="speech on (test)")

    def subscribe(self, on_playback: PlaybackListener, on_status: StatusListener) -> None:
        self.listeners.append((on_playback, on_status))

    def close(self) -> None:
        self.calls.append(("close", None))


def test_calls_before_attach_are_replayed_in_order() -> None:
    deferred = DeferredSpeechOut()
    deferred.say("intro", priority=Priority.INSTRUCTION, group="step-0")
    deferred.say("one", priority=Priority.COUNT, at=5.0, group="step-1")
    deferred.cancel("step-1")  # drops what was queued for that group only
    deferred.prepare(["ribs down"])
    statuses: list[SpeechStatus] = []
    played: list[Playback] = []
    deferred.subscribe(played.append, statuses.append)
    assert not deferred.status().on
    real = RecordingSpeech()
    deferred.attach(real)
    assert real.calls == [
        ("prepare", ("ribs down",)),
        ("say", ("intro", Priority.INSTRUCTION, None, "step-0")),
    ]
    assert statuses == [SpeechStatus(on=True, detail="speech on (test)")]
    assert len(real.listeners) == 1
    deferred.say("two", priority=Priority.COUNT, at=6.0, group="step-1")
    deferred.cancel(None)
    assert real.calls[-2:] == [("say", ("two", Priority.COUNT, 6.0, "step-1")), ("cancel", None)]


def test_a_chime_is_forwarded_once_attached_and_never_replayed_late() -> None:
    deferred = DeferredSpeechOut()
    deferred.chime(Earcon.ACCEPTED)  # speech still loading: "taken" seconds later would mislead
    real = RecordingSpeech()
    deferred.attach(real)
    assert real.calls == []
    deferred.chime(Earcon.UNMATCHED)
    assert real.calls == [("chime", Earcon.UNMATCHED)]


def test_cancel_all_before_attach_drops_everything() -> None:
    deferred = DeferredSpeechOut()
    deferred.say("intro", priority=Priority.INSTRUCTION)
    deferred.cancel(None)
    real = RecordingSpeech()
    deferred.attach(real)
    assert real.calls == []


class FakeListener:
    def __init__(self) -> None:
        self.started = threading.Event()
        self.closed = False
        self.listening: list[frozenset[Command]] = []

    def start(self, on_heard: HeardListener, on_status: ListenStatusListener) -> None:
        on_status(ListenStatus(ListenState.LISTENING, detail="listening", engine="fake"))
        on_heard(Heard(Command.NEXT, "next set", 1.0))
        self.started.set()

    def status(self) -> ListenStatus:
        return ListenStatus(ListenState.LISTENING, detail="listening", engine="fake")

    def listen_for(self, commands: frozenset[Command]) -> None:
        self.listening.append(commands)

    def close(self) -> None:
        self.closed = True


def test_listener_opens_only_when_the_screen_is_ready() -> None:
    ready = threading.Event()
    real = FakeListener()
    opened = threading.Event()

    def opener() -> FakeListener:
        opened.set()
        return real

    deferred = DeferredSpeechIn(opener, ready, wait=30)
    statuses: list[ListenStatus] = []
    heard: list[Heard] = []
    deferred.start(heard.append, statuses.append)
    assert statuses[0].detail == "starting voice commands…"
    assert not opened.wait(0.2)  # the screen is not up yet
    ready.set()
    assert real.started.wait(5)
    assert heard == [Heard(Command.NEXT, "next set", 1.0)]
    assert deferred.status().engine == "fake"
    deferred.close()
    assert real.closed


def test_what_to_listen_for_reaches_the_listener_once_it_opens_and_after() -> None:
    # The session says what it can act on from its first step, long before the model loads.
    ready = threading.Event()
    real = FakeListener()
    deferred = DeferredSpeechIn(lambda: real, ready, wait=30)
    deferred.listen_for(frozenset({Command.YES}))
    deferred.listen_for(frozenset({Command.NEXT}))
    deferred.start(lambda heard: None, lambda status: None)
    ready.set()
    assert real.started.wait(5)
    assert real.listening == [frozenset({Command.NEXT})]  # only the newest, before it starts
    deferred.listen_for(frozenset({Command.PAUSE}))
    assert real.listening[-1] == frozenset({Command.PAUSE})
    deferred.close()


def test_closing_before_the_listener_opens_closes_it_when_it_does() -> None:
    ready = threading.Event()
    real = FakeListener()
    deferred = DeferredSpeechIn(lambda: real, ready, wait=30)
    deferred.start(lambda heard: None, lambda status: None)
    deferred.close()
    ready.set()
    for _ in range(100):
        if real.closed:
            break
        threading.Event().wait(0.01)
    assert real.closed and not real.started.is_set()


def test_a_late_subscriber_hears_about_the_clip_already_playing() -> None:
    deferred = DeferredSpeechOut()
    real = RecordingSpeech()
    deferred.attach(real)
    ((on_playback, _),) = real.listeners
    on_playback(Playback("Barbell hip thrust.", 10.0, None))
    late: list[Playback] = []
    deferred.subscribe(late.append, lambda status: None)
    assert late == [Playback("Barbell hip thrust.", 10.0, None)]
    on_playback(Playback("Barbell hip thrust.", 10.0, 14.0))
    later: list[Playback] = []
    deferred.subscribe(later.append, lambda status: None)
    assert later == []  # nothing is playing any more
    assert late[-1] == Playback("Barbell hip thrust.", 10.0, 14.0)
