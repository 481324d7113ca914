"""Timed speech: rest countdown calls, auto-advance at a rest's end, tempo counts at exact offsets,
paced sets that finish themselves, and form reminders in unpaced sets."""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest
from sample_workouts import BACK_EXT, RDL, RDL4, THRUST, THRUST_PACED, bare, cmd, feed, of, said

from companion.domain import script
from companion.domain.effects import (
    CancelSpeech,
    Effect,
    Outcome,
    Priority,
    RecordSet,
    Show,
    ShowTempo,
    Speak,
    StartTimer,
    StepKind,
)
from companion.domain.events import Command, Start, Tick
from companion.domain.session import Session
from companion.domain.timeline import CUE_INTERVAL, LEAD_GAP, speech_seconds
from companion.domain.workout import Cue, CueMoment, Exercise

EPS = 1e-9


def scheduled(effects: list[Effect]) -> list[tuple[str, float | None]]:
    return [(e.text, e.at) for e in effects if isinstance(e, Speak) and e.at is not None]


# ------------------------------------------------------------------ rest countdown


def rest_of(seconds: int) -> tuple[Session, list[Effect]]:
    """A session in a rest of `seconds`, which starts at t=10."""
    exercise = replace(BACK_EXT, rest_seconds=seconds)
    session = Session(bare(exercise))
    feed(session, Start(0.0), cmd(Command.NEXT, 5.0))
    effects: list[Effect] = list(session.handle(cmd(Command.NEXT, 10.0)))
    assert session.step.kind is StepKind.REST
    return session, effects


@pytest.mark.parametrize(
    ("seconds", "calls"),
    [
        (
            60,
            [("ten seconds", 60.0), ("three", 67.0), ("two", 68.0), ("one", 69.0), ("go", 70.0)],
        ),
        (
            20,
            [("ten seconds", 20.0), ("three", 27.0), ("two", 28.0), ("one", 29.0), ("go", 30.0)],
        ),
        (19, [("three", 26.0), ("two", 27.0), ("one", 28.0), ("go", 29.0)]),
        (10, [("three", 17.0), ("two", 18.0), ("one", 19.0), ("go", 20.0)]),
        (3, [("two", 11.0), ("one", 12.0), ("go", 13.0)]),
        (1, [("go", 11.0)]),
    ],
)
def test_rest_calls_at_exact_times(seconds: int, calls: list[tuple[str, float]]) -> None:
    _, effects = rest_of(seconds)
    assert scheduled(effects) == calls
    timed = [e for e in effects if isinstance(e, Speak) and e.at is not None]
    assert {(e.priority, e.group) for e in timed} == {(Priority.COUNT, "step-2")}
    assert of(StartTimer, effects) == [StartTimer("rest", 10.0, 10.0 + seconds)]


def test_rest_intro_is_said_at_once_before_the_calls() -> None:
    _, effects = rest_of(60)
    first = next(e for e in effects if isinstance(e, Speak))  # after the record of the set
    assert effects.index(first) > next(i for i, e in enumerate(effects) if isinstance(e, RecordSet))
    assert first == Speak(
        "Rest one minute. Next: Back extension, set 2 of 2.", Priority.INSTRUCTION, group="step-2"
    )


def test_rest_advances_on_the_tick_at_its_end_and_not_before() -> None:
    session, _ = rest_of(20)
    assert session.handle(Tick(29.999)) == []
    assert session.step.kind.value == "rest"
    effects = session.handle(Tick(30.0))
    assert session.step.kind.value == "set"
    assert said(effects) == ["Back extension. Set 2 of 2. 12 to 15 reps."]


def test_a_late_tick_enters_the_next_step_at_the_rest_end() -> None:
    """Ticks can arrive late; the next step starts when the rest ended, not when it was noticed,
    so a paced set that follows keeps its exact schedule."""
    session = Session(bare(replace(BACK_EXT, sets=1), RDL))
    feed(session, Start(0.0), cmd(Command.NEXT, 1.0))
    feed(session, cmd(Command.NEXT, 2.0))  # rest 20: 2 → 22
    effects = session.handle(Tick(22.5))
    first = 22.0 + speech_seconds("Romanian deadlift. 3 reps at 65 pounds.") + LEAD_GAP
    assert scheduled(effects)[0] == ("one", first)


# ------------------------------------------------------------------ tempo counts


def paced(exercise: Exercise) -> tuple[Session, list[Effect], float]:
    """A session in the first set of `exercise` (entered at t=2) and when its first rep starts."""
    session = Session(bare(exercise))
    session.handle(Start(0.0))
    effects: list[Effect] = list(session.handle(cmd(Command.NEXT, 2.0)))
    intro = said(effects)[0]
    return session, effects, 2.0 + speech_seconds(intro) + LEAD_GAP


