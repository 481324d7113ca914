"""Line numbers for key paths: the scanner must follow TOML's nesting, and not be fooled by
brackets, equals signs or quotes inside strings and comments."""

from __future__ import annotations

import tomllib

from companion.library.locate import key_lines, line_of

TRICKY = '''\
title = "a [[fake]] header = 1"  # a comment with [brackets] and "quotes"
"quoted.key" = 'literal \\ no escape'
note = """
[[not_a_table]]
x = 1
"""
path.to.key = 1
inline = { a = 1, b = [2, 3] }

[[list]]
name = "first"

[[list.child]]
v = "esc \\" quote ]"

[[list]]
name = "second"
items = [
    "one",
    # a comment between elements
    "two, with a comma",
]

[list.extra]
deep = 1
'''


def test_scanner_follows_tables_arrays_and_strings() -> None:
    tomllib.loads(TRICKY)  # the scanner only ever sees valid TOML
    lines = key_lines(TRICKY)
    assert lines[("title",)] == 1
    assert lines[("quoted.key",)] == 2
    assert lines[("note",)] == 3
    assert ("not_a_table",) not in lines and ("x",) not in lines
    assert lines[("path", "to", "key")] == 7
    assert lines[("inline", "b", 1)] == 8
    assert lines[("list", 0, "name")] == 11
    assert lines[("list", 0, "child", 0, "v")] == 14
    assert lines[("list", 1)] == 16
    assert lines[("list", 1, "items", 1)] == 21
    assert lines[("list", 1, "extra", "deep")] == 25


def test_missing_path_falls_back_to_the_nearest_ancestor() -> None:
    lines = key_lines(TRICKY)
    assert line_of(lines, ("list", 1, "missing")) == 16
    assert line_of(lines, ("nowhere",)) == 1


def test_an_escaped_quote_does_not_end_a_multi_line_string() -> None:
    text = 'summary = """Say \\""" loudly."""\ntitle = "t"\n'
    assert tomllib.loads(text)["summary"] == 'Say """ loudly.'
    assert key_lines(text) == {("summary",): 1, ("title",): 2}
