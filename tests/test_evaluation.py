"""A small protocol end to end against the session's real server, and `coman-graph classify`.

Shares the server with other modules: it trains classes 0, 1 and 7 with seed 5 (train
images drawn with that seed and their aug5-k augmentations) and classifies the first 100
MNIST test images of those classes; the CLI reads images 0-99 of the test split only.
"""

from __future__ import annotations

import json
import re
from collections import Counter

import numpy as np
import pytest
from cli_helpers import cli_env, run_cli
from PIL import Image

from coman_graph.datasets import protocols
from coman_graph.datasets.protocols import Protocol
from coman_graph.encoding import FIGURE_WEIGHT
from coman_graph.inference import DEFAULT_RULE, TOP_COMPARTMENTS, classify, fill

#: The session's small run (conftest.small_run) is this protocol with seed 5, 100 test images.
PROTOCOL = Protocol("T3", (0, 1, 7), 2, 2)


@pytest.fixture(scope="module")
def evaluation(small_run):
    assert small_run.protocol == PROTOCOL
    return small_run


def test_small_protocol_end_to_end(store, evaluation, mnist_test):
    m = evaluation.metrics
    print(f"T3 accuracy {m.accuracy:.3f}, compartments {evaluation.compartments}")
    assert m.total == 100
    assert m.accuracy > 0.6  # chance is 1/3
    assert set(evaluation.compartments) == {0, 1, 7}
    assert all(n >= 1 for n in evaluation.compartments.values())
    assert {p.name for p in evaluation.phases} >= {"train", f"classify ({DEFAULT_RULE})"}

    # the stored run: its metrics are the evaluation's
    [run] = store.execute(
        "MATCH (r:Run {run_id: $id}) RETURN r.protocol AS protocol, r.params AS params, "
        "r.metrics AS metrics",
        id=evaluation.run_id,
    )
    assert run["protocol"] == "T3"
    assert json.loads(run["metrics"]) == json.loads(json.dumps(m.to_dict()))
    assert json.loads(run["params"]) == evaluation.params
    assert evaluation.params["test_images"] == 100 and evaluation.params["seed"] == 5

    # its decisions: one CLASSIFIED per sample and neuron, exactly one winner per sample
    rows = store.execute(
        "MATCH (s:Sample)-[c:CLASSIFIED {run_id: $id}]->(n:DetectorNeuron) "
        "RETURN s.sample_id AS sample_id, s.label AS label, n.class AS class, "
        "c.winner AS winner, c.activation AS activation",
        id=evaluation.run_id,
    )
    specs = protocols.test_specs(PROTOCOL, mnist_test, 100)
    ids = [spec.sample_id for spec in specs]
    per_sample = Counter(r["sample_id"] for r in rows)
    stored = store.run("ingest/existing-samples", ids=ids)
    assert set(per_sample) == {r["sample_id"] for r in stored}
    assert all(count == 3 for count in per_sample.values())
    assert {r["class"] for r in rows} == {0, 1, 7}
    winners = {r["sample_id"]: r["class"] for r in rows if r["winner"]}
    assert len(winners) == len(per_sample) == sum(1 for r in rows if r["winner"])

    # the same decisions, recomputed (classification is deterministic)
    decisions = {d.sample_id: d for d in classify(store, ids, classes=PROTOCOL.classes)}
    assert winners == {sid: d.winner for sid, d in decisions.items()}
    for r in rows:
        expected = decisions[r["sample_id"]].neuron_activations()[r["class"]]
        assert r["activation"] == pytest.approx(expected)
        winning = max(decisions[r["sample_id"]].neuron_activations().values())
        assert r["activation"] <= winning + 1e-12
    # and the accuracy follows from them, with unsensable images counted as errors
    correct = sum(winners.get(spec.sample_id) == spec.label for spec in specs)
    assert m.accuracy == pytest.approx(correct / len(specs))


def compartment_activation(f: dict, size: int) -> float:
    """One compartment's activation from infer/fill: fill x coverage x the figure factor."""
    missing = f["figure_energy"] - f["figure_fill"]
    return (
        (f["unit_energy"] + f["link_energy"])
        / f["energy"]
        * (f["pairs"] + f["links"])
        / size
        * 2.0 ** (-FIGURE_WEIGHT * missing)
    )


def sample_sizes(store, ids: list[str]) -> dict[str, int]:
    return {
        r["id"]: r["n"]
        for r in store.execute(
            "UNWIND $ids AS id MATCH (s:Sample {sample_id: id}) "
            "RETURN id, s.n_units + s.n_links AS n",
            ids=ids,
        )
    }


