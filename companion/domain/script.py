"""The words the companion says, built from a workout.

The session engine takes every sentence from here, so `speakable_phrases` can list what a workout
can say (speech out pre-renders them) and the wording lives in one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from companion.domain.effects import PainAction, PainReport
from companion.domain.events import Command
from companion.domain.workout import Exercise, Tempo, Unit, WarmupItem, Workout

_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]

GO = "go"
TIME_UP = "time is up"  # a timed warm-up's end: more words than "go", which starts a set
HOLD = "hold"
UP = "up"
DOWN = "down"
REST_CALL_SECONDS = 10  # "ten seconds" is called when a rest is at least twice this long
FINAL_COUNT = 3  # "three, two, one, go"


def number_words(n: int) -> str:
    """0..999 in words, as counted aloud ("one hundred twenty")."""
    if n < 0 or n > 999:
        raise ValueError(f"cannot say {n}")
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + ("" if ones == 0 else f" {_ONES[ones]}")
    hundreds, rest = divmod(n, 100)
    return f"{_ONES[hundreds]} hundred" + ("" if rest == 0 else f" {number_words(rest)}")


def seconds_words(seconds: int) -> str:
    if seconds % 60 == 0 and seconds >= 60:
        minutes = seconds // 60
        return "one minute" if minutes == 1 else f"{number_words(minutes)} minutes"
    return f"{number_words(seconds)} seconds"


def count_word(n: int) -> str:
    """One count of a counted eccentric: "one" … "five"."""
    return number_words(n)


def unit_words(unit: Unit) -> str:
    return "pounds" if unit is Unit.LB else "kilos"


def format_load(load: float | None, unit: Unit) -> str:
    """For the screen: "135 lb", "62.5 kg", "bodyweight"."""
    if load is None:
        return "bodyweight"
    shown = f"{load:g}"
    return f"{shown} {unit.value}"


def say_load(load: float, unit: Unit) -> str:
    return f"{say_number(load)} {unit_words(unit)}"


def sentence(text: str) -> str:
    """`text` as a spoken sentence: a capital first letter and a full stop, so a phrase such as a
    load note ("today 135 pounds, up 5 from last time") can sit between other sentences."""
    text = text.strip()
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def say_number(value: float) -> str:
    """A load or a change as said aloud: "135", "62 and a half", "a half", "1.25"."""
    shown = f"{value:g}"
    if not shown.endswith(".5"):
        return shown  # TTS reads "1.25" well enough; only halves have a spoken form here
    whole = shown[:-2]
    return "a half" if whole == "0" else f"{whole} and a half"


def load_note(load: float, previous: float, reason: str, unit: Unit, because: str = "") -> str:
    """How the next session opens an exercise: "today 135 pounds, up 5 from last time", or with
    a held load, why: "today 85 pounds, same as last time: you reported pain on this 12 days
    ago"."""
    today = f"today {say_load(load, unit)}"
    change = say_number(abs(load - previous))
    if reason == "up":
        return f"{today}, up {change} from last time"
    if reason == "down":
        return f"{today}, down {change} after the pain report"
    return f"{today}, same as last time" + (f": {because}" if because else "")


# Why a load is held, as said (keyed by `progression.Suggestion.why`).
_HELD_BECAUSE = {
    "position was lost": "position was lost",
    "not every set at the top": "not every set reached the top of the range",
    "not every set done": "not every set was done",
    "no sets done": "no sets were done",
}


def held_because(why: str, pain_days_ago: int | None = None, when: str = "last time") -> str:
    """Why a load stays where it is, in words; "" when there is nothing to explain. `when`: the
    session the reason is about, as the listener knows it ("last time", "today")."""
    if why == "earlier pain on record":
        if pain_days_ago is None:
            return "you reported pain on this recently"
        if pain_days_ago == 0:
            return "you reported pain on this earlier today"
        if pain_days_ago == 1:
            return "you reported pain on this yesterday"
        return f"you reported pain on this {pain_days_ago} days ago"
    because = _HELD_BECAUSE.get(why)
    return f"{because} {when}" if because else ""


