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

    python benchmarks/commands.py --json --conditions rooms

measures the gym conditions of rooms.py instead (music, babble of six talkers, music with
clanking plates, a reverberant room with music; each at 20, 10 and 5 dB SNR, and clean), on
recordings that are loud from their first moment, with sentences that hold command words among
the non-commands. Voice families: the verdict was fitted on espeak-ng voices ("train"), so flite
("other_synth") and the neural voices ("neural_voices") are families it never saw; their pooled
figure is "held_out_families". `--listen-for` narrows listening as a session step does.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus
import real_speech
import rooms

from companion.audio.pcm import Samples, to_pcm16
from companion.cli.listen import commands_listened_for
from companion.domain.events import Command
from companion.speech_in.capture import BLOCK_S
from companion.speech_in.engine import EngineName
from companion.speech_in.engines import pocketsphinx as sphinx_engine
from companion.speech_in.listener import choose_engine
from companion.speech_in.pipeline import CommandStream, recognise_samples
from companion.speech_in.port import SAFETY
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
# Voice families the verdict never saw (it was fitted on espeak-ng voices).
HELD_OUT_FAMILIES = ("other_synth", "neural_voices")
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


# A condition: its name, and how it makes the recording of the index-th utterance (samples, and
# when the phrase ends in them).
Mixer = Callable[[int, corpus.Utterance, np.random.Generator], tuple[Samples, float]]
Condition = tuple[str, Mixer]


def snr_conditions(noises: tuple[str, ...]) -> list[Condition]:
    """`CONDITIONS`: after `corpus.LEAD_S` of room, the split's noises taken in turn."""

    def mixer(snr: float | None) -> Mixer:
        def mix(index: int, u: corpus.Utterance, rng: np.random.Generator) -> tuple[Samples, float]:
            return corpus.mix(u, snr, noises[index % len(noises)], rng), u.speech_end_s

        return mix

    return [(name, mixer(snr)) for name, snr in CONDITIONS]


def room_conditions(
    snrs: tuple[float, ...] = rooms.SNRS_DB, noises: tuple[str, ...] = rooms.NOISES
) -> list[Condition]:
    """rooms.py's: clean, then each of `noises` at each of `snrs`, loud from the recording's first
    moment."""

    def mixer(noise: str | None, snr: float | None) -> Mixer:
        def mix(index: int, u: corpus.Utterance, rng: np.random.Generator) -> tuple[Samples, float]:
            speech = u.samples[int(corpus.LEAD_S * 16000) : int(u.speech_end_s * 16000)]
            return rooms.scene(speech, noise, snr, rng)

        return mix

    noisy = [(f"{n} {snr:g}dB", mixer(n, snr)) for n in noises for snr in snrs]
    return [("clean", mixer(None, None)), *noisy]


def evaluate(
    engine: Any,
    utterances: list[corpus.Utterance],
    conditions: list[Condition],
    listening: frozenset[Command] | None = None,
) -> dict[str, Any]:
    """Per condition, how many commands gave that command alone, and how many non-commands gave
    any. Listening for some commands only, the others' phrases are non-commands too."""
    rng = np.random.default_rng(1)
    heard_for = None if listening is None else {c.value for c in listening | SAFETY}
    counts: dict[str, dict[str, int]] = {}
    latencies: list[float] = []
    # Every condition's together: how often each command was taken right, and which commands
    # the non-commands were taken for (pain's row is the one safety rests on).
    by_command: dict[str, list[int]] = {}
    false_by_command: dict[str, int] = {}
    audio_s: dict[str, float] = {}
    busy_s: dict[str, float] = {}
    for name, mix in conditions:
        tally = counts[name] = {"right": 0, "commands": 0, "false_accepts": 0, "others": 0}
        audio_s[name] = busy_s[name] = 0.0
        for index, utterance in enumerate(utterances):
            samples, speech_end_s = mix(index, utterance, rng)
            began = time.process_time()
            found = recognise_samples(engine, samples, 16000, listening=listening)
            busy_s[name] += time.process_time() - began
            audio_s[name] += len(samples) / 16000
            commands = {f.command.value for f in found if f.command is not None}
            expected = utterance.expected
            if expected is None or (heard_for is not None and expected not in heard_for):
                tally["others"] += 1
                tally["false_accepts"] += bool(commands)
                for command in commands:
                    false_by_command[command] = false_by_command.get(command, 0) + 1
                continue
            tally["commands"] += 1
            taken = by_command.setdefault(expected, [0, 0])
            taken[1] += 1
            if commands == {expected}:
                tally["right"] += 1
                taken[0] += 1
                # From the end of speech to the moment a live listener would have decided.
                latencies.append(found[0].live_s - speech_end_s)
        # A long run's progress, as each condition ends.
        print(f"{name}: {json.dumps(tally)}", file=sys.stderr, flush=True)
    return {
        "utterances_per_condition": len(utterances),
        **summary(counts),
        "latency_s": {
            "p50": round(float(np.percentile(latencies, 50)), 3),
            "p95": round(float(np.percentile(latencies, 95)), 3),
        }
        if latencies
        else None,
        # CPU seconds (every thread's: onnxruntime may use both cores) per second of audio.
        "real_time_factor": round(sum(busy_s.values()) / sum(audio_s.values()), 4),
        "real_time_factor_by_condition": {n: round(busy_s[n] / audio_s[n], 4) for n in busy_s},
        "counts": counts,
        "right_by_command": {c: f"{r} of {n}" for c, (r, n) in sorted(by_command.items())},
        "false_accepts_by_command": dict(sorted(false_by_command.items())),
    }


