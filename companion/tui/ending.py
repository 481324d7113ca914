"""How a session ended, in words: the summary screen's line, the picker's last session and
`companion history` all say it the same way.

A session that ran to its end after pain had ended an exercise did not simply "finish": the
words say what pain ended. This module imports no Textual, so `companion history` stays quick.
"""

from __future__ import annotations

from companion.domain.effects import Ending, PainAction, SessionSummary

DID_NOT_FINISH = "did not finish"  # the app was closed, or crashed, before the end

# What pain did to an exercise that leaves none of it to do.
_ENDED_BY_PAIN = (PainAction.END_EXERCISE, PainAction.SKIP)


def ending_words(summary: SessionSummary) -> str:
    """ "finished", "pain ended Hip thrust", "ended early: stopped before the end", …"""
    if summary.ending.early:
        return f"ended early: {summary.ending.value}"
    ended = list(dict.fromkeys(p.exercise for p in summary.pain if p.action in _ENDED_BY_PAIN))
    if ended:
        done_after = {s.exercise for s in summary.sets if s.outcome.counts_as_done} - set(ended)
        rest = "; the rest ran to the end" if done_after else ""
        return f"pain ended {', '.join(ended)}{rest}"
    if summary.pain:
        count = len(summary.pain)
        return f"finished after {'a pain report' if count == 1 else f'{count} pain reports'}"
    return "finished"


def plainly_finished(summary: SessionSummary) -> bool:
    """Ran to its end with no pain report: nothing to warn about."""
    return summary.ending is Ending.FINISHED and not summary.pain
