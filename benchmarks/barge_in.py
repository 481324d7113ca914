"""Barge-in: is a safety phrase heard while the companion speaks, and does its own voice ever
command it?

    python benchmarks/barge_in.py --json [--minutes 5] [--soak-minutes 60] [--levels 0 5 10]

The companion's speech is the real stream of a session: `Session` runs the hip-thrust and
runner workouts (counted sets, rests, cues, the briefing and setup said between them) on a
simulated clock, each `Speak` is rendered by espeak-ng in the companion's default voice, and the
player's own `Mixer` plays them, so counts cut cues and cancellations land as they would live.
That stream reaches the microphone through a simulated echo path: a delay (5-60 ms), a room
(RT60 0.3-0.6 s), a soft-clipping speaker, 0, 5 or 10 dB louder at the microphone than the
person, with music 20 dB under the person. The person's safety phrases ("pain", "my back hurts",
"that hurts", "I feel pain", "ouch", "stop workout", "stop", "stop stop") are said at
random moments while the companion speaks, in flite's and the neural voices, none of which any
knob was tuned on. The microphone audio then goes through `speech_in.hearing.Hearing` exactly as
the live listener runs it: the echo canceller fed from a `PlaybackReference` written as the
player writes it, the self-voice gate fed the mixer's clip events, the default English engine.

Printed (JSON with --json):
- per speaker level: safety phrases heard (the right command within 2 s of the phrase's end),
  the latency from the phrase's end (p50, p90), and other commands decided meanwhile;
- echo reduction: the echo's power before and after the canceller where the companion speaks
  and nobody else does (dB);
- own-voice commands per hour: the companion's stream alone (no person) for --soak-minutes;
- cpu: CPU seconds per second of audio for the whole hearing path.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus

from companion.audio.echo import EchoCanceller, PlaybackReference
from companion.audio.pcm import Samples
from companion.audio.resample import resample
from companion.audio.wav import read_wav
from companion.domain.effects import CancelSpeech, Speak, StepKind
from companion.domain.events import Command, CommandGiven, Start, Tick
from companion.domain.session import Session
from companion.library import load_library
from companion.speech_in.capture import Block
from companion.speech_in.engine import SAMPLE_RATE, EngineName
from companion.speech_in.gate import SelfVoiceGate
from companion.speech_in.hearing import Hearing
from companion.speech_in.listener import choose_engine
from companion.speech_in.matcher import Decision
from companion.speech_in.settings import ListenSettings
from companion.speech_out.player import ClipEvent, Item, Mixer, playback
from companion.speech_out.port import Playback

OUT_RATE = 48000  # the player's stream
BLOCK_OUT = 2400  # the player writes 50 ms a callback, one buffer ahead of the speaker
BLOCK_IN = 800  # the microphone delivers 50 ms blocks at 16 kHz
WORKOUTS = ("hip-thrust", "runner-posterior-chain")
PERSON_VOICES = ("flite:slt", "flite:rms", "flite:awb", "piper:joe", "hibari:heart")
SAFETY = {
    "pain": Command.PAIN,
    "my back hurts": Command.PAIN,
    "that hurts": Command.PAIN,
    "i feel pain": Command.PAIN,
    "stop workout": Command.STOP,
    "stop": Command.HALT,
    "stop stop": Command.HALT,
    "ouch": Command.PAIN,
}
HEARD_WITHIN_S = 2.0
MUSIC_BELOW_PERSON_DB = 20.0


@cache
def companion_clip(text: str) -> Samples:
    """`text` as the companion says it: espeak-ng's default voice at its default rate."""
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "x.wav"
        subprocess.run(["espeak-ng", "-w", str(path), text], check=True)
        samples, rate = read_wav(path)
    return (resample(samples, rate, OUT_RATE) * 0.5).astype(np.float32)


@dataclass
class Stream:
    """The companion's speech as played: samples at OUT_RATE from time 0, and its clips."""

    samples: Samples
    playbacks: list[Playback]


