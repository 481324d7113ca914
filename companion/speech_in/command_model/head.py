"""The trained command head, in numpy: 16 embeddings (the last ~2 s) -> a probability per class.

Its weights ship as package data (head.npz) with head.json (classes, per-class thresholds, the
front end it was trained on); `training/build.py` writes both. Two kinds (the card's "kind"):
"mlp", Linear -> LayerNorm -> ReLU blocks over the flattened window, and "conv-attention", two
temporal convolutions, self-attention over the 16 steps, mean and max pooling, Linear; both on
standardised embeddings and ending in a softmax.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from companion.speech_in.command_model.frontend import (
    EMBED_DIM,
    EMBED_FRAMES,
    EMBED_STRIDE,
    HOP,
    MEL_LAG,
    RATE,
)

WINDOW = 16  # embeddings the head looks at: ~2 s of audio
Floats = NDArray[np.float32]
HEAD_DIR = Path(str(files("companion.speech_in.command_model")))


def window_span(last: int) -> tuple[float, float]:
    """Seconds from the clip's start that a window ending at embedding `last` covers."""
    first = last - WINDOW + 1
    begin = first * EMBED_STRIDE * HOP / RATE
    end = ((last * EMBED_STRIDE + EMBED_FRAMES - 1 + MEL_LAG) * HOP) / RATE
    return begin, end


@dataclass(frozen=True)
class HeadCard:
    classes: list[str]
    thresholds: dict[str, float]  # a command is heard when its probability reaches this
    frontend: str
    hops: int  # consecutive windows that must agree
    kind: str  # "mlp" or "conv-attention"


class CommandHead:
    """Weights and card from `directory` (the shipped head by default)."""

    def __init__(self, directory: Path = HEAD_DIR) -> None:
        card_path = directory / "head.json"
        try:
            card = json.loads(card_path.read_text())
            self.card = HeadCard(
                list(card["classes"]),
                dict(card["thresholds"]),
                str(card["frontend"]),
                int(card["hops"]),
                str(card.get("kind", "mlp")),
            )
        except (OSError, ValueError, KeyError) as error:
            raise ValueError(f"{card_path}: not a command head card ({error})") from error
        with np.load(directory / "head.npz") as weights:
            self._weights = {k: weights[k].astype(np.float32) for k in weights.files}
        self._layers = sum(1 for k in self._weights if k.startswith("w"))
        last = "fc_w" if self.card.kind == "conv-attention" else f"w{self._layers - 1}"
        if self._weights[last].shape[-1] != len(self.card.classes):
            raise ValueError(
                f"{directory / 'head.npz'}: output size differs from head.json's classes"
            )

    def __call__(self, windows: Floats) -> Floats:
        """(n, 16, 96) embeddings -> (n, classes) probabilities."""
        w = self._weights
        x = (windows - w["mean"]) / w["std"]
        if self.card.kind == "conv-attention":
            logits = self._conv_attention(x)
        else:
            logits = self._mlp(x.reshape(len(windows), WINDOW * EMBED_DIM))
        logits -= logits.max(1, keepdims=True)
        exp = np.exp(logits)
        probabilities: Floats = (exp / exp.sum(1, keepdims=True)).astype(np.float32)
        return probabilities

    def _mlp(self, x: Floats) -> Floats:
        w = self._weights
        for i in range(self._layers - 1):
            x = _layer_norm(x @ w[f"w{i}"] + w[f"b{i}"], w[f"g{i}"], w[f"n{i}"])
            x = np.maximum(x, 0)
        out: Floats = x @ w[f"w{self._layers - 1}"] + w[f"b{self._layers - 1}"]
        return out

    def _conv_attention(self, x: Floats) -> Floats:
        w = self._weights
        h = np.maximum(_conv(x, w["c0w"], w["c0b"]), 0)
        h = np.maximum(_conv(h, w["c1w"], w["c1b"]), 0)
        n, steps, width = h.shape
        heads = int(w["heads"])
        q, k, v = np.split(h @ w["in_w"] + w["in_b"], 3, axis=2)

        def split(t: Floats) -> Floats:
            return t.reshape(n, steps, heads, width // heads).transpose(0, 2, 1, 3)

        scores = split(q) @ split(k).transpose(0, 1, 3, 2) / np.sqrt(width // heads)
        scores = np.exp(scores - scores.max(3, keepdims=True))
        attended = (scores / scores.sum(3, keepdims=True)) @ split(v)
        attended = attended.transpose(0, 2, 1, 3).reshape(n, steps, width)
        h = _layer_norm(h + attended @ w["out_w"] + w["out_b"], w["ln_g"], w["ln_b"])
        pooled = np.concatenate([h.mean(1), h.max(1)], axis=1)
        out: Floats = pooled @ w["fc_w"] + w["fc_b"]
        return out


def _layer_norm(x: Floats, gain: Floats, bias: Floats) -> Floats:
    mean = x.mean(-1, keepdims=True)
    out: Floats = (x - mean) / np.sqrt(x.var(-1, keepdims=True) + 1e-5) * gain + bias
    return out


def _conv(x: Floats, weight: Floats, bias: Floats) -> Floats:
    """Conv1d over time with kernel 3 and padding 1: x (n, steps, in), weight (3, in, out)."""
    padded = np.pad(x, ((0, 0), (1, 1), (0, 0)))
    steps = x.shape[1]
    out: Floats = sum(padded[:, k : k + steps] @ weight[k] for k in range(3)) + bias
    return out
