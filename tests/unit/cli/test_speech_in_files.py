"""WAV files into `companion listen --json`: files that cannot be read are each one error line,
and the run goes on. (How each encoding is read: `test_audio_wav.py`.)"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from wav_files import TONE, data_chunk, fmt_chunk, write_pcm16, write_riff

from companion.cli import main


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
