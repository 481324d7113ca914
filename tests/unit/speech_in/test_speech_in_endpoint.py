"""The energy endpointer cuts isolated words out of silence and noise; duration plausibility."""

from __future__ import annotations

import numpy as np
import pytest

from companion.audio.pcm import to_pcm16
from companion.speech_in.endpoint import (
    Endpointer,
    SegmentEvent,
    SpeechEnded,
    SpeechGoesOn,
    SpeechStarted,
)
from companion.speech_in.engines.pocketsphinx import plausible


def tone(seconds: float, amplitude: float) -> np.ndarray:
    t = np.arange(int(seconds * 16000)) / 16000
    return (amplitude * np.sin(2 * np.pi * 300 * t)).astype(np.float32)


KINDS = {SpeechStarted: "start", SpeechGoesOn: "speech", SpeechEnded: "end"}


def kind(event: SegmentEvent) -> str:
    return KINDS[type(event)]


def speech_s(event: SegmentEvent) -> float:
    """The voiced span of a closed segment; 0 for the other events."""
    return event.speech_s if isinstance(event, SpeechEnded) else 0.0


def events(samples: np.ndarray) -> list[tuple[str, float]]:
    """Every segment of a whole recording: its start and end (with its voiced span)."""
    endpointer = Endpointer()
    out = endpointer.process(to_pcm16(samples)) + endpointer.flush()
    return [(kind(e), speech_s(e)) for e in out if not isinstance(e, SpeechGoesOn)]


def test_a_word_between_pauses_is_one_segment_of_its_length() -> None:
    rng = np.random.default_rng(0)
    hiss = (0.003 * rng.standard_normal(16000)).astype(np.float32)
    word = tone(0.5, 0.2) + (0.003 * rng.standard_normal(8000)).astype(np.float32)
    found = events(np.concatenate([hiss, word, hiss]))
    assert [k for k, _ in found] == ["start", "end"]
    assert 0.45 <= found[1][1] <= 0.65


def test_a_clank_in_the_closing_pause_does_not_hold_the_segment_open() -> None:
    rng = np.random.default_rng(2)
    hiss = (0.003 * rng.standard_normal(16000)).astype(np.float32)
    pause = (0.003 * rng.standard_normal(6400)).astype(np.float32)
    clanked = pause.copy()
    clanked[1600:1640] += 0.5  # a 2.5 ms clank 100 ms into the pause
    word = tone(0.5, 0.2)
    plain = Endpointer().process(to_pcm16(np.concatenate([hiss, word, pause])))
    hit = Endpointer().process(to_pcm16(np.concatenate([hiss, word, clanked])))
    # The 250 ms hangover closes the segment at the same frame, clank or not.
    assert [kind(e) for e in plain][-1] == "end"
    assert len(hit) == len(plain) and kind(hit[-1]) == "end"
    assert speech_s(hit[-1]) == speech_s(plain[-1])


def test_once_the_room_is_learned_steady_noise_and_a_click_open_nothing() -> None:
    # The first moments teach the endpointer the room; after that, neither the noise nor a
    # short clank opens a segment.
    rng = np.random.default_rng(1)
    endpointer = Endpointer()
    learn = (0.01 * rng.standard_normal(5 * 16000)).astype(np.float32)
    endpointer.process(to_pcm16(learn))
    assert not endpointer.in_speech
    hiss = (0.01 * rng.standard_normal(48000)).astype(np.float32)
    hiss[20000:20040] += 0.5  # a 2.5 ms clank
    assert endpointer.process(to_pcm16(hiss)) == []


def test_a_recording_that_starts_mid_word_still_opens_a_segment() -> None:
    found = events(np.concatenate([tone(0.4, 0.2), np.zeros(8000, np.float32)]))
    assert [k for k, _ in found] == ["start", "end"]


def test_duration_plausibility_per_phone() -> None:
    assert plausible(0.4, 5)
    assert not plausible(0.05, 5)  # a clank is no five-phone word
    assert not plausible(2.0, 2)  # a sentence is no two-phone word


