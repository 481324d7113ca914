"""Whether a session first asks if a professional has cleared the person to train.

Pain with warning signs ends a session and says to have it looked at by a physical therapist or a
doctor. The next session of any workout that trains the same area (`Pattern.area`) starts by
asking whether one has cleared the person, and asks again each time until the answer is yes: it
never starts silently, at a lower load or any other. A yes clears the warning signs asked about
and any before them in that area; signs reported later are asked about afresh.

Pure rules over past records: the composition root (`companion.app.wiring`) reads the warning
signs and the answers from history, with the time now, and gives the session
(`companion.domain.session`) the question this returns; the session asks it and records the
answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from companion.domain import script
from companion.domain.effects import Clearance
from companion.domain.progression import DAY_S
from companion.domain.workout import Area, Pattern, Workout


@dataclass(frozen=True)
class RedFlagOnRecord:
    """A pain report with warning signs that history holds."""

    exercise: str  # the exercise's name; "" for a report before the first exercise
    reported_at: float  # wall-clock POSIX seconds: the core reads no clock
    # The patterns of the exercise, or of every exercise of its session when it names none;
    # empty when history cannot tell (sets stored without their pattern).
    patterns: frozenset[Pattern]

    @property
    def areas(self) -> frozenset[Area]:
        # Where history cannot tell, the signs count for every area: a question asked once too
        # often costs a word; a session started silently after warning signs is what must not be.
        return frozenset(p.area for p in self.patterns) if self.patterns else frozenset(Area)


@dataclass(frozen=True)
class ClearanceQuestion:
    """What the session asks before its first step, about the latest warning signs not cleared."""

    exercise: str  # where those signs came, as `RedFlagOnRecord.exercise`
    days_ago: int  # whole days since they were reported
    red_flag_at: float  # when, as `RedFlagOnRecord.reported_at`
    areas: tuple[Area, ...]  # the areas this workout trains that have signs not cleared

    def text(self, words: script.Wording = script.VOICE) -> str:
        return script.clearance_question(self.exercise, self.days_ago, words)

    def answers(self, cleared: bool) -> tuple[Clearance, ...]:
        """The answer as stored: one per area asked about."""
        return tuple(Clearance(area, self.red_flag_at, cleared) for area in self.areas)


def areas_of(workout: Workout) -> frozenset[Area]:
    return frozenset(e.pattern.area for e in workout.exercises)


def question(
    workout: Workout,
    red_flags: Iterable[RedFlagOnRecord],
    answers: Iterable[Clearance],
    now: float,
) -> ClearanceQuestion | None:
    """The question to ask before a session of `workout`: about the latest warning signs in an
    area it trains that no yes has cleared; None when there are none. `now`: POSIX seconds."""
    trained = areas_of(workout)
    cleared_up_to: dict[Area, float] = {}  # area → the latest warning signs a yes cleared
    for answer in answers:
        if answer.cleared:
            cleared_up_to[answer.area] = max(
                cleared_up_to.get(answer.area, answer.red_flag_at), answer.red_flag_at
            )
    open_areas: set[Area] = set()
    latest: RedFlagOnRecord | None = None
    for report in red_flags:
        here = {
            area
            for area in report.areas & trained
            if report.reported_at > cleared_up_to.get(area, float("-inf"))
        }
        if not here:
            continue
        open_areas |= here
        if latest is None or report.reported_at > latest.reported_at:
            latest = report
    if latest is None:
        return None
    return ClearanceQuestion(
        exercise=latest.exercise,
        days_ago=max(0, int((now - latest.reported_at) // DAY_S)),
        red_flag_at=latest.reported_at,
        areas=tuple(sorted(open_areas, key=lambda a: a.value)),
    )
