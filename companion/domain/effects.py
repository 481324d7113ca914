"""What a session asks the world to do: the outputs of the state machine.

Adapters carry these out (speech out, the screen, history). They are plain frozen values so a test
can compare a whole list of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum, IntEnum

from companion.domain.events import Command
from companion.domain.workout import Area, Unit


class Priority(IntEnum):
    """Speech priority. A clip cuts off a playing clip of strictly lower priority."""

    CHATTER = 0  # form reminders between reps: nice to have, never worth a late count
    INSTRUCTION = 1  # what to do now: set intros, setup checks
    COUNT = 2  # tempo counts and rest calls, scheduled at exact times
    SAFETY = 3  # pain and stop: interrupts anything


class StepKind(Enum):
    BRIEFING = "briefing"  # equipment and safety rules
    SETUP = "setup"
    WARMUP = "warmup"
    SET = "set"
    REST = "rest"
    QUESTION = "question"  # stop confirmation, pain triage
    SUMMARY = "summary"


class Outcome(Enum):
    DONE = "done"
    SKIPPED = "skipped"
    PAIN = "pain"  # stopped by a pain report
    FORM = "form"  # ended when position was lost (technique-limited)
    # Ended before its reps were counted out (by next, or halted by an emergency word), with
    # some reps counted: real work, but not the set (one with no rep counted is SKIPPED).
    ENDED = "ended-early"

    @property
    def counts_as_done(self) -> bool:
        """Finished, or ended when position was lost (its reps count); not skipped or stopped by
        pain."""
        return self in (Outcome.DONE, Outcome.FORM)


@dataclass(frozen=True)
class RepsQuestion:
    """After a set the person paced: a number, typed or said, answers "how many reps?" until
    `until` (monotonic seconds); silence keeps `reps`, the target or the last answer."""

    reps: int
    until: float


@dataclass(frozen=True)
class StepView:
    """Everything the session screen shows about the current step."""

    kind: StepKind
    workout: str
    instruction: str
    exercise: str = ""
    set_number: int = 0
    set_count: int = 0
    side: str = ""
    round_number: int = 0
    round_count: int = 0
    reps: tuple[int, int] | None = None
    load: float | None = None
    unit: Unit = Unit.LB
    tempo: str = ""
    detail: str = ""  # a fix, a note, the next step during rest
    options: tuple[str, ...] = ()  # what can be answered to a question
    # The commands that do something now (every other is ignored), from the session's table.
    allowed: frozenset[Command] = frozenset()
    paused: bool = False
    step_index: int = 0
    step_count: int = 0
    reps_question: RepsQuestion | None = None  # "how many reps?", while it may be answered


@dataclass(frozen=True)
class Speak:
    text: str
    priority: Priority
    at: float | None = None  # monotonic time to start at; None: as soon as possible
    group: str = ""  # scheduled clips of one step share a group, so they can be cancelled


@dataclass(frozen=True)
class CancelSpeech:
    """Drop queued and scheduled clips of `group` (all when None) and cut off what is playing."""

    group: str | None = None


@dataclass(frozen=True)
class Show:
    view: StepView


@dataclass(frozen=True)
class StartTimer:
    name: str
    start: float
    end: float


@dataclass(frozen=True)
class CancelTimer:
    name: str


@dataclass(frozen=True)
class ShowTempo:
    """Where a paced rep is: phase ("lower", "hold", "up", "top") and the count within it."""

    rep: int
    phase: str
    count: int


@dataclass(frozen=True)
class SetRecord:
    exercise_id: str
    exercise: str
    set_number: int
    set_count: int
    side: str
    round_number: int
    reps_target: tuple[int, int]
    # None when nobody counted: an unpaced set that form or pain ended part-way (the person
    # counts an unpaced set; one they ended with "next" is taken to have reached its target).
    reps_done: int | None
    load: float | None
    unit: Unit
    outcome: Outcome
    variant: str = ""  # the regression's name when one was swapped in


class PainAction(Enum):
    """What came of a pain report without warning signs (or of one with them: END_SESSION).
    The values are what history stores, so older history files still read."""

    END_SESSION = "end-session"  # warning signs
    CONTINUE = "continue"  # nothing of the exercise left to change
    END_EXERCISE = "end-exercise"  # the second report in one exercise
    REDUCE = "reduce"  # carry on lighter
    REGRESS = "regress"  # swap in the regression
    SKIP = "skip"  # skip the rest of the exercise


@dataclass(frozen=True)
class PainReport:
    number: int  # 1, 2, … within the session: later copies of a report update the first
    exercise_id: str
    exercise: str
    set_number: int
    side: str
    heard: str = ""
    red_flags: bool | None = None  # None until answered
    action: PainAction | None = None  # None until chosen
    new_load: float | None = None


@dataclass(frozen=True)
class RecordSet:
    record: SetRecord


@dataclass(frozen=True)
class CorrectSet:
    """The reps of a set recorded a moment ago, as the person then gave them: replaces the last
    record of the same set (exercise, set number, side, round)."""

    record: SetRecord


@dataclass(frozen=True)
class RecordPain:
    """Stored before anything else is said; re-sent with the answer and the action taken."""

    report: PainReport


@dataclass(frozen=True)
class Clearance:
    """An answer to "has a professional cleared you?", asked before a session after warning
    signs in an area it trains (`domain.clearance`)."""

    area: Area
    # When the latest warning signs asked about were reported (POSIX seconds): a yes clears those
    # and any before them in the area, not signs reported later.
    red_flag_at: float
    cleared: bool


@dataclass(frozen=True)
class RecordClearance:
    """Stored whatever comes of the session: the answer is kept even when nothing is done."""

    answer: Clearance


class Ending(Enum):
    """How a session ended. The value is the reason history stores (empty when it ran to its
    end), which the summary and `companion history` show after "Ended early:"."""

    FINISHED = ""
    STOPPED = "stopped before the end"
    PAIN_RED_FLAGS = "pain with warning signs: see a physical therapist or doctor"
    # Before anything was done: the person said no professional has cleared them after
    # warning signs.
    NOT_CLEARED = "not cleared by a physical therapist or doctor after warning signs"

    @property
    def early(self) -> bool:
        return self is not Ending.FINISHED


@dataclass(frozen=True)
class SessionSummary:
    workout_id: str
    workout: str
    unit: Unit
    sets: tuple[SetRecord, ...]
    pain: tuple[PainReport, ...]
    ending: Ending = Ending.FINISHED
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def sets_done(self) -> int:
        return sum(1 for s in self.sets if s.outcome.counts_as_done)

    @property
    def skipped(self) -> int:
        return sum(1 for s in self.sets if s.outcome is Outcome.SKIPPED)

    @property
    def stopped_by_pain(self) -> int:
        return sum(1 for s in self.sets if s.outcome is Outcome.PAIN)


@dataclass(frozen=True)
class Finished:
    summary: SessionSummary


Effect = (
    Speak
    | CancelSpeech
    | Show
    | StartTimer
    | CancelTimer
    | ShowTempo
    | RecordSet
    | CorrectSet
    | RecordPain
    | RecordClearance
    | Finished
)
