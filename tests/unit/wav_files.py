"""WAV files written byte by byte, in the encodings real tools write, for the reader's tests
(`test_audio_wav.py`) and `companion listen --json`'s (`test_speech_in_files.py`)."""

from __future__ import annotations

import struct
import wave
from pathlib import Path

import numpy as np

RATE = 16000
TONE = 0.3 * np.sin(2 * np.pi * 440 * np.arange(RATE) / RATE)
# The tail of every standard WAVE_FORMAT_EXTENSIBLE sub-format GUID (after its 2-byte tag).
GUID_TAIL = bytes.fromhex("000000001000800000aa00389b71")


def fmt_chunk(tag: int, channels: int, rate: int, bits: int, extensible: bool = False) -> bytes:
    """A fmt chunk; `extensible` writes it the way sox and ffmpeg do for 24-bit or stereo."""
    block = channels * bits // 8
    plain = struct.pack("<HHIIHH", tag, channels, rate, rate * block, block, bits)
    if not extensible:
        return b"fmt " + struct.pack("<I", len(plain)) + plain
    body = plain[2:] + struct.pack("<HHI", 22, bits, 3) + struct.pack("<H", tag) + GUID_TAIL
    return b"fmt " + struct.pack("<I", 2 + len(body)) + struct.pack("<H", 0xFFFE) + body


def write_riff(path: Path, *chunks: bytes) -> Path:
    body = b"WAVE" + b"".join(chunks)
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)
    return path


def data_chunk(data: bytes, declared: int | None = None) -> bytes:
    """`declared`: a size larger than the data, as a writer killed mid-recording leaves."""
    if declared is not None:
        return b"data" + struct.pack("<I", declared) + data
    return b"data" + struct.pack("<I", len(data)) + data + b"\0" * (len(data) % 2)


def pcm24(samples: np.ndarray) -> bytes:
    words = np.frombuffer((samples * (2**23 - 1)).astype("<i4").tobytes(), np.uint8)
    return words.reshape(-1, 4)[:, :3].tobytes()


def write_pcm16(path: Path, samples: np.ndarray, rate: int = RATE) -> Path:
    """With Python's own `wave`, so the plain case does not rest on this file's RIFF writer."""
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(rate)
        handle.writeframes((samples * 32767).astype("<i2").tobytes())
    return path


HEADER = b"RIFF\0\0\0\0WAVE"
PCM16 = fmt_chunk(1, 1, RATE, 16)
