"""The Moonshine model as the engine runs it: the wheel's int8 ORT-format files rewritten as ONNX
and kept in the cache (`wheel_models.open_prepared`), the decoder's matrix products in int8, and
the phrases scored in groups of one length against one copy of the audio's cross-attention
entries (`MoonshineModel.score`). All are there for speed alone (benchmarks/moonshine_speed.py),
so they must compute what the plain way computes: exactly, or for int8 within what was measured
(benchmarks/TUNING.md, "Moonshine's speed")."""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import pytest
from speech_in_audio import espeak

from companion import paths
from companion.audio.resample import resample
from companion.audio.wav import read_wav
from companion.errors import UserError
from companion.speech_in import wheel_models
from companion.speech_in.engine import SAMPLE_RATE
from companion.speech_in.engines.moonshine.engine import MoonshineEngine, padded, spelled
from companion.speech_in.engines.moonshine.model import FILES, MoonshineModel, bundled_model_dir
from companion.speech_in.vocabulary import load_vocabulary
from companion.speech_in.wheel_models import open_prepared, open_session


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
def test_the_rewritten_model_computes_what_the_shipped_file_does(name: str) -> None:
    shipped = open_session(model_file(name))
    rewritten = open_prepared(model_file(name))
    feeds = random_feeds(shipped)
    expected = shipped.run(None, feeds)
    got = rewritten.run(None, feeds)
    assert [o.name for o in rewritten.get_outputs()] == [o.name for o in shipped.get_outputs()]
    for want, have in zip(expected, got, strict=True):
        assert have.shape == want.shape
        # Fused kernels add up in another order: float rounding, nothing more.
        np.testing.assert_allclose(have, want, rtol=1e-3, atol=1e-3)


def models_kept(cache: Path) -> list[str]:
    return sorted(p.name for p in (cache / "models").iterdir())


def test_a_prepared_model_is_kept_and_opened_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COMPANION_CACHE_DIR", str(tmp_path / "empty"))
    made = open_prepared(model_file(FILES[0]))
    (kept,) = models_kept(tmp_path / "empty")
    assert kept.startswith("encoder_model-") and kept.endswith(".onnx")

    def made_again(*_: object) -> Path:
        raise AssertionError("the kept model was made again")

    monkeypatch.setattr(wheel_models, "_widen", made_again)
    opened = open_prepared(model_file(FILES[0]))
    feeds = random_feeds(made)
    for want, have in zip(made.run(None, feeds), opened.run(None, feeds), strict=True):
        np.testing.assert_array_equal(have, want)


