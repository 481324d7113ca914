"""The trained command head, in numpy: 16 embeddings (the last ~2 s) -> a probability per class.

Its weights ship as package data (head.npz) with head.json (classes, per-class thresholds, the
front end it was trained on); `training/build.py` writes both. A small MLP: standardise, then
Linear -> LayerNorm -> ReLU blocks, then Linear -> softmax.
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
            )
        except (OSError, ValueError, KeyError) as error:
            raise ValueError(f"{card_path}: not a command head card ({error})") from error
        with np.load(directory / "head.npz") as weights:
            self._weights = {k: weights[k].astype(np.float32) for k in weights.files}
        self._layers = sum(1 for k in self._weights if k.startswith("w"))
        if self._weights[f"w{self._layers - 1}"].shape[1] != len(self.card.classes):
            raise ValueError(
                f"{directory / 'head.npz'}: output size differs from head.json's classes"
            )

    def __call__(self, windows: Floats) -> Floats:
        """(n, 16, 96) embeddings -> (n, classes) probabilities."""
        w = self._weights
        x = ((windows - w["mean"]) / w["std"]).reshape(len(windows), WINDOW * EMBED_DIM)
        for i in range(self._layers - 1):
            x = x @ w[f"w{i}"] + w[f"b{i}"]
            x = (x - x.mean(1, keepdims=True)) / np.sqrt(x.var(1, keepdims=True) + 1e-5)
            x = np.maximum(x * w[f"g{i}"] + w[f"n{i}"], 0)
        logits = x @ w[f"w{self._layers - 1}"] + w[f"b{self._layers - 1}"]
        logits -= logits.max(1, keepdims=True)
        exp = np.exp(logits)
        probabilities: Floats = (exp / exp.sum(1, keepdims=True)).astype(np.float32)
        return probabilities