def summary(counts: dict[str, dict[str, int]]) -> dict[str, Any]:
    """Rates from per-condition counts (one split's, or several pooled)."""
    accuracy: dict[str, float | None] = {}
    interval: dict[str, list[float] | None] = {}
    false_accepts: dict[str, float | None] = {}
    for name, tally in counts.items():
        right, total = tally["right"], tally["commands"]
        accuracy[name] = round(right / total, 4) if total else None
        interval[name] = wilson(right, total) if total else None
        others = tally["others"]
        false_accepts[name] = round(tally["false_accepts"] / others, 4) if others else None
    fired = sum(t["false_accepts"] for t in counts.values())
    others = sum(t["others"] for t in counts.values())
    return {
        "command_accuracy": accuracy,
        "command_accuracy_95": interval,
        "non_command_trials": others,
        "false_accept_rate": round(fired / others, 4) if others else None,
        "false_accept_rate_95": wilson(fired, others) if others else None,
        "false_accepts_by_condition": false_accepts,
    }


def pooled(results: list[dict[str, Any]]) -> dict[str, Any]:
    """`summary` of several splits' trials taken together."""
    counts: dict[str, dict[str, int]] = {}
    for result in results:
        for name, tally in result["counts"].items():
            into = counts.setdefault(name, dict.fromkeys(tally, 0))
            for key, value in tally.items():
                into[key] += value
    return summary(counts)


def room_utterances(
    phrases: dict[str, str], voices: tuple[str, ...], speeds: tuple[int, ...]
) -> list[corpus.Utterance]:
    """Every phrase, non-command and `rooms.EMBEDDED` sentence once per voice, the speeds taken in
    turn (all of them would double the run for little)."""
    items = [
        *phrases.items(),
        *((t, None) for t in corpus.NON_COMMANDS),
        *((t, None) for t in rooms.EMBEDDED),
    ]
    return [
        corpus.placed(text, expected, f"{voice}/{speed}", corpus.render(text, voice, speed))
        for i, (text, expected) in enumerate(items)
        for j, voice in enumerate(voices)
        for speed in [speeds[(i + j) % len(speeds)]]
    ]


def run(args: argparse.Namespace) -> dict[str, Any]:
    if args.per_phone is not None:
        sphinx_engine.PER_PHONE = None if args.per_phone <= 0 else args.per_phone
    choice = choose_engine(ListenSettings(engine=EngineName(args.engine), language="en"))
    engine = choice.load()
    phrases = {p: c.value for p, c in engine.vocabulary.phrases.items()}
    listening = args.listen_for
    result: dict[str, Any] = {"engine": engine.describe(), "conditions": args.conditions}
    if listening is not None:
        result["listening_for"] = sorted(c.value for c in listening | SAFETY)
    for split in args.splits:
        noises: tuple[str, ...] = rooms.NOISES
        if split == REAL_SPEECH:
            recordings = real_speech.recordings()
            utterances = [corpus.placed(text, None, "human", s) for text, s in recordings]
            if args.conditions == "snr":
                noises = corpus.HELD_OUT_NOISES
            about: dict[str, Any] = {"source": f"{'=='.join(real_speech.PACKAGE)} test recordings"}
        else:
            voices, speeds, split_noises = SPLITS[split]
            if args.conditions == "snr":
                utterances = corpus.build(phrases, voices, speeds)
                noises = split_noises
            else:
                utterances = room_utterances(phrases, voices, speeds)
            about = {"voices": list(voices), "speeds": list(speeds)}
        if args.conditions == "snr":
            conditions = snr_conditions(noises)
        else:
            conditions = room_conditions(tuple(args.snrs))
        measured = evaluate(engine, utterances, conditions, listening)
        result[split] = {**about, "noises": list(noises), **measured}
    families = [result[s] for s in HELD_OUT_FAMILIES if s in result]
    if families:
        result["held_out_families"] = {"splits": list(HELD_OUT_FAMILIES), **pooled(families)}
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
    parser.add_argument(
        "--conditions",
        choices=("snr", "rooms"),
        default="snr",
        help="snr: white, pink, chatter, clanks, babble after 5 s of room; rooms: rooms.py",
    )
    parser.add_argument(
        "--snrs",
        type=float,
        nargs="+",
        default=list(rooms.SNRS_DB),
        help="with --conditions rooms: the SNRs (dB) of each noise",
    )
    parser.add_argument(
        "--listen-for",
        type=commands_listened_for,
        default=None,
        metavar="COMMANDS",
        help="listen only for these commands (and the safety ones), as a session step does",
    )
    parser.add_argument("--idle-seconds", type=float, default=10.0)
    args = parser.parse_args()
    result = run(args)
    print(json.dumps(result) if args.json else json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
