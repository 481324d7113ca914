"""The Moonshine recognizer's timing: it judges an utterance as its closing pause begins, keeps
that verdict when the pause does close it (unless it found only a fragment), and judges again
when speech goes on."""

from __future__ import annotations

import numpy as np
import pytest

from companion.audio.pcm import Samples, to_pcm16
from companion.domain.events import Command
from companion.speech_in.capture import BLOCK_S
from companion.speech_in.engines.moonshine.engine import (
    TUNING,
    MoonshineRecognizer,
    Verdict,
)
from companion.speech_in.matcher import Hypothesis

PAD_S, MERGE_GAP_S = TUNING.pad_s, TUNING.merge_gap_s


class CountingJudge:
    def __init__(self) -> None:
        self.heard: list[float] = []  # seconds of audio in each judged utterance

    def judge(self, samples: Samples, listening: frozenset[Command] | None = None) -> Verdict:
        self.heard.append(len(samples) / 16000 - 2 * PAD_S)
        return Verdict("pause")


def tone(seconds: float) -> Samples:
    t = np.arange(int(seconds * 16000)) / 16000
    return (0.2 * np.sin(2 * np.pi * 300 * t)).astype(np.float32)


def quiet(seconds: float) -> Samples:
    rng = np.random.default_rng(0)
    return (0.002 * rng.standard_normal(int(seconds * 16000))).astype(np.float32)


def feed(recognizer: MoonshineRecognizer, samples: Samples) -> list[tuple[float, Hypothesis]]:
    """(seconds fed when it came, hypothesis) for each hypothesis, block by block."""
    step = int(16000 * BLOCK_S)
    out = []
    for begin in range(0, len(samples), step):
        found = recognizer.accept(to_pcm16(samples[begin : begin + step]))
        if found is not None:
            out.append(((begin + step) / 16000, found))
    return out


def test_the_verdict_given_as_the_pause_began_is_the_one_reported() -> None:
    judge = CountingJudge()
    found = feed(MoonshineRecognizer(judge), np.concatenate([quiet(1), tone(0.5), quiet(1)]))
    assert [h for _, h in found] == [Hypothesis("pause", True)]
    assert len(judge.heard) == 1  # judged once, early, and not again when the segment closed
    # It was judged before the endpointer's closing pause had passed.
    assert judge.heard[0] < 0.2 + 0.5 + 0.2


def test_speech_after_a_short_pause_is_judged_again_as_a_whole() -> None:
    judge = CountingJudge()
    two_words = [tone(0.4), quiet(0.15), tone(0.4)]
    found = feed(MoonshineRecognizer(judge), np.concatenate([quiet(1), *two_words, quiet(1)]))
    assert len(found) == 1
    assert len(judge.heard) == 2  # the first word alone, then both words
    assert judge.heard[1] > judge.heard[0] + 0.5


class FirstDeafJudge(CountingJudge):
    """Gives `first` for the first `deaf` judgements, and hears "pause" in every later one."""

    def __init__(self, first: Verdict, deaf: int) -> None:
        super().__init__()
        self.first = first
        self.deaf = deaf

    def judge(self, samples: Samples, listening: frozenset[Command] | None = None) -> Verdict:
        found = super().judge(samples)
        return found if len(self.heard) > self.deaf else self.first


@pytest.mark.parametrize("verdict", [Verdict(), Verdict("pause")])
def test_an_early_verdict_other_than_a_fragment_stands(verdict: Verdict) -> None:
    # No voice, chatter, or a command: the closing pause would add nothing worth a judgement.
    judge = FirstDeafJudge(verdict, deaf=1)
    found = feed(MoonshineRecognizer(judge), np.concatenate([quiet(1), tone(0.5), quiet(1)]))
    assert len(judge.heard) == 1
    assert [h for _, h in found] == ([Hypothesis("pause", True)] if verdict.phrase else [])


def test_a_fragment_heard_early_is_judged_again_with_the_whole_closing_pause() -> None:
    judge = FirstDeafJudge(Verdict(fragment=True), deaf=1)
    found = feed(MoonshineRecognizer(judge), np.concatenate([quiet(1), tone(0.5), quiet(1)]))
    assert [h for _, h in found] == [Hypothesis("pause", True)]
    early, closed = judge.heard
    # The endpointer closes after 0.25 s of pause; the early judgement came 0.05 s into it.
    assert closed >= early + 0.15
    # Reported when the endpointer closed the utterance, not before.
    assert found[0][0] >= 1 + 0.5 + 0.25


