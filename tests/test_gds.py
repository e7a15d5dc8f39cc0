"""The optional GDS adapter, against the real embedded ArcadeDB server (which has no GDS).

No Neo4j server with the GDS plugin is available here, so these tests show the adapter
refusing cleanly (exception type, one-line message naming the server, exit code 6), that its
plain-Cypher parts run on a real server, that a projection is dropped whatever happens, and
that its Cypher files and client calls match the registry and graphdatascience 2.2 (the
linter checks the gds.* calls: scripts/lint-cypher). The GDS algorithms themselves are not
exercised (see docs/gds.md).
"""

from __future__ import annotations

import re
import sys
from types import SimpleNamespace

import pytest
from cli_helpers import cli_env, run_cli
from typer.testing import CliRunner

from coman_graph import CYPHER_DIR
from coman_graph.cli import app
from coman_graph.errors import ComanError, GraphStoreError, QueryError
from coman_graph.gds import (
    CLIENT_INSTALL,
    Gds,
    GdsUnavailableError,
    client_class,
    gds_version,
    open_gds,
    projection,
)
from coman_graph.graphstore.connection import connect
from coman_graph.graphstore.queries import load_query, query_names

GDS_QUERIES = {
    "gds/version": (),
    "gds/concept-scope": ("class",),
    "gds/sample-scope": ("split",),
    "gds/project-concept-codes": ("graph_name", "class", "max_bits"),
    "gds/similar-concepts": ("graph_name", "cutoff", "top_k"),
    "gds/project-sample-units": ("graph_name", "split"),
    "gds/broken-contours": ("graph_name",),
    "gds/drop-graph": ("graph_name",),
}


def assert_unavailable_line(text: str, uri: str) -> None:
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, text
    assert lines[0].startswith("error: GDS is not available on the graph server at " + uri)
    assert "docker/compose.yaml" in lines[0] and "Traceback" not in text


# -- the probe -------------------------------------------------------------------------------


def test_probe_reports_missing_gds_as_one_line_naming_the_server(store):
    with pytest.raises(GdsUnavailableError) as raised:
        gds_version(store)
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith(f"GDS is not available on the graph server at {store.config.uri} (")
    assert "gds.version" in message  # the server's own reason
    assert "Neo4j 5 with the Graph Data Science plugin" in message
    assert "docker/compose.yaml" in message
    assert isinstance(raised.value, ComanError) and raised.value.exit_code == 6


def test_open_gds_refuses_before_touching_the_client(store):
    with pytest.raises(GdsUnavailableError, match=re.escape(store.config.uri)):
        open_gds(store)
    assert store.execute("RETURN 1 AS one") == [{"one": 1}]  # the store is still usable


def test_unreachable_server_is_a_graph_store_error_not_missing_gds(embedded_server):
    config = embedded_server.config()
    store = connect(config)
    store.close()  # a closed driver: the probe cannot reach the server at all
    with pytest.raises(GraphStoreError) as raised:
        gds_version(store)
    assert not isinstance(raised.value, GdsUnavailableError)


def test_missing_client_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "graphdatascience", None)  # import now fails
    with pytest.raises(GdsUnavailableError) as raised:
        client_class()
    assert str(raised.value) == (
        "the GDS client (graphdatascience) is not installed: pip install 'coman-graph[gds]'"
    )
    assert CLIENT_INSTALL == "pip install 'coman-graph[gds]'"


# -- the client (graphdatascience 2.2, when installed) ----------------------------------------


def test_client_also_finds_no_gds_and_leaves_our_driver_open(store):
    graphdatascience = pytest.importorskip("graphdatascience")
    with pytest.raises(Exception, match="gds.version"):
        graphdatascience.GraphDataScience(
            store.driver, database=store.config.database, arrow=False, show_progress=False
        )
    assert store.execute("RETURN 1 AS one") == [{"one": 1}]


