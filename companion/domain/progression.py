"""Load from one session to the next (first article: small steps, only with good form).

Pure rules over past set records; the storage adapter reads history and the CLI passes the result
to the session as each exercise's starting load.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from companion.domain.workout import Unit

# The smallest step that can be loaded: a pair of 1.25 kg plates, or 2.5 lb plates on each side.
PLATE_STEP = {Unit.LB: 5.0, Unit.KG: 2.5}
PAIN_REDUCTION = 0.10  # after pain, carry on about 10% lighter


@dataclass(frozen=True)
class LoadPlan:
    """The load an exercise starts at today, and the words that explain it."""

    load: float | None
    note: str = ""


def reduce_load(load: float, unit: Unit) -> float:
    """About 10% lighter, rounded down to a loadable step, and at least one step lighter."""
    step = PLATE_STEP[unit]
    reduced = math.floor(load * (1 - PAIN_REDUCTION) / step) * step
    return max(0.0, min(reduced, load - step))
