"""Audio in, commands out: the one path shared by the microphone, `companion listen FILE` and
`benchmarks/commands.py`.

`CommandStream` joins a recognizer and the matcher; `recognise_samples` runs a whole recording
through a fresh one in real-time-sized blocks (without sleeping) and notes how much audio had been
consumed at each decision.
"""

from __future__ import annotations

import struct
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from companion.domain.events import Command
from companion.speech_in.capture import BLOCK_S, Resampler, Samples, from_pcm16, to_pcm16
from companion.speech_in.engine import SAMPLE_RATE, Engine, Recognizer
from companion.speech_in.matcher import Decision, Hypothesis, Matcher


class CommandStream:
    def __init__(self, recognizer: Recognizer, matcher: Matcher) -> None:
        self._recognizer = recognizer
        self._matcher = matcher
        self.consumed_s = 0.0  # audio fed since the start

    @classmethod
    def fresh(cls, engine: Engine, stable_s: float = 0.2) -> CommandStream:
        return cls(engine.recognizer(), Matcher(engine.vocabulary, stable_s))

    def feed(self, pcm: bytes) -> Decision | None:
        self.consumed_s += len(pcm) / 2 / SAMPLE_RATE
        return self._decide(self._recognizer.accept(pcm))

    def finish(self) -> Decision | None:
        return self._decide(self._recognizer.finish())

    def reset(self) -> None:
        self._recognizer.reset()
        self._matcher.reset()

    def _decide(self, hypothesis: Hypothesis | None) -> Decision | None:
        if hypothesis is None:
            return None
        return self._matcher.feed(hypothesis, self.consumed_s)


@dataclass(frozen=True)
class FileCommand:
    command: Command
    heard: str
    at_s: float
    # When a live listener would have decided: each block is processed once it has arrived and
    # the blocks before it are done, so slow work on one block delays the ones queued behind it.
    live_s: float = 0.0

    def as_json(self) -> dict[str, Any]:
        return {"command": self.command.value, "heard": self.heard, "at_s": round(self.at_s, 3)}


WAVE_PCM, WAVE_FLOAT, WAVE_EXTENSIBLE = 0x0001, 0x0003, 0xFFFE
# WAVE_FORMAT_EXTENSIBLE names the real format in a GUID: its first two bytes are the format tag,
# these are the other fourteen for every standard one (KSDATAFORMAT_SUBTYPE_PCM, _IEEE_FLOAT, ...).
EXTENSIBLE_GUID_TAIL = bytes.fromhex("000000001000800000aa00389b71")
# Speech needs at least telephone-like 4 kHz; no recorder goes past 768 kHz. Outside this, a
# header is broken, and resampling would divide by zero (0 Hz) or blow up the audio's length.
MIN_RATE, MAX_RATE = 4000, 768000
CONVERT_ADVICE = "convert it to 16-bit PCM, e.g. sox IN.wav -e signed-integer -b 16 OUT.wav"


def read_wav(path: Path) -> tuple[Samples, int]:
    """Mono float samples and the rate of a WAV file with any number of channels: integer PCM
    (8/16/24/32-bit) or float (32/64-bit), plain or WAVE_FORMAT_EXTENSIBLE (what sox and ffmpeg
    write for 24-bit and multichannel audio; Python's `wave` refuses it, hence our own parser).

    Raises ValueError naming the file and the problem for anything else: not a WAV, another
    encoding (A-law, ADPCM, ...), no channels or a rate outside MIN_RATE..MAX_RATE Hz.
    """
    try:
        return decode_wav(path.read_bytes())
    except (OSError, ValueError) as err:
        problem = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
        raise ValueError(f"cannot read {path}: {problem}") from err


