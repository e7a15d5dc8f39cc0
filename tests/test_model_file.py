"""Model files against real servers: a model exported from one engine and imported into the
other classifies alike, export -> import -> export keeps the checksum, bad files are refused
and change nothing, and the CLI's `model export` / `model import`.

The module trains classes 0, 1 and 7 on a draw of its own (seed 61). Cross-engine: every run
imports its export into a fresh, empty ArcadeDB server (for the neo4j run, the other engine),
whose samples are written without scales, so classification there reads only what the file
brought; and the neo4j run imports the arcadedb run's file into its own server (both engines
in one session: ArcadeDB's tests run first).
"""

from __future__ import annotations

import gzip
import json
import time

import pytest
from cli_helpers import cli_env, run_cli
from test_procedures import train

from coman_graph.datasets.protocols import Protocol
from coman_graph.datasets.protocols import test_specs as protocol_test_specs
from coman_graph.errors import BAD_INPUT, InputError, QueryError
from coman_graph.inference import classify
from coman_graph.ingest import jobs_for, sense_jobs, write_rows
from coman_graph.model_file import (
    FORMAT_VERSION,
    checksum,
    export_model,
    import_model,
    read_model,
    write_model,
)

PROTOCOL = Protocol("model-file", (0, 1, 7), 2, 1)
SEED = 61
#: Test images classified on every server.
IMAGES = 24
TOL = 1e-9
#: Each engine's exported file and decisions, for the other engine's run.
EXPORTS: dict[str, tuple] = {}


def decisions(store, sample_ids: list[str]) -> dict[str, tuple]:
    """Each sample's winner and its ranked neurons: (class, concept id, activation)."""
    return {
        d.sample_id: (d.winner, [(r["class"], r["concept_id"], r["activation"]) for r in d.ranked])
        for d in classify(store, sample_ids, PROTOCOL.classes)
    }


def assert_same_decisions(got: dict[str, tuple], expected: dict[str, tuple]) -> None:
    assert set(got) == set(expected)
    for sample_id, (winner, ranked) in expected.items():
        other_winner, other_ranked = got[sample_id]
        assert other_winner == winner, sample_id
        assert [r[:2] for r in other_ranked] == [r[:2] for r in ranked], sample_id
        for mine, theirs in zip(ranked, other_ranked, strict=True):
            assert theirs[2] == pytest.approx(mine[2], abs=TOL), sample_id


def concepts_state(store) -> list[dict]:
    """Every concept of the module's classes with its counts, and the neurons' versions."""
    return store.execute(
        "MATCH (n:DetectorNeuron) WHERE n.class IN $classes "
        "OPTIONAL MATCH (n)-[:HAS_COMPARTMENT]->(c:Concept) "
        "OPTIONAL MATCH (c)-[:HAS_UNIT]->(cu:ConceptUnit) "
        "OPTIONAL MATCH (cu)<-[a:ANCHORS]-(:Anchor) "
        "RETURN n.class AS class, n.model_version AS neuron_version, c.concept_id AS concept_id, "
        "c.status AS status, c.energy AS energy, c.model_version AS version, "
        "count(DISTINCT cu) AS units, count(a) AS anchors ORDER BY class, concept_id",
        classes=list(PROTOCOL.classes),
    )


@pytest.fixture(scope="module")
def test_rows(mnist_test) -> list[dict]:
    """The test images' sample rows, sensed once for every server."""
    specs = protocol_test_specs(PROTOCOL, mnist_test, IMAGES)
    return [row for _, row, _ in sense_jobs(jobs_for(specs))]


@pytest.fixture(scope="module")
def source(store, mnist_train, test_rows, engine, tmp_path_factory):
    """The module's classes trained on the session's server, their decisions on the test
    images, and the model exported to a file."""
    train(store, mnist_train, PROTOCOL, SEED)
    write_rows(store, test_rows)
    ids = [row["props"]["sample_id"] for row in test_rows]
    began = time.perf_counter()
    model = export_model(store, PROTOCOL.classes)
    path = tmp_path_factory.mktemp(f"model-{engine}") / "model.json.gz"
    write_model(model, path)
    print(f"{engine}: export {time.perf_counter() - began:.2f} s, {model['header']['counts']}")
    EXPORTS[engine] = (path, decisions(store, ids))
    return {"path": path, "model": model, "ids": ids, "decisions": EXPORTS[engine][1]}


@pytest.fixture(scope="module")
def empty_store(engine, tmp_path_factory):
    """A fresh ArcadeDB server, migrated and empty, for each engine's run of the module."""
    from coman_graph.graphstore.open import open_store
    from coman_graph.graphstore.servers import local_server

    server = local_server("arcadedb", tmp_path_factory.mktemp("empty-server"), heap="512m")
    server.start()
    try:
        with open_store(server.config()) as fresh:
            yield fresh
    finally:
        server.stop()


