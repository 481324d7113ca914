"""Small workouts built in code for the session engine's tests (independent of the TOML files)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from companion.domain.effects import Effect, Speak
from companion.domain.events import Command, CommandGiven, SessionEvent
from companion.domain.session import Mode, Session
from companion.domain.workout import (
    Cue,
    CueMoment,
    Equipment,
    Exercise,
    Fatigue,
    Format,
    Pattern,
    Regression,
    SafetyRule,
    SetupCheck,
    Tempo,
    Unit,
    WarmupItem,
    Workout,
)

THRUST = Exercise(
    id="hip-thrust",
    name="Hip thrust",
    pattern=Pattern.HIP_EXTENSION,
    fatigue=Fatigue.MODERATE,
    sets=2,
    reps=(8, 10),
    rest_seconds=60,
    load=95.0,
    setup=(SetupCheck("Shins vertical at the top.", "ht", fix="Move your feet."),),
    cues=(
        Cue("Ribs down.", "ht", CueMoment.BEFORE_SET),
        Cue("Heels.", "ht", CueMoment.CONCENTRIC),
        Cue("Squeeze your glutes at the top.", "ht", CueMoment.TOP),
    ),
    mistakes=(Cue("No bouncing at the bottom.", "ht"),),
    regression=Regression("Glute bridge", "Glute bridge on the floor.", "ht"),
)

RDL = Exercise(
    id="rdl",
    name="Romanian deadlift",
    pattern=Pattern.HINGE,
    fatigue=Fatigue.HIGH,
    sets=1,
    reps=(3, 3),
    rest_seconds=30,
    load=65.0,
    tempo=Tempo(eccentric=5, concentric=1, top=1),
)

BRIDGE = Exercise(
    id="sl-bridge",
    name="Single-leg glute bridge",
    pattern=Pattern.HIP_EXTENSION,
    fatigue=Fatigue.LOW,
    sets=1,
    reps=(10, 10),
    rest_seconds=20,
    per_side=True,
    sides=("left", "right"),
    switch_sides="Plant the other foot.",
)


def straight(*exercises: Exercise) -> Workout:
    return Workout(
        id="test",
        title="Test session",
        summary="",
        format=Format.STRAIGHT_SETS,
        unit=Unit.LB,
        exercises=exercises or (THRUST,),
        equipment=(Equipment("barbell"),),
        warmup=(WarmupItem("Bridges", "Ten easy bridges.", "ht", reps=10),),
        safety=(SafetyRule("Stop on sharp pain.", "ht"),),
    )


def circuit(*exercises: Exercise, rounds: int = 2) -> Workout:
    return Workout(
        id="circuit",
        title="Test circuit",
        summary="",
        format=Format.CIRCUIT,
        unit=Unit.LB,
        exercises=exercises or (BRIDGE, RDL),
        rounds=rounds,
        rest_between_exercises=15,
        rest_between_rounds=60,
    )


# A four-rep RDL whose eight-word intro makes, when the set starts at 0.4 s, the float sum of
# the last rep's end land after the set's end (the engine once counted only three reps then).
RDL4 = Exercise(
    id="rdl-4",
    name="Long Romanian deadlift",
    pattern=Pattern.HINGE,
    fatigue=Fatigue.HIGH,
    sets=1,
    reps=(4, 4),
    rest_seconds=30,
    load=65.0,
    tempo=Tempo(eccentric=5, concentric=1, top=1),
)

# A paced hip thrust that starts at the bottom: up, hold at the top, a counted two-second
# lowering. "Heels." is short enough to replace the "up" call.
THRUST_PACED = Exercise(
    id="hip-thrust-paced",
    name="Paced hip thrust",
    pattern=Pattern.HIP_EXTENSION,
    fatigue=Fatigue.MODERATE,
    sets=1,
    reps=(2, 2),
    rest_seconds=60,
    load=95.0,
    tempo=Tempo(eccentric=2, concentric=1, top=2, lowering_first=False),
    cues=(
        Cue("Heels.", "ht", CueMoment.CONCENTRIC),
        Cue("Squeeze your glutes at the top.", "ht", CueMoment.TOP),
    ),
)

# Bodyweight, no regression: after pain only "skip" can be offered.
BACK_EXT = Exercise(
    id="back-ext",
    name="Back extension",
    pattern=Pattern.BACK_EXTENSION,
    fatigue=Fatigue.LOW,
    sets=2,
    reps=(12, 15),
    rest_seconds=20,
)

# Kilograms, two plates a side: the per-side step is 1.25 kg.
KG_DEADLIFT = Exercise(
    id="deadlift-kg",
    name="Deadlift",
    pattern=Pattern.HINGE,
    fatigue=Fatigue.HIGH,
    sets=3,
    reps=(5, 5),
    rest_seconds=120,
    load=60.0,
)


def bare(*exercises: Exercise, unit: Unit = Unit.LB) -> Workout:
    """Straight sets with no equipment, warm-up or safety text: the plan is briefing, then sets."""
    return Workout(
        id="bare",
        title="Bare session",
        summary="",
        format=Format.STRAIGHT_SETS,
        unit=unit,
        exercises=exercises,
    )


# ---------------------------------------------------------------- driving a session in tests

E = TypeVar("E")


def cmd(command: Command, now: float, heard: str = "") -> CommandGiven:
    return CommandGiven(command, now, heard)


def feed(session: Session, *events: SessionEvent) -> list[Effect]:
    """Every effect of `events`, in order."""
    out: list[Effect] = []
    for event in events:
        out.extend(session.handle(event))
    return out


def asked(session: Session) -> list[Mode]:
    """The questions open, the one asked last at the end (a stop question over a pain one)."""
    return [m for m in session.modes if m.asking]


def of(kind: type[E], effects: Sequence[Effect]) -> list[E]:
    return [e for e in effects if isinstance(e, kind)]


def said(effects: Sequence[Effect]) -> list[str]:
    return [e.text for e in of(Speak, effects)]
