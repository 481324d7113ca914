"""`companion models install|list` against archives served from 127.0.0.1 by the test itself."""

from __future__ import annotations

import hashlib
import http.server
import io
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from companion.cli import main
from companion.speech_in.models import DEFAULT_SHA256, find_model

NAME = "vosk-model-small-en-us-0.15"
FILES = ("am/final.mdl", "conf/model.conf", "conf/mfcc.conf", "graph/HCLr.fst", "graph/Gr.fst")


def model_zip(
    extra: dict[str, bytes] | None = None,
    files: tuple[str, ...] = FILES,
    top: str = NAME,
    compression: int = zipfile.ZIP_STORED,
) -> bytes:
    """A model archive with its files under `top` (at the archive's root when `top` is "")."""
    prefix = f"{top}/" if top else ""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as bundle:
        for name in files:
            bundle.writestr(f"{prefix}{name}", f"content of {name}".encode())
        for name, data in (extra or {}).items():
            bundle.writestr(name, data)
    return buffer.getvalue()


def encrypted_zip() -> bytes:
    """A model archive whose first member carries the zip "encrypted" flag (bit 0)."""
    body = bytearray(model_zip())
    for signature, flags in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        body[body.find(signature) + flags] |= 1
    return bytes(body)


def corrupt_deflate_zip() -> bytes:
    """A well-formed zip whose first member's deflate stream starts with an invalid block type."""
    body = bytearray(model_zip(compression=zipfile.ZIP_DEFLATED))
    start = body.find(b"PK\x03\x04")  # the first local header
    name_length = int.from_bytes(body[start + 26 : start + 28], "little")
    extra_length = int.from_bytes(body[start + 28 : start + 30], "little")
    body[start + 30 + name_length + extra_length] = 0xFF
    return bytes(body)


