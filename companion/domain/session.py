"""The session state machine: events in, effects out.

No threads, no clock, no files: every event carries the time (`now`, monotonic seconds), and the
session answers with a list of effects for the adapters to carry out. Timed speech (tempo counts,
rest calls) is emitted ahead with its exact start time so speech out can start it on the sample;
the session also keeps its own copy of everything scheduled, so pause can freeze it and resume can
shift it.

What a command does depends on the session's `Mode` alone (running, paused, asking to stop, ...)
and is looked up in `MOVES`, the table of legal moves at the end of this module; a command the
table does not list for the mode is ignored, and `Session.allowed` (shown as `StepView.allowed`)
is read from the same table. When a step's alarms fall due is worked out in
`companion.domain.timeline`, what a pain report means in `companion.domain.pain`, whether to ask
first if a professional has cleared the person in `companion.domain.clearance`.

Who calls it: `companion.app.runner.SessionRunner` (wired by the CLI and driven by the Textual app's
tick), and the unit tests, which replay timelines.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from enum import Enum

from companion.domain import pain, script
from companion.domain.clearance import ClearanceQuestion
from companion.domain.effects import (
    CancelSpeech,
    CancelTimer,
    CorrectSet,
    Effect,
    Ending,
    Finished,
    Outcome,
    PainAction,
    PainReport,
    Priority,
    RecordClearance,
    RecordPain,
    RecordSet,
    RepsQuestion,
    SessionSummary,
    SetRecord,
    Show,
    ShowTempo,
    Speak,
    StartTimer,
    StepKind,
    StepView,
)
from companion.domain.events import (
    Command,
    CommandGiven,
    RepsGiven,
    SessionEvent,
    Start,
    VoiceOff,
)
from companion.domain.plan import Step, build_plan, label
from companion.domain.progression import PLATE_STEP, LoadPlan, warmup_load
from companion.domain.timeline import (
    CUE_INTERVAL,
    DEFAULT_WORDS_PER_MINUTE,
    LEAD_GAP,
    Alarm,
    CueDue,
    RepDone,
    SpeakAlarm,
    StepDone,
    TempoAlarm,
    countdown,
    paced_set,
    reminders,
    speech_seconds,
)
from companion.domain.workout import CueMoment, Exercise, Regression, WarmupItem, Workout

REST_TIMER = "rest"
WARMUP_TIMER = "warm-up"  # a warm-up item of so many seconds counts down like a rest
# How long after "how many reps?" is said an answer is still taken; silence keeps the target.
REPS_ANSWER_S = 8.0
SESSION_GROUP = "session"  # speech that belongs to no step: questions, pause, safety


class Mode(Enum):
    """What the session is doing, which decides what each command does (see `MOVES`).

    A question is asked over what was going on, and answering it returns there: the pain
    questions (or, after an emergency word, whether the person is hurt) over the workout,
    running or paused, and the stop question over any of these, a pain question included.
    `Session.modes` holds that nesting, innermost last. Whether a professional has cleared the
    person is asked alone, before the first step: nothing is going on yet.
    """

    WAITING = "waiting"  # not started
    RUNNING = "running"  # steps and their timed speech go on
    PAUSED = "paused"
    ASKING_STOP = "asking-stop"  # "say yes to end the workout"
    ASKING_HURT = "asking-hurt"  # after an emergency word ("stop", "help"): are you hurt?
    ASKING_RED_FLAGS = "asking-red-flags"  # after a pain report: any warning signs?
    OFFERING_OPTIONS = "offering-options"  # no warning signs: lighter, easier or skip
    # Before the first step, after warning signs in an area the workout trains: cleared?
    ASKING_CLEARANCE = "asking-clearance"
    FINISHED = "finished"

    @property
    def asking(self) -> bool:
        return self in (
            Mode.ASKING_STOP,
            Mode.ASKING_HURT,
            Mode.ASKING_RED_FLAGS,
            Mode.OFFERING_OPTIONS,
            Mode.ASKING_CLEARANCE,
        )


# The commands that answer a question, in the order the screen lists them.
ANSWERS = (Command.YES, Command.NO, Command.LIGHTER, Command.EASIER, Command.SKIP)


class Session:
    """One run of a workout. Feed it events with `handle`; it returns what to do."""

    def __init__(
        self,
        workout: Workout,
        *,
        loads: Mapping[str, LoadPlan] | None = None,
        words_per_minute: float = DEFAULT_WORDS_PER_MINUTE,
        listening: bool = True,
        clearance: ClearanceQuestion | None = None,
    ) -> None:
        """`words_per_minute`: the rate speech out speaks at, which decides how long an intro
        takes and so when the counts after it start. `listening`: whether voice commands are
        heard; without them every prompt names the key ("press h"), not the word ("say pain").
        `clearance`: asked before the first step (`domain.clearance`)."""
        self.workout = workout
        self._words_per_minute = words_per_minute
        self._words = script.wording(listening)
        self.plan: tuple[Step, ...] = build_plan(workout, self._words)
        self._loads = dict(loads or {})
        self._clearance = clearance
        self.index = 0
        # The mode, over the modes it returns to: [WAITING], [ASKING_CLEARANCE], [FINISHED], or
        # RUNNING or PAUSED under at most one pain or hurt question under at most the stop
        # question.
        self._modes: list[Mode] = [Mode.WAITING]
        self._frozen_at = 0.0  # when the step's timeline stopped; read only while not RUNNING
        self._alarms: list[Alarm] = []
        self._countdown_end = 0.0  # when a rest or a timed warm-up ends
        self._reps_done = 0
        self._last_instruction = ""  # what the current step asks for; `repeat` says it again
        self._asked = ""  # the open question's words, which `repeat` says instead
        self._records: list[SetRecord] = []
        self._pain: list[PainReport] = []
        self._load_override: dict[str, float] = {}
        self._regressed: dict[str, Regression] = {}
        self._pain_count: dict[str, int] = {}
        self._ended: set[str] = set()
        self._cue_turn: dict[tuple[str, str], int] = {}  # (exercise id, name as done): turn
        self._pain_exercise: Exercise | None = None
        self._set_stopped = False  # the current set was ended by a pain report or a halt
        self._halted_by = ""  # the emergency word heard, kept for a pain report it leads to
        # After a set the person paces: which record "how many reps?" may still correct, and
        # until when. The session goes on meanwhile (the rest starts); silence keeps the target.
        self._reps_asked: tuple[int, float] | None = None
        self._changing_plates = False  # a set waits for "next" after a load change

    # ----------------------------------------------------------------- public surface

    @property
    def step(self) -> Step:
        return self.plan[self.index]

    @property
    def mode(self) -> Mode:
        return self._modes[-1]

    @property
    def modes(self) -> tuple[Mode, ...]:
        """The mode and, before it, what answering its question returns to."""
        return tuple(self._modes)

    @property
    def started(self) -> bool:
        return self.mode is not Mode.WAITING

    @property
    def finished(self) -> bool:
        return self.mode is Mode.FINISHED

    @property
    def paused(self) -> bool:
        """Paused, or asking a question over a pause (answering it returns to the pause)."""
        return self._modes[0] is Mode.PAUSED

    @property
    def allowed(self) -> frozenset[Command]:
        """The commands that do something now; any other is ignored."""
        return frozenset(c for c, move in MOVES[self.mode].items() if move.when(self))

    @property
    def records(self) -> tuple[SetRecord, ...]:
        return tuple(self._records)

    def handle(self, event: SessionEvent) -> list[Effect]:
        out: list[Effect] = []
        if isinstance(event, Start):
            if self.mode is Mode.WAITING and self._clearance is not None:
                self._modes = [Mode.ASKING_CLEARANCE]
                self._pose(out)
            elif self.mode is Mode.WAITING:
                self._modes = [Mode.RUNNING]
                self._enter(event.now, out)
            return out
        if isinstance(event, VoiceOff):
            self._voice_off(out)
            return out
        self._run_due(event.now, out)
        if isinstance(event, RepsGiven):
            self._give_reps(event, out)
        elif isinstance(event, CommandGiven):
            move = MOVES[self.mode].get(event.command)
            if move is not None and move.when(self):
                move.make(self, event, out)
        return out

    def _voice_off(self, out: list[Effect]) -> None:
        """Ask for keys from now on, and say so at once: "say pain" would ask for what nothing
        hears. The briefing is the one step whose text asks for commands."""
        if self._words is script.KEYS or self.finished:
            return
        self._words = script.KEYS
        briefing = replace(self.plan[0], text=script.briefing(self.workout, self._words))
        self.plan = (briefing, *self.plan[1:])
        if self.mode is Mode.WAITING:
            return  # the briefing to come asks for keys: nothing to take back
        if self.index == 0:
            self._last_instruction = briefing.text
        self._say(script.VOICE_OFF, out, Priority.SAFETY, remember=False)
        if self.mode.asking:
            self._pose(out)  # the open question again, with the keys that answer it
        else:
            out.append(Show(self._view()))

    def current_load(self, exercise: Exercise) -> float | None:
        if exercise.id in self._regressed:
            return None
        if exercise.id in self._load_override:
            return self._load_override[exercise.id]
        plan = self._loads.get(exercise.id)
        return plan.load if plan is not None else exercise.load

    # ----------------------------------------------------------------- time

    def _run_due(self, now: float, out: list[Effect]) -> None:
        """Fire every alarm due by `now`, in time order, each at its own scheduled time. Only a
        running session's time moves: a pause or a question freezes it."""
        while self._alarms and self.mode is Mode.RUNNING:
            # At equal times the step ends last, so the final rep is counted before the set is
            # recorded.
            alarm = min(self._alarms, key=lambda a: (a.at, isinstance(a, StepDone)))
            if alarm.at > now:
                break
            self._alarms.remove(alarm)
            self._fire(alarm, out)

    def _fire(self, alarm: Alarm, out: list[Effect]) -> None:
        match alarm:
            case TempoAlarm(_, rep, phase, count):
                out.append(ShowTempo(rep, phase, count))
            case RepDone(_, rep):
                self._reps_done = rep
            case CueDue(at):
                self._next_reminder(at, out)
            case StepDone(at):
                if self.step.kind is StepKind.SET:
                    self._record_set(Outcome.DONE, self._reps_done, out)
                self._advance(at, out, cut=False)
            case SpeakAlarm():
                pass  # sent when it was scheduled

    def _schedule(self, alarms: list[Alarm], out: list[Effect]) -> None:
        """Keep `alarms`, and send their speech now with its start time."""
        self._alarms.extend(alarms)
        for alarm in alarms:
            if isinstance(alarm, SpeakAlarm):
                out.append(Speak(alarm.text, alarm.priority, at=alarm.at, group=self._group))

    def _seconds(self, text: str) -> float:
        return speech_seconds(text, self._words_per_minute)

    def _freeze(self, now: float, out: list[Effect]) -> None:
        """Stop the step's timeline; called as a running session pauses or asks a question."""
        self._frozen_at = now
        out.append(CancelSpeech(self._group))
        timer = self._timer
        if timer is not None:
            # The screen's countdown must stop too; `_thaw` starts it again, shifted.
            out.append(CancelTimer(timer))

    def _thaw(self, now: float, out: list[Effect]) -> None:
        """Start the step's timeline again where it stopped; called as the session returns to
        RUNNING."""
        frozen_at = self._frozen_at
        shift = now - frozen_at
        pending = [a for a in self._alarms if not isinstance(a, SpeakAlarm) or a.at >= frozen_at]
        self._alarms = [replace(a, at=a.at + shift) for a in pending]
        for alarm in sorted(self._alarms, key=lambda a: a.at):
            if isinstance(alarm, SpeakAlarm):
                out.append(Speak(alarm.text, alarm.priority, at=alarm.at, group=self._group))
        timer = self._timer
        if timer is not None:
            self._countdown_end += shift
            end = self._countdown_end
            out.append(StartTimer(timer, end - self.step.seconds, end))

    @property
    def _instruction(self) -> str:
        return self._asked if self.mode.asking else self._last_instruction

    @property
    def _group(self) -> str:
        return f"step-{self.index}"

    @property
    def _timer(self) -> str | None:
        """The countdown the step runs on the screen: a rest's, a timed warm-up's, or none."""
        if self.step.kind is StepKind.REST:
            return REST_TIMER
        if self.step.kind is StepKind.WARMUP and self.step.seconds:
            return WARMUP_TIMER
        return None

    # ----------------------------------------------------------------- steps

    def _say(
        self,
        text: str,
        out: list[Effect],
        priority: Priority = Priority.INSTRUCTION,
        *,
        remember: bool = True,
    ) -> None:
        """Say `text` now; `remember=False` for status words ("Paused.") that must not replace
        the step's instruction on screen or for `repeat`."""
        if remember:
            self._last_instruction = text
        group = SESSION_GROUP if priority is Priority.SAFETY or self.mode.asking else self._group
        out.append(Speak(text, priority, group=group))

    def _enter(self, now: float, out: list[Effect]) -> None:
        step = self.step
        exercise = step.exercise
        if exercise is not None and exercise.id in self._ended and step.kind is not StepKind.REST:
            self._skip_exercise(exercise, self.index, now, out)
            return
        # The regression does both sides at once; a set stopped to swap it in is done again.
        if self._side_dropped(step) and not self._set_stopped:
            self.index += 1
            self._enter(now, out)
            return
        self._alarms = []
        self._reps_done = 0
        self._set_stopped = False
        self._changing_plates = False
        if step.kind is StepKind.SUMMARY:
            self._finish(Ending.FINISHED, now, out)
            return
        if step.kind is StepKind.SET:
            assert exercise is not None
            # A number said from now on is a count of this set, not an answer about the last.
            self._reps_asked = None
            self._start_set(exercise, now, out)
        elif step.kind is StepKind.REST:
            if self._after_rest().kind is StepKind.SUMMARY:
                # Only exercises that pain has ended are left (the plan puts no rest right
                # before the summary): nothing to rest for. The next step records them skipped.
                self.index += 1
                self._enter(now, out)
                return
            self._start_rest(now, out)
        elif step.kind is StepKind.WARMUP:
            self._start_warmup(now, out)
        else:
            self._say(step.text, out)
        out.append(Show(self._view()))

    def _advance(self, now: float, out: list[Effect], *, cut: bool = True) -> None:
        """On to the next step. Moved on by the person (`cut`), everything the step still had to
        say (queued, playing, or scheduled) goes, so the next step's words come at once however
        fast they press on; a step that ended by itself keeps its last words (the rest's "go"
        starts as it ends), and only drops speech scheduled past its end."""
        if cut or any(isinstance(a, SpeakAlarm) and a.at > now for a in self._alarms):
            out.append(CancelSpeech(self._group))
        timer = self._timer
        if timer is not None:
            out.append(CancelTimer(timer))
        self.index += 1
        self._enter(now, out)

    def _start_set(self, exercise: Exercise, now: float, out: list[Effect]) -> None:
        step = self.step
        done = self._as_done(exercise)
        before = [c.text for c in done.cues_at(CueMoment.BEFORE_SET)]
        if exercise.id in self._regressed:
            before.insert(0, self._regressed[exercise.id].text)
        load = self.current_load(exercise)
        plan = self._loads.get(exercise.id)
        # The opener ("today 135 pounds, up 5") belongs to the exercise's first set only (the
        # first side of it, where sides alternate), and not to a set restarted after pain at a
        # changed load or as the regression: it would contradict it.
        changed = exercise.id in self._load_override or exercise.id in self._regressed
        first = not any(
            s.kind is StepKind.SET and s.exercise is exercise for s in self.plan[: self.index]
        )
        if plan is not None and plan.note and first and not changed:
            before.insert(0, script.sentence(plan.note))
        intro = script.set_intro(
            done.name,
            step.set_number,
            step.set_count,
            self._side(step),
            exercise.reps,
            load,
            self.workout.unit,
            before,
        )
        said = intro
        if first and exercise.end_set_when:
            # Said at the first set only. The screen shows it under every set (the step's
            # detail), so the instruction shown leaves it out rather than show it twice.
            said = f"{intro} {script.end_set(exercise)}"
        self._say(said, out, remember=False)
        self._last_instruction = intro
        if self._counts(exercise):
            rep_one = now + self._seconds(said) + LEAD_GAP
            self._schedule(paced_set(exercise, rep_one, self._words_per_minute), out)
        else:
            self._alarms.append(CueDue(now + self._seconds(said) + CUE_INTERVAL))

    def _reminder(self, exercise: Exercise, within: float | None = None) -> str | None:
        """The next reminder about `exercise`: one pass through them per session, then quiet.
        None, keeping it for later, when it would take longer than `within` seconds to say."""
        done = self._as_done(exercise)
        said = reminders(done, self._counts(exercise), self._words_per_minute)
        key = (exercise.id, done.name)  # a regression's reminders are its own, from the first
        turn = self._cue_turn.get(key, 0)
        if turn >= len(said):
            return None
        if within is not None and self._seconds(said[turn]) > within:
            return None
        self._cue_turn[key] = turn + 1
        return said[turn]

    def _next_reminder(self, at: float, out: list[Effect]) -> None:
        exercise = self.step.exercise
        if exercise is None or self.step.kind is not StepKind.SET:
            return
        text = self._reminder(exercise)
        if text is None:
            return
        out.append(Speak(text, Priority.CHATTER, group=self._group))
        self._alarms.append(CueDue(at + self._seconds(text) + CUE_INTERVAL))

    def _start_rest(self, now: float, out: list[Effect]) -> None:
        step = self.step
        seconds = step.seconds
        text = step.text or script.rest_intro(seconds, self._rest_next_label())
        calls = script.rest_calls(seconds)
        following = self._after_rest().exercise
        if following is not None and self._counts(following):
            # A paced set has no room for reminders; the rest before it does, if it is said
            # before the countdown's first call.
            room = seconds - calls[0][0] - self._seconds(text)
            reminder = self._reminder(following, within=room)
            text = f"{text} {reminder}" if reminder is not None else text
        self._say(text, out)
        self._count_down(now, calls, out)

    def _start_warmup(self, now: float, out: list[Effect]) -> None:
        """A warm-up item, with today's number for a lighter set; one of so many seconds counts
        down like a rest and ends by itself ("time is up"), and the next step begins."""
        step = self.step
        item = step.warmup
        assert item is not None
        self._say(script.warmup_intro(item, self._warmup_load(item), self.workout.unit), out)
        if step.seconds:
            self._count_down(now, script.warmup_calls(step.seconds), out)

    def _warmup_load(self, item: WarmupItem) -> float | None:
        """What a warm-up's lighter set is done at: its share of the exercise's load today."""
        if item.load_share is None:
            return None
        load = self.current_load(self.workout.exercise(item.exercise))
        return warmup_load(load, item.load_share, self.workout.unit) if load else None

    def _count_down(self, now: float, calls: list[tuple[float, str]], out: list[Effect]) -> None:
        """Start the step's countdown on the screen, and its calls, from `now`."""
        timer = self._timer
        assert timer is not None
        self._countdown_end = end = now + self.step.seconds
        out.append(StartTimer(timer, now, end))
        self._schedule(countdown(end, calls), out)

    def _after_rest(self) -> Step:
        """The step a rest leads to, passing over exercises that pain has ended and the sides a
        regression does together."""
        for step in self.plan[self.index + 1 :]:
            ended = step.exercise is not None and step.exercise.id in self._ended
            if step.kind is not StepKind.REST and not ended and not self._side_dropped(step):
                return step
        return self.plan[-1]

    def _rest_next_label(self) -> str:
        following = self._after_rest()
        swapped = following.exercise is not None and following.exercise.id in self._regressed
        if following is self.plan[self.index + 1] and not swapped:
            return self.step.next_label  # the plan's own label (a side switch words it its way)
        if swapped:
            assert following.exercise is not None
            following = replace(
                following, exercise=self._as_done(following.exercise), side=self._side(following)
            )
        return label(following, self.step.exercise)

    # ----------------------------------------------------------------- a regression swapped in

    def _as_done(self, exercise: Exercise) -> Exercise:
        """`exercise`, or the regression done in its place for the rest of the session."""
        return exercise.swapped() if exercise.id in self._regressed else exercise

    def _side(self, step: Step) -> str:
        """The side a step trains: none when a regression does both sides together."""
        exercise = step.exercise
        if exercise is None or not step.side or self._as_done(exercise).per_side:
            return step.side
        return ""

    def _side_dropped(self, step: Step) -> bool:
        """A step a two-legged regression has no use for: the sets of the sides after the first,
        and the side switches before them."""
        exercise = step.exercise
        if exercise is None or not exercise.per_side or self._as_done(exercise).per_side:
            return False
        if step.kind is StepKind.REST:
            return step.side_switch
        return step.kind is StepKind.SET and step.side != exercise.trained_sides[0]

    def _skip_exercise(
        self,
        exercise: Exercise,
        start: int,
        now: float,
        out: list[Effect],
        *,
        by_person: bool = False,
    ) -> None:
        """Record the exercise's sets from `start` on as skipped and move past its block, and
        past any steps of exercises pain has ended on the way (recorded skipped as well).
        `by_person`: skipped by the person, so the step's words go, as `_advance` says."""
        i = start
        while i < len(self.plan):
            step = self.plan[i]
            ours = step.exercise is not None and step.exercise.id in (exercise.id, *self._ended)
            if step.kind is StepKind.REST or ours:
                if ours and step.kind is StepKind.SET and not self._side_dropped(step):
                    self._record_set(Outcome.SKIPPED, 0, out, step)
                i += 1
                continue
            break
        if by_person or any(isinstance(a, SpeakAlarm) and a.at > now for a in self._alarms):
            out.append(CancelSpeech(self._group))
        if self.plan[self.index].kind is StepKind.REST:
            out.append(CancelTimer(REST_TIMER))
        self.index = min(i, len(self.plan) - 1)
        self._enter(now, out)

    # ----------------------------------------------------------------- records

    def _set_record(self, step: Step, outcome: Outcome, reps: int | None) -> SetRecord:
        assert step.exercise is not None
        exercise = step.exercise
        regression = self._regressed.get(exercise.id)
        return SetRecord(
            exercise_id=exercise.id,
            exercise=exercise.name,
            set_number=step.set_number,
            set_count=step.set_count,
            side=self._side(step),
            round_number=step.round_number,
            reps_target=exercise.reps,
            reps_done=reps,
            load=self.current_load(exercise),
            unit=self.workout.unit,
            outcome=outcome,
            variant=regression.name if regression is not None else "",
        )

    def _counts(self, exercise: Exercise) -> bool:
        """Whether the companion counts this exercise's reps (a regression is never paced)."""
        return exercise.tempo.paced and exercise.id not in self._regressed

    def _counted(self) -> int | None:
        """The reps of the current set so far, when the companion was counting them."""
        exercise = self.step.exercise
        return self._reps_done if exercise is not None and self._counts(exercise) else None

    def _record_set(
        self, outcome: Outcome, reps: int | None, out: list[Effect], step: Step | None = None
    ) -> None:
        """Record a set of `step`, by default the current one."""
        record = self._set_record(step or self.step, outcome, reps)
        self._records.append(record)
        out.append(RecordSet(record))

    def _record_cut_short(self, out: list[Effect]) -> None:
        """Record the set in progress, ended before its end, as it stood: with the reps the
        companion counted in it, ended early; with none counted, skipped (a set the person
        paces was never said to be done, with "next")."""
        reps = self._counted()
        if reps:
            self._record_set(Outcome.ENDED, reps, out)
        else:
            self._record_set(Outcome.SKIPPED, 0, out)

    def _finish(self, ending: Ending, now: float, out: list[Effect]) -> None:
        # A session that ended at the clearance question skipped no set: it never began, and
        # is no history.
        if ending.early and self.mode is not Mode.ASKING_CLEARANCE:
            self._record_unfinished(out)
        # No question is open any more: the summary must not offer yes/no.
        self._modes = [Mode.FINISHED]
        self.index = len(self.plan) - 1
        self._alarms = []
        summary = SessionSummary(
            workout_id=self.workout.id,
            workout=self.workout.title,
            unit=self.workout.unit,
            sets=tuple(self._records),
            pain=tuple(self._pain),
            ending=ending,
        )
        self._say(script.STOPPED if ending.early else script.FINISHED, out)
        out.append(Show(self._view()))
        out.append(Finished(summary))

    def _record_unfinished(self, out: list[Effect]) -> None:
        """On an early end, the set in progress and every set not reached are recorded, so the
        history, the summary and the next session's loads know they were not done: a missed
        set is no set at the top of the range, and an exercise never reached keeps its load.

        The set in progress is recorded as it stood (`_record_cut_short`)."""
        if self.step.kind is StepKind.SET and not self._set_stopped:
            self._record_cut_short(out)
        for step in self.plan[self.index + 1 :]:
            if step.kind is StepKind.SET and not self._side_dropped(step):
                self._record_set(Outcome.SKIPPED, 0, out, step)

    # ----------------------------------------------------------------- moves
    # Each takes the command that `MOVES` chose it for and carries it out; none checks whether
    # it is legal now: the table did.

    def _repeat(self, _: CommandGiven, out: list[Effect]) -> None:
        out.append(Speak(self._instruction, Priority.INSTRUCTION, group=SESSION_GROUP))

    def _next(self, event: CommandGiven, out: list[Effect]) -> None:
        if self._changing_plates:  # the plates are changed: the set starts at its new load
            self._enter(event.now, out)
            return
        if self.step.kind is StepKind.SET:
            exercise = self.step.exercise
            assert exercise is not None
            if self._counts(exercise):
                # Ended before its last rep was counted (the set ends itself at its last rep).
                self._record_cut_short(out)
            else:
                self._record_set(Outcome.DONE, exercise.rep_target, out)
                self._advance(event.now, out)
                self._ask_reps(exercise.rep_target, event.now, out)
                return
        self._advance(event.now, out)

    def _ask_reps(self, target: int, now: float, out: list[Effect]) -> None:
        """Ask how many reps the set the person paced and just ended came to, after the next
        step's first words. The target is on record until an answer corrects it; the session
        goes on meanwhile. Not asked once the session has finished: nothing could answer."""
        if self.finished or self.step.kind is StepKind.SET:
            return  # over, or the next set began at once: no time to answer, the target stands
        text = script.reps_question(target, self._words)
        # The time to answer starts once the question has been said, after the words queued
        # ahead of it (the rest's intro): counted from the step change alone, it was mostly over
        # before the person had heard the question (tried live, a 20-second rest).
        ahead = sum(self._seconds(e.text) for e in out if isinstance(e, Speak) and e.at is None)
        out.append(Speak(text, Priority.INSTRUCTION, group=SESSION_GROUP))
        answered_by = now + ahead + self._seconds(text) + REPS_ANSWER_S
        self._reps_asked = (len(self._records) - 1, answered_by)
        out.append(Show(self._view()))  # the screen takes typed numbers while it is open

    def _give_reps(self, event: RepsGiven, out: list[Effect]) -> None:
        """An answer to "how many reps?": corrects the set's record while the question is open
        (a second answer corrects the first); otherwise there is nothing to answer."""
        if self._reps_asked is None or self.finished or event.count < 0:
            return
        index, until = self._reps_asked
        if event.now > until:
            self._reps_asked = None
            return
        outcome = Outcome.DONE if event.count > 0 else Outcome.SKIPPED
        record = replace(self._records[index], reps_done=event.count, outcome=outcome)
        self._records[index] = record
        out.append(CorrectSet(record))
        out.append(Speak(script.reps_noted(event.count), Priority.INSTRUCTION, group=SESSION_GROUP))
        out.append(Show(self._view()))

    # ----------------------------------------------------------------- load changes

    def _load_to_change(self) -> tuple[Exercise, float] | None:
        """The exercise whose load "lighter" or "heavier" changes now (the set's, or in a rest
        the next one's), and its load; None without a load to change."""
        if self.step.kind is StepKind.SET:
            exercise = self.step.exercise
        elif self.step.kind is StepKind.REST:
            exercise = self._after_rest().exercise
        else:
            return None
        load = self.current_load(exercise) if exercise is not None else None
        return (exercise, load) if exercise is not None and load is not None else None

    def _can_go_lighter(self) -> bool:
        change = self._load_to_change()
        return change is not None and change[1] - PLATE_STEP[self.workout.unit] > 0

    def _can_go_heavier(self) -> bool:
        return self._load_to_change() is not None

    def _lighter_now(self, event: CommandGiven, out: list[Effect]) -> None:
        self._change_load(-PLATE_STEP[self.workout.unit], out)

    def _heavier_now(self, event: CommandGiven, out: list[Effect]) -> None:
        self._change_load(PLATE_STEP[self.workout.unit], out)

    def _change_load(self, step: float, out: list[Effect]) -> None:
        """A plate step more or less, said with the new load. In a set, the counts stop and the
        set waits for "next" (the plates take as long as they take), then starts again; reps
        counted before the change are on record as a set ended early."""
        change = self._load_to_change()
        assert change is not None
        exercise, load = change
        in_set = self.step.kind is StepKind.SET
        if in_set:
            out.append(CancelSpeech(self._group))
            self._alarms = []
            if self._counted():
                self._record_cut_short(out)
            self._changing_plates = True
        self._load_override[exercise.id] = load + step
        text = script.load_changed(step > 0, load + step, self.workout.unit, in_set, self._words)
        out.append(Speak(text, Priority.INSTRUCTION, group=SESSION_GROUP))
        out.append(Show(self._view()))

    def _skip(self, event: CommandGiven, out: list[Effect]) -> None:
        step = self.step
        target = step.exercise
        if step.kind is StepKind.REST:
            target = self._after_rest().exercise  # what the rest named as next
        if target is None or step.kind in (StepKind.BRIEFING, StepKind.WARMUP):
            self._advance(event.now, out)
            return
        start = self.index if step.kind is not StepKind.REST else self.index + 1
        self._skip_exercise(target, start, event.now, out, by_person=True)

    def _form(self, event: CommandGiven, out: list[Effect]) -> None:
        self._record_set(Outcome.FORM, self._counted(), out)
        # Cancel the set's counts before speaking: a CancelSpeech of the step's group after
        # the words would drop them too. Said in the session group for the same reason.
        out.append(CancelSpeech(self._group))
        self._alarms = []
        out.append(Speak(script.FORM_ENDED, Priority.INSTRUCTION, group=SESSION_GROUP))
        self._advance(event.now, out, cut=False)  # cut above, before the words

    def _pause(self, event: CommandGiven, out: list[Effect]) -> None:
        self._freeze(event.now, out)
        self._modes = [Mode.PAUSED]
        self._say(self._words.paused, out, remember=False)
        out.append(Show(self._view()))

    def _resume(self, event: CommandGiven, out: list[Effect]) -> None:
        self._modes = [Mode.RUNNING]
        if self._set_stopped:  # halted, and recorded as it stood: the set starts again
            self._enter(event.now, out)
            return
        self._thaw(event.now, out)
        self._say(script.RESUMED, out, remember=False)
        out.append(Show(self._view()))

    def _ask_stop(self, event: CommandGiven, out: list[Effect]) -> None:
        self._ask(Mode.ASKING_STOP, event.now, out)

    def _stop(self, event: CommandGiven, out: list[Effect]) -> None:
        self._finish(Ending.STOPPED, event.now, out)

    def _carry_on(self, event: CommandGiven, out: list[Effect]) -> None:
        """No to the stop question: back to what it interrupted."""
        self._modes.pop()
        if self.mode.asking:  # a pain question: asked again
            self._pose(out)
            return
        if self.mode is Mode.RUNNING:
            self._thaw(event.now, out)
        # A stop asked while paused returns to the pause, not to the workout.
        self._say(self._words.paused if self.paused else script.RESUMED, out, remember=False)
        out.append(Show(self._view()))

    # ----------------------------------------------------------------- questions

    def _ask(self, question: Mode, now: float, out: list[Effect]) -> None:
        """Ask `question` over what is going on, freezing a running session."""
        if self.mode is Mode.RUNNING:
            self._freeze(now, out)
        self._modes.append(question)
        self._pose(out)

    def _pose(self, out: list[Effect]) -> None:
        """Say the open question and show it."""
        question = self.mode
        if question is Mode.ASKING_STOP:
            text = self._words.stop_question
        elif question is Mode.ASKING_HURT:
            text = self._words.hurt_question
        elif question is Mode.ASKING_RED_FLAGS:
            in_set = self.step.kind is StepKind.SET
            text = script.pain_question(self.workout, in_set, self._words)
        elif question is Mode.ASKING_CLEARANCE:
            assert self._clearance is not None
            text = self._clearance.text(self._words)
        else:
            text = self._choices().text(self.workout.unit, self._words)
        priority = Priority.INSTRUCTION if question is Mode.OFFERING_OPTIONS else Priority.SAFETY
        self._asked = text
        self._say(text, out, priority, remember=False)
        out.append(Show(self._view()))

    # ----------------------------------------------------------------- pain

    def _ask_instead(self, question: Mode, now: float, out: list[Effect]) -> None:
        """Ask `question` in place of an open stop or hurt question (it answers them; time is
        frozen already), or else over what is going on."""
        if not self.mode.asking:
            self._ask(question, now, out)
            return
        while self.mode in (Mode.ASKING_STOP, Mode.ASKING_HURT):
            self._modes.pop()
        self._modes.append(question)
        self._pose(out)

    def _report_pain(self, event: CommandGiven, out: list[Effect]) -> None:
        self._take_pain_report(event.heard, event.now, out)

    def _hurt(self, event: CommandGiven, out: list[Effect]) -> None:
        """Yes, hurt, after an emergency word: a pain report, in the words that halted."""
        self._take_pain_report(self._halted_by, event.now, out)

    def _take_pain_report(self, heard: str, now: float, out: list[Effect]) -> None:
        step = self.step
        self._pain_exercise = exercise = pain.exercise_of(step)
        out.append(CancelSpeech(None))
        report = pain.report(len(self._pain) + 1, step, heard)
        self._pain.append(report)
        out.append(RecordPain(report))  # stored before anything else is said
        if step.kind is StepKind.SET and not self._set_stopped:  # a halt recorded it already
            self._record_set(Outcome.PAIN, self._counted(), out)
            self._set_stopped = True
        if exercise is not None:
            self._pain_count[exercise.id] = self._pain_count.get(exercise.id, 0) + 1
        self._ask_instead(Mode.ASKING_RED_FLAGS, now, out)

    # ----------------------------------------------------------------- emergency words

    def _halt(self, event: CommandGiven, out: list[Effect]) -> None:
        """An emergency word: speech cut, counts and timers frozen, the set in progress recorded
        as it stood, then "are you hurt?". Over the pain questions, which it would lead to, it
        cuts speech and asks the open one again."""
        out.append(CancelSpeech(None))
        if any(
            m in (Mode.ASKING_HURT, Mode.ASKING_RED_FLAGS, Mode.OFFERING_OPTIONS)
            for m in self._modes
        ):
            if self.mode is Mode.ASKING_STOP:
                self._modes.pop()
            self._pose(out)
            return
        self._halted_by = event.heard
        if self.mode is Mode.RUNNING:
            self._freeze(event.now, out)
        if self.step.kind is StepKind.SET and not self._set_stopped:
            self._record_cut_short(out)
            self._set_stopped = True
        if self.mode is Mode.ASKING_STOP:  # the hurt question takes its place
            self._modes.pop()
        self._modes.append(Mode.ASKING_HURT)
        self._pose(out)

    def _not_hurt(self, _: CommandGiven, out: list[Effect]) -> None:
        """Not hurt: the session stays halted, as a pause, until resume (which starts a halted
        set again) or the stop question."""
        self._modes = [Mode.PAUSED]
        self._say(self._words.not_hurt, out, remember=False)
        out.append(Show(self._view()))

    def _red_flags(self, event: CommandGiven, out: list[Effect]) -> None:
        self._update_pain(red_flags=True, action=PainAction.END_SESSION, out=out)
        self._say(script.PAIN_RED_FLAGS, out, Priority.SAFETY)
        self._finish(Ending.PAIN_RED_FLAGS, event.now, out)

    def _no_red_flags(self, event: CommandGiven, out: list[Effect]) -> None:
        exercise = self._pain_exercise
        ahead = exercise is not None and self._sets_ahead(exercise)
        count = self._pain_count.get(exercise.id, 0) if exercise is not None else 0
        action = pain.settles_by_itself(exercise, ahead, count)
        if action is None:
            self._update_pain(red_flags=False, out=out)
            self._modes[-1] = Mode.OFFERING_OPTIONS  # time stays frozen: the question changes
            self._pose(out)
            return
        self._modes.pop()
        self._update_pain(red_flags=False, action=action, out=out)
        if action is PainAction.END_EXERCISE:
            assert exercise is not None
            self._say(script.PAIN_SECOND, out)
            self._end_exercise(exercise, event.now, out)
        else:
            self._say(script.PAIN_CALM, out, remember=False)
            self._resume_after_pain(event.now, out)

    # ----------------------------------------------------------------- cleared after warning signs

    def _cleared(self, event: CommandGiven, out: list[Effect]) -> None:
        """Yes: the answer is stored, and the session begins at the loads planned for it (the
        pain on record holds them)."""
        assert self._clearance is not None
        out.extend(RecordClearance(answer) for answer in self._clearance.answers(cleared=True))
        self._modes = [Mode.RUNNING]
        self._say(script.CLEARED, out, remember=False)
        self._enter(event.now, out)

    def _not_cleared(self, event: CommandGiven, out: list[Effect]) -> None:
        """No: the answer is stored, and the session ends before it began."""
        assert self._clearance is not None
        out.extend(RecordClearance(answer) for answer in self._clearance.answers(cleared=False))
        self._say(script.NOT_CLEARED, out, Priority.SAFETY)
        self._finish(Ending.NOT_CLEARED, event.now, out)

    def _not_begun(self, event: CommandGiven, out: list[Effect]) -> None:
        """Stop, or an emergency word, before the clearance was answered: the session ends as it
        stood, before it began, and nothing is stored (the question comes again next time)."""
        self._finish(Ending.STOPPED, event.now, out)

    def _lighter(self, event: CommandGiven, out: list[Effect]) -> None:
        exercise = self._pain_exercise
        lighter = self._choices().lighter
        assert exercise is not None and lighter is not None
        self._load_override[exercise.id] = lighter
        self._update_pain(action=PainAction.REDUCE, new_load=lighter, out=out)
        self._modes.pop()
        self._resume_after_pain(event.now, out)

    def _easier(self, event: CommandGiven, out: list[Effect]) -> None:
        exercise = self._pain_exercise
        regression = self._choices().regression
        assert exercise is not None and regression is not None
        self._regressed[exercise.id] = regression
        self._update_pain(action=PainAction.REGRESS, out=out)
        self._modes.pop()
        self._resume_after_pain(event.now, out)

    def _skip_after_pain(self, event: CommandGiven, out: list[Effect]) -> None:
        exercise = self._pain_exercise
        assert exercise is not None
        self._update_pain(action=PainAction.SKIP, out=out)
        self._end_exercise(exercise, event.now, out)

    def _update_pain(self, out: list[Effect], **changes: object) -> None:
        report = replace(self._pain[-1], **changes)  # type: ignore[arg-type]
        self._pain[-1] = report
        out.append(RecordPain(report))

    def _choices(self) -> pain.Choices:
        """What the person may choose after the report being handled (one with an exercise)."""
        exercise = self._pain_exercise
        assert exercise is not None
        return pain.choices(
            exercise,
            self.current_load(exercise),
            self.workout.unit,
            regressed=exercise.id in self._regressed,
        )

    def _sets_ahead(self, exercise: Exercise) -> bool:
        """Whether a set of `exercise` is still to come (a set stopped by pain counts: it is
        started again)."""
        if exercise.id in self._ended:
            return False
        return any(
            s.kind is StepKind.SET and s.exercise is not None and s.exercise.id == exercise.id
            for s in self.plan[self.index :]
        )

    def _end_exercise(self, exercise: Exercise, now: float, out: list[Effect]) -> None:
        """Pain ends the exercise for the rest of the session (later rounds included), and the
        session goes on, out of any pause."""
        self._ended.add(exercise.id)
        self._modes = [Mode.RUNNING]
        # The frozen step's timed speech was cancelled when it froze. Its alarms must not make
        # `_skip_exercise` cancel the step's speech again: that would drop the words just said
        # about why the exercise ends.
        self._alarms = []
        start = self.index + 1 if self._set_stopped else self.index
        if self.step.kind is StepKind.REST:
            start = self.index + 1
        self._skip_exercise(exercise, start, now, out)

    def _resume_after_pain(self, now: float, out: list[Effect]) -> None:
        """A stopped set starts again (lighter or easier), out of any pause; anything else
        returns to what the report interrupted, running or paused."""
        if self._set_stopped:
            self._modes = [Mode.RUNNING]
            self._enter(now, out)
            return
        if self.mode is Mode.RUNNING:
            self._thaw(now, out)
        out.append(Show(self._view()))

    # ----------------------------------------------------------------- conditions of moves

    def _has_instruction(self) -> bool:
        """Something to say again, that can be said whole: not while the companion counts a
        set, where the next count (a second away) would cut it off (the board shows the set,
        the rep and the phase meanwhile)."""
        counting = self.mode is Mode.RUNNING and any(
            isinstance(a, SpeakAlarm) for a in self._alarms
        )
        return bool(self._instruction) and not (counting and self.step.kind is StepKind.SET)

    def _in_set(self) -> bool:
        return self.step.kind is StepKind.SET

    def _no_pain_question_open(self) -> bool:
        """A pain report during the stop question is heard, unless one is handled already."""
        return not any(m in (Mode.ASKING_RED_FLAGS, Mode.OFFERING_OPTIONS) for m in self._modes)

    def _lighter_offered(self) -> bool:
        return self._choices().lighter is not None

    def _easier_offered(self) -> bool:
        return self._choices().regression is not None

    # ----------------------------------------------------------------- view

    def _view(self) -> StepView:
        step = self.step
        exercise = step.exercise
        kind = StepKind.QUESTION if self.mode.asking else step.kind
        if self.finished:
            kind = StepKind.SUMMARY
        allowed = self.allowed
        options = tuple(c.value for c in ANSWERS if c in allowed) if self.mode.asking else ()
        tempo = ""
        if exercise is not None and self._counts(exercise) and step.kind is StepKind.SET:
            t = exercise.tempo
            phases = (
                (t.eccentric, "down"),
                (t.pause, "hold"),
                (t.concentric, "up"),
                (t.top, "top"),
            )
            tempo = " · ".join(f"{seconds}s {name}" for seconds, name in phases if seconds)
        return StepView(
            kind=kind,
            workout=self.workout.title,
            instruction=self._instruction,
            exercise=self._as_done(exercise).name if exercise is not None else "",
            set_number=step.set_number,
            set_count=step.set_count,
            side=self._side(step),
            round_number=step.round_number,
            round_count=step.round_count,
            reps=exercise.reps if exercise is not None and step.kind is StepKind.SET else None,
            load=self.current_load(exercise) if exercise is not None else None,
            unit=self.workout.unit,
            tempo=tempo,
            detail=self._detail(step),
            options=options,
            allowed=allowed,
            paused=self.paused,
            step_index=self.index,
            step_count=len(self.plan),
            reps_question=self._reps_question(),
        )

    def _detail(self, step: Step) -> str:
        if self.mode is Mode.ASKING_CLEARANCE:
            return ""  # asked before the briefing: its notes are not yet due
        return step.detail if step.kind is not StepKind.REST else self._rest_next_label()

    def _reps_question(self) -> RepsQuestion | None:
        """What "how many reps?" asks about, while it may be open (the view carries its end, as
        no event closes it)."""
        if self._reps_asked is None or self.finished:
            return None
        index, until = self._reps_asked
        return RepsQuestion(self._records[index].reps_done or 0, until)


