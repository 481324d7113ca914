"""Fatigue warnings (hinge order, hinge set budget, warm-up before heavy work) and the duration
estimate, on workouts built in code so each number is known."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from companion.domain.fatigue import (
    DEFAULT_HINGE_SET_BUDGET,
    estimate_minutes,
    fatigue_warnings,
    hinge_sets,
)
from companion.domain.workout import (
    Exercise,
    Fatigue,
    Format,
    Pattern,
    Tempo,
    Unit,
    WarmupItem,
    Workout,
)
from companion.library import load_library

DEADLIFT = Exercise(
    id="deadlift",
    name="Deadlift",
    pattern=Pattern.HINGE,
    fatigue=Fatigue.HIGH,
    sets=3,
    reps=(5, 5),
    rest_seconds=180,
)
BACK_EXTENSION = Exercise(
    id="back-extension",
    name="Back extension",
    pattern=Pattern.BACK_EXTENSION,
    fatigue=Fatigue.LOW,
    sets=3,
    reps=(12, 15),
    rest_seconds=60,
)
WARMUP = (WarmupItem("Light pulls", "Empty bar.", "src", reps=10),)


def workout(*exercises: Exercise, **changes: Any) -> Workout:
    base = Workout(
        id="w",
        title="W",
        summary="Test workout.",
        format=Format.STRAIGHT_SETS,
        unit=Unit.KG,
        exercises=exercises,
        warmup=WARMUP,
    )
    return replace(base, **changes)


def test_heavy_hinge_first_then_light_work_gives_no_warning() -> None:
    assert fatigue_warnings(workout(DEADLIFT, BACK_EXTENSION)) == []


def test_heavy_hinge_after_lighter_work_is_flagged() -> None:
    (warning,) = fatigue_warnings(workout(BACK_EXTENSION, DEADLIFT))
    assert warning.startswith("Deadlift is a high-fatigue hinge placed after lower-fatigue work")
    assert "(Back extension)" in warning


def test_a_moderate_hinge_after_light_work_is_not_flagged() -> None:
    rdl = replace(DEADLIFT, name="RDL", fatigue=Fatigue.MODERATE)
    assert fatigue_warnings(workout(BACK_EXTENSION, rdl)) == []


def test_hinge_sets_over_the_workouts_budget_are_flagged() -> None:
    (warning,) = fatigue_warnings(workout(DEADLIFT, hinge_set_budget=2))
    assert warning.startswith("3 hinge sets exceed the workout's hinge_set_budget of 2")


def test_hinge_sets_within_the_budget_pass() -> None:
    assert fatigue_warnings(workout(DEADLIFT, hinge_set_budget=3)) == []


def test_default_budget_applies_when_the_workout_sets_none() -> None:
    many = replace(DEADLIFT, sets=DEFAULT_HINGE_SET_BUDGET + 1)
    (warning,) = fatigue_warnings(workout(many))
    assert f"exceed the default budget of {DEFAULT_HINGE_SET_BUDGET}" in warning


def test_circuit_rounds_multiply_hinge_sets_and_per_side_counts_once() -> None:
    kickstand = replace(
        DEADLIFT, fatigue=Fatigue.MODERATE, sets=1, per_side=True, sides=("left", "right")
    )
    circuit = workout(kickstand, BACK_EXTENSION, format=Format.CIRCUIT, rounds=4)
    assert hinge_sets(circuit) == 4


def test_heavy_work_without_warmup_is_flagged() -> None:
    (warning,) = fatigue_warnings(workout(DEADLIFT, warmup=()))
    assert warning.startswith("no warm-up before heavy work (Deadlift)")


def test_light_work_without_warmup_is_fine() -> None:
    assert fatigue_warnings(workout(BACK_EXTENSION, warmup=())) == []


def test_shipped_workouts_have_no_warnings() -> None:
    for shipped in load_library().workouts:
        assert fatigue_warnings(shipped) == [], shipped.id


def test_straight_sets_estimate() -> None:
    # 2 sets x 10 unpaced reps x 3 s = 30 s each, 60 s rest after the first set only:
    # 60 + 60 = 120 s, plus 120 s briefing and 60 s setup = 300 s.
    bridge = replace(BACK_EXTENSION, sets=2, reps=(8, 10), rest_seconds=60)
    assert estimate_minutes(workout(bridge, warmup=())) == 5


def test_tempo_and_warmup_lengthen_the_estimate() -> None:
    # 4 s reps: 2 x 40 s + 60 s rest = 140 s; warm-up 10 reps x 3 s = 30 s; briefing 120 s and
    # setup 60 s: 350 s → 6 min (rounded up; unpaced and without warm-up it would be 5).
    bridge = replace(
        BACK_EXTENSION, sets=2, reps=(8, 10), rest_seconds=60, tempo=Tempo(eccentric=3, top=1)
    )
    assert estimate_minutes(workout(bridge)) == 6


def test_circuit_estimate_counts_rounds_station_and_round_rests() -> None:
    # Per round: 30 s + (2 sides x 30 s + 10 s switch) = 100 s; 2 rounds = 200 s;
    # one 20 s station rest per round = 40 s; one 90 s round rest; briefing 120 s; setup
    # 2 x 60 s: 570 s → 10 min (rounded up).
    one = replace(BACK_EXTENSION, sets=1, reps=(10, 10))
    sided = replace(one, id="sided", per_side=True, sides=("left", "right"))
    circuit = workout(
        one,
        sided,
        warmup=(),
        format=Format.CIRCUIT,
        rounds=2,
        rest_between_exercises=20,
        rest_between_rounds=90,
    )
    assert estimate_minutes(circuit) == 10