def test_a_faster_speech_rate_starts_the_counts_sooner() -> None:
    """The intro's length, and so the first count, follows the rate speech out speaks at."""
    session = Session(bare(RDL), words_per_minute=350)
    session.handle(Start(0.0))
    effects = session.handle(cmd(Command.NEXT, 2.0))
    intro = said(effects)[0]
    first = scheduled(effects)[0]
    assert first == ("one", 2.0 + speech_seconds(intro, 350) + LEAD_GAP)
    _, _, at_the_default_rate = paced(RDL)
    assert first[1] is not None and first[1] < at_the_default_rate
    assert speech_seconds(intro, 350) - 0.25 == pytest.approx((speech_seconds(intro) - 0.25) / 2)


def test_five_count_eccentric_counts_one_to_five_a_second_apart() -> None:
    _, effects, first = paced(RDL)
    assert first == pytest.approx(6.13, abs=EPS)
    calls = [e for e in effects if isinstance(e, Speak) and e.at is not None]
    rep1 = calls[:7]
    assert [c.text for c in rep1] == ["one", "two", "three", "four", "five", "up", "hold"]
    assert all(c.priority is Priority.COUNT and c.group == "step-1" for c in calls)
    times = [c.at if c.at is not None else -1.0 for c in rep1]
    assert times[0] == first
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert gaps == pytest.approx([1.0] * 6, abs=EPS)


def test_every_rep_of_a_paced_set_is_scheduled_at_once_rep_seconds_apart() -> None:
    _, effects, first = paced(RDL)
    calls = scheduled(effects)
    assert len(calls) == 3 * 7
    starts = [at for _, at in calls[::7]]
    assert [text for text, _ in calls[::7]] == ["one", "one", "one"]
    assert starts == pytest.approx([first, first + 7, first + 14], abs=EPS)


def test_tempo_phases_are_shown_as_they_come() -> None:
    session, _, first = paced(RDL)
    effects = session.handle(Tick(first + 6.5))
    assert of(ShowTempo, effects) == [
        ShowTempo(1, "lower", 1),
        ShowTempo(1, "lower", 2),
        ShowTempo(1, "lower", 3),
        ShowTempo(1, "lower", 4),
        ShowTempo(1, "lower", 5),
        ShowTempo(1, "up", 1),
        ShowTempo(1, "top", 1),
    ]
    assert session.handle(Tick(first + 6.9)) == []


def test_a_rep_that_starts_at_the_bottom_calls_up_first_and_a_short_cue_replaces_it() -> None:
    _, effects, first = paced(THRUST_PACED)
    calls = scheduled(effects)
    # "Heels." fits the one-second rise; "Squeeze your glutes at the top." does not fit two s.
    assert [text for text, _ in calls] == ["Heels.", "hold", "one", "two"] * 2
    assert [at for _, at in calls] == pytest.approx(
        [first + o for o in (0, 1, 3, 4, 5, 6, 8, 9)], abs=EPS
    )


def test_a_cue_longer_than_its_phase_takes_the_place_of_the_calls_after_it() -> None:
    heels = "Drive through your heels."  # about 1.6 s: more than the one-second rise
    long_top = "Hips all the way up, squeeze hard, and tuck the tailbone."  # fits no rep
    exercise = replace(
        THRUST_PACED,
        tempo=replace(THRUST_PACED.tempo, top=1),
        cues=(Cue(heels, "ht", CueMoment.CONCENTRIC), Cue(long_top, "ht", CueMoment.TOP)),
    )
    session, effects, first = paced(exercise)
    calls = scheduled(effects)
    # The cue covers the rise and the hold (two seconds), and ends before the counted lowering.
    assert [text for text, _ in calls] == [heels, "one", "two"] * 2
    assert [at for _, at in calls] == pytest.approx(
        [first + o for o in (0, 2, 3, 4, 6, 7)], abs=EPS
    )
    # The screen still follows every phase.
    shown = of(ShowTempo, session.handle(Tick(first + 3.5)))
    assert [(t.rep, t.phase, t.count) for t in shown] == [
        (1, "up", 1),
        (1, "top", 1),
        (1, "lower", 1),
        (1, "lower", 2),
    ]


def test_view_shows_the_tempo_of_a_paced_set() -> None:
    _, effects, _ = paced(RDL)
    view = of(Show, effects)[-1].view
    assert view.tempo == "5s down · 1s up · 1s top"  # no "0s hold" (issue 26)
    assert view.reps == (3, 3)


def test_paced_set_completes_itself_and_records_every_rep() -> None:
    session, _, first = paced(RDL)
    end = first + 21
    assert of(RecordSet, session.handle(Tick(end - 0.01))) == []
    effects = session.handle(Tick(end))
    records = of(RecordSet, effects)
    assert [(r.record.outcome, r.record.reps_done) for r in records] == [(Outcome.DONE, 3)]
    assert session.step.kind is StepKind.SUMMARY and session.finished


