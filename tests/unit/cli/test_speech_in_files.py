"""WAV files into `companion listen --json`: files that cannot be read are each one error line,
and the run goes on. (How each encoding is read: `test_audio_wav.py`.)"""

from __future__ import annotations

import json
import os
import struct
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from wav_files import TONE, data_chunk, fmt_chunk, write_pcm16, write_riff

from companion.cli import main
from companion.speech_in.engine import EngineName
from companion.speech_in.listener import choose_engine
from companion.speech_in.pipeline import recognise_file
from companion.speech_in.settings import ListenSettings


def test_json_listen_gives_one_line_per_file_and_goes_on_after_a_bad_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = write_pcm16(tmp_path / "good.wav", TONE)
    zero_hz = write_riff(tmp_path / "zero.wav", fmt_chunk(1, 1, 0, 16), data_chunk(b"\0" * 800))
    files = [str(good), str(zero_hz), str(tmp_path / "missing.wav"), str(good)]
    # Any file that could not be read makes the run fail (issue 26), after every file was tried.
    assert main(["listen", "--engine", "pocketsphinx", "--json", *files]) == 1
    out, err = capsys.readouterr()
    lines = [json.loads(line) for line in out.splitlines()]
    assert "2 of 4 files could not be read" in err
    assert [line["file"] for line in lines] == files
    assert [("error" in line) for line in lines] == [False, True, True, False]
    assert lines[1]["error"].startswith(f"cannot read {zero_hz}: sample rate 0 Hz is outside")
    assert lines[2]["error"].endswith("missing.wav: No such file or directory")


def test_a_truncated_wav_is_an_error_not_silence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = write_pcm16(tmp_path / "good.wav", TONE)
    cut = tmp_path / "cut.wav"
    cut.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])  # its header says more
    assert main(["listen", "--engine", "pocketsphinx", "--json", str(good)]) == 0
    capsys.readouterr()
    assert main(["listen", "--engine", "pocketsphinx", "--json", str(cut)]) == 1
    (line,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert line["error"].startswith(f"cannot read {cut}:")


def test_what_is_not_a_regular_file_is_refused_without_reading_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 27: /dev/zero was read until memory ran out; a FIFO with no writer hung forever."""
    fifo = tmp_path / "pipe.wav"
    os.mkfifo(fifo)
    files = ["/dev/zero", str(fifo), str(tmp_path)]
    assert main(["listen", "--engine", "pocketsphinx", "--json", *files]) == 1
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["error"] for line in lines] == [
        f"cannot read {name}: not a regular file" for name in files
    ]


def test_a_long_file_is_heard_in_blocks_not_loaded_whole(tmp_path: Path) -> None:
    """Issue 27: a 10-minute 48 kHz stereo float file peaked at 1.41 GB. Read block by block, the
    Python memory `companion listen` takes for a file stays far below the file's own size (the
    whole-file read took three times it)."""
    engine = choose_engine(ListenSettings(engine=EngineName.POCKETSPHINX)).load()
    # A first file imports what hearing it needs (about 1 MB of modules): not the file's memory.
    assert recognise_file(engine, str(quiet_noise(tmp_path / "short.wav", 1)))["commands"] == []
    path = quiet_noise(tmp_path / "long.wav", 30)
    tracemalloc.start()
    try:
        line = recognise_file(engine, str(path))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert line["commands"] == []  # it was heard to the end, and quiet noise says nothing
    size = path.stat().st_size
    assert peak < size / 10, f"{peak / 1e6:.1f} MB for a {size / 1e6:.1f} MB file"


def quiet_noise(path: Path, seconds: int, rate: int = 48000, channels: int = 2) -> Path:
    """Float WAV written a second at a time, so the test itself stays small."""
    size = seconds * rate * channels * 4
    rng = np.random.default_rng(27)
    with path.open("wb") as out:
        out.write(b"RIFF" + struct.pack("<I", 4 + 24 + 8 + size) + b"WAVE")
        out.write(fmt_chunk(3, channels, rate, 32) + b"data" + struct.pack("<I", size))
        for _ in range(seconds):
            out.write((0.001 * rng.standard_normal(rate * channels)).astype("<f4").tobytes())
    return path


def test_listen_for_names_the_commands_when_one_is_not(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["listen", "--listen-for", "next,jump", "x.wav"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "--listen-for: not a command: jump; the commands are next, repeat, pause" in err
