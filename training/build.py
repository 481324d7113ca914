"""One command for the whole command model: data, features, heads, evaluation, model card.

    OMP_NUM_THREADS=1 nice -n 10 python training/build.py --out /tmp/command-model

Stages reuse what `--out` already holds (delete it to start over). `--ship` copies the head
trained on espeak-ng + Piper (measured on the held-out flite + hibari) into the companion, with
a small held-out feature set for tests/unit/speech_in/test_command_model.py.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import generate  # noqa: E402
from voices import FAMILIES  # noqa: E402

# (renders per phrase, augmentations per render): 24 clips of every phrase per family (sized so
# that data, features and training fit in well under an hour of one CPU core); families with
# fewer voices get more augmentations of each rendering.
SCALE = {"espeak": (12, 2), "flite": (6, 4), "piper": (4, 6), "hibari": (4, 6)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="work folder for data and results")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--stage", choices=("data", "all"), default="all")
    parser.add_argument("--ship", action="store_true", help="copy the head into the companion")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    generator = generate.Generator(args.out, SCALE, args.seed)
    generator.shared()
    for family in FAMILIES:
        generator.family(family)
        generator.isolated(family)
        generator.evaluation(family)
        print(f"{family}: data ready", flush=True)
    counts_path = args.out / "counts.json"
    counts = json.loads(counts_path.read_text()) if counts_path.exists() else {}
    counts.update(generator.counts)
    counts_path.write_text(json.dumps(counts, indent=1))
    if args.stage == "data":
        return
    import train

    train.run(args.out, args.seed, ship=args.ship, scale=SCALE)


if __name__ == "__main__":
    main()
