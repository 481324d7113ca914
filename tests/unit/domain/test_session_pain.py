"""Pain triage and form breakdown, one test per rule of the coaching issue."""

from __future__ import annotations

from dataclasses import replace

from sample_workouts import (
    BACK_EXT,
    BRIDGE,
    RDL,
    THRUST,
    asked,
    bare,
    circuit,
    cmd,
    feed,
    of,
    said,
    straight,
)

from companion.domain import script
from companion.domain.effects import (
    CancelSpeech,
    Effect,
    Ending,
    Finished,
    Outcome,
    PainAction,
    PainReport,
    Priority,
    RecordPain,
    RecordSet,
    Show,
    Speak,
    StartTimer,
    StepKind,
)
from companion.domain.events import Command, Start, Tick
from companion.domain.progression import LoadPlan
from companion.domain.session import Mode, Session
from companion.domain.timeline import LEAD_GAP, speech_seconds
from companion.domain.workout import Cue, Regression, SafetyRule, Workout

# straight(THRUST, RDL): 0 briefing, 1 warm-up, 2 setup, 3 set 1/2, 4 rest, 5 set 2/2,
# 6 rest, 7 RDL, 8 summary
SET1 = (Start(0.0), cmd(Command.NEXT, 1.0), cmd(Command.NEXT, 2.0), cmd(Command.NEXT, 3.0))


def in_thrust_set(workout: Workout | None = None) -> Session:
    session = Session(workout or straight(THRUST, RDL))
    feed(session, *SET1)
    return session


def pain(session: Session, now: float, heard: str = "my back") -> list[Effect]:
    return session.handle(cmd(Command.PAIN, now, heard))


# ------------------------------------------------------------------ at once


def test_pain_cancels_all_speech_first() -> None:
    session = in_thrust_set()
    effects = pain(session, 5.0)
    assert effects[0] == CancelSpeech(None)


def test_the_report_is_stored_before_anything_is_said() -> None:
    session = in_thrust_set()
    effects = pain(session, 5.0)
    first_record = next(i for i, e in enumerate(effects) if isinstance(e, RecordPain))
    first_speak = next(i for i, e in enumerate(effects) if isinstance(e, Speak))
    assert first_record < first_speak
    assert effects[first_record] == RecordPain(
        PainReport(1, "hip-thrust", "Hip thrust", 1, "", heard="my back")
    )


def test_the_set_stops_and_is_recorded_as_pain_with_the_reps_done() -> None:
    session = Session(bare(RDL))
    session.handle(Start(0.0))
    session.handle(cmd(Command.NEXT, 2.0))
    first = 2.0 + speech_seconds("Romanian deadlift. 3 reps at 65 pounds.") + LEAD_GAP
    session.handle(Tick(first + 8))  # one rep done
    effects = pain(session, first + 8)
    assert [(r.record.outcome, r.record.reps_done) for r in of(RecordSet, effects)] == [
        (Outcome.PAIN, 1)
    ]
    # timers pause: the set does not finish by itself
    assert session.handle(Tick(first + 100)) == []
    assert asked(session) == [Mode.ASKING_RED_FLAGS]


def test_pain_in_an_unpaced_set_records_no_count() -> None:
    effects = pain(in_thrust_set(), 5.0)
    assert [(r.record.outcome, r.record.reps_done) for r in of(RecordSet, effects)] == [
        (Outcome.PAIN, None)
    ]


def test_the_question_asks_about_warning_signs_at_safety_priority() -> None:
    session = in_thrust_set()
    effects = pain(session, 5.0)
    question = (
        "Stopping the set. Do you have sharp pain, pain that spreads down a leg, pain that does "
        "not ease off, or numbness or tingling in the legs? Say yes or no."
    )
    assert Speak(question, Priority.SAFETY, group="session") in effects
    view = of(Show, effects)[-1].view
    assert (view.kind, view.options) == (StepKind.QUESTION, ("yes", "no"))