class Server:
    """Serves `routes` (path -> (body, claimed length)) on 127.0.0.1 until the test ends."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[bytes, int]] = {}
        self.requests: list[str] = []
        routes, requests = self.routes, self.requests

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                requests.append(self.path)
                body, length = routes.get(self.path, (b"", -1))
                if length < 0:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(length))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.timeout = 5
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def add(self, path: str, body: bytes, claimed: int | None = None) -> str:
        self.routes[path] = (body, len(body) if claimed is None else claimed)
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[Server]:
    running = Server()
    try:
        yield running
    finally:
        running.close()


def models_dir(tmp: Path) -> Path:
    return tmp / "data" / "models"


def test_good_archive_installs_and_lists(
    server: Server, isolated_dirs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = model_zip()
    url = server.add(f"/{NAME}.zip", body)  # named as the official archive is
    digest = hashlib.sha256(body).hexdigest()
    assert main(["models", "install", "--url", url, "--sha256", digest]) == 0
    target = models_dir(isolated_dirs) / NAME
    assert (target / "am" / "final.mdl").read_bytes() == b"content of am/final.mdl"
    assert "100%" in capsys.readouterr().err  # the progress bar reached the end
    assert main(["models", "list"]) == 0
    listed = capsys.readouterr().out
    assert NAME in listed and "[en]" in listed
    # Installing again refuses rather than overwriting silently.
    assert main(["models", "install", "--url", url]) == 2
    assert "already exists" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("truncated", "incomplete"),
        ("checksum", "checksum mismatch"),
        ("escape", "outside the model"),
        ("absolute", "outside the model"),
        ("not-a-model", "missing am/final.mdl"),
        ("not-a-zip", "not a complete zip"),
        ("empty", "is empty"),
        ("directories-only", "is empty"),
        ("encrypted", "is encrypted"),
        ("corrupt-deflate", "is damaged: Error -3"),
        ("nameless-member", "has no name"),
    ],
)
def test_bad_archives_leave_nothing_behind(
    server: Server,
    isolated_dirs: Path,
    capsys: pytest.CaptureFixture[str],
    case: str,
    message: str,
) -> None:
    good = model_zip()
    extra: list[str] = []
    if case == "truncated":
        url = server.add("/m.zip", good[: len(good) // 2], claimed=len(good))
    elif case == "checksum":
        url = server.add("/m.zip", good)
        extra = ["--sha256", "0" * 64]
    elif case == "escape":
        url = server.add("/m.zip", model_zip({f"{NAME}/../../evil.txt": b"x"}))
    elif case == "absolute":
        url = server.add("/m.zip", model_zip({"/tmp/evil.txt": b"x"}))
    elif case == "not-a-model":
        url = server.add("/m.zip", model_zip(files=("README",)))
    elif case == "empty":
        url = server.add("/m.zip", model_zip(files=()))
    elif case == "directories-only":
        url = server.add("/m.zip", model_zip({f"{NAME}/am/": b""}, files=()))
    elif case == "encrypted":
        url = server.add("/m.zip", encrypted_zip())
    elif case == "corrupt-deflate":
        url = server.add("/m.zip", corrupt_deflate_zip())
    elif case == "nameless-member":  # zipfile would write it as a file over the target dir
        url = server.add("/m.zip", model_zip({".": b"x"}))
    else:
        url = server.add("/m.zip", b"this is not a zip file" * 10)
    assert main(["models", "install", "--url", url, *extra]) == 2
    error = capsys.readouterr().err
    assert message in error
    assert url in error  # says which archive
    directory = models_dir(isolated_dirs)
    assert list(directory.iterdir()) == []  # no half model, no temporary leftovers
    assert not (isolated_dirs / "evil.txt").exists()
    assert not Path("/tmp/evil.txt").exists()


def test_list_without_models_says_how_to_install(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("companion.speech_in.models.installed_models", list)
    assert main(["models", "list"]) == 0
    assert "companion models install" in capsys.readouterr().out


def test_the_default_model_is_checked_against_its_known_checksum(
    server: Server,
    isolated_dirs: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The official address, served here with an archive that is not the official one.
    url = server.add("/vosk-model-small-en-us-0.15.zip", model_zip())
    monkeypatch.setattr("companion.speech_in.models.DEFAULT_URL", url)
    assert main(["models", "install"]) == 2
    error = capsys.readouterr().err
    assert f"checksum mismatch for {url}: expected {DEFAULT_SHA256}" in error
    assert list(models_dir(isolated_dirs).iterdir()) == []


@pytest.mark.parametrize("name", ["sub/model", "/abs/path", "..", ".", "", ".hidden", "a\\b"])
def test_a_name_that_is_not_a_plain_directory_is_refused_before_downloading(
    server: Server, isolated_dirs: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    url = server.add("/good.zip", model_zip())
    data = isolated_dirs / "data"
    data.mkdir()
    (data / "keep.txt").write_text("the models dir's parent")
    assert main(["models", "install", name, "--url", url, "--force"]) == 2
    out, error = capsys.readouterr()
    assert f"cannot install a model as {name!r}: give a plain directory name" in error
    assert server.requests == []
    assert "Downloading" not in out  # nothing claims a download happened
    assert sorted(p.name for p in data.iterdir()) == ["keep.txt"]
    assert not Path("/abs/path").exists()


@pytest.mark.parametrize(
    ("top", "path", "name", "language"),
    [
        (NAME, "/good.zip", "english", "en"),  # the archive's top directory says
        ("", "/vosk-model-small-fr-0.22.zip", "french", "fr"),  # else the address
        ("", "/m.zip", "de-custom", "de"),  # else the install name
        ("vosk-model-small-ko-0.22", "/m.zip", NAME, "ko"),  # the archive beats the name
    ],
)
def test_the_language_comes_from_the_model_not_the_chosen_name(
    server: Server,
    isolated_dirs: Path,
    capsys: pytest.CaptureFixture[str],
    top: str,
    path: str,
    name: str,
    language: str,
) -> None:
    url = server.add(path, model_zip(top=top))
    assert main(["models", "install", name, "--url", url]) == 0
    target = models_dir(isolated_dirs) / name
    capsys.readouterr()
    assert main(["models", "list"]) == 0
    assert f"{name}  [{language}]  user data: {target}" in capsys.readouterr().out
    # What `companion listen` and doctor use to pick the model for a language.
    found = find_model(language)
    assert found is not None and found.path == target


def test_a_model_whose_language_nothing_says_is_refused(
    server: Server, isolated_dirs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = server.add("/download.zip", model_zip(top=""))
    assert main(["models", "install", "mymodel", "--url", url]) == 2
    assert f"cannot tell the language of the model in {url}" in capsys.readouterr().err
    assert list(models_dir(isolated_dirs).iterdir()) == []


def test_a_model_placed_by_hand_under_a_name_without_a_language_says_how_to_give_it_one(
    isolated_dirs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = models_dir(isolated_dirs) / "english"
    for name in FILES:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        (target / name).write_text(f"content of {name}")
    assert main(["models", "list"]) == 0
    label = f"language unknown: write its code, like en, into {target / 'companion-language'}"
    assert f"english  [{label}]  user data: {target}" in capsys.readouterr().out
    assert find_model("en") is None
    (target / "companion-language").write_text("en\n")
    found = find_model("en")
    assert found is not None and found.path == target


def test_a_model_path_that_holds_no_model_says_what_is_missing_not_a_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # "tmp" reads like a language code: the name must not be asked for one before the files.
    empty = tmp_path / "tmp"
    empty.mkdir()
    assert main(["listen", "--json", "--model", str(empty), str(tmp_path / "a.wav")]) == 2
    err = capsys.readouterr().err
    missing = "missing am/final.mdl, conf/model.conf, graph/"
    assert f"companion: --model: {empty} is not a Vosk model ({missing}" in err


def test_without_a_name_the_model_installs_under_its_archive_name(
    server: Server, isolated_dirs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = server.add("/vosk-model-small-fr-0.22.zip", model_zip(top="vosk-model-small-fr-0.22"))
    assert main(["models", "install", "--url", url]) == 0
    assert [p.name for p in models_dir(isolated_dirs).iterdir()] == ["vosk-model-small-fr-0.22"]
    capsys.readouterr()
    assert main(["models", "list"]) == 0
    assert "vosk-model-small-fr-0.22  [fr]" in capsys.readouterr().out
