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
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Digits, Footer, ProgressBar, RichLog, Static

from companion.app.runner import SessionRunner
from companion.domain import script
from companion.domain.effects import (
    CancelTimer,
    Effect,
    Finished,
    RecordPain,
    RecordSet,
    Show,
    ShowTempo,
    Speak,
    StartTimer,
    StepKind,
    StepView,
)
from companion.domain.events import Command
from companion.speech_in.port import Heard, ListenStatus, SpeechIn
from companion.speech_out.port import SpeechStatus
from companion.tui.messages import CommandHeard, ListenChanged, SpeechChanged

TICK_SECONDS = 0.05  # the session's own timing is exact; this only bounds screen lag

LEVEL_BARS = " ▁▂▃▄▅▆▇█"


class SessionScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "command('next')", "Next"),
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
    ]

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
        self._reps = 0
        self._paused_shown = False  # the tempo line says PAUSED

    def compose(self) -> ComposeResult:
        # Workout files and error messages are shown as written: "[" in them is not markup.
        for name in ("status", "banner", "where", "target", "instruction", "tempo"):
            yield Static(id=name, markup=False)
        with Horizontal(id="rest"):
            yield Digits("", id="rest-seconds")
            yield ProgressBar(id="rest-bar", show_eta=False, show_percentage=False)
        # min_width: RichLog's default (78) is wider than its 80-column box, so lines would be
        # wrapped past what shows.
        yield RichLog(id="log", max_lines=200, wrap=True, min_width=1)
        yield Footer()

    def on_mount(self) -> None:
        # Playback intervals matter to the listener's self-voice gate (see app/wiring), not here.
        self.runner.speech.subscribe(lambda _playback: None, self._on_speech_status)
        self.listener.start(self._on_heard, self._on_listen_status)
        self._apply(self.runner.start())
        self._refresh_status()
        self.set_interval(TICK_SECONDS, self._tick)

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
        self._listen = message.status
        self._refresh_status()

    def on_command_heard(self, message: CommandHeard) -> None:
        heard = message.heard
        self.query_one("#log", RichLog).write(f"heard: {heard.text}")
        self._apply(self.runner.command(heard.command, heard.text))

    # ----------------------------------------------------------------- keys

    def action_command(self, name: str) -> None:
        self._apply(self.runner.command(Command(name)))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Show only the keys that mean something now, so the footer fits 80 columns."""
        if action != "command" or not parameters:
            return True
        # The session says what it takes now; before its first view, nothing.
        return self.view is not None and Command(str(parameters[0])) in self.view.allowed

    # ----------------------------------------------------------------- effects

    def _tick(self) -> None:
        self._apply(self.runner.tick())  # also moves the rest countdown on

    def _apply(self, effects: list[Effect]) -> None:
        if any(isinstance(effect, RecordSet | RecordPain) for effect in effects):
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
        self.view = view
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
        # not on the one-line row. A rest's is what comes next, a short label, and a question
        # keeps the box to itself: those stay on the row.
        note = view.kind not in (StepKind.REST, StepKind.QUESTION)
        if view.detail and not note:
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
        instruction = self.query_one("#instruction", Static)
        instruction.update(shown)
        instruction.set_class(view.kind is StepKind.QUESTION, "question")
        instruction.set_class(view.paused, "paused")
        if view.kind is not StepKind.SET or view.paused:
            self.query_one("#tempo", Static).update("PAUSED" if view.paused else "")
        elif self._paused_shown:
            # Resumed: a paced set's next count will say where it is; until then, nothing.
            self.query_one("#tempo", Static).update("")
        self._paused_shown = view.paused
        if view.paused and self._timer is None and self._cancelled is not None:
            self._timer, self._frozen_remaining = self._cancelled
            self.query_one("#rest").add_class("shown")
        self._cancelled = None
        self.refresh_bindings()

    def _show_tempo(self, tempo: ShowTempo) -> None:
        view = self.view
        total = view.reps[1] if view is not None and view.reps is not None else 0
        phase = tempo.phase if tempo.phase != "lower" else f"lower {tempo.count}"
        self.query_one("#tempo", Static).update(f"rep {tempo.rep} of {total} · {phase}")

    def _refresh_rest(self) -> None:
        if self._timer is None:
            return
        start, end = self._timer
        remaining = self._frozen_remaining
        if remaining is None:
            remaining = end - self.runner.clock()
        remaining = max(0.0, remaining)
        self.query_one("#rest-seconds", Digits).update(f"{remaining:4.0f}")
        bar = self.query_one("#rest-bar", ProgressBar)
        bar.update(total=end - start, progress=(end - start) - remaining)

    def _refresh_status(self) -> None:
        speech = "speech on" if self._speech.on else "speech off"
        listen = self._listen
        mic = f"mic {listen.engine if listen.on and listen.engine else 'off'}"
        if listen.on:
            level = LEVEL_BARS[min(len(LEVEL_BARS) - 1, int(listen.level * len(LEVEL_BARS)))]
            mic += f" {level}"
            if listen.overflows:
                mic += f" overflows {listen.overflows}"
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
        self.app.switch_screen(SummaryScreen(finished.summary, self.runner.history_note))
