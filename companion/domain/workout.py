"""What a workout is, in a coach's words.

Built by `companion.library` from TOML files and read by the session engine. Everything is
frozen: a workout never changes while a session runs. No I/O here.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum


class Fatigue(Enum):
    """Systemic fatigue of one set (second article: deadlift > RDL > back extension)."""

    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"

    @property
    def rank(self) -> int:
        return {"low": 1, "moderate": 2, "high": 3}[self.value]


class Pattern(Enum):
    """Movement pattern, for weekly volume per pattern."""

    HINGE = "hinge"
    HIP_EXTENSION = "hip-extension"
    BACK_EXTENSION = "back-extension"

    @property
    def area(self) -> Area:
        """The part of the body a pattern loads, for warning signs (`domain.clearance`).

        An area, not the pattern itself: the warning signs the workouts list (sharp pain, pain
        spreading down a leg, numbness or tingling in the legs) are signs of the lower back and
        its nerves, and every pattern here loads it: a hinge and a back extension directly, a
        hip thrust through the arched back its safety rules warn about. Matching patterns would
        let a hinge session start silently after warning signs in a hip thrust. A new pattern
        must be placed here (mypy finds the missing case)."""
        match self:
            case Pattern.HINGE | Pattern.HIP_EXTENSION | Pattern.BACK_EXTENSION:
                return Area.LOWER_BACK_AND_LEGS


class Area(Enum):
    """A part of the body that warning signs are about (see `Pattern.area`); the value is what
    history stores."""

    LOWER_BACK_AND_LEGS = "lower back and legs"


class CueMoment(Enum):
    """Where in a set a cue belongs, so it is spoken when it helps."""

    BEFORE_SET = "before-set"  # brace, breathe: said before the first rep
    CONCENTRIC = "concentric"  # drive through the heels: said as the rep goes up
    TOP = "top"  # squeeze, posterior tilt: at lockout
    ECCENTRIC = "eccentric"  # controlled descent
    BOTTOM = "bottom"  # keep tension, no bouncing
    DURING = "during"  # general reminders, said between reps of an unpaced set


class Format(Enum):
    STRAIGHT_SETS = "straight-sets"  # all sets of one exercise, then the next
    CIRCUIT = "circuit"  # one set of each exercise per round


class Unit(Enum):
    LB = "lb"
    KG = "kg"


@dataclass(frozen=True)
class Source:
    """One of the articles the content was written from."""

    id: str
    title: str
    file: str


@dataclass(frozen=True)
class Cue:
    text: str
    source: str
    moment: CueMoment = CueMoment.DURING


@dataclass(frozen=True)
class SetupCheck:
    """A thing to check before the first rep; `fix` says what to do when it is wrong."""

    text: str
    source: str
    fix: str = ""


@dataclass(frozen=True)
class SafetyRule:
    text: str
    source: str
    red_flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Equipment:
    name: str
    substitutes: tuple[str, ...] = ()
    optional: bool = False


@dataclass(frozen=True)
class Tempo:
    """Seconds per phase of one rep. A five-count eccentric is `Tempo(eccentric=5)`."""

    eccentric: int = 0
    pause: int = 0  # at the bottom
    concentric: int = 0
    top: int = 0  # hold at the top
    lowering_first: bool = True  # an RDL starts at the top; a hip thrust or deadlift at the bottom
    note: str = ""  # where the seconds come from (an article's count, or our own choice)

    @property
    def rep_seconds(self) -> int:
        return self.eccentric + self.pause + self.concentric + self.top

    @property
    def paced(self) -> bool:
        return self.rep_seconds > 0


@dataclass(frozen=True)
class WarmupItem:
    name: str
    text: str
    source: str
    reps: int | None = None
    seconds: int | None = None  # a countdown that ends the item by itself
    # A lighter set before the working sets: this share of `exercise`'s load today, said as a
    # number ("about 45 pounds"); None for an item with no load.
    load_share: float | None = None
    exercise: str = ""  # the id of the exercise whose load `load_share` is of


@dataclass(frozen=True)
class Regression:
    """An easier exercise to swap in (after pain, or when the main one cannot be done)."""

    name: str
    text: str
    source: str
    # Whether it is done one side at a time; None: as the exercise it replaces. A two-legged
    # regression of a one-legged exercise does each set once, both sides together.
    per_side: bool | None = None
    cues: tuple[Cue, ...] = ()  # its own form cues; the replaced exercise's do not apply


@dataclass(frozen=True)
class Progression:
    """How the load moves between sessions (first article: 2.5–5 lb per side)."""

    text: str
    source: str
    increment_per_side: tuple[float, float] = (2.5, 5.0)
    sides_loaded: int = 2  # a barbell is loaded on two sides; a dumbbell or kettlebell on one
    unit: Unit = Unit.LB  # of increment_per_side: a file's own is in its workout's unit


@dataclass(frozen=True)
class Exercise:
    id: str
    name: str
    pattern: Pattern
    fatigue: Fatigue
    sets: int
    reps: tuple[int, int]  # (low, high) of the rep range; equal for a fixed target
    rest_seconds: int
    per_side: bool = False
    sides: tuple[str, ...] = ()  # e.g. ("left", "right") when per_side
    load: float | None = None  # starting load in the workout's unit; None for bodyweight
    tempo: Tempo = field(default_factory=Tempo)
    setup: tuple[SetupCheck, ...] = ()
    steps: tuple[str, ...] = ()  # how to do one rep, in order, said once before the first set
    cues: tuple[Cue, ...] = ()
    mistakes: tuple[Cue, ...] = ()  # common mistakes, phrased as positive cues
    end_set_when: str = ""  # e.g. "position is lost" (second article)
    switch_sides: str = ""  # what to say when switching sides
    regression: Regression | None = None
    progression: Progression | None = None
    equipment: tuple[str, ...] = ()

    @property
    def trained_sides(self) -> tuple[str, ...]:
        """The sides one set is done on: ("left", "right") per side, else ("",) for both at once."""
        return self.sides if self.per_side and self.sides else ("",)

    @property
    def sets_per_round(self) -> int:
        """Sets in one pass through the exercise, each side counted."""
        return self.sets * len(self.trained_sides)

    @property
    def rep_target(self) -> int:
        return self.reps[1]

    def cues_at(self, moment: CueMoment) -> tuple[Cue, ...]:
        return tuple(c for c in self.cues if c.moment is moment)

    def swapped(self) -> Exercise:
        """The regression as the exercise done in this one's place: its own name, sides and cues,
        paced by the person, bodyweight; the same id, so records and pain reports stay this
        exercise's (a record names the regression as its variant)."""
        regression = self.regression
        assert regression is not None
        per_side = self.per_side if regression.per_side is None else regression.per_side
        return replace(
            self,
            name=regression.name,
            per_side=per_side and bool(self.sides),
            load=None,
            tempo=Tempo(),
            setup=(),
            steps=(),
            cues=regression.cues,
            mistakes=(),
            end_set_when="",
            regression=None,
        )


@dataclass(frozen=True)
class Workout:
    id: str
    title: str
    summary: str
    format: Format
    unit: Unit
    exercises: tuple[Exercise, ...]
    sources: tuple[Source, ...] = ()
    equipment: tuple[Equipment, ...] = ()
    warmup: tuple[WarmupItem, ...] = ()
    safety: tuple[SafetyRule, ...] = ()
    rounds: int = 1  # circuits only
    rest_between_exercises: int = 0  # circuits: seconds between stations
    rest_between_rounds: int = 0  # circuits: seconds after each round
    defaults_note: str = ""  # where sets/reps/rest are our choice, not the article's
    hinge_set_budget: int | None = None  # per-session cap on hinge sets (second article)

    def exercise(self, exercise_id: str) -> Exercise:
        for exercise in self.exercises:
            if exercise.id == exercise_id:
                return exercise
        raise KeyError(exercise_id)

    @property
    def total_sets(self) -> int:
        return sum(e.sets_per_round for e in self.exercises) * self.passes

    @property
    def passes(self) -> int:
        """How many times the workout goes through each exercise: a circuit's rounds, else 1."""
        return self.rounds if self.format is Format.CIRCUIT else 1
