"""The validation harness: held-out TRAIN-split images, disjoint from the training picks.

Pure-Python checks on real MNIST, then one small validation run on the session's server
(the small protocol of conftest, seed 5, 40 held-out images), which must be labelled as
such everywhere it is recorded or printed.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from coman_graph.audit import write_audit_report
from coman_graph.baselines import BASELINES
from coman_graph.cli.context import console
from coman_graph.cli.evaluate import print_evaluation
from coman_graph.datasets.protocols import (
    PROTOCOLS,
    RESERVED_K,
    RESERVED_SEEDS,
    VALIDATION_SIZE,
    VIEW_SEED,
    Protocol,
    training_specs,
    validation_specs,
    view_specs,
)
from coman_graph.datasets.selection import pick_per_class
from coman_graph.errors import InputError
from coman_graph.evaluation import evaluate

SUMMARIZE = Path(__file__).resolve().parents[1] / "scripts" / "summarize-runs"


@pytest.fixture(scope="module")
def p10_validation(mnist_train):
    return validation_specs(PROTOCOLS["P10"], mnist_train, 0)


def test_validation_is_disjoint_from_every_reserved_training_pick(mnist_train):
    for protocol in PROTOCOLS.values():
        held_out = {s.index for s in validation_specs(protocol, mnist_train, 0)}
        for name, other in PROTOCOLS.items():
            for seed in RESERVED_SEEDS:
                for k in RESERVED_K:
                    picks = set(pick_per_class(mnist_train, other.classes, k, seed))
                    assert not held_out & picks, (protocol.name, name, seed, k)


def test_validation_avoids_its_own_seed_and_serves_the_reserved_seeds(mnist_train):
    protocol = PROTOCOLS["P6"]
    sets = {seed: validation_specs(protocol, mnist_train, seed) for seed in (0, 1, 2, 7)}
    assert sets[0] == sets[1] == sets[2]
    for seed, specs in sets.items():
        trained = {s.index for s in training_specs(protocol, mnist_train, seed)}
        assert not trained & {s.index for s in specs}, seed
    # an unreserved seed's set differs from the shared one only where its picks are avoided
    picks_7 = set(pick_per_class(mnist_train, protocol.classes, protocol.per_class, 7))
    shared = [s.index for s in sets[0] if s.index not in picks_7]
    assert [s.index for s in sets[7]][: len(shared)] == shared


def test_validation_is_deterministic_and_prefix_stable(mnist_train, p10_validation):
    again = validation_specs(PROTOCOLS["P10"], mnist_train, 0)
    assert again == p10_validation
    assert len(p10_validation) == VALIDATION_SIZE
    assert validation_specs(PROTOCOLS["P10"], mnist_train, 0, 300) == p10_validation[:300]


def test_views_are_augmented_copies_no_training_run_draws(mnist_train, p10_validation):
    images = p10_validation[:20]
    views = view_specs(images, 3)
    assert [v.original for v in views] == [s for s in images for _ in range(3)]
    assert [v.augmentation for v in views[:3]] == [1, 2, 3]
    assert {v.aug_seed for v in views} == {VIEW_SEED} and VIEW_SEED not in RESERVED_SEEDS
    assert len({v.sample_id for v in views}) == len(views)
    assert view_specs(views, 3) == []  # a view has no views of its own
    for view in views[:3]:
        assert not np.array_equal(view.image(mnist_train), images[0].image(mnist_train))


def test_validation_images_are_train_originals_of_the_protocols_classes(
    mnist_train, p10_validation
):
    assert all(s.split == "train" and s.augmentation == 0 for s in p10_validation)
    assert len({s.index for s in p10_validation}) == len(p10_validation)
    assert all(s.label == mnist_train.labels[s.index] for s in p10_validation)
    assert {s.label for s in p10_validation} == set(range(10))  # every class drawn
    p6 = validation_specs(PROTOCOLS["P6"], mnist_train, 0, 400)
    assert {s.label for s in p6} == set(PROTOCOLS["P6"].classes)
    # not the first images of the split: a seeded shuffle of all of it
    assert max(s.index for s in p10_validation) > 50_000


def test_validation_refuses_impossible_counts(mnist_train):
    with pytest.raises(InputError, match="positive count"):
        validation_specs(PROTOCOLS["P6"], mnist_train, 0, 0)
    with pytest.raises(InputError, match="asked for 60000"):
        validation_specs(Protocol("one", (1,), 5, 0), mnist_train, 0, 60_000)


# -- a validation run on the real server --------------------------------------------------


@pytest.fixture(scope="module")
def validation_run(store, small_protocol, tmp_path_factory):
    out = tmp_path_factory.mktemp("validation-run")
    return evaluate(store, small_protocol, seed=5, limit=40, on="validation", out_dir=out)


def test_validation_run_is_labelled_everywhere(
    store, small_protocol, validation_run, mnist_train, tmp_path
):
    run = validation_run
    assert "-validation-" in run.run_id
    assert run.on == "validation"
    assert run.params["on"] == "validation" and run.params["validation_images"] == 40
    assert "test_images" not in run.params
    assert run.metrics.total == 40
    assert list(run.baselines) == list(BASELINES)

    names = sorted(p.name for p in run.files)
    assert len(names) == 2 + len(BASELINES)  # metrics.json, ComAN's and each baseline's matrix
    assert all(re.fullmatch(r"[a-z0-9-]+\.(json|png)", name) for name in names), names
    [written] = [p for p in run.files if p.name == "metrics.json"]
    recorded = json.loads(written.read_text())
    assert recorded["on"] == "validation" and recorded["run_id"] == run.run_id
    # every training example absorbed once, by one of its class's compartments
    absorbed = {int(d): n for d, n in recorded["examples_absorbed"].items()}
    assert absorbed == {
        digit: sum(s.label == digit for s in training_specs(small_protocol, mnist_train, 5))
        for digit in small_protocol.classes
    }
    [stored] = store.execute("MATCH (r:Run {run_id: $id}) RETURN r.params AS params", id=run.run_id)
    assert json.loads(stored["params"])["on"] == "validation"

    # the decisions are about held-out train images, never a training pick
    rows = store.execute(
        "MATCH (s:Sample)-[:CLASSIFIED {run_id: $id, winner: true}]->() "
        "RETURN s.sample_id AS sample_id, s.split AS split",
        id=run.run_id,
    )
    assert rows and {r["split"] for r in rows} == {"train"}
    trained = {s.sample_id for s in training_specs(small_protocol, mnist_train, 5)}
    assert not trained & {r["sample_id"] for r in rows}

    with console.capture() as captured:
        print_evaluation(run)
    printed = captured.get()
    assert "VALIDATION run" in printed and "not a test result" in printed
    assert "40 validation images" in printed

    page = write_audit_report(store, run.run_id, tmp_path / "audit", cases=0).read_text()
    assert "VALIDATION run" in page and "Not a test result" in page
    assert "40 validation images" in page
    for name in BASELINES:
        assert f'<td class="text">{name}</td>' in page


def test_summarize_runs_prints_compartments_and_examples_per_compartment(validation_run):
    folder = validation_run.files[0].parent.parent
    printed = subprocess.run(
        [sys.executable, str(SUMMARIZE), str(folder)], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    head, row = printed[0].split(), printed[2]
    assert head[-2:] == ["comps", "ex/comp"]
    assert head[4] == "views" and row.split()[4] == "0"  # the run classified without views
    compartments = sum(validation_run.compartments.values())
    examples = sum(validation_run.examples.values())
    assert row.split()[-2:] == [f"{compartments:.1f}", f"{examples / compartments:.2f}"]
    # then each class's examples per compartment
    at = printed.index(
        "examples per compartment, by class (examples absorbed / compartments, over the seeds)"
    )
    classes, values = printed[at + 1].split()[5:], printed[at + 3].split()[5:]
    digits = sorted(validation_run.compartments)
    assert classes == [w for d in digits for w in ("class", str(d))]
    assert values == [
        f"{validation_run.examples[d] / validation_run.compartments[d]:.2f}" for d in digits
    ]
