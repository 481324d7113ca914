"""When things are said and done in a step: the alarms of a paced set and of a rest, and how long
words take to say.

A paced rep is a run of phases (lower, hold, up, top); a lowering of more than a second is counted
out loud, the other phases are called ("up", "hold"), and a form cue that fits takes the place of
a call. Everything is an alarm at an exact time, computed here from the exercise alone.

Pure functions of their arguments: the session state machine (`companion.domain.session`) asks
for a step's alarms when it enters the step, keeps them, and fires them as time passes.
"""

from __future__ import annotations

from dataclasses import dataclass

from companion.domain import script
from companion.domain.effects import Priority
from companion.domain.workout import CueMoment, Exercise

LEAD_GAP = 1.5  # seconds between the end of a set's intro and its first counted rep
CUE_INTERVAL = 8.0  # seconds between form reminders in a set the person paces
DEFAULT_WORDS_PER_MINUTE = 175  # espeak-ng's default rate
SECONDS_PER_WORD = 0.34  # a word and its share of the pauses, at DEFAULT_WORDS_PER_MINUTE


def speech_seconds(text: str, words_per_minute: float = DEFAULT_WORDS_PER_MINUTE) -> float:
    """How long `text` takes to say at `words_per_minute`, roughly; used to leave room before
    timed counts."""
    # The ratio first: at the default rate it is exactly 1, so the estimate is exactly 0.34 s a
    # word, as the timings the tests spell out assume.
    per_word = SECONDS_PER_WORD * (DEFAULT_WORDS_PER_MINUTE / words_per_minute)
    return 0.25 + per_word * len(text.split())


# ----------------------------------------------------------------- alarms


@dataclass(frozen=True)
class SpeakAlarm:
    """Speech already sent with its start time; kept so a pause can drop it and a resume re-send
    it, shifted."""

    at: float
    text: str
    priority: Priority


@dataclass(frozen=True)
class TempoAlarm:
    """Show where a paced rep is: its phase and the count within it."""

    at: float
    rep: int
    phase: str
    count: int


@dataclass(frozen=True)
class RepDone:
    at: float
    rep: int


@dataclass(frozen=True)
class StepDone:
    at: float


@dataclass(frozen=True)
class CueDue:
    """The next form reminder in a set the person paces."""

    at: float


Alarm = SpeakAlarm | TempoAlarm | RepDone | StepDone | CueDue


# ----------------------------------------------------------------- a paced set


@dataclass(frozen=True)
class _Phase:
    name: str  # "lower", "hold", "up", "top"
    seconds: int
    moment: CueMoment


@dataclass(frozen=True)
class _RepCue:
    first: int  # index of the phase whose call the cue replaces
    covers: int  # phase calls it takes the place of, from `first` on
    text: str


def _phases(exercise: Exercise) -> list[_Phase]:
    t = exercise.tempo
    lowering = [
        _Phase("lower", t.eccentric, CueMoment.ECCENTRIC),
        _Phase("hold", t.pause, CueMoment.BOTTOM),
    ]
    rising = [
        _Phase("up", t.concentric, CueMoment.CONCENTRIC),
        _Phase("top", t.top, CueMoment.TOP),
    ]
    order = lowering + rising if t.lowering_first else rising + lowering
    return [p for p in order if p.seconds > 0]


def _counted(phase: _Phase) -> bool:
    """A lowering of more than a second is counted out loud, a call each second."""
    return phase.name == "lower" and phase.seconds > 1


def _calls_covered(phases: list[_Phase], first: int, seconds: float) -> int:
    """How many phase calls from `phases[first]` on a cue of `seconds` takes the place of; 0 when
    it would run into a count or past the end of the rep."""
    room = 0.0
    for covered, phase in enumerate(phases[first:], start=1):
        if _counted(phase):
            return 0
        room += phase.seconds
        if seconds <= room:
            return covered
    return 0


def _rep_cues(exercise: Exercise, words_per_minute: float) -> list[_RepCue]:
    """The form cues that fit a rep of this paced exercise, taking turns one a rep.

    A cue is said at the moment it belongs to ("drive through your heels" as the hips rise).
    A short one replaces that phase's call; a longer one also the calls right after it, as
    long as it ends before the next count and before the next rep, so no count is ever late.
    """
    phases = _phases(exercise)
    return [
        _RepCue(index, covers, cue.text)
        for index, phase in enumerate(phases)
        for cue in exercise.cues_at(phase.moment)
        if (covers := _calls_covered(phases, index, speech_seconds(cue.text, words_per_minute)))
    ]


def paced_set(exercise: Exercise, first: float, words_per_minute: float) -> list[Alarm]:
    """Counts and phase calls for every rep of a set the companion counts, at exact offsets from
    `first` (when rep 1 starts), each rep's end, and the set's end."""
    phases = _phases(exercise)
    cues = _rep_cues(exercise, words_per_minute)
    rep_seconds = exercise.tempo.rep_seconds
    reps = exercise.rep_target
    alarms: list[Alarm] = []
    for rep in range(1, reps + 1):
        start = first + (rep - 1) * rep_seconds
        offset = 0.0
        cue = cues[(rep - 1) % len(cues)] if cues else None
        for index, phase in enumerate(phases):
            at = start + offset
            if _counted(phase):
                for n in range(1, phase.seconds + 1):
                    alarms.append(SpeakAlarm(at + n - 1, script.count_word(n), Priority.COUNT))
                    alarms.append(TempoAlarm(at + n - 1, rep, "lower", n))
            else:
                words = {"lower": script.DOWN, "up": script.UP}.get(phase.name, script.HOLD)
                if cue is not None and index == cue.first:
                    words = cue.text
                if cue is None or not cue.first < index < cue.first + cue.covers:
                    alarms.append(SpeakAlarm(at, words, Priority.COUNT))
                alarms.append(TempoAlarm(at, rep, phase.name, 1))
            offset += phase.seconds
        # `first + rep * rep_seconds`, not `start + rep_seconds`: the same expression as the
        # set's end below, so the last rep ends exactly when the set does (float sums differ).
        alarms.append(RepDone(first + rep * rep_seconds, rep))
    alarms.append(StepDone(first + reps * rep_seconds))
    return alarms


def reminders(exercise: Exercise, counted: bool, words_per_minute: float) -> list[str]:
    """What to remind the person of about `exercise`: its in-set cues, then its mistakes.

    In a set the person paces, they are said in the set, one at a time. A set the companion
    counts (`counted`) leaves room only for the cues that fit a rep; the rest wait for the rests
    before its sets.
    """
    in_reps = {c.text for c in _rep_cues(exercise, words_per_minute)} if counted else set()
    during = [
        c.text
        for c in exercise.cues
        if c.moment is not CueMoment.BEFORE_SET and c.text not in in_reps
    ]
    return during + [c.text for c in exercise.mistakes]


# ----------------------------------------------------------------- a countdown


def countdown(end: float, calls: list[tuple[float, str]]) -> list[Alarm]:
    """A countdown (a rest, a timed warm-up) that ends at `end`: its `calls` (seconds before the
    end, words; `script.rest_calls`, `script.warmup_calls`), and its end."""
    alarms: list[Alarm] = [
        SpeakAlarm(end - before_end, words, Priority.COUNT) for before_end, words in calls
    ]
    return [*alarms, StepDone(end)]
