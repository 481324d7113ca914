"""Reading WAV files (`companion.audio.wav`): every encoding real tools write, at any rate and
channel count; files cut short; and files that cannot be read, each named with its problem."""

from __future__ import annotations

import re
import struct
import wave
from pathlib import Path

import numpy as np
import pytest
from wav_files import (
    HEADER,
    PCM16,
    RATE,
    TONE,
    data_chunk,
    fmt_chunk,
    pcm24,
    write_pcm16,
    write_riff,
)

from companion.audio.pcm import quantize
from companion.audio.wav import WavError, WavStream, read_wav, write_wav


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


@pytest.mark.parametrize("width", [1, 2, 3, 4])
@pytest.mark.parametrize(("rate", "channels"), [(8000, 1), (44100, 2), (96000, 6)])
def test_integer_pcm_of_any_width_rate_and_channels_reads_as_its_mono_mix(
    tmp_path: Path, width: int, rate: int, channels: int
) -> None:
    """Written with Python's own `wave`, which writes 8- to 32-bit integer PCM."""
    t = np.arange(rate // 10) / rate
    left, right = 0.5 * np.sin(2 * np.pi * 440 * t), 0.25 * np.sin(2 * np.pi * 300 * t)
    # Channel k carries the left tone when k is even, the right one when odd.
    frames = np.stack([left if k % 2 == 0 else right for k in range(channels)], axis=1)
    top = 2 ** (8 * width - 1)
    ints = np.round(frames * (top - 1)).astype(np.int64)
    if width == 1:
        raw = (ints + 128).astype(np.uint8).tobytes()  # 8-bit WAV is unsigned
    else:
        raw = np.frombuffer(ints.astype("<i8").tobytes(), np.uint8).reshape(-1, 8)[:, :width]
        raw = raw.tobytes()
    path = tmp_path / "in.wav"
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(channels)
        handle.setsampwidth(width)
        handle.setframerate(rate)
        handle.writeframes(raw)
    samples, read_rate = read_wav(path)
    assert read_rate == rate
    assert samples.dtype == np.float32
    assert len(samples) == len(t)
    expected = frames.mean(axis=1)
    # Within a step of the integer's, or of float32's precision where that is coarser (32-bit).
    assert float(np.abs(samples - expected).max()) <= 1.5 / min(top, 2**23)


def test_a_clip_still_being_written_is_refused_when_whole_is_asked(tmp_path: Path) -> None:
    """The clip cache and the renderer ask for whole files: a half-written one is not a clip."""
    data = (TONE * 32767).astype("<i2").tobytes()
    path = write_riff(tmp_path / "cut.wav", PCM16, data_chunk(data[:-1000], declared=len(data)))
    assert len(read_wav(path)[0]) == (len(data) - 1000) // 2
    with pytest.raises(ValueError, match=f"{len(data) - 1000} bytes of audio, the header says"):
        read_wav(path, whole=True)
    complete = write_riff(tmp_path / "whole.wav", PCM16, data_chunk(data))
    assert len(read_wav(complete, whole=True)[0]) == len(TONE)


@pytest.mark.parametrize("rate", [8000, 22050, 48000])
def test_written_clips_read_back_as_stored(tmp_path: Path, rate: int) -> None:
    rng = np.random.default_rng(0)
    samples = (0.4 * rng.standard_normal(rate // 4)).astype(np.float32)
    samples[:4] = [1.0, -1.0, 1.5, -1.5]  # full scale and beyond: clipped, not wrapped
    path = tmp_path / "deep" / "clip.wav"  # the directory is made
    write_wav(path, samples, rate)
    back, read_rate = read_wav(path, whole=True)
    assert read_rate == rate
    assert np.array_equal(back, quantize(samples))
    assert list(back[:4]) == [32767 / 32768, -1.0, 32767 / 32768, -1.0]
    assert [p.name for p in path.parent.iterdir()] == ["clip.wav"]  # no temporary file left


def test_a_failed_write_leaves_neither_the_clip_nor_a_temporary_file(tmp_path: Path) -> None:
    folder = tmp_path / "clips"
    folder.mkdir()
    with pytest.raises(wave.Error):
        write_wav(folder / "clip.wav", np.zeros(10, np.float32), 0)  # no such rate
    assert list(folder.iterdir()) == []


def test_blocks_read_as_the_whole_file_does(tmp_path: Path) -> None:
    """`companion listen` reads files block by block (issue 27): the same samples, in pieces."""
    stereo = np.stack([TONE, 0.5 * TONE], axis=1).reshape(-1)
    data = data_chunk(stereo.astype("<f4").tobytes())
    path = write_riff(tmp_path / "f32.wav", fmt_chunk(3, 2, RATE, 32), data)
    whole, _ = read_wav(path, whole=True)
    with WavStream(path, whole=True) as wav:
        blocks = list(wav.blocks(333))
    assert [len(b) for b in blocks[:-1]] == [333] * (len(TONE) // 333)
    assert np.array_equal(np.concatenate(blocks), whole)


def test_a_whole_file_cut_short_while_being_read_is_an_error(tmp_path: Path) -> None:
    path = write_pcm16(tmp_path / "tone.wav", TONE)
    with WavStream(path, whole=True) as wav:
        wav.read(100)
        with path.open("r+b") as handle:
            handle.truncate(path.stat().st_size // 2)
        with pytest.raises(WavError, match=f"cannot read {path}: it was cut short while being"):
            wav.read(len(TONE))
