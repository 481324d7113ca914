"""A workout laid out as the sequence of steps a session walks through.

Briefing (equipment, safety) → warm-up → per exercise: setup checks, then working sets (per side
where needed) with rests between → summary. A circuit repeats its stations for each round, with a
short rest between stations and a longer one between rounds. Pure: the session engine calls
`build_plan` once and indexes into the result.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from companion.domain import script
from companion.domain.effects import StepKind
from companion.domain.workout import Exercise, Format, WarmupItem, Workout

SIDE_SWITCH_SECONDS = 10  # long enough to reposition, short enough to keep the first side warm


@dataclass(frozen=True)
class Step:
    kind: StepKind
    text: str  # what is said when the step starts
    exercise: Exercise | None = None
    detail: str = ""
    set_number: int = 0
    set_count: int = 0
    side: str = ""
    round_number: int = 0
    round_count: int = 0
    seconds: int = 0  # a rest's length, or a timed warm-up's
    warmup: WarmupItem | None = None
    next_label: str = ""  # rest: what comes after it
    side_switch: bool = False  # a rest between the sides of one set


def _exercise_intro(exercise: Exercise, round_number: int, round_count: int) -> list[Step]:
    steps = [
        Step(
            StepKind.SETUP,
            f"{script.setup_intro(exercise)} {check.text}",
            exercise=exercise,
            detail=check.fix,
            round_number=round_number,
            round_count=round_count,
        )
        for check in exercise.setup
    ]
    technique = script.technique(exercise)
    if technique:
        steps.append(
            Step(
                StepKind.SETUP,
                technique,
                exercise=exercise,
                detail=exercise.tempo.note,  # where the tempo's seconds come from
                round_number=round_number,
                round_count=round_count,
            )
        )
    return steps


def _sets(exercise: Exercise, sets: int, round_number: int, round_count: int) -> list[Step]:
    """Working sets of one exercise, with side switches between sides and rests between sets."""
    steps: list[Step] = []
    sides = exercise.trained_sides
    for number in range(1, sets + 1):
        for i, side in enumerate(sides):
            if i > 0:
                steps.append(
                    Step(
                        StepKind.REST,
                        script.switch_sides(side, exercise.switch_sides),
                        exercise=exercise,
                        seconds=SIDE_SWITCH_SECONDS,
                        next_label=f"{exercise.name}, {side} side",
                        round_number=round_number,
                        round_count=round_count,
                        side_switch=True,
                    )
                )
            steps.append(
                Step(
                    StepKind.SET,
                    "",
                    exercise=exercise,
                    detail=script.end_set(exercise),
                    set_number=number,
                    set_count=sets,
                    side=side,
                    round_number=round_number,
                    round_count=round_count,
                )
            )
        if number < sets and exercise.rest_seconds > 0:  # 0: straight on, no "rest zero seconds"
            steps.append(_rest(exercise.rest_seconds, exercise, round_number, round_count))
    return steps


def _rest(seconds: int, before: Exercise | None, round_number: int, round_count: int) -> Step:
    return Step(
        StepKind.REST,
        "",
        exercise=before,
        seconds=seconds,
        round_number=round_number,
        round_count=round_count,
    )


def label(step: Step, after: Exercise | None) -> str:
    """How a rest after exercise `after` names the step that follows it. A new exercise comes
    with its equipment, so the rest is when to fetch it."""
    exercise = step.exercise
    if exercise is None:
        return "the summary"
    text = exercise.name
    if step.kind is StepKind.SET and step.set_count > 1:
        text += f", set {step.set_number} of {step.set_count}"
    if step.side:
        text += f", {step.side} side"
    if exercise is not after and exercise.equipment:
        text += f", with the {' and the '.join(exercise.equipment)}"
    return text


def build_plan(workout: Workout, words: script.Wording = script.VOICE) -> tuple[Step, ...]:
    """`words`: how the briefing asks for commands (by voice, or by key with voice off)."""
    # On the briefing screen: the safety rules, and which numbers are our choice, not the source's.
    detail = f"{script.safety_rules(workout)} {workout.defaults_note}".strip()
    steps: list[Step] = [Step(StepKind.BRIEFING, script.briefing(workout, words), detail=detail)]
    steps.extend(
        Step(
            StepKind.WARMUP,
            script.warmup_intro(item, None, workout.unit),  # the session adds today's load
            detail=_warmup_dose(item),
            seconds=item.seconds or 0,
            warmup=item,
        )
        for item in workout.warmup
    )
    if workout.format is Format.CIRCUIT:
        rounds = workout.rounds
        for r in range(1, rounds + 1):
            for i, exercise in enumerate(workout.exercises):
                if r == 1:
                    steps.extend(_exercise_intro(exercise, r, rounds))
                steps.extend(_sets(exercise, exercise.sets, r, rounds))
                last_station = i == len(workout.exercises) - 1
                seconds = (
                    workout.rest_between_rounds if last_station else workout.rest_between_exercises
                )
                if not (last_station and r == rounds) and seconds > 0:
                    steps.append(_rest(seconds, exercise, r, rounds))
    else:
        for i, exercise in enumerate(workout.exercises):
            steps.extend(_exercise_intro(exercise, 0, 0))
            steps.extend(_sets(exercise, exercise.sets, 0, 0))
            if i < len(workout.exercises) - 1 and exercise.rest_seconds > 0:
                steps.append(_rest(exercise.rest_seconds, exercise, 0, 0))
    steps.append(Step(StepKind.SUMMARY, script.FINISHED))
    return tuple(_label_rests(steps))


def _label_rests(steps: list[Step]) -> list[Step]:
    """Give each rest the name of what follows it, so the countdown says what is next."""
    labelled: list[Step] = []
    for i, step in enumerate(steps):
        if step.kind is StepKind.REST and not step.next_label:
            following = next(s for s in steps[i + 1 :] if s.kind is not StepKind.REST)
            labelled.append(replace(step, next_label=label(following, step.exercise)))
        else:
            labelled.append(step)
    return labelled


def _warmup_dose(item: WarmupItem) -> str:
    if item.reps:
        return f"{item.reps} reps"
    if item.seconds:
        return f"{item.seconds} seconds"
    return ""
