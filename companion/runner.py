"""Runs a session: feeds the pure core with time and commands and carries its effects out.

The Textual app owns one `SessionRunner` and calls it from its event loop (a tick a few times a
second, plus each key or heard command). Speech effects go to a `SpeechOut`, records to `History`;
what the screen needs comes back to the app as the list of effects. History failures never stop a
session: history turns off and the screen says why.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from companion.domain.effects import (
    CancelSpeech,
    Effect,
    Finished,
    RecordPain,
    RecordSet,
    Speak,
)
from companion.domain.events import Command, CommandGiven, Start, Tick
from companion.domain.progression import LoadPlan
from companion.domain.session import Session
from companion.domain.workout import Workout
from companion.speech_out.port import SpeechOut
from companion.storage.history import History, HistoryUnavailable

Clock = Callable[[], float]


class SessionRunner:
    def __init__(
        self,
        workout: Workout,
        speech: SpeechOut,
        history: History | None,
        *,
        loads: dict[str, LoadPlan] | None = None,
        history_note: str = "",
        clock: Clock = time.monotonic,
    ) -> None:
        self.workout = workout
        self.session = Session(workout, loads=loads)
        self.speech = speech
        self.clock = clock
        self.history = history
        self.history_note = history_note
        self.session_id: int | None = None

    def start(self) -> list[Effect]:
        if self.history is not None:
            try:
                self.session_id = self.history.start_session(self.workout)
            except HistoryUnavailable as err:
                self._history_off(err)
        return self._carry_out(self.session.handle(Start(self.clock())))

    def tick(self) -> list[Effect]:
        return self._carry_out(self.session.handle(Tick(self.clock())))

    def command(self, command: Command, heard: str = "") -> list[Effect]:
        return self._carry_out(self.session.handle(CommandGiven(command, self.clock(), heard)))

    def _history_off(self, err: HistoryUnavailable) -> None:
        self.history = None
        self.history_note = f"history is off: {err}"

    def _carry_out(self, effects: list[Effect]) -> list[Effect]:
        for effect in effects:
            if isinstance(effect, Speak):
                self.speech.say(
                    effect.text, priority=effect.priority, at=effect.at, group=effect.group
                )
            elif isinstance(effect, CancelSpeech):
                self.speech.cancel(effect.group)
            elif isinstance(effect, RecordSet | RecordPain | Finished):
                self._store(effect)
        return effects

    def _store(self, effect: RecordSet | RecordPain | Finished) -> None:
        if self.history is None or self.session_id is None:
            return
        try:
            if isinstance(effect, RecordSet):
                self.history.record_set(self.session_id, effect.record, self.workout)
            elif isinstance(effect, RecordPain):
                self.history.record_pain(self.session_id, effect.report)
            else:
                self.history.finish_session(self.session_id, effect.summary)
        except HistoryUnavailable as err:
            self._history_off(err)
