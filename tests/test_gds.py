"""The optional GDS adapter on the session's real servers.

The neo4j engine loads the Graph Data Science plugin (engines/neo4j/pom.xml), so there the
adapter runs for real on the small run: ``gds status``, ``similar-concepts`` and
``broken-contours``, each checked against a plain-Cypher equivalent computed without any
``gds.*`` call (Jaccard over the same parameter codes; connected components of each sample's
stored units, found in Python). The embedded ArcadeDB server has no GDS: there the adapter
must refuse cleanly (exception type, one-line message naming the server, exit code 6).
"""

from __future__ import annotations

import re
import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from cli_helpers import cli_env, run_cli
from typer.testing import CliRunner

from coman_graph import CYPHER_DIR
from coman_graph.cli import app
from coman_graph.errors import ComanError, GraphStoreError, InputError
from coman_graph.gds import (
    CLIENT_INSTALL,
    GdsUnavailableError,
    broken_contours,
    client_class,
    gds_version,
    open_gds,
    projection,
    similar_concepts,
)
from coman_graph.graphstore.connection import connect
from coman_graph.graphstore.queries import load_query, query_names

REPO = Path(__file__).resolve().parents[1]
#: Engines whose session server has GDS: the neo4j engine loads it from .tools/neo4j/plugins.
GDS_ENGINES = {"neo4j"}

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

# -- plain-Cypher equivalents (no gds.*) --------------------------------------------------------

#: Each active concept's set of parameter codes (docs/gds.md: "<family>/<parameter>=<code>" at
#: the level the concept holds it, or coarsened to at most $max_bits bits; no wildcards).
PLAIN_CODES = """
MATCH (c:Concept {status: 'active'})-[:HAS_UNIT]->(cu:ConceptUnit)
WHERE $class IS NULL OR c.class = $class
UNWIND range(0, size(cu.params) - 1) AS i
MATCH (scale:Scale) WHERE cu.params[i] IN scale.parameters
WITH c, cu, cu.params[i] AS p, cu.levels[i] AS level, scale.energies AS energies
WITH c, cu, p, CASE WHEN $max_bits IS NULL THEN level
    ELSE [j IN range(level, size(energies) - 1) WHERE energies[j] <= $max_bits][0] END AS held
WITH c, cu, p, cu[p][held] AS value
WHERE value <> '*'
WITH c, collect(DISTINCT cu.kind_code[1] + '/' + p + '=' + value) AS codes
"""
#: Jaccard similarity of every same-class pair of active concepts over their code sets.
PLAIN_JACCARD = (
    PLAIN_CODES
    + """
WITH c.class AS class, collect({id: c.concept_id, codes: codes}) AS concepts
UNWIND concepts AS a
UNWIND concepts AS b
WITH class, a, b
WHERE a.id < b.id
WITH class, a, b, size([code IN a.codes WHERE code IN b.codes]) AS shared
RETURN class, a.id AS concept_a, b.id AS concept_b,
       toFloat(shared) / (size(a.codes) + size(b.codes) - shared) AS similarity
"""
)

#: Every unit of the selected samples with the units it is joined to (either direction).
PLAIN_UNIT_LINKS = """
MATCH (s:Sample)-[:HAS_UNIT]->(u:Unit)
WHERE $split IS NULL OR s.split = $split
OPTIONAL MATCH (u)-[:BOUNDED_BY|INTERCONNECTS]-(v:Unit)<-[:HAS_UNIT]-(s)
RETURN s.sample_id AS sample_id, u.key AS unit, collect(v.key) AS linked
"""


def plain_similar_pairs(store, digit=None, max_bits=None) -> dict[tuple, float]:
    """(class, concept_a, concept_b) -> Jaccard, for the pairs that share at least one code."""
    rows = store.execute(PLAIN_JACCARD, **{"class": digit, "max_bits": max_bits})
    return {
        (r["class"], r["concept_a"], r["concept_b"]): r["similarity"]
        for r in rows
        if r["similarity"] > 0
    }


