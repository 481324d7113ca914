"""How long a workout takes and whether its hinge work is placed and dosed sensibly.

Used by `companion list` (duration column), `companion validate` (warnings) and the picker. Pure:
no I/O, no clock. The warnings follow the second article: heavier hinges go early in a session,
hinge sets are kept few, and heavy work comes after a warm-up (first article).
"""

from __future__ import annotations

import math

from companion.domain.plan import SIDE_SWITCH_SECONDS
from companion.domain.workout import Exercise, Fatigue, Format, Pattern, Workout

UNPACED_REP_SECONDS = 3  # an unpaced rep, when the file gives no tempo
BRIEFING_SECONDS = 120  # equipment and safety briefing before the first exercise
SETUP_SECONDS_PER_EXERCISE = 60  # loading a bar, moving a bench, the setup checklist
WARMUP_ITEM_SECONDS = 60  # a warm-up item that gives neither reps nor seconds
# Hinge sets per session when the workout sets no budget. The article gives no number; ten is a
# cautious ceiling that a session of mostly hinges reaches and a balanced one does not.
DEFAULT_HINGE_SET_BUDGET = 10


def set_seconds(exercise: Exercise) -> int:
    """One set, both sides for a per-side exercise, at the top of the rep range."""
    rep = exercise.tempo.rep_seconds if exercise.tempo.paced else UNPACED_REP_SECONDS
    sides = len(exercise.trained_sides)
    return exercise.rep_target * rep * sides + SIDE_SWITCH_SECONDS * (sides - 1)


def _warmup_seconds(workout: Workout) -> int:
    total = 0
    for item in workout.warmup:
        if item.seconds is not None:
            total += item.seconds
        elif item.reps is not None:
            total += item.reps * UNPACED_REP_SECONDS
        else:
            total += WARMUP_ITEM_SECONDS
    return total


def estimate_minutes(workout: Workout) -> int:
    """Whole minutes from briefing to the last rep: work, rests, setup and warm-up, rounded up."""
    total = BRIEFING_SECONDS + _warmup_seconds(workout)
    total += SETUP_SECONDS_PER_EXERCISE * len(workout.exercises)
    if workout.format is Format.CIRCUIT:
        # Each round: every station's sets (rest_seconds between sets at one station), then the
        # station rest between exercises and the round rest between rounds.
        station_seconds = sum(
            e.sets * set_seconds(e) + (e.sets - 1) * e.rest_seconds for e in workout.exercises
        )
        stations = len(workout.exercises)
        total += workout.rounds * station_seconds
        total += workout.rounds * (stations - 1) * workout.rest_between_exercises
        total += (workout.rounds - 1) * workout.rest_between_rounds
    else:
        # Rest follows every set but the very last one of the session.
        total += sum(e.sets * (set_seconds(e) + e.rest_seconds) for e in workout.exercises)
        total -= workout.exercises[-1].rest_seconds if workout.exercises else 0
    return math.ceil(total / 60)


def hinge_sets(workout: Workout) -> int:
    """Hinge sets in the session. A per-side set counts once: each side carries part of the load
    the spine holds in a two-legged set, so the pair costs about one set."""
    return workout.passes * sum(e.sets for e in workout.exercises if e.pattern is Pattern.HINGE)


def fatigue_warnings(workout: Workout) -> list[str]:
    """Advice about order and dose; an empty list when there is nothing to say."""
    warnings: list[str] = []
    for index, exercise in enumerate(workout.exercises):
        if exercise.pattern is not Pattern.HINGE or exercise.fatigue is not Fatigue.HIGH:
            continue
        lighter = [e.name for e in workout.exercises[:index] if e.fatigue.rank < Fatigue.HIGH.rank]
        if lighter:
            warnings.append(
                f"{exercise.name} is a high-fatigue hinge placed after lower-fatigue work "
                f"({', '.join(lighter)}); heavier hinges belong early, while performance is highest"
            )

    budget = workout.hinge_set_budget
    limit = DEFAULT_HINGE_SET_BUDGET if budget is None else budget
    count = hinge_sets(workout)
    if count > limit:
        which = "the workout's hinge_set_budget" if budget is not None else "the default budget"
        warnings.append(
            f"{count} hinge sets exceed {which} of {limit}; hinge work costs more recovery "
            "than other sets, so fewer sets or a lower-fatigue variation would fit better"
        )

    heavy = [e.name for e in workout.exercises if e.fatigue is Fatigue.HIGH]
    if heavy and not workout.warmup:
        warnings.append(
            f"no warm-up before heavy work ({', '.join(heavy)}); "
            "add dynamic moves and light sets to the warmup"
        )
    return warnings
