"""WAV files into `companion listen --json`: files that cannot be read are each one error line,
and the run goes on. (How each encoding is read: `test_audio_wav.py`.)"""

from __future__ import annotations

import json
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
    assert main(["listen", "--engine", "pocketsphinx", "--json", *files]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["file"] for line in lines] == files
    assert [("error" in line) for line in lines] == [False, True, True, False]
    assert lines[1]["error"].startswith(f"cannot read {zero_hz}: sample rate 0 Hz is outside")
    assert lines[2]["error"].endswith("missing.wav: No such file or directory")