def companion_stream(seconds: float, rng: np.random.Generator) -> Stream:
    """Sessions one after another until `seconds` of the player's output exist."""
    library = load_library()
    mixer = Mixer(OUT_RATE)
    out = np.zeros(round(seconds * OUT_RATE), np.float32)
    events: list[ClipEvent] = []
    seq = 0
    t = 0.0
    session: Session | None = None
    waiting_since = 0.0
    for frame in range(0, len(out) - BLOCK_OUT + 1, BLOCK_OUT):
        t = frame / OUT_RATE
        if session is None or session.finished:
            workout = library.get(WORKOUTS[int(rng.integers(len(WORKOUTS)))])
            session = Session(workout)
            effects = session.handle(Start(t))
            waiting_since = t
        else:
            effects = session.handle(Tick(t))
        # Steps that wait for the person (briefing, warm-up, setup, a set they pace) are moved
        # on a little after the companion has finished saying them.
        waits = session.step.kind not in (StepKind.REST,) and not mixer.busy
        if waits and t - waiting_since > 2.0 and not _counting(session):
            effects += session.handle(CommandGiven(Command.NEXT, t))
            waiting_since = t
        elif not waits:
            waiting_since = t
        for effect in effects:
            if isinstance(effect, Speak):
                seq += 1
                item = Item(
                    effect.text,
                    companion_clip(effect.text),
                    effect.priority,
                    at=effect.at,
                    group=effect.group,
                    seq=seq,
                )
                mixer.submit(item)
            elif isinstance(effect, CancelSpeech):
                mixer.cancel(effect.group, t, events)
        mixer.fill(out[frame : frame + BLOCK_OUT], t, events)
    return Stream(out, [playback(event) for event in events])


def _counting(session: Session) -> bool:
    """A set the companion counts ends by itself."""
    exercise = session.step.exercise
    return session.step.kind is StepKind.SET and exercise is not None and exercise.tempo.paced


def room(rt60: float, rng: np.random.Generator) -> Samples:
    n = round(rt60 * SAMPLE_RATE)
    h = rng.standard_normal(n) * np.exp(-6.9 * np.arange(n) / n) * 0.3
    h[0] = 1.0
    impulse: Samples = (h / np.sqrt(np.sum(h**2))).astype(np.float32)
    return impulse


def echo_path(played: Samples, rng: np.random.Generator) -> tuple[Samples, dict[str, float]]:
    """The speaker heard at the microphone: soft clipping, a room, a delay (unit level)."""
    delay_ms = float(rng.uniform(5, 60))
    rt60 = float(rng.uniform(0.3, 0.6))
    clipped = np.tanh(2.0 * played) / np.tanh(2.0)
    heard = _convolve(clipped, room(rt60, rng))[: len(played)]
    lag = round(delay_ms * SAMPLE_RATE / 1000)
    echo = np.concatenate([np.zeros(lag, np.float32), heard])[: len(played)]
    return echo.astype(np.float32), {"delay_ms": delay_ms, "rt60_s": rt60}


def _convolve(signal: Samples, impulse: Samples) -> Samples:
    """`np.convolve` by FFT: an hour of audio through a room in seconds, not hours."""
    n = len(signal) + len(impulse) - 1
    size = 1 << (n - 1).bit_length()
    out = np.fft.irfft(np.fft.rfft(signal, size) * np.fft.rfft(impulse, size), size)[:n]
    result: Samples = out.astype(np.float32)
    return result