def test_the_question_asks_about_the_workouts_own_warning_signs() -> None:
    rules = (
        SafetyRule("Stop on sharp pain.", "ht", ("sharp pain", "pain that wakes you at night")),
        SafetyRule("Mind your knees.", "ht", ("sharp pain",)),
    )
    session = in_thrust_set(replace(straight(THRUST, RDL), safety=rules))
    asked = said(pain(session, 5.0))
    assert asked == [
        "Stopping the set. Do you have sharp pain or pain that wakes you at night? Say yes or no."
    ]


# ------------------------------------------------------------------ warning signs: yes


def test_warning_signs_end_the_session_and_send_to_a_therapist_or_doctor() -> None:
    session = in_thrust_set()
    pain(session, 5.0)
    effects = session.handle(cmd(Command.YES, 6.0))
    assert said(effects)[0] == script.PAIN_RED_FLAGS
    assert "physical therapist or a doctor" in script.PAIN_RED_FLAGS
    summary = of(Finished, effects)[0].summary
    assert summary.ending.value == "pain with warning signs: see a physical therapist or doctor"
    assert summary.pain == (
        PainReport(
            1,
            "hip-thrust",
            "Hip thrust",
            1,
            "",
            heard="my back",
            red_flags=True,
            action=PainAction.END_SESSION,
        ),
    )
    # The sets never reached are on record as skipped, for the history and the next loads.
    assert [(s.exercise_id, s.set_number, s.outcome) for s in summary.sets] == [
        ("hip-thrust", 1, Outcome.PAIN),
        ("hip-thrust", 2, Outcome.SKIPPED),
        ("rdl", 1, Outcome.SKIPPED),
    ]
    assert session.finished
    view = of(Show, effects)[-1].view
    assert (view.kind, view.options) == (StepKind.SUMMARY, ())


# ------------------------------------------------------------------ warning signs: no


def test_no_warning_signs_offers_lighter_easier_or_skip() -> None:
    session = in_thrust_set()
    pain(session, 5.0)
    effects = session.handle(cmd(Command.NO, 6.0))
    assert said(effects) == [
        "You can say lighter to carry on at 85 pounds, say easier to switch to the glute "
        "bridge, or say skip to skip this exercise."
    ]
    assert of(Show, effects)[-1].view.options == ("lighter", "easier", "skip")
    assert of(RecordPain, effects)[0].report.red_flags is False


def test_lighter_restarts_the_set_at_the_reduced_load_and_says_it() -> None:
    session = in_thrust_set()
    feed(session, cmd(Command.PAIN, 5.0), cmd(Command.NO, 6.0))
    effects = session.handle(cmd(Command.LIGHTER, 7.0))
    assert of(RecordPain, effects)[0].report.action is PainAction.REDUCE
    assert of(RecordPain, effects)[0].report.new_load == 85.0
    assert said(effects) == ["Hip thrust. Set 1 of 2. 8 to 10 reps at 85 pounds. Ribs down."]
    assert session.index == 3 and not asked(session)
    assert session.current_load(THRUST) == 85.0
    feed(session, cmd(Command.NEXT, 8.0), cmd(Command.NEXT, 9.0), cmd(Command.NEXT, 10.0))
    assert [(r.set_number, r.outcome, r.load) for r in session.records] == [
        (1, Outcome.PAIN, 95.0),
        (1, Outcome.DONE, 85.0),
        (2, Outcome.DONE, 85.0),
    ]


def test_lighter_does_not_repeat_the_opening_load_note() -> None:
    loads = {"hip-thrust": LoadPlan(95.0, "today 95 pounds, up 5 from last time")}
    session = Session(straight(THRUST), loads=loads)
    feed(session, *SET1, cmd(Command.PAIN, 5.0), cmd(Command.NO, 6.0))
    effects = session.handle(cmd(Command.LIGHTER, 7.0))
    assert said(effects) == ["Hip thrust. Set 1 of 2. 8 to 10 reps at 85 pounds. Ribs down."]


def test_easier_swaps_in_the_regression() -> None:
    session = in_thrust_set()
    feed(session, cmd(Command.PAIN, 5.0), cmd(Command.NO, 6.0))
    effects = session.handle(cmd(Command.EASIER, 7.0))
    assert of(RecordPain, effects)[0].report.action is PainAction.REGRESS
    assert said(effects) == ["Glute bridge. Set 1 of 2. 8 to 10 reps. Glute bridge on the floor."]
    assert of(Show, effects)[-1].view.exercise == "Glute bridge"
    feed(session, cmd(Command.NEXT, 8.0))
    assert session.records[-1] == replace(
        session.records[0], outcome=Outcome.DONE, reps_done=10, load=None, variant="Glute bridge"
    )


