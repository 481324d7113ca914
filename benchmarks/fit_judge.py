"""Fits the Moonshine verdict's weights on the training split and writes them to the judge file
the package ships (`companion/speech_in/engines/moonshine/judge.json`, read by `evidence.fitted`).

    python benchmarks/fit_judge.py [--out PATH] [--gym] [--offsets-only] [--rows PATH]

Runs the training split (espeak-ng voices; white, pink and chatter noise) through the Moonshine
recognizer block by block, as `companion listen` does, clean and at 10 and 5 dB SNR after 5 s of
the room (with `--gym`, also in the gym conditions training material may hold,
`rooms.TRAIN_NOISES`: music, babble of the training voices, music with clanks; 10 dB, loud from
the first moment), and records
the evidence of every judgement that could decide an utterance (an early judgement that more
speech overtook is left out; an early one that found a fragment is kept beside the judgement made
again on closing), so the fit sees the same audio the live verdict does; an utterance counts as
heard when any of its judgements accepts. Label:
1 when a command was said and the best phrase is that command, else 0 (chatter, counts, cues,
and commands whose best phrase was wrong). A logistic regression (standardised features, light
L2) gives the weights (`--offsets-only` keeps the shipped weights and bias instead). Then each
command gets an offset to the log-odds, within the lean `OFFSET_LEANS` allows, fitted for the most
commands right with false accepts on the split, the mean of its conditions', at or below 1 %
(`fit_offsets`); only when no offsets can keep that is the bias lowered, in steps, and the
offsets fitted again. Writes the weights, and prints them with what they give on the split;
`benchmarks/commands.py` measures them held out. Record the figures in benchmarks/TUNING.md,
"Moonshine verdict".
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
    Weighing,
    verdict,
)
from companion.speech_in.engines.moonshine.evidence import (
    FEATURES,
    LEANS,
    JudgeWeights,
    judge_path,
)
from companion.speech_in.matcher import Hypothesis
from companion.speech_in.vocabulary import load_vocabulary

SNR_CONDITIONS = ("clean", "10dB", "5dB")
ROOM_SNRS_DB = (10.0,)
MAX_FALSE_ACCEPTS = 0.01
L2 = 0.01
# The per-command offsets (`fit_offsets`): the steps tried, and which way a command's may go. A
# false pain only stops the set and asks whether it hurts; a missed one leaves a person lifting
# through pain, so pain and the emergency words may only be made easier to say. A false "next"
# or "skip" throws away the set in progress, so those may only be made harder.
OFFSET_STEPS = tuple(0.25 * i for i in range(-8, 9))
OFFSET_LEANS = {"pain": 1, "halt": 1, "stop": 1, "next": -1, "skip": -1}
OFFSET_ROUNDS = 4
# How many commands right one false accept is worth, tried from the first until one keeps false
# accepts at `MAX_FALSE_ACCEPTS`.
FALSE_ACCEPT_COSTS = (1, 2, 4, 8, 16, 32)


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

    def used(self, samples: Samples) -> list[Weighing]:
        """The judgements of one recording (16 kHz) that decided its utterances."""
        self.weighed.clear()
        recognizer = Tracing(self)
        step = int(16000 * BLOCK_S)
        for i in range(0, len(samples), step):
            recognizer.accept(to_pcm16(samples[i : i + step]))
        recognizer.finish()
        return [w for w in recognizer.decided if isinstance(w, Weighing)]


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
            for weighed in recorder.used(samples):
                command = weighed.command.value
                row = weighed.evidence.as_row()
                rows.append({"key": (name, index), "command": command, "row": row})
        print(f"{name}: {sum(r['key'][0] == name for r in rows)} judgements", file=sys.stderr)
    return expected, rows


def save_rows(
    path: Path, gym: bool, expected: dict[Key, str | None], rows: list[dict[str, Any]]
) -> None:
    """Keeps the evidence, with the conditions it came from (`--gym` or not). The rows also
    depend on the code and on the verdict in force (`Recorder`), which the file does not
    record: keep it only as long as neither changes."""
    kept = {
        "gym": gym,
        "expected": [[*key, command] for key, command in expected.items()],
        "rows": [[*r["key"], r["command"], r["row"]] for r in rows],
    }
    path.write_text(json.dumps(kept), encoding="utf-8")


def load_rows(path: Path, gym: bool) -> tuple[dict[Key, str | None], list[dict[str, Any]]]:
    kept = json.loads(path.read_text(encoding="utf-8"))
    if kept["gym"] != gym:
        sys.exit(f"{path} holds evidence collected {'with' if kept['gym'] else 'without'} --gym")
    expected = {(name, index): command for name, index, command in kept["expected"]}
    rows = [
        {"key": (name, index), "command": command, "row": row}
        for name, index, command, row in kept["rows"]
    ]
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


def heard_in(
    expected: dict[Key, str | None], rows: list[dict[str, Any]], accepted: np.ndarray[Any, Any]
) -> dict[Key, set[str]]:
    """The commands each utterance gave: those of its rows `accepted`."""
    heard: dict[Key, set[str]] = {key: set() for key in expected}
    for row, yes in zip(rows, accepted, strict=True):
        if yes:
            heard[row["key"]].add(row["command"])
    return heard


def outcome(
    expected: dict[Key, str | None], rows: list[dict[str, Any]], accepted: np.ndarray[Any, Any]
) -> dict[str, Any]:
    """Accuracy and false accepts per condition, counted as benchmarks/commands.py counts them."""
    heard = heard_in(expected, rows, accepted)
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


def false_accepts_ok(result: dict[str, Any]) -> bool:
    """At most `MAX_FALSE_ACCEPTS`, as the mean of the conditions' rates."""
    return bool(np.mean([c["false_accept_rate"] for c in result.values()]) <= MAX_FALSE_ACCEPTS)


