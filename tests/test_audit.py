"""`coman-graph audit`: the HTML report of a small real run, read back from the page itself.

Audits the session's small run (conftest.small_run: classes 0, 1 and 7, seed 5, 100 test
images) on the session's server.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from cli_helpers import cli_env, run_cli

from coman_graph.audit import pick_cases, write_audit_report
from coman_graph.datasets.protocols import Protocol
from coman_graph.errors import InputError

PROTOCOL = Protocol("T3", (0, 1, 7), 2, 2)
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class Page(HTMLParser):
    """The parts of a page the tests look at: section ids, images, table cells, text."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.images: list[str] = []
        self.cells: list[str] = []
        self.text: list[str] = []
        self._in_cell = False
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.append(found["id"])
        if tag == "img":
            self.images.append(found["src"] or "")
        self._in_cell = tag in ("td", "th")

    def handle_endtag(self, tag: str) -> None:
        self._in_cell = False

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._in_cell:
            self.cells.append(data.strip())


@pytest.fixture(scope="module")
def run(small_run):
    assert small_run.protocol == PROTOCOL
    return small_run


@pytest.fixture(scope="module")
def report(store, run, tmp_path_factory) -> tuple[Path, Page]:
    index = write_audit_report(store, run.run_id, tmp_path_factory.mktemp("audit"), cases=4)
    return index, Page(index.read_text(encoding="utf-8"))


def test_report_has_every_section(run, report):
    index, page = report
    assert index.name == "index.html"
    for section in ("metrics", "confusion", "concepts", "misclassified"):
        assert section in page.ids
    assert {f"class-{digit}" for digit in PROTOCOL.classes} <= set(page.ids)
    text = " ".join(page.text)
    assert run.run_id in text


def test_report_metrics_are_the_runs(run, report):
    _, page = report
    m = run.metrics
    assert f"{100 * m.accuracy:.2f}%" in page.cells
    assert f"{m.macro_f1:.3f}" in page.cells
    for name, baseline in run.baselines.items():
        row = page.cells.index(name)
        assert page.cells[row + 1] == f"{100 * baseline.accuracy:.2f}%"
    for row in m.per_class:
        assert f"{row.recall:.3f}" in page.cells


def test_report_images_exist_and_are_png(report):
    index, page = report
    folder = index.parent
    assert "img/confusion.png" in page.images
    assert {f"img/concepts-{d}.png" for d in PROTOCOL.classes} <= set(page.images)
    for src in page.images:
        assert (folder / src).read_bytes()[:8] == PNG_MAGIC, src


def test_report_compartments_are_the_active_concepts(store, run, report):
    _, page = report
    for digit, count in run.compartments.items():
        concepts = store.execute(
            "MATCH (:DetectorNeuron {class: $d})-[:HAS_COMPARTMENT]->(c:Concept {status: 'active'})"
            " RETURN c.concept_id AS id",
            d=digit,
        )
        assert len(concepts) == count
        assert {c["id"] for c in concepts} <= set(page.cells)


def test_report_counts_the_examples_each_class_s_compartments_absorbed(store, run, report):
    _, page = report
    absorbed = store.execute(
        "MATCH (:DetectorNeuron {class: $d})-[:HAS_COMPARTMENT]->(c:Concept {status: 'active'})"
        " RETURN collect(c.examples_seen) AS counts",
        d=PROTOCOL.classes[0],
    )[0]["counts"]
    # the row of the generalisation table: class, compartments, examples, mean, bins
    at = page.cells.index("examples per compartment") + 6
    row = page.cells[at : at + 9]
    assert row[:4] == [
        str(PROTOCOL.classes[0]),
        str(len(absorbed)),
        str(sum(absorbed)),
        f"{sum(absorbed) / len(absorbed):.2f}",
    ]
    assert sum(int(n) for n in row[4:]) == len(absorbed)
    total = page.cells[page.cells.index("all") : page.cells.index("all") + 3]
    assert total[1:] == [str(sum(run.compartments.values())), str(sum(absorbed_by(store)))]


def absorbed_by(store) -> list[int]:
    return [
        r["n"]
        for r in store.execute(
            "MATCH (n:DetectorNeuron)-[:HAS_COMPARTMENT]->(c:Concept {status: 'active'}) "
            "WHERE n.class IN $classes RETURN c.examples_seen AS n",
            classes=list(PROTOCOL.classes),
        )
    ]


def test_report_explains_misclassified_images(store, run, report):
    _, page = report
    errors = store.run("audit/run-errors", run_id=run.run_id)
    wrong = round((1 - run.metrics.accuracy) * run.metrics.total) - run.metrics.undecided
    assert len(errors) == wrong  # every decided error, none of the right answers
    cases = [src for src in page.images if src.startswith("img/case-")]
    assert len(cases) == min(4, len(errors)) > 0
    for error in errors:
        assert error["label"] != error["predicted"]
        # the compartments that decided are recorded with the decision, and still stored
        for concept_id in (error["winner_concept"], error["true_concept"]):
            [row] = store.execute(
                "MATCH (c:Concept {concept_id: $id}) RETURN c.status AS status", id=concept_id
            )
            assert row["status"] == "active"
    shown = [e for e in errors if f"img/case-{e['sample_id'].replace('/', '-')}.png" in cases]
    assert len(shown) == len(cases)


def test_pick_cases_shows_frequent_confusions_first():
    errors = (
        [{"sample_id": f"a{i}", "label": 7, "predicted": 1} for i in range(5)]
        + [{"sample_id": f"b{i}", "label": 0, "predicted": 7} for i in range(2)]
        + [{"sample_id": "c0", "label": 1, "predicted": 0}]
    )
    picked = pick_cases(errors, 4, seed=3)
    assert [(e["label"], e["predicted"]) for e in picked] == [(7, 1), (0, 7), (1, 0), (7, 1)]
    assert len({e["sample_id"] for e in picked}) == 4
    assert pick_cases(errors, 4, seed=3) == picked
    assert len(pick_cases(errors, 100, seed=3)) == len(errors)
    assert pick_cases([], 5, seed=0) == []


def test_unknown_run_is_one_clear_error(store, run, embedded_server, tmp_path):
    with pytest.raises(InputError, match="no run 'nope' in the graph at bolt://.*recorded runs"):
        write_audit_report(store, "nope", tmp_path)
    result = run_cli(["audit", "--run", "nope", "--html", str(tmp_path)], cli_env(embedded_server))
    assert result.returncode == 4
    assert result.stderr.strip().startswith("error: no run 'nope'")
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "index.html").exists()


def test_audit_cli_lists_runs_and_writes_the_page(store, run, embedded_server, tmp_path):
    env = cli_env(embedded_server)
    listed = run_cli(["audit", "--list"], env)
    assert listed.returncode == 0, listed.stderr
    assert run.run_id in listed.stdout
    out = tmp_path / "report"
    result = run_cli(["audit", "--run", run.run_id, "--html", str(out), "--cases", "1"], env)
    assert result.returncode == 0, result.stderr
    page = Page((out / "index.html").read_text(encoding="utf-8"))
    assert sum(src.startswith("img/case-") for src in page.images) == 1
    newest = store.run("audit/runs")[0]["run_id"]
    latest = run_cli(["audit", "--run", "latest", "--html", str(out), "--cases", "0"], env)
    assert latest.returncode == 0, latest.stderr
    assert f"audit of run {newest} ->" in latest.stdout
