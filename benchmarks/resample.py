"""Speed and exactness of soxr's quality settings, on the conversions the companion makes.

    python benchmarks/resample.py [--json] [--repeat 20]

The companion uses the one named by `companion.audio.resample.QUALITY` (marked "*"). The same
script at commit ac5062c also ran the hand-written resamplers soxr replaced; its numbers, and why
soxr and this setting won, are in benchmarks/TUNING.md, "Resampling".

The conversions:
- mic: a microphone (or WAV file) at 48 or 44.1 kHz, or an espeak-ng recording at 22.05 kHz,
  streamed to the recognisers' 16 kHz in the 50 ms blocks `capture.Capture` delivers;
- clip: a rendered 22.05 kHz clip converted whole to the output stream's 48 or 44.1 kHz.

Measured per candidate:
- ms: median wall time (of --repeat runs) to convert one second of audio (mic: 20 blocks of
  50 ms through one stream; clip: a 1.37 s clip of an arbitrary length, as rendered speech has);
- worst_snr_db: tones across the band that survives (100 Hz up to 90 % of the lower Nyquist),
  each fitted by the best sinusoid of its frequency; the worst ratio of that sinusoid to what is
  left over (distortion, aliases, noise). Higher is better;
- gain_db: the worst deviation of a passband tone's amplitude from the input's;
- alias_db: level of the output, relative to the input, for tones that cannot exist at the new
  rate (mic: 9 and 11 kHz, which would fold to 7 and 5 kHz) or of the images above the old
  Nyquist (clip: a 5 kHz tone upsampled). Lower is better;
- lag_ms_mean, lag_ms_max (streams only): audio held back inside the stream after each block,
  plus any shift of the waveform: how much later than the microphone the recogniser hears;
- seams: the largest difference between the stream's output in 50 ms blocks and its output for
  the whole signal at once (0 = blocks leave no trace).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from functools import partial

import numpy as np
import soxr

from companion.audio.pcm import Samples
from companion.audio.resample import QUALITY
from companion.speech_in.capture import BLOCK_S

Convert = Callable[[Samples], Samples]
MakeConvert = Callable[[int, int], Convert]


def soxr_stream(quality: str) -> MakeConvert:
    def make(source: int, target: int) -> Convert:
        stream = soxr.ResampleStream(source, target, 1, dtype="float32", quality=quality)

        def convert(block: Samples) -> Samples:
            out: Samples = stream.resample_chunk(block)
            return out

        return convert

    return make


def soxr_clip(quality: str) -> MakeConvert:
    def make(source: int, target: int) -> Convert:
        def convert(samples: Samples) -> Samples:
            out: Samples = soxr.resample(samples, source, target, quality=quality)
            return out

        return convert

    return make


def label(quality: str) -> str:
    return f"{quality}*" if quality == QUALITY else quality


QUALITIES = ("LQ", "MQ", "HQ", "VHQ")
STREAMS = {label(quality): soxr_stream(quality) for quality in QUALITIES}
CLIPS = {label(quality): soxr_clip(quality) for quality in QUALITIES}


def tone(freq: float, rate: int, seconds: float) -> Samples:
    return (0.5 * np.sin(2 * np.pi * freq * np.arange(int(rate * seconds)) / rate)).astype(
        np.float32
    )


def streamed(make: MakeConvert, source: int, target: int, samples: Samples) -> Samples:
    convert = make(source, target)
    step = int(source * BLOCK_S)
    return np.concatenate([convert(samples[i : i + step]) for i in range(0, len(samples), step)])


def fit(out: Samples, freq: float, rate: int) -> tuple[float, float]:
    """(amplitude of the best sinusoid at `freq`, RMS of the rest), away from the edges."""
    edge = rate // 10
    part = out[edge:-edge].astype(np.float64)
    t = (np.arange(len(part)) + edge) / rate
    basis = np.stack([np.sin(2 * np.pi * freq * t), np.cos(2 * np.pi * freq * t)], axis=1)
    coef, *_ = np.linalg.lstsq(basis, part, rcond=None)
    rest = part - basis @ coef
    return float(np.hypot(*coef)), float(np.sqrt(np.mean(rest**2)))


def db(ratio: float) -> float:
    return round(20 * float(np.log10(max(ratio, 1e-12))), 1)


def exactness(convert: Callable[[Samples], Samples], source: int, target: int) -> dict[str, float]:
    top = 0.9 * min(source, target) / 2
    snrs, gains = [], []
    for freq in (100.0, 440.0, 1000.0, 3000.0, top / 2, top):
        amplitude, rest = fit(convert(tone(freq, source, 1.0)), freq, target)
        snrs.append(db(amplitude / max(rest, 1e-12)))
        gains.append(db(amplitude / 0.5))
    if target < source:  # tones above the new Nyquist must vanish, not fold down
        above = [9000.0, 11000.0] if target == 16000 else [0.55 * target, 0.7 * target]
        alias = max(
            float(np.sqrt(np.mean(convert(tone(f, source, 1.0))[target // 10 :] ** 2)))
            for f in above
            if f < source / 2
        )
    else:  # upsampling: nothing may appear above the old Nyquist
        out = convert(tone(5000.0, source, 1.0))[target // 10 : -target // 10]
        spectrum = np.abs(np.fft.rfft(out * np.hanning(len(out))))
        freqs = np.fft.rfftfreq(len(out), 1 / target)
        alias = float(spectrum[freqs > source / 2 * 1.02].max() / spectrum.max()) * 0.5
    return {
        "worst_snr_db": min(snrs),
        "gain_db": max(gains, key=abs),
        "alias_db": db(alias / (0.5 / np.sqrt(2)) if target < source else alias / 0.5),
    }


def timed(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        run()
        times.append(time.perf_counter() - began)
    return round(statistics.median(times) * 1000, 3)


def lag_ms(make: MakeConvert, source: int, target: int) -> dict[str, float]:
    """How far the output runs behind the input after each of 3 s of 50 ms blocks (audio held
    back inside the stream), plus any shift of the waveform itself: mean and worst."""
    convert = make(source, target)
    step = int(source * BLOCK_S)
    click = np.zeros(3 * source, np.float32)
    click[source] = 1.0  # at 1 s: where it comes out shows the shift
    outs, held = [], []
    for begin in range(0, len(click), step):
        outs.append(convert(click[begin : begin + step]))
        fed = min(begin + step, len(click))
        held.append(fed * target / source - sum(len(out) for out in outs))
    shift = int(np.argmax(np.abs(np.concatenate(outs)))) - target
    return {
        "lag_ms_mean": round((float(np.mean(held)) + shift) / target * 1000, 2),
        "lag_ms_max": round((max(held) + shift) / target * 1000, 2),
    }


def seams(make: MakeConvert, source: int, target: int) -> float:
    rng = np.random.default_rng(0)
    noise = (0.3 * rng.standard_normal(source)).astype(np.float32)
    blocks = streamed(make, source, target, noise)
    whole = make(source, target)(noise)
    n = min(len(blocks), len(whole))
    return float(np.max(np.abs(blocks[:n] - whole[:n])))


def measure(repeat: int) -> dict[str, dict[str, dict[str, float]]]:
    results: dict[str, dict[str, dict[str, float]]] = {}
    rng = np.random.default_rng(1)
    for source in (48000, 44100, 22050):
        case = f"mic {source} -> 16000, 50 ms blocks"
        second = (0.3 * rng.standard_normal(source)).astype(np.float32)
        results[case] = {}
        for name, make in STREAMS.items():
            row = exactness(partial(streamed, make, source, 16000), source, 16000)
            row["ms"] = timed(partial(streamed, make, source, 16000, second), repeat)
            row.update(lag_ms(make, source, 16000))
            row["seams"] = seams(make, source, 16000)
            results[case][name] = row
    clip = (0.3 * rng.standard_normal(30211)).astype(np.float32)  # 1.37 s at 22.05 kHz
    for target in (48000, 44100):
        case = f"clip 22050 -> {target}, whole"
        results[case] = {}
        for name, make in CLIPS.items():
            convert = make(22050, target)
            row = exactness(convert, 22050, target)
            row["ms"] = timed(partial(convert, clip), repeat)
            results[case][name] = row
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="one JSON object instead of a table")
    parser.add_argument("--repeat", type=int, default=20, help="timed runs per candidate")
    args = parser.parse_args()
    results = measure(args.repeat)
    if args.json:
        print(json.dumps(results, indent=1))
        return
    for case, rows in results.items():
        print(case)
        for name, row in rows.items():
            print(f"  {name:12}", "  ".join(f"{key} {value}" for key, value in row.items()))


if __name__ == "__main__":
    main()