def test_a_paced_exercise_regressed_is_no_longer_counted() -> None:
    rdl = replace(RDL, regression=THRUST.regression)
    session = Session(bare(rdl))
    feed(session, Start(0.0), cmd(Command.NEXT, 1.0), cmd(Command.PAIN, 2.0))
    feed(session, cmd(Command.NO, 3.0))
    effects = session.handle(cmd(Command.EASIER, 4.0))
    assert [e for e in of(Speak, effects) if e.at is not None] == []
    assert of(Show, effects)[-1].view.tempo == ""  # the main lift's tempo is not shown for it
    assert session.handle(Tick(60.0)) == []  # waits for "next" like any unpaced set
    effects = session.handle(cmd(Command.FORM, 61.0))
    assert [r.record.reps_done for r in of(RecordSet, effects)] == [None]  # nobody counted


def test_skip_ends_the_exercise() -> None:
    session = in_thrust_set()
    feed(session, cmd(Command.PAIN, 5.0), cmd(Command.NO, 6.0))
    effects = session.handle(cmd(Command.SKIP, 7.0))
    assert of(RecordPain, effects)[0].report.action is PainAction.SKIP
    assert [(r.record.set_number, r.record.outcome) for r in of(RecordSet, effects)] == [
        (2, Outcome.SKIPPED)
    ]
    assert said(effects)[0] == "Romanian deadlift. 3 reps at 65 pounds."
    assert session.index == 7


def test_answers_that_are_not_options_are_ignored() -> None:
    session = Session(bare(BACK_EXT, RDL))  # bodyweight, no regression: only skip
    feed(session, Start(0.0), cmd(Command.NEXT, 1.0), cmd(Command.PAIN, 2.0))
    effects = session.handle(cmd(Command.NO, 3.0))
    assert said(effects) == ["You can say skip to skip this exercise."]
    assert of(Show, effects)[-1].view.options == ("skip",)
    for command in (Command.LIGHTER, Command.EASIER, Command.NEXT, Command.YES, Command.NO):
        assert session.handle(cmd(command, 4.0)) == []
    assert asked(session) == [Mode.OFFERING_OPTIONS]


# ------------------------------------------------------------------ a second report


def test_a_second_pain_in_the_same_exercise_ends_it() -> None:
    session = in_thrust_set()
    feed(session, cmd(Command.PAIN, 5.0), cmd(Command.NO, 6.0), cmd(Command.LIGHTER, 7.0))
    effects = feed(session, cmd(Command.PAIN, 8.0, "again"))
    assert of(RecordPain, effects)[0].report.number == 2
    effects = session.handle(cmd(Command.NO, 9.0))
    assert said(effects)[0] == script.PAIN_SECOND
    assert of(RecordPain, effects)[-1].report == PainReport(
        2,
        "hip-thrust",
        "Hip thrust",
        1,
        "",
        heard="again",
        red_flags=False,
        action=PainAction.END_EXERCISE,
    )
    assert [(r.set_number, r.outcome, r.load) for r in session.records] == [
        (1, Outcome.PAIN, 95.0),
        (1, Outcome.PAIN, 85.0),
        (2, Outcome.SKIPPED, 85.0),
    ]
    assert session.index == 7  # on to the RDL