def test_client_api_is_the_one_the_adapter_calls():
    graphdatascience = pytest.importorskip("graphdatascience")
    from graphdatascience.procedure_surface.cypher.catalog.catalog_cypher_endpoints import (
        CatalogCypherEndpoints,
    )
    from graphdatascience.procedure_surface.cypher.catalog.projection_cypher_endpoints import (
        GraphCypherProjectResult,
        ProjectCypherEndpoints,
    )

    assert graphdatascience.__version__ == "2.2"  # the pin of the gds extra
    gds_class = graphdatascience.GraphDataScience
    assert client_class() is gds_class
    assert {"endpoint", "database", "arrow", "show_progress"} <= set(
        gds_class.__init__.__code__.co_varnames
    )
    assert all(hasattr(gds_class, name) for name in ("graph", "is_licensed", "close"))
    assert isinstance(CatalogCypherEndpoints.project, property)
    assert callable(ProjectCypherEndpoints.cypher)
    fields = set(GraphCypherProjectResult.model_fields)
    assert {"graph_name", "node_count", "relationship_count", "project_millis"} <= fields


# -- the projection lifecycle ---------------------------------------------------------------------
# A stand-in for the client's graph.project.cypher (the database is the real server): the drop
# that follows really runs on ArcadeDB, which refuses gds.graph.drop.


# Shaped like graphdatascience's GraphWithCypherProjectResult.
_PROJECTED = SimpleNamespace(
    result=SimpleNamespace(node_count=3, relationship_count=2, project_millis=1)
)


class _Client:
    def __init__(self, fail: bool):
        self.fail = fail
        self.calls: list[tuple[str, dict]] = []
        self.graph = self
        self.project = self

    def cypher(self, query: str, **params):
        self.calls.append((query, params))
        if self.fail:
            raise ValueError("The Cypher projection query produced no rows.")
        return _PROJECTED


@pytest.fixture
def recorded_runs(store, monkeypatch):
    names: list[tuple[str, dict]] = []
    real_run = store.run

    def run(name, **params):
        names.append((name, params))
        return real_run(name, **params)

    monkeypatch.setattr(store, "run", run)
    return names


def test_failed_projection_is_reported_and_still_dropped(store, recorded_runs):
    client = _Client(fail=True)
    gds = Gds(store, "test", client)
    with (
        pytest.raises(QueryError) as raised,
        projection(gds, "gds/project-sample-units", split="test"),
    ):
        pytest.fail("the block must not run")
    assert str(raised.value) == (
        "projection gds/project-sample-units failed: The Cypher projection query produced no rows."
    )
    ((query, params),) = client.calls
    assert query == load_query("gds/project-sample-units").text
    assert params["split"] == "test" and params["graph_name"].startswith(
        "coman-project-sample-units-"
    )
    assert recorded_runs == [("gds/drop-graph", {"graph_name": params["graph_name"]})]


def test_error_inside_the_block_wins_over_a_failing_drop(store, recorded_runs):
    gds = Gds(store, "test", _Client(fail=False))
    with (
        pytest.raises(RuntimeError, match="analysis broke"),
        projection(gds, "gds/project-sample-units", split=None) as graph,
    ):
        assert graph["nodes"] == 3 and graph["relationships"] == 2
        raise RuntimeError("analysis broke")
    assert [name for name, _ in recorded_runs] == ["gds/drop-graph"]


def test_a_failing_drop_after_success_is_not_swallowed(store, recorded_runs):
    gds = Gds(store, "test", _Client(fail=False))
    with (
        pytest.raises(QueryError, match="gds/drop-graph"),
        projection(gds, "gds/project-sample-units", split=None),
    ):
        pass
    assert [name for name, _ in recorded_runs] == ["gds/drop-graph"]


def test_projection_checks_its_parameters_before_projecting(store):
    client = _Client(fail=False)
    with (
        pytest.raises(TypeError, match="split"),
        projection(Gds(store, "test", client), "gds/project-sample-units"),
    ):
        pass
    assert client.calls == []


# -- the Cypher files ---------------------------------------------------------------------------


