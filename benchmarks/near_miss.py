"""How often the "heard you, but no command" tone would sound, and for whom: it picks the Moonshine
engine's `MoonshineTuning.near_belief` on the training split and measures it on held-out splits.

    python benchmarks/near_miss.py [--splits train neural_voices] [--max-nuisance 0.02] [--json]

Each split's utterances (benchmarks/corpus.py; clean and at 10 dB SNR) run through the live
recognizer path (`CommandStream`, block by block). The engine is wrapped so that every fragment
that had a command phrase for its best fit is a near-miss candidate carrying its belief (the
verdict's log-odds), whatever the threshold; a threshold then keeps the candidates at or above it.
So one pass measures every threshold:
- nuisance: non-command speech (the companion's cues and counts, gym chatter) that would sound
  the tone;
- rescued: commands said but not taken (none, or the wrong one) that would sound it, telling the
  person to say it again.
The threshold chosen is the lowest (the most commands rescued) whose nuisance on the training
split, pooled over its conditions, is at or below `--max-nuisance`; held-out splits only report.
Record the figures in benchmarks/TUNING.md, "Near misses", and the threshold in
`MoonshineTuning.near_belief`.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus
from commands import SPLITS

from companion.audio.pcm import Samples, to_pcm16
from companion.domain.events import Command
from companion.speech_in.capture import BLOCK_S
from companion.speech_in.engines.moonshine.engine import (
    TUNING,
    MoonshineEngine,
    MoonshineRecognizer,
    Verdict,
    Weighing,
    verdict,
)
from companion.speech_in.engines.moonshine.evidence import belief
from companion.speech_in.matcher import Decision, Matcher, Missed
from companion.speech_in.pipeline import CommandStream
from companion.speech_in.vocabulary import load_vocabulary

CONDITIONS = (None, 10.0)
THRESHOLDS = tuple(round(-0.25 * i, 2) for i in range(1, 21))  # -0.25 … -5.0


class Candidates:
    """Stands in for the engine's judge: its verdicts, but every fragment whose best fit is a
    command phrase is a near miss, and the belief of the latest one is kept."""

    def __init__(self, engine: MoonshineEngine) -> None:
        self.engine = engine
        self.beliefs: dict[str, float] = {}  # phrase → belief of its latest near miss

    def judge(self, samples: Samples, listening: frozenset[Command] | None = None) -> Verdict:
        weighed = self.engine.weigh(samples, listening)
        if isinstance(weighed, Weighing):  # a command phrase was weighed: keep how near it came
            judge = self.engine.judge_weights
            self.beliefs[weighed.phrase] = belief(weighed.evidence, weighed.command, judge)
        # The engine's own verdict, with every phrase that fell short a near miss.
        return verdict(weighed, self.engine.judge_weights, near_belief=-math.inf)


def heard(candidates: Candidates, samples: Samples) -> tuple[set[str], list[float]]:
    """The commands one recording gave, and the beliefs of its near misses."""
    engine = candidates.engine
    recognizer = MoonshineRecognizer(candidates)
    stream = CommandStream(recognizer, Matcher(engine.vocabulary))
    commands: set[str] = set()
    near: list[float] = []
    step = int(16000 * BLOCK_S)
    tail = np.zeros(int(16000 * (TUNING.merge_gap_s + 0.5)), np.float32)  # lets a miss come out
    whole = np.concatenate([samples, tail])
    for begin in range(0, len(whole), step):
        found = stream.feed(to_pcm16(whole[begin : begin + step]))
        if isinstance(found, Decision) and found.command is not None:  # a number is none
            commands.add(found.command.value)
        elif isinstance(found, Missed):
            near.append(candidates.beliefs[found.heard])
    return commands, near


def measure(candidates: Candidates, split: str) -> list[dict[str, Any]]:
    """One row per utterance and condition: what was expected, taken, and the near misses."""
    voices, speeds, noises = SPLITS[split]
    phrases = {p: c.value for p, c in candidates.engine.vocabulary.phrases.items()}
    utterances = corpus.build(phrases, voices, speeds)
    rng = np.random.default_rng(1)
    rows = []
    for snr in CONDITIONS:
        for index, utterance in enumerate(utterances):
            samples = corpus.mix(utterance, snr, noises[index % len(noises)], rng)
            commands, near = heard(candidates, samples)
            rows.append(
                {
                    "snr": snr,
                    "expected": utterance.expected,
                    "taken": commands == {utterance.expected},
                    "near": max(near, default=None),
                }
            )
    return rows


def rates(rows: list[dict[str, Any]], threshold: float) -> dict[str, Any]:
    def sounded(row: dict[str, Any]) -> bool:
        return row["near"] is not None and row["near"] >= threshold

    others = [r for r in rows if r["expected"] is None]
    missed = [r for r in rows if r["expected"] is not None and not r["taken"]]
    return {
        "nuisance": round(sum(map(sounded, others)) / max(1, len(others)), 4),
        "rescued": round(sum(map(sounded, missed)) / max(1, len(missed)), 4),
        "non_commands": len(others),
        "commands_missed": len(missed),
    }


def by_condition(rows: list[dict[str, Any]], threshold: float) -> dict[str, Any]:
    return {
        "clean" if snr is None else f"{snr:g}dB": rates(
            [r for r in rows if r["snr"] == snr], threshold
        )
        for snr in CONDITIONS
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--splits", nargs="+", default=["train", "neural_voices"], choices=SPLITS)
    parser.add_argument("--max-nuisance", type=float, default=0.02)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if "train" not in args.splits:
        parser.error("the threshold is chosen on the train split: include it")
    candidates = Candidates(MoonshineEngine.load(load_vocabulary("en")))
    rows = {split: measure(candidates, split) for split in args.splits}
    fitting = [t for t in THRESHOLDS if rates(rows["train"], t)["nuisance"] <= args.max_nuisance]
    chosen = min(fitting, default=0.0)
    result = {
        "chosen_near_belief": chosen,
        "max_nuisance": args.max_nuisance,
        "shipped_near_belief": TUNING.near_belief,
        "splits": {split: by_condition(split_rows, chosen) for split, split_rows in rows.items()},
        "train_sweep": {t: rates(rows["train"], t) for t in THRESHOLDS},
    }
    print(json.dumps(result) if args.json else json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
