"""Portable trained models: the active concept graph of some classes as one checksummed file.

A model file is gzip'd JSON, ``{"header": ..., "body": ...}`` (docs/model-format.md). The body
holds what classification reads: each class's detector neuron, its active concepts with their
figures, units and the relationships among them, the scales and the anchor cells; the header
names the format and the versions of the code that trained it, and carries a SHA-256 checksum
of the body's canonical JSON. Reads and writes are the Cypher of ``cypher/model/``; this module
batches them, builds and checks the file, and imports a file in one transaction.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import zip_longest
from pathlib import Path
from typing import Any

from coman_graph.errors import ComanError, InputError, QueryError
from coman_graph.graphstore.connection import GraphStore, Transaction
from coman_graph.learning import ALGORITHM_VERSION, new_model_version
from coman_graph.sensing import SENSING_VERSION

#: The ``format`` of a model file's header.
FORMAT = "coman-graph-model"
#: Bumped when the layout of the file changes; import reads this version only.
FORMAT_VERSION = 1
#: The body's sections, in the order import writes them.
SECTIONS = (
    "scales",
    "anchors",
    "neurons",
    "concepts",
    "figures",
    "units",
    "bounded_by",
    "interconnects",
)
#: Concepts per export query (their units and relationships are read per batch).
EXPORT_BATCH = 100
#: Rows per import query (all of them in one transaction).
IMPORT_BATCH = 500

Model = dict[str, Any]


@dataclass(frozen=True)
class ImportSummary:
    """What an import wrote: the classes replaced, the concepts it deleted and the counts it
    created, and the file's checksum."""

    classes: list[int]
    removed: int
    counts: dict[str, int]
    checksum: str


