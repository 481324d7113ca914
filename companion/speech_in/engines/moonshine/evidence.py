"""Whether the Moonshine engine believes an utterance was its best-scoring command phrase.

The best-ranked command phrase is nearly always the right one when a command was said (see
`MoonshineTuning.prior_weight`); the hard part is telling when no command was said at all, or
when the audio was too damaged to trust. Six measurements of the utterance weigh in, and a
logistic model combines them: accept when `bias + offsets[command] + sum(weights[f] * evidence.f)
> 0`, where the command is the one the phrase means.

The weights are data, `judge.json` beside this module, written by `benchmarks/fit_judge.py` from
the benchmark's training split only (espeak-ng voices with white, pink and chatter noise, clean,
10 and 5 dB SNR): positives are utterances whose best phrase was the command said, negatives are
chatter, counts, cues and commands whose best phrase was wrong. The bias is set so that false
accepts on that split, pooled over its conditions, stay at or below 1 %. The per-command offsets
are fitted after, on training material only, so that a command whose phrases chatter and cues
resemble ("halfway there" and "heavier") needs more evidence, and pain less. What they give, and
what was tried: benchmarks/TUNING.md, "Moonshine verdict".
"""

from __future__ import annotations

import difflib
import functools
import json
import re
from dataclasses import astuple, dataclass, field, fields
from importlib import resources
from pathlib import Path
from typing import TypeGuard

from companion.domain.events import Command
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
    """The fitted verdict: `bias`, one weight per `Evidence` field, and what each command's
    phrases add to the log-odds (a command not in `offsets` adds 0)."""

    bias: float
    weights: dict[str, float]
    offsets: dict[Command, float] = field(default_factory=dict)

    def as_json(self) -> dict[str, object]:
        offsets = {command.value: value for command, value in self.offsets.items()}
        return {"bias": self.bias, "weights": self.weights, "offsets": offsets}


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
    ordered = {name: float(weights[name]) for name in FEATURES}
    return JudgeWeights(float(bias), ordered, _offsets(data.get("offsets", {}), where))


def _offsets(table: object, where: str) -> dict[Command, float]:
    if not isinstance(table, dict):
        raise UserError(f"{where}: offsets must be an object of command = number")
    known = {command.value for command in Command}
    offsets: dict[Command, float] = {}
    for name, value in table.items():
        if name not in known:
            raise UserError(f"{where}: offsets.{name} is not a command")
        if not _is_number(value):
            raise UserError(f"{where}: offsets.{name} must be a number")
        offsets[Command(name)] = float(value)
    return offsets


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


def belief(evidence: Evidence, command: Command, judge: JudgeWeights | None = None) -> float:
    """The verdict's log-odds that a phrase of `command` was said: above 0 it is accepted.
    `judge`: the weights to use; the shipped ones by default."""
    judge = judge or fitted()
    row = zip(FEATURES, evidence.as_row(), strict=True)
    offset = judge.offsets.get(command, 0.0)
    return judge.bias + offset + sum(judge.weights[name] * value for name, value in row)