def test_an_empty_server_classifies_as_the_source_with_the_imported_model(
    source, empty_store, store, test_rows, engine
):
    model = read_model(source["path"])
    assert model == source["model"]
    began = time.perf_counter()
    summary = import_model(empty_store, model)
    print(f"{engine} -> arcadedb: import {time.perf_counter() - began:.2f} s")
    assert summary.classes == list(PROTOCOL.classes) and summary.removed == 0
    assert summary.checksum == model["header"]["checksum"]
    # the scales and anchor cells came with the file: the samples are written without them
    scales = "MATCH (s:Scale) RETURN properties(s) AS scale ORDER BY s.name"
    anchors = "MATCH (a:Anchor) RETURN a.key AS key ORDER BY key"
    assert empty_store.execute(scales) == store.execute(scales)
    assert empty_store.execute(anchors) == store.execute(anchors)
    write_rows(empty_store, test_rows)
    assert_same_decisions(decisions(empty_store, source["ids"]), source["decisions"])
    # export -> import -> export: the same body
    assert export_model(empty_store)["header"]["checksum"] == model["header"]["checksum"]


def test_reimporting_is_idempotent_and_keeps_the_checksum(source, store):
    model = read_model(source["path"])
    before = concepts_state(store)
    summary = import_model(store, model)
    assert summary.removed == len(model["body"]["concepts"])
    after = concepts_state(store)
    # the same concepts with the same units and anchors, each neuron and concept re-versioned
    strip = ("neuron_version", "version")
    assert [{k: v for k, v in r.items() if k not in strip} for r in after] == [
        {k: v for k, v in r.items() if k not in strip} for r in before
    ]
    for new, old in zip(after, before, strict=True):
        assert new["neuron_version"] != old["neuron_version"] and new["version"] != old["version"]
    assert export_model(store, PROTOCOL.classes)["header"]["checksum"] == checksum(model["body"])
    assert_same_decisions(decisions(store, source["ids"]), source["decisions"])


def test_neo4j_imports_arcadedbs_model_and_decides_alike(store, source, engine):
    if engine != "neo4j" or "arcadedb" not in EXPORTS:
        pytest.skip("needs both engines in this session (ArcadeDB's tests run first)")
    path, arcadedb_decisions = EXPORTS["arcadedb"]
    model = read_model(path)
    import_model(store, model)
    assert_same_decisions(decisions(store, source["ids"]), arcadedb_decisions)
    assert export_model(store, PROTOCOL.classes)["header"]["checksum"] == checksum(model["body"])
    import_model(store, source["model"])  # the engine's own model again


def rewrite(path, out, change) -> None:
    """Write ``path``'s model to ``out`` after ``change(model)``."""
    model = json.loads(gzip.decompress(path.read_bytes()))
    change(model)
    out.write_bytes(gzip.compress(json.dumps(model).encode()))


def bad_files(source, tmp_path) -> dict[str, tuple]:
    """Bad model files, each with the words its refusal must contain."""
    path = source["path"]
    files = {name: tmp_path / f"{name}.json.gz" for name in ("cut", "text", "edited", "v2")}
    files["cut"].write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    files["text"].write_text('{"header": {}, "body": {}}')

    def edit(model):
        model["body"]["concepts"][0]["energy"] += 1.0

    def newer(model):
        model["header"]["format_version"] = FORMAT_VERSION + 1

    rewrite(path, files["edited"], edit)
    rewrite(path, files["v2"], newer)
    return {
        "cut": (files["cut"], "truncated"),
        "text": (files["text"], "gzip"),
        "edited": (files["edited"], "checksum mismatch"),
        "v2": (files["v2"], f"format_version {FORMAT_VERSION + 1}"),
    }


def test_bad_files_are_refused_and_change_nothing(source, store, tmp_path):
    before = concepts_state(store)
    for path, words in bad_files(source, tmp_path).values():
        with pytest.raises(InputError, match=words) as refused:
            import_model(store, read_model(path))
        assert str(path) in str(refused.value) and "\n" not in str(refused.value)
    assert concepts_state(store) == before


def test_an_import_failing_half_way_writes_nothing(source, store):
    """A unit whose concept is not in the model (past read_model's checks): the query that
    writes the units creates fewer than the file holds, and the whole import is rolled back,
    the deletion of the classes' concepts included."""
    model = read_model(source["path"])
    model["body"]["units"][-1] = {**model["body"]["units"][-1], "concept_id": "no-such-concept"}
    before = concepts_state(store)
    with pytest.raises(QueryError, match="nothing was imported"):
        import_model(store, model)
    assert concepts_state(store) == before


def test_cli_exports_and_imports_and_refuses_a_bad_file(source, embedded_server, store, tmp_path):
    env = cli_env(embedded_server)
    out = tmp_path / "cli-model.json.gz"
    exported = run_cli(["model", "export", "--out", str(out), "--classes", "0,7"], env)
    assert exported.returncode == 0, exported.stderr
    model = read_model(out)
    assert model["header"]["classes"] == [0, 7]
    assert model["header"]["checksum"] in exported.stdout
    imported = run_cli(["model", "import", str(out)], env)
    assert imported.returncode == 0, imported.stderr
    assert model["header"]["checksum"] in imported.stdout
    assert export_model(store, [0, 7])["header"]["checksum"] == model["header"]["checksum"]
    before = concepts_state(store)
    bad, words = bad_files(source, tmp_path)["edited"]
    refused = run_cli(["model", "import", str(bad)], env)
    assert refused.returncode == BAD_INPUT
    assert len(refused.stderr.strip().splitlines()) == 1 and words in refused.stderr
    assert concepts_state(store) == before
