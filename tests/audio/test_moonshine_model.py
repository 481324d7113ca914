"""The Moonshine model as the engine runs it: the wheel's int8 ORT-format files rewritten as ONNX
(`wheel_models.widened`), and the phrases scored in groups of one length against one copy of the
audio's cross-attention entries (`MoonshineModel.score`). Both are there for speed alone
(benchmarks/moonshine_speed.py), so both must compute what the plain way computes."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from speech_in_audio import espeak

from companion.audio.resample import resample
from companion.audio.wav import read_wav
from companion.errors import UserError
from companion.speech_in.engine import SAMPLE_RATE
from companion.speech_in.engines.moonshine.engine import MoonshineEngine, padded, spelled
from companion.speech_in.engines.moonshine.model import FILES, bundled_model_dir
from companion.speech_in.vocabulary import load_vocabulary
from companion.speech_in.wheel_models import open_session, widened


def model_file(name: str) -> Path:
    directory = bundled_model_dir()
    assert directory is not None, "moonshine-cpp is a dependency"
    return directory / name


def random_feeds(session: Any) -> dict[str, np.ndarray[Any, Any]]:
    """Inputs for either Moonshine session: a second of audio, or one token after eight."""
    rng = np.random.default_rng(7)
    feeds: dict[str, np.ndarray[Any, Any]] = {}
    for given in session.get_inputs():
        if given.name == "input_values":
            feeds[given.name] = rng.standard_normal((1, 16000)).astype(np.float32) * 0.1
        elif given.name == "input_ids":
            feeds[given.name] = np.array([[440]], np.int64)
        elif given.name == "use_cache_branch":
            feeds[given.name] = np.array([True])
        elif given.name == "encoder_hidden_states":
            feeds[given.name] = rng.standard_normal((1, 40, 416)).astype(np.float32)
        else:  # the decoder's cache: eight tokens so far, forty frames of audio
            heads, width = given.shape[1], given.shape[3]
            length = 40 if ".encoder." in given.name else 8
            feeds[given.name] = rng.standard_normal((1, heads, length, width)).astype(np.float32)
    return feeds


@pytest.mark.parametrize("name", FILES[:2])
def test_the_widened_model_computes_what_the_shipped_file_does(name: str) -> None:
    shipped = open_session(model_file(name))
    rewritten = open_session(widened(model_file(name)))
    feeds = random_feeds(shipped)
    expected = shipped.run(None, feeds)
    got = rewritten.run(None, feeds)
    assert [o.name for o in rewritten.get_outputs()] == [o.name for o in shipped.get_outputs()]
    for want, have in zip(expected, got, strict=True):
        assert have.shape == want.shape
        # Fused kernels add up in another order: float rounding, nothing more.
        np.testing.assert_allclose(have, want, rtol=1e-3, atol=1e-3)


def test_a_missing_onnx_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "onnx", None)  # as if it were not installed
    with pytest.raises(
        UserError, match=r"onnx, which loads the speech model, is missing; run: .*pip install onnx"
    ):
        widened(model_file(FILES[0]))


@pytest.fixture(scope="module")
def engine() -> MoonshineEngine:
    return MoonshineEngine.load(load_vocabulary("en"))


def test_a_phrase_scores_the_same_alone_as_among_phrases_of_every_length(
    engine: MoonshineEngine, tmp_path: Path
) -> None:
    samples, rate = read_wav(espeak("next set", tmp_path / "said.wav"), whole=True)
    model = engine._model
    encoded = model.encode(padded(resample(samples, rate, SAMPLE_RATE)))
    texts = engine.candidates().texts
    spellings = [model.tokenizer.encode(spelled(text)) for text in texts]
    assert len({len(s) for s in spellings}) >= 3, "the vocabulary's phrases differ in length"
    together = model.score(encoded, spellings)
    alone = [model.score(encoded, [spelling])[0] for spelling in spellings]
    np.testing.assert_allclose(together, alone, rtol=1e-5, atol=1e-4)
