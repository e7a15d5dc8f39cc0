"""Progress of long phases (ingest, train, classify): bars on a terminal, plain lines elsewhere."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from coman_graph.cli.context import console


@dataclass
class _Phase:
    name: str
    total: int
    done: int = 0
    began: float = field(default_factory=time.perf_counter)


class PhaseLines:
    """Progress where output is not a terminal (a file, a pipe, a CI log): one line when a
    phase starts and one when it ends, with its count and seconds; nothing in between.

    A phase ends when its count reaches its total, when the next phase starts, or when the
    ``with`` block closes. It offers the two methods of :class:`rich.progress.Progress` the
    commands use, ``add_task`` and ``advance``.
    """

    def __init__(self, out: Console) -> None:
        self._out = out
        self._phases: list[_Phase] = []
        self._open: int | None = None

    def __enter__(self) -> PhaseLines:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._end()

    def add_task(self, name: str, total: int) -> int:
        self._end()
        self._phases.append(_Phase(name, total))
        self._open = len(self._phases) - 1
        self._out.print(f"{name}: started, {total} items", highlight=False)
        return self._open

    def advance(self, task: int, n: int) -> None:
        phase = self._phases[task]
        phase.done += n
        if task == self._open and phase.done >= phase.total:
            self._end()

    def _end(self) -> None:
        if self._open is None:
            return
        phase = self._phases[self._open]
        self._open = None
        seconds = time.perf_counter() - phase.began
        self._out.print(
            f"{phase.name}: ended, {phase.done} of {phase.total} items in {seconds:.1f} s",
            highlight=False,
        )


def progress_bar() -> Progress | PhaseLines:
    """Bars redrawn in place on a terminal; a line per phase start and end otherwise."""
    if not console.is_terminal:
        return PhaseLines(console)
    return Progress(
        TextColumn("{task.description:<32}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
    )


def phase_starter(bar: Progress | PhaseLines) -> Callable[[str, int], Callable[[int], None]]:
    """A hook that opens one bar (or line) per phase and returns its advance callback."""

    def start(name: str, total: int) -> Callable[[int], None]:
        task = bar.add_task(name, total=total)
        return lambda n: bar.advance(task, n)

    return start
