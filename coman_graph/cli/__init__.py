"""The `coman-graph` command line: one typer app, a module per command group.

Each command's module is imported only when that command runs (the modules pull in numpy,
scikit-image, matplotlib, the driver...), so ``coman-graph --help`` and ``db status`` start
fast. The command listing of ``--help`` shows the one-line summaries of :data:`COMMANDS`.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import typer
from rich.markup import escape
from typer.core import TyperCommand, TyperGroup

from coman_graph.cli.context import err_console, global_options
from coman_graph.errors import INTERRUPTED, ComanError, InputError, exit_codes_text
from coman_graph.sensing.errors import SensingError


@dataclass(frozen=True)
class CommandEntry:
    """Where a command lives (``module:attribute``, a typer app or a command function) and
    the one-line summary ``--help`` lists for it."""

    target: str
    summary: str

    def load(self, name: str) -> Any:
        """The command as typer builds it (a command, or a group of them)."""
        module_name, attribute = self.target.split(":")
        obj = getattr(importlib.import_module(module_name), attribute)
        if not isinstance(obj, typer.Typer):
            single = typer.Typer()
            single.command(name)(obj)
            obj = single
        command = typer.main.get_command(obj)
        command.name = name
        return command


#: Every command, in the order ``--help`` lists them.
COMMANDS: dict[str, CommandEntry] = {
    "ingest": CommandEntry(
        "coman_graph.cli.ingest:ingest_command",
        "Sense MNIST images and write their structural hypergraphs (idempotent, resumable).",
    ),
    "train": CommandEntry(
        "coman_graph.cli.train:train_command",
        "Train each class's detector neuron: one pass, no backpropagation, inside the database.",
    ),
    "classify": CommandEntry(
        "coman_graph.cli.classify:classify_command",
        "Classify one image: the winning class and every neuron's activation.",
    ),
    "evaluate": CommandEntry(
        "coman_graph.cli.evaluate:evaluate_command",
        "Ingest, train, classify the protocol's whole test set and print the table.",
    ),
    "query": CommandEntry(
        "coman_graph.cli.query:query_command",
        "Run an audit query (cypher/audit/NAME.cypher). Without NAME, list them.",
    ),
    "show-sample": CommandEntry(
        "coman_graph.cli.sample:show_sample",
        "Sense image INDEX: write the digit, its figure, skeleton and typed graph to a PNG.",
    ),
    "show-concept": CommandEntry(
        "coman_graph.cli.concept:show_concept",
        "Draw every active compartment of a class's detector neuron and its energy trajectory.",
    ),
    "audit": CommandEntry(
        "coman_graph.cli.audit:audit_command",
        "Write an HTML audit of a run: metrics, confusion matrix, every compartment of every "
        "neuron with its energy trajectory, and misclassified test images explained.",
    ),
    "model": CommandEntry(
        "coman_graph.cli.model:app",
        "Export the trained model to a portable file, or import one (both engines).",
    ),
    "db": CommandEntry(
        "coman_graph.cli.db:app",
        "Manage the local graph server (Neo4j or ArcadeDB) and the schema.",
    ),
    "data": CommandEntry("coman_graph.cli.data:app", "Provision and verify MNIST."),
    "gds": CommandEntry(
        "coman_graph.cli.gds:app",
        "Optional Graph Data Science audits (Neo4j 5 with the GDS plugin; not ArcadeDB).",
    ),
}


class _LazyCommands(Mapping[str, Any]):
    """The root group's commands: each loaded on first access; summaries while listing."""

    def __init__(self) -> None:
        self.listing = False
        self._loaded: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        entry = COMMANDS[name]
        if self.listing:
            return TyperCommand(name, short_help=entry.summary)
        if name not in self._loaded:
            self._loaded[name] = entry.load(name)
        return self._loaded[name]

    def __iter__(self) -> Iterator[str]:
        return iter(COMMANDS)

    def __len__(self) -> int:
        return len(COMMANDS)


class LazyGroup(TyperGroup):
    """The root group: a command's module is imported when the command runs, not before."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.commands = _LazyCommands()

    def format_help(self, ctx: typer.Context, formatter: Any) -> None:
        self.commands.listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self.commands.listing = False


app = typer.Typer(
    name="coman-graph",
    cls=LazyGroup,
    help="Graph-database-native ComAN: learn handwritten digits from a few examples, in Cypher."
    f"\n\nExit codes: {exit_codes_text()}.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.callback()(global_options)


def _fail(message: object, code: int) -> None:
    err_console.print(f"[red]error:[/red] {escape(str(message))}", highlight=False)
    sys.exit(code)


def _interrupted(exc: BaseException | None) -> bool:
    """True if ``exc`` comes of Ctrl-C: numba and the driver raise their own errors when a
    KeyboardInterrupt lands inside them, with it as their cause or context."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, KeyboardInterrupt):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


INTERRUPTED_MESSAGE = "interrupted; nothing is half-written: run the command again to go on"


def main() -> None:
    """Entry point: run the app, turning known errors into one line and an exit code."""
    try:
        app()
    except SystemExit as exc:
        if exc.code == INTERRUPTED:  # typer's exit on Ctrl-C (KeyboardInterrupt)
            _fail(INTERRUPTED_MESSAGE, INTERRUPTED)
        raise
    except Exception as exc:
        if _interrupted(exc):
            _fail(INTERRUPTED_MESSAGE, INTERRUPTED)
        if isinstance(exc, ComanError):
            _fail(exc, exc.exit_code)
        if isinstance(exc, SensingError):
            _fail(exc, InputError.exit_code)
        raise
