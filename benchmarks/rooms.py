"""Gym conditions for `benchmarks/commands.py --conditions rooms`: each command or sentence is put
in a recording of its own that is loud from its first moment, as a recording made in a gym and
judged file by file would be, not after `corpus.LEAD_S` of room that a live listener has already
learned.

Noises, all at a chosen SNR (speech power over the phrase against the noise's):
- music: procedural pop (chords, bass, drums; `training/sounds.py`);
- babble: six people talking at once, from recordings of real people (`real_speech.py`);
- gym: music and clanking plates;
- room_music: the voice in a reverberant room (RT60 0.6 s, direct path 2 dB over the
  reverberation), with music;
- chatter, for fitting only (`TRAIN_NOISES`): six of the training voices talking at once.
Each recording begins with `LEAD_S` of the noise alone (drawn per recording) and ends with
`TRAIL_S` of it. (The `real_speech` split's recordings are also what the babble is made of, so in
babble one of its talkers may be the very recording judged.)
"""

from __future__ import annotations

import sys
from pathlib import Path

import corpus
import numpy as np

from companion.audio.pcm import Samples

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "training"))

import sounds

NOISES = ("music", "babble", "gym", "room_music")
# What `benchmarks/fit_judge.py` may fit the verdict on: babble of the training voices' own chatter
# ("chatter") stands in for the real people's babble, which stays held out.
TRAIN_NOISES = ("music", "chatter", "gym")
SNRS_DB = (20.0, 10.0, 5.0)
LEAD_S = (0.5, 2.0)  # the room alone before the phrase, drawn uniformly per recording
TRAIL_S = 1.0
TALKERS = 6
RT60_S = 0.6
DIRECT_DB = 2.0
# Sentences that hold a command's words but give no command, said to or near the lifter; they
# join the corpus's non-commands in these conditions.
EMBEDDED = (
    "i'm almost done with this machine",
    "next time bring a towel",
    "no worries take your time",
    "switch sides",
    "help me load the bar",
    "pause for a second and breathe",
    "yes i'll be right there",
    "does your back hurt after running",
    "stop by the desk on your way out",
)


def _noise(kind: str, n: int, rng: np.random.Generator) -> Samples:
    if kind in ("babble", "chatter"):
        return sounds.babble(corpus.talk(kind), TALKERS, n, rng)
    if kind == "gym":
        return sounds.unit(sounds.music(n, rng) + sounds.clanks(n, rng))
    return sounds.music(n, rng)  # music, and the music of room_music


def scene(
    speech: Samples, noise: str | None, snr_db: float | None, rng: np.random.Generator
) -> tuple[Samples, float]:
    """`speech` (trimmed, 16 kHz) in the condition, and when it ends (s). No noise: the phrase
    between stretches of silence as long as the noise's would be."""
    lead = int(rng.uniform(*LEAD_S) * 16000)
    trail = int(TRAIL_S * 16000)
    voice = speech
    if noise == "room_music":
        voice = sounds.reverberate(speech, sounds.room(RT60_S, rng, DIRECT_DB))
    dry = np.concatenate([np.zeros(lead, np.float32), voice, np.zeros(trail, np.float32)])
    end_s = (lead + len(speech)) / 16000
    if noise is None or snr_db is None:
        return dry.astype(np.float32), end_s
    power = float(np.mean(voice**2))
    scale = np.sqrt(power / 10 ** (snr_db / 10))
    mixed = dry + scale * _noise(noise, len(dry), rng)
    return mixed.astype(np.float32), end_s
