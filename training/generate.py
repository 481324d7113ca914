"""Renders and augments every clip and turns it into embeddings: one `.npz` per family and
purpose under the output folder, so a rerun reuses what is already made."""

from __future__ import annotations

import sys
from pathlib import Path

import dataset
import numpy as np
import phrases
from sounds import RATE, Floats, unit
from voices import FAMILIES, perturb, render

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import real_speech

from companion.speech_in.command_model.frontend import SpeechEmbedder

CLIP_S = 3.0  # a training clip with one command in it
CONDITIONS = ("clean", "music", "babble", "gym", "room+music")
# Real people talking: the LibriVox readings are kept for evaluation babble, the rest trained on.
EVAL_REAL = "librivox"


def real_recordings(held_out: bool) -> list[Floats]:
    out = []
    for text, samples in real_speech.recordings():
        is_librivox = len(text.split()) > 6 and not text.startswith("(")
        if is_librivox == held_out:
            out.append(samples)
    return out


def talk_of(parts: list[Floats]) -> Floats:
    return np.concatenate([unit(p) for p in parts])


class Generator:
    def __init__(self, out: Path, scale: dict[str, tuple[int, int]], seed: int) -> None:
        self.out = out
        self.scale = scale  # family -> (renders per phrase, augmentations per render)
        self.seed = seed
        self.classes = phrases.classes()
        self.other = self.classes.index(phrases.OTHER)
        self.silence = self.classes.index(phrases.SILENCE)
        self.embedder = SpeechEmbedder()
        self.counts: dict[str, dict[str, int]] = {}

    def _save(self, name: str, features: dataset.Features, counts: dict[str, int]) -> None:
        np.savez(self.out / f"{name}.npz", **features.arrays())
        self.counts[name] = counts

    def family(self, family: str) -> None:
        """Training clips of one family: commands, non-command speech, and babble material."""
        if (self.out / f"train-{family}.npz").exists():
            return
        rng = np.random.default_rng([self.seed, FAMILIES.index(family)])
        renders, augmentations = self.scale[family]
        # Half of the cues (long sentences, most of the audio), a different half per family.
        cues = phrases.cues()[FAMILIES.index(family) % 2 :: 2]
        said = [
            render(family, t, rng)[1] for t in [*phrases.TRAIN_NEGATIVES, *phrases.CALLS, *cues]
        ]
        talk = talk_of([*said, *real_recordings(held_out=False)])
        features = dataset.Features()
        counts: dict[str, int] = {}
        clip_id = 0
        for command, texts in phrases.commands().items():
            cls = self.classes.index(command)
            for text in texts:
                for _ in range(renders):
                    _, speech = render(family, text, rng)
                    for _ in range(augmentations):
                        spoken = perturb(speech, rng)
                        lead = rng.uniform(0.1, max(0.2, CLIP_S - len(spoken) / RATE - 0.3))
                        trail = max(0.3, CLIP_S - lead - len(spoken) / RATE)
                        clip, spans = dataset.lay_out([(spoken, cls)], rng, lead, (0, 0), trail)
                        self._add(features, dataset.augment(clip, spans, talk, rng), spans, clip_id)
                        clip_id += 1
                        counts[command] = counts.get(command, 0) + 1
        order = rng.permutation(len(said))
        for group in range(0, len(order), 4):
            parts = [(perturb(said[i], rng), self.other) for i in order[group : group + 4]]
            clip, spans = dataset.lay_out(parts, rng, rng.uniform(0.2, 1.5), (0.1, 1.0), 1.0)
            self._add(features, dataset.augment(clip, spans, talk, rng), spans, clip_id)
            clip_id += 1
            counts["other"] = counts.get("other", 0) + len(parts)
        self._save(f"train-{family}", features, counts)

    def isolated(self, family: str) -> None:
        """Non-command speech one utterance at a time, with quiet around it, as commands come:
        without these the head learns that a short burst of speech alone is a command."""
        name = f"train-{family}-isolated"
        if (self.out / f"{name}.npz").exists():
            return
        rng = np.random.default_rng([self.seed, 50, FAMILIES.index(family)])
        cues = phrases.cues()[(FAMILIES.index(family) + 1) % 2 :: 2]
        texts = [*phrases.TRAIN_NEGATIVES * 2, *phrases.CALLS * 4, *cues]
        talk = talk_of([*(render(family, t, rng)[1] for t in cues[:20]), *real_recordings(False)])
        features = dataset.Features()
        for clip_id, text in enumerate(texts):
            speech = perturb(render(family, text, rng)[1], rng)
            clip, spans = dataset.lay_out(
                [(speech, self.other)], rng, rng.uniform(0.1, 1.5), (0, 0), rng.uniform(0.5, 1.5)
            )
            self._add(features, dataset.augment(clip, spans, talk, rng), spans, clip_id)
        self._save(name, features, {"other": len(texts)})

    def shared(self) -> None:
        """Noise alone and real people talking, for every direction's training."""
        if (self.out / "train-shared.npz").exists():
            return
        rng = np.random.default_rng([self.seed, 7])
        talk = talk_of(real_recordings(held_out=False))
        features = dataset.Features()
        clip_id = 0
        for recording in real_recordings(held_out=False):
            for _ in range(6):
                clip, spans = dataset.lay_out(
                    [(perturb(recording, rng), self.other)], rng, rng.uniform(0.2, 1.5), (0, 0), 1.0
                )
                self._add(features, dataset.augment(clip, spans, talk, rng), spans, clip_id)
                clip_id += 1
        for _ in range(60):
            kind = str(rng.choice(dataset.NOISES))
            clip = dataset.level(
                dataset.noise(kind, int(8 * RATE), talk, rng), rng.uniform(0.02, 0.9)
            )
            self._add(features, clip, [], clip_id)
            clip_id += 1
        self._save(
            "train-shared", features, {"other": 6 * len(real_recordings(False)), "silence": 60}
        )

    def evaluation(self, family: str) -> None:
        """Utterances of one family under each condition, for held-out figures: every command
        phrase and non-command speech not trained on (TEST_NEGATIVES) plus calls and cues."""
        if (self.out / f"eval-{family}.npz").exists():
            return
        rng = np.random.default_rng([self.seed, 99, FAMILIES.index(family)])
        talk = talk_of(real_recordings(held_out=True))
        items: list[tuple[str, int]] = [
            (t, self.classes.index(c))
            for c, texts in phrases.commands().items()
            for t in texts
            for _ in range(3)
        ]
        negatives = [*phrases.TEST_NEGATIVES, *phrases.CALLS, *phrases.cues()[::6]]
        items += [(t, self.other) for t in negatives]
        rendered = [(render(family, text, rng)[1], cls) for text, cls in items]
        embeddings, meta = [], []
        for name in CONDITIONS:
            for (speech, cls), (text, _) in zip(rendered, items, strict=True):
                clip, spans = dataset.lay_out([(speech, cls)], rng, 1.0, (0, 0), 1.2)
                noisy = dataset.condition(clip, spans, name, talk, rng)
                embeddings.append(self.embedder.clip(noisy))
                meta.append((name, cls, spans[0][0], spans[0][1], text))
        lengths = np.array([len(e) for e in embeddings])
        np.savez(
            self.out / f"eval-{family}.npz",
            embeddings=np.concatenate(embeddings).astype(np.float16),
            lengths=lengths,
            condition=np.array([m[0] for m in meta]),
            label=np.array([m[1] for m in meta]),
            start=np.array([m[2] for m in meta]),
            end=np.array([m[3] for m in meta]),
            text=np.array([m[4] for m in meta]),
        )
        self.counts[f"eval-{family}"] = {"utterances": len(items), "conditions": len(CONDITIONS)}

    def _add(
        self,
        features: dataset.Features,
        clip: Floats,
        spans: list[tuple[float, float, int]],
        clip_id: int,
    ) -> None:
        embeddings, labels = dataset.featurize(self.embedder, clip, spans, self.other, self.silence)
        features.add(embeddings, labels, clip_id)
