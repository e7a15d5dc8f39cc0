"""The audit report as one static HTML page: metrics, confusion matrix, concepts, errors.

:func:`render_html` turns an :class:`AuditReport` (plain data, image paths relative to
the page) into the text of ``index.html``; nothing in it needs a server or a script to
view. ``coman_graph.audit`` gathers the data from the graph and draws the images.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from coman_graph.report.render_concept import ConceptView, concept_kinds_text

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1200px; color: #222;
       padding: 0 1em; }
h1 { font-size: 1.5em; } h2 { border-bottom: 1px solid #ccc; padding-bottom: .2em; }
table { border-collapse: collapse; margin: .5em 0 1em; font-size: .9em; }
th, td { border: 1px solid #ddd; padding: .25em .6em; text-align: right; }
th { background: #f4f4f4; } td.text, th.text { text-align: left; }
img { max-width: 100%; border: 1px solid #eee; }
nav a { margin-right: .8em; } .note { color: #666; font-size: .9em; }
.case { margin: 1em 0 1.6em; } .case p { margin: .2em 0; }
.wrong { color: #b00; font-weight: bold; }
.validation { background: #fff3c4; border: 2px solid #c90; padding: .5em 1em; font-weight: bold; }
"""


@dataclass(frozen=True)
class ClassSection:
    """One detector neuron: its compartments and their picture."""

    digit: int
    image: str
    concepts: Sequence[ConceptView]


@dataclass(frozen=True)
class CaseSection:
    """One misclassified sample and its picture."""

    sample_id: str
    label: int
    predicted: int
    winner_activation: float
    true_activation: float | None
    image: str
    notes: Sequence[str] = ()


@dataclass
class AuditReport:
    """Everything the page shows; image fields are paths relative to the page."""

    run_id: str
    protocol: str
    recorded_at: str
    params: Mapping[str, Any]
    metrics: Mapping[str, Any]
    baselines: Mapping[str, Mapping[str, Any]]
    decided: int
    confusion_image: str
    classes: list[ClassSection] = field(default_factory=list)
    cases: list[CaseSection] = field(default_factory=list)
    misclassified: int = 0


def _e(value: object) -> str:
    return html.escape(str(value))


def _table(head: Sequence[str], rows: Sequence[Sequence[object]], text_columns: int = 1) -> str:
    def cell(tag: str, i: int, value: object) -> str:
        css = ' class="text"' if i < text_columns else ""
        return f"<{tag}{css}>{_e(value)}</{tag}>"

    lines = ["<table>", "<tr>" + "".join(cell("th", i, h) for i, h in enumerate(head)) + "</tr>"]
    lines += ["<tr>" + "".join(cell("td", i, v) for i, v in enumerate(r)) + "</tr>" for r in rows]
    return "\n".join(lines + ["</table>"])


def _evaluated_on(report: AuditReport) -> str:
    """'test' or 'validation' (held-out train images), from the run's parameters."""
    return str(report.params.get("on", "test"))


def _pct(value: float) -> str:
    return f"{100 * value:.2f}%"


def _metrics_section(report: AuditReport) -> str:
    m = report.metrics
    rule = report.params.get("rule", "")
    rows = [
        [f"ComAN ({rule})" if rule else "ComAN", _pct(m["accuracy"])]
        + [f"{m[k]:.3f}" for k in ("macro_precision", "macro_recall", "macro_f1")]
    ]
    rows += [
        [name, _pct(b["accuracy"])]
        + [f"{b[k]:.3f}" for k in ("macro_precision", "macro_recall", "macro_f1")]
        for name, b in report.baselines.items()
    ]
    per_class = [
        [r["class"], f"{r['precision']:.3f}", f"{r['recall']:.3f}", f"{r['f1']:.3f}", r["support"]]
        for r in m["per_class"]
    ]
    unsensed = m["total"] - report.decided
    return "\n".join(
        [
            '<h2 id="metrics">Metrics</h2>',
            f"<p>{m['total']:,} {_evaluated_on(report)} images; {report.decided:,} decided "
            "by the concepts"
            + (f", {unsensed:,} could not be sensed and count as errors" if unsensed > 0 else "")
            + ". Baselines are trained on exactly the same images.</p>",
            _table(["method", "accuracy", "macro precision", "macro recall", "macro F1"], rows),
            "<h3>Per class</h3>",
            _table(["class", "precision", "recall", "F1", "support"], per_class),
            '<h2 id="confusion">Confusion matrix</h2>',
            '<p class="note">Rows: true class; columns: predicted. Colour: share of the row.</p>',
            f'<img src="{_e(report.confusion_image)}" alt="confusion matrix">',
        ]
    )


def _trajectory_text(concept: ConceptView) -> str:
    """Energy after each absorption step, repeated values collapsed: '80.0 → 59.0 → 53.0'."""
    energies: list[str] = []
    for _, _, after, _, _ in concept.trajectory:
        text = f"{after:.1f}"
        if not energies or energies[-1] != text:
            energies.append(text)
    return " → ".join(energies)


#: The bins of the examples-per-compartment distribution: (label, fewest, most).
EXAMPLE_BINS = (("1", 1, 1), ("2", 2, 2), ("3-4", 3, 4), ("5-9", 5, 9), ("10+", 10, None))