def decode_wav(riff: bytes) -> tuple[Samples, int]:
    """`read_wav` on the bytes of a file; the ValueError says what is wrong, not where."""
    if len(riff) < 12 or riff[:4] != b"RIFF" or riff[8:12] != b"WAVE":
        raise ValueError("not a WAV file (no RIFF/WAVE header)")
    chunks = riff_chunks(riff)
    fmt, raw = chunks.get(b"fmt "), chunks.get(b"data")
    if fmt is None or len(fmt) < 16 or raw is None:
        raise ValueError("not a WAV file (no complete fmt and data chunks)")
    tag, channels, rate, _, _, bits = struct.unpack_from("<HHIIHH", fmt)
    if tag == WAVE_EXTENSIBLE and len(fmt) >= 40 and fmt[26:40] == EXTENSIBLE_GUID_TAIL:
        (tag,) = struct.unpack_from("<H", fmt, 24)
    if channels == 0:
        raise ValueError("the header says 0 channels")
    if not MIN_RATE <= rate <= MAX_RATE:
        raise ValueError(f"sample rate {rate} Hz is outside {MIN_RATE}..{MAX_RATE} Hz")
    width = (bits + 7) // 8  # bytes per sample; a 20-bit sample takes 3
    integer, floating = tag == WAVE_PCM and 1 <= width <= 4, tag == WAVE_FLOAT and width in (4, 8)
    if not (integer or floating):
        raise ValueError(f"unsupported encoding (format {tag:#06x}, {bits}-bit); {CONVERT_ADVICE}")
    frame = width * channels
    raw = raw[: len(raw) // frame * frame]  # a recorder killed mid-frame leaves a partial one
    data: Samples
    if floating:
        data = np.frombuffer(raw, f"<f{width}").astype(np.float32)
    elif width == 1:
        data = ((np.frombuffer(raw, np.uint8).astype(np.float32) - 128) / 128).astype(np.float32)
    elif width == 2:
        data = from_pcm16(raw)
    elif width == 3:
        bytes3 = np.frombuffer(raw, np.uint8).reshape(-1, 3)
        joined = (
            bytes3[:, 0].astype(np.int32)
            | (bytes3[:, 1].astype(np.int32) << 8)
            | (bytes3[:, 2].astype(np.int32) << 16)
        )
        data = (np.where(joined >= 1 << 23, joined - (1 << 24), joined) / float(1 << 23)).astype(
            np.float32
        )
    else:
        data = (np.frombuffer(raw, "<i4") / float(1 << 31)).astype(np.float32)
    return data.reshape(-1, channels).mean(axis=1).astype(np.float32), rate


def riff_chunks(riff: bytes) -> dict[bytes, bytes]:
    """The chunks after a RIFF header, by id (the first of each). One that runs past the end of
    the file is cut short: that is how a recording whose writer was killed ends."""
    chunks: dict[bytes, bytes] = {}
    at = 12
    while at + 8 <= len(riff):
        (size,) = struct.unpack_from("<I", riff, at + 4)
        chunks.setdefault(riff[at : at + 4], riff[at + 8 : at + 8 + size])
        at += 8 + size + size % 2  # chunks are padded to an even length
    return chunks


def recognise_samples(
    engine: Engine, samples: Samples, rate: int, block_s: float = BLOCK_S
) -> list[FileCommand]:
    """Run one recording through a fresh recognizer, block by block as a microphone would."""
    stream = CommandStream.fresh(engine)
    resampler = Resampler(rate)
    step = max(1, int(rate * block_s))
    found: list[FileCommand] = []
    live = 0.0  # the simulated live clock: audio time, plus any backlog of processing
    for begin in range(0, len(samples), step):
        pcm = to_pcm16(resampler.process(samples[begin : begin + step]))
        began = time.perf_counter()
        decision = stream.feed(pcm)
        live = max(live, stream.consumed_s) + time.perf_counter() - began
        if decision is not None:
            found.append(FileCommand(decision.command, decision.heard, stream.consumed_s, live))
    began = time.perf_counter()
    decision = stream.finish()
    live = max(live, stream.consumed_s) + time.perf_counter() - began
    if decision is not None:
        found.append(FileCommand(decision.command, decision.heard, stream.consumed_s, live))
    return found


def recognise_file(engine: Engine, path: str) -> dict[str, Any]:
    """One JSON-ready line for `companion listen --json`; unreadable files give an error."""
    line: dict[str, Any] = {"file": path, "engine": engine.name}
    try:
        samples, rate = read_wav(Path(path))
    except ValueError as err:
        line["error"] = str(err)
        return line
    line["commands"] = [c.as_json() for c in recognise_samples(engine, samples, rate)]
    return line