def test_activation_is_fill_times_coverage_times_the_figure_factor(store, evaluation, mnist_test):
    """Each neuron's best compartment, recomputed from infer/fill (the same kernels, one concept
    at a time): fill x coverage x 2 ^ -(FIGURE_WEIGHT x the figure bits left unfilled)."""
    ids = [spec.sample_id for spec in protocols.test_specs(PROTOCOL, mnist_test, 100)][:30]
    sizes = sample_sizes(store, ids)
    penalised = 0
    for decision in classify(store, list(sizes), classes=PROTOCOL.classes, top_compartments=1):
        for row in decision.ranked:
            if row["activation"] == 0:
                continue
            f = fill(store, decision.sample_id, row["concept_id"])
            expected = compartment_activation(f, sizes[decision.sample_id])
            assert row["activation"] == pytest.approx(expected), (decision.sample_id, row)
            assert row["figure_missing"] == pytest.approx(f["figure_energy"] - f["figure_fill"])
            penalised += row["figure_missing"] > 0
    assert penalised > 0  # some sample's topology differs from some concept's


def test_a_neurons_activation_is_the_mean_of_its_best_compartments(store, evaluation, mnist_test):
    """At the default TOP_COMPARTMENTS, a neuron's activation is the mean of its best
    compartments' activations (each recomputed from infer/fill), of all its matched ones if
    fewer; its best compartment is named."""
    ids = [spec.sample_id for spec in protocols.test_specs(PROTOCOL, mnist_test, 100)][:8]
    sizes = sample_sizes(store, ids)
    concepts = store.execute(
        "MATCH (c:Concept {status: 'active'}) WHERE c.class IN $classes "
        "RETURN c.class AS class, collect(c.concept_id) AS ids",
        classes=list(PROTOCOL.classes),
    )
    averaged = 0
    for decision in classify(store, ids, classes=PROTOCOL.classes):
        for row in decision.ranked:
            if row["activation"] == 0:
                continue
            [ids_of_class] = [c["ids"] for c in concepts if c["class"] == row["class"]]
            activations = {}
            for concept_id in ids_of_class:
                f = fill(store, decision.sample_id, concept_id)
                if f["pairs"] > 0:
                    activations[concept_id] = compartment_activation(f, sizes[decision.sample_id])
            top = sorted(activations.values(), reverse=True)[:TOP_COMPARTMENTS]
            assert row["activation"] == pytest.approx(sum(top) / len(top)), row
            assert activations[row["concept_id"]] == pytest.approx(top[0])
            averaged += len(top) > 1
    assert averaged > 0  # some neuron averaged more than one compartment


# -- the CLI -----------------------------------------------------------------------------------


def printed_class(stdout: str, sample_id: str) -> int:
    match = re.search(rf"^{re.escape(sample_id)}(?: \(label \d\))?: class (\d)$", stdout, re.M)
    assert match, stdout
    return int(match.group(1))


#: A clear '7' among the first test images (the T3 run has trained 0, 1 and 7).
INDEX = 0


def test_classify_an_mnist_image(store, evaluation, embedded_server, mnist_test):
    assert mnist_test.labels[INDEX] == 7
    result = run_cli(["classify", "--index", str(INDEX)], cli_env(embedded_server))
    assert result.returncode == 0, result.stderr
    sample_id = f"mnist/test/{INDEX}"
    assert f"{sample_id} (label 7): class " in result.stdout
    # the class every active concept (not only T3's) gives it
    [decision] = classify(store, [sample_id])
    assert printed_class(result.stdout, sample_id) == decision.winner


def test_classify_png_files(store, embedded_server, evaluation, mnist_test, tmp_path):
    digit = mnist_test.images[INDEX]
    small, large = tmp_path / "seven-28.png", tmp_path / "seven-56.png"
    Image.fromarray(digit).save(small)
    Image.fromarray(digit).resize((56, 56), Image.Resampling.BICUBIC).save(large)
    assert Image.open(large).size == (56, 56)

    by_index = run_cli(["classify", "--index", str(INDEX)], cli_env(embedded_server))
    expected = printed_class(by_index.stdout, f"mnist/test/{INDEX}")
    written = []
    try:
        for path in (small, large):
            result = run_cli(["classify", str(path)], cli_env(embedded_server))
            assert result.returncode == 0, result.stderr
            match = re.search(r"^(file/[0-9a-f]{32}): class (\d)$", result.stdout, re.M)
            assert match, result.stdout
            written.append(match.group(1))
            assert int(match.group(2)) == expected, (path.name, result.stdout)
        assert len(set(written)) == 2  # the resized image is a different sample
    finally:
        # the CLI stored the files as samples (split 'external'): leave the server as found
        store.execute(
            "UNWIND $ids AS id MATCH (u:Unit {sample_id: id}) DETACH DELETE u", ids=written
        )
        store.execute(
            "UNWIND $ids AS id MATCH (s:Sample {sample_id: id}) DETACH DELETE s", ids=written
        )