def plain_components(store, split=None) -> dict[str, list[set[str]]]:
    """sample_id -> the connected pieces of its stored units (breadth-first search)."""
    links: dict[str, dict[str, set[str]]] = {}
    for row in store.execute(PLAIN_UNIT_LINKS, split=split):
        links.setdefault(row["sample_id"], {})[row["unit"]] = set(row["linked"])
    pieces: dict[str, list[set[str]]] = {}
    for sample_id, graph in links.items():
        unseen, found = set(graph), []
        while unseen:
            frontier, piece = [unseen.pop()], set()
            while frontier:
                unit = frontier.pop()
                piece.add(unit)
                frontier.extend(graph[unit] & unseen)
                unseen -= graph[unit]
            found.append(piece)
        pieces[sample_id] = found
    return pieces


def catalog(store) -> set[str]:
    """Names of the in-memory graphs GDS holds right now."""
    return {r["name"] for r in store.execute("CALL gds.graph.list() YIELD graphName AS name")}


# -- fixtures -----------------------------------------------------------------------------------


@pytest.fixture
def gds(embedded_server, store):
    """The adapter opened on the session's server; only on engines that have GDS."""
    if embedded_server.engine not in GDS_ENGINES:
        pytest.skip(f"the {embedded_server.engine} engine has no GDS")
    with open_gds(store) as opened:
        yield opened


@pytest.fixture
def no_gds(embedded_server):
    """The session's server, only on engines without GDS."""
    if embedded_server.engine in GDS_ENGINES:
        pytest.skip(f"the {embedded_server.engine} engine has GDS")
    return embedded_server


#: Stores the sample $source again as $target: the sample and its units (only the :Unit label,
#: which is all the projection reads), and every relationship between them except those of
#: the unit $cut (dynamic relationship types, Neo4j 5.26).
COPY_SAMPLE = """
MATCH (s:Sample {sample_id: $source})
CREATE (t:Sample)
SET t = s {.*, sample_id: $target}
WITH s, t
MATCH (s)-[:HAS_UNIT]->(u:Unit)
CREATE (t)-[:HAS_UNIT]->(v:Unit)
SET v = u {.*, sample_id: $target, unit_id: $target + '#' + u.key}
WITH DISTINCT s
MATCH (s)-[:HAS_UNIT]->(a:Unit)-[r:BOUNDED_BY|INTERCONNECTS]->(b:Unit)
WHERE NOT $cut IN [a.key, b.key]
MATCH (x:Unit {unit_id: $target + '#' + a.key}), (y:Unit {unit_id: $target + '#' + b.key})
CREATE (x)-[c:$(type(r))]->(y)
SET c = properties(r)
RETURN count(c) AS links
"""


@pytest.fixture
def broken_sample(gds, small_run):
    """A test sample stored a second time without the relationships of one segment: a real
    broken contour (ingest never writes one). Removed again afterwards."""
    store = gds.store
    (picked,) = store.execute(
        "MATCH (s:Sample {split: 'test'})-[:HAS_UNIT]->(u:Segment) WHERE s.n_segments >= 3 "
        "WITH s, min(u.key) AS segment ORDER BY s.n_segments DESC, s.sample_id LIMIT 1 "
        "RETURN s.sample_id AS id, segment"
    )
    target = f"gds-audit/{picked['id']}/cut-{picked['segment']}"
    try:
        store.execute(COPY_SAMPLE, source=picked["id"], target=target, cut=picked["segment"])
        yield target
    finally:
        store.execute(
            "MATCH (t:Sample {sample_id: $target}) OPTIONAL MATCH (t)-[:HAS_UNIT]->(u:Unit) "
            "DETACH DELETE t, u",
            target=target,
        )


def assert_unavailable_line(text: str, uri: str) -> None:
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, text
    assert lines[0].startswith("error: GDS is not available on the graph server at " + uri)
    assert "docker/compose.yaml" in lines[0] and "Traceback" not in text


def table_rows(stdout: str) -> list[list[str]]:
    """The body rows of a rich table printed by the CLI."""
    return [
        [cell.strip() for cell in line.strip().strip("│").split("│")]
        for line in stdout.splitlines()
        if line.lstrip().startswith("│")
    ]


