"""Classification, orchestrated: runs cypher/infer/* over batches of samples and records runs.

Activation, the choice of each neuron's best compartment and winner-take-all are
Cypher (infer/activate); this module batches the samples over two concurrent
sessions and stores the decisions as (:Sample)-[:CLASSIFIED]->(:DetectorNeuron)
under a (:Run).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from coman_graph.encoding import DISTANCE_WEIGHT, FIGURE_WEIGHT
from coman_graph.errors import InputError
from coman_graph.graphstore.connection import GraphStore
from coman_graph.graphstore.queries import CYPHER, PROCEDURE

#: Activation rules (see cypher/infer/activate.cypher); the first is the default, chosen on
#: held-out training images: fill_coverage 84.3% / 73.1% against explained 81.6% / 69.1%
#: (P6 / P10 protocols, 800 validation images each).
RULES = ("fill_coverage", "explained", "fill")
DEFAULT_RULE = RULES[0]
#: Samples per activation query, per matching kernel: the Cypher kernel's intermediate rows grow
#: with the batch (ArcadeDB's per-query heap budget, docs/compatibility.md); the procedure keeps
#: one sample's pairs at a time, and larger batches save round trips (scripts/bench-classify).
BATCH_SIZES = {CYPHER: 40, PROCEDURE: 250}
#: How many of a neuron's best compartments its activation averages (infer/activate); chosen on
#: held-out training images with the spread concepts (docs/experiments.md, 2026-12-06): 1 / 2 /
#: 3 / 5 give a mean of 76.19 / 77.41 / 77.56 / 77.34% over the four validation arms.
TOP_COMPARTMENTS = 3
#: The matching constants in classification (no bonus for earlier correspondences).
MATCHING = {
    "distance_weight": DISTANCE_WEIGHT,
    "tie_bonus": 0.0,
    "figure_weight": FIGURE_WEIGHT,
    "top_compartments": TOP_COMPARTMENTS,
}


def check_rule(rule: str) -> str:
    """``rule`` if it is one of :data:`RULES`; InputError naming it otherwise."""
    if rule not in RULES:
        raise InputError(f"unknown activation rule {rule!r}: expected one of {', '.join(RULES)}")
    return rule


def check_views(views: int) -> int:
    """``views`` if it is a number of views (0 or more); InputError naming it otherwise."""
    if views < 0:
        raise InputError(f"views {views}: expected 0 or more")
    return views


@dataclass(frozen=True)
class Decision:
    """The outcome for one sample: the winning class and each neuron's best compartment.

    ``ranked`` holds one row per neuron, {class, concept_id, activation, fill, coverage,
    energy}, best first; its first row is the winner.
    """

    sample_id: str
    label: int | None
    winner: int | None
    ranked: list[dict[str, Any]]

    def neuron_activations(self) -> dict[int, float]:
        """Each neuron's activation: that of its best compartment."""
        return {digit: activation for digit, (activation, _) in self.neuron_best().items()}

    def neuron_best(self) -> dict[int, tuple[float, str]]:
        """Each neuron's best compartment: (its activation, its concept id)."""
        best: dict[int, tuple[float, str]] = {}
        for row in self.ranked:
            best.setdefault(int(row["class"]), (float(row["activation"]), row["concept_id"]))
        return best


def classify(
    store: GraphStore,
    sample_ids: list[str],
    classes: tuple[int, ...] = tuple(range(10)),
    rule: str = DEFAULT_RULE,
    workers: int = 2,
    batch_size: int | None = None,
    on_progress: Callable[[int], None] | None = None,
    top_compartments: int | None = None,
    views: int = 0,
) -> list[Decision]:
    """Classify stored samples against the active concepts of ``classes``.

    The decisions follow the order of ``sample_ids``; batches of ``batch_size`` (default: the
    store's kernel's, :data:`BATCH_SIZES`, divided among each sample and its ``views``) run
    over ``workers`` sessions. Up to ``views`` of a sample's stored views
    (``ingest.link_views``) are matched with it and its neurons' activations pooled over them
    (kernel/pool-views). If a batch fails (or Ctrl-C), the batches not yet started are
    dropped, not run. ``top_compartments`` (default :data:`TOP_COMPARTMENTS`): how many of a
    neuron's best compartments its activation averages.
    """
    check_rule(rule)
    check_views(views)
    matching = dict(MATCHING)
    if top_compartments is not None:
        if top_compartments < 1:
            raise InputError(f"top_compartments {top_compartments}: expected at least 1")
        matching["top_compartments"] = top_compartments
    batch_size = batch_size or max(1, BATCH_SIZES[store.kernel] // (1 + views))
    batches = [sample_ids[i : i + batch_size] for i in range(0, len(sample_ids), batch_size)]

    def run(batch: list[str]) -> list[Decision]:
        rows = store.run(
            "infer/activate",
            sample_ids=batch,
            classes=list(classes),
            rule=rule,
            views=views,
            **matching,
        )
        if on_progress:
            on_progress(len(batch))
        return [Decision(r["sample_id"], r["label"], r["winner"], r["ranked"]) for r in rows]

    pool = ThreadPoolExecutor(max_workers=workers)
    try:
        found = {d.sample_id: d for batch in pool.map(run, batches) for d in batch}
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return [found[sid] for sid in sample_ids if sid in found]


def explain(store: GraphStore, sample_id: str, concept_id: str) -> list[dict[str, Any]]:
    """Which units of ``concept_id`` matched which units of ``sample_id``, best first.

    Rows {concept_unit, concept_kind, sample_unit, sample_kind, score, cx, cy, sx, sy}, from
    the same matching as classification (cypher/infer/explain).
    """
    return store.run("infer/explain", sample_id=sample_id, concept_id=concept_id, **MATCHING)


def fill(store: GraphStore, sample_id: str, concept_id: str) -> dict[str, Any]:
    """How much of ``concept_id`` the sample fills (cypher/infer/fill).

    {pairs, unit_energy, links, link_energy, energy}: units and interconnections matched,
    the energy they fill, and the concept's energy.
    """
    return store.run("infer/fill", sample_id=sample_id, concept_id=concept_id, **MATCHING)[0]


def record_run(
    store: GraphStore,
    run_id: str,
    protocol: str,
    params: dict[str, Any],
    metrics: dict[str, Any],
    decisions: list[Decision],
    baselines: dict[str, Any] | None = None,
    batch_size: int = 500,
) -> None:
    """Store each decision per neuron (activation, its compartment, winner or not), then the run.

    The (:Run) is written last: a run is listed only once all its decisions are stored, so a
    recording cut short (Ctrl-C, a lost server) leaves no half-recorded run behind.
    """
    rows = [
        {
            "sample_id": d.sample_id,
            "class": digit,
            "activation": activation,
            "concept_id": concept_id,
            "winner": digit == d.winner,
        }
        for d in decisions
        for digit, (activation, concept_id) in d.neuron_best().items()
    ]
    for start in range(0, len(rows), batch_size):
        store.run("infer/record-decisions", run_id=run_id, rows=rows[start : start + batch_size])
    store.run(
        "infer/record-run",
        run_id=run_id,
        protocol=protocol,
        params=json.dumps(params),
        metrics=json.dumps(metrics),
        baselines=json.dumps(baselines or {}),
    )
