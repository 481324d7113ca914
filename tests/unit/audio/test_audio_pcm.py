"""Float samples to integer PCM and back (`companion.audio.pcm`)."""

from __future__ import annotations

import numpy as np
import pytest

from companion.audio.pcm import from_pcm, from_pcm16, quantize, to_int16, to_pcm16

EVERY_INT16 = np.arange(-32768, 32768).astype("<i2")


def test_every_16_bit_value_survives_a_round_trip_through_floats() -> None:
    samples = from_pcm16(EVERY_INT16.tobytes())
    assert samples.dtype == np.float32
    assert samples[0] == -1.0 and samples[32768] == 0.0 and samples[-1] == 32767 / 32768
    assert np.array_equal(to_int16(samples), EVERY_INT16)
    assert to_pcm16(samples) == EVERY_INT16.tobytes()


def test_floats_go_to_the_nearest_step_and_clip_at_full_scale() -> None:
    step = 1 / 32768
    samples = np.array([0.4 * step, 0.6 * step, -0.6 * step, 1.0, 2.0, -1.0, -2.0], np.float32)
    assert list(to_int16(samples)) == [0, 1, -1, 32767, 32767, -32768, -32768]


def test_quantizing_twice_changes_nothing_more() -> None:
    rng = np.random.default_rng(0)
    samples = (0.5 * rng.standard_normal(10000)).astype(np.float32)
    once = quantize(samples)
    assert float(np.abs(once - np.clip(samples, -1, 32767 / 32768)).max()) <= 0.5 / 32768 + 1e-9
    assert np.array_equal(quantize(once), once)


@pytest.mark.parametrize(
    ("width", "raw", "expected"),
    [
        (1, bytes([0, 128, 255]), [-1.0, 0.0, 127 / 128]),  # unsigned, as WAV stores 8-bit
        (2, (-32768).to_bytes(2, "little", signed=True) + (16384).to_bytes(2, "little"),
         [-1.0, 0.5]),
        (3, (-(2**23)).to_bytes(3, "little", signed=True) + (2**22).to_bytes(3, "little")
         + (1).to_bytes(3, "little"), [-1.0, 0.5, 2**-23]),
        (4, (-(2**31)).to_bytes(4, "little", signed=True) + (2**30).to_bytes(4, "little"),
         [-1.0, 0.5]),
    ],
)
def test_integer_pcm_of_each_width_scales_to_full_scale(
    width: int, raw: bytes, expected: list[float]
) -> None:
    samples = from_pcm(raw, width)
    assert samples.dtype == np.float32
    assert list(samples) == expected


def test_a_width_that_is_not_pcm_is_refused() -> None:
    with pytest.raises(ValueError, match="5-byte integer samples are not PCM"):
        from_pcm(b"\0" * 5, 5)