def test_gds_queries_load_with_their_declared_parameters():
    assert set(query_names("gds")) == set(GDS_QUERIES)
    for name, parameters in GDS_QUERIES.items():
        query = load_query(name)
        assert query.parameters == parameters, name
        header = query.text.splitlines()
        assert any(line.startswith("// Returns:") for line in header), name
        for parameter in parameters:
            assert f"${parameter}" in query.text.split("// Returns:", 1)[1], (name, parameter)


def test_projections_end_with_a_single_gds_graph_project_return():
    # graphdatascience's graph.project.cypher() needs exactly one returned column: the map.
    for name in ("gds/project-concept-codes", "gds/project-sample-units"):
        last = load_query(name).text.strip().splitlines()[-1]
        assert re.fullmatch(r"RETURN gds\.graph\.project\(\$graph_name, \w+, \w+\) AS graph", last)


def test_vendor_procedures_stay_out_of_the_core_path():
    """DESIGN.md §2: gds.*/apoc.*/algo.* appear only in cypher/gds/."""
    vendor = re.compile(r"\b(gds|apoc|algo)\.\w")
    offenders = []
    for name in query_names():
        code = [line for line in load_query(name).text.splitlines() if not line.startswith("//")]
        if vendor.search("\n".join(code)) and not name.startswith("gds/"):
            offenders.append(name)
    assert offenders == []
    assert (CYPHER_DIR / "gds").is_dir()


def test_scope_queries_are_plain_cypher_and_count_what_is_stored(store):
    concepts = store.execute(
        "MATCH (c:Concept {status: 'active'}) RETURN c.class AS class, count(c) AS concepts "
        "ORDER BY class"
    )
    assert store.run("gds/concept-scope", **{"class": None}) == concepts
    samples = store.execute(
        "MATCH (s:Sample {split: 'test'}) OPTIONAL MATCH (s)-[:HAS_UNIT]->(u:Unit) "
        "RETURN count(DISTINCT s) AS samples, count(u) AS units"
    )
    assert store.run("gds/sample-scope", split="test") == samples
    assert store.run("gds/concept-scope", **{"class": 99}) == []


# -- the command line ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["gds", "status"],
        ["gds", "similar-concepts", "--class", "3", "--cutoff", "0.9"],
        ["gds", "broken-contours", "--split", "test"],
    ],
)
def test_cli_exits_6_with_one_line_when_gds_is_missing(embedded_server, args):
    result = CliRunner().invoke(app, args, env=cli_env(embedded_server))
    assert result.exit_code == 6, result.output
    assert result.stdout == ""
    assert_unavailable_line(result.stderr, embedded_server.config().uri)


def test_cli_entry_point_exit_code_and_stderr(embedded_server):
    """The installed entry point (`python -m coman_graph`), as a user runs it."""
    done = run_cli(["gds", "status"], cli_env(embedded_server, COLUMNS="80"))
    assert done.returncode == 6, done.stderr
    assert_unavailable_line(done.stderr, embedded_server.config().uri)


@pytest.mark.parametrize(
    ("args", "complaint"),
    [
        (["gds", "similar-concepts", "--cutoff", "1.5"], "--cutoff"),
        (["gds", "similar-concepts", "--class", "12"], "--class"),
        (["gds", "broken-contours", "--split", "valid"], "--split"),
    ],
)
def test_cli_refuses_bad_options_before_connecting(args, complaint):
    env = {"NEO4J_URI": "bolt://127.0.0.1:1", "NEO4J_PASSWORD": "x"}  # nothing listens there
    result = CliRunner().invoke(app, args, env=env)
    assert result.exit_code == 2, result.output
    assert complaint in result.output


def test_cli_help_explains_each_command():
    runner = CliRunner()
    group = runner.invoke(app, ["gds", "--help"], env={"COLUMNS": "200"})
    assert group.exit_code == 0
    assert (
        "pip install 'coman-graph[gds]'" in group.output and "6 GDS not available" in group.output
    )
    for command, words in [
        ("status", "gds.version()"),
        ("similar-concepts", "Jaccard"),
        ("broken-contours", "connected components"),
    ]:
        result = runner.invoke(app, ["gds", command, "--help"], env={"COLUMNS": "200"})
        assert result.exit_code == 0 and words in result.output, command
