"""The optional Graph Data Science adapter: audits that need Neo4j 5 with the GDS plugin.

Nothing in the core path uses this (DESIGN.md §2). It is used only when the server answers
``gds.version()``: :func:`gds_version` asks, through our own :class:`GraphStore`, and raises
:class:`GdsUnavailableError` (one line, naming the server) when it does not. :func:`open_gds`
then builds the official ``graphdatascience`` client on the store's own driver; the client is
imported here, lazily, so coman-graph does not depend on it.

Each analysis projects an in-memory graph with a Cypher projection (``cypher/gds/project-*``,
run by the client's ``graph.project.cypher``), runs one named query over it
(``cypher/gds/<analysis>``) and drops the projection (``cypher/gds/drop-graph``), also when
the analysis fails.
"""

from __future__ import annotations

import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from neo4j import exceptions as neo

from coman_graph.errors import GdsUnavailableError, GraphStoreError, InputError, QueryError
from coman_graph.graphstore.connection import GraphStore
from coman_graph.graphstore.queries import load_query

#: What to install for the client (the ``gds`` extra pins graphdatascience).
CLIENT_INSTALL = "pip install 'coman-graph[gds]'"
#: Where a GDS-enabled server comes from.
SERVER_HINT = (
    "use Neo4j 5 with the Graph Data Science plugin, e.g. docker/compose.yaml (see docs/gds.md)"
)
#: Prefix of every in-memory graph this adapter creates.
GRAPH_PREFIX = "coman-"


def _one_line(exc: BaseException) -> str:
    """The server's (or library's) own words, on one line."""
    text = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    lines = [line.strip() for line in str(text).splitlines() if line.strip()]
    return lines[-1][:300] if lines else type(exc).__name__


def _unavailable(store: GraphStore, reason: str) -> GdsUnavailableError:
    return GdsUnavailableError(
        f"GDS is not available on the graph server at {store.config.uri} ({reason}); {SERVER_HINT}"
    )


def gds_version(store: GraphStore) -> str:
    """The GDS version the server reports; GdsUnavailableError if it has none.

    A server that cannot be reached still raises GraphStoreError (exit code 3).
    """
    try:
        rows = store.run("gds/version")
    except QueryError as exc:
        raise _unavailable(store, _one_line(exc.__cause__ or exc)) from None
    version = rows[0].get("version") if rows else None
    if not isinstance(version, str) or not version:
        raise _unavailable(store, f"gds.version() answered {version!r}")
    return version


def client_class() -> Any:
    """``graphdatascience.GraphDataScience``, imported on first use."""
    try:
        from graphdatascience import GraphDataScience
    except ImportError:
        raise GdsUnavailableError(
            f"the GDS client (graphdatascience) is not installed: {CLIENT_INSTALL}"
        ) from None
    return GraphDataScience


@dataclass
class Gds:
    """A GDS-enabled server: our store, the GDS version it reports, and the official client."""

    store: GraphStore
    version: str
    client: Any
    #: Warnings the client gave when connecting (e.g. a server older than it supports).
    notes: list[str] = field(default_factory=list)

    def close(self) -> None:
        """Release the client; the store's driver stays open (the client does not own it)."""
        self.client.close()

    def __enter__(self) -> Gds:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def client_version(self) -> str:
        import graphdatascience

        return graphdatascience.__version__

    def licensed(self) -> bool | None:
        """Whether GDS runs with an Enterprise licence; None if the server does not say."""
        try:
            return bool(self.client.is_licensed())
        except Exception:
            return None


def open_gds(store: GraphStore) -> Gds:
    """Check that ``store``'s server has GDS, then build the client on the store's driver."""
    version = gds_version(store)
    graph_data_science = client_class()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            client = graph_data_science(
                store.driver,
                database=store.config.database,
                arrow=False,
                show_progress=False,
            )
        except Exception as exc:
            raise _unavailable(
                store, f"the GDS client could not connect: {_one_line(exc)}"
            ) from None
    return Gds(store, version, client, [_one_line(w.message) for w in caught])


