"""Progression rules: up at the top of the range, hold otherwise, down after pain; pain history
blocks an increase; bodyweight never changes; the opener the next session says."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sample_workouts import (
    BACK_EXT,
    BRIDGE,
    KG_DEADLIFT,
    RDL,
    THRUST,
    bare,
    cmd,
    feed,
    said,
    straight,
)

from companion.domain.effects import Outcome, PainAction, PainReport, SessionSummary, SetRecord
from companion.domain.events import Command, Start
from companion.domain.progression import (
    PAIN_MEMORY_S,
    PLATE_STEP,
    LoadPlan,
    PainOnRecord,
    Suggestion,
    increment,
    next_time,
    plan_loads,
    reduce_load,
    suggest,
)
from companion.domain.session import Session
from companion.domain.workout import Exercise, Progression, Unit

BARBELL = replace(THRUST, load=135.0, progression=Progression("small steps", "ht"))
DUMBBELL = replace(
    THRUST, id="db-rdl", load=40.0, progression=Progression("small steps", "ht", sides_loaded=1)
)
NOW = 1_772_366_400.0  # 2026-03-01 12:00 UTC: wall-clock POSIX seconds, as the app reads them
DAY_S = 24 * 60 * 60


def record(
    exercise: Exercise,
    reps: int,
    outcome: Outcome = Outcome.DONE,
    *,
    number: int = 1,
    load: float | None = None,
    unit: Unit = Unit.LB,
    variant: str = "",
) -> SetRecord:
    return SetRecord(
        exercise_id=exercise.id,
        exercise=exercise.name,
        set_number=number,
        set_count=exercise.sets,
        side="",
        round_number=0,
        reps_target=exercise.reps,
        reps_done=reps,
        load=exercise.load if load is None else load,
        unit=unit,
        outcome=outcome,
        variant=variant,
    )


def top_sets(exercise: Exercise, unit: Unit = Unit.LB) -> list[SetRecord]:
    """Every set of the exercise, at the top of its range."""
    numbers = range(1, exercise.sets + 1)
    return [record(exercise, exercise.reps[1], number=n, unit=unit) for n in numbers]


def pain_in(exercise: Exercise, **changes: object) -> PainReport:
    return replace(PainReport(1, exercise.id, exercise.name, 1, ""), **changes)  # type: ignore[arg-type]


# ------------------------------------------------------------------ the step


def test_plate_steps_are_two_plates() -> None:
    assert PLATE_STEP == {Unit.LB: 5.0, Unit.KG: 2.5}


@pytest.mark.parametrize(
    ("exercise", "unit", "step"),
    [
        (BARBELL, Unit.LB, 5.0),  # 2.5 lb a side, two sides
        (BARBELL, Unit.KG, 2.5),  # 1.25 kg a side
        (DUMBBELL, Unit.LB, 2.5),  # one side
        (DUMBBELL, Unit.KG, 1.25),
        (replace(BARBELL, progression=Progression("", "", (5.0, 10.0))), Unit.LB, 10.0),
        (replace(BARBELL, progression=Progression("", "", (5.0, 10.0))), Unit.KG, 5.0),
        (replace(BARBELL, progression=None), Unit.LB, 5.0),  # the article's default
        (replace(BARBELL, progression=None), Unit.KG, 2.5),
        # A file's own increment is in its workout's unit: 2.5 kg a side is 2.5 kg a side.
        (replace(BARBELL, progression=Progression("", "", (2.5, 5.0), unit=Unit.KG)), Unit.KG, 5.0),
        # and whole plates: 1 kg a side cannot be loaded, 1.25 can.
        (replace(BARBELL, progression=Progression("", "", (1.0, 2.0), unit=Unit.KG)), Unit.KG, 2.5),
    ],
)
def test_increment_is_the_low_end_per_side_times_sides(
    exercise: Exercise, unit: Unit, step: float
) -> None:
    assert increment(exercise, unit) == step


# ------------------------------------------------------------------ up / hold


def test_all_sets_at_the_top_go_up_by_one_step() -> None:
    assert suggest(BARBELL, Unit.LB, top_sets(BARBELL), [], False) == Suggestion(
        140.0, 5.0, "up", previous=135.0, why="every set at the top"
    )


def test_in_kilograms_the_step_is_two_and_a_half() -> None:
    sets = top_sets(KG_DEADLIFT, Unit.KG)
    result = suggest(KG_DEADLIFT, Unit.KG, sets, [], False)
    assert (result.load, result.change, result.reason) == (62.5, 2.5, "up")


def test_one_set_short_of_the_top_holds() -> None:
    sets = [record(BARBELL, 10, number=1), record(BARBELL, 9, number=2)]
    assert suggest(BARBELL, Unit.LB, sets, [], False) == Suggestion(
        135.0, 0.0, "hold", previous=135.0, why="not every set at the top"
    )


def test_the_bottom_of_the_range_is_not_the_top() -> None:
    sets = [record(BARBELL, 8, number=n) for n in (1, 2)]
    assert suggest(BARBELL, Unit.LB, sets, [], False).reason == "hold"


def test_a_form_report_holds() -> None:
    sets = [record(BARBELL, 10, number=1), record(BARBELL, 10, Outcome.FORM, number=2)]
    result = suggest(BARBELL, Unit.LB, sets, [], False)
    assert (result.load, result.reason, result.why) == (135.0, "hold", "position was lost")


def test_a_skipped_set_is_not_at_the_top() -> None:
    sets = [record(BARBELL, 10, number=1), record(BARBELL, 0, Outcome.SKIPPED, number=2)]
    assert suggest(BARBELL, Unit.LB, sets, [], False).reason == "hold"


def test_a_regressed_set_is_not_at_the_top() -> None:
    sets = [
        record(BARBELL, 10, number=1),
        record(BARBELL, 10, number=2, variant="Glute bridge"),
    ]
    assert suggest(BARBELL, Unit.LB, sets, [], False).reason == "hold"


def test_pain_history_blocks_an_increase() -> None:
    result = suggest(BARBELL, Unit.LB, top_sets(BARBELL), [], True)
    assert result == Suggestion(135.0, 0.0, "hold", previous=135.0, why="earlier pain on record")


def test_other_exercises_records_are_ignored() -> None:
    sets = [*top_sets(BARBELL), record(RDL, 1, Outcome.FORM)]
    pain = [pain_in(RDL)]
    assert suggest(BARBELL, Unit.LB, sets, pain, False).reason == "up"


def test_sets_in_another_unit_are_ignored() -> None:
    result = suggest(BARBELL, Unit.KG, top_sets(BARBELL, Unit.LB), [], False)
    assert (result.load, result.reason, result.previous) == (135.0, "hold", None)


def test_the_last_load_lifted_is_the_base() -> None:
    sets = [record(BARBELL, 10, number=1, load=130.0), record(BARBELL, 10, number=2, load=135.0)]
    assert suggest(BARBELL, Unit.LB, sets, [], False).load == 140.0


# ------------------------------------------------------------------ down


def test_pain_reduces_from_the_load_it_came_at() -> None:
    sets = [record(BARBELL, 4, Outcome.PAIN)]
    result = suggest(BARBELL, Unit.LB, sets, [pain_in(BARBELL)], False)
    assert result == Suggestion(120.0, -15.0, "down", previous=135.0, why="pain reported")
    assert reduce_load(135.0, Unit.LB) == 120.0


def test_pain_reduces_even_when_every_set_reached_the_top() -> None:
    result = suggest(BARBELL, Unit.LB, top_sets(BARBELL), [pain_in(BARBELL, set_number=0)], False)
    assert (result.load, result.reason) == (120.0, "down")


def test_a_set_stopped_by_pain_counts_as_pain_without_a_report() -> None:
    sets = [record(BARBELL, 3, Outcome.PAIN)]
    assert suggest(BARBELL, Unit.LB, sets, [], False).reason == "down"


def test_after_pain_the_suggestion_is_no_heavier_than_what_was_lifted_after_it() -> None:
    # pain at 135, then carried on at 100: next time 100, not 120
    sets = [record(BARBELL, 3, Outcome.PAIN), record(BARBELL, 10, number=2, load=100.0)]
    result = suggest(BARBELL, Unit.LB, sets, [pain_in(BARBELL)], False)
    assert (result.load, result.change) == (100.0, -35.0)


def test_pain_then_the_regression_reduces_the_main_lift() -> None:
    regressed = replace(record(BARBELL, 10, variant="Glute bridge"), load=None)
    sets = [record(BARBELL, 2, Outcome.PAIN), regressed]
    result = suggest(BARBELL, Unit.LB, sets, [pain_in(BARBELL, action=PainAction.REGRESS)], False)
    assert (result.load, result.reason) == (120.0, "down")


def test_pain_in_kilograms_rounds_down_to_a_plate_pair() -> None:
    sets = [record(KG_DEADLIFT, 2, Outcome.PAIN, unit=Unit.KG)]
    result = suggest(KG_DEADLIFT, Unit.KG, sets, [pain_in(KG_DEADLIFT)], False)
    assert (result.load, result.change) == (52.5, -7.5)  # 54 → 52.5


# ------------------------------------------------------------------ nothing to go on


def test_bodyweight_never_changes() -> None:
    sets = [record(BACK_EXT, 15, number=n) for n in (1, 2)]
    assert suggest(BACK_EXT, Unit.LB, sets, [], False) == Suggestion(
        None, 0.0, "hold", why="bodyweight"
    )
    assert suggest(BACK_EXT, Unit.LB, [], [pain_in(BACK_EXT)], False).load is None


def test_no_history_keeps_the_workouts_load_with_nothing_to_compare() -> None:
    assert suggest(BARBELL, Unit.LB, [], [], False) == Suggestion(
        135.0, 0.0, "hold", previous=None, why="no sets done"
    )


def test_all_sets_skipped_holds_the_recorded_load() -> None:
    sets = [record(BARBELL, 0, Outcome.SKIPPED, number=n, load=140.0) for n in (1, 2)]
    assert suggest(BARBELL, Unit.LB, sets, [], False) == Suggestion(
        140.0, 0.0, "hold", previous=140.0, why="no sets done"
    )


# ------------------------------------------------------------------ plan_loads and the opener


def test_plan_loads_says_up_same_and_down() -> None:
    rdl = replace(RDL, load=135.0)
    thrust = replace(BARBELL, id="thrust-2")
    workout = straight(BARBELL, rdl, thrust, BRIDGE)
    sets = [
        *top_sets(BARBELL),
        record(rdl, 2, number=1),
        record(thrust, 4, Outcome.PAIN),
    ]
    pain = [pain_in(thrust)]
    assert plan_loads(workout, sets, pain, (), NOW) == {
        "hip-thrust": LoadPlan(140.0, "today 140 pounds, up 5 from last time"),
        # A held load says why (issue 26).
        "rdl": LoadPlan(
            135.0,
            "today 135 pounds, same as last time: "
            "not every set reached the top of the range last time",
        ),
        "thrust-2": LoadPlan(120.0, "today 120 pounds, down 15 after the pain report"),
        "sl-bridge": LoadPlan(None, ""),
    }


def test_plan_loads_holds_where_pain_is_on_record() -> None:
    workout = straight(BARBELL)
    earlier = [PainOnRecord("hip-thrust", NOW - 3 * DAY_S)]
    plans = plan_loads(workout, top_sets(BARBELL), [], earlier, NOW)
    # A held load says why (issue 26): the pain on record, and when.
    assert plans == {
        "hip-thrust": LoadPlan(
            135.0, "today 135 pounds, same as last time: you reported pain on this 3 days ago"
        )
    }


def test_pain_on_record_holds_the_load_for_pain_memory_and_no_longer() -> None:
    workout = straight(BARBELL)
    assert PAIN_MEMORY_S == 28 * DAY_S
    for age, load in [(PAIN_MEMORY_S, 135.0), (PAIN_MEMORY_S + 1, 140.0)]:
        on_record = [PainOnRecord("hip-thrust", NOW - age), PainOnRecord("rdl", NOW)]
        plans = plan_loads(workout, top_sets(BARBELL), [], on_record, NOW)
        assert plans["hip-thrust"].load == load, age


def test_plan_loads_in_kilograms_says_kilos_and_halves() -> None:
    workout = bare(KG_DEADLIFT, unit=Unit.KG)
    plans = plan_loads(workout, top_sets(KG_DEADLIFT, Unit.KG), [], (), NOW)
    assert plans == {
        "deadlift-kg": LoadPlan(62.5, "today 62 and a half kilos, up 2 and a half from last time")
    }


def test_plan_loads_without_history_has_no_opener() -> None:
    assert plan_loads(straight(BARBELL), [], [], (), NOW) == {"hip-thrust": LoadPlan(135.0, "")}


def test_the_session_opens_with_the_planned_load() -> None:
    workout = straight(BARBELL)
    session = Session(workout, loads=plan_loads(workout, top_sets(BARBELL), [], (), NOW))
    feed(session, Start(0.0), cmd(Command.NEXT, 1.0), cmd(Command.NEXT, 2.0))
    assert said(session.handle(cmd(Command.NEXT, 3.0))) == [
        "Hip thrust. Set 1 of 2. 8 to 10 reps at 140 pounds. "
        "Today 140 pounds, up 5 from last time. Ribs down."
    ]
    assert session.current_load(BARBELL) == 140.0


def test_the_records_of_a_real_session_feed_the_next_one() -> None:
    """End to end through the engine: a session with all sets done, then its plan."""
    workout = straight(BARBELL)
    session = Session(workout)
    feed(session, Start(0.0), *(cmd(Command.NEXT, float(t)) for t in range(1, 7)))
    assert session.finished
    plans = plan_loads(workout, session.records, [], (), NOW)
    assert plans["hip-thrust"] == LoadPlan(140.0, "today 140 pounds, up 5 from last time")


def test_a_session_stopped_part_way_raises_nothing_and_keeps_the_loads_not_reached() -> None:
    """Stop → yes in a counted set: that set is kept with the reps counted, and the sets never
    reached are on record as skipped at their planned loads. Without them, the next plan read
    the stopped exercise as complete and forgot the planned load of the ones never reached."""
    workout = straight(RDL, BARBELL)
    loads = {"rdl": LoadPlan(70.0), "hip-thrust": LoadPlan(140.0)}
    session = Session(workout, loads=loads)
    feed(session, Start(0.0), cmd(Command.NEXT, 1.0), cmd(Command.NEXT, 2.0))
    assert session.step.exercise == RDL
    feed(session, cmd(Command.STOP, 16.0), cmd(Command.YES, 17.0))  # one 7 s rep counted
    assert session.finished
    assert [(r.exercise_id, r.set_number, r.outcome, r.reps_done) for r in session.records] == [
        ("rdl", 1, Outcome.ENDED, 1),
        ("hip-thrust", 1, Outcome.SKIPPED, 0),
        ("hip-thrust", 2, Outcome.SKIPPED, 0),
    ]
    plans = plan_loads(workout, session.records, [], (), NOW)
    assert plans["rdl"].load == 70.0
    assert plans["hip-thrust"].load == 140.0


def test_sets_never_recorded_hold_the_load() -> None:
    """A session quit (or crashed) after one set at the top of the range records that set only;
    the sets never reached must not count as done."""
    first = top_sets(BARBELL)[0]
    result = suggest(BARBELL, Unit.LB, [first], [], False)
    assert (result.reason, result.load, result.why) == ("hold", 135.0, "not every set done")


def test_a_circuit_needs_its_sets_in_every_round() -> None:
    sets = top_sets(BARBELL)  # all of one round, half of two
    assert suggest(BARBELL, Unit.LB, sets, [], False, passes=1).reason == "up"
    assert suggest(BARBELL, Unit.LB, sets, [], False, passes=2).reason == "hold"


def test_the_summary_says_next_times_load_and_why() -> None:
    rdl = replace(RDL, load=135.0)
    workout = straight(BARBELL, rdl, BRIDGE)
    summary = SessionSummary(
        "test", "Test", Unit.LB, (*top_sets(BARBELL), record(rdl, 2, number=1)), ()
    )
    earlier = [PainOnRecord("rdl", NOW - 12 * DAY_S)]
    advice = next_time(workout, summary, earlier, NOW)
    assert [(a.exercise_id, a.load, a.reason) for a in advice] == [
        ("hip-thrust", 140.0, "up"),
        ("rdl", 135.0, "hold"),
        ("sl-bridge", None, "hold"),
    ]
    assert [a.text for a in advice] == [
        "Hip thrust: 140 lb next time, up 5: every set at the top.",
        "Romanian deadlift: 135 lb next time, the same: "
        "not every set reached the top of the range today.",
        "Single-leg glute bridge: bodyweight.",
    ]
