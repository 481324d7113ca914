"""Echo cancellation with the real WebRTC AEC3: what the player wrote is subtracted from a
microphone that hears it through a delayed, reverberant, distorted path."""

from __future__ import annotations

import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest

from companion.audio.echo import EchoCanceller, PlaybackReference
from companion.audio.pcm import Samples
from companion.audio.resample import resample

PLAYER_RATE = 48000
MIC_RATE = 16000
ORIGIN = 100.0  # monotonic time of the player's frame 0


def test_the_reference_reads_back_what_was_written_and_silence_elsewhere() -> None:
    reference = PlaybackReference()
    reference.open(10)  # 4 s of history: 40 frames
    reference.write(np.arange(1, 31, dtype=np.float32), frame=0, origin=ORIGIN)
    assert reference.frame_at(ORIGIN + 1.0) == 10
    assert list(reference.read(28, 4)) == [29, 30, 0, 0]  # not written yet: silence
    reference.write(np.arange(31, 51, dtype=np.float32), frame=30, origin=ORIGIN)
    assert list(reference.read(8, 4)) == [0, 0, 11, 12]  # frames 0-9 have left the ring
    assert list(reference.read(38, 4)) == [39, 40, 41, 42]  # across the ring's seam


def test_a_block_longer_than_the_history_keeps_its_end() -> None:
    reference = PlaybackReference()
    reference.open(10)
    reference.write(np.arange(1, 101, dtype=np.float32), frame=0, origin=ORIGIN)
    assert list(reference.read(58, 4)) == [0, 0, 61, 62]
    assert list(reference.read(98, 4)) == [99, 100, 0, 0]


def _speech(tmp: Path, voice: str, text: str) -> np.ndarray:
    path = tmp / f"{voice}.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-w", str(path), text], check=True)
    with wave.open(str(path)) as w:
        pcm = np.frombuffer(w.readframes(w.getnframes()), "<i2") / 32768
        rate = w.getframerate()
    return resample(pcm.astype(np.float32), rate, PLAYER_RATE)


def _room(seconds: float, rng: np.random.Generator) -> Samples:
    """A room's impulse response: the direct path, then reverberation decaying 60 dB by the end."""
    n = round(seconds * MIC_RATE)
    decay = np.exp(-6.9 * np.arange(n) / n)
    h = rng.standard_normal(n) * decay * 0.3
    h[0] = 1.0
    room: Samples = (h / np.sqrt(np.sum(h**2))).astype(np.float32)
    return room


@pytest.mark.parametrize("delay_s", [0.01, 0.05])
def test_the_companions_voice_is_removed_and_the_persons_kept(
    tmp_path: Path, delay_s: float
) -> None:
    rng = np.random.default_rng(7)
    spoken = _speech(
        tmp_path,
        "en-us+m3",
        "One. Two. Three. Four. Five. Drive through your heels. Ribs down. "
        "Rest for sixty seconds. Next: set two of three, Romanian deadlift. "
        "One. Two. Three. Four. Five. Keep your ribs down.",
    )
    person = resample(_speech(tmp_path, "en-gb+f2", "stop. my back hurts"), PLAYER_RATE, MIC_RATE)
    reference = PlaybackReference()
    reference.open(PLAYER_RATE)
    block_out = 2400  # the player writes 50 ms blocks, 50 ms ahead of the speaker
    written = 0
    # The microphone: the played voice (at the player's half volume) through a delayed room with
    # a soft-clipping speaker, as loud as the person, who speaks under it from second 13 on.
    played = resample(spoken, PLAYER_RATE, MIC_RATE) * 0.5
    clipped = np.tanh(2.0 * played) / np.tanh(2.0)
    echo = np.convolve(clipped, _room(0.3, rng))[: len(played)]
    lag = round(delay_s * MIC_RATE)
    echo = np.concatenate([np.zeros(lag), echo])[: len(played)].astype(np.float32)
    mic = echo.copy()
    at = 13 * MIC_RATE
    mic[at : at + len(person)] += person * np.sqrt(np.mean(echo**2) / np.mean(person**2))
    canceller = EchoCanceller(reference, MIC_RATE)
    out = []
    block_in = 800
    voiced = {}  # seconds of another voice the canceller found in the second before each block
    for i in range(0, len(mic) - block_in + 1, block_in):
        while written < (i + block_in) * 3 + block_out:
            chunk = (spoken[written : written + block_out] * 0.5).astype(np.float32)
            reference.write(chunk, frame=written, origin=ORIGIN)
            written += block_out
        out.append(canceller.process(mic[i : i + block_in], ORIGIN + i / MIC_RATE))
        found = canceller.last_voice(ORIGIN + (i + block_in) / MIC_RATE - 1.0)
        voiced[i] = found[1] - found[0] if found is not None else 0.0
    cleaned = np.concatenate(out)

    def power(x: Samples) -> float:
        return float(np.mean(np.square(x)))

    # The adaptive filter converges within the first ten seconds of the companion's speech (a
    # session's briefing is longer), then takes most of the echo out.
    settled = slice(10 * MIC_RATE, at)
    assert 10 * np.log10(power(echo[settled]) / power(cleaned[settled])) > 15
    # The person's words come through whole while the companion talks over them: nothing
    # suppresses them, so they match what was said sample for sample (in level and in shape).
    said = mic[at : at + len(person)] - echo[at : at + len(person)]
    heard = cleaned[at : at + len(person)]
    assert abs(10 * np.log10(power(heard) / power(said))) < 2
    assert np.corrcoef(heard, said)[0, 1] > 0.8
    # ...and the canceller can tell: much of another voice while the person talks, next to none
    # in the companion's voice alone once the filter has converged.
    after_words = at + len(person) - len(person) % block_in
    assert voiced[after_words] > 0.25
    alone = [seconds for i, seconds in voiced.items() if 11 * MIC_RATE <= i < at]
    assert max(alone) < 0.1
