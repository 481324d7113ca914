"""Real human speech for the command benchmark's false-accept count: the test recordings that ship
in PocketSphinx's source distribution on PyPI (CMU's BSD-style licence; the LibriVox readings are
public domain). None of them is a command: playing-card names ("ten of clubs", "five five"), a
robot instruction, spoken numbers and sentences read from a novel, in several voices.

The archive (34 MB) is fetched from PyPI once (`python benchmarks/real_speech.py`, which
./install-and-test runs), checked against the SHA-256 below (PyPI's own for that file), and kept
under ~/.cache/companion-benchmarks. `tests/audio/test_listen_moonshine.py` uses it too.
"""

from __future__ import annotations

import hashlib
import json
import re
import tarfile
import tempfile
import urllib.request
from pathlib import Path

from companion.audio.pcm import Samples, from_pcm16
from companion.audio.resample import resample
from companion.audio.wav import read_wav
from companion.speech_in.engine import SAMPLE_RATE
from companion.speech_in.models import download, text_progress

PACKAGE = ("pocketsphinx", "5.1.1")
ARCHIVE = "pocketsphinx-5.1.1.tar.gz"
SHA256 = "675778b309a22dfc9b7d37f7621976bba491d2a5f8c59696bd77fd6d07271355"
CACHE = Path.home() / ".cache" / "companion-benchmarks"
DATA = "test/data/"
RECORDINGS = re.compile(
    r"test/data/(cards/\d+\.wav|librivox/[\w-]+\.wav|(goforward|numbers|something)\.raw)$"
)
TRANSCRIPTS = ("cards/cards.transcription", "librivox/transcription")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fetch() -> Path:
    """The source archive, downloaded from PyPI unless a verified copy is already cached."""
    path = CACHE / ARCHIVE
    if path.is_file() and _sha256(path) == SHA256:
        return path
    name, version = PACKAGE
    with urllib.request.urlopen(f"https://pypi.org/pypi/{name}/json", timeout=30) as reply:
        releases = json.load(reply)["releases"]
    (url,) = [u["url"] for u in releases[version] if u["filename"] == ARCHIVE]
    CACHE.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    # The model installer's download: timeouts, short downloads and the digest are handled there.
    if download(url, partial, text_progress(), timeout=60) != SHA256:
        partial.unlink()
        raise RuntimeError(f"{url}: not the archive expected (SHA-256 differs)")
    partial.rename(path)
    return path


def recordings() -> list[tuple[str, Samples]]:
    """(what is said, 16 kHz float samples) for each recording."""
    # The three raw recordings come without transcripts: labels for the report only.
    texts = {
        "goforward": "go forward ten meters",
        "numbers": "(a string of numbers)",
        "something": "(a short sentence)",
    }
    out = []
    with tarfile.open(fetch()) as archive:
        root = archive.getnames()[0].split("/")[0]
        for transcript in TRANSCRIPTS:
            member = archive.extractfile(f"{root}/{DATA}{transcript}")
            assert member is not None
            for line in member.read().decode().splitlines():
                found = re.match(r"<s>(.*)</s>\s*\((.+)\)", line.strip())
                if found:
                    texts[found.group(2)] = found.group(1).strip()
        for info in archive.getmembers():
            relative = info.name.removeprefix(f"{root}/")
            if not RECORDINGS.match(relative):
                continue
            member = archive.extractfile(info)
            assert member is not None
            data = member.read()
            stem = Path(relative).stem
            if relative.endswith(".raw"):  # headerless 16 kHz 16-bit mono
                samples = from_pcm16(data)
            else:
                with tempfile.TemporaryDirectory() as work:
                    scratch = Path(work) / "recording.wav"
                    scratch.write_bytes(data)
                    wav, rate = read_wav(scratch)
                samples = resample(wav, rate, SAMPLE_RATE)
            out.append((texts.get(stem, stem), samples))
    return out


if __name__ == "__main__":
    for text, samples in recordings():
        print(f"{len(samples) / 16000:5.2f} s  {text}")