def _examples_row(label: object, concepts: Sequence[ConceptView]) -> list[object]:
    """Compartments, examples, mean examples per compartment and how many hold each bin."""
    counts = [c.examples_seen for c in concepts]
    mean = f"{sum(counts) / len(counts):.2f}" if counts else "-"
    return [label, len(counts), sum(counts), mean] + [
        sum(1 for n in counts if low <= n and (high is None or n <= high))
        for _, low, high in EXAMPLE_BINS
    ]


def _generalisation_section(classes: Sequence[ClassSection]) -> str:
    """How many examples each class's compartments absorbed: the concepts' generality."""
    rows = [_examples_row(c.digit, c.concepts) for c in classes]
    rows.append(_examples_row("all", [k for c in classes for k in c.concepts]))
    head = ["class", "compartments", "examples", "examples per compartment"]
    head += [f"holding {label}" for label, _, _ in EXAMPLE_BINS]
    return "\n".join(
        [
            "<p>Examples per compartment: a compartment that absorbed many examples is a concept "
            "they share; one that holds a single example is a stored exemplar.</p>",
            _table(head, rows),
        ]
    )


def _class_section(section: ClassSection) -> str:
    rows = [
        [
            f"c{c.compartment}",
            c.concept_id,
            f"{c.energy:.1f}",
            c.examples_seen,
            c.stable_since,
            concept_kinds_text(c),
            c.links,
            _trajectory_text(c),
        ]
        for c in section.concepts
    ]
    return "\n".join(
        [
            f'<h3 id="class-{section.digit}">Class {section.digit}: '
            f"{len(section.concepts)} compartment(s)</h3>",
            f'<img src="{_e(section.image)}" alt="compartments of class {section.digit}">',
            _table(
                [
                    "compartment",
                    "concept",
                    "energy (bits)",
                    "examples",
                    "stable since step",
                    "units",
                    "interconnections",
                    "energy trajectory (changes only)",
                ],
                rows,
                text_columns=2,
            ),
        ]
    )


def _case_section(case: CaseSection) -> str:
    true_part = (
        f", class {case.label} {case.true_activation:.3f}"
        if case.true_activation is not None
        else ""
    )
    notes = "".join(f'<p class="note">{_e(n)}</p>' for n in case.notes)
    return (
        f'<div class="case"><p><b>{_e(case.sample_id)}</b>: true {case.label}, '
        f'predicted <span class="wrong">{case.predicted}</span> '
        f"(activation: class {case.predicted} {case.winner_activation:.3f}{_e(true_part)})</p>"
        f"{notes}"
        f'<img src="{_e(case.image)}" alt="{_e(case.sample_id)}"></div>'
    )


def _when(timestamp: str) -> str:
    """'2026-11-24T20:37:57.21Z[Etc/UTC]' -> '2026-11-24 20:37:57 UTC'."""
    return f"{timestamp[:19].replace('T', ' ')} UTC" if len(timestamp) >= 19 else timestamp


def render_html(report: AuditReport) -> str:
    """The text of the report's ``index.html``."""
    params = [
        [k, v if not isinstance(v, list) else ", ".join(map(str, v))]
        for k, v in report.params.items()
    ]
    class_links = " ".join(f'<a href="#class-{c.digit}">{c.digit}</a>' for c in report.classes)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>coman-graph audit: {_e(report.run_id)}</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>coman-graph audit: run {_e(report.run_id)}</h1>",
        f"<p>Protocol {_e(report.protocol)}, recorded {_e(_when(report.recorded_at))}.</p>",
        '<p class="validation">VALIDATION run: evaluated on held-out images of the TRAIN '
        "split, for choosing rules and parameters. Not a test result.</p>"
        if _evaluated_on(report) == "validation"
        else "",
        '<nav><a href="#metrics">metrics</a><a href="#confusion">confusion matrix</a>'
        '<a href="#concepts">concepts</a><a href="#misclassified">misclassified</a></nav>',
        "<h2>Parameters</h2>",
        _table(["parameter", "value"], params, text_columns=2),
        _metrics_section(report),
        '<h2 id="concepts">Concepts</h2>',
        "<p>Every compartment of every detector neuron, at its generalised levels: a point is "
        "the cell its position is generalised to, a segment is dashed as its orientation is "
        "generalised; hatched cells and faint strokes are the spread, the positions and "
        "directions its examples filled. The last panel of each picture is the energy "
        f"trajectory of each compartment. Classes: {class_links}</p>",
        _generalisation_section(report.classes),
        *(_class_section(c) for c in report.classes),
        f'<h2 id="misclassified">Misclassified {_evaluated_on(report)} images</h2>',
        f"<p>{len(report.cases)} of {report.misclassified:,} misclassified images, the most "
        "frequent confusions first. Each row: the digit; its graph as stored; the winning "
        "class's compartment and the true class's best one, with the sample units each "
        "matched (green, labelled with the energy filled; the sample's graph is drawn faintly "
        "beneath).</p>",
        *(_case_section(c) for c in report.cases),
        '<p class="note">Written by <code>coman-graph audit</code>.</p>',
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"
