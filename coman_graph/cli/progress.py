"""Rich progress bars for long phases (ingest, train, classify)."""

from __future__ import annotations

from collections.abc import Callable

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from coman_graph.cli.context import console


def progress_bar() -> Progress:
    return Progress(
        TextColumn("{task.description:<32}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
    )


def phase_starter(bar: Progress) -> Callable[[str, int], Callable[[int], None]]:
    """A hook that opens one bar per phase and returns its advance callback."""

    def start(name: str, total: int) -> Callable[[int], None]:
        task = bar.add_task(name, total=total)
        return lambda n: bar.advance(task, n)

    return start
