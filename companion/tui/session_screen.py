"""The session screen: what to do now, in large text, and every command on a key.

It owns the tick that drives the session (through `SessionRunner`), shows the effects that come
back, and turns keys and heard commands into the same `Command`s. Speech and microphone state
arrive from adapter threads as messages.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Digits, Footer, ProgressBar, RichLog, Static

from companion.app.runner import SessionRunner
from companion.domain import script
from companion.domain.effects import (
    CancelTimer,
    CorrectSet,
    Effect,
    Finished,
    RecordClearance,
    RecordPain,
    RecordSet,
    RepsQuestion,
    Show,
    ShowTempo,
    Speak,
    StartTimer,
    StepKind,
    StepView,
)
from companion.domain.events import Command
from companion.speech_in.port import Heard, ListenState, ListenStatus, SpeechIn
from companion.speech_out.port import Earcon, SpeechStatus
from companion.tui.messages import CommandHeard, ListenChanged, SpeechChanged
from companion.tui.reps_entry import TypedReps, kept

TICK_SECONDS = 0.05  # the session's own timing is exact; this only bounds screen lag
HEARD_SECONDS = 4.0  # how long what was heard stays on the status line
ENGINE_SECONDS = 8.0  # how long the engine listening, and why, is shown once it starts
# How long the status line says audio was missed after the microphone last lost some.
MISSED_AUDIO_SECONDS = 10.0
MISSED_AUDIO = "missed some audio: the computer is busy"

LEVEL_BARS = " ▁▂▃▄▅▆▇█"


class SessionScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "command('next')", "Next", key_display="␣"),
        Binding("r", "command('repeat')", "Repeat"),
        Binding("p", "command('pause')", "Pause"),
        Binding("c", "command('resume')", "Resume"),
        Binding("s", "command('skip')", "Skip"),
        Binding("f", "command('form')", "Form"),
        Binding("h", "command('pain')", "Pain"),
        Binding("x", "command('stop')", "Stop"),
        Binding("y", "command('yes')", "Yes"),
        Binding("n", "command('no')", "No"),
        # Short labels: in a set these two join seven other keys in an 80-column footer.
        Binding("l", "command('lighter')", "Light"),
        Binding("u", "command('heavier')", "Heavy"),
        Binding("e", "command('easier')", "Easier"),
        # While "how many reps?" is open: the number, typed (see `reps_entry`). One digit stands
        # in the footer for all ten.
        Binding("0", "digit('0')", "Reps", key_display="0-9"),
        *(Binding(str(d), f"digit('{d}')", show=False) for d in range(1, 10)),
        Binding("enter", "give_reps", "Give reps", key_display="⏎"),
        Binding("backspace", "erase_digit", show=False),
        # A note longer than the box scrolls; the box's edge says so (see `_hint_scroll`).
        Binding("down", "scroll_box('down')", show=False),
        Binding("up", "scroll_box('up')", show=False),
        Binding("pagedown", "scroll_box('page_down')", show=False),
        Binding("pageup", "scroll_box('page_up')", show=False),
    ]
    # Below 24 rows the log of what was said gives up rows first (see companion.tcss).
    # (Screen declares it an instance variable, so it cannot be annotated ClassVar here.)
    VERTICAL_BREAKPOINTS = [(0, "-short"), (24, "-tall")]  # noqa: RUF012

    def __init__(self, runner: SessionRunner, listener: SpeechIn) -> None:
        super().__init__()
        self.runner = runner
        self.listener = listener
        self.view: StepView | None = None
        self._timer: tuple[float, float] | None = None
        self._frozen_remaining: float | None = None
        self._cancelled: tuple[tuple[float, float], float] | None = None  # timer, time left
        self._speech = runner.speech.status()
        self._listen = listener.status()
        self._paused_shown = False  # the tempo line says PAUSED
        self._heard_timer: Timer | None = None
        # The microphone's lost-audio count when it last grew, and whether that was recent.
        self._overflows = 0
        self._missed_audio: Timer | None = None
        # The step whose reps are being counted: the board shows them from the first count
        # until the step changes or a question takes the box.
        self._counting: int | None = None
        # "How many reps?" while it is open on screen, what is typed for it, and whether this
        # screen answered it (else its end says the target was kept).
        self._reps_question: RepsQuestion | None = None
        self._typed = TypedReps()
        self._reps_answered = False

    def compose(self) -> ComposeResult:
        # Workout files and error messages are shown as written: "[" in them is not markup.
        with Horizontal(id="status-row"):
            yield Static(id="status", markup=False)
            yield Static(id="heard", markup=False)  # what voice commands heard, for a moment
        for name in ("banner", "where", "target"):
            yield Static(id=name, markup=False)
        with VerticalScroll(id="instruction-box", can_focus=False):
            yield Static(id="instruction", markup=False)
        # In place of the instruction while a counted set or a rest runs: the rep number or the
        # countdown, in digits large enough to read from a bench two metres away.
        with Vertical(id="board"):
            yield Static(id="board-title", markup=False)
            with Horizontal(id="rep"):
                yield Static("\nrep", id="rep-label")
                yield Digits("", id="rep-number")
                yield Static(id="rep-of")
            with Horizontal(id="phase-row"):
                yield Static(id="phase")
            with Vertical(id="rest"):
                yield Digits("", id="rest-seconds")
                yield ProgressBar(id="rest-bar", show_eta=False, show_percentage=False)
        yield Static(id="tempo", markup=False)
        yield Static(id="reps-answer", markup=False)
        # min_width: RichLog's default (78) is wider than its 80-column box, so lines would be
        # wrapped past what shows.
        log = RichLog(id="log", max_lines=200, wrap=True, min_width=1)
        log.can_focus = False  # the arrow keys scroll the instruction, not the log
        yield log
        yield Footer()

    def on_mount(self) -> None:
        # Playback intervals matter to the listener's self-voice gate (see app/wiring), not here.
        self.runner.speech.subscribe(lambda _playback: None, self._on_speech_status)
        self.listener.start(self._on_heard, self._on_listen_status)
        self._apply(self.runner.start())
        self._refresh_status()
        self.set_interval(TICK_SECONDS, self._tick)
        self.watch(self.query_one("#instruction-box"), "scroll_y", self._hint_scroll)

    def on_resize(self) -> None:
        # Every key the session takes now must show; below 80 columns only the compact footer
        # has room for them all.
        self.query_one(Footer).compact = self.size.width < 80
        self.call_after_refresh(self._hint_scroll)

    # ----------------------------------------------------------------- adapter threads

    def _on_speech_status(self, status: SpeechStatus) -> None:
        self.post_message(SpeechChanged(status))

    def _on_listen_status(self, status: ListenStatus) -> None:
        self.post_message(ListenChanged(status))

    def _on_heard(self, heard: Heard) -> None:
        self.post_message(CommandHeard(heard))

    def on_speech_changed(self, message: SpeechChanged) -> None:
        self._speech = message.status
        self._refresh_status()

    def on_listen_changed(self, message: ListenChanged) -> None:
        was_on, self._listen = self._listen.on, message.status
        if message.status.on and not was_on and message.status.why:
            status = message.status
            self._show_heard(f"listening with {status.engine}: {status.why}", ENGINE_SECONDS)
        if message.status.state is ListenState.OFF:
            self._apply(self.runner.voice_off())  # nothing when it was asking for keys already
        grew = message.status.overflows > self._overflows  # a new listener counts from 0
        self._overflows = message.status.overflows
        if grew:
            # Lost input audio means a command may have gone unheard: say so in plain words
            # for a while (the count is a detail for `companion doctor`, not for the floor).
            if self._missed_audio is not None:
                self._missed_audio.stop()
            self._missed_audio = self.set_timer(MISSED_AUDIO_SECONDS, self._audio_caught_up)
        self._refresh_status()

    def _audio_caught_up(self) -> None:
        self._missed_audio = None
        self._refresh_status()

    def on_command_heard(self, message: CommandHeard) -> None:
        heard = message.heard
        if not heard.sure:
            self._near_miss(heard)
            return
        if heard.command is None:
            # A number: an answer while "how many reps?" is open, else no command at all (the
            # person echoing a count).
            question = self._reps_question
            # Still open now, not only at the last tick: a late number must not chime "taken".
            if heard.number is not None and question and self.runner.clock() <= question.until:
                self._took(heard)
                self.runner.chime(Earcon.ACCEPTED)
                self._give_reps(heard.number)
            return
        self._took(heard)
        if self.view is not None and heard.command in self.view.allowed:
            # Before the command's own effects: its words follow the chime, and its cancel of
            # the step's words leaves the chime (a group of its own) playing.
            self.runner.chime(Earcon.ACCEPTED)
        self._apply(self.runner.command(heard.command, heard.text))

    def _took(self, heard: Heard) -> None:
        self.query_one("#log", RichLog).write(f"heard: {heard.text}")
        # On the status line too, for a moment: the person sees their words were taken.
        self._show_heard(f'heard: "{heard.text}"')

    def _near_miss(self, heard: Heard) -> None:
        """Speech that sounded like a command it could take now, too unsure to act on: a soft
        low tone and a line, so the person says it again instead of waiting for it to happen.
        One that sounded like a command it could not take now was most likely not meant as one."""
        if self.view is None or heard.command not in self.view.allowed:
            return
        self.runner.chime(Earcon.UNMATCHED)
        self._show_heard(f'not sure I heard "{heard.text}": say it again')

    def _show_heard(self, line: str, seconds: float | None = None) -> None:
        """`line` on the heard line for `seconds` (default `HEARD_SECONDS`)."""
        self.query_one("#heard", Static).update(line)
        if self._heard_timer is not None:
            self._heard_timer.stop()
        self._heard_timer = self.set_timer(seconds or HEARD_SECONDS, self._forget_heard)

    def _forget_heard(self) -> None:
        self._heard_timer = None
        self.query_one("#heard", Static).update("")

    # ----------------------------------------------------------------- keys

    def action_command(self, name: str) -> None:
        self._apply(self.runner.command(Command(name)))

    def action_digit(self, digit: str) -> None:
        if self._typed.type(digit):
            self._refresh_reps()
        else:
            self.app.bell()  # a number nobody means: 0, or past the schema's limit

    def action_erase_digit(self) -> None:
        self._typed.erase()
        self._refresh_reps()

    def action_give_reps(self) -> None:
        number = self._typed.take()
        if number is not None:
            self._give_reps(number)

    def _give_reps(self, number: int) -> None:
        effects = self.runner.reps(number)
        self._reps_answered = self._reps_answered or any(isinstance(e, CorrectSet) for e in effects)
        self._apply(effects)
        self._refresh_reps()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Show only the keys that mean something now, so the footer fits 80 columns."""
        if action in ("digit", "erase_digit"):
            return self._reps_question is not None
        if action == "give_reps":  # Enter means nothing until a digit is typed
            return self._reps_question is not None and bool(self._typed.digits)
        if action != "command" or not parameters:
            return True
        # The session says what it takes now; before its first view, nothing.
        return self.view is not None and Command(str(parameters[0])) in self.view.allowed

    # ----------------------------------------------------------------- effects

    def _tick(self) -> None:
        waiting = self.runner.pending, self.runner.history_note
        self._apply(self.runner.tick())  # also moves the rest countdown on
        if self._reps_question is not None and self.runner.clock() > self._reps_question.until:
            self._close_reps_question()
        if (self.runner.pending, self.runner.history_note) != waiting:  # tried again on the tick
            self._refresh_status()

    def _apply(self, effects: list[Effect]) -> None:
        if any(isinstance(effect, RecordSet | RecordPain | RecordClearance) for effect in effects):
            # The runner has written them: that may have turned history off, or made it wait.
            self._refresh_status()
        for effect in effects:
            if isinstance(effect, Show):
                self._show(effect.view)
            elif isinstance(effect, Speak) and effect.at is None:
                self.query_one("#log", RichLog).write(effect.text)
            elif isinstance(effect, StartTimer):
                self._timer = (effect.start, effect.end)
                self._frozen_remaining = None
                self.query_one("#rest").add_class("shown")
            elif isinstance(effect, CancelTimer):
                if self._timer is not None:
                    # A pause cancels the rest's timer too (resuming starts a new one): kept so
                    # that the rest can show, frozen, while paused.
                    self._cancelled = (self._timer, self._timer[1] - self.runner.clock())
                self._timer = None
                self.query_one("#rest").remove_class("shown")
            elif isinstance(effect, ShowTempo):
                self._show_tempo(effect)
            elif isinstance(effect, Finished):
                self._finish(effect)
        self._refresh_rest()

    def _show(self, view: StepView) -> None:
        previous, self.view = self.view, view
        if previous is None or previous.allowed != view.allowed:
            self.listener.listen_for(view.allowed)  # what can be acted on, and nothing else
        unit = view.unit
        where = [view.exercise or view.kind.value.capitalize()]
        if view.round_count:
            where.append(f"round {view.round_number} of {view.round_count}")
        if view.set_count:
            where.append(f"set {view.set_number} of {view.set_count}")
        if view.side:
            where.append(f"{view.side} side")
        where.append(f"step {view.step_index + 1}/{view.step_count}")
        self.query_one("#where", Static).update(" · ".join(where))
        target = []
        if view.reps is not None:
            target.append(script.rep_words(view.reps))
            target.append(script.format_load(view.load, unit))
        if view.tempo:
            target.append(f"tempo {view.tempo}")
        # A step's detail (a setup check's fix, the safety rules, where a tempo comes from) is a
        # note that may run to several lines: it goes under the instruction, in the largest box,
        # not on the one-line row. A rest's is what comes next: the board's title says it. A
        # question keeps the box to itself: its detail stays on the row.
        note = view.kind not in (StepKind.REST, StepKind.QUESTION)
        if view.detail and view.kind is StepKind.QUESTION:  # a rest's is on the board
            target.append(view.detail)
        target_row = self.query_one("#target", Static)
        target_row.update(" · ".join(target))
        # Room for the briefing's notes: an empty row, and the log of what was said (at the
        # briefing, only the briefing itself, which the box shows), take none.
        target_row.display = bool(target)
        self.query_one("#log").display = view.kind is not StepKind.BRIEFING
        shown = Text(view.instruction, style="bold")
        if view.detail and note:
            shown.append(f"\n\n{view.detail}")
        self.query_one("#instruction", Static).update(shown)
        box = self.query_one("#instruction-box", VerticalScroll)
        box.set_class(view.kind is StepKind.QUESTION, "question")
        box.set_class(view.paused, "paused")
        if previous is None or (previous.step_index, previous.kind) != (view.step_index, view.kind):
            box.scroll_home(animate=False)  # a new text starts at its top
        self.call_after_refresh(self._hint_scroll)
        if view.kind is not StepKind.SET or view.step_index != self._counting:
            self._counting = None  # a new step, or a question: its words take the box
        if view.paused and self._timer is None and self._cancelled is not None:
            # Before the board is chosen: a paused countdown stays on it, frozen.
            self._timer, self._frozen_remaining = self._cancelled
            self.query_one("#rest").add_class("shown")
        self._cancelled = None
        self._show_board(view)
        if view.kind is not StepKind.SET or view.paused:
            self._tempo_line("PAUSED" if view.paused else "")
        elif self._paused_shown:
            # Resumed: the board (or the instruction) says the rest.
            self._tempo_line("")
        self._paused_shown = view.paused
        self._open_reps_question(view)
        self.refresh_bindings()

    def _open_reps_question(self, view: StepView) -> None:
        question = view.reps_question
        if question is None or self.runner.clock() > question.until:
            if self._reps_question is not None:
                self._close_reps_question()
            return
        if self._reps_question is None or self._reps_question.until != question.until:
            self._typed = TypedReps()  # a new question: nothing typed, nothing answered
            self._reps_answered = False
        self._reps_question = question
        self._refresh_reps()

    def _close_reps_question(self) -> None:
        """The time to answer is over: what is on record stands, and the log says so."""
        if self._reps_question is not None and not self._reps_answered:
            self.query_one("#log", RichLog).write(kept(self._reps_question))
        self._reps_question = None
        self._typed = TypedReps()
        self._refresh_reps()

    def _refresh_reps(self) -> None:
        line = self.query_one("#reps-answer", Static)
        question = self._reps_question
        line.display = question is not None
        if question is not None:
            line.update(self._typed.line(question, self._listen.on))
        self.refresh_bindings()

    def _tempo_line(self, text: str) -> None:
        line = self.query_one("#tempo", Static)
        line.update(text)
        line.display = bool(text)  # an empty row is a row the instruction could use

    def action_scroll_box(self, direction: str) -> None:
        box = self.query_one("#instruction-box", VerticalScroll)
        getattr(box, f"scroll_{direction}")(animate=False)

    def _hint_scroll(self) -> None:
        """Say on the box's lower edge that there is more, and which key shows it."""
        boxes = self.query("#instruction-box").results(VerticalScroll)
        box = next(boxes, None)
        if box is None:  # called after a refresh, by when the summary had replaced the screen
            return
        if box.max_scroll_y == 0:
            box.border_subtitle = ""
        elif box.scroll_y < box.max_scroll_y:
            box.border_subtitle = "more below: ↓ key"
        else:
            box.border_subtitle = "back to the top: ↑ key"

    def _show_board(self, view: StepView) -> None:
        """The board for a countdown (a rest, a timed warm-up) or a set being counted; the
        instruction box for anything else."""
        resting = view.kind is StepKind.REST
        # A warm-up of so many seconds: its words, over the seconds left.
        warming_up = view.kind is StepKind.WARMUP and self._timer is not None
        countdown = resting or warming_up
        board = countdown or self._counting is not None
        self.query_one("#instruction-box").display = not board
        self.query_one("#board").display = board
        self.query_one("#board").set_class(view.paused, "paused")
        self.query_one("#rep").display = not countdown
        self.query_one("#phase-row").display = not countdown
        title = self.query_one("#board-title", Static)
        if resting:
            title.update(f"Rest · next: {view.detail}" if view.detail else "Rest")
        elif warming_up:
            title.update(view.instruction)
        elif view.set_count:
            side = f" · {view.side} side" if view.side else ""
            title.update(f"Set {view.set_number} of {view.set_count}{side}")
        else:
            title.update("")

    def _show_tempo(self, tempo: ShowTempo) -> None:
        view = self.view
        if view is None:
            return
        total = view.reps[1] if view.reps is not None else 0
        self.query_one("#rep-number", Digits).update(str(tempo.rep))
        self.query_one("#rep-of", Static).update(f"\nof {total}")
        phase = self.query_one("#phase", Static)
        # The count within the lowering phase tells how far down; the others are one beat.
        word = tempo.phase.upper() if tempo.phase != "lower" else f"LOWER {tempo.count}"
        phase.update(word)
        for name in ("lower", "hold", "up", "top"):
            phase.set_class(tempo.phase == name, f"phase-{name}")
        if self._counting != view.step_index:
            self._counting = view.step_index
            self._show_board(view)

    def _refresh_rest(self) -> None:
        if self._timer is None:
            return
        start, end = self._timer
        remaining = self._frozen_remaining
        if remaining is None:
            remaining = end - self.runner.clock()
        remaining = max(0.0, remaining)
        self.query_one("#rest-seconds", Digits).update(f"{remaining:.0f}")
        bar = self.query_one("#rest-bar", ProgressBar)
        bar.update(total=end - start, progress=(end - start) - remaining)

    def _refresh_status(self) -> None:
        speech = "speech on" if self._speech.on else "speech off"
        listen = self._listen
        mic = f"mic {listen.engine if listen.on and listen.engine else 'off'}"
        if listen.on:
            level = LEVEL_BARS[min(len(LEVEL_BARS) - 1, int(listen.level * len(LEVEL_BARS)))]
            mic += f" {level}"
            if self._missed_audio is not None:
                mic += f" · {MISSED_AUDIO}"
        history = "history off" if self.runner.history is None else "history on"
        if self.runner.unwritten:
            history = "history waiting"
        self.query_one("#status", Static).update(f"{speech} · {mic} · {history}")
        # The adapters' own words say what is off and why ("speech off: no audio output …").
        problems = []
        if not self._speech.on or self._speech.unsaid is not None:
            problems.append(script.sentence(self._speech.detail))
        if not listen.on:
            problems.append(script.sentence(listen.detail))
        if self.runner.history_note:
            problems.append(script.sentence(self.runner.history_note))
        banner = self.query_one("#banner", Static)
        banner.update("\n".join(problems))
        banner.set_class(bool(problems), "shown")

    def _finish(self, finished: Finished) -> None:
        from companion.tui.summary import SummaryScreen

        self.listener.close()
        advice = self.runner.next_time(finished.summary)
        self.app.switch_screen(SummaryScreen(finished.summary, self.runner.history_note, advice))
