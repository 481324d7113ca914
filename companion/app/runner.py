"""Runs a session: feeds the pure core with time and commands and carries its effects out.

The Textual app owns one `SessionRunner` and calls it from its event loop (a tick a few times a
second, plus each key or heard command). Speech effects go to a `SpeechOut`, records to `History`;
what the screen needs comes back to the app as the list of effects. History failures never stop a
session: history turns off and the screen says why. When another program holds the file's write
lock, the records wait in order and are written with the next one.

A session is history once something was done in it: its row is written with its first set that
was not skipped, or its first pain report (with the skipped sets before it). A launch and quit,
or a session ended before any of that, leaves no row.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

from companion.domain.effects import (
    CancelSpeech,
    CorrectSet,
    Effect,
    Finished,
    Outcome,
    RecordPain,
    RecordSet,
    Speak,
)
from companion.domain.events import Command, CommandGiven, RepsGiven, Start, Tick
from companion.domain.progression import LoadPlan
from companion.domain.session import Session
from companion.domain.timeline import DEFAULT_WORDS_PER_MINUTE
from companion.domain.workout import Workout
from companion.speech_out.port import SpeechOut
from companion.storage.history import History, HistoryBusy, HistoryUnavailable

Clock = Callable[[], float]
# What goes into history: sets, corrections and pain reports, then the end; the session's row is
# written before the first of them.
Write = RecordSet | CorrectSet | RecordPain | Finished


class SessionRunner:
    def __init__(
        self,
        workout: Workout,
        speech: SpeechOut,
        history: History | None,
        *,
        loads: dict[str, LoadPlan] | None = None,
        history_note: str = "",
        words_per_minute: int = DEFAULT_WORDS_PER_MINUTE,
        clock: Clock = time.monotonic,
    ) -> None:
        """`words_per_minute`: how fast speech-out talks, so the session leaves its words room."""
        self.workout = workout
        self.session = Session(workout, loads=loads, words_per_minute=words_per_minute)
        self.speech = speech
        self.clock = clock
        self.history = history
        self.history_note = history_note
        self.session_id: int | None = None
        self.unwritten: list[Write] = []  # held back while the file is locked; oldest first
        self.started_at: datetime | None = None  # wall clock, for the row written later
        self._kept = False  # something worth keeping was done: the session is history
        self._held: list[Write] = []  # skipped sets before that, kept if it comes

    def start(self) -> list[Effect]:
        start = Start(self.clock())
        self.started_at = datetime.now(UTC)
        return self._carry_out(self.session.handle(start))

    def tick(self) -> list[Effect]:
        return self._carry_out(self.session.handle(Tick(self.clock())))

    def command(self, command: Command, heard: str = "") -> list[Effect]:
        return self._carry_out(self.session.handle(CommandGiven(command, self.clock(), heard)))

    def reps(self, count: int) -> list[Effect]:
        """How many reps the person did in the set they paced and just ended."""
        return self._carry_out(self.session.handle(RepsGiven(count, self.clock())))

    def _history_off(self, err: HistoryUnavailable) -> None:
        self.history = None
        self.unwritten.clear()
        self._held.clear()
        self.history_note = f"history is off: {err}"

    def _carry_out(self, effects: list[Effect]) -> list[Effect]:
        for effect in effects:
            if isinstance(effect, Speak):
                self.speech.say(
                    effect.text, priority=effect.priority, at=effect.at, group=effect.group
                )
            elif isinstance(effect, CancelSpeech):
                self.speech.cancel(effect.group)
            elif isinstance(effect, RecordSet | CorrectSet | RecordPain | Finished):
                self._store(effect)
        return effects

    def _store(self, write: Write) -> None:
        if self.history is None:
            return
        if not self._kept:
            if not _worth_keeping(write):
                # Held until something is done; a session that ends first is no history.
                self._held = [] if isinstance(write, Finished) else [*self._held, write]
                return
            self._kept = True
            self.unwritten.extend(self._held)
            self._held.clear()
        self.unwritten.append(write)
        try:
            while self.unwritten:
                self._write(self.history, self.unwritten[0])
                del self.unwritten[0]
        except HistoryBusy as err:
            held = f"{len(self.unwritten)} record{'' if len(self.unwritten) == 1 else 's'}"
            if isinstance(write, Finished):  # nothing comes after it to write them with
                self.history_note = f"history is incomplete: {err}; {held} could not be saved"
            else:
                self.history_note = f"history is waiting: {err}; {held} kept until it is free"
            return
        except HistoryUnavailable as err:
            self._history_off(err)
            return
        self.history_note = ""

    def _write(self, history: History, write: Write) -> None:
        if self.session_id is None:  # the session's row, before its first record
            self.session_id = history.start_session(self.workout, self.started_at)
        if isinstance(write, RecordSet):
            history.record_set(self.session_id, write.record, self.workout)
        elif isinstance(write, CorrectSet):
            history.correct_set(self.session_id, write.record)
        elif isinstance(write, RecordPain):
            history.record_pain(self.session_id, write.report)
        else:
            history.finish_session(self.session_id, write.summary)


def _worth_keeping(write: Write) -> bool:
    """Whether `write` makes the session history: a set not skipped, or a pain report."""
    if isinstance(write, RecordPain):
        return True
    return isinstance(write, RecordSet) and write.record.outcome is not Outcome.SKIPPED
