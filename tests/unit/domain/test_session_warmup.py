"""The warm-up: a lighter set is said as today's number ("about 45 pounds"), and an item of so
many seconds is a countdown that ends by itself, like a rest (issue 26)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sample_workouts import KG_DEADLIFT, THRUST, bare, cmd, feed, of, said, straight

from companion.domain import script
from companion.domain.effects import (
    CancelTimer,
    Outcome,
    Priority,
    SetRecord,
    Show,
    Speak,
    StartTimer,
    StepKind,
)
from companion.domain.events import Command, Start, Tick
from companion.domain.progression import plan_loads, warmup_load
from companion.domain.session import WARMUP_TIMER, Session
from companion.domain.workout import Unit, WarmupItem, Workout
from companion.library import load_library

HALF = WarmupItem(
    "Light thrusts", "One more easy set.", "ht", reps=6, load_share=0.5, exercise=THRUST.id
)
STRETCH = WarmupItem("Hip moves", "A minute of moving stretches.", "ht", seconds=60)


def with_warmup(*items: WarmupItem, workout: Workout | None = None) -> Workout:
    return replace(workout or straight(), warmup=items)


def warmup_words(session: Session) -> str:
    """What the session says as it enters its first warm-up item (at 1 s)."""
    feed(session, Start(0.0))
    effects = feed(session, cmd(Command.NEXT, 1.0))
    assert session.step.kind is StepKind.WARMUP
    (shown,) = [e.view.instruction for e in of(Show, effects)]
    (words,) = said(effects)
    assert shown == words  # the screen shows what is said
    return words


# ------------------------------------------------------------------ a share of the load


@pytest.mark.parametrize(
    ("load", "share", "unit", "expected"),
    [
        (95.0, 0.5, Unit.LB, 45.0),  # a warm-up errs light: 47.5 is rounded down
        (100.0, 0.5, Unit.LB, 50.0),
        (135.0, 0.6, Unit.LB, 80.0),
        (62.5, 0.5, Unit.KG, 30.0),
        (5.0, 0.5, Unit.LB, 5.0),  # never nothing: at least a plate step
    ],
)
def test_a_warmup_load_is_rounded_down_to_a_plate_step(
    load: float, share: float, unit: Unit, expected: float
) -> None:
    assert warmup_load(load, share, unit) == expected


def test_the_warmup_says_the_number_of_the_starting_load() -> None:
    words = warmup_words(Session(with_warmup(HALF)))
    assert words == "Warm-up: Light thrusts. One more easy set. About 45 pounds."


def test_the_warmup_says_the_number_of_todays_planned_load() -> None:
    """After a session with every set at the top the load goes up, and so does the warm-up's."""
    workout = with_warmup(HALF)
    at_the_top = [
        SetRecord(THRUST.id, THRUST.name, n, 2, "", 0, THRUST.reps, 10, 95.0, Unit.LB, Outcome.DONE)
        for n in (1, 2)
    ]
    loads = plan_loads(workout, at_the_top, (), (), 0.0)
    assert loads[THRUST.id].load == 100.0
    words = warmup_words(Session(workout, loads=loads))
    assert words.endswith(" About 50 pounds.")
    assert "working load" not in words


def test_the_warmup_load_is_in_the_workouts_unit() -> None:
    item = replace(HALF, exercise=KG_DEADLIFT.id)
    words = warmup_words(Session(with_warmup(item, workout=bare(KG_DEADLIFT, unit=Unit.KG))))
    assert words.endswith(" About 30 kilos.")  # half of 60 kg


def test_a_warmup_without_a_share_says_no_load() -> None:
    words = warmup_words(Session(with_warmup(replace(HALF, load_share=None, exercise=""))))
    assert words == "Warm-up: Light thrusts. One more easy set."


def test_the_shipped_hip_thrust_warmup_says_the_number_not_half_your_working_load() -> None:
    workout = load_library().get("hip-thrust")
    session = Session(workout)
    feed(session, Start(0.0))
    texts: list[str] = []
    for n in range(len(workout.warmup)):
        effects = feed(session, cmd(Command.NEXT, 1.0 + n))
        texts.extend(said(effects))
        texts.extend(e.view.instruction for e in of(Show, effects))
    light = [t for t in texts if "Light hip thrusts, half load" in t]
    assert light and all(t.endswith(" About 45 pounds.") for t in light)  # half of 95 lb
    assert not any("working load" in t for t in texts), texts


# ------------------------------------------------------------------ a timed warm-up


def test_a_timed_warmup_counts_down_and_moves_on_by_itself_saying_so() -> None:
    session = Session(with_warmup(STRETCH))
    entered = feed(session, Start(0.0), cmd(Command.NEXT, 1.0))
    assert of(StartTimer, entered) == [StartTimer(WARMUP_TIMER, 1.0, 61.0)]
    calls = [(e.at, e.text) for e in of(Speak, entered) if e.priority is Priority.COUNT]
    assert calls == [
        (51.0, "ten seconds"),
        (58.0, "three"),
        (59.0, "two"),
        (60.0, "one"),
        (61.0, script.TIME_UP),
    ]
    assert feed(session, Tick(60.9)) == [] and session.step.kind is StepKind.WARMUP
    ended = feed(session, Tick(61.0))
    assert session.step.kind is not StepKind.WARMUP  # on to the setup, with no key pressed
    assert CancelTimer(WARMUP_TIMER) in ended


def test_next_skips_a_timed_warmup() -> None:
    session = Session(with_warmup(STRETCH))
    feed(session, Start(0.0), cmd(Command.NEXT, 1.0))
    skipped = feed(session, cmd(Command.NEXT, 5.0))
    assert CancelTimer(WARMUP_TIMER) in skipped
    assert session.step.kind is StepKind.SETUP
    assert feed(session, Tick(61.0)) == []  # its end does not move the next step on


def test_pause_freezes_a_timed_warmup() -> None:
    session = Session(with_warmup(STRETCH))
    feed(session, Start(0.0), cmd(Command.NEXT, 1.0))
    paused = feed(session, cmd(Command.PAUSE, 21.0))
    assert CancelTimer(WARMUP_TIMER) in paused
    feed(session, Tick(200.0))
    assert session.step.kind is StepKind.WARMUP  # time stood still
    resumed = feed(session, cmd(Command.RESUME, 200.0))
    assert of(StartTimer, resumed) == [StartTimer(WARMUP_TIMER, 180.0, 240.0)]  # 40 s left
    feed(session, Tick(239.9))
    assert session.step.kind is StepKind.WARMUP
    feed(session, Tick(240.0))
    assert session.index == 2  # the setup after it


def test_a_warmup_of_reps_waits_for_next() -> None:
    session = Session(straight())  # "Ten easy bridges": reps, no countdown
    entered = feed(session, Start(0.0), cmd(Command.NEXT, 1.0))
    assert of(StartTimer, entered) == []
    feed(session, Tick(1000.0))
    assert session.step.kind is StepKind.WARMUP


@pytest.mark.parametrize("stem", ["hip-thrust", "hinge-back"])
def test_the_shipped_minute_of_stretches_is_a_countdown(stem: str) -> None:
    workout = load_library().get(stem)
    item = workout.warmup[0]
    assert item.seconds == 60, "the shipped file starts with a minute of stretches"
    session = Session(workout)
    entered = feed(session, Start(0.0), cmd(Command.NEXT, 1.0))
    assert session.step.warmup == item
    assert of(StartTimer, entered) == [StartTimer(WARMUP_TIMER, 1.0, 61.0)]
    feed(session, Tick(61.0))
    assert session.step.warmup == workout.warmup[1]
