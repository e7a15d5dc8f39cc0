"""`coman-graph query -p`: values that look like Cypher stay parameters, on the real server.

A value is sent as a Bolt parameter, never spliced into the query text, so an injection
attempt deletes nothing and is matched literally, as the string it is.
"""

from __future__ import annotations

from cli_helpers import cli_env, run_cli

#: Values a user (or an attacker) might pass that would do harm if pasted into Cypher.
INJECTIONS = (
    "1}) DETACH DELETE n //",
    "x'}) MATCH (m) DETACH DELETE m //",
    '" OR 1=1 WITH 1 AS x MATCH (n) DETACH DELETE n //',
    "$sample_id",
)


def graph_size(store) -> tuple[int, int]:
    nodes = store.execute("MATCH (n) RETURN count(n) AS n")[0]["n"]
    relationships = store.execute("MATCH ()-[r]->() RETURN count(r) AS n")[0]["n"]
    return nodes, relationships


def test_cypher_looking_values_delete_nothing(store, embedded_server):
    before = graph_size(store)
    for value in INJECTIONS:
        result = run_cli(
            ["query", "concept-units", "-p", f"class={value}", "-p", "status=active"],
            cli_env(embedded_server),
        )
        assert result.returncode == 0, result.stderr
        assert "(no rows)" in result.stdout, result.stdout
    assert graph_size(store) == before


def test_cypher_looking_values_are_matched_literally(store, embedded_server):
    ids = [f"probe/{value}" for value in INJECTIONS]
    store.execute(
        "UNWIND $ids AS id CREATE (s:Sample {sample_id: id, split: 'probe'})"
        "-[:HAS_UNIT]->(:Unit {unit_id: id + '#p0', sample_id: id, key: 'p0', kind: 'EndPoint'})",
        ids=ids,
    )
    try:
        before = graph_size(store)
        for sample_id in ids:
            result = run_cli(
                ["query", "sample-graph", "-p", f"sample_id={sample_id}"], cli_env(embedded_server)
            )
            assert result.returncode == 0, result.stderr
            rows = [line for line in result.stdout.splitlines() if "EndPoint" in line]
            assert len(rows) == 1 and " p0 " in rows[0], result.stdout  # its one unit
        assert graph_size(store) == before
    finally:
        store.execute(
            "UNWIND $ids AS id MATCH (s:Sample {sample_id: id})-[:HAS_UNIT]->(u:Unit) "
            "DETACH DELETE u, s",
            ids=ids,
        )