def test_a_new_recipe_makes_the_model_anew(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COMPANION_CACHE_DIR", str(tmp_path))
    open_prepared(model_file(FILES[0]))
    before = models_kept(tmp_path)
    monkeypatch.setattr(wheel_models, "RECIPE", "another")
    open_prepared(model_file(FILES[0]))
    after = models_kept(tmp_path)
    # The older file stays: another installation of another version may be using it.
    assert len(after) == 2 and set(before) < set(after)


def test_a_copy_a_killed_process_left_is_removed_once_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COMPANION_CACHE_DIR", str(tmp_path))
    (tmp_path / "models").mkdir()
    stale, fresh = tmp_path / "models" / "a.onnx.1.part", tmp_path / "models" / "b.onnx.2.part"
    stale.write_bytes(b"half")
    fresh.write_bytes(b"under way")
    old = time.time() - wheel_models.STALE_PART_S - 60
    os.utime(stale, (old, old))
    open_prepared(model_file(FILES[0]))
    assert not stale.exists() and fresh.exists()


def test_a_cache_that_cannot_be_written_still_gives_the_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    in_the_way = tmp_path / "a file"
    in_the_way.write_text("")
    monkeypatch.setenv("COMPANION_CACHE_DIR", str(in_the_way))  # no directory can go under it
    session = open_prepared(model_file(FILES[0]))
    feeds = random_feeds(session)
    (hidden,) = session.run(None, feeds)
    assert hidden.shape[0] == 1 and np.isfinite(hidden).all()


def test_a_damaged_kept_model_is_made_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COMPANION_CACHE_DIR", str(tmp_path))
    open_prepared(model_file(FILES[0]))
    (kept,) = models_kept(tmp_path)
    (tmp_path / "models" / kept).write_bytes(b"cut short by a full disk")
    session = open_prepared(model_file(FILES[0]))
    assert session.run(None, random_feeds(session))[0].shape[0] == 1
    assert (tmp_path / "models" / kept).stat().st_size > 1_000_000


def test_preparing_leaves_the_root_logger_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As in the app, where no logging is configured: importing onnxruntime's quantiser calls
    `logging.basicConfig`, which would put its log lines on the session screen."""
    monkeypatch.setenv("COMPANION_CACHE_DIR", str(tmp_path))
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", [])
    monkeypatch.delitem(sys.modules, "onnxruntime.quantization.matmul_nbits_quantizer", False)
    level = root.level
    open_prepared(model_file(FILES[0]), int8=True)
    assert root.handlers == [] and root.level == level
    assert logging.root.manager.disable == logging.NOTSET


def test_a_missing_onnx_ir_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COMPANION_CACHE_DIR", str(tmp_path))  # nothing made yet
    monkeypatch.delitem(sys.modules, "onnxruntime.quantization.matmul_nbits_quantizer", False)
    monkeypatch.setitem(sys.modules, "onnx_ir", None)  # as if it were not installed
    with pytest.raises(UserError, match=r"onnx-ir, .* is missing; run: .*pip install onnx-ir"):
        open_prepared(model_file(FILES[0]), int8=True)


def test_a_missing_onnx_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COMPANION_CACHE_DIR", str(tmp_path))  # nothing made yet
    monkeypatch.setitem(sys.modules, "onnx", None)  # as if it were not installed
    with pytest.raises(
        UserError, match=r"onnx, which loads the speech model, is missing; run: .*pip install onnx"
    ):
        open_prepared(model_file(FILES[0]))


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


@pytest.mark.parametrize("said", ["next set", "pain", "switch sides"])
def test_the_int8_decoder_ranks_and_transcribes_as_the_float_one(
    engine: MoonshineEngine, tmp_path: Path, said: str
) -> None:
    model = engine._model
    plain = MoonshineModel(model._encoder, open_prepared(model_file(FILES[1])), model.tokenizer)
    samples, rate = read_wav(espeak(said, tmp_path / "said.wav"), whole=True)
    audio = padded(resample(samples, rate, SAMPLE_RATE))
    spellings = [model.tokenizer.encode(spelled(text)) for text in engine.candidates().texts]
    encoded, encoded_plain = model.encode(audio), plain.encode(audio)
    scores = np.array(model.score(encoded, spellings))
    plain_scores = np.array(plain.score(encoded_plain, spellings))
    assert np.argmax(scores) == np.argmax(plain_scores)
    # Measured on 60 utterances: 0.085 nats apart on average, at most 0.43 (TUNING.md).
    assert np.abs(scores - plain_scores).max() < 0.6
    assert model.transcribe(encoded, 6).text == plain.transcribe(encoded_plain, 6).text


def test_the_decoder_the_engine_runs_is_in_int8(engine: MoonshineEngine) -> None:
    """Were the weights not constants when quantised, nothing would be, and the test above would
    compare the float model with itself."""
    (kept,) = (paths.cache_dir() / "models").glob("decoder_model_merged-int8-*.onnx")
    ops: list[str] = []

    def walk(graph: Any) -> None:
        for node in graph.node:
            ops.append(node.op_type)
            for attribute in node.attribute:
                if attribute.HasField("g"):
                    walk(attribute.g)

    walk(onnx.load(kept).graph)
    assert ops.count("MatMulNBits") > 100
