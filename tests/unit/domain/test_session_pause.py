"""Pause freezes every timer; resume shifts every scheduled call and the rest timer by the time
spent paused. Questions (stop, pain) freeze the same way. Repeat says the last instruction."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sample_workouts import BACK_EXT, RDL, THRUST, bare, cmd, feed, of, said

from companion.domain import script
from companion.domain.effects import (
    CancelSpeech,
    CancelTimer,
    Effect,
    Outcome,
    Priority,
    RecordSet,
    Show,
    ShowTempo,
    Speak,
    StartTimer,
)
from companion.domain.events import Command, Start, Tick
from companion.domain.session import Session
from companion.domain.timeline import LEAD_GAP, speech_seconds
from companion.domain.workout import Exercise

EPS = 1e-9
RDL_INTRO = "Romanian deadlift. 3 reps at 65 pounds."


def timed(effects: list[Effect]) -> list[tuple[str, float]]:
    return [(e.text, e.at) for e in of(Speak, effects) if e.at is not None]


def in_paced_set() -> tuple[Session, list[Effect], float]:
    """RDL (5-0-1-1, 3 reps) entered at t=2: (session, its effects, first rep start)."""
    session = Session(bare(RDL))
    session.handle(Start(0.0))
    effects = session.handle(cmd(Command.NEXT, 2.0))
    return session, effects, 2.0 + speech_seconds(RDL_INTRO) + LEAD_GAP


def in_rest(exercise: Exercise = BACK_EXT) -> Session:
    """Rest of 20 s after set 1 of BACK_EXT: from t=10 to t=30, step index 2."""
    session = Session(bare(exercise))
    feed(session, Start(0.0), cmd(Command.NEXT, 5.0), cmd(Command.NEXT, 10.0))
    return session


def test_pause_cancels_the_steps_speech_and_says_paused() -> None:
    session, _, first = in_paced_set()
    effects = session.handle(cmd(Command.PAUSE, first + 2.5))
    assert effects[-3:] == [
        CancelSpeech("step-1"),
        Speak(script.PAUSED, Priority.INSTRUCTION, group="step-1"),
        effects[-1],
    ]
    view = of(Show, effects)[0].view
    assert view.paused is True
    assert view.instruction == RDL_INTRO  # the step's instruction stays on screen
    assert session.paused


def test_no_alarm_fires_while_paused() -> None:
    session, _, first = in_paced_set()
    session.handle(cmd(Command.PAUSE, first + 2.5))
    for t in (first + 3, first + 10, first + 21, first + 500):
        assert session.handle(Tick(t)) == []
    assert session.records == ()
    assert session.index == 1


def test_resume_shifts_every_pending_call_by_the_paused_time() -> None:
    session, start_effects, first = in_paced_set()
    paused_at, resumed_at = first + 2.5, first + 2.5 + 40.0
    feed(session, cmd(Command.PAUSE, paused_at), Tick(first + 30))
    effects = session.handle(cmd(Command.RESUME, resumed_at))
    pending = [(text, at + 40.0) for text, at in timed(start_effects) if at > paused_at]
    resent = timed(effects)
    assert [text for text, _ in resent] == [text for text, _ in pending]
    assert [at for _, at in resent] == pytest.approx([at for _, at in pending], abs=EPS)
    assert resent[0][0] == "four"  # counts "one".."three" were already said
    assert all(
        e.group == "step-1" and e.priority is Priority.COUNT for e in of(Speak, effects)[:-1]
    )
    assert said(effects)[-1] == script.RESUMED
    assert of(Show, effects)[0].view.paused is False


def test_the_paced_set_ends_later_by_the_paused_time() -> None:
    session, _, first = in_paced_set()
    feed(session, cmd(Command.PAUSE, first + 2.5), cmd(Command.RESUME, first + 42.5))
    end = first + 21 + 40
    assert of(RecordSet, session.handle(Tick(end - 0.01))) == []
    effects = session.handle(Tick(end + EPS))
    assert [(r.record.outcome, r.record.reps_done) for r in of(RecordSet, effects)] == [
        (Outcome.DONE, 3)
    ]


def test_tempo_display_resumes_where_it_stopped() -> None:
    session, _, first = in_paced_set()
    effects = feed(session, Tick(first + 2.5), cmd(Command.PAUSE, first + 2.5))
    assert of(ShowTempo, effects)[-1] == ShowTempo(1, "lower", 3)
    effects = feed(session, cmd(Command.RESUME, first + 12.5), Tick(first + 13.5))
    assert of(ShowTempo, effects) == [ShowTempo(1, "lower", 4)]


def test_pause_in_rest_cancels_the_timer_and_resume_restarts_it_shifted() -> None:
    session = in_rest()
    effects = session.handle(cmd(Command.PAUSE, 15.0))
    assert effects[:2] == [CancelSpeech("step-2"), CancelTimer("rest")]
    assert session.handle(Tick(30.0)) == []  # the old end passes: nothing
    effects = session.handle(cmd(Command.RESUME, 25.0))
    assert of(StartTimer, effects) == [StartTimer("rest", 20.0, 40.0)]
    assert timed(effects) == [
        ("ten seconds", 30.0),
        ("three", 37.0),
        ("two", 38.0),
        ("one", 39.0),
        ("go", 40.0),
    ]
    assert session.handle(Tick(39.99)) == []
    effects = session.handle(Tick(40.0))
    assert said(effects) == ["Back extension. Set 2 of 2. 12 to 15 reps."]


def test_calls_already_said_before_the_pause_are_not_said_again() -> None:
    session = in_rest()
    feed(session, Tick(21.0), cmd(Command.PAUSE, 21.0))  # "ten seconds" was due at 20
    effects = session.handle(cmd(Command.RESUME, 31.0))
    assert [text for text, _ in timed(effects)] == ["three", "two", "one", "go"]
    assert of(StartTimer, effects) == [StartTimer("rest", 20.0, 40.0)]


def test_two_pauses_add_up() -> None:
    session = in_rest()
    feed(session, cmd(Command.PAUSE, 12.0), cmd(Command.RESUME, 17.0))
    effects = feed(session, cmd(Command.PAUSE, 20.0), cmd(Command.RESUME, 23.0))
    assert of(StartTimer, effects) == [StartTimer("rest", 18.0, 38.0)]
    assert session.handle(Tick(37.9)) == []
    assert said(session.handle(Tick(38.0))) == ["Back extension. Set 2 of 2. 12 to 15 reps."]


def test_a_question_freezes_the_rest_like_a_pause() -> None:
    session = in_rest()
    feed(session, cmd(Command.STOP, 15.0), Tick(50.0))
    effects = session.handle(cmd(Command.NO, 45.0))
    assert of(StartTimer, effects) == [StartTimer("rest", 40.0, 60.0)]
    assert said(effects)[-1] == script.RESUMED


def test_repeat_says_the_instruction_not_the_status_words() -> None:
    session = Session(bare(THRUST))
    feed(session, Start(0.0), cmd(Command.NEXT, 1.0), cmd(Command.NEXT, 2.0))
    intro = "Hip thrust. Set 1 of 2. 8 to 10 reps at 95 pounds. Ribs down."
    feed(session, cmd(Command.PAUSE, 3.0))
    assert session.handle(cmd(Command.REPEAT, 4.0)) == [
        Speak(intro, Priority.INSTRUCTION, group="session")
    ]
    effects = session.handle(cmd(Command.RESUME, 5.0))
    assert of(Show, effects)[0].view.instruction == intro
    assert said(session.handle(cmd(Command.REPEAT, 6.0))) == [intro]


def test_repeat_in_a_rest_says_the_rest_instruction_again() -> None:
    session = in_rest(replace(BACK_EXT, rest_seconds=60))
    assert said(session.handle(cmd(Command.REPEAT, 12.0))) == [
        "Rest one minute. Next: Back extension, set 2 of 2."
    ]


def test_resume_when_not_paused_and_pause_when_paused_do_nothing() -> None:
    session = in_rest()
    assert session.handle(cmd(Command.RESUME, 11.0)) == []
    session.handle(cmd(Command.PAUSE, 12.0))
    assert session.handle(cmd(Command.PAUSE, 13.0)) == []
    effects = session.handle(cmd(Command.RESUME, 14.0))
    assert of(StartTimer, effects) == [StartTimer("rest", 12.0, 32.0)]  # shifted by 2, not 1


def test_stop_then_no_while_paused_stays_paused() -> None:
    session = in_rest()
    feed(session, cmd(Command.PAUSE, 12.0), cmd(Command.STOP, 13.0))
    effects = session.handle(cmd(Command.NO, 14.0))
    assert said(effects) == [script.PAUSED]
    assert of(StartTimer, effects) == []
    assert session.paused
    assert session.handle(Tick(100.0)) == []
    effects = session.handle(cmd(Command.RESUME, 20.0))
    assert of(StartTimer, effects) == [StartTimer("rest", 18.0, 38.0)]
