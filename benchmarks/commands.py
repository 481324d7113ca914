"""Spoken-command benchmark: accuracy per noise condition, false accepts, latency, speed, idle CPU
and memory, through the same pipeline as `companion listen FILE`.

    python benchmarks/commands.py --json

The commands are synthetic (see corpus.py), so their numbers are a regression check, not a promise
about real voices and rooms. Splits: "train" (espeak-ng voices; white, pink and chatter noise:
the only one tuning looked at), "held_out" (other espeak-ng voices and speeds, clanking noise),
"other_synth" (flite's voices, clanking noise), "neural_voices" (two neural voices, see
neural_voices.py, under babble made from recordings of people talking) and "real_speech"
(recordings of people saying things that are not commands, see real_speech.py, clanking noise:
false accepts only).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus
import real_speech

from companion.audio.pcm import to_pcm16
from companion.speech_in.capture import BLOCK_S
from companion.speech_in.engine import EngineName
from companion.speech_in.engines import pocketsphinx as sphinx_engine
from companion.speech_in.listener import choose_engine
from companion.speech_in.pipeline import CommandStream, recognise_samples
from companion.speech_in.settings import ENGINES, ListenSettings

CONDITIONS: tuple[tuple[str, float | None], ...] = (
    ("clean", None),
    ("20dB", 20.0),
    ("10dB", 10.0),
    ("5dB", 5.0),
)
SPLITS: dict[str, tuple[tuple[str, ...], tuple[int, ...], tuple[str, ...]]] = {
    "train": (corpus.TRAIN_VOICES, corpus.TRAIN_SPEEDS, corpus.TRAIN_NOISES),
    "held_out": (corpus.HELD_OUT_VOICES, corpus.HELD_OUT_SPEEDS, corpus.HELD_OUT_NOISES),
    "other_synth": (corpus.OTHER_SYNTH_VOICES, corpus.OTHER_SYNTH_SPEEDS, corpus.HELD_OUT_NOISES),
    "neural_voices": (corpus.NEURAL_VOICES, corpus.NEURAL_SPEEDS, corpus.NEURAL_NOISES),
}
REAL_SPEECH = "real_speech"
Z_95 = 1.96


def wilson(hits: int, trials: int) -> list[float]:
    """95 % interval for a rate seen as hits in trials (Wilson score interval). With 104 to 156
    commands per condition, a rate's interval spans several points either way: differences
    smaller than that between two runs, or two tunings, may be nothing but the draw."""
    rate = hits / trials
    centre = rate + Z_95**2 / (2 * trials)
    half = Z_95 * np.sqrt(rate * (1 - rate) / trials + Z_95**2 / (4 * trials**2))
    scale = 1 + Z_95**2 / trials
    low, high = (centre - half) / scale, (centre + half) / scale
    return [round(max(0.0, float(low)), 4), round(min(1.0, float(high)), 4)]


def idle_cpu(engine: Any, seconds: float) -> float:
    """Share of one core used while fed quiet room noise in real time, block by block."""
    rng = np.random.default_rng(7)
    stream = CommandStream.fresh(engine)
    step = int(16000 * BLOCK_S)
    started_wall = time.monotonic()
    started_cpu = time.process_time()
    deadline = started_wall
    while deadline - started_wall < seconds:
        block = (0.003 * rng.standard_normal(step)).astype(np.float32)
        stream.feed(to_pcm16(block))
        deadline += BLOCK_S
        time.sleep(max(0.0, deadline - time.monotonic()))
    return (time.process_time() - started_cpu) / (time.monotonic() - started_wall)


def evaluate(
    engine: Any, utterances: list[corpus.Utterance], noises: tuple[str, ...]
) -> dict[str, Any]:
    rng = np.random.default_rng(1)
    accuracy: dict[str, float | None] = {}
    interval: dict[str, list[float] | None] = {}
    false_accepts = 0
    non_commands = 0
    latencies: list[float] = []
    audio_s = 0.0
    busy_s = 0.0
    for name, snr in CONDITIONS:
        right = total = 0
        for index, utterance in enumerate(utterances):
            samples = corpus.mix(utterance, snr, noises[index % len(noises)], rng)
            began = time.process_time()
            found = recognise_samples(engine, samples, 16000)
            busy_s += time.process_time() - began
            audio_s += len(samples) / 16000
            commands = {f.command.value for f in found if f.command is not None}
            if utterance.expected is None:
                non_commands += 1
                false_accepts += bool(commands)
                continue
            total += 1
            if commands == {utterance.expected}:
                right += 1
                # From the end of speech to the moment a live listener would have decided.
                latencies.append(found[0].live_s - utterance.speech_end_s)
        accuracy[name] = round(right / total, 4) if total else None
        interval[name] = wilson(right, total) if total else None
    rtf = busy_s / audio_s
    return {
        "utterances_per_condition": len(utterances),
        "command_accuracy": accuracy,
        "command_accuracy_95": interval,
        "non_command_trials": non_commands,
        "false_accept_rate": round(false_accepts / non_commands, 4),
        "false_accept_rate_95": wilson(false_accepts, non_commands),
        "latency_s": {
            "p50": round(float(np.percentile(latencies, 50)), 3),
            "p95": round(float(np.percentile(latencies, 95)), 3),
        }
        if latencies
        else None,
        "real_time_factor": round(rtf, 4),
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    if args.per_phone is not None:
        sphinx_engine.PER_PHONE = None if args.per_phone <= 0 else args.per_phone
    choice = choose_engine(ListenSettings(engine=EngineName(args.engine), language="en"))
    engine = choice.load()
    phrases = {p: c.value for p, c in engine.vocabulary.phrases.items()}
    result: dict[str, Any] = {"engine": engine.describe()}
    for split in args.splits:
        noises: tuple[str, ...]
        if split == REAL_SPEECH:
            recordings = real_speech.recordings()
            utterances = [corpus.placed(text, None, "human", s) for text, s in recordings]
            noises = corpus.HELD_OUT_NOISES
            about: dict[str, Any] = {"source": f"{'=='.join(real_speech.PACKAGE)} test recordings"}
        else:
            voices, speeds, noises = SPLITS[split]
            utterances = corpus.build(phrases, voices, speeds)
            about = {"voices": list(voices), "speeds": list(speeds)}
        result[split] = {**about, "noises": list(noises), **evaluate(engine, utterances, noises)}
    result["idle_cpu_one_core"] = round(idle_cpu(engine, args.idle_seconds), 4)
    result["peak_memory_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    result["targets"] = {
        "accuracy_10dB": 0.97,
        "false_accepts": 0.01,
        "p50_s": 0.4,
        "idle_cpu": 0.15,
    }
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--engine", default="auto", choices=ENGINES)
    parser.add_argument(
        "--per-phone", type=float, default=None, help="PocketSphinx keyphrase threshold; 0: off"
    )
    splits = [*SPLITS, REAL_SPEECH]
    parser.add_argument("--splits", nargs="+", default=splits, choices=splits)
    parser.add_argument("--idle-seconds", type=float, default=10.0)
    args = parser.parse_args()
    result = run(args)
    print(json.dumps(result) if args.json else json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
