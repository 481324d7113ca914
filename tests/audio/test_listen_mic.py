"""End to end through the virtual microphone: speech played into `companion_mic` reaches the
Listener, becomes a command, and advances a real Session; the companion's own voice does not."""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import reinitialise_portaudio
from pulse import PulseLab
from sample_workouts import RDL, THRUST, straight
from speech_in_audio import espeak, korean_model

from companion.domain.events import Command, CommandGiven, Start
from companion.domain.session import Session
from companion.speech_in.engine import EngineName
from companion.speech_in.engines.vosk import VoskEngine
from companion.speech_in.listener import EngineChoice, Listener
from companion.speech_in.port import Heard, ListenState, ListenStatus
from companion.speech_in.settings import ListenSettings
from companion.speech_in.vocabulary import load_vocabulary
from companion.speech_out.port import Playback

pytestmark = pytest.mark.audio

CHOICE = EngineChoice(EngineName.VOSK, "ko", korean_model(), "")


@pytest.fixture(scope="module")
def engine() -> VoskEngine:
    return VoskEngine.load(korean_model(), load_vocabulary("ko"))


class Heard_:
    def __init__(self) -> None:
        self.items: list[Heard] = []
        self.listening = threading.Event()

    def heard(self, item: Heard) -> None:
        self.items.append(item)

    def status(self, item: ListenStatus) -> None:
        if item.on:
            self.listening.set()


@pytest.fixture
def listening(pulse: PulseLab, engine: VoskEngine) -> Iterator[tuple[Listener, Heard_]]:
    listener = Listener(CHOICE, ListenSettings(self_voice_tail=0.3), engine)
    got = Heard_()
    listener.start(got.heard, got.status)
    try:
        assert got.listening.wait(10), listener.status().detail
        yield listener, got
    finally:
        listener.close()


def play(lab: PulseLab, wav: Path, listener: Listener | None = None) -> None:
    """Play into the mic; with a listener, publish the clip as the companion's own speech."""
    started = time.monotonic()
    if listener is not None:
        listener.on_playback(Playback(wav.stem, started, None))
    process = lab.play_into_mic(wav)
    process.wait(timeout=15)
    if listener is not None:
        listener.on_playback(Playback(wav.stem, started, time.monotonic()))


def settle(seconds: float = 1.2) -> None:
    time.sleep(seconds)  # the final result needs trailing silence after the speech


def test_spoken_next_advances_the_session(
    listening: tuple[Listener, Heard_], pulse: PulseLab, tmp_path: Path
) -> None:
    listener, got = listening
    session = Session(straight(THRUST, RDL))
    session.handle(Start(time.monotonic()))
    before = session.step
    play(pulse, espeak("완료", tmp_path / "next.wav", voice="ko"))
    settle()
    assert [h.command for h in got.items] == [Command.NEXT]
    heard = got.items[0]
    assert heard.command is not None
    session.handle(CommandGiven(heard.command, heard.at, heard.text))
    assert session.step != before
    assert listener.status().level >= 0.0 and listener.status().overflows == 0


CUES = ("완료", "멈춰", "운동 종료")  # the companion's cues, in the language it listens to


def test_own_voice_fires_nothing_but_the_same_speech_ungated_does(
    listening: tuple[Listener, Heard_], pulse: PulseLab, tmp_path: Path
) -> None:
    listener, got = listening
    clips = [espeak(cue, tmp_path / f"cue{i}.wav", voice="ko") for i, cue in enumerate(CUES)]
    for clip in clips:
        play(pulse, clip, listener)
    settle()
    assert got.items == []
    # The very same audio, not announced as the companion's speech, is heard: the gate did it.
    for clip in clips:
        play(pulse, clip)
        settle()
    fired = [h.command for h in got.items]
    # Every clip fires once; which command each becomes through the mic may blur (this model has
    # no [unk] word, so any speech lands on some command: exactly why the gate is needed).
    assert len(fired) == len(clips)


def test_companion_speech_reaching_the_mic_through_the_room(
    listening: tuple[Listener, Heard_], pulse: PulseLab, tmp_path: Path
) -> None:
    """The companion's output is looped into its microphone, as a laptop speaker would be."""
    listener, got = listening
    loop = pulse.pactl(
        "load-module", "module-loopback", "source=companion_out.monitor", "sink=companion_mic",
        "latency_msec=20",
    )
    assert loop.returncode == 0, loop.stderr
    try:
        clip = espeak("운동 종료", tmp_path / "stop.wav", voice="ko")
        started = time.monotonic()
        listener.on_playback(Playback("운동 종료", started, None))
        subprocess.run(["paplay", "--device=companion_out", str(clip)], env=pulse.env(),
                       check=True, timeout=15)
        listener.on_playback(Playback("운동 종료", started, time.monotonic()))
        settle()
        assert got.items == []
    finally:
        pulse.pactl("unload-module", loop.stdout.strip())


def wait_for(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"not within {seconds} s: {what}"
        time.sleep(0.05)


def test_the_microphone_comes_back_with_the_audio_server(
    engine: VoskEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lab = PulseLab.start()  # its own daemon: restarting the shared one would disturb the rest
    monkeypatch.setenv("PULSE_SERVER", lab.server)
    reinitialise_portaudio()
    statuses: list[ListenStatus] = []
    heard: list[Heard] = []
    listener = Listener(CHOICE, ListenSettings(self_voice_tail=0.3), engine)
    try:
        listener.start(heard.append, statuses.append)
        wait_for(lambda: listener.status().on, 15, "listening before the server went away")
        lab.restart()
        wait_for(lambda: any(s.state is ListenState.RETRYING for s in statuses), 15,
                 "the lost microphone was noticed")
        lost = next(s for s in statuses if s.state is ListenState.RETRYING)
        assert lost.detail.startswith("microphone lost: trying again (")
        assert not lost.on  # the header says "mic off" while it is
        back = statuses.index(lost) + 1
        wait_for(lambda: any(s.on for s in statuses[back:]), 20, "listening again")
        play(lab, espeak("완료", tmp_path / "next.wav", voice="ko"))
        wait_for(lambda: bool(heard), 10, "a command spoken after the server came back")
        assert [h.command for h in heard] == [Command.NEXT]
    finally:
        listener.close()
        lab.stop()
        monkeypatch.delenv("PULSE_SERVER")
        reinitialise_portaudio()
