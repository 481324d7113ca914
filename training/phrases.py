"""What the command model is trained to tell apart: the command phrases of
companion/vocabulary/en.toml plus the emergency words (a separate issue adds them to the
vocabulary), and the speech that must NOT be taken for a command.

Non-command sentences are split in two by a fixed rule: TRAIN_NEGATIVES are trained on,
TEST_NEGATIVES only measured (false accepts on sentences no head has heard)."""

from __future__ import annotations

from companion.domain.script import speakable_phrases
from companion.library.loader import load_library
from companion.speech_in.vocabulary import load_vocabulary

# Emergency words (another issue adds them to the vocabulary): "halt" is a new command, the
# others are new phrases of existing ones.
EMERGENCY = {
    "halt": ["stop", "stop stop", "help"],
    "pain": ["ouch", "ow"],
    "pause": ["wait"],
}
OTHER = "other"  # speech that is not a command
SILENCE = "silence"  # no speech: noise or quiet

# Near misses, sentences that contain command words, and gym chatter. Every fourth is kept
# back for measuring only (see TEST_NEGATIVES).
CHATTER = (
    "i'm almost done with this machine",
    "next time bring a towel",
    "no worries take your time",
    "can you stop by later",
    "good set man",
    "how many rounds are left for you",
    "could you pass my bottle",
    "maybe add a plate next round",
    "alright once more from the top",
    "have you seen my headphones",
    "that felt really heavy today",
    "keep your chest up",
    "exhale as you push",
    "the next one is yours",
    "is this bench free",
    "i'll skip leg day tomorrow",
    "my knee is fine",
    "you have good form",
    "no way that's your max",
    "yes i saw that",
    "wait for me at the door",
    "the pain was worse last week",
    "help me load the plates",
    "do you want to switch",
    "easy does it",
    "a little lighter please",
    "pause the music for a second",
    "continue when you're ready",
    "repeat after me",
    "skip the queue",
    "the bus stop is around the corner",
    "that hurts my ears",
    "i feel great today",
    "my back is much better",
    "say it louder",
    "form a line over there",
    "resume building is boring",
    "nice work",
    "how are you",
    "one more rep",
    "spot me on this one",
    "done already",
    "the gym opens at six",
    "turn the music up",
    "who is next in line",
    "reduce your speed on the treadmill",
    "end of the day",
    "stop watching the clock",
    "this place is packed",
    "pass me the chalk",
    "we should grab lunch after",
    "my shoulder is a bit stiff",
    "that machine is broken",
    "how long is your rest",
    "i am going to the locker room",
    "not now maybe later",
    "is anyone using these dumbbells",
    "set the timer for a minute",
    "good morning everyone",
    "these weights are heavy",
)
CALLS = (
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "go", "hold", "up", "down",
)  # fmt: skip


def commands() -> dict[str, list[str]]:
    """Command name -> its phrases, the vocabulary's and the emergency words."""
    vocabulary = load_vocabulary("en")
    out: dict[str, list[str]] = {}
    for phrase, command in sorted(vocabulary.phrases.items()):
        out.setdefault(command.value, []).append(phrase)
    for command, phrases in EMERGENCY.items():
        out.setdefault(command, []).extend(phrases)
    return out


def classes() -> list[str]:
    return [*sorted(commands()), OTHER, SILENCE]


def cues() -> list[str]:
    """Every fixed phrase the shipped workouts say."""
    said: set[str] = set()
    for workout in load_library().workouts:
        said |= speakable_phrases(workout)
    return sorted(said)


TRAIN_NEGATIVES = [t for i, t in enumerate(CHATTER) if i % 4 != 3]
TEST_NEGATIVES = [t for i, t in enumerate(CHATTER) if i % 4 == 3]
