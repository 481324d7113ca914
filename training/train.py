"""Trains the heads (torch, training only), picks thresholds on training-family validation clips,
measures held-out families per condition, writes the model card, and ships a head as numpy
weights the companion runs without torch."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import numpy as np
import phrases
import torch
from numpy.typing import NDArray
from sounds import Floats
from torch import nn
from voices import DIRECTIONS, FAMILIES

from companion.speech_in.command_model import head as runtime_head
from companion.speech_in.command_model.frontend import frontend_version
from companion.speech_in.command_model.head import WINDOW, window_span

HIDDEN = 96
EPOCHS = 14
HOPS = 2  # consecutive windows that must agree before a command is heard
FALSE_FIRE = 5e-4  # per-window false-fire rate allowed on validation speech and noise
PAIN_EASE = 0.85  # pain's threshold is lowered: a false pain only stops the set and asks
SHIP = "espeak+piper"
SHIPPED_TEST_WINDOWS = 400


class MLP(nn.Module):
    def __init__(self, classes: int) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Flatten(),
            nn.Dropout(0.1),
            nn.Linear(WINDOW * 96, HIDDEN),
            nn.LayerNorm(HIDDEN),
            nn.ReLU(),
            nn.Dropout(0.2),
            nn.Linear(HIDDEN, HIDDEN),
            nn.LayerNorm(HIDDEN),
            nn.ReLU(),
            nn.Dropout(0.2),
            nn.Linear(HIDDEN, classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out: torch.Tensor = self.body(x)
        return out


class ConvAttention(nn.Module):
    """Temporal convolutions, then attention pooling over the 16 steps (compared, not shipped)."""

    def __init__(self, classes: int) -> None:
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv1d(96, 64, 3, padding=1),
            nn.ReLU(),
            nn.Dropout(0.1),
            nn.Conv1d(64, 64, 3, padding=1),
            nn.ReLU(),
        )
        self.attention = nn.MultiheadAttention(64, 4, batch_first=True)
        self.norm = nn.LayerNorm(64)
        self.out = nn.Linear(64 * 2, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.conv(x.transpose(1, 2)).transpose(1, 2)
        a, _ = self.attention(h, h, h)
        h = self.norm(h + a)
        out: torch.Tensor = self.out(torch.cat([h.mean(1), h.max(1).values], 1))
        return out


def load_training(
    out: Path, families: tuple[str, ...]
) -> tuple[Floats, NDArray[np.int64], NDArray[np.bool_]]:
    """Windows (n, 16, 96), labels, and which are validation (every tenth clip)."""
    xs, ys, vs = [], [], []
    for name in [*(f"train-{f}" for f in families), "train-shared"]:
        data = np.load(out / f"{name}.npz")
        keep = data["labels"] >= 0
        starts = data["starts"][keep]
        xs.append(data["embeddings"][starts[:, None] + np.arange(WINDOW)].astype(np.float32))
        ys.append(data["labels"][keep])
        vs.append(data["clips"][keep] % 10 == 0)
    return np.concatenate(xs), np.concatenate(ys), np.concatenate(vs)


def fit(
    kind: str, x: Floats, y: NDArray[np.int64], classes: int, seed: int
) -> tuple[nn.Module, Floats, Floats]:
    torch.manual_seed(seed)
    mean = x.mean((0, 1)).astype(np.float32)
    std = (x.std((0, 1)) + 1e-3).astype(np.float32)
    model: nn.Module = MLP(classes) if kind == "mlp" else ConvAttention(classes)
    counts = np.bincount(y, minlength=classes).astype(np.float64)
    weights = torch.tensor((counts.max() / np.maximum(counts, 1)) ** 0.5, dtype=torch.float32)
    loss_fn = nn.CrossEntropyLoss(weight=weights, label_smoothing=0.05)
    optimiser = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-3)
    inputs = torch.tensor((x - mean) / std)
    targets = torch.tensor(y)
    steps = EPOCHS * (len(x) // 256 + 1)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, 2e-3, total_steps=steps)
    model.train()
    for _ in range(EPOCHS):
        order = torch.randperm(len(x))
        for i in range(0, len(x), 256):
            batch = order[i : i + 256]
            noisy = inputs[batch] + 0.1 * torch.randn_like(inputs[batch])
            loss = loss_fn(model(noisy), targets[batch])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
    model.eval()
    return model, mean, std


def predict(model: nn.Module, mean: Floats, std: Floats, x: Floats) -> Floats:
    with torch.no_grad():
        out = torch.softmax(model(torch.tensor((x - mean) / std)), 1).numpy()
    probabilities: Floats = out.astype(np.float32)
    return probabilities


def thresholds(probabilities: Floats, y: NDArray[np.int64], commands: int) -> NDArray[np.float64]:
    """The lowest single threshold at which command windows fire on at most FALSE_FIRE of the
    validation windows that hold no command; pain's is eased."""
    negative = y >= commands
    best = probabilities[negative, :commands].max(1)
    threshold = float(np.clip(np.quantile(best, 1 - FALSE_FIRE), 0.5, 0.98))
    out = np.full(commands, threshold)
    out[phrases.classes().index("pain")] = threshold * PAIN_EASE
    return out