def next_time(name: str, load: float | None, change: float, unit: Unit, why: str) -> str:
    """A line of the summary: "Hip thrust: 140 lb next time, up 5: every set at the top."."""
    if load is None:
        return f"{name}: bodyweight."
    shown = format_load(load, unit)
    if change > 0:
        moved = f", up {change:g}"
    elif change < 0:
        moved = f", down {-change:g}"
    else:
        moved = ", the same"
    return f"{name}: {shown} next time{moved}: {why}."


def rep_words(reps: tuple[int, int]) -> str:
    low, high = reps
    return f"{low} reps" if low == high else f"{low} to {high} reps"


HALT_BRIEFING = "Say stop at any moment to halt everything."
HURT_QUESTION = "Are you hurt? Say yes or no."
NOT_HURT = "Say resume to go on, or end workout to finish."
PAUSED = "Paused. Say resume when you are ready."
STOP_QUESTION = "Say yes to end the workout, or no to carry on."


@dataclass(frozen=True)
class Wording:
    """How the companion asks for a command: by its word while voice commands are on (`VOICE`),
    by its key when they are off (`KEYS`), where "say pain" would ask for what nothing hears."""

    hurts: str  # at the briefing
    halt: str
    ready: str
    yes_or_no: str  # after a question
    hurt_question: str
    not_hurt: str
    paused: str
    stop_question: str
    plates_changed: str
    number: str  # how a count of reps is given
    cleared_or_not: str  # the answers to `clearance_question`
    ask: Mapping[Command, str]  # "say lighter", in the choices after a pain report


VOICE = Wording(
    hurts="If anything hurts, say pain, and we stop at once.",
    halt=HALT_BRIEFING,
    ready="Say next when you are ready.",
    yes_or_no="Say yes or no.",
    hurt_question=HURT_QUESTION,
    not_hurt=NOT_HURT,
    paused=PAUSED,
    stop_question=STOP_QUESTION,
    plates_changed="Say next when the plates are changed.",
    number="Say the number",
    cleared_or_not="Say yes to go on, or no to end for today.",
    ask={Command.LIGHTER: "say lighter", Command.EASIER: "say easier", Command.SKIP: "say skip"},
)
# The session screen's key for each command the key wording names (its `BINDINGS`).
KEY_OF = {
    Command.NEXT: "space",
    Command.PAIN: "h",
    Command.STOP: "x",
    Command.RESUME: "c",
    Command.YES: "y",
    Command.NO: "n",
    Command.LIGHTER: "l",
    Command.EASIER: "e",
    Command.SKIP: "s",
}
_KEY = {command: f"press {key}" for command, key in KEY_OF.items()}
KEYS = Wording(
    hurts=f"If anything hurts, {_KEY[Command.PAIN]}, and we stop at once.",
    # No key halts at once as "stop" does: the stop key freezes everything and asks.
    halt=f"{_KEY[Command.STOP].capitalize()} at any moment to stop and be asked whether to end.",
    ready=f"{_KEY[Command.NEXT].capitalize()} when you are ready.",
    yes_or_no=f"Press {KEY_OF[Command.YES]} or {KEY_OF[Command.NO]}.",
    hurt_question=f"Are you hurt? Press {KEY_OF[Command.YES]} or {KEY_OF[Command.NO]}.",
    not_hurt=f"{_KEY[Command.RESUME].capitalize()} to go on, or {KEY_OF[Command.STOP]} to finish.",
    paused=f"Paused. {_KEY[Command.RESUME].capitalize()} when you are ready.",
    stop_question=(
        f"{_KEY[Command.YES].capitalize()} to end the workout, or {KEY_OF[Command.NO]} to carry on."
    ),
    plates_changed=f"{_KEY[Command.NEXT].capitalize()} when the plates are changed.",
    number="Type the number",
    cleared_or_not=(
        f"{_KEY[Command.YES].capitalize()} to go on, or {KEY_OF[Command.NO]} to end for today."
    ),
    ask={command: _KEY[command] for command in (Command.LIGHTER, Command.EASIER, Command.SKIP)},
)


