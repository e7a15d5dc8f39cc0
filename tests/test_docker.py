"""docker/: the compose file pins the versions the local neo4j engine runs, and the Neo4j
Browser style sheet and query draw the data model the small run stored, on the real server."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DOCKER = REPO / "docker"
GRASS = DOCKER / "browser" / "coman-graph.grass"
BROWSER_QUERY = DOCKER / "browser" / "concept-hypergraph.cypher"
PERSPECTIVE = json.loads((DOCKER / "bloom" / "coman-graph.perspective.json").read_text())


def pinned_versions() -> dict[str, str]:
    """neo4j.version, apoc.version and gds.version from engines/neo4j/pom.xml."""
    pom = ET.parse(REPO / "engines" / "neo4j" / "pom.xml").getroot()
    properties = pom.find("{http://maven.apache.org/POM/4.0.0}properties")
    return {child.tag.split("}")[1]: child.text for child in properties}


def parse_grass(text: str) -> dict[str, dict[str, str]]:
    """selector -> {property: value}, read the way Neo4j Browser reads GraSS (quotes kept out)."""
    rules: dict[str, dict[str, str]] = {}
    for selector, body in re.findall(r"([\w.]+)\s*\{((?:'[^']*'|[^}'])*)\}", text):
        props = {}
        for declaration in re.findall(r"((?:'[^']*'|[^;'])+);", body):
            name, value = declaration.split(":", 1)
            props[name.strip()] = value.strip().strip("'")
        rules[selector] = props
    return rules


def body(path: Path) -> str:
    lines = path.read_text().splitlines()
    while lines and lines[0].startswith("//"):
        lines.pop(0)
    return "\n".join(lines).strip()


def test_compose_pins_the_versions_of_the_local_engine():
    versions = pinned_versions()
    compose = (DOCKER / "compose.yaml").read_text()
    neo4j, apoc, gds = versions["neo4j.version"], versions["apoc.version"], versions["gds.version"]
    assert re.findall(r"&neo4j-image (\S+)", compose) == [f"neo4j:{neo4j}-community"]
    assert re.findall(r'APOC_VERSION: "([^"]+)"', compose) == [apoc]
    assert re.findall(r'GDS_VERSION: "([^"]+)"', compose) == [gds]
    assert re.findall(r'GDS_URL: "[^"]*-([\d.]+)\.jar"', compose) == [gds]
    # Every version named in the compose file and its README is one of the pinned ones.
    for path in (DOCKER / "compose.yaml", DOCKER / "README.md"):
        named = set(re.findall(r"\b(?:5\.26|2\.13)\.\d+\b", path.read_text()))
        assert named <= {neo4j, apoc, gds}, (path.name, named)
    assert "change both together" in compose.lower()
    assert "change both together" in (DOCKER / "README.md").read_text().lower()


def test_style_sheet_colours_and_captions_every_category_and_relationship_type():
    rules = parse_grass(GRASS.read_text())
    assert "/*" not in GRASS.read_text()  # Browser's GraSS parser knows no comments
    labels = {label for category in PERSPECTIVE["categories"] for label in category["labels"]}
    styled = {selector.split(".", 1)[1] for selector in rules if selector.startswith("node.")}
    assert labels <= styled
    colours = [rules[f"node.{label}"]["color"] for label in sorted(labels)]
    assert len(set(colours)) == len(colours)
    for label in labels:
        caption = rules[f"node.{label}"]["caption"]
        assert re.search(r"\{\w+\}", caption), label
    relationships = {r["name"] for r in PERSPECTIVE["relationshipTypes"]}
    assert {f"relationship.{name}" for name in relationships} <= set(rules)
    for selector, props in rules.items():
        for name in ("color", "border-color", "text-color-internal", "text-color-external"):
            if name in props:
                assert re.fullmatch(r"#[0-9A-F]{6}", props[name]), (selector, name)


def test_captions_name_properties_every_stored_node_has(store, small_run):
    rules = parse_grass(GRASS.read_text())
    checked = 0
    for selector, props in rules.items():
        if not selector.startswith("node.") or "caption" not in props:
            continue
        label = selector.split(".", 1)[1]  # from the style sheet: a label cannot be a parameter
        for key in re.findall(r"\{(\w+)\}", props["caption"]):
            (row,) = store.execute(
                f"MATCH (n:{label}) RETURN count(n) AS nodes, count(n[$key]) AS captioned", key=key
            )
            assert row["captioned"] == row["nodes"], (label, key)
            checked += row["nodes"] > 0
    assert checked >= len(rules) // 2


@pytest.fixture(scope="module")
def drawn(store, small_run) -> list[dict]:
    """The Browser query's paths for the first compartment of class 7: labels and types."""
    return store.execute(
        f"CALL () {{ {body(BROWSER_QUERY)} }} "
        "RETURN [n IN nodes(p) | labels(n)] AS labels, [r IN relationships(p) | type(r)] AS types",
        **{"class": 7, "compartment": 0},
    )


def test_browser_query_draws_one_concept_hypergraph(store, drawn):
    units = store.execute(
        "MATCH (:DetectorNeuron {class: 7})-[:HAS_COMPARTMENT]->(c:Concept {status: 'active'})"
        "-[:HAS_UNIT]->(u:ConceptUnit) WHERE c.compartment = 0 "
        "OPTIONAL MATCH (u)-[r:BOUNDED_BY|INTERCONNECTS]-(:ConceptUnit)<-[:HAS_UNIT]-(c) "
        "RETURN count(DISTINCT u) AS units, count(DISTINCT r) AS edges"
    )[0]
    assert units["units"] > 0
    assert len([p for p in drawn if len(p["types"]) == 2]) == units["units"]
    edges = [p for p in drawn if len(p["types"]) == 3]
    assert {p["types"][2] for p in edges} <= {"BOUNDED_BY", "INTERCONNECTS"}
    assert len(edges) == 2 * units["edges"]  # each edge is reached from both of its units
    assert all(p["labels"][:2] == [["DetectorNeuron"], ["Concept"]] for p in drawn)


def test_compose_loads_the_procedures_scripts_setup_builds():
    compose = (DOCKER / "compose.yaml").read_text()
    (mount,) = re.findall(r"- (\S+coman-graph-procedures\.jar):/coman/", compose)
    assert (DOCKER / mount).resolve() == REPO / ".tools/neo4j/plugins/coman-graph-procedures.jar"
    assert re.findall(r'procedures_allowlist: "([^"]+)"', compose) == ["gds.*,apoc.*,coman.*"]