# -- the probe ----------------------------------------------------------------------------------


def test_probe_reports_missing_gds_as_one_line_naming_the_server(no_gds, store):
    with pytest.raises(GdsUnavailableError) as raised:
        gds_version(store)
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith(f"GDS is not available on the graph server at {store.config.uri} (")
    assert "gds.version" in message  # the server's own reason
    assert "Neo4j 5 with the Graph Data Science plugin" in message
    assert "docker/compose.yaml" in message
    assert isinstance(raised.value, ComanError) and raised.value.exit_code == 6


def test_probe_reads_the_pinned_gds_version(gds, store):
    pom = ET.parse(REPO / "engines" / "neo4j" / "pom.xml").getroot()
    namespace = {"m": "http://maven.apache.org/POM/4.0.0"}
    pinned = pom.find("m:properties/m:gds.version", namespace).text
    assert gds_version(store) == gds.version == pinned
    assert store.execute("RETURN gds.version() AS v") == [{"v": pinned}]


def test_open_gds_refuses_before_touching_the_client(no_gds, store):
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


# -- the client (graphdatascience, the gds extra) -----------------------------------------------


def test_client_also_finds_no_gds_and_leaves_our_driver_open(no_gds, store):
    graphdatascience = pytest.importorskip("graphdatascience")
    with pytest.raises(Exception, match="gds.version"):
        graphdatascience.GraphDataScience(
            store.driver, database=store.config.database, arrow=False, show_progress=False
        )
    assert store.execute("RETURN 1 AS one") == [{"one": 1}]


