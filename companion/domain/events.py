"""What can happen to a session: the inputs of the state machine.

Every event carries `now`, seconds on a monotonic clock that the caller owns, so the core never
reads a clock itself and tests can replay any timeline exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Command(Enum):
    """What the person can say (or press). Names match the vocabulary files."""

    NEXT = "next"
    REPEAT = "repeat"
    PAUSE = "pause"
    RESUME = "resume"
    SKIP = "skip"
    STOP = "stop"
    PAIN = "pain"
    FORM = "form"  # "losing position": ends the set as technique-limited
    YES = "yes"
    NO = "no"
    LIGHTER = "lighter"  # a plate step lighter; after pain: carry on with a reduced load
    HEAVIER = "heavier"  # a plate step heavier
    EASIER = "easier"  # pain follow-up: swap in the regression
    HALT = "halt"  # an emergency word ("stop", "help"): everything halts, then "are you hurt?"


@dataclass(frozen=True)
class Start:
    now: float


@dataclass(frozen=True)
class Tick:
    now: float


@dataclass(frozen=True)
class CommandGiven:
    command: Command
    now: float
    heard: str = ""  # the words, when it came by voice


@dataclass(frozen=True)
class RepsGiven:
    """How many reps the person did in the set they pace and just ended, said or typed."""

    count: int
    now: float


@dataclass(frozen=True)
class VoiceOff:
    """Voice commands are off for good (no microphone, or no speech model), found after the
    session began: from now on it asks for keys."""

    now: float


SessionEvent = Start | Tick | CommandGiven | RepsGiven | VoiceOff
