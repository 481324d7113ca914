"""The one schema every workout file follows, and the conversion to `companion.domain.workout`.

Used by `companion.library.loader`. The schema is data: one field table per kind of TOML table
(workout, exercise, cue, ...). `check` walks a parsed file against the tables and collects every
problem (unknown keys, wrong types, bad enum values, missing keys) and then the rules that span
fields (ids, source references, per-side exercises, ...). `build` turns a file that passed `check`
into frozen domain objects. Problems carry key paths, not lines: the loader adds the lines.
"""

from __future__ import annotations

import datetime
import difflib
import math
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any, TypeGuard

from companion.domain.fatigue import estimate_minutes, set_seconds
from companion.domain.workout import (
    Cue,
    CueMoment,
    Equipment,
    Exercise,
    Fatigue,
    Format,
    Pattern,
    Progression,
    Regression,
    SafetyRule,
    SetupCheck,
    Source,
    Tempo,
    Unit,
    WarmupItem,
    Workout,
)
from companion.library.locate import KeyPath


@dataclass(frozen=True)
class Issue:
    """One thing wrong in a parsed file: where (key path) and what was expected."""

    path: KeyPath
    message: str


def format_path(path: KeyPath) -> str:
    """`("exercises", 2, "tempo", "eccentric")` → `exercises[2].tempo.eccentric`."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


# --- the schema as data -------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """What one key holds. `check` says whether a value has the right shape; a table field also
    has `table` (its own field table), an array field `items` (the field of each element)."""

    expected: str
    check: Callable[[object], bool]
    required: bool = False
    table: Mapping[str, Field] | None = None
    items: Field | None = None
    min_items: int = 0
    max_items: int = 0  # an array's most entries (0: not an array)
    # A text's most characters (0: not free text); `one_line` texts also refuse line breaks.
    max_length: int = 0
    one_line: bool = False
    # "sources" or "equipment": the value must name something the workout declares there.
    refers_to: str = ""


def _is_text(value: object) -> bool:
    return isinstance(value, str) and value.strip() != ""


# Upper bounds keep a typo (`rest_seconds = 9000`) from passing as valid and failing mid-session:
# the companion says numbers up to 999, and a plan of millions of sets never ends.
MAX_SETS = 20
MAX_REPS = 100
MAX_REST_S = 900  # a quarter of an hour
MAX_PHASE_S = 20  # one tempo phase
MAX_LOAD = 2000.0  # pounds or kilograms: beyond any lift
MAX_INCREMENT = 100.0
# Lengths and counts a person could mean, with room to spare: the longest shipped text is under
# 500 characters, the longest shipped list holds 6 entries.
MAX_TEXT = 1000  # a cue, a step, a note: read aloud or shown in the session's box
MAX_LINE = 100  # a name, a title, a side: shown on one line of a table or a banner
MAX_ID = 60
MAX_ITEMS = 30  # cues, steps, sources, ... in one list
MAX_EXERCISES = 30
# What a whole session may add up to (`companion.domain.fatigue`'s estimate): beyond these a
# plan is a typo, not a workout; a set of 100 reps at 80 s a rep would last over two hours.
MAX_SET_MINUTES = 15
MAX_WORKOUT_MINUTES = 240
# A workout file is a few kB; a bigger one is refused before it is parsed.
MAX_FILE_BYTES = 1_000_000
# Tables and arrays go four deep in a workout (exercises, an exercise, its cues, a cue); deeper
# is never meant, and Python's recursion would give out somewhere past 300.
MAX_DEPTH = 8
# Every text may hold any printable character; line breaks and tabs only where the text may
# span lines. The rest (ESC, BEL, C1 codes) would drive the terminal, not be shown.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _is_int(minimum: int, maximum: int) -> Callable[[object], bool]:
    # bool is a subclass of int in Python; `sets = true` must not pass as 1.
    return lambda value: type(value) is int and minimum <= value <= maximum


def _is_number(maximum: float) -> Callable[[object], bool]:
    # `inf` and `nan` are valid TOML floats; `nan` fails both comparisons.
    return lambda value: (
        isinstance(value, int | float) and not isinstance(value, bool) and 0 < value <= maximum
    )


def _is_share(value: object) -> bool:
    # 1 or more is no warm-up; `nan` fails both comparisons.
    return isinstance(value, int | float) and not isinstance(value, bool) and 0 < value < 1


def _is_reps(value: object) -> bool:
    if type(value) is int:
        return 1 <= value <= MAX_REPS
    return (
        isinstance(value, list)
        and len(value) == 2
        and all(type(v) is int and 1 <= v <= MAX_REPS for v in value)
    )


def _is_increment(value: object) -> TypeGuard[list[int | float]]:
    positive = _is_number(MAX_INCREMENT)
    return isinstance(value, list) and len(value) == 2 and all(positive(v) for v in value)


_SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


def _is_slug(value: object) -> bool:
    return isinstance(value, str) and _SLUG.fullmatch(value) is not None


def required(field: Field) -> Field:
    return replace(field, required=True)


def enum_field(enum: type[Enum]) -> Field:
    values = [str(member.value) for member in enum]
    return Field(f"one of {', '.join(values)}", lambda value: value in values)


def table_of(fields: Mapping[str, Field]) -> Field:
    return Field("a table", lambda value: isinstance(value, dict), table=fields)


def array_of(item: Field, min_items: int = 0, max_items: int = MAX_ITEMS) -> Field:
    each = f"an array ({item.expected} each)" if item.table is None else "an array of tables"
    return Field(
        f"{each}, up to {max_items}",
        lambda value: isinstance(value, list),
        items=item,
        min_items=min_items,
        max_items=max_items,
    )


TEXT = Field("a non-empty string", _is_text, max_length=MAX_TEXT)
LINE = Field("a non-empty string on one line", _is_text, max_length=MAX_LINE, one_line=True)
SLUG = Field(
    f"an id of lowercase letters, digits and hyphens (like hip-thrust), up to {MAX_ID} characters",
    _is_slug,
    max_length=MAX_ID,
)
BOOL = Field("true or false", lambda value: isinstance(value, bool))
SETS = Field(f"a whole number from 1 to {MAX_SETS}", _is_int(1, MAX_SETS))
COUNT = Field(f"a whole number from 1 to {MAX_REPS}", _is_int(1, MAX_REPS))
REST = Field(f"a whole number of seconds from 0 to {MAX_REST_S}", _is_int(0, MAX_REST_S))
PHASE = Field(f"a whole number of seconds from 0 to {MAX_PHASE_S}", _is_int(0, MAX_PHASE_S))
LOAD = Field(f"a positive number up to {MAX_LOAD:g} (in the workout's unit)", _is_number(MAX_LOAD))
REPS = Field(f"a whole number of reps or a range [low, high], each 1 to {MAX_REPS}", _is_reps)
SOURCE_REF = Field(
    "the id of a source declared in [[sources]]",
    _is_slug,
    required=True,
    max_length=MAX_ID,
    refers_to="sources",
)
TEXTS = array_of(TEXT)
LINES = array_of(LINE)

SOURCE = {"id": required(SLUG), "title": required(LINE), "file": required(LINE)}

EQUIPMENT = {"name": required(LINE), "substitutes": LINES, "optional": BOOL}

WARMUP_ITEM = {
    "name": required(LINE),
    "text": required(TEXT),
    "source": SOURCE_REF,
    "reps": COUNT,
    "seconds": Field(f"a whole number of seconds from 1 to {MAX_REST_S}", _is_int(1, MAX_REST_S)),
    # A lighter set: said as the number, this share of the exercise's load today (issue 26).
    "load_share": Field(
        "a share of the working load above 0 and below 1 (0.5: half), said as a number of"
        " pounds or kilos rounded down to a plate step",
        _is_share,
    ),
    "exercise": Field(
        "the id of an exercise with a load, whose load load_share is of (left out: the first"
        " exercise)",
        _is_slug,
        max_length=MAX_ID,
    ),
}

SAFETY_RULE = {"text": required(TEXT), "source": SOURCE_REF, "red_flags": LINES}

TEMPO = {
    "eccentric": PHASE,
    "pause": PHASE,
    "concentric": PHASE,
    "top": PHASE,
    "lowering_first": BOOL,
    "note": TEXT,
}

SETUP_CHECK = {"text": required(TEXT), "source": SOURCE_REF, "fix": TEXT}

CUE = {"text": required(TEXT), "source": SOURCE_REF, "moment": enum_field(CueMoment)}

REGRESSION = {
    "name": required(LINE),
    "text": required(TEXT),
    "source": SOURCE_REF,
    "per_side": BOOL,  # left out: as the exercise it replaces
    "cues": array_of(table_of(CUE)),
}

PROGRESSION = {
    "text": required(TEXT),
    "source": SOURCE_REF,
    "increment_per_side": Field(
        f"[smallest, largest] a side in the workout's unit, each up to {MAX_INCREMENT:g}"
        " (rounded to whole plates: 2.5 lb or 1.25 kg)",
        _is_increment,
    ),
    "sides_loaded": Field("1 or 2", lambda value: value in (1, 2) and type(value) is int),
}

EXERCISE = {
    "id": required(SLUG),
    "name": required(LINE),
    "pattern": required(enum_field(Pattern)),
    "fatigue": required(enum_field(Fatigue)),
    "sets": required(SETS),
    "reps": required(REPS),
    "rest_seconds": required(REST),
    "per_side": BOOL,
    "sides": LINES,
    "load": LOAD,
    "tempo": table_of(TEMPO),
    "setup": array_of(table_of(SETUP_CHECK)),
    "steps": TEXTS,
    "cues": array_of(table_of(CUE)),
    "mistakes": array_of(table_of(CUE)),
    "end_set_when": TEXT,
    "switch_sides": TEXT,
    "regression": table_of(REGRESSION),
    "progression": table_of(PROGRESSION),
    "equipment": array_of(
        Field(
            "the name of equipment declared in [[equipment]]",
            _is_text,
            max_length=MAX_LINE,
            one_line=True,
            refers_to="equipment",
        )
    ),
}

WORKOUT = {
    "id": required(SLUG),
    "title": required(LINE),
    "summary": required(TEXT),
    "format": required(enum_field(Format)),
    "unit": enum_field(Unit),
    "sources": required(array_of(table_of(SOURCE), min_items=1)),
    "equipment": array_of(table_of(EQUIPMENT)),
    "warmup": array_of(table_of(WARMUP_ITEM)),
    "safety": array_of(table_of(SAFETY_RULE)),
    "exercises": required(array_of(table_of(EXERCISE), min_items=1, max_items=MAX_EXERCISES)),
    "rounds": SETS,
    "rest_between_exercises": REST,
    "rest_between_rounds": REST,
    "defaults_note": TEXT,
    "hinge_set_budget": COUNT,
}


def key_reference(
    table: Mapping[str, Field] = WORKOUT, prefix: str = ""
) -> Iterator[tuple[str, Field]]:
    """Every key a workout file may hold, as ("exercises[].tempo.note", its field), in schema
    order; `[]` marks an array of tables (`[[exercises]]` in the file)."""
    for name, field in table.items():
        item = field.items
        if item is not None and item.table is not None:
            yield f"{prefix}{name}[]", field
            yield from key_reference(item.table, f"{prefix}{name}[].")
        else:
            yield f"{prefix}{name}", field
            if field.table is not None:
                yield from key_reference(field.table, f"{prefix}{name}.")


def limits() -> list[str]:
    """What a workout file may hold beyond each key's own range, one line each, for
    `companion validate --keys`."""
    return [
        f"text: at most {MAX_TEXT} characters; names, titles, sides and red flags: one line of"
        f" at most {MAX_LINE}",
        "no control characters (ESC, BEL, ...) in any text; line breaks and tabs only in text"
        " that may span lines",
        f"one set: at most {MAX_SET_MINUTES} minutes (reps, tempo and sides together)",
        f"a workout: at most {MAX_WORKOUT_MINUTES} minutes, as `companion list` estimates it",
        f"a workout file: at most {MAX_FILE_BYTES // 1_000_000} MB, tables and arrays nested at"
        f" most {MAX_DEPTH} deep",
    ]


# --- checking -----------------------------------------------------------------------------------


def check(data: dict[str, Any], stem: str) -> list[Issue]:
    """Every problem in a parsed workout file named `<stem>.toml`; empty when it is valid."""
    walk = _Walk()
    walk.table(data, WORKOUT, ())
    walk.cross_check(data, stem)
    if not walk.issues:
        # Only a file that builds has a duration.
        walk.duration(build(data))
    return walk.issues


def _describe(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value if len(value) <= 40 else value[:37] + "...")
    if isinstance(value, int | float):
        shown = str(value)
        return shown if len(shown) <= 40 else f"a number of {len(shown)} digits"
    if isinstance(value, list):
        # A short array of plain values is shown, so "reps = [0, 5]" says which number is wrong.
        # Only plain values are described: a nested array is never walked into.
        if all(isinstance(item, bool | int | float | str) for item in value[:10]):
            shown = f"[{', '.join(_describe(item) for item in value[:10])}]"
            if len(value) <= 10 and len(shown) <= 40:
                return shown
        return "an array"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, datetime.date | datetime.time):
        return "a date or time"
    return type(value).__name__


class _Walk:
    def __init__(self) -> None:
        self.issues: list[Issue] = []
        # (path, kind, value) of every reference, checked once the declarations are known.
        self.references: list[tuple[KeyPath, str, str]] = []

    def issue(self, path: KeyPath, message: str) -> None:
        self.issues.append(Issue(path, message))

    def table(self, table: dict[str, Any], fields: Mapping[str, Field], path: KeyPath) -> None:
        for key, value in table.items():
            field = fields.get(key)
            if field is None:
                close = difflib.get_close_matches(key, fields, n=1)
                hint = f"did you mean {close[0]!r}? " if close else ""
                self.issue((*path, key), f"unknown key; {hint}expected one of: {', '.join(fields)}")
            else:
                self.value(value, field, (*path, key))
        for key, field in fields.items():
            if field.required and key not in table:
                self.issue((*path, key), f"missing required key; expected {field.expected}")

    def value(self, value: object, field: Field, path: KeyPath) -> None:
        if not field.check(value):
            self.issue(path, f"expected {field.expected}, got {_describe(value)}")
            return
        if isinstance(value, str) and field.max_length:
            self.text(value, field, path)
        if field.table is not None:
            assert isinstance(value, dict)
            self.table(value, field.table, path)
        elif field.items is not None:
            assert isinstance(value, list)
            if len(value) < field.min_items:
                entries = "entry" if field.min_items == 1 else "entries"
                self.issue(path, f"expected at least {field.min_items} {entries}, got {len(value)}")
            if len(value) > field.max_items:
                self.issue(path, f"expected at most {field.max_items} entries, got {len(value)}")
                return
            for index, item in enumerate(value):
                self.value(item, field.items, (*path, index))
        elif field.refers_to:
            assert isinstance(value, str)
            self.references.append((path, field.refers_to, value))

    def text(self, value: str, field: Field, path: KeyPath) -> None:
        if len(value) > field.max_length:
            self.issue(path, f"expected at most {field.max_length} characters, got {len(value)}")
        found = (_CONTROL_ONE_LINE if field.one_line else _CONTROL).search(value)
        if found is None:
            return
        where = f"at character {found.start() + 1}"
        if field.one_line and found.group() in "\t\n\r":
            self.issue(path, f"expected one line, got a line break or tab {where}")
        else:
            # Shown as an escape: printed raw it would act on the terminal (ESC, BEL, ...).
            code = f"\\x{ord(found.group()):02x}"
            self.issue(path, f"expected text without control characters, got {code} {where}")

    def cross_check(self, data: dict[str, Any], stem: str) -> None:
        """Rules between fields. Each looks only at values that already have the right type,
        so a wrong type is reported once (by the walk), not again here."""
        workout_id = data.get("id")
        if _is_slug(workout_id) and workout_id != stem:
            # A file name that no id can match needs the file renamed, not the id changed.
            fix = "" if _is_slug(stem) else f"; rename the file to {workout_id}.toml"
            self.issue(("id",), f"expected the file's name {stem!r}, got {workout_id!r}{fix}")

        declared = {
            "sources": self._unique(data, "sources", "id"),
            "equipment": self._unique(data, "equipment", "name"),
        }
        for path, kind, name in self.references:
            if name not in declared[kind]:
                known = ", ".join(sorted(declared[kind])) or "none"
                self.issue(path, f"{name!r} is not declared in [[{kind}]] (declared: {known})")

        self._unique(data, "exercises", "id")
        for index, exercise in _tables(data, "exercises"):
            self._exercise(exercise, ("exercises", index), data)

        if data.get("format") == Format.STRAIGHT_SETS.value:
            for key in ("rounds", "rest_between_exercises", "rest_between_rounds"):
                if key in data:
                    self.issue((key,), 'only used when format = "circuit"')

        for index, item in _tables(data, "warmup"):
            if "reps" in item and "seconds" in item:
                self.issue(("warmup", index, "seconds"), "give reps or seconds, not both")
            self._warmup_load(item, ("warmup", index), data)

    def duration(self, workout: Workout) -> None:
        """Sets and sessions too long to be meant, each value in range but not together."""
        for index, exercise in enumerate(workout.exercises):
            minutes = math.ceil(set_seconds(exercise) / 60)
            if minutes > MAX_SET_MINUTES:
                self.issue(
                    ("exercises", index, "reps"),
                    f"one set would last about {minutes} minutes; a set may last at most "
                    f"{MAX_SET_MINUTES} (fewer reps or a shorter tempo)",
                )
        minutes = estimate_minutes(workout)
        if minutes > MAX_WORKOUT_MINUTES:
            self.issue(
                (),
                f"the workout would last about {minutes} minutes; a workout may last at most "
                f"{MAX_WORKOUT_MINUTES} (fewer exercises, sets, rounds or reps, or shorter rests)",
            )

    def _exercise(self, exercise: dict[str, Any], path: KeyPath, data: dict[str, Any]) -> None:
        per_side = exercise.get("per_side") is True
        sides = exercise.get("sides")
        if per_side and not (isinstance(sides, list) and len(sides) >= 2):
            self.issue((*path, "sides"), 'per_side = true needs sides, like ["left", "right"]')
        if per_side and "switch_sides" not in exercise:
            self.issue((*path, "switch_sides"), "per_side = true needs a switch_sides instruction")
        for key in ("sides", "switch_sides"):
            if key in exercise and not per_side:
                self.issue((*path, key), "only used with per_side = true")
        if isinstance(sides, list) and len(set(map(str, sides))) != len(sides):
            self.issue((*path, "sides"), "each side may appear only once")

        reps = exercise.get("reps")
        if _is_reps(reps) and isinstance(reps, list) and reps[0] > reps[1]:
            self.issue((*path, "reps"), f"expected [low, high] with low <= high, got {reps}")

        if "load" in exercise and "unit" not in data:
            self.issue((*path, "load"), 'a load needs the workout\'s unit (unit = "lb" or "kg")')

        tempo = exercise.get("tempo")
        if isinstance(tempo, dict) and "note" in tempo:
            phases = ("eccentric", "pause", "concentric", "top")
            if not any(isinstance(tempo.get(k), int) and tempo[k] > 0 for k in phases):
                # The note is shown with the pacing; without a phase there is nothing to pace.
                message = "a note needs a paced tempo: give at least one phase some seconds"
                self.issue((*path, "tempo", "note"), message)

        progression = exercise.get("progression")
        if isinstance(progression, dict):
            increment = progression.get("increment_per_side")
            if _is_increment(increment) and increment[0] > increment[1]:
                self.issue(
                    (*path, "progression", "increment_per_side"),
                    f"expected [smallest, largest], got {increment}",
                )

    def _warmup_load(self, item: dict[str, Any], path: KeyPath, data: dict[str, Any]) -> None:
        """A warm-up's `load_share` needs an exercise with a load to be a share of."""
        named = item.get("exercise")
        if "load_share" not in item:
            if "exercise" in item:
                self.issue((*path, "exercise"), "only used with load_share")
            return
        exercises = [exercise for _, exercise in _tables(data, "exercises")]
        if named is None:
            exercise = exercises[0] if exercises else None
            where: KeyPath = (*path, "load_share")
        elif _is_slug(named):
            exercise = next((e for e in exercises if e.get("id") == named), None)
            where = (*path, "exercise")
            if exercise is None:
                known = ", ".join(str(e.get("id")) for e in exercises) or "none"
                self.issue(where, f"{named!r} is not an exercise of this workout (ids: {known})")
                return
        else:
            return  # a bad id is reported by the walk
        if exercise is not None and "load" not in exercise:
            name = exercise.get("id", "the first exercise")
            self.issue(
                where, f"a share of the load needs an exercise with a load; {name!r} has none"
            )

    def _unique(self, data: dict[str, Any], array: str, key: str) -> set[str]:
        """The names under `array[*].key`; a name given twice is reported at its second place."""
        seen: set[str] = set()
        for index, table in _tables(data, array):
            name = table.get(key)
            if not isinstance(name, str):
                continue
            if name in seen:
                self.issue((array, index, key), f"{name!r} is used twice in [[{array}]]")
            seen.add(name)
        return seen


