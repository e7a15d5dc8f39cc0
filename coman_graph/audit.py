"""The audit report of one recorded run, gathered from the graph: ``coman-graph audit``.

Reads the (:Run), its CLASSIFIED decisions, the active concepts and their ABSORBED
trace with the queries of ``cypher/audit/``, explains a sample of the misclassified
test images with ``infer/explain``, draws every picture as a PNG under ``img/`` and
writes ``index.html`` beside them (see ``coman_graph.report.html_report``).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from coman_graph.datasets.mnist import MnistSplit, load_split
from coman_graph.datasets.selection import SampleSpec
from coman_graph.errors import ComanError, InputError
from coman_graph.graphstore.connection import GraphStore
from coman_graph.inference import explain
from coman_graph.learning import ACTIVE
from coman_graph.report.confusion import render_confusion
from coman_graph.report.html_report import AuditReport, CaseSection, ClassSection, render_html
from coman_graph.report.render_case import CasePanel, render_case
from coman_graph.report.render_concept import ConceptView, concepts_from_rows, render_concepts

IMAGE_DIR = "img"


def pick_cases(
    errors: Sequence[Mapping[str, Any]], count: int, seed: int
) -> list[Mapping[str, Any]]:
    """Up to ``count`` errors, the most frequent confusions (true, predicted) first.

    Errors are grouped by confusion; groups are ordered by size (then by the pair) and
    visited in turn, taking one error from each per round, so every frequent confusion
    is shown before any is shown twice. Within a group the order is a seeded shuffle.
    """
    groups: dict[tuple[int, int], list[Mapping[str, Any]]] = defaultdict(list)
    for error in errors:
        groups[(error["label"], error["predicted"])].append(error)
    rng = np.random.default_rng(seed)
    ordered = [
        [members[i] for i in rng.permutation(len(members))]
        for _, members in sorted(groups.items(), key=lambda item: (-len(item[1]), item[0]))
    ]
    picked: list[Mapping[str, Any]] = []
    for round_ in range(max((len(g) for g in ordered), default=0)):
        for members in ordered:
            if len(picked) == count:
                return picked
            if round_ < len(members):
                picked.append(members[round_])
    return picked


def active_concepts(store: GraphStore, digit: int) -> list[ConceptView]:
    """The active compartments of class ``digit``, read back from the graph, with their
    units at their levels and their energy trajectories (empty if the class is untrained)."""
    query = {"class": digit, "status": ACTIVE}
    return concepts_from_rows(
        store.run("audit/concept-units", **query),
        store.run("audit/concept-trajectory", **query),
    )


def _run_record(store: GraphStore, run_id: str) -> dict[str, Any]:
    rows = store.run("audit/run", run_id=run_id)
    if rows:
        return rows[0]
    known = [r["run_id"] for r in store.run("audit/runs")]
    hint = f"recorded runs: {', '.join(known[:5])}" if known else "run `coman-graph evaluate` first"
    raise InputError(f"no run {run_id!r} in the graph at {store.config.uri}; {hint}")


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")


class _Pixels:
    """MNIST pixels of stored samples, or None when the IDX files are not at hand."""

    def __init__(self) -> None:
        self._splits: dict[str, MnistSplit | None] = {}

    def __call__(self, row: Mapping[str, Any]) -> np.ndarray | None:
        split = row.get("split")
        if split not in ("train", "test") or row.get("index") is None:
            return None
        if split not in self._splits:
            try:
                self._splits[split] = load_split(split)
            except (ComanError, OSError, ValueError):
                self._splits[split] = None
        data = self._splits[split]
        if data is None:
            return None
        spec = SampleSpec(
            split,
            int(row["index"]),
            int(row["label"]),
            row["augmentation"] or 0,
            row["aug_seed"] or 0,
        )
        return spec.image(data)


def _panel(
    store: GraphStore,
    sample_id: str,
    digit: int,
    concept_id: str | None,
    activation: float | None,
    concepts: Mapping[str, ConceptView],
    role: str,
) -> CasePanel:
    if concept_id is None:
        return CasePanel(f"{role} {digit}", None, note="compartment not recorded")
    concept = concepts.get(concept_id)
    if concept is None:
        return CasePanel(
            f"{role} {digit}: {concept_id}", None, note="no longer stored\n(class retrained)"
        )
    pairs = explain(store, sample_id=sample_id, concept_id=concept_id)
    title = (
        f"{role} {digit}: c{concept.compartment}, activation {activation:.3f}\n"
        f"{len(pairs)} unit pairs"
    )
    return CasePanel(title, concept, pairs)


def write_audit_report(
    store: GraphStore,
    run_id: str,
    out_dir: Path,
    cases: int = 24,
    seed: int = 0,
    on_progress: Callable[[str], None] | None = None,
) -> Path:
    """Write the audit report of run ``run_id`` into ``out_dir``; return its ``index.html``.

    Parameters
    ----------
    store
        The graph holding the run.
    run_id
        The ``Run.run_id`` (``coman-graph audit --list`` shows them).
    out_dir
        The report's folder (created); images go to ``out_dir/img``.
    cases
        How many misclassified test images to draw and explain.
    seed
        Seeds which misclassified images are drawn.
    on_progress
        Called with a short description before each drawing step.
    """
    step = on_progress or (lambda _: None)
    record = _run_record(store, run_id)
    params = json.loads(record["params"] or "{}")
    metrics = json.loads(record["metrics"] or "{}")
    baselines = json.loads(record.get("baselines") or "{}")
    classes = [int(c) for c in metrics["classes"]]
    images = out_dir / IMAGE_DIR
    images.mkdir(parents=True, exist_ok=True)

    step("confusion matrix")
    title = f"ComAN {record['protocol']}, rule {params.get('rule', '?')}"
    confusion = render_confusion(
        np.asarray(metrics["confusion"]), classes, images / "confusion.png", title
    )
    report = AuditReport(
        run_id=run_id,
        protocol=record["protocol"],
        recorded_at=record["recorded_at"],
        params=params,
        metrics=metrics,
        baselines=baselines,
        decided=record["decided"],
        confusion_image=f"{IMAGE_DIR}/{confusion.name}",
    )

    concepts: dict[str, ConceptView] = {}
    for digit in classes:
        step(f"concepts of class {digit}")
        views = active_concepts(store, digit)
        concepts.update((c.concept_id, c) for c in views)
        if views:
            drawn = render_concepts(digit, views, images / f"concepts-{digit}.png")
            report.classes.append(ClassSection(digit, f"{IMAGE_DIR}/{drawn.name}", views))

    errors = store.run("audit/run-errors", run_id=run_id)
    report.misclassified = len(errors)
    pixels = _Pixels()
    for error in pick_cases(errors, cases, seed):
        sample_id = error["sample_id"]
        step(f"misclassified {sample_id}")
        panels = [
            _panel(
                store,
                sample_id,
                error["predicted"],
                error["winner_concept"],
                error["winner_activation"],
                concepts,
                "winner",
            ),
            _panel(
                store,
                sample_id,
                error["label"],
                error["true_concept"],
                error["true_activation"],
                concepts,
                "true class",
            ),
        ]
        drawn = render_case(
            pixels(error),
            store.run("audit/sample-graph", sample_id=sample_id),
            panels,
            images / f"case-{_slug(sample_id)}.png",
            f"{sample_id}: true {error['label']}, predicted {error['predicted']}",
        )
        notes = [p.note.replace("\n", " ") for p in panels if p.note]
        report.cases.append(
            CaseSection(
                sample_id,
                error["label"],
                error["predicted"],
                error["winner_activation"],
                error["true_activation"],
                f"{IMAGE_DIR}/{drawn.name}",
                notes,
            )
        )
    index = out_dir / "index.html"
    index.write_text(render_html(report), encoding="utf-8")
    return index
