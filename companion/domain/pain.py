"""The pain protocol's rules: whom a report is about, what it settles on by itself, and what the
person may choose instead.

A pain report stops the set and asks about warning signs. With warning signs the session ends;
without them a report settles by itself when nothing of the exercise is left to change, or when
it is the exercise's second; otherwise the person chooses: a lighter load, the regression, or to
skip the exercise.

Pure functions of their arguments: the session state machine (`companion.domain.session`) keeps
the reports and what they changed, and asks here what they mean.
"""

from __future__ import annotations

from dataclasses import dataclass

from companion.domain import script
from companion.domain.effects import PainAction, PainReport, StepKind
from companion.domain.plan import Step
from companion.domain.progression import reduce_load
from companion.domain.workout import Exercise, Regression, Unit

REPORTS_THAT_END_AN_EXERCISE = 2


def exercise_of(step: Step) -> Exercise | None:
    """The exercise a report made at `step` is about: the set's, the setup's, or in a rest the
    one just done; none at the briefing or in the warm-up."""
    if step.kind in (StepKind.SET, StepKind.SETUP, StepKind.REST):
        return step.exercise
    return None


def report(number: int, step: Step, heard: str) -> PainReport:
    """A new report, not answered yet."""
    exercise = exercise_of(step)
    return PainReport(
        number=number,
        exercise_id=exercise.id if exercise else "",
        exercise=exercise.name if exercise else "",
        set_number=step.set_number,
        side=step.side,
        heard=heard,
    )


def settles_by_itself(
    exercise: Exercise | None, sets_ahead: bool, reports_in_exercise: int
) -> PainAction | None:
    """What a report without warning signs comes to without asking; None when the person is
    offered the choices."""
    if exercise is None or not sets_ahead:
        # Nothing of this exercise is left to change (pain in the warm-up, or in the rest after
        # its last set): offering a lighter load or a swap would mean nothing.
        return PainAction.CONTINUE
    if reports_in_exercise >= REPORTS_THAT_END_AN_EXERCISE:
        return PainAction.END_EXERCISE
    return None


@dataclass(frozen=True)
class Choices:
    """What the person may choose after a report without warning signs."""

    lighter: float | None  # the reduced load, when the exercise has a load to reduce
    regression: Regression | None  # when it has one not already swapped in

    def text(self, unit: Unit, words: script.Wording = script.VOICE) -> str:
        shown = script.say_load(self.lighter, unit) if self.lighter is not None else None
        regression = self.regression.name if self.regression else None
        return script.pain_options(shown, regression, words)


def choices(exercise: Exercise, load: float | None, unit: Unit, regressed: bool) -> Choices:
    """The choices for `exercise`, now at `load` (None: bodyweight or regressed)."""
    lighter = reduce_load(load, unit) if load else None
    return Choices(lighter, None if regressed else exercise.regression)