# Said when voice commands turn off after the session began (no microphone, no speech model).
VOICE_OFF = f"Voice commands are off: use the keys. {KEYS.hurts}"


def wording(listening: bool) -> Wording:
    return VOICE if listening else KEYS


def briefing(workout: Workout, words: Wording = VOICE) -> str:
    kit = [
        e.name
        + "".join(f" or {substitute}" for substitute in e.substitutes)
        + (" (optional)" if e.optional else "")
        for e in workout.equipment
    ]
    parts = [f"{workout.title}."]
    if kit:
        parts.append("You need: " + ", ".join(kit) + ".")
    parts.append(words.hurts)
    parts.append(words.halt)
    parts.append(words.ready)
    return " ".join(parts)


def warmup_intro(item: WarmupItem, load: float | None, unit: Unit) -> str:
    """A warm-up item as said and shown; `load`: what a lighter set is done at today."""
    said = f"Warm-up: {item.name}. {item.text}"
    return f"{said} About {say_load(load, unit)}." if load is not None else said


def end_set(exercise: Exercise) -> str:
    """When to stop a set short of its reps ("End the set when position is lost."), or ""."""
    return sentence(f"end the set when {exercise.end_set_when}") if exercise.end_set_when else ""


# Words that keep their capital inside a sentence ("the Romanian deadlift").
PROPER_WORDS = frozenset({"romanian"})


def in_sentence(name: str) -> str:
    """An exercise's name inside a sentence: lower case, but for proper words ("Romanian")."""
    return " ".join(w.capitalize() if w in PROPER_WORDS else w for w in name.lower().split())


def setup_intro(exercise: Exercise) -> str:
    return f"Setup for the {in_sentence(exercise.name)}."


def technique(exercise: Exercise) -> str:
    """How a rep goes: the exercise's steps or, for a paced exercise without steps that says
    where its tempo comes from, the tempo itself (so that note has a step to be shown with);
    empty when there is nothing to say."""
    if exercise.steps:
        how = " ".join(exercise.steps)
    elif exercise.tempo.note and exercise.tempo.paced:
        how = _pacing(exercise.tempo) + "."
    else:
        return ""
    return f"How the {in_sentence(exercise.name)} goes: {how}"


def _pacing(tempo: Tempo) -> str:
    """The tempo in words, in the rep's order: "five seconds down, one second up, ..."."""
    lowering = [(tempo.eccentric, "down"), (tempo.pause, "held at the bottom")]
    rising = [(tempo.concentric, "up"), (tempo.top, "held at the top")]
    phases = lowering + rising if tempo.lowering_first else rising + lowering
    return ", ".join(
        f"{number_words(seconds)} second{'s' if seconds > 1 else ''} {what}"
        for seconds, what in phases
        if seconds > 0
    )


def set_intro(
    exercise_name: str,
    set_number: int,
    set_count: int,
    side: str,
    reps: tuple[int, int],
    load: float | None,
    unit: Unit,
    before: list[str],
) -> str:
    parts = [f"{exercise_name}."]
    if set_count > 1:
        parts.append(f"Set {set_number} of {set_count}.")
    if side:
        parts.append(f"{side.capitalize()} side.")
    target = rep_words(reps)
    parts.append(f"{target} at {say_load(load, unit)}." if load is not None else f"{target}.")
    parts.extend(before)
    return " ".join(parts)


def rest_intro(seconds: int, next_label: str) -> str:
    return f"Rest {seconds_words(seconds)}. Next: {next_label}."


def switch_sides(side: str, how: str) -> str:
    return f"Switch to the {side} side. {how}".strip()


def rest_calls(seconds: int) -> list[tuple[float, str]]:
    """(seconds before the end, words) of the calls in a rest countdown."""
    return _countdown_calls(seconds, GO)