def test_pinned_client_accepts_the_server_and_leaves_our_driver_open(gds, store):
    import graphdatascience

    extras = tomllib.loads((REPO / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    assert extras["gds"] == [f"graphdatascience=={graphdatascience.__version__}"]
    assert str(gds.client.server_version()) == gds.version
    assert gds.notes == []  # no warning: the client supports this GDS
    assert gds.licensed() is store.execute("RETURN gds.isLicensed() AS l")[0]["l"]
    with open_gds(store):
        pass  # closing a client leaves the store's driver open
    assert store.execute("RETURN 1 AS one") == [{"one": 1}]


def test_missing_client_is_exit_6_on_a_server_with_gds(gds, embedded_server, monkeypatch):
    # The client is installed in this environment and a test must not uninstall it, so its
    # absence is simulated the way Python itself reports it: the import fails.
    monkeypatch.setitem(sys.modules, "graphdatascience", None)
    with pytest.raises(GdsUnavailableError) as raised:
        client_class()
    assert str(raised.value) == (
        f"the GDS client (graphdatascience) is not installed: {CLIENT_INSTALL}"
    )
    assert CLIENT_INSTALL == "pip install 'coman-graph[gds]'"
    result = CliRunner().invoke(app, ["gds", "status"], env=cli_env(embedded_server))
    assert result.exit_code == 6 and result.stdout == ""
    assert result.stderr.strip() == f"error: {raised.value}"


# -- the projection lifecycle -------------------------------------------------------------------


def test_projection_holds_the_stored_units_and_is_dropped_after_use(gds, store, small_run):
    links = store.execute(
        "MATCH (s:Sample {split: 'test'})-[:HAS_UNIT]->(u:Unit) "
        "OPTIONAL MATCH (u)-[r:BOUNDED_BY|INTERCONNECTS]->(:Unit) "
        "RETURN count(DISTINCT u) AS units, count(r) AS links"
    )[0]
    before = catalog(store)
    with projection(gds, "gds/project-sample-units", split="test") as graph:
        assert graph["graph_name"].startswith("coman-project-sample-units-")
        assert catalog(store) == before | {graph["graph_name"]}
        assert (graph["nodes"], graph["relationships"]) == (links["units"], links["links"])
    assert catalog(store) == before


def test_empty_projection_is_one_line_bad_input_and_leaves_nothing(gds, store):
    before = catalog(store)
    with (
        pytest.raises(InputError) as raised,
        projection(gds, "gds/project-sample-units", split="valid"),
    ):
        pytest.fail("the block must not run")
    assert str(raised.value) == (
        "projection gds/project-sample-units projected nothing: no stored data matched "
        "(split='valid')"
    )
    assert catalog(store) == before


def test_error_inside_the_block_wins_over_a_failing_drop(gds, embedded_server, store, small_run):
    # A drop that really fails: the second connection the projection was made on is closed
    # inside the block, so gds/drop-graph cannot reach the server.
    other = connect(embedded_server.config())
    with (
        open_gds(other) as on_other,
        pytest.raises(RuntimeError, match="analysis broke"),
        projection(on_other, "gds/project-sample-units", split="test") as graph,
    ):
        other.close()
        raise RuntimeError("analysis broke")
    assert graph["graph_name"] in catalog(store)  # the drop failed: the graph is still there
    store.run("gds/drop-graph", graph_name=graph["graph_name"])


def test_a_failing_drop_after_success_is_not_swallowed(gds, embedded_server, store, small_run):
    other = connect(embedded_server.config())
    with (
        open_gds(other) as on_other,
        pytest.raises(GraphStoreError),
        projection(on_other, "gds/project-sample-units", split="test") as graph,
    ):
        other.close()
    assert graph["graph_name"] in catalog(store)
    store.run("gds/drop-graph", graph_name=graph["graph_name"])


def test_projection_checks_its_parameters_before_projecting(gds, store):
    before = catalog(store)
    with pytest.raises(TypeError, match="split"), projection(gds, "gds/project-sample-units"):
        pass
    assert catalog(store) == before


# -- the analyses against their plain-Cypher equivalents ----------------------------------------


@pytest.mark.parametrize("max_bits", [None, 3.0])
def test_similar_concepts_equal_plain_cypher_jaccard(gds, store, small_run, max_bits):
    plain = plain_similar_pairs(store, max_bits=max_bits)
    assert plain, "the small run must give at least one class two compartments that share codes"
    analysis = similar_concepts(gds, None, cutoff=0.0, max_bits=max_bits)
    found = {(r["class"], r["concept_a"], r["concept_b"]): r["similarity"] for r in analysis.rows}
    assert found.keys() == plain.keys()
    for pair, similarity in plain.items():
        assert found[pair] == pytest.approx(similarity, abs=1e-12), pair
    # The projection: one node per concept holding a code and per distinct (class, code), one
    # relationship per code a concept holds.
    codes = store.execute(
        PLAIN_CODES + "RETURN c.class AS class, codes", **{"class": None, "max_bits": max_bits}
    )
    distinct_codes = {(r["class"], code) for r in codes for code in r["codes"]}
    assert analysis.graph["nodes"] == len(codes) + len(distinct_codes)
    assert analysis.graph["relationships"] == sum(len(r["codes"]) for r in codes)
    concepts = store.run("gds/concept-scope", **{"class": None})
    assert analysis.scope["concepts"] == sum(r["concepts"] for r in concepts)


def test_similar_concepts_cutoff_and_class_select_the_plain_pairs(gds, store, small_run):
    plain = plain_similar_pairs(store)
    digit = max({pair[0] for pair in plain}, key=lambda d: sum(p[0] == d for p in plain))
    values = sorted(set(plain.values()))
    assert len(values) >= 2
    middle = len(values) // 2
    cutoff = (values[middle - 1] + values[middle]) / 2  # no similarity lies on the cutoff
    rows = similar_concepts(gds, digit, cutoff=cutoff).rows
    assert {(r["class"], r["concept_a"], r["concept_b"]) for r in rows} == {
        pair for pair, similarity in plain.items() if pair[0] == digit and similarity >= cutoff
    }
    assert [r["similarity"] for r in rows] == sorted((r["similarity"] for r in rows), reverse=True)


def test_stored_contours_are_whole_by_gds_and_by_plain_components(gds, store, small_run):
    pieces = plain_components(store, split=None)
    assert pieces and all(len(found) == 1 for found in pieces.values())
    analysis = broken_contours(gds, None)
    assert analysis.rows == []
    assert analysis.scope == store.run("gds/sample-scope", split=None)[0]
    assert analysis.scope["samples"] == len(pieces)


def test_broken_contour_is_found_as_plain_components_find_it(gds, store, broken_sample):
    pieces = plain_components(store, split="test")
    broken = {sample_id: found for sample_id, found in pieces.items() if len(found) > 1}
    assert list(broken) == [broken_sample]
    (row,) = broken_contours(gds, "test").rows
    found = broken[broken_sample]
    sizes = sorted((len(piece) for piece in found), reverse=True)
    assert row["sample_id"] == broken_sample and row["split"] == "test"
    assert (row["components"], row["component_sizes"]) == (len(found), sizes)
    kept = set().union(*found) - set(row["stray_units"])
    assert kept in found and len(kept) == sizes[0]  # the strays are all but a largest piece
    assert (
        row["units"]
        == store.execute(
            "MATCH (s:Sample {sample_id: $id}) RETURN s.n_units AS n", id=broken_sample
        )[0]["n"]
    )


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
        assert re.fullmatch(
            r"RETURN gds\.graph\.project\(\$graph_name, \w+, [\w +]+\) AS graph", last
        )


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


def test_cli_status_on_the_real_server(gds, embedded_server, store):
    import graphdatascience

    done = run_cli(["gds", "status"], cli_env(embedded_server))
    assert done.returncode == 0, done.stderr
    config = embedded_server.config()
    licensed = store.execute("RETURN gds.isLicensed() AS l")[0]["l"]
    assert done.stdout.splitlines() == [
        f"GDS {gds.version} on {config.uri} (database {config.database})",
        f"licence: {'Enterprise' if licensed else 'Community (unlicensed)'}; "
        f"client graphdatascience {graphdatascience.__version__}",
    ]


def test_cli_similar_concepts_prints_the_plain_pairs(gds, embedded_server, store, small_run):
    plain = plain_similar_pairs(store)
    done = run_cli(["gds", "similar-concepts", "--cutoff", "0"], cli_env(embedded_server))
    assert done.returncode == 0, done.stderr
    scope = store.run("gds/concept-scope", **{"class": None})
    assert done.stdout.splitlines()[0] == (
        f"{sum(r['concepts'] for r in scope)} active concept(s) in {len(scope)} class(es) "
        "compared (own levels)"
    )
    printed = {(int(r[0]), r[1], r[2]): r[9] for r in table_rows(done.stdout)}
    assert printed == {pair: f"{similarity:.3f}" for pair, similarity in plain.items()}


def test_cli_broken_contours_on_the_real_server(gds, embedded_server, store, small_run):
    scope = store.run("gds/sample-scope", split="test")[0]
    done = run_cli(["gds", "broken-contours", "--split", "test"], cli_env(embedded_server))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"{scope['samples']} sample(s), {scope['units']} unit(s) checked; 0 broken",
        "every sample's contour is in one piece",
    ]


@pytest.mark.parametrize(
    "args",
    [
        ["gds", "status"],
        ["gds", "similar-concepts", "--class", "3", "--cutoff", "0.9"],
        ["gds", "broken-contours", "--split", "test"],
    ],
)
def test_cli_exits_6_with_one_line_when_gds_is_missing(no_gds, args):
    result = CliRunner().invoke(app, args, env=cli_env(no_gds))
    assert result.exit_code == 6, result.output
    assert result.stdout == ""
    assert_unavailable_line(result.stderr, no_gds.config().uri)


def test_cli_entry_point_exit_code_and_stderr(no_gds):
    """The installed entry point (`python -m coman_graph`), as a user runs it."""
    done = run_cli(["gds", "status"], cli_env(no_gds, COLUMNS="80"))
    assert done.returncode == 6, done.stderr
    assert_unavailable_line(done.stderr, no_gds.config().uri)


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
    assert "pip install 'coman-graph[gds]'" in group.output
    assert "6 server plugin not available" in group.output
    for command, words in [
        ("status", "gds.version()"),
        ("similar-concepts", "Jaccard"),
        ("broken-contours", "connected components"),
    ]:
        result = runner.invoke(app, ["gds", command, "--help"], env={"COLUMNS": "200"})
        assert result.exit_code == 0 and words in result.output, command