def test_classify_through_views(store, embedded_server, evaluation, mnist_test, tmp_path):
    """`classify --views 2`, by index and by file: the image and two views of it are stored and
    linked, and each neuron's printed activation is the mean of its three own."""
    png = tmp_path / "seven.png"
    Image.fromarray(mnist_test.images[INDEX]).save(png)
    created: list[str] = []
    try:
        for source in (["--index", str(INDEX)], [str(png)]):
            result = run_cli(["classify", *source, "--views", "2"], cli_env(embedded_server))
            assert result.returncode == 0, result.stderr
            assert "activations pooled over the image and 2 views" in result.stdout
            match = re.search(
                r"^((?:mnist|file)/\S+)(?: \(label \d\))?: class (\d)$", result.stdout, re.M
            )
            assert match, result.stdout
            sample_id = match.group(1)
            views = [
                r["view"]
                for r in store.execute(
                    "MATCH (:Sample {sample_id: $id})-[:HAS_VIEW]->(v:Sample) "
                    "RETURN v.sample_id AS view ORDER BY view",
                    id=sample_id,
                )
            ]
            assert len(views) == 2, views
            created += views + ([sample_id] if sample_id.startswith("file/") else [])
            alone = {
                d.sample_id: d.neuron_activations() for d in classify(store, [sample_id, *views])
            }
            printed = printed_activations(result.stdout)
            assert int(match.group(2)) in printed, result.stdout
            for digit, activation in printed.items():
                mean = sum(alone[s][digit] for s in [sample_id, *views]) / 3
                assert activation == pytest.approx(mean, abs=5e-4), (source, digit)
            [pooled] = classify(store, [sample_id], views=2)
            assert int(match.group(2)) == pooled.winner
    finally:
        # leave the server as found: the views (and the file's sample) go
        store.execute(
            "UNWIND $ids AS id MATCH (u:Unit {sample_id: id}) DETACH DELETE u", ids=created
        )
        store.execute(
            "UNWIND $ids AS id MATCH (s:Sample {sample_id: id}) "
            "OPTIONAL MATCH (s)-[:HAS_FIGURE]->(f) DETACH DELETE s, f",
            ids=created,
        )


def printed_activations(stdout: str) -> dict[int, float]:
    """The neuron table `classify` prints: {class: activation}."""
    rows = re.findall(r"^\S*\s*(\d)\s*\S*\s+(\d\.\d{3})\s", stdout, re.M)
    return {int(digit): float(value) for digit, value in rows}


def test_classify_refuses_bad_input(embedded_server, tmp_path):
    corrupt = tmp_path / "corrupt.png"
    corrupt.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    result = run_cli(["classify", str(corrupt)], cli_env(embedded_server))
    assert result.returncode == 4, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(corrupt) in lines[0] and "error" in lines[0], result.stderr

    neither = run_cli(["classify"], cli_env(embedded_server))
    assert neither.returncode == 4, (neither.stdout, neither.stderr)
    assert "IMAGE or --index" in neither.stderr

    both = run_cli(["classify", str(corrupt), "--index", "3"], cli_env(embedded_server))
    assert both.returncode == 4


def test_png_digit_is_read_like_mnist(mnist_test, tmp_path):
    """The 28x28 PNG round-trips the MNIST pixels exactly (so its sensing is the same)."""
    from coman_graph.datasets.image_file import read_digit_image

    path = tmp_path / "digit.png"
    Image.fromarray(mnist_test.images[INDEX]).save(path)
    assert np.array_equal(read_digit_image(path), mnist_test.images[INDEX])
    inverted = tmp_path / "ink-on-paper.png"
    Image.fromarray(255 - mnist_test.images[INDEX]).save(inverted)
    assert np.array_equal(read_digit_image(inverted), mnist_test.images[INDEX])
