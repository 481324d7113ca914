"""The Moonshine tokenizer file format, byte-pair merges in id order, byte fallback and errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from companion.speech_in.engines.moonshine.tokens import FIRST_PIECE, Tokenizer, TokenizerError


def write(path: Path, pieces: list[bytes]) -> Path:
    path.write_bytes(b"".join(bytes([len(p)]) + p for p in pieces))
    return path


def tokenizer(tmp_path: Path, merged: list[str]) -> Tokenizer:
    special = [b"<unk>", b"<s>", b"</s>"]
    raw = [bytes([b]) for b in range(256)]
    return Tokenizer.load(write(tmp_path / "t.bin", special + raw + [m.encode() for m in merged]))


def test_pieces_merge_earliest_first_and_words_start_with_the_marker(tmp_path: Path) -> None:
    # "▁se" is listed before "et", so "▁set" is built as "▁se" + "t" then "▁set".
    merged = ["▁s", "▁se", "et", "▁set", "▁n", "ex", "▁nex", "▁next", "t"]
    tok = tokenizer(tmp_path, merged)
    ids = tok.encode("next set")
    assert ids == [FIRST_PIECE + merged.index("▁next"), FIRST_PIECE + merged.index("▁set")]
    assert tok.decode(ids) == "next set"


def test_the_earlier_merge_wins_where_two_overlap(tmp_path: Path) -> None:
    tok = tokenizer(tmp_path, ["ab", "bc", "▁"])
    # "ab" (listed first) takes the "b"; "c" is left to the byte fallback.
    assert tok.encode("abc") == [FIRST_PIECE + 2, FIRST_PIECE, 3 + ord("c")]
    assert tokenizer(tmp_path, ["bc", "ab", "▁"]).encode("abc")[1:] == [3 + ord("a"), FIRST_PIECE]


def test_text_no_piece_covers_falls_back_to_bytes(tmp_path: Path) -> None:
    tok = tokenizer(tmp_path, ["▁n", "▁no"])
    ids = tok.encode("no é")
    assert ids[0] == FIRST_PIECE + 1
    assert tok.decode(ids) == "no é"  # "▁" and "é" came through as raw UTF-8 bytes


def test_a_file_that_is_not_a_tokenizer_is_named(tmp_path: Path) -> None:
    truncated = tmp_path / "t.bin"
    truncated.write_bytes(bytes([40]) + b"too short")  # promises 40 bytes, holds 9
    with pytest.raises(TokenizerError, match=r"t\.bin: not a Moonshine tokenizer file"):
        Tokenizer.load(truncated)
    with pytest.raises(TokenizerError, match="only 1 pieces"):
        Tokenizer.load(write(tmp_path / "short.bin", [b"<unk>"]))