# ----------------------------------------------------------------- the legal moves


def _always(_: Session) -> bool:
    return True


@dataclass(frozen=True)
class Move:
    """What a command does in a mode (`make`), when `when` holds: the few moves that depend on
    more than the mode (form only in a set; lighter and easier only when on offer)."""

    make: Callable[[Session, CommandGiven, list[Effect]], None]
    when: Callable[[Session], bool] = _always


_REPEAT = Move(Session._repeat, when=Session._has_instruction)
_PAIN = Move(Session._report_pain)
_ASK_STOP = Move(Session._ask_stop)
_HALT = Move(Session._halt)

MOVES: dict[Mode, dict[Command, Move]] = {
    Mode.WAITING: {},
    Mode.RUNNING: {
        Command.NEXT: Move(Session._next),
        Command.SKIP: Move(Session._skip),
        Command.FORM: Move(Session._form, when=Session._in_set),
        Command.LIGHTER: Move(Session._lighter_now, when=Session._can_go_lighter),
        Command.HEAVIER: Move(Session._heavier_now, when=Session._can_go_heavier),
        Command.PAUSE: Move(Session._pause),
        Command.REPEAT: _REPEAT,
        Command.PAIN: _PAIN,
        Command.STOP: _ASK_STOP,
        Command.HALT: _HALT,
    },
    Mode.PAUSED: {
        Command.RESUME: Move(Session._resume),
        Command.REPEAT: _REPEAT,
        Command.PAIN: _PAIN,
        Command.STOP: _ASK_STOP,
        Command.HALT: _HALT,
    },
    Mode.ASKING_STOP: {
        Command.YES: Move(Session._stop),
        Command.NO: Move(Session._carry_on),
        Command.REPEAT: _REPEAT,
        Command.PAIN: Move(Session._report_pain, when=Session._no_pain_question_open),
        Command.HALT: _HALT,
    },
    Mode.ASKING_HURT: {
        Command.YES: Move(Session._hurt),
        Command.NO: Move(Session._not_hurt),
        Command.PAIN: _PAIN,  # "ouch": hurt, said another way
        Command.REPEAT: _REPEAT,
        Command.STOP: _ASK_STOP,
        Command.HALT: _HALT,
    },
    Mode.ASKING_RED_FLAGS: {
        Command.YES: Move(Session._red_flags),
        Command.NO: Move(Session._no_red_flags),
        Command.REPEAT: _REPEAT,
        Command.STOP: _ASK_STOP,
        Command.HALT: _HALT,
    },
    Mode.OFFERING_OPTIONS: {
        Command.LIGHTER: Move(Session._lighter, when=Session._lighter_offered),
        Command.EASIER: Move(Session._easier, when=Session._easier_offered),
        Command.SKIP: Move(Session._skip_after_pain),
        Command.REPEAT: _REPEAT,
        Command.STOP: _ASK_STOP,
        Command.HALT: _HALT,
    },
    # Nothing has begun: "no" ends for today, and so does pain (stored as not cleared); a stop
    # or an emergency word ends it with no answer stored.
    Mode.ASKING_CLEARANCE: {
        Command.YES: Move(Session._cleared),
        Command.NO: Move(Session._not_cleared),
        Command.PAIN: Move(Session._not_cleared),
        Command.STOP: Move(Session._not_begun),
        Command.HALT: Move(Session._not_begun),
        Command.REPEAT: _REPEAT,
    },
    Mode.FINISHED: {},
}
"""What each command does in each mode; a command missing from its mode's row is ignored."""
