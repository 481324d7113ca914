"""Reopening lost streams: the backoff, and PortAudio re-initialised only with no stream open."""

from __future__ import annotations

import itertools
import sys
import types

import pytest

from companion.audio import devices


def test_retries_come_quickly_at_first_then_every_15_s() -> None:
    assert list(itertools.islice(devices.retry_delays(), 7)) == [1, 2, 4, 8, 15, 15, 15]


class FakePortAudio(types.ModuleType):
    def __init__(self) -> None:
        super().__init__("sounddevice")
        self.calls: list[str] = []

    def _terminate(self) -> None:
        self.calls.append("terminate")

    def _initialize(self) -> None:
        self.calls.append("initialize")


def test_rescan_waits_until_no_stream_of_ours_is_open(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakePortAudio()
    monkeypatch.setitem(sys.modules, "sounddevice", fake)
    devices.opened()  # the microphone, say
    try:
        assert not devices.rescan()
        assert fake.calls == []
    finally:
        devices.closed()
    assert devices.rescan()
    assert fake.calls == ["terminate", "initialize"]