def music(n: int, rng: np.random.Generator) -> Samples:
    """Something like a gym's music: a bass line, chords and a beat, unit RMS."""
    t = np.arange(n) / SAMPLE_RATE
    beat = 0.5  # 120 bpm
    roots = 55.0 * 2 ** (np.array([0, 5, 7, 3]) / 12)
    bar = (t // (4 * beat)).astype(int) % len(roots)
    root = roots[bar]
    signal = 0.6 * np.sin(2 * np.pi * root * t)
    for ratio in (2.0, 2.52, 3.0):
        signal += 0.25 * np.sin(2 * np.pi * root * ratio * t + rng.uniform(0, 6.3))
    phase = (t % beat) / beat
    kick = np.sin(2 * np.pi * 60 * t) * np.exp(-phase * 25)
    hat = rng.standard_normal(n) * np.exp(-((t + beat / 2) % beat) / beat * 40) * 0.3
    mixed = signal + kick + hat
    unit: Samples = (mixed / np.sqrt(np.mean(mixed**2))).astype(np.float32)
    return unit


@dataclass(frozen=True)
class Said:
    text: str
    voice: str
    command: Command
    start_s: float
    end_s: float


def place_phrases(
    stream: Stream, mic: Samples, every_s: float, rng: np.random.Generator
) -> list[tuple[Said, Samples]]:
    """Safety phrases at random moments while the companion speaks, `every_s` apart or more."""
    spans = [(p.started, p.ended) for p in stream.playbacks if p.ended is not None]
    placed: list[tuple[Said, Samples]] = []
    t = 3.0
    total = len(mic) / SAMPLE_RATE
    while t < total - 4.0:
        inside = [s for s, e in spans if s >= t and e - s > 0.3]
        if not inside:
            break
        start = inside[0] + float(rng.uniform(0.0, 0.3))
        text = list(SAFETY)[int(rng.integers(len(SAFETY)))]
        voice = PERSON_VOICES[int(rng.integers(len(PERSON_VOICES)))]
        speech = corpus.trim(corpus.render(text, voice, int(rng.choice([150, 190]))))
        speech = (speech / np.sqrt(np.mean(speech**2)) * 0.05).astype(np.float32)
        said = Said(text, voice, SAFETY[text], start, start + len(speech) / SAMPLE_RATE)
        placed.append((said, speech))
        t = said.end_s + every_s
    return placed


def hear(
    engine: Any, stream: Stream, mic: Samples, echo_only: Samples
) -> tuple[list[tuple[Command, float]], float, float]:
    """The live path over `mic`: the commands and when, the echo reduction (dB), CPU/audio."""
    now = 0.0
    reference = PlaybackReference()
    reference.open(OUT_RATE)
    gate = SelfVoiceGate(clock=lambda: now)
    canceller = EchoCanceller(reference, SAMPLE_RATE)
    hearing = Hearing(engine, gate, SAMPLE_RATE, canceller)
    pending = sorted(stream.playbacks, key=lambda p: p.ended if p.ended is not None else p.started)
    written = 0
    heard: list[tuple[Command, float]] = []
    cpu = time.process_time()
    for i in range(0, len(mic) - BLOCK_IN + 1, BLOCK_IN):
        started = i / SAMPLE_RATE
        now = started + BLOCK_IN / SAMPLE_RATE
        while written < round(now * OUT_RATE) + BLOCK_OUT:  # the player writes a buffer ahead
            reference.write(stream.samples[written : written + BLOCK_OUT], written, 0.0)
            written += BLOCK_OUT
        while pending and (pending[0].ended or pending[0].started) <= now:
            gate.on_playback(pending.pop(0))
        decision = hearing.feed(Block(mic[i : i + BLOCK_IN], started, now))
        # A near miss or a number acts on nothing.
        if isinstance(decision, Decision) and decision.command is not None:
            heard.append((decision.command, now))
    cpu = time.process_time() - cpu
    return heard, _reduction(stream, echo_only), cpu / (len(mic) / SAMPLE_RATE)


def _reduction(stream: Stream, echo_only: Samples) -> float:
    """Echo power in and out of the canceller, over the whole stream with nobody else talking."""
    reference = PlaybackReference()
    reference.open(OUT_RATE)
    canceller = EchoCanceller(reference, SAMPLE_RATE)
    written = 0
    out = []
    for i in range(0, len(echo_only) - BLOCK_IN + 1, BLOCK_IN):
        now = (i + BLOCK_IN) / SAMPLE_RATE
        while written < round(now * OUT_RATE) + BLOCK_OUT:
            reference.write(stream.samples[written : written + BLOCK_OUT], written, 0.0)
            written += BLOCK_OUT
        out.append(canceller.process(echo_only[i : i + BLOCK_IN], i / SAMPLE_RATE))
    cleaned = np.concatenate(out)
    settle = 2 * SAMPLE_RATE  # AEC3 converges within the first seconds
    speaking = np.abs(echo_only[settle : len(cleaned)]) > 1e-3
    echo_power = float(np.mean(echo_only[settle : len(cleaned)][speaking] ** 2))
    left_power = float(np.mean(cleaned[settle:][speaking] ** 2))
    return float(10 * np.log10(echo_power / max(left_power, 1e-12)))


def trial(
    engine: Any, seconds: float, level_db: float, seed: int, with_person: bool
) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    stream = companion_stream(seconds, rng)
    played = resample(stream.samples, OUT_RATE, SAMPLE_RATE)
    echo, path = echo_path(played, rng)
    person_rms = 0.05
    loud = echo[np.abs(echo) > 1e-3]
    echo = (echo * person_rms * 10 ** (level_db / 20) / np.sqrt(np.mean(loud**2))).astype(
        np.float32
    )
    mic = echo + music(len(echo), rng) * person_rms * 10 ** (-MUSIC_BELOW_PERSON_DB / 20)
    said: list[tuple[Said, Samples]] = []
    if with_person:
        said = place_phrases(stream, mic, every_s=6.0, rng=rng)
        for phrase, speech in said:
            a = round(phrase.start_s * SAMPLE_RATE)
            mic[a : a + len(speech)] += speech
    heard, reduction, cpu = hear(engine, stream, mic.astype(np.float32), echo)
    hits, latencies = [], []
    used: set[int] = set()
    for phrase, _ in said:
        match = next(
            (
                k
                for k, (command, at) in enumerate(heard)
                if k not in used
                and command is phrase.command
                and phrase.start_s <= at <= phrase.end_s + HEARD_WITHIN_S
            ),
            None,
        )
        hits.append(match is not None)
        if match is not None:
            used.add(match)
            latencies.append(heard[match][1] - phrase.end_s)
    others = [command.value for k, (command, _) in enumerate(heard) if k not in used]
    return {
        "level_db": level_db,
        "seconds": seconds,
        "echo_path": path,
        "phrases": len(said),
        "heard": sum(hits),
        "latencies_s": latencies,
        "missed": [
            f"{p.text} / {p.voice}" for (p, _), hit in zip(said, hits, strict=True) if not hit
        ],
        "other_commands": others,
        "echo_reduction_db": reduction,
        "cpu_per_audio_s": cpu,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=5.0, help="of speech per speaker level")
    parser.add_argument("--soak-minutes", type=float, default=60.0, help="own voice alone")
    parser.add_argument("--levels", type=float, nargs="+", default=[0.0, 5.0, 10.0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    engine = choose_engine(ListenSettings(engine=EngineName.AUTO)).load()
    runs = [
        trial(engine, args.minutes * 60, level, args.seed + k, with_person=True)
        for k, level in enumerate(args.levels)
    ]
    soak = trial(engine, args.soak_minutes * 60, max(args.levels), args.seed + 99, False)
    result = {
        "engine": engine.describe(),
        "levels": [
            {
                "speaker_louder_db": r["level_db"],
                "heard": r["heard"],
                "phrases": r["phrases"],
                "heard_share": r["heard"] / max(1, r["phrases"]),
                "latency_p50_s": float(np.median(r["latencies_s"])) if r["latencies_s"] else None,
                "latency_p90_s": float(np.percentile(r["latencies_s"], 90))
                if r["latencies_s"]
                else None,
                "other_commands": r["other_commands"],
                "missed": r["missed"],
                "echo_path": r["echo_path"],
                "echo_reduction_db": r["echo_reduction_db"],
                "cpu_per_audio_s": r["cpu_per_audio_s"],
            }
            for r in runs
        ],
        "own_voice": {
            "minutes": args.soak_minutes,
            "speaker_louder_db": soak["level_db"],
            "commands": soak["other_commands"],
            "commands_per_hour": len(soak["other_commands"]) / (args.soak_minutes / 60),
            "echo_reduction_db": soak["echo_reduction_db"],
            "cpu_per_audio_s": soak["cpu_per_audio_s"],
        },
    }
    print(json.dumps(result, indent=None if args.json else 2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
