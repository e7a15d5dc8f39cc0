"""The coman.* procedures against their Cypher specification, on the same real graph.

On Neo4j (the session's server loads the plugin scripts/setup builds) the procedure kernel and
the Cypher kernel train, classify and explain the same samples and must agree decision for
decision: the same compartments with the same energies at every absorption step, the same
ranked neurons with the same activations to the bit (both sum in ascending order), exact ties,
samples no concept matches and samples pooled over their views included; a class retrained
between two classifications is classified with its new concepts (the procedures' in-memory
model is keyed by the neurons' model_version). On ArcadeDB, which has no plugin, the store
runs the Cypher kernel and asking for the procedures is refused (exit code 6); its decisions on
the same images are the same as Neo4j's.

The module trains classes of its own draws (P10 subset seed 41, P6 subset seed 43); training a
class replaces that class's active concepts, so every comparison reads this module's runs.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from cli_helpers import cli_env, run_cli
from test_learning import delete_training, training_snapshot

from coman_graph.datasets.protocols import Protocol, absorption_order, training_specs
from coman_graph.datasets.protocols import test_specs as protocol_test_specs
from coman_graph.errors import NO_PLUGIN, ProceduresUnavailableError
from coman_graph.graphstore.kernel import KERNEL_VERSION, choose_kernel, plugin_kernel
from coman_graph.graphstore.procedures import CATALOGUE, server_catalogue
from coman_graph.graphstore.queries import CYPHER, PROCEDURE
from coman_graph.inference import classify, explain
from coman_graph.ingest import ingest, link_views
from coman_graph.learning import TrainingConfig, new_model_version, train_class

PROCEDURES_DOC = Path(__file__).resolve().parents[1] / "docs" / "procedures.md"
P10_SUBSET = Protocol("parity-P10", tuple(range(10)), 1, 2)
P6_SUBSET = Protocol("parity-P6", (1, 2, 3, 6, 7, 9), 2, 2)
P10_SEED, P6_SEED = 41, 43
#: Test images classified by both kernels.
IMAGES = 120
#: Of those, the images both kernels classify with a neuron's best compartments averaged.
AVERAGED_IMAGES = 40
TOL = 1e-9
#: A sample whose units share no anchor cell with any concept.
NO_MATCH = "parity/no-match"
#: Decisions of the P10 subset, per engine, compared across engines at the end.
DECISIONS: dict[str, dict[str, list]] = {}


@contextmanager
def kernel(store, name: str) -> Iterator[None]:
    """Run the store's named queries with kernel ``name`` for a while."""
    before = store.kernel
    store.kernel = name
    try:
        yield
    finally:
        store.kernel = before


def train(store, mnist_train, protocol: Protocol, seed: int, config=TrainingConfig()) -> dict:
    specs = training_specs(protocol, mnist_train, seed)
    assert not ingest(store, specs).failed
    return {
        digit: train_class(store, digit, absorption_order(specs, digit, seed), config)
        for digit in protocol.classes
    }


def ingest_tests(store, mnist_test, protocol: Protocol) -> list[str]:
    specs = protocol_test_specs(protocol, mnist_test, IMAGES)
    assert not ingest(store, specs).failed
    return [spec.sample_id for spec in specs]


def rows(decisions) -> dict[str, tuple]:
    return {d.sample_id: (d.winner, d.ranked) for d in decisions}


@pytest.fixture(scope="module")
def neo4j_only(engine):
    if engine != "neo4j":
        pytest.skip("the coman.* procedures run on Neo4j only")


@pytest.fixture(scope="module")
def p10(store, mnist_train, mnist_test, engine):
    """The P10 subset trained (store's own kernel) and its test images."""
    train(store, mnist_train, P10_SUBSET, P10_SEED)
    return ingest_tests(store, mnist_test, P10_SUBSET)


# -- which kernel runs -----------------------------------------------------------------------


def test_the_store_runs_the_procedures_where_the_server_has_them(store, engine):
    revision, _ = plugin_kernel(store)
    if engine == "neo4j":
        assert revision == KERNEL_VERSION
        assert store.kernel == PROCEDURE
        assert choose_kernel(store, "procedure") == PROCEDURE
    else:
        assert revision is None
        assert store.kernel == CYPHER
        with pytest.raises(ProceduresUnavailableError, match="no coman.\\* procedures"):
            choose_kernel(store, "procedure")
    assert choose_kernel(store, "cypher") == CYPHER