def warmup_calls(seconds: int) -> list[tuple[float, str]]:
    """The calls of a timed warm-up's countdown: as a rest's, but it ends in "time is up"."""
    return _countdown_calls(seconds, TIME_UP)


def _countdown_calls(seconds: int, last: str) -> list[tuple[float, str]]:
    calls: list[tuple[float, str]] = []
    if seconds >= 2 * REST_CALL_SECONDS:
        calls.append((REST_CALL_SECONDS, seconds_words(REST_CALL_SECONDS)))
    for n in range(min(FINAL_COUNT, seconds - 1), 0, -1):
        calls.append((n, number_words(n)))
    calls.append((0, last))
    return calls


RESUMED = "Resuming."
STOPPED = "Workout ended."


def reps_question(target: int, words: Wording = VOICE) -> str:
    """Asked after a set the person paces: silence keeps the target, and the question says so."""
    return f"How many reps? {words.number}, or we keep {target}."


def load_changed(
    heavier: bool, load: float, unit: Unit, in_set: bool, words: Wording = VOICE
) -> str:
    """Said when the person asks for a plate step more or less: the new load and, in a set,
    that the set waits for them to change the plates."""
    said = f"{'Heavier' if heavier else 'Lighter'}: {say_load(load, unit)}."
    return f"{said} {words.plates_changed}" if in_set else said


def reps_noted(count: int) -> str:
    return "1 rep." if count == 1 else f"{count} reps."


FINISHED = "That is the workout. Well done."
# The warning signs a pain report asks about when a workout lists none of its own: those of the
# hip-thrust article (sharp, radiating or lasting pain; numbness or tingling in the legs).
RED_FLAGS = (
    "sharp pain",
    "pain that spreads down a leg",
    "pain that does not ease off",
    "numbness or tingling in the legs",
)
PAIN_RED_FLAGS = (
    "Then stop training for today. Warning signs like these should be looked at by a physical "
    "therapist or a doctor before you train this again."
)
PAIN_SECOND = "That is the second pain report in this exercise, so we end it here."
# The answers to `clearance_question`.
CLEARED = "Good. If any warning sign comes back, stop at once."
NOT_CLEARED = (
    "Then no training today. Have it looked at by a physical therapist or a doctor before you"
    " train this again."
)
PAIN_CALM = "Okay. Take a moment."
FORM_ENDED = "Set ended: position lost. Keep the same load next time."


def pain_question(workout: Workout, in_set: bool, words: Wording = VOICE) -> str:
    """The question after a pain report: the warning signs of the workout's safety rules,
    after saying that the set stops when the report came during one."""
    flags = tuple(dict.fromkeys(f for rule in workout.safety for f in rule.red_flags)) or RED_FLAGS
    listed = _any_of(flags)
    stopping = "Stopping the set. " if in_set else ""
    return f"{stopping}Do you have {listed}? {words.yes_or_no}"


def clearance_question(exercise: str, days_ago: int, words: Wording = VOICE) -> str:
    """Asked before the first step of a session after warning signs in an area it trains."""
    if days_ago == 0:
        when = "Earlier today"
    elif days_ago == 1:
        when = "Yesterday"
    else:
        when = f"{days_ago} days ago"
    # A report without an exercise came at the briefing or in the warm-up (see `pain_place`).
    where = f"during the {in_sentence(exercise)}" if exercise else "before the first exercise"
    return (
        f"{when} you reported warning signs {where}. Has a physical therapist or doctor cleared"
        f" you to train? {words.cleared_or_not}"
    )


def _any_of(items: tuple[str, ...]) -> str:
    """The items as said in a sentence: "a, b, or c"."""
    return " or ".join(items) if len(items) <= 2 else f"{', '.join(items[:-1])}, or {items[-1]}"


def safety_rules(workout: Workout) -> str:
    """The safety rules as the briefing shows them, each with the warning signs it lists
    (which are otherwise only asked about after a pain report)."""
    return " ".join(
        rule.text + (f" Warning signs: {_any_of(rule.red_flags)}." if rule.red_flags else "")
        for rule in workout.safety
    )


