"""The Bloom perspective (docker/bloom/): its search phrases are the linted .cypher files, and
each runs on the session's real server and draws a graph from the small run's data."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from coman_graph.graphstore.queries import parse_header_parameters

BLOOM = Path(__file__).resolve().parents[1] / "docker" / "bloom"
PERSPECTIVE = json.loads((BLOOM / "coman-graph.perspective.json").read_text())
LABELS = {
    "Sample",
    "EndPoint",
    "CornerPoint",
    "JunctionPoint",
    "Point",
    "Segment",
    "Concept",
    "ConceptUnit",
    "DetectorNeuron",
    "Run",
}
RELATIONSHIPS = {
    "HAS_COMPARTMENT",
    "HAS_UNIT",
    "BOUNDED_BY",
    "INTERCONNECTS",
    "CORRESPONDS",
    "ABSORBED",
    "CLASSIFIED",
}


def body(path: Path) -> str:
    """A .cypher file without its leading comment block."""
    lines = path.read_text().splitlines()
    while lines and lines[0].startswith("//"):
        lines.pop(0)
    return "\n".join(lines).strip()


def phrase_files() -> dict[str, Path]:
    return {path.stem: path for path in sorted((BLOOM / "search-phrases").glob("*.cypher"))}


def test_every_search_phrase_is_a_linted_file_with_the_same_cypher():
    files = {body(path): path for path in phrase_files().values()}
    templates = PERSPECTIVE["templates"]
    assert len(templates) == len(files) >= 6
    for template in templates:
        path = files.get(template["cypher"].strip())
        assert path is not None, template["text"]
        declared = set(parse_header_parameters(path.read_text()))
        in_text = set(re.findall(r"\$(\w+)", template["text"]))
        assert declared == in_text == {p["name"].lstrip("$") for p in template["params"]}


def test_categories_cover_the_data_model_with_captions_and_colours():
    categories = PERSPECTIVE["categories"]
    assert {label for c in categories for label in c["labels"]} == LABELS
    colours = [c["color"] for c in categories]
    assert len(set(colours)) == len(colours)
    for category in categories:
        captions = [c["key"] for c in category["captions"] if c["isCaption"]]
        assert captions, category["name"]
        properties = {p["name"] for p in category["properties"]}
        assert set(captions) <= properties | set(category["labels"]), category["name"]
    assert {r["name"] for r in PERSPECTIVE["relationshipTypes"]} == RELATIONSHIPS


@pytest.fixture(scope="module")
def phrase_params(store, small_run) -> dict[str, dict]:
    """Parameters for each phrase, taken from what the small run stored."""
    absorbed = store.execute(
        "MATCH (:Concept {status: 'active', class: 7})-[:ABSORBED]->(s:Sample) "
        "RETURN s.sample_id AS id LIMIT 1"
    )[0]["id"]
    loops = store.execute("MATCH (s:Sample {label: 7}) RETURN s.loops AS loops LIMIT 1")
    mixed = store.execute(
        "MATCH (s:Sample) WITH s.label AS class, count(DISTINCT s.loops) AS kinds "
        "WHERE kinds > 1 RETURN class ORDER BY class LIMIT 1"
    )
    return {
        "class": 7,
        "sample_id": absorbed,
        "run_id": small_run.run_id,
        "split": "test",
        "kind": "EndPoint",
        "loops": loops[0]["loops"],
        "outlier_class": mixed[0]["class"] if mixed else None,
    }


@pytest.mark.parametrize("name", sorted(phrase_files()))
def test_search_phrase_draws_a_graph_on_the_real_server(store, phrase_params, name):
    path = phrase_files()[name]
    wanted = parse_header_parameters(path.read_text())
    params = {p: phrase_params[p] for p in wanted}
    if name == "loop-outliers-of-class":
        # a class whose stored samples disagree on their loop count
        assert phrase_params["outlier_class"] is not None
        params["class"] = phrase_params["outlier_class"]
    rows = store.execute(body(path), **params)
    assert rows, (name, params)
    drawn = [value for row in rows for value in row.values() if value is not None]
    assert drawn, name