def test_asking_for_procedures_a_server_lacks_exits_6(embedded_server, engine):
    result = run_cli(["--kernel", "procedure", "db", "ping"], cli_env(embedded_server))
    if engine == "neo4j":
        assert result.returncode == 0, result.stderr
    else:
        assert result.returncode == NO_PLUGIN, (result.stdout, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "coman.* procedures" in lines[0], result.stderr


def test_the_catalogue_the_linter_reads_is_the_built_plugins(store, neo4j_only):
    assert server_catalogue(store) == json.loads(CATALOGUE.read_text()), (
        "engines/neo4j/procedures/catalogue.json is stale: run scripts/procedure-catalogue"
    )


def test_every_procedure_is_documented_with_its_signature():
    documented = PROCEDURES_DOC.read_text().replace("\\|", "|")
    for procedure in json.loads(CATALOGUE.read_text()):
        assert procedure["signature"] in documented, procedure["name"]
        assert procedure["mode"] == "READ", procedure["name"]


# -- training --------------------------------------------------------------------------------


def test_training_with_the_procedures_forms_the_same_concepts_at_every_step(
    store, mnist_train, neo4j_only
):
    specs = training_specs(P6_SUBSET, mnist_train, P6_SEED)
    assert not ingest(store, specs).failed
    for digit in P6_SUBSET.classes:
        order = absorption_order(specs, digit, P6_SEED)
        found = {}
        for name in (CYPHER, PROCEDURE):
            with kernel(store, name):
                result = train_class(store, digit, order)
            found[name] = training_snapshot(store, result.training)
            delete_training(store, result.training)
        assert found[PROCEDURE] == found[CYPHER], f"class {digit}"
        assert found[CYPHER], f"class {digit} formed no concept"


# -- classification and explanation -----------------------------------------------------------


def test_both_kernels_rank_every_neuron_alike_to_the_bit(store, p10, engine):
    with kernel(store, CYPHER):
        specified = rows(classify(store, p10))
    DECISIONS[engine] = {sid: [winner, ranked] for sid, (winner, ranked) in specified.items()}
    if engine != "neo4j":
        return
    with kernel(store, PROCEDURE):
        compiled = rows(classify(store, p10))
    assert len(compiled) == len(p10) == IMAGES
    assert compiled == specified


def test_both_kernels_average_a_neurons_best_compartments_alike(store, p10, neo4j_only):
    """A neuron's activation as the mean of its 3 best compartments' (infer/activate's
    $top_compartments): the same rows from both kernels, and the mean really is taken."""
    images = p10[:AVERAGED_IMAGES]
    with kernel(store, CYPHER):
        specified = rows(classify(store, images, top_compartments=3))
    with kernel(store, PROCEDURE):
        compiled = rows(classify(store, images, top_compartments=3))
        single = rows(classify(store, images, top_compartments=1))
    assert compiled == specified
    averaged = 0
    for sample_id, (_, ranked) in specified.items():
        best = {r["class"]: r for r in single[sample_id][1]}
        for row in ranked:
            assert row["concept_id"] == best[row["class"]]["concept_id"]
            assert row["activation"] <= best[row["class"]]["activation"] + TOL
            averaged += row["activation"] < best[row["class"]]["activation"] - TOL
    assert averaged > 0, "no neuron had a second compartment: the mean checks nothing"


def test_a_samples_views_are_pooled_alike_by_both_kernels(store, mnist_train, p10, engine):
    """kernel/pool-views: each neuron's activation is the mean of its activations for the
    sample and its first `views` views (in order of sample id), with the sample's own best
    compartment; the winner is the best pooled neuron. Here the views are the training
    originals' own augmentations (linked for the test, unlinked after)."""
    specs = training_specs(P10_SUBSET, mnist_train, P10_SEED)
    originals = [s.sample_id for s in specs if not s.augmentation]
    copies = [s for s in specs if s.augmentation]
    assert link_views(store, copies) == len(copies) == 2 * len(originals)
    try:
        kernels = [CYPHER, PROCEDURE] if engine == "neo4j" else [CYPHER]
        pooled = {}
        for name in kernels:
            with kernel(store, name):
                pooled[name] = rows(classify(store, originals, views=P10_SUBSET.augment))
                first_only = rows(classify(store, originals, views=1))
                alone = rows(classify(store, originals + [c.sample_id for c in copies]))
        assert pooled[kernels[-1]] == pooled[CYPHER]  # the procedure's pooling, to the bit

        def activations(sample_id: str) -> dict[int, float]:
            return {r["class"]: r["activation"] for r in alone[sample_id][1]}

        moved = 0
        for original in originals:
            views = sorted(c.sample_id for c in copies if c.original.sample_id == original)
            for got, taken in ((pooled[CYPHER], views), (first_only, views[:1])):
                winner, ranked = got[original]
                own = {r["class"]: r for r in alone[original][1]}
                parts = [activations(original)] + [activations(v) for v in taken]
                for row in ranked:
                    mean = sum(p[row["class"]] for p in parts) / len(parts)
                    assert row["activation"] == pytest.approx(mean, abs=TOL), original
                    assert row["concept_id"] == own[row["class"]]["concept_id"]
                assert winner == ranked[0]["class"]
                assert [r["activation"] for r in ranked] == sorted(
                    (r["activation"] for r in ranked), reverse=True
                )
                moved += ranked != alone[original][1]
        assert moved > 0, "no view changed any activation: the pooling checks nothing"
        # without views asked for, a sample is classified alone even though it has views
        with kernel(store, kernels[-1]):
            assert rows(classify(store, originals)) == {o: alone[o] for o in originals}
    finally:
        store.execute("MATCH (:Sample)-[v:HAS_VIEW]->(:Sample) DELETE v")


def test_the_explanations_are_the_same(store, p10, neo4j_only):
    def explained(sample_id: str, concept_id: str) -> list[tuple]:
        return sorted(
            (r["score"], r["concept_unit"], r["sample_unit"], r["cx"], r["sx"])
            for r in explain(store, sample_id, concept_id)
        )

    decisions = classify(store, p10[:40])
    for d in decisions:
        for row in d.ranked[:2]:
            with kernel(store, CYPHER):
                specified = explained(d.sample_id, row["concept_id"])
            with kernel(store, PROCEDURE):
                compiled = explained(d.sample_id, row["concept_id"])
            assert compiled == specified, (d.sample_id, row["concept_id"])
            assert specified or row["activation"] == 0.0


CLONE = """
MATCH (c:Concept {concept_id: $source})-[:HAS_FIGURE]->(f:ConceptFigure)
MERGE (n:DetectorNeuron {class: $class})
SET n.model_version = $version
CREATE (n)-[:HAS_COMPARTMENT]->(d:Concept)
SET d += c {.*, concept_id: $clone, class: $class, training: $clone}
CREATE (d)-[:HAS_FIGURE]->(g:ConceptFigure)
SET g = properties(f)
WITH c, d
CALL (c, d) {
  MATCH (c)-[:HAS_UNIT]->(u:ConceptUnit)
  CREATE (d)-[:HAS_UNIT]->(v:ConceptUnit)
  SET v += u {.*, unit_id: $clone + '#' + u.key, concept_id: $clone, class: $class,
              training: $clone}
  WITH u, v
  MATCH (a:Anchor)-[:ANCHORS]->(u)
  CREATE (a)-[:ANCHORS]->(v)
}
CALL (c, d) {
  MATCH (c)-[:HAS_UNIT]->(a:ConceptUnit)-[r:INTERCONNECTS]->(b:ConceptUnit)
  MATCH (d)-[:HAS_UNIT]->(x:ConceptUnit {key: a.key})
  MATCH (d)-[:HAS_UNIT]->(y:ConceptUnit {key: b.key})
  CREATE (x)-[q:INTERCONNECTS]->(y)
  SET q = properties(r)
}
RETURN d.concept_id AS clone
"""


def remove_concept(store, concept_id: str, digit: int) -> None:
    store.execute(
        "MATCH (c:Concept {concept_id: $id}) OPTIONAL MATCH (c)-[:HAS_UNIT|HAS_FIGURE]->(u) "
        "DETACH DELETE u, c WITH count(*) AS gone "
        "MATCH (n:DetectorNeuron {class: $class}) SET n.model_version = $version",
        id=concept_id,
        version=new_model_version(),
        **{"class": digit},
    )


def test_exact_ties_and_unmatched_samples_are_decided_alike(store, p10, neo4j_only):
    """A winning compartment copied into its own neuron and into another one ties with it
    exactly (activation, examples, energy): both kernels give the neuron the copy or the
    original by concept id, and put the two neurons in the same order. A sample whose units
    share no anchor cell with any concept activates nothing: every neuron at 0, alike. Each
    neuron speaks by its best compartment alone (top_compartments 1), so the tie is exact."""
    decision = classify(store, p10[:1], top_compartments=1)[0]
    winner = decision.ranked[0]
    digit, source = winner["class"], winner["concept_id"]
    other = next(d for d in P10_SUBSET.classes if d != digit)
    clones = {f"{source}-tie-a": digit, f"{source}-tie-b": other}
    for clone, cls in clones.items():
        store.execute(
            CLONE, source=source, clone=clone, version=new_model_version(), **{"class": cls}
        )
    try:
        classes = list(P10_SUBSET.classes)
        with kernel(store, CYPHER):
            specified = classify(store, p10[:1], tuple(classes), top_compartments=1)[0]
        with kernel(store, PROCEDURE):
            compiled = classify(store, p10[:1], tuple(classes), top_compartments=1)[0]
        assert compiled.ranked == specified.ranked
        top = specified.ranked[:2]
        assert {r["class"] for r in top} == {digit, other}
        assert top[0]["activation"] == top[1]["activation"] == winner["activation"]
        assert top[0]["concept_id"] < top[1]["concept_id"]
    finally:
        for clone, cls in clones.items():
            remove_concept(store, clone, cls)

    store.execute(
        "MERGE (s:Sample {sample_id: $id}) "
        "SET s.label = 3, s.n_units = 1, s.n_segments = 0, s.n_links = 0 "
        "MERGE (s)-[:HAS_UNIT]->(u:Unit:EndPoint {unit_id: $id + '#p0'}) "
        "SET u.sample_id = $id, u.key = 'p0', u.kind = 'EndPoint', u.x = 0.0, "
        "u.y = 0.0, u.slots = [0], u.anchor_keys = ['nowhere|a', 'nowhere|b']",
        id=NO_MATCH,
    )
    try:
        with kernel(store, CYPHER):
            specified = classify(store, [NO_MATCH])[0]
        with kernel(store, PROCEDURE):
            compiled = classify(store, [NO_MATCH])[0]
    finally:
        store.execute(
            "MATCH (s:Sample {sample_id: $id}) OPTIONAL MATCH (s)-[:HAS_UNIT]->(u) "
            "DETACH DELETE u, s",
            id=NO_MATCH,
        )
    assert compiled.ranked == specified.ranked
    assert len(specified.ranked) >= 10
    assert all(r["activation"] == 0.0 for r in specified.ranked)


def test_a_class_retrained_between_two_classifications_is_never_served_stale(
    store, mnist_train, p10, neo4j_only
):
    digit = 7
    with kernel(store, PROCEDURE):
        before = rows(classify(store, p10))
    specs = training_specs(P10_SUBSET.with_k(2), mnist_train, P10_SEED + 1)
    assert not ingest(store, specs).failed
    retrained = train_class(store, digit, absorption_order(specs, digit, P10_SEED + 1))
    new_concepts = {c.concept_id for c in retrained.compartments}
    with kernel(store, PROCEDURE):
        after = rows(classify(store, p10))
    with kernel(store, CYPHER):
        specified = rows(classify(store, p10))
    assert after == specified
    deciding = {r["concept_id"] for _, ranked in after.values() for r in ranked}
    assert {c for c in deciding if c.startswith(f"t{digit}-")} <= new_concepts
    assert after != before
    # the module's model again, for the tests after this one
    train(store, mnist_train, P10_SUBSET, P10_SEED)


def test_arcadedb_decides_as_neo4j(engine):
    if engine != "neo4j" or "arcadedb" not in DECISIONS:
        pytest.skip("needs both engines in this session (ArcadeDB's tests run first)")
    neo4j, arcadedb = DECISIONS["neo4j"], DECISIONS["arcadedb"]
    assert set(neo4j) == set(arcadedb)
    for sid, (winner, ranked) in neo4j.items():
        other_winner, other_ranked = arcadedb[sid]
        assert other_winner == winner, sid
        assert [(r["class"], r["concept_id"]) for r in other_ranked] == [
            (r["class"], r["concept_id"]) for r in ranked
        ], sid
        for mine, theirs in zip(ranked, other_ranked, strict=True):
            assert theirs["activation"] == pytest.approx(mine["activation"], abs=TOL), sid