def pain_options(new_load: str | None, regression: str | None, words: Wording = VOICE) -> str:
    ask = words.ask
    choices = []
    if new_load is not None:
        choices.append(f"{ask[Command.LIGHTER]} to carry on at {new_load}")
    if regression is not None:
        choices.append(f"{ask[Command.EASIER]} to switch to the {in_sentence(regression)}")
    choices.append(f"{ask[Command.SKIP]} to skip this exercise")
    return (
        "You can "
        + ", ".join(choices[:-1])
        + (", or " if len(choices) > 1 else "")
        + (choices[-1] + ".")
    )


def pain_place(report: PainReport) -> str:
    """Where a pain report was made, for the summary and `companion history`."""
    # A report in a rest belongs to the exercise just done, so one without an exercise came
    # at the briefing or in the warm-up.
    where = report.exercise or "before the first exercise"
    return f"{where}, set {report.set_number}" if report.set_number else where


def pain_outcome(report: PainReport, unit: Unit) -> str:
    """What came of a pain report, for the summary and `companion history`."""
    if report.red_flags is None:
        return "not answered"
    if report.red_flags:
        return "warning signs: session ended, see a physical therapist or doctor"
    match report.action:
        case PainAction.REDUCE if report.new_load is not None:
            return f"carried on lighter, {format_load(report.new_load, unit)}"
        case PainAction.REDUCE:
            return "carried on lighter"
        case PainAction.REGRESS:
            return "switched to the easier exercise"
        case PainAction.SKIP:
            return "skipped the exercise"
        case PainAction.END_EXERCISE:
            return "second report: exercise ended"
        case PainAction.CONTINUE:
            return "carried on"
        # No action chosen yet (the options were asked, not answered). END_SESSION comes only
        # with warning signs, answered above.
        case PainAction.END_SESSION | None:
            return "no warning signs"


def speakable_phrases(workout: Workout, words: Wording = VOICE) -> set[str]:
    """Every fixed phrase this workout can say in `words`: cues, checks, counts, rest calls,
    questions."""
    phrases = {
        briefing(workout, words),
        words.paused,
        RESUMED,
        words.stop_question,
        words.hurt_question,
        words.not_hurt,
        STOPPED,
        FINISHED,
        pain_question(workout, True, words),
        pain_question(workout, False, words),
        PAIN_RED_FLAGS,
        VOICE_OFF,  # said when listening fails: the moment voice commands are needed most
        CLEARED,
        NOT_CLEARED,
        PAIN_SECOND,
        PAIN_CALM,
        FORM_ENDED,
        GO,
        HOLD,
        UP,
        DOWN,
    }
    for item in workout.warmup:
        if item.load_share is None:  # else its number is today's load, known when it is said
            phrases.add(warmup_intro(item, None, workout.unit))
        if item.seconds:
            phrases.update(words for _, words in warmup_calls(item.seconds))
    for exercise in workout.exercises:
        phrases.add(setup_intro(exercise))
        phrases.add(technique(exercise))
        phrases.update(c.text for c in exercise.setup)
        phrases.update(c.fix for c in exercise.setup if c.fix)
        phrases.update(c.text for c in exercise.cues)
        phrases.update(c.text for c in exercise.mistakes)
        phrases.update(count_word(n) for n in range(1, exercise.tempo.eccentric + 1))
        if not exercise.tempo.paced or exercise.regression is not None:  # a regression is unpaced
            phrases.add(reps_question(exercise.rep_target, words))
        for side in exercise.sides:
            phrases.add(switch_sides(side, exercise.switch_sides))
        rests = {exercise.rest_seconds, workout.rest_between_exercises, workout.rest_between_rounds}
        for seconds in rests:
            phrases.update(words for _, words in rest_calls(seconds) if seconds > 0)
    return {p for p in phrases if p}