def decide(probabilities: Floats, limits: NDArray[np.float64]) -> tuple[int, int] | None:
    """(command, window index) first heard in an utterance's windows, HOPS in a row."""
    commands = len(limits)
    run_class, run = -1, 0
    for i, p in enumerate(probabilities):
        c = int(np.argmax(p[:commands]))
        if p[c] >= limits[c]:
            run = run + 1 if c == run_class else 1
            run_class = c
            if run >= HOPS:
                return c, i
        else:
            run_class, run = -1, 0
    return None


def evaluate(
    model: nn.Module,
    mean: Floats,
    std: Floats,
    limits: NDArray[np.float64],
    out: Path,
    families: tuple[str, ...],
) -> dict[str, dict[str, float]]:
    commands = len(limits)
    tallies: dict[str, dict[str, list[float]]] = {}
    for family in families:
        data = np.load(out / f"eval-{family}.npz")
        embeddings = data["embeddings"].astype(np.float32)
        offsets = np.concatenate([[0], np.cumsum(data["lengths"])])
        for k in range(len(data["lengths"])):
            e = embeddings[offsets[k] : offsets[k + 1]]
            windows = e[np.arange(len(e) - WINDOW + 1)[:, None] + np.arange(WINDOW)]
            heard = decide(predict(model, mean, std, windows), limits)
            tally = tallies.setdefault(
                str(data["condition"][k]), {"right": [], "fa": [], "latency": []}
            )
            label = int(data["label"][k])
            if label < commands:
                tally["right"].append(float(heard is not None and heard[0] == label))
                if heard is not None and heard[0] == label:
                    tally["latency"].append(
                        window_span(heard[1] + WINDOW - 1)[1] - float(data["end"][k])
                    )
            else:
                tally["fa"].append(float(heard is not None))
    return {
        condition: {
            "commands_right_pct": round(100 * float(np.mean(t["right"])), 1),
            "false_accepts_pct": round(100 * float(np.mean(t["fa"])), 1),
            "latency_p50_ms": round(1000 * float(np.median(t["latency"])), 0)
            if t["latency"]
            else -1,
            "commands": len(t["right"]),
            "non_commands": len(t["fa"]),
        }
        for condition, t in tallies.items()
    }


def export(
    model: MLP, mean: Floats, std: Floats, limits: NDArray[np.float64], target: Path
) -> None:
    layers = [m for m in model.body if isinstance(m, nn.Linear)]
    norms = [m for m in model.body if isinstance(m, nn.LayerNorm)]
    arrays = {"mean": mean, "std": std}
    for i, layer in enumerate(layers):
        arrays[f"w{i}"] = layer.weight.detach().numpy().T
        arrays[f"b{i}"] = layer.bias.detach().numpy()
    for i, norm in enumerate(norms):
        arrays[f"g{i}"] = norm.weight.detach().numpy()
        arrays[f"n{i}"] = norm.bias.detach().numpy()
    np.savez_compressed(target / "head.npz", **{k: v.astype(np.float16) for k, v in arrays.items()})
    classes = phrases.classes()
    card = {
        "classes": classes,
        "thresholds": {c: round(float(t), 4) for c, t in zip(classes, limits, strict=False)},
        "frontend": frontend_version(),
        "hops": HOPS,
        "trained_on": SHIP,
    }
    (target / "head.json").write_text(json.dumps(card, indent=1) + "\n")


def held_out_windows(out: Path, families: tuple[str, ...], target: Path) -> None:
    """A few hundred windows of held-out families, each labelled: a command's window is the one
    ending 0.3-0.5 s after the phrase (where the detector should answer), others anywhere."""
    rng = np.random.default_rng(0)
    xs, ys, conditions = [], [], []
    for family in families:
        data = np.load(out / f"eval-{family}.npz")
        embeddings = data["embeddings"]
        offsets = np.concatenate([[0], np.cumsum(data["lengths"])])
        for k in range(len(data["lengths"])):
            count = int(data["lengths"][k])
            ends = np.array([window_span(j)[1] for j in range(WINDOW - 1, count)])
            after = ends - float(data["end"][k])
            fitting = np.flatnonzero(
                (after > 0.3)
                & (after < 0.5)
                & (
                    np.array([window_span(j)[0] for j in range(WINDOW - 1, count)])
                    <= float(data["start"][k])
                )
            )
            if len(fitting) == 0:
                continue
            j = int(rng.choice(fitting))
            xs.append(embeddings[offsets[k] + j : offsets[k] + j + WINDOW])
            ys.append(int(data["label"][k]))
            conditions.append(str(data["condition"][k]))
    pick = rng.choice(len(xs), size=min(SHIPPED_TEST_WINDOWS, len(xs)), replace=False)
    np.savez_compressed(
        target,
        windows=np.stack([xs[i] for i in pick]).astype(np.float16),
        labels=np.array([ys[i] for i in pick]),
        conditions=np.array([conditions[i] for i in pick]),
    )


