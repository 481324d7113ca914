"""The composition root: chooses the concrete adapters and wires them to the session and the UI.

`companion start` and the picker (`companion/cli/start.py`) parse the settings and call `run_app`;
tests build a `Wiring` themselves. The library, history, progression, speech out and speech in
are put together here. The session screen comes up first; speech loads in a background thread and
attaches when ready, so start-up never waits for pyttsx3 or PortAudio.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import TYPE_CHECKING

from companion.domain import clearance
from companion.domain.progression import plan_loads

if TYPE_CHECKING:
    from companion.app.deferred import DeferredSpeechIn, DeferredSpeechOut
    from companion.app.runner import SessionRunner
    from companion.audio.echo import PlaybackReference
    from companion.domain.clearance import ClearanceQuestion
    from companion.domain.progression import LoadPlan, PainOnRecord
    from companion.domain.workout import Workout
    from companion.speech_in.port import SpeechIn
    from companion.speech_in.settings import ListenSettings
    from companion.speech_out.settings import SpeechSettings
    from companion.storage.history import History
    from companion.tui.picker import LastSession

# The picker shows the last session of each workout among this many of the newest sessions:
# months of training, read in 9-18 ms (200 took 32-46 ms) on the 2-core test machine, with a
# set per exercise and set number in each. A workout not done in that long shows none.
LAST_SESSIONS_READ = 60
UI_READY_TIMEOUT = 2.0  # seconds; speech loads anyway if the UI never says it is ready
# Loading a recogniser holds the interpreter for most of a second (measured: the first cue came
# ~0.8 s later when both loaded together), so listening starts once the first words are playing,
# or once speech turns out to be off, or after this many seconds at the latest.
FIRST_WORDS_TIMEOUT = 5.0
# On quitting, how long records that wait for the history file (locked, or a full disk) are
# tried; what is still waiting then stays in the journal for the next session.
FLUSH_TIMEOUT_S = 5.0


def run_app(speech: SpeechSettings, listen: ListenSettings, workout_id: str | None) -> int:
    """Runs the Textual app over the workout library: the picker, or a session of `workout_id`."""
    from companion.library import load_library

    library = load_library()
    if workout_id is not None:
        library.get(workout_id)  # an unknown id fails here, before the screen is taken over
    problems = [str(p) for result in library.broken for p in result.problems]
    problems.extend(library.notices)
    wiring = Wiring(speech, listen)
    from companion.tui.app import CompanionApp

    app = CompanionApp(
        library.workouts,
        open_session=wiring.open_session,
        open_listener=wiring.open_listener,
        problems=problems,
        start=workout_id,
        on_ready=wiring.ui_ready.set,
        last_sessions=wiring.last_sessions,
    )
    try:
        app.run()
    finally:
        wiring.close()
    return app.return_code or 0


class Wiring:
    """Builds each session's adapters from the speech and listening settings."""

    def __init__(self, speech: SpeechSettings, listen: ListenSettings) -> None:
        self.speech_settings = speech
        self.listen_settings = listen
        self._history: History | None = None
        self._speech: list[DeferredSpeechOut] = []
        self._listeners: list[DeferredSpeechIn] = []
        self._runners: list[SessionRunner] = []
        self._reference: PlaybackReference | None = None
        # Loading speech (pyttsx3, PortAudio) waits for the first screen, which must be up in
        # well under a second on two cores; the session's first words are queued meanwhile.
        self.ui_ready = threading.Event()
        self._first_words = threading.Event()

    def open_session(self, workout: Workout) -> SessionRunner:
        from companion import paths
        from companion.app.deferred import DeferredSpeechOut
        from companion.app.runner import SessionRunner
        from companion.storage.history import History, HistoryUnavailable

        note = ""
        if self._history is None:
            try:
                self._history = History.open(paths.history_db())
            except HistoryUnavailable as err:
                note = f"history is off: {err}"
        try:
            loads, pain_before = _planned_loads(workout, self._history)
            asked = clearance_question(workout, self._history)
        except HistoryUnavailable as err:  # a damaged file can open and then fail to read
            assert self._history is not None
            self._history.close()
            self._history = None  # and nothing is written into a file that cannot be read
            note = f"history is off: {err}"
            loads, pain_before = _planned_loads(workout, None)
            asked = None
        if self._history is not None and self._history.unreadable:
            count = self._history.unreadable
            note = (
                f"{count} row{'' if count == 1 else 's'} of history at {self._history.path} could"
                " not be read (damaged, or edited by hand): today's loads are planned without"
                " them; keep a copy of the file"
            )
            self._history.unreadable = 0
        for finished in self._speech:  # one output stream at a time: the last session's goes
            finished.close()
        speech = DeferredSpeechOut()
        self._speech = [speech]
        from companion.audio.echo import PlaybackReference

        # One copy of what this session's speech plays, which its listener cancels from the mic.
        self._reference = PlaybackReference()
        first_words = self._first_words = threading.Event()
        speech.subscribe(
            lambda _playback: first_words.set(),
            lambda status: None if status.on else first_words.set(),
        )
        threading.Thread(
            target=self._attach_speech,
            args=(speech, workout, self._reference, asked),
            name="speech-loader",
            daemon=True,
        ).start()
        runner = SessionRunner(
            workout,
            speech,
            self._history,
            loads=loads,
            pain_on_record=pain_before,
            clearance=asked,
            history_note=note,
            words_per_minute=self.speech_settings.rate,
            earcons=self.speech_settings.earcons,
            # --no-listen (or `enabled = false`): every prompt names a key. A missing microphone
            # is found only once the listener opens, in the background, after the first words:
            # the screen then tells the session (`SessionRunner.voice_off`).
            listening=self.listen_settings.enabled,
        )
        self._runners.append(runner)
        return runner

    def _attach_speech(
        self,
        speech: DeferredSpeechOut,
        workout: Workout,
        reference: PlaybackReference,
        asked: ClearanceQuestion | None,
    ) -> None:
        from companion.domain.script import speakable_phrases, wording
        from companion.speech_out.speaker import open_speech_out

        self.ui_ready.wait(timeout=UI_READY_TIMEOUT)
        speech.attach(open_speech_out(self.speech_settings, reference))
        words = wording(self.listen_settings.enabled)
        first = [asked.text(words)] if asked is not None else []  # the session's first words
        speech.prepare([*first, *sorted(speakable_phrases(workout, words))])

    def open_listener(self) -> SpeechIn:
        """Speech in for the session opened last; its gate hears when that session speaks."""
        from companion.app.deferred import DeferredSpeechIn

        speech = self._speech[-1] if self._speech else None
        reference = self._reference
        for finished in self._listeners:  # one microphone stream at a time
            finished.close()
        listener = DeferredSpeechIn(
            lambda: self._open_listener(speech, reference),
            self._first_words,
            FIRST_WORDS_TIMEOUT,
        )
        self._listeners = [listener]
        return listener

    def _open_listener(
        self, speech: DeferredSpeechOut | None, reference: PlaybackReference | None
    ) -> SpeechIn:
        from companion.speech_in.listener import open_speech_in

        return open_speech_in(self.listen_settings, speech, reference)

    def last_sessions(self) -> dict[str, LastSession]:
        """Each workout's latest session that recorded a set, for the picker; nothing when there
        is no history or it cannot be read (a session says why when it opens it)."""
        from companion import paths
        from companion.storage.history import History, HistoryUnavailable
        from companion.tui.ending import DID_NOT_FINISH, ending_words
        from companion.tui.picker import LastSession

        path = paths.history_db()
        history = self._history
        try:
            if history is None:
                if not path.is_file():
                    return {}
                history = History.read_only(path)
            try:
                past = history.sessions(LAST_SESSIONS_READ)
            finally:
                if history is not self._history:
                    history.close()
        except HistoryUnavailable:
            return {}
        last: dict[str, LastSession] = {}
        for session in past:  # newest first
            summary = session.summary
            if summary.workout_id in last or not summary.sets:
                continue
            ending = ending_words(summary) if session.ended_at else DID_NOT_FINISH
            last[summary.workout_id] = LastSession(session.started_at.astimezone(), ending)
        return last

    def close(self) -> None:
        for listener in self._listeners:
            listener.close()
        for speech in self._speech:
            speech.close()
        for runner in self._runners:
            flush_history(runner)
        if self._history is not None:
            self._history.close()


