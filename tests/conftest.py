"""Shared fixtures: an isolated user data dir for every test, and the private PulseAudio daemon."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pulse import ENV_KEYS, PulseLab


@pytest.fixture(scope="session", autouse=True)
def prepared_models(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The speech models as the engines run them (`wheel_models.open_prepared`), made once for
    the whole run as a user's cache keeps them, rather than seconds over again in every test.
    Fixtures that outlive a test (an engine loaded once per module) keep them here too."""
    cache = tmp_path_factory.mktemp("cache")
    (cache / "models").mkdir()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COMPANION_CACHE_DIR", str(cache))
        yield cache / "models"


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, prepared_models: Path) -> Path:
    """No test reads or writes the real user's history, cache or config."""
    monkeypatch.setenv("COMPANION_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COMPANION_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "models").symlink_to(prepared_models)
    monkeypatch.setenv("COMPANION_CONFIG", str(tmp_path / "config.toml"))
    return tmp_path


def reinitialise_portaudio() -> None:
    """PortAudio lists devices once; after the daemon changes, make sounddevice look again."""
    if "sounddevice" in sys.modules:
        sd = sys.modules["sounddevice"]
        sd._terminate()
        sd._initialize()


@pytest.fixture(scope="session")
def pulse_lab() -> Iterator[PulseLab]:
    lab = PulseLab.start()
    try:
        yield lab
    finally:
        lab.stop()


@pytest.fixture
def pulse(pulse_lab: PulseLab, monkeypatch: pytest.MonkeyPatch) -> Iterator[PulseLab]:
    """The private daemon, made the default audio server for this test and its children."""
    for key in ENV_KEYS:
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("PULSE_SERVER", pulse_lab.server)
    reinitialise_portaudio()
    yield pulse_lab
    os.environ.pop("PULSE_SERVER", None)
    reinitialise_portaudio()
