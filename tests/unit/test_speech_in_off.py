"""`open_speech_in` says why voice commands are off, and what to do about it."""

from __future__ import annotations

from pathlib import Path

import pytest

from companion.speech_in.listener import open_speech_in
from companion.speech_in.settings import ListenSettings


def test_no_listen_says_so() -> None:
    assert open_speech_in(ListenSettings(enabled=False)).status().detail == (
        "voice commands off (--no-listen)"
    )


def test_a_microphone_that_is_not_there_says_where_to_name_another(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = tmp_path / "config.toml"
    monkeypatch.setenv("COMPANION_CONFIG", str(config))
    status = open_speech_in(ListenSettings(device="no-such-mic")).status()
    assert not status.on
    assert status.detail.startswith("no microphone (No input device matching 'no-such-mic'): ")
    assert f"name one as [listen] device in {config}; " in status.detail
    assert status.detail.endswith("doctor lists them")