def test_skip_after_pain_in_a_circuit_ends_the_exercise_for_later_rounds() -> None:
    session = Session(circuit(BRIDGE, RDL, rounds=2))
    feed(session, Start(0.0), cmd(Command.NEXT, 1.0))  # bridge, left, round 1
    feed(session, cmd(Command.PAIN, 2.0), cmd(Command.NO, 3.0), cmd(Command.SKIP, 4.0))
    assert (session.step.exercise, session.step.round_number) == (RDL, 1)
    effects = feed(session, cmd(Command.NEXT, 5.0))  # RDL done: the rest between rounds, 5 → 65
    assert session.step.kind is StepKind.REST
    # It names what really comes next, not the bridge that round 2 passes over.
    assert "Rest one minute. Next: Romanian deadlift." in said(effects)
    assert of(Show, effects)[-1].view.detail == "Romanian deadlift"
    effects = session.handle(Tick(65.0))  # round 2: the bridge is passed over, recorded skipped
    assert (session.step.exercise, session.step.round_number) == (RDL, 2)
    assert [(r.record.side, r.record.round_number) for r in of(RecordSet, effects)] == [
        ("left", 2),
        ("right", 2),
    ]
    bridge = [(r.side, r.round_number, r.outcome) for r in session.records if r.side]
    assert bridge == [
        ("left", 1, Outcome.PAIN),
        ("right", 1, Outcome.SKIPPED),
        ("left", 2, Outcome.SKIPPED),
        ("right", 2, Outcome.SKIPPED),
    ]


def test_a_second_pain_in_a_circuit_ends_the_exercise_for_later_rounds() -> None:
    session = Session(circuit(BRIDGE, RDL, rounds=2))
    feed(session, Start(0.0), cmd(Command.NEXT, 1.0), cmd(Command.NEXT, 2.0), Tick(12.0))
    feed(session, cmd(Command.NEXT, 13.0), Tick(28.0))
    assert (session.step.exercise, session.step.round_number) == (RDL, 1)
    feed(session, cmd(Command.PAIN, 29.0), cmd(Command.NO, 30.0), cmd(Command.LIGHTER, 31.0))
    assert session.current_load(RDL) == 55.0
    feed(session, cmd(Command.PAIN, 32.0))
    effects = session.handle(cmd(Command.NO, 33.0))
    assert said(effects)[0] == script.PAIN_SECOND
    # the RDL ends here and in round 2; the round rest after it goes with it
    assert (session.step.exercise, session.step.round_number) == (BRIDGE, 2)
    feed(session, cmd(Command.NEXT, 34.0), Tick(44.0))
    # Bridge done: no station rest, since only the ended RDL was left before the summary.
    effects = session.handle(cmd(Command.NEXT, 45.0))
    assert session.finished
    assert of(StartTimer, effects) == []
    rdl = [(r.round_number, r.outcome, r.load) for r in session.records if r.exercise_id == "rdl"]
    assert rdl == [(1, Outcome.PAIN, 65.0), (1, Outcome.PAIN, 55.0), (2, Outcome.SKIPPED, 55.0)]
    assert of(Finished, effects)[0].summary.ending is Ending.FINISHED


# ------------------------------------------------------------------ pain outside a set


def test_pain_in_the_warmup_carries_on_after_no() -> None:
    session = Session(straight(THRUST))
    feed(session, Start(0.0), cmd(Command.NEXT, 1.0))
    effects = pain(session, 2.0)
    assert of(RecordPain, effects)[0].report == PainReport(1, "", "", 0, "", heard="my back")
    assert of(RecordSet, effects) == []
    effects = session.handle(cmd(Command.NO, 3.0))
    assert of(RecordPain, effects)[0].report.action is PainAction.CONTINUE
    assert said(effects) == [script.PAIN_CALM]
    assert session.index == 1 and not asked(session)
    view = of(Show, effects)[-1].view
    assert (view.kind, view.instruction) == (StepKind.WARMUP, "Warm-up: Bridges. Ten easy bridges.")


def test_pain_in_a_rest_between_sets_offers_options_and_the_rest_goes_on() -> None:
    session = in_thrust_set()
    feed(session, cmd(Command.NEXT, 4.0))  # rest 4 → 64
    effects = feed(session, cmd(Command.PAIN, 10.0), cmd(Command.NO, 12.0))
    assert of(RecordSet, effects) == []
    assert asked(session) == [Mode.OFFERING_OPTIONS]
    effects = session.handle(cmd(Command.LIGHTER, 20.0))
    assert session.step.kind is StepKind.REST  # frozen for 10 s: now ends at 74
    assert session.handle(Tick(73.9)) == []
    effects = session.handle(Tick(74.0))
    assert said(effects) == ["Hip thrust. Set 2 of 2. 8 to 10 reps at 85 pounds. Ribs down."]


