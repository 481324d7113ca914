"""The downward expander: the room far below the words is turned down, the words are not."""

from __future__ import annotations

import numpy as np

from companion.audio.pcm import Samples
from companion.speech_in.expander import FRAME, Expander, expanded


def tone(frames: int, db: float, hz: float) -> Samples:
    """A tone `frames` frames long at `db` dB (mean power) below full scale; at the frequencies
    used here each frame holds whole periods, so every frame is at exactly that level. The phase
    keeps every sample off zero, so gains can be read as ratios."""
    t = np.arange(frames * FRAME) / 16000
    wave: Samples = (np.sqrt(2) * 10 ** (db / 20) * np.sin(2 * np.pi * hz * t + 0.3)).astype(
        np.float32
    )
    return wave


def level_db(samples: Samples) -> float:
    return float(10 * np.log10(np.mean(np.square(samples, dtype=np.float64))))


def words_and_room(room_db: float) -> Samples:
    """25 frames of words at -10 dB, 25 of room alone at `room_db`, 25 of words again."""
    return np.concatenate([tone(25, -10, 400), tone(25, room_db, 1000), tone(25, -10, 400)])


def room(samples: Samples) -> Samples:
    """The room's middle frames, well away from the words on either side."""
    return samples[30 * FRAME : 45 * FRAME]


def test_the_room_far_below_the_words_is_turned_down_as_far_as_the_limit() -> None:
    # 30 dB under the words: 22 dB past the 8 dB left alone, held to the 20 dB limit.
    source = words_and_room(-40)
    result = expanded(source, Expander())
    assert abs(level_db(room(source)) - level_db(room(result)) - 20) < 0.1


def test_the_room_a_little_below_is_turned_down_a_decibel_per_decibel() -> None:
    source = words_and_room(-22)  # 12 dB under: 4 dB past 8
    result = expanded(source, Expander())
    assert abs(level_db(room(source)) - level_db(room(result)) - 4) < 0.1
    steeper = expanded(source, Expander(ratio=2.0))
    assert abs(level_db(room(source)) - level_db(room(steeper)) - 8) < 0.1


def test_what_is_near_the_words_level_is_left_alone() -> None:
    source = words_and_room(-16)  # 6 dB under: within the 8 dB left alone
    np.testing.assert_allclose(expanded(source, Expander()), source, rtol=1e-6)


def test_the_words_themselves_keep_their_level() -> None:
    source = words_and_room(-40)
    result = expanded(source, Expander())
    inner = slice(0, 23 * FRAME)  # the words, short of the frames where the gain turns down
    np.testing.assert_allclose(result[inner], source[inner], rtol=1e-6)


def test_a_quiet_frame_beside_a_loud_one_keeps_its_level_at_its_centre() -> None:
    # The room's last frame, right before the words, is not turned down at its centre: each
    # frame is turned down no further than its neighbours are (so a word's quiet first frame,
    # beside its loud ones, keeps its level the same way).
    source = words_and_room(-40)
    gain = expanded(source, Expander())[49 * FRAME : 50 * FRAME] / source[49 * FRAME : 50 * FRAME]
    assert abs(gain[FRAME // 2] - 1) < 1e-4
    # and the frame before it is turned down all the way at its centre
    before = slice(48 * FRAME, 49 * FRAME)
    assert (
        abs(expanded(source, Expander())[before][FRAME // 2] / source[before][FRAME // 2] - 0.1)
        < 1e-3
    )


def test_the_gain_changes_smoothly_between_frames() -> None:
    result = expanded(words_and_room(-40), Expander())
    gain = result / words_and_room(-40)
    # From 1 to a tenth over one frame, never in one step.
    assert np.max(np.abs(np.diff(gain))) < 0.9 / FRAME * 1.01


def test_too_short_to_tell_words_from_room_is_left_as_it_is() -> None:
    source = np.concatenate([tone(1, -10, 400), tone(1, -50, 1000)])
    result = expanded(source, Expander())
    assert result.dtype == np.float32
    np.testing.assert_array_equal(result, source)
    assert len(expanded(np.zeros(0, np.float32), Expander())) == 0


def test_the_length_is_kept_when_it_is_not_a_whole_number_of_frames() -> None:
    # Words, then the room alone to the end, and a third of a frame more of it.
    alone = tone(26, -40, 1000)
    source = np.concatenate([tone(25, -10, 400), alone, alone[: FRAME // 3]])
    result = expanded(source, Expander())
    assert len(result) == len(source) and result.dtype == np.float32
    # The part frame at the end is turned down as the last whole frame is: the full 20 dB.
    tail = slice(-FRAME // 3, None)
    np.testing.assert_allclose(result[tail] / source[tail], 0.1, rtol=1e-4)
