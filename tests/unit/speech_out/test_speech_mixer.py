"""The speech queue and schedule (`companion.speech_out.player.Mixer`) driven with a fake clock."""

from __future__ import annotations

import numpy as np
import pytest

from companion.audio.clock import SampleClock
from companion.audio.pcm import Samples
from companion.domain.effects import Priority
from companion.speech_out.player import ClipEvent, Item, Mixer

RATE = 1000  # one sample per millisecond keeps the arithmetic readable
BLOCK = 64


def clip(value: float, ms: int) -> Samples:
    return np.full(ms, value, dtype=np.float32)


class Run:
    """Feeds the mixer block after block; sample k of the output is at time k / RATE."""

    def __init__(self) -> None:
        self.mixer = Mixer(RATE, fade_s=0.004)
        self.out: list[Samples] = []
        self.events: list[ClipEvent] = []
        self.frames = 0

    def play(self, ms: int) -> Samples:
        end = self.frames + ms
        while self.frames < end:
            block = np.zeros(BLOCK, np.float32)
            self.mixer.fill(block, self.frames / RATE, self.events)
            self.out.append(block)
            self.frames += BLOCK
        return np.concatenate(self.out)

    def cancel(self, group: str | None) -> None:
        self.mixer.cancel(group, self.frames / RATE, self.events)

    def log(self) -> list[tuple[str, str, int, bool]]:
        return [
            (e.item.text, "end" if e.ended else "start", round(e.time * RATE), e.interrupted)
            for e in self.events
        ]


def test_scheduled_clip_starts_at_its_exact_sample() -> None:
    run = Run()
    run.mixer.submit(Item("one", clip(0.5, 100), Priority.COUNT, at=0.1234))
    out = run.play(300)
    assert np.flatnonzero(out)[0] == 123  # round(0.1234 * 1000)
    assert run.log() == [("one", "start", 123, False), ("one", "end", 223, False)]


def test_equal_priority_waits_in_order() -> None:
    run = Run()
    for text in ("a", "b", "c"):
        run.mixer.submit(Item(text, clip(0.5, 50), Priority.INSTRUCTION, seq=ord(text)))
    run.play(200)
    assert [(t, k, s) for t, k, s, _ in run.log() if k == "start"] == [
        ("a", "start", 0), ("b", "start", 50), ("c", "start", 100)
    ]


def test_higher_priority_first_when_waiting() -> None:
    run = Run()
    run.mixer.submit(Item("playing", clip(0.5, 50), Priority.SAFETY, seq=1))
    run.mixer.submit(Item("chatter", clip(0.5, 50), Priority.CHATTER, seq=2))
    run.mixer.submit(Item("instruction", clip(0.5, 50), Priority.INSTRUCTION, seq=3))
    run.play(200)
    starts = [t for t, k, _, _ in run.log() if k == "start"]
    assert starts == ["playing", "instruction", "chatter"]


def test_instruction_cuts_chatter_with_a_short_fade() -> None:
    run = Run()
    run.mixer.submit(Item("chatter", clip(0.5, 1000), Priority.CHATTER, seq=1))
    run.play(BLOCK * 2)
    run.mixer.submit(Item("now", clip(-0.25, 100), Priority.INSTRUCTION, seq=2))
    out = run.play(300)
    cut = BLOCK * 2
    assert ("chatter", "end", cut, True) in run.log()
    assert ("now", "start", cut, False) in run.log()
    # 4 ms fade of the chatter overlaps the new clip's start, then only the new clip plays.
    assert out[cut] == pytest.approx(0.25)
    assert np.allclose(out[cut + 4 : cut + 100], -0.25)