def two_utterances(pause_s: float) -> Samples:
    # 0.4 s of quiet is past the endpointer's closing pause: two utterances.
    return np.concatenate([quiet(1), tone(0.4), quiet(pause_s), tone(0.4), quiet(1)])


# The first utterance of `two_utterances`, when it is a fragment, is judged twice: early, and
# again on closing (see above).
FRAGMENT_TWICE = 2


def test_a_fragment_is_heard_again_with_the_next_utterance() -> None:
    judge = FirstDeafJudge(Verdict(fragment=True), deaf=FRAGMENT_TWICE)
    found = feed(MoonshineRecognizer(judge), two_utterances(0.6))
    assert [h for _, h in found] == [Hypothesis("pause", True)]
    _, first, second = judge.heard
    # The second judgement heard the fragment as kept (its tone and closing pause), then the
    # next utterance's pre-roll and tone.
    assert second > first + 0.4 + 0.2


@pytest.mark.parametrize("first", [Verdict(), Verdict("pause")])
def test_only_a_fragment_is_heard_again(first: Verdict) -> None:
    # Noise, chatter, or a command already taken: the next utterance is heard alone.
    judge = FirstDeafJudge(first, deaf=1)
    feed(MoonshineRecognizer(judge), two_utterances(0.6))
    first_s, second_s = judge.heard
    assert abs(second_s - first_s) < 0.06


def test_a_fragment_long_past_is_not_heard_again() -> None:
    judge = FirstDeafJudge(Verdict(fragment=True), deaf=FRAGMENT_TWICE)
    feed(MoonshineRecognizer(judge), two_utterances(0.25 + MERGE_GAP_S + 0.3))
    first, _, second = judge.heard  # each one's early judgement
    assert abs(second - first) < 0.06


def test_a_reset_forgets_the_fragment() -> None:
    judge = FirstDeafJudge(Verdict(fragment=True), deaf=FRAGMENT_TWICE)
    recognizer = MoonshineRecognizer(judge)
    feed(recognizer, np.concatenate([quiet(1), tone(0.4), quiet(0.6)]))
    recognizer.reset()  # the companion spoke in between
    feed(recognizer, np.concatenate([tone(0.4), quiet(1)]))
    first, _, second = judge.heard  # each one's early judgement
    assert second <= first  # its own tone only (the reset also emptied the pre-roll)


NEAR = Verdict(fragment=True, near="pause")


def test_a_near_miss_no_speech_completes_is_reported_unsure_once_the_merge_gap_passes() -> None:
    judge = FirstDeafJudge(NEAR, deaf=99)
    found = feed(MoonshineRecognizer(judge), np.concatenate([quiet(1), tone(0.5), quiet(1.5)]))
    assert [h for _, h in found] == [Hypothesis("pause", True, sure=False)]
    # Closed at about 1 + 0.5 + 0.25 s; reported once the merge gap had passed after that.
    assert found[0][0] > 1 + 0.5 + 0.25 + MERGE_GAP_S


def test_a_near_miss_completed_by_the_next_utterance_is_not_reported() -> None:
    judge = FirstDeafJudge(NEAR, deaf=FRAGMENT_TWICE)  # the merged judgement hears "pause"
    found = feed(MoonshineRecognizer(judge), two_utterances(0.3))
    assert [h for _, h in found] == [Hypothesis("pause", True)]


def test_a_fragment_far_from_any_command_is_no_near_miss() -> None:
    judge = FirstDeafJudge(Verdict(fragment=True), deaf=99)
    found = feed(MoonshineRecognizer(judge), np.concatenate([quiet(1), tone(0.5), quiet(1.5)]))
    assert found == []


class ListeningJudge(CountingJudge):
    """Hears "pause" when listening for everything, "next set" when listening for some."""

    def judge(self, samples: Samples, listening: frozenset[Command] | None = None) -> Verdict:
        super().judge(samples, listening)
        return Verdict("pause" if listening is None else "next set")


def test_a_verdict_given_early_is_not_kept_when_the_step_listens_for_other_commands() -> None:
    judge = ListeningJudge()
    recognizer = MoonshineRecognizer(judge)
    early = feed(recognizer, np.concatenate([quiet(1), tone(0.5), quiet(0.1)]))
    assert early == [] and len(judge.heard) == 1  # judged as the pause began, not yet reported
    recognizer.listen_for(frozenset({Command.NEXT}))  # the step changed within the pause
    found = feed(recognizer, quiet(1))
    assert [h for _, h in found] == [Hypothesis("next set", True)]
