"""How many spoken commands any verdict could get right: the headroom left to the Moonshine
engine's verdict (`engines/moonshine/evidence.py`), and what the model's own ranking allows.

    python benchmarks/ceiling.py [--splits train neural_voices] [--conditions 10dB]

Each command of a split is mixed with noise as benchmarks/commands.py mixes it (same draws), then:
- "accepted_right": the recognizer, fed block by block as `companion listen` does, heard that
  command and nothing else (commands.py's accuracy);
- "best_in_some_judgement": at least one judgement that could decide the utterance had the command
  said as its best phrase, so a verdict that knew when to believe the ranking would take it;
  for the rest, "judgements_of_the_rest" counts their judgements by how each fell short
  ("unheard": no voice, a count or call fit best, chatter; or "wrong": the best phrase);
- "exact_cut_best_of_all" / "exact_cut_best_command": the speech itself, cut where it starts and
  ends with the endpointer's 0.2 s pre-roll either side instead of where the endpointer cut it,
  has the command said as its best phrase of all (counts and calls too) / of the commands alone.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus
from commands import CONDITIONS, SPLITS
from fit_judge import Recorder, Tracing

from companion.audio.pcm import to_pcm16
from companion.speech_in.capture import BLOCK_S
from companion.speech_in.endpoint import TUNING as ENDPOINTER
from companion.speech_in.engines.moonshine.engine import MoonshineEngine, Unheard, padded
from companion.speech_in.vocabulary import load_vocabulary


def measure(engine: MoonshineEngine, split: str, conditions: set[str]) -> dict[str, dict[str, Any]]:
    voices, speeds, noises = SPLITS[split]
    phrases = {p: c.value for p, c in engine.vocabulary.phrases.items()}
    utterances = corpus.build(phrases, voices, speeds)
    recorder = Recorder(engine)
    rng = np.random.default_rng(1)
    step = int(16000 * BLOCK_S)
    result: dict[str, dict[str, Any]] = {}
    for name, snr in CONDITIONS:
        counts: Counter[str] = Counter()
        short: Counter[str] = Counter()
        for index, utterance in enumerate(utterances):
            # Every condition is mixed, measured or not, so the draws match commands.py's.
            samples = corpus.mix(utterance, snr, noises[index % len(noises)], rng)
            if name not in conditions or utterance.expected is None:
                continue
            counts["commands"] += 1
            recorder.weighed.clear()
            recognizer = Tracing(recorder)
            heard = set()
            for begin in range(0, len(samples), step):
                found = recognizer.accept(to_pcm16(samples[begin : begin + step]))
                heard |= {phrases.get(found.text, found.text)} if found else set()
            found = recognizer.finish()
            heard |= {phrases.get(found.text, found.text)} if found else set()
            counts["accepted_right"] += heard == {utterance.expected}
            bests = {phrases[w[0]] for w in recognizer.decided if isinstance(w, tuple)}
            if utterance.expected in bests:
                counts["best_in_some_judgement"] += 1
            else:
                short.update(
                    f"unheard: {w.value}"
                    if isinstance(w, Unheard)
                    else f"wrong: {phrases[w[0]] if isinstance(w, tuple) else w.phrase}"
                    for w in recognizer.decided
                )
                if not recognizer.decided:
                    short["no judgement decided it"] += 1
            begin = int((corpus.LEAD_S - ENDPOINTER.preroll_s) * 16000)
            end = int((utterance.speech_end_s + ENDPOINTER.preroll_s) * 16000)
            ranked = engine.ranked(padded(samples[begin:end]))
            best_command = next(p for p in ranked if p in phrases)
            counts["exact_cut_best_of_all"] += phrases.get(ranked[0]) == utterance.expected
            counts["exact_cut_best_command"] += phrases[best_command] == utterance.expected
        if name in conditions:
            total = counts.pop("commands")
            result[name] = {
                "commands": total,
                **{k: round(v / total, 4) for k, v in sorted(counts.items())},
                # Per judgement, for the commands no judgement had as its best phrase.
                "judgements_of_the_rest": dict(short.most_common()),
            }
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--splits", nargs="+", default=["train"], choices=list(SPLITS))
    names = [name for name, _ in CONDITIONS]
    parser.add_argument("--conditions", nargs="+", default=["10dB"], choices=names)
    args = parser.parse_args()
    engine = MoonshineEngine.load(load_vocabulary("en"))
    result = {split: measure(engine, split, set(args.conditions)) for split in args.splits}
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
