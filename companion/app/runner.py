"""Runs a session: feeds the pure core with time and commands and carries its effects out.

The Textual app owns one `SessionRunner` and calls it from its event loop (a tick a few times a
second, plus each key or heard command). Speech effects go to a `SpeechOut`, records to `History`;
what the screen needs comes back to the app as the list of effects. History failures never stop a
session: history turns off and the screen says why. Each record is kept in the journal beside the
history file (`storage.journal`) before it is written; while another program holds the file's
write lock, or the disk is full, the records wait, in order, and are tried again on the tick
with a growing pause, written with the next record, and at the latest when the app quits
(`flush`, a bounded wait the wiring says on the terminal). What still waits then stays in the
journal, which the next session, or `companion history`, writes.

A session is history once something was done in it: its row is written with its first set that
was not skipped, or its first pain report (with the skipped sets before it). A launch and quit,
or a session ended before any of that, leaves no row. An answer to "has a professional cleared
you?" is written whatever the session comes to, apart from its row.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, datetime

from companion.domain.clearance import ClearanceQuestion
from companion.domain.effects import (
    CancelSpeech,
    CorrectSet,
    Effect,
    Finished,
    Outcome,
    RecordClearance,
    RecordPain,
    RecordSet,
    SessionSummary,
    Speak,
)
from companion.domain.events import Command, CommandGiven, RepsGiven, Start, Tick, VoiceOff
from companion.domain.progression import LoadAdvice, LoadPlan, PainOnRecord, next_time
from companion.domain.session import Session
from companion.domain.timeline import DEFAULT_WORDS_PER_MINUTE
from companion.domain.workout import Workout
from companion.speech_out.port import Earcon, SpeechOut
from companion.storage.history import (
    BUSY_WAIT_S,
    SESSIONLESS,
    Entry,
    History,
    HistoryBusy,
    HistoryUnavailable,
    clearance_entry,
    correct_entry,
    end_entry,
    pain_entry,
    set_entry,
    start_entry,
)
from companion.storage.journal import Journal, journal_path

Clock = Callable[[], float]
# What goes into history: sets, corrections and pain reports, then the end; the session's row is
# written before the first of them. A clearance answer needs no row.
Write = RecordSet | CorrectSet | RecordPain | RecordClearance | Finished

# After a write had to wait, the next try comes this many seconds later, then twice as long each
# time, up to RETRY_MAX_S: a lock held for minutes is not asked about ten times a second.
RETRY_FIRST_S = 0.5
RETRY_MAX_S = 8.0
# How long a try on the tick waits for the lock: the tick runs on the UI thread.
RETRY_WAIT_S = 0.05


class SessionRunner:
    def __init__(
        self,
        workout: Workout,
        speech: SpeechOut,
        history: History | None,
        *,
        loads: dict[str, LoadPlan] | None = None,
        pain_on_record: tuple[PainOnRecord, ...] = (),
        clearance: ClearanceQuestion | None = None,
        history_note: str = "",
        words_per_minute: int = DEFAULT_WORDS_PER_MINUTE,
        earcons: bool = True,
        listening: bool = True,
        clock: Clock = time.monotonic,
    ) -> None:
        """`words_per_minute`: how fast speech-out talks, so the session leaves its words room.
        `earcons`: whether `chime` sounds (the settings file's `speech.earcons`). `listening`:
        whether voice commands are on, so the session asks for words or for keys. `clearance`:
        asked before the first step, after warning signs (`domain.clearance`)."""
        self.workout = workout
        self.earcons = earcons
        self.pain_on_record = pain_on_record  # before this session, for next time's loads
        self.session = Session(
            workout,
            loads=loads,
            words_per_minute=words_per_minute,
            listening=listening,
            clearance=clearance,
        )
        self.speech = speech
        self.clock = clock
        self.history = history
        self.history_note = history_note
        self.session_id: int | None = None
        self.journal = Journal(journal_path(history.path)) if history is not None else None
        # Records not in SQLite yet, oldest first: what an earlier session left in the journal
        # (the app quit, or crashed, while they waited), then this session's.
        self.unwritten: list[Entry] = self.journal.entries()[0] if self.journal else []
        self._key = datetime.now(UTC).isoformat()  # this session's, in its records' keys
        self._numbered = 0  # this session's records so far, after its start
        self._retry_at = 0.0  # when waiting records are tried again (runner clock)
        self._backoff = RETRY_FIRST_S
        self._unkept = ""  # why the journal could not keep the last record
        self.started_at: datetime | None = None  # wall clock, for the row written later
        self._kept = False  # something worth keeping was done: the session is history
        self._held: list[Write] = []  # skipped sets before that, kept if it comes

    def start(self) -> list[Effect]:
        start = Start(self.clock())
        self.started_at = datetime.now(UTC)
        if self.unwritten and self.history is not None:  # an earlier session's, from the journal
            self._write_waiting(BUSY_WAIT_S)
        return self._carry_out(self.session.handle(start))

    def tick(self) -> list[Effect]:
        if self.unwritten and self.history is not None and self.clock() >= self._retry_at:
            self._write_waiting(RETRY_WAIT_S)
        return self._carry_out(self.session.handle(Tick(self.clock())))

    @property
    def pending(self) -> int:
        """How many records (sets, pain reports, ends) wait to be written; a session's row, which
        waits with its first record, is not one of them."""
        return sum(1 for entry in self.unwritten if entry.kind != "start")

    def flush(self, timeout: float) -> bool:
        """Tries to write what waits for at most `timeout` seconds; whether nothing waits now.
        Called when the app quits: what still waits stays in the journal."""
        deadline = time.monotonic() + timeout
        while self.history is not None and self.unwritten:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            if not self._write_waiting(min(left, 1.0)):  # a lock: SQLite waits itself
                time.sleep(min(0.1, max(0.0, deadline - time.monotonic())))  # a full disk
        return not self.unwritten

    def command(self, command: Command, heard: str = "") -> list[Effect]:
        return self._carry_out(self.session.handle(CommandGiven(command, self.clock(), heard)))

    def chime(self, kind: Earcon) -> None:
        """Says without words what became of a voice command; the screen calls it, as only the
        screen knows what was heard (the core takes commands, however they came)."""
        if self.earcons:
            self.speech.chime(kind)

    def next_time(self, summary: SessionSummary) -> list[LoadAdvice]:
        """Each exercise's load next time after `summary`, and why (for the summary screen)."""
        return next_time(self.workout, summary, self.pain_on_record, time.time())

    def voice_off(self) -> list[Effect]:
        """Voice commands are off for good: the session asks for keys from now on."""
        return self._carry_out(self.session.handle(VoiceOff(self.clock())))

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
            elif isinstance(effect, Write):
                self._store(effect)
        return effects

    def _store(self, write: Write) -> None:
        if self.history is None or self.journal is None:
            return
        # A clearance answer is kept whatever the session comes to, and makes it no history.
        if not self._kept and not isinstance(write, RecordClearance):
            if not _worth_keeping(write):
                # Held until something is done; a session that ends first is no history.
                self._held = [] if isinstance(write, Finished) else [*self._held, write]
                return
            self._kept = True
            self._keep(start_entry(self._key, self.workout, self.started_at))
            for held in self._held:
                self._keep(self._entry(held))
            self._held.clear()
        self._keep(self._entry(write))
        self._write_waiting(BUSY_WAIT_S)

    def _keep(self, entry: Entry) -> None:
        """`entry` waits for SQLite, and the journal holds it meanwhile."""
        assert self.journal is not None
        self.unwritten.append(entry)
        try:  # first, so that a crash while it waits for SQLite cannot lose it
            self.journal.append(entry)
            self._unkept = ""
        except OSError as err:  # a full disk: SQLite may still take it, or it waits in memory
            self._unkept = f" ({self.journal.path} cannot keep it: {err.strerror or err})"

    def _entry(self, write: Write) -> Entry:
        self._numbered += 1
        if isinstance(write, RecordSet):
            return set_entry(self._key, self._numbered, write.record, self.workout)
        if isinstance(write, CorrectSet):
            return correct_entry(self._key, self._numbered, write.record)
        if isinstance(write, RecordPain):
            return pain_entry(self._key, self._numbered, write.report)
        if isinstance(write, RecordClearance):
            return clearance_entry(self._key, self._numbered, write.answer, self.workout)
        return end_entry(self._key, self._numbered, write.summary)

    def _write_waiting(self, wait: float) -> bool:
        """Writes the waiting records, oldest first, each waiting up to `wait` seconds for the
        file's lock; whether all were written."""
        assert self.history is not None and self.journal is not None
        try:
            while self.unwritten:
                entry = self.unwritten[0]
                session_id = self.history.apply(entry, wait)
                if entry.session == self._key and entry.kind not in SESSIONLESS:
                    self.session_id = session_id
                del self.unwritten[0]
        except HistoryBusy as err:
            self._retry_at = self.clock() + self._backoff
            self._backoff = min(2 * self._backoff, RETRY_MAX_S)
            held = f"{self.pending} record{'' if self.pending == 1 else 's'}"
            if self.session.finished:  # nothing comes after it to write them with
                self.history_note = (
                    f"history is incomplete: {err}; {self.journal.path} keeps what waits, written"
                    " when it is free (before quitting, or by the next session); so far"
                    f" {held} could not be saved{self._unkept}"
                )
            else:
                self.history_note = (
                    f"history is waiting: {err}; {held} kept until it is free{self._unkept}"
                )
            return False
        except HistoryUnavailable as err:
            self._history_off(err)
            return False
        self._backoff = RETRY_FIRST_S
        self.history_note = ""
        with suppress(OSError, HistoryUnavailable):  # else left: a replay writes nothing twice
            self.journal.clear(self.history)
        return True


def _worth_keeping(write: Write) -> bool:
    """Whether `write` makes the session history: a set not skipped, or a pain report."""
    if isinstance(write, RecordPain):
        return True
    return isinstance(write, RecordSet) and write.record.outcome is not Outcome.SKIPPED