def checksum(body: dict[str, Any]) -> str:
    """SHA-256 (hex) of the body's canonical JSON: sorted keys, no whitespace, ASCII."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def _present(properties: dict[str, Any]) -> dict[str, Any]:
    """The properties without the null entries (the ones an export query leaves out: a
    stored property is never null)."""
    return {key: value for key, value in properties.items() if value is not None}


def _batches(rows: list[Any], size: int) -> Iterable[list[Any]]:
    return (rows[start : start + size] for start in range(0, len(rows), size))


def export_model(store: GraphStore, classes: Iterable[int] | None = None) -> Model:
    """The active trained model of ``classes`` (default: every class with active concepts) as
    a model file's content, header and body; every section sorted, so the same model gives the
    same checksum. InputError when a class asked for has no active concepts, or none has."""
    wanted = sorted(set(classes)) if classes is not None else None
    neurons = store.run("model/export-neurons", classes=wanted)
    found = [row["class"] for row in neurons]
    missing = sorted(set(wanted or ()) - set(found))
    if missing:
        raise InputError(f"class {missing[0]} has no active concepts to export: train it first")
    if not found:
        raise InputError("no class has active concepts to export: train first")
    concepts = store.run("model/export-concepts", classes=found)
    ids = [row["concept_id"] for row in concepts]
    units: list[dict[str, Any]] = []
    links: dict[str, list[dict[str, Any]]] = {"BOUNDED_BY": [], "INTERCONNECTS": []}
    for batch in _batches(ids, EXPORT_BATCH):
        units += [row["unit"] for row in store.run("model/export-units", concept_ids=batch)]
        for row in store.run("model/export-links", concept_ids=batch):
            links[row["type"]].append(row)
    scales = store.run("model/export-scales")[0]
    # a training step or activation of an exported class writes its neuron's model_version:
    # the same versions after every read mean the reads saw one model
    if store.run("model/export-neurons", classes=found) != neurons:
        raise ComanError("a trained class changed while it was exported; export again")
    body = {
        "scales": sorted(scales["scales"], key=lambda scale: scale["name"]),
        "anchors": sorted(scales["anchors"]),
        "neurons": [
            {"class": row["class"], "properties": _present(row["neuron"])} for row in neurons
        ],
        "concepts": [_present(row["concept"]) for row in concepts],
        "figures": [
            {"concept_id": row["concept_id"], "properties": figure}
            for row in concepts
            for figure in row["figures"]
        ],
        "units": sorted(units, key=lambda unit: unit["unit_id"]),
        "bounded_by": [
            {"source": row["source"], "target": row["target"]} for row in links["BOUNDED_BY"]
        ],
        "interconnects": [
            {"source": row["source"], "target": row["target"], "properties": row["properties"]}
            for row in links["INTERCONNECTS"]
        ],
    }
    for section in ("bounded_by", "interconnects"):
        body[section].sort(key=lambda link: (link["source"], link["target"]))
    header = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "algorithm_version": ALGORITHM_VERSION,
        "sensing_version": SENSING_VERSION,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "classes": found,
        "counts": {section: len(body[section]) for section in SECTIONS},
        "checksum": checksum(body),
    }
    return {"header": header, "body": body}


def write_model(model: Model, path: Path) -> None:
    """Write ``model`` to ``path`` as gzip'd JSON; the file appears whole or not at all.
    InputError naming the file when it cannot be written."""
    path = Path(path)
    partial = path.with_name(f".{path.name}.partial")
    try:
        with gzip.open(partial, "wt", encoding="ascii") as out:
            json.dump(model, out, separators=(",", ":"), allow_nan=False)
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise InputError(f"model file {path}: cannot be written ({exc.strerror or exc})") from None


def read_model(path: Path) -> Model:
    """The model in the file at ``path``, checked: gzip'd JSON of this format version, trained
    by this algorithm and sensing version, whose body has its checksum and whose sections
    refer to each other consistently. InputError naming the file and the fault otherwise."""

    def bad(reason: str) -> InputError:
        return InputError(f"model file {path}: {reason}")

    try:
        with gzip.open(path, "rt", encoding="utf-8") as stream:
            model = json.load(stream)
    except FileNotFoundError:
        raise bad("no such file") from None
    except EOFError:
        raise bad("truncated (the gzip stream ends early)") from None
    except (gzip.BadGzipFile, zlib.error) as exc:
        raise bad(f"not a readable gzip file ({exc})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise bad(f"not JSON ({exc})") from None
    except OSError as exc:
        raise bad(f"cannot be read ({exc.strerror or exc})") from None
    header = model.get("header") if isinstance(model, dict) else None
    body = model.get("body") if isinstance(model, dict) else None
    if not isinstance(header, dict) or not isinstance(body, dict):
        raise bad("not a model file (no header and body)")
    if header.get("format") != FORMAT:
        raise bad(f"format {header.get('format')!r}, not {FORMAT!r}")
    for field, ours in (
        ("format_version", FORMAT_VERSION),
        ("algorithm_version", ALGORITHM_VERSION),
        ("sensing_version", SENSING_VERSION),
    ):
        if header.get(field) != ours:
            raise bad(f"{field} {header.get(field)!r}; this coman-graph reads {ours} only")
    if header.get("checksum") != checksum(body):
        raise bad("checksum mismatch: the body is not what was exported (corrupt or edited)")
    fault = _inconsistency(header, body)
    if fault:
        raise bad(fault)
    return model


def _inconsistency(header: dict[str, Any], body: dict[str, Any]) -> str | None:
    """What is wrong with a body that has its checksum (a file written by hand), or None."""
    if any(not isinstance(body.get(section), list) for section in SECTIONS):
        return f"the body lacks a section of {', '.join(SECTIONS)}"
    try:
        classes = [neuron["class"] for neuron in body["neurons"]]
        concepts = {concept["concept_id"] for concept in body["concepts"]}
        units = {unit["unit_id"] for unit in body["units"]}
        anchors = set(body["anchors"])
        if header.get("classes") != classes:
            return f"header classes {header.get('classes')!r}, body neurons {classes!r}"
        if header.get("counts") != {section: len(body[section]) for section in SECTIONS}:
            return "header counts differ from the body's"
        if any(concept["class"] not in classes for concept in body["concepts"]):
            return "a concept of a class without a neuron"
        if any(row["concept_id"] not in concepts for row in body["figures"] + body["units"]):
            return "a figure or unit of a concept the file does not hold"
        if any(not set(unit["anchor_keys"]) <= anchors for unit in body["units"]):
            return "a unit anchored at a cell the file does not hold"
        if any(
            link["source"] not in units or link["target"] not in units
            for link in body["bounded_by"] + body["interconnects"]
        ):
            return "a relationship to a unit the file does not hold"
    except (KeyError, TypeError) as exc:
        return f"a record of the body is malformed ({type(exc).__name__}: {exc})"
    return None


def import_model(store: GraphStore, model: Model) -> ImportSummary:
    """Make ``model`` (as :func:`read_model` returns it) the trained model of its classes, in
    one transaction: scales and anchor cells merged, each class's concepts (any status)
    replaced by the file's, active, their units hung from their anchor cells, and each neuron
    and concept given a fresh model_version. Nothing is written if any of it fails."""
    body = model["body"]

    def write(tx: Transaction) -> int:
        tx.run("ingest/write-scales", scales=body["scales"], anchors=body["anchors"])
        neurons = [{**neuron, "model_version": new_model_version()} for neuron in body["neurons"]]
        removed = tx.run("model/import-neurons", neurons=neurons)[0]["removed"]
        concepts = [
            {"properties": concept, "model_version": new_model_version()}
            for concept in body["concepts"]
        ]
        for batch in _batches(concepts, IMPORT_BATCH):
            _expect(tx.run("model/import-concepts", concepts=batch), concepts=len(batch))
        for batch in _batches(body["figures"], IMPORT_BATCH):
            _expect(tx.run("model/import-figures", figures=batch), figures=len(batch))
        for batch in _batches(body["units"], IMPORT_BATCH):
            anchored = sum(len(unit["anchor_keys"]) for unit in batch)
            _expect(tx.run("model/import-units", units=batch), units=len(batch), anchored=anchored)
        for bounded, linked in zip_longest(
            _batches(body["bounded_by"], IMPORT_BATCH),
            _batches(body["interconnects"], IMPORT_BATCH),
            fillvalue=[],
        ):
            _expect(
                tx.run("model/import-links", bounded_by=bounded, interconnects=linked),
                bounded_by=len(bounded),
                interconnects=len(linked),
            )
        return removed

    header = model["header"]
    removed = store.transaction(write, label="model import")
    return ImportSummary(header["classes"], removed, header["counts"], header["checksum"])


def _expect(rows: list[dict[str, Any]], **expected: int) -> None:
    """Refuse (rolling the import back) when a query created other numbers than the file holds."""
    got = {name: rows[0][name] for name in expected}
    if got != expected:
        raise QueryError(f"model import created {got}, expected {expected}; nothing was imported")
