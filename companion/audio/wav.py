"""WAV files: reading any common PCM or float WAV as mono samples, and writing 16-bit mono.

Readers: `companion listen FILE` and the benchmarks (`speech_in.pipeline`), the clip cache and the
rendered-clip check (`speech_out.clips`, `speech_out.render`). Writer: the clip cache.
"""

from __future__ import annotations

import os
import struct
import tempfile
import wave
from pathlib import Path

import numpy as np

from companion.audio.pcm import Samples, from_pcm, to_pcm16

WAVE_PCM, WAVE_FLOAT, WAVE_EXTENSIBLE = 0x0001, 0x0003, 0xFFFE
# WAVE_FORMAT_EXTENSIBLE names the real format in a GUID: its first two bytes are the format tag,
# these are the other fourteen for every standard one (KSDATAFORMAT_SUBTYPE_PCM, _IEEE_FLOAT, ...).
EXTENSIBLE_GUID_TAIL = bytes.fromhex("000000001000800000aa00389b71")
# Speech needs at least telephone-like 4 kHz; no recorder goes past 768 kHz. Outside this, a
# header is broken, and resampling would divide by zero (0 Hz) or blow up the audio's length.
MIN_RATE, MAX_RATE = 4000, 768000
CONVERT_ADVICE = "convert it to 16-bit PCM, e.g. sox IN.wav -e signed-integer -b 16 OUT.wav"


def read_wav(path: Path, *, whole: bool = False) -> tuple[Samples, int]:
    """Mono float samples and the rate of a WAV file with any number of channels: integer PCM
    (8/16/24/32-bit) or float (32/64-bit), plain or WAVE_FORMAT_EXTENSIBLE (what sox and ffmpeg
    write for 24-bit and multichannel audio; Python's `wave` refuses it, hence our own parser).

    A file shorter than its header says is read as far as it goes (a recorder that was killed
    leaves one), unless `whole`: a clip that is still being written must not pass for a short one.

    Raises ValueError naming the file and the problem for anything else: not a WAV, another
    encoding (A-law, ADPCM, ...), no channels or a rate outside MIN_RATE..MAX_RATE Hz.
    """
    try:
        return decode_wav(path.read_bytes(), whole=whole)
    except (OSError, ValueError) as err:
        problem = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
        raise ValueError(f"cannot read {path}: {problem}") from err


def decode_wav(riff: bytes, *, whole: bool = False) -> tuple[Samples, int]:
    """`read_wav` on the bytes of a file; the ValueError says what is wrong, not where."""
    if len(riff) < 12 or riff[:4] != b"RIFF" or riff[8:12] != b"WAVE":
        raise ValueError("not a WAV file (no RIFF/WAVE header)")
    chunks = _chunks(riff)
    fmt, data = chunks.get(b"fmt "), chunks.get(b"data")
    if fmt is None or len(fmt[0]) < 16 or data is None:
        raise ValueError("not a WAV file (no complete fmt and data chunks)")
    tag, channels, rate, _, _, bits = struct.unpack_from("<HHIIHH", fmt[0])
    if tag == WAVE_EXTENSIBLE and len(fmt[0]) >= 40 and fmt[0][26:40] == EXTENSIBLE_GUID_TAIL:
        (tag,) = struct.unpack_from("<H", fmt[0], 24)
    if channels == 0:
        raise ValueError("the header says 0 channels")
    if not MIN_RATE <= rate <= MAX_RATE:
        raise ValueError(f"sample rate {rate} Hz is outside {MIN_RATE}..{MAX_RATE} Hz")
    width = (bits + 7) // 8  # bytes per sample; a 20-bit sample takes 3
    integer, floating = tag == WAVE_PCM and 1 <= width <= 4, tag == WAVE_FLOAT and width in (4, 8)
    if not (integer or floating):
        raise ValueError(f"unsupported encoding (format {tag:#06x}, {bits}-bit); {CONVERT_ADVICE}")
    raw, declared = data
    frame = width * channels
    if whole and len(raw) < declared // frame * frame:
        raise ValueError(f"{len(raw)} bytes of audio, the header says {declared}")
    raw = raw[: len(raw) // frame * frame]  # a recorder killed mid-frame leaves a partial one
    if floating:
        samples = np.frombuffer(raw, f"<f{width}").astype(np.float32)
    else:
        samples = from_pcm(raw, width)
    return samples.reshape(-1, channels).mean(axis=1).astype(np.float32), rate


def _chunks(riff: bytes) -> dict[bytes, tuple[bytes, int]]:
    """The chunks after a RIFF header, by id (the first of each), with the size each declares.
    One that runs past the end of the file is cut short: that is how a recording whose writer
    was killed ends."""
    chunks: dict[bytes, tuple[bytes, int]] = {}
    at = 12
    while at + 8 <= len(riff):
        (size,) = struct.unpack_from("<I", riff, at + 4)
        chunks.setdefault(riff[at : at + 4], (riff[at + 8 : at + 8 + size], size))
        at += 8 + size + size % 2  # chunks are padded to an even length
    return chunks


def write_wav(path: Path, samples: Samples, rate: int) -> None:
    """16-bit mono, written atomically: a reader never sees a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle, wave.open(handle, "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(rate)
            wav.writeframes(to_pcm16(samples))
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
