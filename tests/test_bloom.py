"""The Bloom perspective (docker/bloom/): its search phrases are the linted .cypher files, and
each runs on the session's real server and draws a graph from the small run's data; its
categories cover every label, property and relationship type the small run stored."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from neo4j.time import DateTime

from coman_graph.graphstore.queries import parse_header_parameters

REPO = Path(__file__).resolve().parents[1]
BLOOM = REPO / "docker" / "bloom"
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
    "Figure",
    "ConceptFigure",
    "DetectorNeuron",
    "Run",
    "Scale",
    "Anchor",
    "Migration",
}
#: Stored labels without a category of their own: every unit also carries one kind label.
UNCATEGORISED = {"Unit"}
#: Bloom's dataType for each stored value type (list values are not listed in categories).
BLOOM_TYPES = {bool: "boolean", int: "bigint", float: "number", str: "string", DateTime: "DateTime"}
RELATIONSHIPS = {
    "HAS_COMPARTMENT",
    "HAS_UNIT",
    "HAS_FIGURE",
    "BOUNDED_BY",
    "INTERCONNECTS",
    "CORRESPONDS",
    "ABSORBED",
    "CLASSIFIED",
    "ANCHORS",
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
    return {
        "class": 7,
        "sample_id": absorbed,
        "run_id": small_run.run_id,
        "split": "test",
        "kind": "EndPoint",
        "loops": loops[0]["loops"],
    }


#: Phrases that need data of their own (see the tests below).
OWN_DATA = {"loop-outliers-of-class"}


@pytest.mark.parametrize("name", sorted(set(phrase_files()) - OWN_DATA))
def test_search_phrase_draws_a_graph_on_the_real_server(store, phrase_params, name):
    path = phrase_files()[name]
    wanted = parse_header_parameters(path.read_text())
    params = {p: phrase_params[p] for p in wanted}
    rows = store.execute(body(path), **params)
    assert rows, (name, params)
    drawn = [value for row in rows for value in row.values() if value is not None]
    assert drawn, name


@pytest.fixture
def loop_outlier(store, small_run):
    """A class-7 sample with one loop more than any stored 7 (sensing may leave every stored
    7 with the same count), removed again afterwards."""
    (row,) = store.execute("MATCH (s:Sample {label: 7}) RETURN max(s.loops) AS loops")
    sample_id = "bloom-test/loop-outlier"
    store.execute(
        "CREATE (:Sample {sample_id: $id, dataset: 'bloom-test', split: 'test', label: 7, "
        "loops: $loops})",
        id=sample_id,
        loops=row["loops"] + 1,
    )
    yield sample_id
    store.execute("MATCH (s:Sample {sample_id: $id}) DETACH DELETE s", id=sample_id)


def test_loop_outliers_phrase_finds_the_samples_off_the_most_common_count(store, loop_outlier):
    path = phrase_files()["loop-outliers-of-class"]
    stored = store.execute(
        "MATCH (s:Sample) RETURN s.label AS label, s.loops AS loops, s.sample_id AS id"
    )
    for digit in sorted({row["label"] for row in stored}):
        counts = Counter(row["loops"] for row in stored if row["label"] == digit)
        common = min(counts, key=lambda loops: (-counts[loops], loops))  # ties: fewer loops
        expected = {row["id"] for row in stored if row["label"] == digit and row["loops"] != common}
        rows = store.execute(body(path), **{"class": digit})
        assert {row["s"]["sample_id"] for row in rows} == expected, digit
        if digit == 7:
            assert loop_outlier in expected


@pytest.fixture(scope="module")
def stored_schema(store, small_run) -> dict[str, dict[str, object]]:
    """label -> property -> an example value, over everything the small run stored."""
    rows = store.execute(
        "MATCH (n) UNWIND labels(n) AS label UNWIND keys(n) AS key "
        "WITH label, key, head(collect(n[key])) AS example RETURN label, key, example"
    )
    schema: dict[str, dict[str, object]] = {}
    for row in rows:
        schema.setdefault(row["label"], {})[row["key"]] = row["example"]
    return schema


def test_categories_hold_every_stored_label_and_scalar_property(stored_schema):
    categories = {c["labels"][0]: c for c in PERSPECTIVE["categories"]}
    assert set(stored_schema) - UNCATEGORISED <= set(categories)
    for label, properties in stored_schema.items():
        if label in UNCATEGORISED:
            continue
        listed = {p["name"]: p["dataType"] for p in categories[label]["properties"]}
        scalars = {k: v for k, v in properties.items() if not isinstance(v, list)}
        assert {k: BLOOM_TYPES[type(v)] for k, v in scalars.items()} == {
            k: listed[k] for k in scalars if k in listed
        }, label
        assert set(scalars) <= set(listed), (label, set(scalars) - set(listed))
        assert listed == {p["propertyKey"]: p["dataType"] for p in PERSPECTIVE["labels"][label]}


def test_categories_list_only_documented_properties():
    documented = set(re.findall(r"\w+", (REPO / "docs" / "data-model.md").read_text()))
    for category in PERSPECTIVE["categories"]:
        names = {p["name"] for p in category["properties"]}
        assert names <= documented, (category["name"], names - documented)


def test_relationship_types_are_the_stored_ones(store, small_run):
    stored = {r["type"] for r in store.execute("MATCH ()-[r]->() RETURN DISTINCT type(r) AS type")}
    assert stored == RELATIONSHIPS
