"""After warning signs: which sessions ask whether a professional has cleared the person, and the
session's question and its answers (issue 26, "After a red flag")."""

from __future__ import annotations

from sample_workouts import BACK_EXT, RDL, THRUST, bare, cmd, feed, of, said, straight

from companion.domain import clearance, script
from companion.domain.clearance import ClearanceQuestion, RedFlagOnRecord
from companion.domain.effects import (
    Clearance,
    Effect,
    Ending,
    Finished,
    Priority,
    RecordClearance,
    RecordPain,
    RecordSet,
    Show,
    Speak,
    StepKind,
)
from companion.domain.events import Command, Start
from companion.domain.progression import DAY_S, LoadPlan, next_time
from companion.domain.session import Mode, Session
from companion.domain.workout import Area, Pattern

NOW = 1_800_000_000.0
LOWER_BACK = Area.LOWER_BACK_AND_LEGS


def red_flag(
    days_ago: float, exercise: str = "Romanian deadlift", *patterns: Pattern
) -> RedFlagOnRecord:
    return RedFlagOnRecord(exercise, NOW - days_ago * DAY_S, frozenset(patterns or {Pattern.HINGE}))


def answer(report: RedFlagOnRecord, cleared: bool) -> Clearance:
    return Clearance(LOWER_BACK, report.reported_at, cleared)


# ------------------------------------------------------------------ who is asked


def test_warning_signs_in_a_hinge_are_asked_about_before_a_hip_thrust_session() -> None:
    """The same area, not the same pattern: the signs are of the lower back, which a hip thrust
    loads too (matching patterns would start this session silently)."""
    report = red_flag(3)
    asked = clearance.question(straight(THRUST), [report], [], NOW)
    assert asked == ClearanceQuestion("Romanian deadlift", 3, report.reported_at, (LOWER_BACK,))


def test_every_pattern_a_workout_can_have_is_in_the_lower_back_area() -> None:
    # The shipped workouts' patterns are all in one area: warning signs in any of them are
    # asked about before every one of them.
    for pattern in Pattern:
        report = red_flag(2, "Somewhere", pattern)
        for workout in (straight(THRUST), bare(RDL), bare(BACK_EXT)):
            assert clearance.question(workout, [report], [], NOW) is not None


def test_no_warning_signs_on_record_asks_nothing() -> None:
    assert clearance.question(straight(THRUST), [], [], NOW) is None


def test_a_yes_clears_the_signs_it_was_asked_about_and_any_before() -> None:
    older, latest = red_flag(20), red_flag(5)
    answers = [answer(latest, True)]
    assert clearance.question(straight(THRUST), [older, latest], answers, NOW) is None


def test_a_no_is_asked_again_next_time() -> None:
    report = red_flag(5)
    asked = clearance.question(straight(THRUST), [report], [answer(report, False)], NOW)
    assert asked is not None and asked.red_flag_at == report.reported_at


def test_signs_reported_after_a_yes_are_asked_about_afresh() -> None:
    cleared, later = red_flag(30), red_flag(2, "Hip thrust", Pattern.HIP_EXTENSION)
    asked = clearance.question(bare(RDL), [cleared, later], [answer(cleared, True)], NOW)
    assert asked is not None and (asked.exercise, asked.days_ago) == ("Hip thrust", 2)


def test_the_latest_signs_not_cleared_are_the_ones_named() -> None:
    reports = [red_flag(9, "Deadlift"), red_flag(4), red_flag(12, "Hip thrust")]
    asked = clearance.question(straight(THRUST), reports, [], NOW)
    assert asked is not None and (asked.exercise, asked.days_ago) == ("Romanian deadlift", 4)


def test_signs_whose_patterns_history_cannot_tell_are_asked_about() -> None:
    report = RedFlagOnRecord("", NOW - DAY_S, frozenset())
    assert report.areas == frozenset(Area)
    assert clearance.question(bare(BACK_EXT), [report], [], NOW) is not None


def test_the_question_says_when_and_where() -> None:
    assert script.clearance_question("Romanian deadlift", 12) == (
        "12 days ago you reported warning signs during the Romanian deadlift. Has a physical"
        " therapist or doctor cleared you to train? Say yes to go on, or no to end for today."
    )
    assert script.clearance_question("Hip thrust", 1).startswith(
        "Yesterday you reported warning signs during the hip thrust."
    )
    assert script.clearance_question("", 0).startswith(
        "Earlier today you reported warning signs before the first exercise."
    )


