"""How the endpointer starts in a room that is loud from the first moment: is a word said in the
first seconds cut as a segment of its own (0.45-1.5 s of voice)? Training material only: babble
of the training voices ("chatter", corpus.py) and procedural music (training/sounds.py), a word
(a 300 Hz tone, 0.5 s) 10 dB above them at several times; and a quiet room with a word 8-14 dB
above it, said at once and every 2.5 s after (a word taken for the room's loud moments is lost,
and so is every word like it after).

    python benchmarks/cold_start.py --json [--learn-s 1 1.5 2] [--learned-loud-db 6 8 10]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus
import rooms  # noqa: F401  (puts training/ on the path, for sounds)
import sounds

from companion.audio.pcm import Samples, to_pcm16
from companion.speech_in.endpoint import TUNING, Endpointer, EndpointerTuning, SpeechEnded

WORD_AT_S = (0.2, 0.4, 0.6, 0.9, 1.5)
SEEDS = range(8)
QUIET_WORD_DB = (8, 10, 12, 14)
QUIET_WORDS_AT_S = (0.1, 2.8, 5.3, 7.8, 10.3)


def tone(seconds: float, amplitude: float) -> Samples:
    t = np.arange(int(seconds * 16000)) / 16000
    return (amplitude * np.sin(2 * np.pi * 300 * t)).astype(np.float32)


def voiced(tuning: EndpointerTuning, samples: Samples) -> list[float]:
    """The voiced span of each segment, fed in 100 ms blocks, then flushed."""
    endpointer = Endpointer(tuning)
    found = []
    for at in range(0, len(samples), 1600):
        found += endpointer.process(to_pcm16(samples[at : at + 1600]))
    found += endpointer.flush()
    return [e.speech_s for e in found if isinstance(e, SpeechEnded)]


def loud_rooms(tuning: EndpointerTuning) -> dict[str, int]:
    """Per noise, the words cut as segments of their own, of len(SEEDS) * len(WORD_AT_S)."""
    word = tone(0.5, 0.1)
    level = 0.1 / np.sqrt(2) / 10 ** (10 / 20)  # the word 10 dB above the noise
    heard: dict[str, int] = {}
    for noise in ("chatter", "music"):
        heard[noise] = 0
        for seed in SEEDS:
            for at_s in WORD_AT_S:
                rng = np.random.default_rng(seed)
                n = int(3.5 * 16000)
                room = corpus.noise(noise, n, rng) if noise == "chatter" else sounds.music(n, rng)
                samples = (level * room).astype(np.float32)
                at = int(at_s * 16000)
                samples[at : at + len(word)] += word
                heard[noise] += any(0.45 <= v <= 1.5 for v in voiced(tuning, samples))
    return heard


def quiet_room(tuning: EndpointerTuning) -> dict[str, int]:
    """Per word level over the room, the words cut as segments, of len(QUIET_WORDS_AT_S)."""
    heard: dict[str, int] = {}
    for db in QUIET_WORD_DB:
        rng = np.random.default_rng(4)
        samples = (0.01 * rng.standard_normal(12 * 16000)).astype(np.float32)
        word = tone(0.6, 0.01 * np.sqrt(2) * 10 ** (db / 20))
        for at_s in QUIET_WORDS_AT_S:
            at = int(at_s * 16000)
            samples[at : at + len(word)] += word
        heard[f"{db}dB"] = sum(0.5 <= v <= 0.75 for v in voiced(tuning, samples))
    return heard


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--learn-s", type=float, nargs="+", default=[TUNING.learn_s])
    parser.add_argument(
        "--learned-loud-db", type=float, nargs="+", default=[TUNING.learned_loud_db]
    )
    args = parser.parse_args()
    runs: list[dict[str, Any]] = []
    for learn_s in args.learn_s:
        for loud_db in args.learned_loud_db:
            tuning = dataclasses.replace(TUNING, learn_s=learn_s, learned_loud_db=loud_db)
            runs.append(
                {
                    "learn_s": learn_s,
                    "learned_loud_db": loud_db,
                    "loud_room": loud_rooms(tuning),
                    "quiet_room": quiet_room(tuning),
                }
            )
    result = {
        "words_per_loud_room": len(SEEDS) * len(WORD_AT_S),
        "words_in_quiet_room": len(QUIET_WORDS_AT_S),
        "runs": runs,
    }
    print(json.dumps(result) if args.json else json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
