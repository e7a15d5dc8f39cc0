"""`coman-graph gds ...`: optional audits that need Neo4j 5 with the Graph Data Science plugin."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.markup import escape
from rich.table import Table

from coman_graph.cli.context import cli_context, console, err_console
from coman_graph.errors import exit_codes_text
from coman_graph.gds import (
    CLIENT_INSTALL,
    Analysis,
    Gds,
    GdsUnavailableError,
    broken_contours,
    open_gds,
    similar_concepts,
)

app = typer.Typer(
    help="Optional Graph Data Science audits (Neo4j 5 with the GDS plugin; not ArcadeDB).\n\n"
    "Needs a server that answers gds.version() (docker/compose.yaml) and the client: "
    f"{escape(CLIENT_INSTALL)}. See docs/gds.md.\n\n"
    f"Exit codes: {exit_codes_text()}.",
    no_args_is_help=True,
)


@contextmanager
def _gds(ctx: typer.Context) -> Iterator[Gds]:
    """Connect, check GDS, and turn its absence into one line on stderr and exit code 6."""
    with cli_context(ctx).store() as store:
        try:
            gds = open_gds(store)
        except GdsUnavailableError as exc:
            err_console.print(f"[red]error:[/red] {escape(str(exc))}", highlight=False)
            raise typer.Exit(exc.exit_code) from None
        with gds:
            yield gds


def _table(analysis: Analysis, columns: list[str], empty: str) -> None:
    if not analysis.rows:
        console.print(empty, highlight=False)
        return
    table = Table(*columns)
    for row in analysis.rows:
        table.add_row(*(_cell(row[column]) for column in columns))
    console.print(table)


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


STATUS_HELP = (
    "Say whether the graph server has GDS: its version, licence and the client's version.\n\n"
    "Exit code 6, with a one-line reason, when the server does not answer gds.version() "
    "(the embedded ArcadeDB server never does) or the graphdatascience client is missing."
)
SIMILAR_HELP = (
    "Near-duplicate compartments: same-class concept pairs holding nearly the same codes.\n\n"
    "Compares the active concepts of each class by the set of parameter codes their units "
    "hold (GDS node similarity, Jaccard) and lists the pairs at or above --cutoff, most "
    "similar first. See docs/gds.md.\n\n"
    "Columns: class, concept_a, concept_b, compartment_a, compartment_b, examples_a, "
    "examples_b, energy_a, energy_b, similarity."
)
BROKEN_HELP = (
    "Samples whose contour is broken into more than one connected piece (should be none).\n\n"
    "GDS weakly connected components over each sample's units (BOUNDED_BY, INTERCONNECTS). "
    "Sensing stores only connected figures, so any row is a defect of ingest. "
    "See docs/gds.md.\n\n"
    "Columns: sample_id, split, label, units, components, component_sizes (largest first), "
    "stray_units (keys of the units outside the largest piece)."
)


@app.command(help=STATUS_HELP)
def status(ctx: typer.Context) -> None:
    """Print the server's GDS version (see STATUS_HELP)."""
    with _gds(ctx) as gds:
        licensed = gds.licensed()
        licence = {True: "Enterprise", False: "Community (unlicensed)", None: "unknown"}[licensed]
        console.print(
            f"GDS {gds.version} on {gds.store.config.uri} (database {gds.store.config.database})",
            highlight=False,
        )
        console.print(f"licence: {licence}; client graphdatascience {gds.client_version()}")
        for note in gds.notes:
            console.print(f"[yellow]note:[/yellow] {escape(note)}", highlight=False)


@app.command("similar-concepts", help=SIMILAR_HELP)
def similar_concepts_command(
    ctx: typer.Context,
    digit: int | None = typer.Option(
        None, "--class", min=0, max=9, help="Only this digit class (default: every class)."
    ),
    cutoff: float = typer.Option(
        0.8, min=0.0, max=1.0, help="Report pairs with at least this Jaccard similarity."
    ),
    max_bits: float | None = typer.Option(
        None,
        min=0.0,
        help="Compare codes coarsened to at most this many bits (e.g. 3 = quadrant/dir8/bin8); "
        "default: each concept's own levels.",
    ),
    top_k: int = typer.Option(100, min=1, help="At most this many similar concepts per concept."),
) -> None:
    """Near-duplicate compartments (see SIMILAR_HELP)."""
    with _gds(ctx) as gds:
        analysis = similar_concepts(gds, digit, cutoff, max_bits, top_k)
    scope = analysis.scope
    console.print(
        f"{scope['concepts']} active concept(s) in {scope['classes']} class(es) compared "
        f"({'own levels' if max_bits is None else f'codes of at most {max_bits:g} bits'})",
        highlight=False,
    )
    _table(
        analysis,
        [
            "class",
            "concept_a",
            "concept_b",
            "compartment_a",
            "compartment_b",
            "examples_a",
            "examples_b",
            "energy_a",
            "energy_b",
            "similarity",
        ],
        f"no pair of compartments with similarity >= {cutoff:g}",
    )


@app.command("broken-contours", help=BROKEN_HELP)
def broken_contours_command(
    ctx: typer.Context,
    split: str | None = typer.Option(
        None, help="Only samples of this split, 'train' or 'test' (default: every split)."
    ),
) -> None:
    """Samples with a broken contour (see BROKEN_HELP)."""
    if split is not None and split not in ("train", "test"):
        raise typer.BadParameter("expected 'train' or 'test'", param_hint="--split")
    with _gds(ctx) as gds:
        analysis = broken_contours(gds, split)
    scope = analysis.scope
    console.print(
        f"{scope['samples']} sample(s), {scope['units']} unit(s) checked; "
        f"{len(analysis.rows)} broken",
        highlight=False,
    )
    _table(
        analysis,
        [
            "sample_id",
            "split",
            "label",
            "units",
            "components",
            "component_sizes",
            "stray_units",
        ],
        "every sample's contour is in one piece",
    )