def real_time_factor(seconds: float = 30.0) -> float:
    """CPU seconds per second of audio for the shipped detector, fed 80 ms blocks, one thread."""
    from companion.speech_in.command_model.detector import CommandDetector

    detector = CommandDetector()
    audio = (0.1 * np.random.default_rng(0).standard_normal(int(seconds * 16000))).astype(
        np.float32
    )
    detector.feed(audio[:32000])  # warm up: the first window needs 2 s
    started = time.process_time()
    for at in range(32000, len(audio), 1280):
        for scores in detector.feed(audio[at : at + 1280]):
            detector.heard(scores)
    return (time.process_time() - started) / (seconds - 2.0)


def pooled(per_direction: list[dict[str, dict[str, float]]]) -> dict[str, dict[str, float]]:
    """Both directions' held-out figures together: every family measured by a head that never
    heard it."""
    out = {}
    for condition in per_direction[0]:
        rows = [d[condition] for d in per_direction]
        commands = sum(r["commands"] for r in rows)
        non_commands = sum(r["non_commands"] for r in rows)
        out[condition] = {
            "commands_right_pct": round(
                sum(r["commands_right_pct"] * r["commands"] for r in rows) / commands, 1
            ),
            "false_accepts_pct": round(
                sum(r["false_accepts_pct"] * r["non_commands"] for r in rows) / non_commands, 1
            ),
            "commands": commands,
            "non_commands": non_commands,
        }
    return out


def run(out: Path, seed: int, ship: bool) -> None:
    classes = phrases.classes()
    commands = len(classes) - 2
    card: dict[str, object] = {
        "classes": classes,
        "emergency_words": phrases.EMERGENCY,
        "frontend": frontend_version(),
        "data_counts": json.loads((out / "counts.json").read_text()),
        "augmentations": {
            "speed_pitch": "resampling by 0.88-1.12",
            "room": "40 %: exponential-decay RIR, RT60 0.2-0.8 s, direct/reverb -3..8 dB",
            "noise": "85 %: music, babble (3-8 talkers), clanks, gym, pink noise; SNR 0-20 dB",
            "level": "peak 0.05-0.9",
        },
        "decision": {"hops": HOPS, "false_fire_per_window": FALSE_FIRE, "pain_ease": PAIN_EASE},
        "results": {},
    }
    results: dict[str, object] = {}
    for kind in ("mlp", "conv-attention"):
        for direction, trained in DIRECTIONS.items():
            held = tuple(f for f in FAMILIES if f not in trained)
            x, y, validation = load_training(out, trained)
            started = time.process_time()
            model, mean, std = fit(kind, x[~validation], y[~validation], len(classes), seed)
            seconds = time.process_time() - started
            probabilities = predict(model, mean, std, x[validation])
            limits = thresholds(probabilities, y[validation], commands)
            window_accuracy = float(np.mean(probabilities.argmax(1) == y[validation]))
            results[f"{kind}/{direction}"] = {
                "train_windows": int((~validation).sum()),
                "train_cpu_s": round(seconds, 1),
                "validation_window_accuracy": round(100 * window_accuracy, 1),
                "threshold": round(float(limits[0]), 3),
                "held_out": list(held),
                "per_condition": evaluate(model, mean, std, limits, out, held),
            }
            print(kind, direction, json.dumps(results[f"{kind}/{direction}"]), flush=True)
            if ship and kind == "mlp" and direction == SHIP:
                assert isinstance(model, MLP)
                export(model, mean, std, limits, runtime_head.HEAD_DIR)
                repo = Path(__file__).resolve().parent.parent
                held_out_windows(
                    out, held, repo / "tests" / "unit" / "data" / "command_windows.npz"
                )
        results[f"{kind}/pooled"] = pooled(
            [results[f"{kind}/{d}"]["per_condition"] for d in DIRECTIONS]  # type: ignore[index]
        )
    card["results"] = results
    card["real_time_factor"] = round(real_time_factor(), 4)
    (out / "model_card.json").write_text(json.dumps(card, indent=1) + "\n")
    if ship:
        shutil.copy(out / "model_card.json", Path(__file__).resolve().parent / "model_card.json")
