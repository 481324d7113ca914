"""The answer to "how many reps?" as it is typed on the session screen: digits, checked as they
come and shown on the question's line until Enter gives them.

Used by `session_screen`, whose digit, Enter and Backspace keys work only while the session's
view holds an open `RepsQuestion`. Enter gives the number, not a pause after the last digit: up to
the workout schema's rep limit (100) every number but 100 itself may take another digit ("1" may
become "12"), so a pause that ended the typing would either be as slow as reaching for Enter or
cut a slowly typed "1… 2" into 1.
"""

from __future__ import annotations

from companion.domain.effects import RepsQuestion
from companion.library.schema import MAX_REPS


class TypedReps:
    """The digits typed so far: always a number from 1 to `MAX_REPS`, or nothing."""

    def __init__(self) -> None:
        self.digits = ""

    def type(self, digit: str) -> bool:
        """Adds `digit` unless the number would then be one nobody means (0, a leading 0, or
        more than `MAX_REPS`); whether it was added."""
        typed = self.digits + digit
        if not typed.isdigit() or typed.startswith("0") or int(typed) > MAX_REPS:
            return False
        self.digits = typed
        return True

    def erase(self) -> None:
        self.digits = self.digits[:-1]

    def take(self) -> int | None:
        """The number typed, which is then cleared; None when nothing is typed."""
        number = int(self.digits) if self.digits else None
        self.digits = ""
        return number

    def line(self, question: RepsQuestion, listening: bool) -> str:
        """The question's line: what is typed and which keys finish it, or how to answer."""
        if self.digits:
            return f"reps: {self.digits}_ · Enter records it · Backspace corrects"
        say = ", or say it" if listening else ""
        return f"reps: type the number, then Enter{say} · no answer keeps {question.reps}"


def kept(question: RepsQuestion) -> str:
    """For the log when the time to answer is over: what stands."""
    return f"No answer: {question.reps} reps kept."