def _graph_name(query: str) -> str:
    return f"{GRAPH_PREFIX}{query.rsplit('/', 1)[-1]}-{uuid.uuid4().hex[:12]}"


@contextmanager
def projection(gds: Gds, query: str, **params: Any) -> Iterator[dict[str, Any]]:
    """Project a graph with the named Cypher projection, yield its summary, then drop it.

    The projection is dropped (``gds/drop-graph``) whatever happens inside the block, and
    also if the projection itself fails part-way.
    """
    graph_name = _graph_name(query)
    projection_query = load_query(query)
    projection_query.check({"graph_name": graph_name, **params})
    failed = False
    try:
        try:
            projected = gds.client.graph.project.cypher(
                projection_query.text, graph_name=graph_name, **params
            )
        except ValueError as exc:
            # The client's complaint that the query returned no graph map: gds.graph.project
            # answers null when no row reached it (the projection files end in that RETURN).
            given = ", ".join(f"{key}={value!r}" for key, value in params.items())
            raise InputError(
                f"projection {query} projected nothing: no stored data matched"
                + (f" ({given})" if given else "")
            ) from exc
        except (neo.Neo4jError, neo.DriverError) as exc:
            raise QueryError(f"projection {query} failed: {_one_line(exc)}") from exc
        result = projected.result
        yield {
            "graph_name": graph_name,
            "nodes": result.node_count,
            "relationships": result.relationship_count,
            "millis": result.project_millis,
        }
    except BaseException:
        failed = True
        raise
    finally:
        try:
            gds.store.run("gds/drop-graph", graph_name=graph_name)
        except (GraphStoreError, QueryError):
            if not failed:
                raise


@dataclass
class Analysis:
    """Rows of one analysis and what it looked at."""

    rows: list[dict[str, Any]]
    scope: dict[str, Any]
    graph: dict[str, Any] | None = None


def similar_concepts(
    gds: Gds,
    digit: int | None = None,
    cutoff: float = 0.8,
    max_bits: float | None = None,
    top_k: int = 100,
) -> Analysis:
    """Near-duplicate compartments: same-class concept pairs with Jaccard >= ``cutoff``.

    Concepts are compared by the parameter codes their units hold (at the concept's levels,
    or coarsened to at most ``max_bits`` bits); see cypher/gds/project-concept-codes.cypher.
    """
    if not 0.0 <= cutoff <= 1.0:
        raise InputError(f"cutoff {cutoff} is not between 0 and 1")
    if top_k < 1:
        raise InputError(f"top_k {top_k} must be at least 1")
    if max_bits is not None and max_bits < 0:
        raise InputError(f"max_bits {max_bits} must not be negative")
    per_class = gds.store.run("gds/concept-scope", **{"class": digit})
    scope = {
        "classes": len(per_class),
        "concepts": sum(row["concepts"] for row in per_class),
        "max_bits": max_bits,
    }
    if not any(row["concepts"] >= 2 for row in per_class):
        return Analysis([], scope)
    with projection(
        gds, "gds/project-concept-codes", **{"class": digit}, max_bits=max_bits
    ) as graph:
        rows = gds.store.run(
            "gds/similar-concepts", graph_name=graph["graph_name"], cutoff=cutoff, top_k=top_k
        )
    return Analysis(rows, scope, graph)


def broken_contours(gds: Gds, split: str | None = None) -> Analysis:
    """Samples whose units form more than one weakly connected component (should be none)."""
    scope = gds.store.run("gds/sample-scope", split=split)[0]
    if not scope["samples"]:
        return Analysis([], scope)
    with projection(gds, "gds/project-sample-units", split=split) as graph:
        rows = gds.store.run("gds/broken-contours", graph_name=graph["graph_name"])
    return Analysis(rows, scope, graph)