def flush_history(runner: SessionRunner, timeout: float = FLUSH_TIMEOUT_S) -> None:
    """Writes the records still waiting for history, saying so on the terminal (the app has
    left the screen): how long it waits at most, and where what it could not write is kept."""
    if not runner.pending or runner.history is None or runner.journal is None:
        return
    held = f"{runner.pending} record{'' if runner.pending == 1 else 's'}"
    print(
        f"Writing {held} that waited for {runner.history.path} (up to {timeout:g} s)…",
        file=sys.stderr,
        flush=True,
    )
    if runner.flush(timeout):
        print("History is complete.", file=sys.stderr)
        return
    from companion.domain.script import sentence

    print(
        f"{sentence(runner.history_note)} They are kept in {runner.journal.path}: the next"
        " session, or `companion history`, writes them.",
        file=sys.stderr,
    )


def _planned_loads(
    workout: Workout, history: History | None
) -> tuple[dict[str, LoadPlan], tuple[PainOnRecord, ...]]:
    """Today's loads from what history holds of this workout (the rules are in the core), and
    the pain on record before today, which next time's loads weigh too."""
    now = time.time()
    if history is None:
        return plan_loads(workout, (), (), (), now), ()
    last = history.last_session_of(workout.id)
    sets = history.session_sets(last) if last is not None else []
    pain = history.session_pain(last) if last is not None else []
    on_record = tuple(history.pain_on_record())
    return plan_loads(workout, sets, pain, on_record, now), on_record


def clearance_question(workout: Workout, history: History | None) -> ClearanceQuestion | None:
    """Whether a professional has cleared the person, to ask before a session of `workout`,
    from the warning signs and answers history holds (the rules are in the core)."""
    if history is None:
        return None
    return clearance.question(
        workout, history.red_flags_on_record(), history.clearances(), time.time()
    )