def test_pain_in_the_rest_after_an_exercises_last_set_offers_nothing_for_it() -> None:
    session = Session(straight(THRUST, RDL))
    feed(session, *SET1, cmd(Command.NEXT, 4.0), Tick(64.0), cmd(Command.NEXT, 65.0))
    assert session.index == 6  # rest before the RDL
    feed(session, cmd(Command.PAIN, 70.0))
    effects = session.handle(cmd(Command.NO, 71.0))
    assert [e.text for e in of(Speak, effects) if e.at is None] == [script.PAIN_CALM]
    assert of(RecordPain, effects)[0].report.action is PainAction.CONTINUE
    assert session.index == 6 and not asked(session)


def test_pain_in_the_warm_up_is_placed_before_the_first_exercise() -> None:
    session = Session(straight(THRUST))  # briefing, then a warm-up item
    feed(session, Start(0.0), cmd(Command.NEXT, 1.0))
    assert session.step.kind is StepKind.WARMUP
    (report,) = [r.report for r in of(RecordPain, pain(session, 2.0))]
    assert script.pain_place(report) == "before the first exercise"


def test_pain_during_setup_belongs_to_the_exercise() -> None:
    session = Session(straight(THRUST))
    feed(session, Start(0.0), cmd(Command.NEXT, 1.0), cmd(Command.NEXT, 2.0))
    effects = pain(session, 3.0)
    assert of(RecordPain, effects)[0].report.exercise_id == "hip-thrust"
    effects = feed(session, cmd(Command.NO, 4.0), cmd(Command.SKIP, 5.0))
    assert [r.record.outcome for r in of(RecordSet, effects)] == [Outcome.SKIPPED] * 2
    assert session.finished


# ------------------------------------------------------------------ stop during pain


def test_stop_during_the_pain_question_then_no_asks_it_again() -> None:
    session = in_thrust_set()
    feed(session, cmd(Command.PAIN, 5.0), cmd(Command.STOP, 6.0))
    assert asked(session) == [Mode.ASKING_RED_FLAGS, Mode.ASKING_STOP]
    effects = session.handle(cmd(Command.NO, 7.0))
    assert said(effects) == [script.pain_question(session.workout, in_set=True)]
    assert asked(session) == [Mode.ASKING_RED_FLAGS]


def test_stop_during_the_options_then_no_offers_them_again() -> None:
    session = in_thrust_set()
    feed(session, cmd(Command.PAIN, 5.0), cmd(Command.NO, 6.0), cmd(Command.STOP, 7.0))
    effects = session.handle(cmd(Command.NO, 8.0))
    assert said(effects)[0].startswith("You can say lighter")
    assert asked(session) == [Mode.OFFERING_OPTIONS]


def test_stop_during_pain_then_yes_ends_with_the_report_kept() -> None:
    session = in_thrust_set()
    feed(session, cmd(Command.PAIN, 5.0), cmd(Command.STOP, 6.0))
    effects = session.handle(cmd(Command.YES, 7.0))
    summary = of(Finished, effects)[0].summary
    assert summary.ending.value == "stopped before the end"
    assert [p.number for p in summary.pain] == [1]
    assert said(effects) == [script.STOPPED]


def test_pain_during_the_stop_question_replaces_it() -> None:
    session = in_thrust_set()
    feed(session, cmd(Command.STOP, 5.0))
    pain(session, 6.0)
    assert asked(session) == [Mode.ASKING_RED_FLAGS]


# ------------------------------------------------------------------ form breakdown


def test_form_ends_the_set_as_technique_limited_and_says_keep_the_load() -> None:
    session = in_thrust_set()
    effects = session.handle(cmd(Command.FORM, 5.0, "losing position"))
    # THRUST is unpaced: the person counts, so how many reps were done is unknown.
    records = [r.record for r in of(RecordSet, effects)]
    assert [(r.outcome, r.load, r.reps_done) for r in records] == [(Outcome.FORM, 95.0, None)]
    assert "Keep the same load next time." in script.FORM_ENDED
    form_words = effects.index(Speak(script.FORM_ENDED, Priority.INSTRUCTION, group="session"))
    cancels = [i for i, e in enumerate(effects) if isinstance(e, CancelSpeech)]
    assert all(i < form_words for i in cancels)  # nothing cancels the words after they are sent
    assert session.step.kind is StepKind.REST