def _tables(data: dict[str, Any], array: str) -> list[tuple[int, dict[str, Any]]]:
    """The entries of `data[array]` that are tables (anything else is already reported)."""
    entries = data.get(array)
    if not isinstance(entries, list):
        return []
    return [(index, entry) for index, entry in enumerate(entries) if isinstance(entry, dict)]


# --- building domain objects --------------------------------------------------------------------


def build(data: dict[str, Any]) -> Workout:
    """The workout described by `data`, which `check` found valid."""
    circuit = data["format"] == Format.CIRCUIT.value
    unit = Unit(data.get("unit", Unit.LB.value))
    return Workout(
        id=data["id"],
        title=data["title"],
        summary=data["summary"],
        format=Format(data["format"]),
        unit=unit,
        exercises=tuple(_exercise(e, unit) for e in data["exercises"]),
        sources=tuple(Source(s["id"], s["title"], s["file"]) for s in data["sources"]),
        equipment=tuple(
            Equipment(e["name"], tuple(e.get("substitutes", ())), e.get("optional", False))
            for e in data.get("equipment", ())
        ),
        warmup=tuple(_warmup(w, data["exercises"][0]["id"]) for w in data.get("warmup", ())),
        safety=tuple(
            SafetyRule(s["text"], s["source"], tuple(s.get("red_flags", ())))
            for s in data.get("safety", ())
        ),
        rounds=data.get("rounds", 1) if circuit else 1,
        rest_between_exercises=data.get("rest_between_exercises", 0),
        rest_between_rounds=data.get("rest_between_rounds", 0),
        defaults_note=data.get("defaults_note", ""),
        hinge_set_budget=data.get("hinge_set_budget"),
    )