def babble(seconds: float, rms: float, rng: np.random.Generator) -> np.ndarray:
    """People talking over each other, as far as levels go: noise whose loudness wanders by 4 dB
    (standard deviation) at a syllable's pace, so its loudest tenth lies 7-8 dB above its
    quieter quarter, as in babble recorded from people."""
    n = int(seconds * 16000)
    wander = np.convolve(rng.standard_normal(n // 160 + 10), np.ones(10) / 10, "same")
    level_db = 4.0 * wander / wander.std()
    gain = np.repeat(10 ** (level_db / 20), 160)[:n]
    total = gain * rng.standard_normal(n)
    out: np.ndarray = (rms * total / np.sqrt(np.mean(total**2))).astype(np.float32)
    return out


@pytest.mark.parametrize("seed", range(5))
def test_over_babble_a_louder_word_is_a_segment_of_its_own(seed: int) -> None:
    # Babble swings above any fixed margin over its floor, so its loud moments opened segments
    # that ran on into the word. Once the room has been heard, the word is a segment of its own
    # (babble may still open short segments of its own: the recognizer rejects those).
    rng = np.random.default_rng(seed)
    word = tone(0.5, 0.1)
    talk = babble(10.0, 0.1 / np.sqrt(2) / 10 ** (10 / 20), rng)  # the word 10 dB above it
    talk[8 * 16000 : 8 * 16000 + len(word)] += word
    endpointer = Endpointer()
    segments = []  # (start s, end s, voiced s)
    began = 0.0
    for at in range(0, len(talk), 1600):  # 100 ms blocks, as the microphone delivers them
        for event in endpointer.process(to_pcm16(talk[at : at + 1600])):
            if isinstance(event, SpeechStarted):
                began = (at + 1600) / 16000
            elif isinstance(event, SpeechEnded):
                segments.append((began, (at + 1600) / 16000, event.speech_s))
    (spoken,) = [s for s in segments if s[0] < 8.5 and s[1] > 8.0]
    assert 7.85 <= spoken[0] <= 8.15  # it starts with the word, not with the babble before it
    # The whole word, and perhaps a loud moment of the babble after it: still a command's length.
    assert 0.45 <= spoken[2] <= 1.5


def segments(samples: np.ndarray) -> list[float]:
    """The voiced span of each closed segment, the recording fed in 100 ms blocks as the
    microphone delivers them, then flushed as at its end."""
    endpointer = Endpointer()
    found = []
    for at in range(0, len(samples), 1600):
        found += endpointer.process(to_pcm16(samples[at : at + 1600]))
    found += endpointer.flush()
    return [e.speech_s for e in found if isinstance(e, SpeechEnded)]


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("word_at_s", [0.6, 1.5])
def test_in_a_room_loud_from_the_first_moment_a_word_soon_after_is_its_own_segment(
    seed: int, word_at_s: float
) -> None:
    # `companion listen FILE` on a recording made in a busy gym, or a session started in one:
    # nothing tells the endpointer the room before the person speaks, and the word may come
    # while it is still learning the room.
    rng = np.random.default_rng(seed)
    word = tone(0.5, 0.1)
    talk = babble(3.5, 0.1 / np.sqrt(2) / 10 ** (10 / 20), rng)  # the word 10 dB above it
    at = int(word_at_s * 16000)
    talk[at : at + len(word)] += word
    assert any(0.45 <= voiced <= 1.5 for voiced in segments(talk))


def test_words_said_while_it_learns_a_quiet_room_are_heard_and_so_are_the_next() -> None:
    # A word 12 dB over the room fills much of the second it learns from: it must not be taken
    # for the room's loud moments, or that word and every one like it after would be lost.
    rng = np.random.default_rng(4)
    room = (0.01 * rng.standard_normal(12 * 16000)).astype(np.float32)
    word = tone(0.6, 0.01 * np.sqrt(2) * 10 ** (12 / 20))
    starts = [0.3, 2.8, 5.3, 7.8, 10.3]
    for start in starts:
        at = int(start * 16000)
        room[at : at + len(word)] += word
    voiced = segments(room)
    assert len(voiced) == len(starts) and all(0.5 <= v <= 0.75 for v in voiced)


def test_audio_held_to_learn_the_room_is_not_replayed_after_a_reset() -> None:
    # A reset drops what was heard (the companion's own voice); the room is still learned from it.
    rng = np.random.default_rng(3)
    heard = np.concatenate([
        (0.003 * rng.standard_normal(3200)).astype(np.float32),
        tone(0.3, 0.2),
    ])
    kept = Endpointer()
    assert kept.process(to_pcm16(heard)) == []
    assert kind(kept.flush()[0]) == "start"
    dropped = Endpointer()
    assert dropped.process(to_pcm16(heard)) == []
    dropped.reset()
    assert dropped.flush() == []
    assert dropped.floor_db is not None
