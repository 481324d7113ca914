"""WAV files into `read_wav` and `companion listen --json`: the encodings real tools write, and
files that cannot be read (each one an error line, the run going on)."""

from __future__ import annotations

import json
import re
import struct
import wave
from pathlib import Path

import numpy as np
import pytest

from companion.cli import main
from companion.speech_in.pipeline import read_wav

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


def test_extensible_and_float_wavs_read_like_plain_16_bit(tmp_path: Path) -> None:
    plain, rate = read_wav(write_pcm16(tmp_path / "plain.wav", TONE))
    assert rate == RATE
    stereo24 = np.repeat(TONE, 2)  # both channels alike: the mono mix is the tone
    odd_list = b"LIST" + struct.pack("<I", 5) + b"INFO\0" + b"\0"  # odd size: padded
    fact = b"fact" + struct.pack("<II", 4, len(TONE))
    written = {
        "s24_stereo_ext": (fmt_chunk(1, 2, RATE, 24, extensible=True), pcm24(stereo24)),
        "f32_ext": (fmt_chunk(3, 1, RATE, 32, extensible=True), TONE.astype("<f4").tobytes()),
        "f32": (fmt_chunk(3, 1, RATE, 32), TONE.astype("<f4").tobytes()),
        "f64": (fmt_chunk(3, 1, RATE, 64), TONE.astype("<f8").tobytes()),
    }
    for name, (fmt, data) in written.items():
        path = write_riff(tmp_path / f"{name}.wav", fmt, fact, odd_list, data_chunk(data))
        samples, rate = read_wav(path)
        assert rate == RATE and len(samples) == len(plain), name
        assert float(np.abs(samples - plain).max()) < 1e-4, name


def test_a_recording_cut_short_reads_what_is_there(tmp_path: Path) -> None:
    data = (TONE * 32767).astype("<i2").tobytes()[:-1]  # killed mid-sample
    path = write_riff(tmp_path / "cut.wav", PCM16, data_chunk(data, declared=10**6))
    samples, _ = read_wav(path)
    assert len(samples) == len(TONE) - 1


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"hello", "not a WAV file (no RIFF/WAVE header)"),
        (HEADER + PCM16, "not a WAV file (no complete fmt and data chunks)"),
        (HEADER + fmt_chunk(1, 1, 0, 16) + data_chunk(b"\0\0"), "sample rate 0 Hz is outside"),
        (HEADER + fmt_chunk(1, 0, RATE, 16) + data_chunk(b""), "the header says 0 channels"),
        (
            HEADER + fmt_chunk(6, 1, 8000, 8) + data_chunk(b"\0"),  # A-law
            "unsupported encoding (format 0x0006, 8-bit); convert it to 16-bit PCM, "
            "e.g. sox IN.wav -e signed-integer -b 16 OUT.wav",
        ),
        (HEADER + fmt_chunk(1, 1, RATE, 0) + data_chunk(b"\0"), "unsupported encoding"),
    ],
    ids=["not-riff", "no-data", "0-hz", "0-channels", "a-law", "0-bit"],
)
def test_unreadable_wavs_name_the_file_and_the_problem(
    tmp_path: Path, content: bytes, problem: str
) -> None:
    path = tmp_path / "bad.wav"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=re.escape(f"cannot read {path}: {problem}")):
        read_wav(path)


def test_json_listen_gives_one_line_per_file_and_goes_on_after_a_bad_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = write_pcm16(tmp_path / "good.wav", TONE)
    zero_hz = write_riff(tmp_path / "zero.wav", fmt_chunk(1, 1, 0, 16), data_chunk(b"\0" * 800))
    files = [str(good), str(zero_hz), str(tmp_path / "missing.wav"), str(good)]
    assert main(["listen", "--engine", "pocketsphinx", "--json", *files]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["file"] for line in lines] == files
    assert [("error" in line) for line in lines] == [False, True, True, False]
    assert lines[1]["error"].startswith(f"cannot read {zero_hz}: sample rate 0 Hz is outside")
    assert lines[2]["error"].endswith("missing.wav: No such file or directory")