def tally(
    expected: dict[Key, str | None], rows: list[dict[str, Any]], accepted: np.ndarray[Any, Any]
) -> tuple[int, int]:
    """Commands right and non-commands accepted, every condition's together."""
    heard = heard_in(expected, rows, accepted)
    right = sum(heard[k] == {e} for k, e in expected.items() if e is not None)
    false = sum(bool(heard[k]) for k, e in expected.items() if e is None)
    return right, false


def fit_offsets(
    expected: dict[Key, str | None], rows: list[dict[str, Any]], odds: np.ndarray[Any, Any]
) -> dict[str, float] | None:
    """Per-command offsets to the log-odds `odds` of each row: the most commands right with
    false accepts at most `MAX_FALSE_ACCEPTS`, or None if no offsets within the limits keep it.

    Each command's offset in turn is set to the step of `OFFSET_STEPS` (within its lean,
    `OFFSET_LEANS`) that maximises commands right less `cost` times false accepts, over a few
    rounds; the smallest `cost` of `FALSE_ACCEPT_COSTS` whose offsets keep the limit wins. Equal
    outcomes keep the offset nearer 0."""
    commands = [r["command"] for r in rows]
    names = sorted({*commands, *(e for e in expected.values() if e is not None)})

    def accepted(offsets: dict[str, float]) -> np.ndarray[Any, Any]:
        shifted: np.ndarray[Any, Any] = odds + np.array([offsets[c] for c in commands]) > 0
        return shifted

    def gain(offsets: dict[str, float], cost: int) -> int:
        right, false = tally(expected, rows, accepted(offsets))
        return right - cost * false

    for cost in FALSE_ACCEPT_COSTS:
        offsets = dict.fromkeys(names, 0.0)
        for _ in range(OFFSET_ROUNDS):
            for name in names:
                lean = OFFSET_LEANS.get(name, 0)
                steps = sorted((v for v in OFFSET_STEPS if lean * v >= 0), key=abs)
                # `max` keeps the first of equal gains: the step nearest 0.
                offsets[name] = max(steps, key=lambda v: gain({**offsets, name: v}, cost))
        if false_accepts_ok(outcome(expected, rows, accepted(offsets))):
            return {name: value for name, value in offsets.items() if value != 0.0}
    return None


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
    parser.add_argument(
        "--offsets-only", action="store_true",
        help="keep the shipped weights and bias; fit only the per-command offsets",
    )
    parser.add_argument(
        "--rows", type=Path, metavar="PATH",
        help="the judgements' evidence: read from PATH if it exists, else collected and written"
        " there (to fit again without judging again; only for the same code and conditions)",
    )
    args = parser.parse_args()
    engine = MoonshineEngine.load(load_vocabulary("en"))
    if args.rows is not None and args.rows.exists():
        expected, rows = load_rows(args.rows, args.gym)
    else:
        expected, rows = collect(Recorder(engine), conditions(args.gym))
        if args.rows is not None:
            save_rows(args.rows, args.gym, expected, rows)
    x = np.array([r["row"] for r in rows])
    if args.offsets_only:
        shipped = engine.judge_weights
        weights, bias = np.array([shipped.weights[n] for n in FEATURES]), shipped.bias
    else:
        y = np.array([r["command"] == expected[r["key"]] for r in rows], float)
        weights, bias = fit(x, y)
    fitted = bias
    while (offsets := fit_offsets(expected, rows, x @ weights + bias)) is None:
        bias -= 0.05
    shift = np.array([offsets.get(r["command"], 0.0) for r in rows])
    result = outcome(expected, rows, x @ weights + bias + shift > 0)
    judge = JudgeWeights(
        round(bias, 4),
        {n: round(float(w), 4) for n, w in zip(FEATURES, weights, strict=True)},
        {Command(name): value for name, value in sorted(offsets.items())},
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
