"""Local servers of both engines, connection errors, the query registry and migrations."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import time

import pytest

from coman_graph import MIGRATIONS_DIR
from coman_graph.errors import GraphStoreError, MigrationError, QueryError
from coman_graph.graphstore.config import ConnectionConfig
from coman_graph.graphstore.connection import connect
from coman_graph.graphstore.migrations import discover, migrate
from coman_graph.graphstore.queries import load_query, parse_header_parameters, query_names
from coman_graph.graphstore.servers import local_server


def test_server_status_and_password_file(embedded_server):
    state = embedded_server.status()
    assert state is not None and state.bolt_uri.startswith("bolt://127.0.0.1:")
    mode = stat.S_IMODE(os.stat(embedded_server.password_file).st_mode)
    assert mode == 0o600


def test_second_start_is_harmless(embedded_server):
    before = embedded_server.status()
    state, started = local_server(embedded_server.engine, embedded_server.root).start()
    assert not started and state == before


def test_stale_state_file_detected(engine, tmp_path):
    server = local_server(engine, tmp_path)
    server.state_file.write_text(
        f'{{"engine": "{engine}", "pid": 999999, "bolt_port": 1, "http_port": 2, "root": "x"}}'
    )
    assert server.status() is None
    assert not server.state_file.exists()
    assert server.stop() is False


def test_start_stop_from_cli(engine, tmp_path):
    env = {**os.environ, "COMAN_SERVER_DIR": str(tmp_path), "COMAN_SERVER_HEAP": "512m"}
    env.pop("NEO4J_URI", None)
    cli = [sys.executable, "-m", "coman_graph", "--engine", engine]
    started = subprocess.run([*cli, "db", "start"], env=env, capture_output=True, text=True)
    try:
        assert started.returncode == 0, started.stderr
        assert "bolt://127.0.0.1:" in started.stdout
        assert "Web:    http://127.0.0.1:" in started.stdout
        password = (tmp_path / "password").read_text().strip()
        status = subprocess.run([*cli, "db", "status"], env=env, capture_output=True, text=True)
        assert status.returncode == 0 and f"Running {engine}" in status.stdout
        ping = subprocess.run([*cli, "db", "ping"], env=env, capture_output=True, text=True)
        assert ping.returncode == 0 and f"{len(discover())} migration(s) recorded" in ping.stdout
        stopped = subprocess.run([*cli, "db", "stop"], env=env, capture_output=True, text=True)
        assert stopped.returncode == 0 and "Stopped" in stopped.stdout
        status = subprocess.run([*cli, "db", "status"], env=env, capture_output=True, text=True)
        assert status.returncode == 1 and "not running" in status.stdout
    finally:
        local_server(engine, tmp_path).stop()  # also when an assertion failed half-way
    for output in (started, status, ping, stopped):
        assert password not in output.stdout + output.stderr


def test_wrong_password_is_a_clear_error(embedded_server):
    good = embedded_server.config()
    with pytest.raises(GraphStoreError, match=f"refused user '{good.user}': wrong password"):
        connect(ConnectionConfig(good.uri, good.user, "not-the-password", good.database))


def test_wrong_password_from_cli_exits_3(embedded_server):
    env = {**os.environ, "NEO4J_URI": embedded_server.config().uri, "NEO4J_PASSWORD": "nope"}
    result = subprocess.run(
        [sys.executable, "-m", "coman_graph", "db", "ping"], env=env, capture_output=True, text=True
    )
    assert result.returncode == 3
    assert "wrong password" in result.stderr and "nope" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_unreachable_server_fails_fast():
    began = time.monotonic()
    with pytest.raises(
        GraphStoreError, match="cannot reach the graph server at bolt://127.0.0.1:9"
    ):
        connect(ConnectionConfig("bolt://127.0.0.1:9", "neo4j", "x"))
    assert time.monotonic() - began < 10


def test_syntax_error_is_the_servers_words_on_one_line(store):
    with pytest.raises(QueryError) as caught:
        store.execute("MATCH (n RETURN n", label="probe")
    message = str(caught.value)
    assert message.startswith("query probe failed: ") and "\n" not in message
    reason = message.removeprefix("query probe failed: ")
    assert len(reason) > 10 and not reason.startswith(('"', "^")), reason


def test_migrations_recorded_once(store):
    rows = store.execute("MATCH (m:Migration) RETURN m.version AS v, m.checksum AS c ORDER BY v")
    expected = discover()
    assert [r["v"] for r in rows] == [m.version for m in expected]
    assert [r["c"] for r in rows] == [m.checksum for m in expected]
    assert migrate(store) == []
    assert store.execute("MATCH (m:Migration) RETURN count(m) AS n")[0]["n"] == len(expected)
    constraints = {r["name"] for r in store.execute("SHOW CONSTRAINTS YIELD name RETURN name")}
    assert {"sample_id", "unit_id", "concept_id", "migration_version"} <= constraints


def test_changed_migration_is_refused(store, tmp_path):
    folder = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, folder)
    extra = folder / "V900__probe.cypher"
    extra.write_text(
        "// probe\n// Parameters: none\n"
        "CREATE INDEX probe_x IF NOT EXISTS FOR (p:Probe) ON (p.x);\n"
    )
    try:
        assert [m.version for m in migrate(store, folder)] == [900]
        assert migrate(store, folder) == []
        extra.write_text(extra.read_text().replace("p.x", "p.y"))
        with pytest.raises(MigrationError, match="V900__probe was changed after it was applied"):
            migrate(store, folder)
    finally:
        store.execute("MATCH (m:Migration {version: 900}) DELETE m")


def test_query_registry_header_parameters():
    text = (
        "// Does a thing.\n// Parameters:\n//   $rows — the rows\n//   $k — a number\n"
        "// Returns: n\nRETURN 1"
    )
    assert parse_header_parameters(text) == ("rows", "k")
    for name in query_names():
        query = load_query(name)
        assert query.text.startswith("//"), f"{name} lacks its header comment"
    with pytest.raises(KeyError):
        load_query("no/such-query")
