"""How long the Moonshine engine takes to judge one utterance, and to load.

Every command phrase and non-command sentence of the vocabulary and corpus, said by one espeak-ng
voice (speed is all that is measured here, so the voice does not matter), is judged the way
the recogniser judges an utterance (`MoonshineEngine.judge` on the padded speech), listening for
every command. Prints one JSON object: the engine's load time, the median and 95th percentile
of a judgement's wall-clock seconds, the same per second of judged audio, and the process's
peak memory. The judgement's latency is most of the latency from the end of a command to its
being taken (the endpointer's pause is the rest), so this is the number to watch when the
engine changes.

    nice python benchmarks/moonshine_speed.py [--rounds 3] [--threads N]

The engine uses onnxruntime's default threads, two on these machines, unless `--threads` says
otherwise; run it on an idle machine. `judge_cpu_per_audio_s` is every thread's CPU time.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import time

import numpy as np
from corpus import NON_COMMANDS, render, trim

from companion.speech_in.engine import SAMPLE_RATE
from companion.speech_in.engines.moonshine.engine import MoonshineEngine, padded
from companion.speech_in.vocabulary import load_vocabulary

VOICE = "en-us"
SPEED = 160


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="times each utterance is judged")
    parser.add_argument("--threads", type=int, default=0, help="onnxruntime's; 0: its default")
    args = parser.parse_args()

    vocabulary = load_vocabulary("en")
    texts = [*vocabulary.phrases, *NON_COMMANDS]
    utterances = [padded(trim(render(text, VOICE, SPEED))) for text in texts]

    started = time.perf_counter()
    engine = MoonshineEngine.load(vocabulary, args.threads)
    load_s = time.perf_counter() - started
    engine.judge(utterances[0])  # the first run sets onnxruntime's buffers up

    seconds: list[float] = []
    per_audio_s: list[float] = []
    cpu_s = audio_s = 0.0
    for _ in range(args.rounds):
        for samples in utterances:
            started, started_cpu = time.perf_counter(), time.process_time()
            engine.judge(samples)
            took = time.perf_counter() - started
            cpu_s += time.process_time() - started_cpu
            audio_s += len(samples) / SAMPLE_RATE
            seconds.append(took)
            per_audio_s.append(took / (len(samples) / SAMPLE_RATE))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "utterances": len(utterances),
                "rounds": args.rounds,
                "mean_audio_s": round(
                    float(np.mean([len(u) for u in utterances])) / SAMPLE_RATE, 2
                ),
                "load_s": round(load_s, 2),
                "judge_s": {
                    "p50": round(statistics.median(seconds), 3),
                    "p95": round(percentile(seconds, 0.95), 3),
                },
                "judge_s_per_audio_s": {
                    "p50": round(statistics.median(per_audio_s), 3),
                    "p95": round(percentile(per_audio_s, 0.95), 3),
                },
                # Every thread's CPU time per second of judged audio.
                "judge_cpu_per_audio_s": round(cpu_s / audio_s, 3),
                "peak_memory_mb": round(peak_mb),
            }
        )
    )


if __name__ == "__main__":
    main()