def test_form_in_a_paced_set_keeps_the_reps_done() -> None:
    session = Session(bare(RDL))
    feed(session, Start(0.0), cmd(Command.NEXT, 2.0))
    first = 2.0 + speech_seconds("Romanian deadlift. 3 reps at 65 pounds.") + LEAD_GAP
    effects = feed(session, Tick(first + 15), cmd(Command.FORM, first + 15))
    assert [(r.record.outcome, r.record.reps_done) for r in of(RecordSet, effects)] == [
        (Outcome.FORM, 2)
    ]
    assert session.finished  # it was the only set


def test_the_reason_a_second_pain_ends_a_counted_exercise_is_not_cancelled() -> None:
    # The restarted set's counts were frozen by the second report; ending the exercise must not
    # cancel its step's speech again, which would drop the words just said about why it ends.
    session = Session(straight(RDL, THRUST))
    feed(session, Start(0.0), cmd(Command.NEXT, 1.0), cmd(Command.NEXT, 2.0))
    assert (session.step.kind, session.step.exercise) == (StepKind.SET, RDL)
    feed(session, Tick(6.0), cmd(Command.PAIN, 6.0), cmd(Command.NO, 7.0))
    feed(session, cmd(Command.LIGHTER, 8.0), Tick(12.0), cmd(Command.PAIN, 12.0))
    effects = session.handle(cmd(Command.NO, 13.0))
    spoken = next(
        i for i, e in enumerate(effects) if isinstance(e, Speak) and e.text == script.PAIN_SECOND
    )
    group = effects[spoken].group  # type: ignore[union-attr]
    cancels = [e for e in effects[spoken:] if isinstance(e, CancelSpeech)]
    assert all(c.group not in (None, group) for c in cancels)
    assert session.step.exercise == THRUST


def test_skip_in_a_rest_skips_what_the_rest_named_past_an_ended_exercise() -> None:
    a, b, c = (replace(BACK_EXT, id=n, name=n.title(), sets=1, setup=()) for n in ("a", "b", "c"))
    session = Session(circuit(a, b, c, rounds=2))
    session.handle(Start(0.0))
    now = 1.0
    while session.step.exercise is not b:
        session.handle(cmd(Command.NEXT, now))
        now += 1
    feed(session, cmd(Command.PAIN, now), cmd(Command.NO, now + 1), cmd(Command.SKIP, now + 2))
    now += 3
    while not (session.step.kind is StepKind.REST and session.step.round_number == 2):
        session.handle(cmd(Command.NEXT, now))
        now += 1
    assert session.step.exercise is a  # the rest after round 2's a, which names c
    effects = session.handle(cmd(Command.SKIP, now))
    assert session.step.exercise is not c
    assert [(r.record.exercise_id, r.record.outcome) for r in of(RecordSet, effects)] == [
        ("b", Outcome.SKIPPED),
        ("c", Outcome.SKIPPED),
    ]


# ------------------------------------------------------------------ emergency words


def test_an_emergency_word_in_a_paced_set_freezes_the_counts_until_resumed() -> None:
    """"stop" in a counted set: no count or rep comes while the person is asked whether they
    are hurt, nor after "no" until resume; resume starts the halted set again from rep one."""
    session = Session(bare(RDL))
    feed(session, Start(0.0), cmd(Command.NEXT, 1.0))  # the RDL set from 1.0
    feed(session, Tick(13.0))  # rep one counted by 12.13
    halted = session.handle(cmd(Command.HALT, 13.0, "stop"))
    assert halted[0] == CancelSpeech(None)
    assert [(r.record.outcome, r.record.reps_done) for r in of(RecordSet, halted)] == [
        (Outcome.ENDED, 1)
    ]
    assert said(halted)[-1] == script.HURT_QUESTION
    not_hurt = feed(session, cmd(Command.NO, 14.0), Tick(200.0))
    assert said(not_hurt) == [script.NOT_HURT]
    assert of(RecordSet, not_hurt) == [] and session.paused
    resumed = feed(session, cmd(Command.RESUME, 300.0))
    assert said(resumed)[0].startswith("Romanian deadlift.")
    assert min(e.at for e in of(Speak, resumed) if e.at is not None) > 300.0
    feed(session, Tick(400.0))
    assert [(r.outcome, r.reps_done) for r in session.records] == [
        (Outcome.ENDED, 1),
        (Outcome.DONE, 3),
    ]