# ------------------------------------------------------------------ the session asks


QUESTION = ClearanceQuestion("Romanian deadlift", 3, NOW - 3 * DAY_S, (LOWER_BACK,))


def asking(**loads: LoadPlan) -> tuple[Session, list[Effect]]:
    session = Session(straight(THRUST), loads=loads, clearance=QUESTION)
    return session, session.handle(Start(0.0))


def test_the_session_asks_before_its_first_step() -> None:
    session, effects = asking()
    assert session.mode is Mode.ASKING_CLEARANCE
    (speak,) = of(Speak, effects)  # the question alone: no briefing, nothing started silently
    assert speak.text == QUESTION.text() and speak.priority is Priority.SAFETY
    (show,) = of(Show, effects)
    assert show.view.kind is StepKind.QUESTION and show.view.instruction == QUESTION.text()
    assert show.view.options == ("yes", "no")
    # The keys on the footer: the answers, repeat, and the ways out (pain, stop, halt).
    assert show.view.allowed == {
        Command.YES, Command.NO, Command.REPEAT, Command.PAIN, Command.STOP, Command.HALT
    }  # fmt: skip
    assert show.view.detail == ""  # the briefing's notes wait for the briefing


def test_nothing_that_needs_a_session_begun_moves_it_on() -> None:
    session, _ = asking()
    for command in (Command.NEXT, Command.SKIP, Command.PAUSE, Command.FORM, Command.LIGHTER):
        assert session.handle(cmd(command, 1.0)) == []
    assert session.mode is Mode.ASKING_CLEARANCE and session.index == 0
    assert said(session.handle(cmd(Command.REPEAT, 2.0))) == [QUESTION.text()]


def test_yes_is_stored_and_the_session_begins_at_its_planned_loads() -> None:
    session, _ = asking(**{"hip-thrust": LoadPlan(85.0, "today 85 pounds, same as last time")})
    effects = session.handle(cmd(Command.YES, 5.0))
    assert of(RecordClearance, effects) == [
        RecordClearance(Clearance(LOWER_BACK, QUESTION.red_flag_at, cleared=True))
    ]
    assert effects.index(of(RecordClearance, effects)[0]) < effects.index(of(Speak, effects)[0])
    assert said(effects)[0] == script.CLEARED
    assert said(effects)[1].startswith("Test session.")  # the briefing
    assert session.mode is Mode.RUNNING and session.step.kind is StepKind.BRIEFING
    assert session.current_load(THRUST) == 85.0


def test_no_is_stored_and_ends_the_session_with_nothing_recorded() -> None:
    session, _ = asking()
    effects = session.handle(cmd(Command.NO, 5.0))
    assert of(RecordClearance, effects) == [
        RecordClearance(Clearance(LOWER_BACK, QUESTION.red_flag_at, cleared=False))
    ]
    assert script.NOT_CLEARED in said(effects)
    assert of(RecordSet, effects) == [] and of(RecordPain, effects) == []
    (finished,) = of(Finished, effects)
    assert finished.summary.ending is Ending.NOT_CLEARED and finished.summary.sets == ()
    assert session.finished and session.allowed == frozenset()
    # Nothing to say about next time's loads: they stand as planned before it.
    assert next_time(session.workout, finished.summary) == []


def test_without_warning_signs_on_record_the_briefing_comes_first() -> None:
    effects = feed(Session(straight(THRUST)), Start(0.0))
    assert said(effects)[0].startswith("Test session.")


def test_with_voice_commands_off_the_question_names_the_keys() -> None:
    session = Session(straight(RDL), listening=False, clearance=QUESTION)
    asked = said(feed(session, Start(NOW)))
    assert asked == [QUESTION.text(script.KEYS)]
    assert asked[0].endswith("Press y to go on, or n to end for today.")


def test_pain_at_the_question_is_a_no_and_a_stop_ends_with_nothing_stored() -> None:
    session, _ = asking()
    effects = session.handle(cmd(Command.PAIN, 1.0))
    assert [r.answer.cleared for r in of(RecordClearance, effects)] == [False]
    assert session.finished
    for word in (Command.STOP, Command.HALT):
        session, _ = asking()
        effects = session.handle(cmd(word, 1.0))
        assert session.finished and of(RecordClearance, effects) == []
        assert of(RecordSet, effects) == []  # it never began: no set skipped
        (finished,) = of(Finished, effects)
        assert finished.summary.ending is Ending.STOPPED
