"""Whether the Moonshine engine believes an utterance was its best-scoring command phrase.

The best-ranked command phrase is nearly always the right one when a command was said (see
`moonshine_engine.PRIOR_WEIGHT`); the hard part is telling when no command was said at all, or
when the audio was too damaged to trust. Six measurements of the utterance weigh in, and a
logistic model combines them: accept when `BIAS + sum(WEIGHTS[f] * evidence.f) > 0`.

The weights were fitted by `benchmarks/fit_judge.py` on the benchmark's training split only
(espeak-ng voices with white, pink and chatter noise, clean, 10 and 5 dB SNR): positives are
utterances whose best phrase was the command said, negatives are chatter, counts, cues and
commands whose best phrase was wrong. The bias is set so that false accepts on that split, pooled
over its conditions, stay at or below 1 %. Held-out voices, other synthesizers and other noises then
show how far it carries (README, "For developers": the measured figures).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import astuple, dataclass, fields

LETTERS = re.compile(r"[^\w' ]+")


@dataclass(frozen=True)
class Evidence:
    """Natural-log measurements of one utterance against its best command phrase."""

    log_prob: float  # log P(phrase, then the end of the transcript | audio)
    lift: float  # log_prob - PRIOR_WEIGHT * log P(phrase | silence): what the audio added
    margin: float  # log P(the free transcript) - log_prob: how much likelier something else is
    separation: float  # lift - the best lift of any other command's phrase
    similarity: float  # 0-1: how alike the free transcript and the phrase are spelled
    seconds: float  # audio judged, the padding included

    def as_row(self) -> tuple[float, ...]:
        return astuple(self)


FEATURES = tuple(f.name for f in fields(Evidence))
# Which way a measurement should move the verdict, all else equal: +1 towards accepting, -1
# away. `benchmarks/fit_judge.py` holds the fitted weights to these signs.
LEANS: dict[str, int] = {
    "lift": 1,
    "separation": 1,
    "similarity": 1,
    "margin": -1,
}

# From `python benchmarks/fit_judge.py` (see the module docstring), refitted when a fragment heard
# early came to be judged again on closing (`moonshine_engine.MoonshineRecognizer._close`). On its
# split they give 98.1 % right clean, 81.4 % at 10 dB and 64.7 % at 5 dB SNR, with 0, 1.7 and
# 0.8 % false accepts. A seventh measurement, log_prob per token of the phrase, was dropped then:
# held to its lean (LEANS) it got no weight, and fitted freely it got the wrong sign, since lift
# and log_prob already say how probable the phrase is.
BIAS = -1.9089
WEIGHTS: dict[str, float] = {
    "log_prob": -0.0106,  # with lift, which holds it too: 0.27 towards accepting
    "lift": 0.2817,
    "margin": -0.0779,
    "separation": 0.285,
    "similarity": 0.3314,
    # Utterances last at most MAX_UTTERANCE_S (longer ones are not judged), so this term stays
    # bounded.
    "seconds": -0.0376,
}


def similarity(transcript: str, phrase: str) -> float:
    """Spelling similarity of a free transcript ("Next year.") and a phrase ("next set")."""
    words = LETTERS.sub(" ", transcript.lower()).split()
    return difflib.SequenceMatcher(None, " ".join(words), phrase.lower()).ratio()


def convinced(evidence: Evidence) -> bool:
    row = zip(FEATURES, evidence.as_row(), strict=True)
    return BIAS + sum(WEIGHTS[name] * value for name, value in row) > 0