def test_last_rep_is_counted_when_float_sums_put_it_after_the_set_end() -> None:
    """RDL4 entered at 0.4 s: (first + 21) + 7 > first + 28 in floats. The set must still
    record four reps, not three."""
    session = Session(bare(RDL4))
    feed(session, Start(0.0), cmd(Command.NEXT, 0.4))
    effects = session.handle(Tick(100.0))
    assert [r.record.reps_done for r in of(RecordSet, effects)] == [4]


def test_next_ends_a_paced_set_early_with_the_reps_done_so_far() -> None:
    session, _, first = paced(RDL)
    feed(session, Tick(first + 7 + 7 + 3))  # two reps done, the third going down
    effects = session.handle(cmd(Command.NEXT, first + 17))
    # Ended early, with the reps counted (issue 26): not "done".
    assert effects[0] == RecordSet(replace(session.records[0], reps_done=2, outcome=Outcome.ENDED))
    assert CancelSpeech("step-1") in effects  # the rest of the counts are dropped
    assert session.records[0].reps_done == 2


def test_next_before_the_first_rep_records_zero_reps() -> None:
    session, _, first = paced(RDL)
    session.handle(cmd(Command.NEXT, first - 0.5))
    assert session.records[0].reps_done == 0


def test_next_in_an_unpaced_set_records_the_top_of_the_range() -> None:
    session = Session(bare(THRUST))
    feed(session, Start(0.0), cmd(Command.NEXT, 1.0), cmd(Command.NEXT, 2.0))
    feed(session, cmd(Command.NEXT, 3.0))
    assert [(r.reps_done, r.outcome) for r in session.records] == [(10, Outcome.DONE)]


# ------------------------------------------------------------------ form reminders


def test_unpaced_set_says_each_reminder_once_spaced_by_the_interval() -> None:
    session = Session(bare(THRUST))
    feed(session, Start(0.0), cmd(Command.NEXT, 1.0))
    effects = session.handle(cmd(Command.NEXT, 2.0))
    intro = said(effects)[0]
    assert intro == "Hip thrust. Set 1 of 2. 8 to 10 reps at 95 pounds. Ribs down."
    due = 2.0 + speech_seconds(intro) + CUE_INTERVAL
    assert session.handle(Tick(due - 0.01)) == []
    first = session.handle(Tick(due))
    assert first == [Speak("Heels.", Priority.CHATTER, group="step-2")]
    second_due = due + speech_seconds("Heels.") + CUE_INTERVAL
    assert session.handle(Tick(second_due - 0.01)) == []
    assert said(session.handle(Tick(second_due))) == ["Squeeze your glutes at the top."]
    later = session.handle(Tick(1000.0))
    assert said(later) == ["No bouncing at the bottom."]
    assert session.step.kind is StepKind.SET  # an unpaced set waits for "next"


def test_reminders_are_not_repeated_in_the_second_set() -> None:
    session = Session(bare(THRUST))
    feed(session, Start(0.0), cmd(Command.NEXT, 1.0), cmd(Command.NEXT, 2.0), Tick(500.0))
    feed(session, cmd(Command.NEXT, 501.0), cmd(Command.NEXT, 502.0))  # rest, then set 2
    assert session.step.set_number == 2
    later = session.handle(Tick(2000.0))
    assert [e for e in later if isinstance(e, Speak) and e.priority is Priority.CHATTER] == []


def test_rests_before_a_paced_set_carry_what_its_reps_have_no_room_for() -> None:
    exercise = replace(THRUST_PACED, sets=3, mistakes=(Cue("No bouncing at the bottom.", "ht"),))
    session, _, first = paced(exercise)
    rep_seconds = exercise.tempo.rep_seconds
    rests = []
    for _ in range(2):
        effects = session.handle(Tick(first + 2 * rep_seconds))
        assert session.step.kind is StepKind.REST
        rests.append(said(effects)[0])
        effects = session.handle(Tick(first + 2 * rep_seconds + 60))
        first = first + 2 * rep_seconds + 60 + speech_seconds(said(effects)[0]) + LEAD_GAP
    # "Heels." fits the rise and is said in the reps; the squeeze cue fits no phase (the top's
    # two seconds, then a count), and there is no room for mistakes in a paced set: they come in
    # the rests, once each, in the file's order.
    assert rests == [
        "Rest one minute. Next: Paced hip thrust, set 2 of 3. Squeeze your glutes at the top.",
        "Rest one minute. Next: Paced hip thrust, set 3 of 3. No bouncing at the bottom.",
    ]


def test_a_rest_too_short_for_a_reminder_keeps_it_for_a_longer_one() -> None:
    exercise = replace(THRUST_PACED, sets=2, rest_seconds=8)  # the countdown starts at once
    session, _, first = paced(exercise)
    effects = session.handle(Tick(first + 2 * exercise.tempo.rep_seconds))
    assert said(effects)[0] == "Rest eight seconds. Next: Paced hip thrust, set 2 of 2."


def test_count_words_are_in_the_script() -> None:
    assert [script.count_word(n) for n in range(1, 6)] == ["one", "two", "three", "four", "five"]
    assert script.rest_calls(60)[0] == (10, "ten seconds")
