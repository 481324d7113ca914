"""Fits the Moonshine verdict's weights on the training split and writes them to the judge file
the package ships (`companion/speech_in/engines/moonshine/judge.json`, read by `evidence.fitted`).

    python benchmarks/fit_judge.py [--out PATH] [--gym]

Runs the training split (espeak-ng voices; white, pink and chatter noise) through the Moonshine
recognizer block by block, as `companion listen` does, clean and at 10 and 5 dB SNR after 5 s of
the room (with `--gym`, also in the gym conditions training material may hold,
`rooms.TRAIN_NOISES`: music, babble of the training voices, music with clanks; 10 dB, loud from
the first moment: tried, not shipped, see TUNING.md), and records
the evidence of every judgement that could decide an utterance (an early judgement that more
speech overtook is left out; an early one that found a fragment is kept beside the judgement made
again on closing), so the fit sees the same audio the live verdict does; an utterance counts as
heard when any of its judgements accepts. Label:
1 when a command was said and the best phrase is that command, else 0 (chatter, counts, cues,
and commands whose best phrase was wrong). A logistic regression (standardised features, light
L2) gives the weights; the bias is then lowered in steps until false accepts on the split,
pooled over its conditions, are at or below 1 %. Writes the weights, and prints them with what
they give on the split; `benchmarks/commands.py` measures them held out. Record the figures in
benchmarks/TUNING.md, "Moonshine verdict".
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus
import rooms
from commands import SPLITS, Condition, room_conditions, snr_conditions

from companion.audio.pcm import Samples, to_pcm16
from companion.domain.events import Command
from companion.speech_in.capture import BLOCK_S
from companion.speech_in.engines.moonshine.engine import (
    MoonshineEngine,
    MoonshineRecognizer,
    Verdict,
    Weighed,
    verdict,
)
from companion.speech_in.engines.moonshine.evidence import (
    FEATURES,
    LEANS,
    Evidence,
    JudgeWeights,
    judge_path,
)
from companion.speech_in.matcher import Hypothesis
from companion.speech_in.vocabulary import load_vocabulary

SNR_CONDITIONS = ("clean", "10dB", "5dB")
ROOM_SNRS_DB = (10.0,)
MAX_FALSE_ACCEPTS = 0.01
L2 = 0.01


class Recorder:
    """Stands in for the engine: weighs each utterance, keeps the evidence, and gives the verdict
    in force, so the recognizer acts as it does live: a fragment is heard again with the next
    utterance (`MoonshineTuning.merge_gap_s`). A refit changes some of those verdicts, so the
    fit sees nearly, not exactly, what the new weights will hear."""

    def __init__(self, engine: MoonshineEngine) -> None:
        self.engine = engine
        self.weighed: list[Weighed] = []

    def judge(self, samples: Samples, listening: frozenset[Command] | None = None) -> Verdict:
        weighed = self.engine.weigh(samples, listening)
        self.weighed.append(weighed)
        return verdict(weighed)

    def used(self, samples: Samples) -> list[tuple[str, Evidence]]:
        """The judgements of one recording (16 kHz) that decided its utterances."""
        self.weighed.clear()
        recognizer = Tracing(self)
        step = int(16000 * BLOCK_S)
        for i in range(0, len(samples), step):
            recognizer.accept(to_pcm16(samples[i : i + step]))
        recognizer.finish()
        return [w for w in recognizer.decided if isinstance(w, tuple)]


class Tracing(MoonshineRecognizer):
    """The live recognizer, noting the judgements that could decide each utterance it closed:
    its early judgement if the voiced span did not grow after it (the latest one made before
    the close), and the one made on closing, if any (after a fragment, both)."""

    def __init__(self, recorder: Recorder) -> None:
        super().__init__(recorder)
        self.recorder = recorder
        self.decided: list[Weighed] = []

    def _close(self, voiced_s: float) -> Hypothesis | None:
        deciding = self._open
        early = self._guess is not None and self._guess[0] == voiced_s
        made = len(self.recorder.weighed)
        found = super()._close(voiced_s)
        if deciding:
            self.decided.extend(self.recorder.weighed[made - 1 if early else made :])
        return found


Key = tuple[str, int]  # (condition, utterance index)


def conditions(gym: bool) -> list[Condition]:
    _, _, noises = SPLITS["train"]
    after_room = [c for c in snr_conditions(noises) if c[0] in SNR_CONDITIONS]
    if not gym:
        return after_room
    loud = room_conditions(ROOM_SNRS_DB, rooms.TRAIN_NOISES)[1:]  # its clean is after_room's
    return [*after_room, *loud]


def collect(
    recorder: Recorder, fitted_on: list[Condition]
) -> tuple[dict[Key, str | None], list[dict[str, Any]]]:
    """The command expected of every utterance, and a row per weighing of one (an utterance may
    be weighed several times, or never)."""
    voices, speeds, _ = SPLITS["train"]
    phrases = {p: c.value for p, c in recorder.engine.vocabulary.phrases.items()}
    utterances = corpus.build(phrases, voices, speeds)
    rng = np.random.default_rng(1)
    expected: dict[Key, str | None] = {}
    rows: list[dict[str, Any]] = []
    for name, mix in fitted_on:
        for index, utterance in enumerate(utterances):
            expected[(name, index)] = utterance.expected
            samples, _ = mix(index, utterance, rng)
            for phrase, evidence in recorder.used(samples):
                rows.append({"key": (name, index), "command": phrases[phrase], "row": evidence})
        print(f"{name}: {sum(r['key'][0] == name for r in rows)} judgements", file=sys.stderr)
    return expected, rows


def fit(x: np.ndarray[Any, Any], y: np.ndarray[Any, Any]) -> tuple[np.ndarray[Any, Any], float]:
    """Logistic regression by gradient descent; weights and bias in the features' own units.

    A weight whose lean the evidence fixes (`LEANS`) is kept from crossing zero: the features
    overlap (log_prob and lift both measure how probable the phrase is), and a fit free to trade
    them off can give one the wrong sign, a verdict that would then grow less sure as the audio
    fits the phrase better."""
    mean, spread = x.mean(axis=0), x.std(axis=0) + 1e-9
    z = (x - mean) / spread
    lean = np.array([LEANS.get(name, 0) for name in FEATURES])
    w = np.zeros(z.shape[1])
    b = 0.0
    for _ in range(5000):
        p = 1 / (1 + np.exp(-(z @ w + b)))
        w -= 0.1 * (z.T @ (p - y) / len(y) + L2 * w)
        w = np.where(lean * w < 0, 0.0, w)
        b -= 0.1 * float(np.mean(p - y))
    return w / spread, b - float(np.sum(w * mean / spread))


def outcome(
    expected: dict[Key, str | None], rows: list[dict[str, Any]], accepted: np.ndarray[Any, Any]
) -> dict[str, Any]:
    """Accuracy and false accepts per condition, counted as benchmarks/commands.py counts them."""
    heard: dict[Key, set[str]] = {key: set() for key in expected}
    for row, yes in zip(rows, accepted, strict=True):
        if yes:
            heard[row["key"]].add(row["command"])
    result: dict[str, Any] = {}
    for name in dict.fromkeys(k[0] for k in expected):
        keys = [k for k in expected if k[0] == name]
        commands = [k for k in keys if expected[k] is not None]
        others = [k for k in keys if expected[k] is None]
        right = sum(heard[k] == {expected[k]} for k in commands)
        false = sum(bool(heard[k]) for k in others)
        result[name] = {
            "command_accuracy": round(right / len(commands), 4),
            "false_accept_rate": round(false / len(others), 4),
        }
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--out", type=Path, default=judge_path(), metavar="PATH",
        help="where to write the fitted weights (default: the judge file the package ships)",
    )
    parser.add_argument(
        "--gym", action="store_true",
        help="fit on the gym conditions of training material too (rooms.TRAIN_NOISES)",
    )
    args = parser.parse_args()
    engine = MoonshineEngine.load(load_vocabulary("en"))
    expected, rows = collect(Recorder(engine), conditions(args.gym))
    x = np.array([r["row"].as_row() for r in rows])
    y = np.array([r["command"] == expected[r["key"]] for r in rows], float)
    weights, bias = fit(x, y)
    fitted = bias
    while True:
        result = outcome(expected, rows, x @ weights + bias > 0)
        if np.mean([c["false_accept_rate"] for c in result.values()]) <= MAX_FALSE_ACCEPTS:
            break
        bias -= 0.05
    judge = JudgeWeights(
        round(bias, 4), {n: round(float(w), 4) for n, w in zip(FEATURES, weights, strict=True)}
    )
    args.out.write_text(json.dumps(judge.as_json(), indent=2) + "\n", encoding="utf-8")
    print(
        json.dumps(
            {**judge.as_json(), "bias_lowered_by": round(fitted - bias, 2), "train": result},
            indent=2,
        )
    )
    print(f"written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
