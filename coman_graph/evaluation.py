"""A protocol evaluated end to end: ingest what is missing, train, classify, score, baselines.

The learning and the decisions happen in the database (see learning.py and
inference.py); this module strings the phases together, times them, scores the
decisions against the labels of ALL the protocol's test images (an image that
cannot be sensed counts as an error, never as filtered out), runs every
baseline of ``baselines.BASELINES`` on exactly the same training images, and records
the run.

A run is evaluated either on the test split (the default: every test image of the
protocol's classes) or on the validation set, held-out images of the TRAIN split
(``datasets.protocols.validation_specs``) on which rules and parameters are chosen. A
validation run says so in its run id (``...-validation-...``), its params and JSON
(``"on": "validation"``) and its printed table.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from coman_graph.baselines import BASELINES
from coman_graph.cluster import classify_on_cluster, cluster_senser
from coman_graph.datasets.mnist import load_split
from coman_graph.datasets.protocols import (
    Protocol,
    test_specs,
    training_specs,
    validation_specs,
    view_specs,
)
from coman_graph.datasets.selection import SampleSpec
from coman_graph.errors import InputError
from coman_graph.graphstore.config import DEFAULT_ENGINE
from coman_graph.graphstore.connection import GraphStore
from coman_graph.inference import DEFAULT_RULE, Decision, check_views, classify, record_run
from coman_graph.ingest import IngestSummary, ingest, jobs_for, link_views
from coman_graph.learning import TrainingConfig, train_classes
from coman_graph.report.confusion import render_confusion, render_confusion_pair
from coman_graph.report.metrics import Metrics, classification_metrics

if TYPE_CHECKING:
    from distributed import Client

#: What a run can be evaluated on: the test split, or held-out images of the train split.
TEST, VALIDATION = "test", "validation"
EVALUATION_SETS = (TEST, VALIDATION)

#: Progress hooks: start(phase, total) returns an advance(n) callback.
ProgressStart = Callable[[str, int], Callable[[int], None]]


@dataclass(frozen=True)
class Phase:
    """One timed phase: how many items in how many seconds."""

    name: str
    items: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.items / self.seconds if self.seconds > 0 else float("inf")


@dataclass
class Evaluation:
    """Everything an evaluation produced."""

    run_id: str
    protocol: Protocol
    params: dict[str, Any]
    metrics: Metrics
    baselines: dict[str, Metrics]
    phases: list[Phase] = field(default_factory=list)
    compartments: dict[int, int] = field(default_factory=dict)
    #: Per class, the examples its compartments absorbed (their ``examples_seen``, summed).
    examples: dict[int, int] = field(default_factory=dict)
    ingest_failures: list[tuple[str, str]] = field(default_factory=list)
    rule_metrics: dict[str, Metrics] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)

    @property
    def on(self) -> str:
        """What the run was evaluated on: ``"test"`` or ``"validation"``."""
        return self.params.get("on", TEST)

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "protocol": self.protocol.name,
            "on": self.on,
            "params": self.params,
            "metrics": self.metrics.to_dict(),
            "baselines": {name: m.to_dict() for name, m in self.baselines.items()},
            "rules": {name: m.to_dict() for name, m in self.rule_metrics.items()},
            "phases": [
                {
                    "phase": p.name,
                    "items": p.items,
                    "seconds": round(p.seconds, 2),
                    "per_second": round(p.rate, 1),
                }
                for p in self.phases
            ],
            "compartments": self.compartments,
            "examples_absorbed": self.examples,
            "unsensable": len(self.ingest_failures),
        }


def _no_progress(_: str, __: int) -> Callable[[int], None]:
    return lambda _n: None


def _predictions(specs: list[SampleSpec], decisions: list[Decision]) -> list[int | None]:
    winners = {d.sample_id: d.winner for d in decisions}
    return [winners.get(spec.sample_id) for spec in specs]


def evaluate(
    store: GraphStore,
    protocol: Protocol,
    *,
    seed: int = 0,
    limit: int | None = None,
    on: str = TEST,
    rule: str = DEFAULT_RULE,
    compare_rule: str | None = None,
    config: TrainingConfig = TrainingConfig(),
    workers: int = 2,
    out_dir: Path | None = None,
    progress: ProgressStart = _no_progress,
    cluster: Client | None = None,
    replica_engine: str = DEFAULT_ENGINE,
    views: int = 0,
) -> Evaluation:
    """Run ``protocol`` with ``seed`` end to end and return (and record) its results.

    ``on`` is ``"test"`` (every test image of the protocol's classes, the first ``limit``
    if given) or ``"validation"`` (``limit`` held-out train images, default
    ``protocols.VALIDATION_SIZE``). With a Dask ``cluster``, images are sensed on its
    workers, and the evaluated images are classified there on replicas of the trained model
    served by ``replica_engine`` servers (``coman_graph.cluster``); ``store`` receives every
    write and records the run as a local evaluation does. Each evaluated image is classified
    through itself and ``views`` augmented copies (``protocols.view_specs``), its neurons'
    activations pooled over them (not on a cluster).
    """
    if check_views(views) and cluster is not None:
        raise InputError(f"views {views}: evaluation on a cluster classifies without views")
    if on not in EVALUATION_SETS:
        raise InputError(f"evaluate on {on!r}: expected one of {', '.join(EVALUATION_SETS)}")
    started = datetime.now(UTC)
    label = f"-{VALIDATION}" if on == VALIDATION else ""
    run_id = f"{protocol.name}-k{protocol.per_class}-s{seed}{label}-{started:%Y%m%dT%H%M%S}"
    train = load_split("train")
    train_specs = training_specs(protocol, train, seed)
    if on == VALIDATION:
        evaluated, tests = train, validation_specs(protocol, train, seed, limit)
    else:
        evaluated = load_split("test")
        tests = test_specs(protocol, evaluated, limit)
    phases: list[Phase] = []

    senser = cluster_senser(cluster) if cluster is not None else None

    def ingest_phase(name: str, specs: list[SampleSpec]) -> IngestSummary:
        began = time.perf_counter()
        summary = ingest(
            store, specs, workers=workers, on_progress=progress(name, len(specs)), senser=senser
        )
        phases.append(Phase(name, len(specs), time.perf_counter() - began))
        return summary

    failures = ingest_phase("ingest train (sense + write)", train_specs).failed
    if cluster is None:
        failures += ingest_phase(f"ingest {on} (sense + write)", tests).failed
    if views:
        copies = view_specs(tests, views)
        failures += ingest_phase(f"ingest {on} views (sense + write)", copies).failed
        link_views(store, copies)

    began = time.perf_counter()
    advance = progress("train", len(train_specs))
    trained = train_classes(
        store,
        train_specs,
        protocol.classes,
        seed,
        config,
        on_step=lambda: advance(1),
        workers=workers,
    )
    compartments = {digit: len(result.compartments) for digit, result in trained.items()}
    examples = {
        digit: sum(c.examples_seen for c in result.compartments)
        for digit, result in trained.items()
    }
    phases.append(Phase("train", len(train_specs), time.perf_counter() - began))

    test_ids = [spec.sample_id for spec in tests]
    labels = [spec.label for spec in tests]
    rules = [rule] + ([compare_rule] if compare_rule and compare_rule != rule else [])
    rule_decisions: dict[str, list[Decision]] = {}
    if cluster is not None:
        name = f"sense + classify on the cluster ({', '.join(rules)})"
        began = time.perf_counter()
        jobs = jobs_for(tests)
        sensed, rule_decisions = classify_on_cluster(
            cluster,
            store,
            jobs,
            protocol.classes,
            rules,
            replica_engine,
            on_progress=progress(name, len(jobs)),
        )
        failures += [
            (spec.sample_id, reason or "unknown") for spec, row, reason in sensed if not row
        ]
        phases.append(Phase(name, len(test_ids), time.perf_counter() - began))
    else:
        for current in rules:
            began = time.perf_counter()
            rule_decisions[current] = classify(
                store,
                test_ids,
                classes=protocol.classes,
                rule=current,
                workers=workers,
                on_progress=progress(f"classify ({current})", len(test_ids)),
                views=views,
            )
            phases.append(
                Phase(f"classify ({current})", len(test_ids), time.perf_counter() - began)
            )
    rule_metrics = {
        current: classification_metrics(labels, _predictions(tests, found), protocol.classes)
        for current, found in rule_decisions.items()
    }
    decisions = rule_decisions[rule]

    train_images = np.stack([spec.image(train) for spec in train_specs])
    train_labels = np.array([spec.label for spec in train_specs])
    test_images = evaluated.images[[spec.index for spec in tests]]
    baselines: dict[str, Metrics] = {}
    for name, predict in BASELINES.items():
        began = time.perf_counter()
        predicted = predict(train_images, train_labels, test_images)
        baselines[name] = classification_metrics(labels, predicted.tolist(), protocol.classes)
        phases.append(Phase(f"baseline: {name}", len(tests), time.perf_counter() - began))

    params = {
        "classes": list(protocol.classes),
        "per_class": protocol.per_class,
        "augment": protocol.augment,
        "seed": seed,
        "on": on,
        f"{on}_images": len(tests),
        "rule": rule,
        "compartment_loss": config.compartment_loss,
        "concept_form": config.concept_form,
        "kernel": store.kernel,
        "views": views,
    }
    evaluation = Evaluation(
        run_id,
        protocol,
        params,
        rule_metrics[rule],
        baselines,
        phases,
        compartments,
        examples,
        failures,
        rule_metrics,
    )
    record_run(
        store,
        run_id,
        protocol.name,
        params,
        evaluation.metrics.to_dict(),
        decisions,
        baselines={name: m.to_dict() for name, m in baselines.items()},
    )
    if out_dir is not None:
        evaluation.files = _write_files(evaluation, out_dir / run_id)
    return evaluation


def _write_files(evaluation: Evaluation, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    classes = evaluation.protocol.classes
    metrics_file = folder / "metrics.json"
    metrics_file.write_text(json.dumps(evaluation.to_dict(), indent=2))
    title = f"ComAN {evaluation.protocol.name}, rule {evaluation.params['rule']}"
    if evaluation.on == VALIDATION:
        title += " (VALIDATION: held-out train images)"
    files = [
        metrics_file,
        render_confusion(evaluation.metrics.confusion, classes, folder / "confusion.png", title),
    ]
    for name, metrics in evaluation.baselines.items():
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        files.append(render_confusion(metrics.confusion, classes, folder / f"{slug}.png", name))
    if len(evaluation.rule_metrics) == 2:
        (a, ma), (b, mb) = evaluation.rule_metrics.items()
        files.append(
            render_confusion_pair(
                mb.confusion,
                ma.confusion,
                classes,
                folder / "rules.png",
                "effect of the activation rule",
                f"rule {b}",
                f"rule {a}",
            )
        )
    return files
