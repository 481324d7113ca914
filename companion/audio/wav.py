"""WAV files: reading any common PCM or float WAV as mono samples, whole or block by block, and
writing 16-bit mono.

Readers: `companion listen FILE` (`speech_in.pipeline`, block by block, so a long recording takes
no more memory than a short one), the benchmarks, the clip cache and the rendered-clip check
(`speech_out.clips`, `speech_out.render`), which read whole files. Writer: the clip cache.
"""

from __future__ import annotations

import os
import stat
import struct
import tempfile
import wave
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

import numpy as np

from companion.audio.pcm import Samples, from_pcm, to_pcm16

WAVE_PCM, WAVE_FLOAT, WAVE_EXTENSIBLE = 0x0001, 0x0003, 0xFFFE
# WAVE_FORMAT_EXTENSIBLE names the real format in a GUID: its first two bytes are the format tag,
# these are the other fourteen for every standard one (KSDATAFORMAT_SUBTYPE_PCM, _IEEE_FLOAT, ...).
EXTENSIBLE_GUID_TAIL = bytes.fromhex("000000001000800000aa00389b71")
FMT_READ = 40  # all of a fmt chunk that matters: the plain 16 bytes, up to the extensible GUID
# Speech needs at least telephone-like 4 kHz; no recorder goes past 768 kHz. Outside this, a
# header is broken, and resampling would divide by zero (0 Hz) or blow up the audio's length.
MIN_RATE, MAX_RATE = 4000, 768000
CONVERT_ADVICE = "convert it to 16-bit PCM, e.g. sox IN.wav -e signed-integer -b 16 OUT.wav"


class WavError(ValueError):
    """A WAV file that cannot be read; the message names the file and the problem."""


def read_wav(path: Path, *, whole: bool = False) -> tuple[Samples, int]:
    """Mono float samples and the rate of a whole WAV file (see `WavStream`). Raises WavError."""
    with WavStream(path, whole=whole) as wav:
        return wav.read(wav.frames), wav.rate


@dataclass(frozen=True)
class _Format:
    rate: int
    channels: int
    width: int  # bytes per sample
    floating: bool

    def mono(self, raw: bytes) -> Samples:
        if self.floating:
            samples = np.frombuffer(raw, f"<f{self.width}").astype(np.float32)
        else:
            samples = from_pcm(raw, self.width)
        mono: Samples = samples.reshape(-1, self.channels).mean(axis=1).astype(np.float32)
        return mono


class WavStream:
    """A WAV file with any number of channels, read as mono float samples: integer PCM
    (8/16/24/32-bit) or float (32/64-bit), plain or WAVE_FORMAT_EXTENSIBLE (what sox and ffmpeg
    write for 24-bit and multichannel audio; Python's `wave` refuses it, hence our own parser).
    The header is parsed once on opening; `read` and `blocks` then go through the audio.

    A file shorter than its header says is read as far as it goes (a recorder that was killed
    leaves one), unless `whole`: a clip that is still being written must not pass for a short one,
    nor a cut recording for one without the command said at its end.

    Raises WavError naming the file and the problem for anything else: not a regular file (a
    device such as /dev/zero never ends, a FIFO with no writer never answers), not a WAV, another
    encoding (A-law, ADPCM, ...), no channels or a rate outside MIN_RATE..MAX_RATE Hz.
    """

    def __init__(self, path: Path, *, whole: bool = False) -> None:
        self.path = path
        self._whole = whole
        with self._named():
            # Non-blocking, so that opening a FIFO does not wait for a writer before it is refused.
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                os.close(fd)
                raise ValueError("not a regular file")
            self._handle: BinaryIO = os.fdopen(fd, "rb")
            try:
                self._format, self._declared, self._available = _header(self._handle)
            except BaseException:
                self._handle.close()
                raise
        self.rate = self._format.rate
        frame = self._format.width * self._format.channels
        if whole and self._available < self._declared // frame * frame:
            self.close()
            raise WavError(
                f"cannot read {path}: {self._available} bytes of audio, "
                f"the header says {self._declared}"
            )
        self.frames = self._available // frame  # a recorder killed mid-frame leaves a partial one
        self._left = self.frames

    def read(self, frames: int) -> Samples:
        """The next `frames` frames at most, as mono samples; none once the audio is done."""
        frame = self._format.width * self._format.channels
        want = min(frames, self._left)
        with self._named():
            raw = self._handle.read(want * frame)
        if len(raw) < want * frame:  # the file shrank since it was opened
            if self._whole:
                raise WavError(f"cannot read {self.path}: it was cut short while being read")
            self._left = 0
            raw = raw[: len(raw) // frame * frame]
        else:
            self._left -= want
        return self._format.mono(raw)

    def blocks(self, frames: int) -> Iterator[Samples]:
        """The rest of the audio in blocks of `frames` frames (the last may be shorter)."""
        while self._left:
            yield self.read(frames)

    def close(self) -> None:
        self._handle.close()

    def __enter__(self) -> WavStream:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, err: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @contextmanager
    def _named(self) -> Iterator[None]:
        try:
            yield
        except (OSError, ValueError) as err:
            if isinstance(err, WavError):
                raise
            problem = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
            raise WavError(f"cannot read {self.path}: {problem}") from err


def _header(handle: BinaryIO) -> tuple[_Format, int, int]:
    """The format, the data size the header declares and the bytes of it in the file; leaves
    `handle` at the first byte of audio. The ValueError says what is wrong, not where."""
    riff = handle.read(12)
    if len(riff) < 12 or riff[:4] != b"RIFF" or riff[8:12] != b"WAVE":
        raise ValueError("not a WAV file (no RIFF/WAVE header)")
    size = os.fstat(handle.fileno()).st_size
    fmt, data = _chunks(handle, size)
    if fmt is None or len(fmt) < 16 or data is None:
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
    at, declared = data
    handle.seek(at)
    return _Format(rate, channels, width, floating), declared, min(declared, size - at)


def _chunks(handle: BinaryIO, size: int) -> tuple[bytes | None, tuple[int, int] | None]:
    """The first fmt chunk's body (as much as matters) and where the first data chunk's audio
    starts with the size it declares. Only chunk headers are read, so a long recording is walked
    past, not loaded. A chunk that runs past the end of the file is cut short: that is how a
    recording whose writer was killed ends."""
    fmt: bytes | None = None
    data: tuple[int, int] | None = None
    at = 12
    while at + 8 <= size and (fmt is None or data is None):
        handle.seek(at)
        header = handle.read(8)
        if len(header) < 8:  # the file shrank since its size was taken
            break
        kind, length = struct.unpack("<4sI", header)
        if kind == b"fmt " and fmt is None:
            fmt = handle.read(min(length, FMT_READ))
        elif kind == b"data" and data is None:
            data = (at + 8, length)
        at += 8 + length + length % 2  # chunks are padded to an even length
    return fmt, data


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