def test_count_cuts_chatter_and_a_previous_count_exactly_on_time() -> None:
    run = Run()
    run.mixer.submit(Item("chatter", clip(0.5, 1000), Priority.CHATTER, seq=1))
    run.mixer.submit(Item("one", clip(0.5, 500), Priority.COUNT, at=0.2))
    run.mixer.submit(Item("two", clip(0.5, 500), Priority.COUNT, at=0.45))
    run.play(1000)
    assert run.log() == [
        ("chatter", "start", 0, False),
        ("chatter", "end", 200, True),
        ("one", "start", 200, False),
        ("one", "end", 450, True),
        ("two", "start", 450, False),
        ("two", "end", 950, False),
    ]


def test_count_due_during_safety_is_dropped_and_instruction_waits() -> None:
    run = Run()
    run.mixer.submit(Item("stop", clip(0.5, 300), Priority.SAFETY, seq=1))
    run.mixer.submit(Item("three", clip(0.5, 100), Priority.COUNT, at=0.1))
    run.mixer.submit(Item("rest over", clip(0.5, 100), Priority.INSTRUCTION, at=0.15))
    run.play(600)
    assert [(t, k, s) for t, k, s, _ in run.log()] == [
        ("stop", "start", 0), ("stop", "end", 300),
        ("rest over", "start", 300), ("rest over", "end", 400),
    ]


def test_clip_scheduled_long_ago_is_dropped() -> None:
    run = Run()
    run.play(1000)
    run.mixer.submit(Item("late", clip(0.5, 50), Priority.COUNT, at=0.5))
    run.mixer.submit(Item("slightly late", clip(0.5, 50), Priority.COUNT, at=0.9))
    run.play(200)
    assert [t for t, k, _, _ in run.log() if k == "start"] == ["slightly late"]


def test_cancel_group_drops_its_clips_and_stops_the_playing_one() -> None:
    run = Run()
    run.mixer.submit(Item("cue", clip(0.5, 500), Priority.INSTRUCTION, group="set1", seq=1))
    run.mixer.submit(Item("one", clip(0.5, 50), Priority.COUNT, at=0.6, group="set1"))
    run.mixer.submit(Item("rest", clip(0.5, 50), Priority.COUNT, at=0.7, group="rest"))
    run.play(BLOCK)
    run.cancel("set1")
    out = run.play(1000)
    assert ("cue", "end", BLOCK, True) in run.log()
    assert [t for t, k, _, _ in run.log() if k == "start"] == ["cue", "rest"]
    assert not out[BLOCK + 4 : 700].any()


def test_cancel_all() -> None:
    run = Run()
    run.mixer.submit(Item("cue", clip(0.5, 500), Priority.INSTRUCTION, seq=1))
    run.mixer.submit(Item("next", clip(0.5, 50), Priority.INSTRUCTION, seq=2))
    run.mixer.submit(Item("one", clip(0.5, 50), Priority.COUNT, at=0.6, group="g"))
    run.play(BLOCK)
    run.cancel(None)
    out = run.play(1000)
    assert not out[BLOCK + 4 :].any()
    assert not run.mixer.busy


def test_sample_clock_smooths_jitter_and_follows_drift() -> None:
    rate = 48000
    clock = SampleClock(rate)
    rng = np.random.default_rng(1)
    drift = 250e-6  # the lab's sink runs this much fast against the monotonic clock
    errors = []
    for i in range(90 * 100):  # 90 s of 10 ms callbacks
        true_t0 = 5.0 + i * 0.01 * (1 - drift)
        jitter = float(rng.uniform(-0.004, 0.004))
        t0 = clock.advance(480, true_t0 + jitter, now_stream=100.0, now_mono=100.0)
        errors.append(t0 - true_t0)
    steady = np.abs(np.array(errors[500:]))
    assert steady.max() < 0.0015


def test_sample_clock_reanchors_after_a_jump() -> None:
    clock = SampleClock(1000)
    for i in range(100):
        clock.advance(10, 1.0 + i * 0.01, 0.0, 0.0)
    t0 = clock.advance(10, 1.0 + 100 * 0.01 + 0.05, 0.0, 0.0)  # an underrun: 50 ms later
    assert t0 == pytest.approx(2.05)
