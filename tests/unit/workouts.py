"""Small workouts built in code for the session engine's tests (independent of the TOML files)."""

from __future__ import annotations

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