def test_hurt_after_an_emergency_word_asks_the_pain_questions() -> None:
    session = in_thrust_set()
    feed(session, cmd(Command.HALT, 5.0, "help"))
    effects = feed(session, cmd(Command.YES, 6.0))
    assert of(RecordPain, effects)[0].report.heard == "help"
    assert asked(session) == [Mode.ASKING_RED_FLAGS]
    ended = feed(session, cmd(Command.YES, 7.0))
    assert of(Finished, ended)[0].summary.ending is Ending.PAIN_RED_FLAGS
    # The halted set is on record once, as it stood.
    assert [r.outcome for r in session.records if r.set_number == 1][:1] == [Outcome.SKIPPED]
    assert sum(1 for r in session.records if r.exercise_id == "hip-thrust") == 2


def test_not_hurt_then_end_workout_ends_it() -> None:
    session = in_thrust_set()
    feed(session, cmd(Command.HALT, 5.0), cmd(Command.NO, 6.0), cmd(Command.STOP, 7.0))
    effects = feed(session, cmd(Command.YES, 8.0))
    assert of(Finished, effects)[0].summary.ending is Ending.STOPPED
    assert [r.set_number for r in session.records if r.exercise_id == "hip-thrust"] == [1, 2]


# ------------------------------------------------------------------ a regression is a whole swap

SWAPPABLE_BRIDGE = replace(
    BRIDGE,
    cues=(Cue("Level hips.", "ht"),),
    regression=Regression(
        "Glute bridge, both feet down",
        "Both feet planted.",
        "ht",
        per_side=False,
        cues=(Cue("Push through both heels.", "ht"),),
    ),
)


def test_a_two_legged_regression_replaces_the_one_legged_exercise_for_the_session() -> None:
    """Runner circuit: single-leg glute bridge → glute bridge. Its own sides (none), its own
    name everywhere, its own cues, and round 2 keeps it (issue 26)."""
    session = Session(circuit(SWAPPABLE_BRIDGE, RDL))
    feed(session, Start(0.0), cmd(Command.NEXT, 1.0))  # round 1, left side
    assert session.step.side == "left"
    feed(session, cmd(Command.PAIN, 2.0), cmd(Command.NO, 3.0))
    effects = feed(session, cmd(Command.EASIER, 4.0))
    intro = said(effects)[-1]
    assert intro == "Glute bridge, both feet down. 10 reps. Both feet planted."
    assert of(Show, effects)[-1].view.side == ""
    # Done: the right side is not asked for; the rest names what really comes next.
    rest = feed(session, cmd(Command.NEXT, 5.0))
    assert said(rest)[0] == "Rest fifteen seconds. Next: Romanian deadlift."
    reminders: list[str] = []
    views = []
    for t in range(6, 40):
        step_effects = feed(session, Tick(float(t * 30)), cmd(Command.NEXT, float(t * 30)))
        reminders += [s.text for s in of(Speak, step_effects) if s.priority is Priority.CHATTER]
        views += [e.view for e in of(Show, step_effects)]
        if session.finished:
            break
    names = {v.exercise for v in views if v.kind is StepKind.SET}
    assert names == {"Glute bridge, both feet down", "Romanian deadlift"}
    assert all(v.side == "" for v in views)
    assert "Level hips." not in reminders and "Push through both heels." in reminders
    bridge = [r for r in session.records if r.exercise_id == "sl-bridge"]
    assert [(r.round_number, r.side, r.variant) for r in bridge] == [
        (1, "left", ""),  # stopped by pain, one-legged
        (1, "", "Glute bridge, both feet down"),
        (2, "", "Glute bridge, both feet down"),
    ]
