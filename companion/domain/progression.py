"""Load from one session to the next (first article: small steps, only with good form).

Pure rules over past records: the composition root (`companion.app.wiring`) reads them from
history, with the time now, and passes `plan_loads`'s result to the session as each exercise's
starting load.

The rules, per exercise, from the last session's records:

- pain reported in it (or a set stopped by pain) → down: about 10% lighter than the load the pain
  came at, and never heavier than the lightest load used after it;
- every working set done (none missing) at the top of the rep range, at full load, with no form
  report → up by the smallest step: the low end of the exercise's per-side increment times the
  sides loaded (2.5 lb a side on a barbell → +5 lb), or the kilogram equivalent (1.25 kg a side);
- otherwise, or when pain was reported for the exercise in the last 28 days → hold;
- bodyweight (no load) → no load change and no note.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from companion.domain import script
from companion.domain.effects import Ending, Outcome, PainReport, SessionSummary, SetRecord
from companion.domain.workout import Exercise, Progression, Unit, Workout

# The smallest step that can be loaded: a pair of 1.25 kg plates, or 2.5 lb plates on each side.
PLATE_STEP = {Unit.LB: 5.0, Unit.KG: 2.5}
# The smallest plate per side: the unit a kilogram increment is rounded to.
PLATE_PER_SIDE = {Unit.LB: PLATE_STEP[Unit.LB] / 2, Unit.KG: PLATE_STEP[Unit.KG] / 2}
PAIN_REDUCTION = 0.10  # after pain, carry on about 10% lighter
LB_TO_KG = 0.45359237
DEFAULT_PROGRESSION = Progression(text="", source="")  # 2.5–5 lb a side, two sides
# Pain in this window keeps an exercise's load from going up (the coaching rules' "next time").
PAIN_MEMORY_S = 28 * 24 * 60 * 60  # 28 days, in seconds

Reason = Literal["up", "hold", "down"]


@dataclass(frozen=True)
class LoadPlan:
    """The load an exercise starts at today, and the words that explain it."""

    load: float | None
    note: str = ""


@dataclass(frozen=True)
class PainOnRecord:
    """A pain report history holds: for which exercise, and when."""

    exercise_id: str
    reported_at: float  # wall-clock POSIX seconds: the core reads no clock and no calendar


@dataclass(frozen=True)
class Suggestion:
    """The load for next time, and why."""

    load: float | None  # None for bodyweight
    change: float  # signed: next load minus `previous`; 0.0 when held
    reason: Reason
    previous: float | None = None  # the load it is compared with (None: nothing to compare)
    why: str = ""  # for the summary screen: "all sets at the top of the range", …


def reduce_load(load: float, unit: Unit) -> float:
    """About 10% lighter, rounded down to a loadable step, and at least one step lighter."""
    step = PLATE_STEP[unit]
    reduced = math.floor(load * (1 - PAIN_REDUCTION) / step) * step
    return max(0.0, min(reduced, load - step))


def warmup_load(load: float, share: float, unit: Unit) -> float:
    """A warm-up set's `share` of the working `load`, rounded down to a loadable step (a warm-up
    errs light: half of 95 lb is 45), and at least one step."""
    step = PLATE_STEP[unit]
    return max(step, math.floor(load * share / step) * step)


def increment(exercise: Exercise, unit: Unit) -> float:
    """The smallest sensible step up: the low end per side, times the sides loaded.

    The per-side step is converted when it is in the other unit (the article's default is in
    pounds), then made the nearest whole number of the smallest plate (2.5 lb ≈ 1.13 kg →
    1.25 kg), never less than one plate.
    """
    progression = exercise.progression or DEFAULT_PROGRESSION
    per_side = progression.increment_per_side[0]
    if progression.unit is not unit:
        per_side = per_side * LB_TO_KG if unit is Unit.KG else per_side / LB_TO_KG
    plate = PLATE_PER_SIDE[unit]
    per_side = max(plate, round(per_side / plate) * plate)
    return per_side * progression.sides_loaded


def _at_the_top(record: SetRecord) -> bool:
    return (
        record.outcome is Outcome.DONE
        and not record.variant  # a regression's set says nothing about the main lift
        and record.reps_done is not None
        and record.reps_done >= record.reps_target[1]
    )


def suggest(
    exercise: Exercise,
    unit: Unit,
    sets: Sequence[SetRecord],
    pain: Sequence[PainReport],
    pain_history: bool,
    passes: int = 1,
) -> Suggestion:
    """Next session's load for `exercise` from the last session's `sets` and `pain` (records of
    other exercises, and sets logged in another unit, are ignored). `pain_history`: pain was
    reported for this exercise in an earlier session, which blocks an increase. `passes`: how
    many times the workout goes through the exercise (a circuit's rounds)."""
    ours = [s for s in sets if s.exercise_id == exercise.id and s.unit is unit]
    reports = [p for p in pain if p.exercise_id == exercise.id]
    if exercise.load is None:
        return Suggestion(None, 0.0, "hold", why="bodyweight")
    # Loads actually lifted (a regression's sets carry none) and loads merely planned (skipped).
    lifted = [s.load for s in ours if s.outcome is not Outcome.SKIPPED and s.load is not None]
    planned = [s.load for s in ours if s.load is not None]
    last = lifted[-1] if lifted else planned[-1] if planned else exercise.load
    pained = [s.load for s in ours if s.outcome is Outcome.PAIN and s.load is not None]
    if reports or pained:
        # Reduce from the load the pain came at (the first set it stopped; else the first load
        # of the session), and never suggest more than what was lifted after it.
        at = pained[0] if pained else lifted[0] if lifted else last
        load = min(reduce_load(at, unit), *lifted) if lifted else reduce_load(at, unit)
        return Suggestion(load, load - at, "down", previous=at, why="pain reported")
    if not lifted:
        # Never done, or every set skipped: the load stands.
        return Suggestion(last, 0.0, "hold", previous=last if ours else None, why="no sets done")
    if any(s.outcome is Outcome.FORM for s in ours):
        return Suggestion(last, 0.0, "hold", previous=last, why="position was lost")
    if not all(_at_the_top(s) for s in ours):  # a skipped or regressed set is not at the top
        return Suggestion(last, 0.0, "hold", previous=last, why="not every set at the top")
    if len(ours) < exercise.sets_per_round * passes:
        # Sets never recorded: the app was quit or stopped in the middle of the session.
        return Suggestion(last, 0.0, "hold", previous=last, why="not every set done")
    if pain_history:
        return Suggestion(last, 0.0, "hold", previous=last, why="earlier pain on record")
    step = increment(exercise, unit)
    return Suggestion(last + step, step, "up", previous=last, why="every set at the top")


def note(suggestion: Suggestion, unit: Unit, pain_days_ago: int | None = None) -> str:
    """The opener for the exercise's first set; empty when there is nothing to compare with. A
    held load says why (`pain_days_ago`: how long ago the pain on record that holds it was)."""
    if suggestion.load is None or suggestion.previous is None:
        return ""
    because = script.held_because(suggestion.why, pain_days_ago)
    return script.load_note(
        suggestion.load, suggestion.previous, suggestion.reason, unit, because=because
    )


DAY_S = 24 * 60 * 60


def _recent_pain(pain_on_record: Iterable[PainOnRecord], now: float) -> dict[str, int]:
    """Exercise id → whole days since its latest pain report within PAIN_MEMORY_S of `now`."""
    since = now - PAIN_MEMORY_S
    latest: dict[str, float] = {}
    for p in pain_on_record:
        if p.reported_at >= since:
            latest[p.exercise_id] = max(latest.get(p.exercise_id, p.reported_at), p.reported_at)
    return {e: max(0, int((now - at) // DAY_S)) for e, at in latest.items()}


@dataclass(frozen=True)
class LoadAdvice:
    """Next time's load for one exercise and why, for the summary screen."""

    exercise_id: str
    exercise: str
    load: float | None  # None: bodyweight
    change: float
    reason: Reason
    text: str  # "Hip thrust: 140 lb next time, up 5: every set at the top."


def next_time(
    workout: Workout,
    summary: SessionSummary,
    pain_on_record: Iterable[PainOnRecord] = (),
    now: float = 0.0,
) -> list[LoadAdvice]:
    """What the next session of `workout` will start each exercise at after `summary`, and why:
    the rules `plan_loads` applies, with `pain_on_record` (POSIX seconds, as of `now`) from
    before this session. None after a session not cleared to begin: it changes no load, and
    is no history to plan from."""
    if summary.ending is Ending.NOT_CLEARED:
        return []
    recent = _recent_pain(pain_on_record, now)
    advice = []
    for exercise in workout.exercises:
        suggestion = suggest(
            exercise,
            workout.unit,
            summary.sets,
            summary.pain,
            exercise.id in recent,
            workout.passes,
        )
        advice.append(
            LoadAdvice(
                exercise.id,
                exercise.name,
                suggestion.load,
                suggestion.change,
                suggestion.reason,
                script.next_time(
                    exercise.name,
                    suggestion.load,
                    suggestion.change,
                    workout.unit,
                    script.held_because(suggestion.why, recent.get(exercise.id), "today")
                    or suggestion.why,
                ),
            )
        )
    return advice


def plan_loads(
    workout: Workout,
    last_session_sets: Sequence[SetRecord],
    last_session_pain: Sequence[PainReport],
    pain_on_record: Iterable[PainOnRecord],
    now: float,
) -> dict[str, LoadPlan]:
    """Today's load and opener for every exercise of `workout`, from the last session's records;
    an exercise with pain on record within PAIN_MEMORY_S of `now` (POSIX seconds) does not go
    up."""
    recent_pain = _recent_pain(pain_on_record, now)
    plans: dict[str, LoadPlan] = {}
    for exercise in workout.exercises:
        suggestion = suggest(
            exercise,
            workout.unit,
            last_session_sets,
            last_session_pain,
            exercise.id in recent_pain,
            workout.passes,
        )
        days = recent_pain.get(exercise.id)
        plans[exercise.id] = LoadPlan(suggestion.load, note(suggestion, workout.unit, days))
    return plans
