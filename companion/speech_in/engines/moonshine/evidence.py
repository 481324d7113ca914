"""Whether the Moonshine engine believes an utterance was its best-scoring command phrase.

The best-ranked command phrase is nearly always the right one when a command was said (see
`MoonshineTuning.prior_weight`); the hard part is telling when no command was said at all, or
when the audio was too damaged to trust. Six measurements of the utterance weigh in, and a
logistic model combines them: accept when `bias + sum(weights[f] * evidence.f) > 0`.

The weights are data, `judge.json` beside this module, written by `benchmarks/fit_judge.py` from
the benchmark's training split only (espeak-ng voices with white, pink and chatter noise, clean,
10 and 5 dB SNR): positives are utterances whose best phrase was the command said, negatives are
chatter, counts, cues and commands whose best phrase was wrong. The bias is set so that false
accepts on that split, pooled over its conditions, stay at or below 1 %. What they give, and what
was tried: benchmarks/TUNING.md, "Moonshine verdict".
"""

from __future__ import annotations

import difflib
import functools
import json
import re
from dataclasses import astuple, dataclass, fields
from importlib import resources
from pathlib import Path
from typing import TypeGuard

from companion.errors import UserError

LETTERS = re.compile(r"[^\w' ]+")


@dataclass(frozen=True)
class Evidence:
    """Natural-log measurements of one utterance against its best command phrase."""

    log_prob: float  # log P(phrase, then the end of the transcript | audio)
    lift: float  # log_prob - prior_weight * log P(phrase | silence): what the audio added
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

JUDGE_FILE = "judge.json"


@dataclass(frozen=True)
class JudgeWeights:
    """The fitted verdict: `bias` and one weight per `Evidence` field."""

    bias: float
    weights: dict[str, float]

    def as_json(self) -> dict[str, object]:
        return {"bias": self.bias, "weights": self.weights}


def parse_weights(text: str, where: str) -> JudgeWeights:
    """Read a judge file; a problem names the file and the key."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise UserError(f"{where}: not valid JSON: {err}") from err
    if not isinstance(data, dict):
        raise UserError(f"{where}: must hold an object with bias and weights")
    bias = data.get("bias")
    if not _is_number(bias):
        raise UserError(f"{where}: bias must be a number")
    weights = data.get("weights")
    if not isinstance(weights, dict) or set(weights) != set(FEATURES):
        raise UserError(f"{where}: weights must give exactly {', '.join(FEATURES)}")
    for name, value in weights.items():
        if not _is_number(value):
            raise UserError(f"{where}: weights.{name} must be a number")
    return JudgeWeights(float(bias), {name: float(weights[name]) for name in FEATURES})


def _is_number(value: object) -> TypeGuard[float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def judge_path() -> Path:
    return Path(str(resources.files(__package__) / JUDGE_FILE))


@functools.cache
def fitted() -> JudgeWeights:
    """The weights shipped with the package, read once."""
    path = judge_path()
    return parse_weights(path.read_text(encoding="utf-8"), str(path))


def similarity(transcript: str, phrase: str) -> float:
    """Spelling similarity of a free transcript ("Next year.") and a phrase ("next set")."""
    words = LETTERS.sub(" ", transcript.lower()).split()
    return difflib.SequenceMatcher(None, " ".join(words), phrase.lower()).ratio()


def belief(evidence: Evidence, judge: JudgeWeights | None = None) -> float:
    """The verdict's log-odds that the phrase was said: above 0 it is accepted. `judge`: the
    weights to use; the shipped ones by default."""
    judge = judge or fitted()
    row = zip(FEATURES, evidence.as_row(), strict=True)
    return judge.bias + sum(judge.weights[name] * value for name, value in row)
