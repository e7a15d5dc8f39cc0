"""Read access mode: every statement that writes nothing runs as a read, so a ``neo4j://`` URI
naming a Neo4j cluster routes it to a secondary.

On the session's real servers, reached through the routing scheme ``neo4j://`` (a standalone
Neo4j answers its routing table with itself; ArcadeDB's Bolt plugin accepts the scheme too): a
migrated store writes, reads back and runs named queries, reads in read mode and writes in write
mode. On Neo4j a write sent in read mode is refused, so the mode is real, not ignored.
"""

from __future__ import annotations

import dataclasses

import pytest
from neo4j import RoutingControl
from neo4j import exceptions as neo

from coman_graph.graphstore.connection import connect, is_read_only
from coman_graph.graphstore.open import open_store


def routed_config(embedded_server):
    config = embedded_server.config()
    assert config.uri.startswith("bolt://")
    return dataclasses.replace(config, uri="neo4j://" + config.uri.removeprefix("bolt://"))


def test_reads_and_writes_through_the_routing_scheme(embedded_server):
    store = open_store(routed_config(embedded_server))
    modes: list[tuple[str, object]] = []
    execute_query = store.driver.execute_query

    def recording(query, parameters=None, **kwargs):
        modes.append((query.strip().splitlines()[-1], kwargs.get("routing_")))
        return execute_query(query, parameters, **kwargs)

    store.driver.execute_query = recording
    try:
        store.execute("MERGE (p:RoutingProbe {key: $key}) SET p.seen = true", key="probe")
        assert store.execute(
            "MATCH (p:RoutingProbe {key: $key}) RETURN p.seen AS seen", key="probe"
        ) == [{"seen": True}]
        assert isinstance(store.run("audit/samples-per-class"), list)
        store.execute("MATCH (p:RoutingProbe) DELETE p")
    finally:
        store.close()
    assert [mode for _, mode in modes] == [
        RoutingControl.WRITE,
        RoutingControl.READ,
        RoutingControl.READ,
        RoutingControl.WRITE,
    ]


def test_a_write_in_read_mode_is_refused_by_neo4j(embedded_server, engine):
    if engine != "neo4j":
        pytest.skip("ArcadeDB's Bolt plugin does not enforce the access mode")
    store = connect(routed_config(embedded_server))
    try:
        with pytest.raises(neo.Neo4jError):
            store.driver.execute_query(
                "CREATE (:RoutingProbe)",
                database_=store.config.database,
                routing_=RoutingControl.READ,
            )
    finally:
        store.close()


@pytest.mark.parametrize(
    ("cypher", "read"),
    [
        ("MATCH (n) RETURN n", True),
        ("// create the world\nMATCH (n {name: 'MERGE'}) RETURN n.set_at AS x", True),
        ("MATCH (n) CALL (n) { MATCH (n)--(m) RETURN count(m) AS k } RETURN k", True),
        ("CALL coman.activate($a, $b) YIELD x RETURN x", True),
        ("MATCH (n) SET n.x = 1", False),
        ("UNWIND $rows AS r MERGE (n:X {k: r})", False),
        ("MATCH (n) DETACH DELETE n", False),
        ("MATCH (n) CALL (n) { REMOVE n.x }", False),
        ("LOAD CSV FROM $url AS row RETURN row", False),
        ("CALL db.createLabel('X')", False),
        ("RETURN gds.graph.project($g, n, m) AS graph", False),
        ("CREATE CONSTRAINT c IF NOT EXISTS FOR (n:X) REQUIRE n.k IS UNIQUE", False),
    ],
)
def test_read_only_statements_are_told_from_writes(cypher, read):
    assert is_read_only(cypher) is read