def _warmup(table: dict[str, Any], first_exercise: str) -> WarmupItem:
    share = table.get("load_share")
    return WarmupItem(
        table["name"],
        table["text"],
        table["source"],
        table.get("reps"),
        table.get("seconds"),
        load_share=float(share) if share is not None else None,
        exercise=table.get("exercise", first_exercise) if share is not None else "",
    )


def _cue(table: dict[str, Any]) -> Cue:
    return Cue(table["text"], table["source"], CueMoment(table.get("moment", "during")))


def _exercise(table: dict[str, Any], unit: Unit) -> Exercise:
    reps = table["reps"]
    regression = table.get("regression")
    progression = table.get("progression")
    return Exercise(
        id=table["id"],
        name=table["name"],
        pattern=Pattern(table["pattern"]),
        fatigue=Fatigue(table["fatigue"]),
        sets=table["sets"],
        reps=(reps, reps) if isinstance(reps, int) else (reps[0], reps[1]),
        rest_seconds=table["rest_seconds"],
        per_side=table.get("per_side", False),
        sides=tuple(table.get("sides", ())),
        load=float(table["load"]) if "load" in table else None,
        tempo=Tempo(**table.get("tempo", {})),
        setup=tuple(
            SetupCheck(s["text"], s["source"], s.get("fix", "")) for s in table.get("setup", ())
        ),
        steps=tuple(table.get("steps", ())),
        cues=tuple(_cue(c) for c in table.get("cues", ())),
        mistakes=tuple(_cue(c) for c in table.get("mistakes", ())),
        end_set_when=table.get("end_set_when", ""),
        switch_sides=table.get("switch_sides", ""),
        regression=(
            Regression(
                regression["name"],
                regression["text"],
                regression["source"],
                per_side=regression.get("per_side"),
                cues=tuple(_cue(c) for c in regression.get("cues", ())),
            )
            if regression is not None
            else None
        ),
        progression=_progression(progression, unit) if progression is not None else None,
        equipment=tuple(table.get("equipment", ())),
    )


def _progression(table: dict[str, Any], unit: Unit) -> Progression:
    # Keys left out keep the domain's defaults rather than a second copy of them here: the
    # default increment is the article's, in pounds, whatever the workout's unit.
    optional: dict[str, Any] = {}
    if "increment_per_side" in table:
        smallest, largest = table["increment_per_side"]
        optional["increment_per_side"] = (float(smallest), float(largest))
        optional["unit"] = unit
    if "sides_loaded" in table:
        optional["sides_loaded"] = table["sides_loaded"]
    return Progression(table["text"], table["source"], **optional)
