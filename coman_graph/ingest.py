"""Sense selected MNIST samples in a process pool and write them with batched, parameterised Cypher.

Writes are idempotent: a sample already stored (same sample id) at the current
sensing version is skipped, so an interrupted ingest re-run finishes the job,
and two overlapping ingests store each sample once; one stored by an older
sensing version is sensed again and replaced in place. Images that cannot be
sensed are reported and skipped.
A user's own image (not MNIST) is stored as the sample ``file/<content hash>``.
"""

from __future__ import annotations

import signal
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from coman_graph.datasets.mnist import load_split
from coman_graph.datasets.protocols import view_pixels
from coman_graph.datasets.selection import SampleSpec, content_hash
from coman_graph.encoding import (
    KIND_PARAMETER,
    all_anchor_keys,
    anchor_keys,
    figure_props,
    kind_codes,
    scale_rows,
    slots,
)
from coman_graph.errors import InputError
from coman_graph.graphstore.connection import GraphStore
from coman_graph.sensing import SENSING_VERSION, SensingError
from coman_graph.sensing.pipeline import sense
from coman_graph.sensing.structural_graph import SEGMENT_KIND, UNIT_KINDS, StructuralGraph

BATCH_SIZE = 250
#: The graph builder and its seed unless told otherwise (``sensing.pipeline.sense``).
DEFAULT_METHOD = "gng"
DEFAULT_SENSING_SEED = 0
#: The dataset of a user's own image files (their sample ids are ``file/<content hash>``).
FILE_DATASET = "file"


@dataclass
class IngestSummary:
    """What an ingest did: samples written, already present, and failed (id, reason)."""

    written: int = 0
    skipped: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)


def spec_meta(spec: SampleSpec) -> dict[str, Any]:
    """Where an MNIST sample comes from, as Sample properties."""
    return {
        "dataset": "mnist",
        "split": spec.split,
        "index": spec.index,
        "label": spec.label,
        "augmentation": spec.augmentation,
        "aug_seed": spec.aug_seed,
    }


def sample_row(
    sid: str, meta: dict[str, Any], graph: StructuralGraph, image_hash: str
) -> dict[str, Any]:
    """The ``ingest/write-samples`` row of one sensed sample.

    Units are grouped by kind, in :data:`UNIT_KINDS` order; ``bounds`` and ``links`` name a
    unit by its position in the concatenation of those groups, so the query joins the nodes
    it has just created without looking them up.
    """
    units: dict[str, list[dict[str, Any]]] = {kind: [] for kind in UNIT_KINDS}
    for unit in graph.units:
        props: dict[str, Any] = {
            "unit_id": f"{sid}#{unit.key}",
            "sample_id": sid,
            "key": unit.key,
            "kind": unit.kind,
            "x": float(unit.x),
            "y": float(unit.y),
            "start": unit.key == graph.start_point,
        }
        props.update({name: list(codes) for name, codes in unit.params.items()})
        props[KIND_PARAMETER] = kind_codes(unit.kind)
        props["params"] = [KIND_PARAMETER, *sorted(unit.params)]
        props["slots"] = slots(props, props["params"])
        props["anchor_keys"] = anchor_keys(unit.kind, props)
        units[unit.kind].append(props)
    position = {
        props["key"]: i
        for i, props in enumerate(props for kind in UNIT_KINDS for props in units[kind])
    }
    bounds = [
        [position[unit.key], position[end]] for unit in graph.units for end in unit.ends or ()
    ]
    links = [
        {
            "source": position[link.source],
            "target": position[link.target],
            "props": {
                **{name: list(codes) for name, codes in link.params.items()},
                "params": sorted(link.params),
                "slots": slots(link.params, sorted(link.params)),
            },
        }
        for link in graph.interconnections
    ]
    return {
        "props": {
            "sample_id": sid,
            **meta,
            "content_hash": image_hash,
            "sensing_version": SENSING_VERSION,
            "loops": graph.loops,
            "closed": graph.closed,
            "threshold": graph.threshold,
            "n_units": len(graph.units),
            "n_segments": graph.count(SEGMENT_KIND),
            "n_links": len(graph.interconnections),
        },
        "figure": figure_props(graph.loops, graph.closed),
        "units": units,
        "bounds": bounds,
        "links": links,
    }


@dataclass(frozen=True)
class SenseJob:
    """One sample to sense: its spec and original MNIST image (so a worker needs no data)."""

    spec: SampleSpec
    original: np.ndarray
    method: str
    seed: int


#: What sensing a job gives: (spec, row, None), or (spec, None, reason) if it cannot be sensed.
Sensed = tuple[SampleSpec, dict | None, str | None]
#: Senses jobs, here or elsewhere (a process pool, a Dask cluster), in any order.
Senser = Callable[[list[SenseJob]], Iterator[Sensed]]


def jobs_for(
    specs: list[SampleSpec], method: str = DEFAULT_METHOD, seed: int = DEFAULT_SENSING_SEED
) -> list[SenseJob]:
    """The sensing jobs of ``specs``, each with its original MNIST image."""
    splits = {split: load_split(split) for split in {spec.split for spec in specs}}  # type: ignore[arg-type]
    return [SenseJob(spec, splits[spec.split].images[spec.index], method, seed) for spec in specs]


def sense_job(job: SenseJob) -> Sensed:
    """Sense one sample into its row for ``ingest/write-samples``."""
    image = job.spec.from_original(job.original)
    try:
        graph = sense(image, seed=job.seed, method=job.method)  # type: ignore[arg-type]
    except SensingError as exc:
        return job.spec, None, str(exc)
    row = sample_row(job.spec.sample_id, spec_meta(job.spec), graph, content_hash(image))
    return job.spec, row, None


def sense_jobs(jobs: list[SenseJob]) -> list[Sensed]:
    """Sense a batch of jobs, one after the other."""
    return [sense_job(job) for job in jobs]


def write_rows(store: GraphStore, rows: list[dict[str, Any]]) -> int:
    """Write sample rows in one batch; returns how many were new."""
    result = store.run("ingest/write-samples", samples=rows, batch=uuid.uuid4().hex)
    return result[0]["written"] if result else 0


def write_scales(store: GraphStore) -> None:
    """Store the scales (levels, energies, universes) and the anchor cells (idempotent)."""
    store.run("ingest/write-scales", scales=scale_rows(), anchors=all_anchor_keys())


def ingest_image(
    store: GraphStore,
    pixels: np.ndarray,
    source: str,
    *,
    method: str = DEFAULT_METHOD,
    sensing_seed: int = DEFAULT_SENSING_SEED,
) -> str:
    """Sense a user's digit image and store it (idempotent); return its sample id.

    Parameters
    ----------
    store
        Where to write the sample.
    pixels
        The image, 28x28 uint8, white ink on black (``datasets.image_file.read_digit_image``).
    source
        Where the image came from (a file name), kept on the sample and named in errors.
    method, sensing_seed
        The graph builder and its seed, as for MNIST samples.

    Returns
    -------
    ``file/<content hash>``: the same image always gets the same id.

    Raises
    ------
    InputError
        Naming ``source``, when the image cannot be sensed.
    """
    image_hash = content_hash(pixels)
    sample_id = f"{FILE_DATASET}/{image_hash}"
    try:
        graph = sense(pixels, seed=sensing_seed, method=method)  # type: ignore[arg-type]
    except SensingError as exc:
        raise InputError(f"{source}: {exc}") from None
    meta = {"dataset": FILE_DATASET, "split": "external", "augmentation": 0, "source": source}
    write_scales(store)
    write_rows(store, [sample_row(sample_id, meta, graph, image_hash)])
    return sample_id


def _ignore_interrupts() -> None:
    """Sensing workers leave Ctrl-C to the parent, which stops them."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def local_senser(workers: int) -> Senser:
    """Sense in ``workers`` processes of this machine (in this one below 2, or for few jobs)."""

    def sensed(jobs: list[SenseJob]) -> Iterator[Sensed]:
        if workers <= 1 or len(jobs) < 8:
            yield from map(sense_job, jobs)
            return
        pool = ProcessPoolExecutor(max_workers=workers, initializer=_ignore_interrupts)
        try:
            yield from pool.map(sense_job, jobs, chunksize=16)
        finally:
            # on a failed write or Ctrl-C, drop the images not yet sensed instead of sensing them
            pool.shutdown(wait=True, cancel_futures=True)

    return sensed


def link_views(store: GraphStore, views: list[SampleSpec]) -> int:
    """Link each stored view (``protocols.view_specs``) to its stored image; the number linked."""
    return link_view_ids(store, [(view.original.sample_id, view.sample_id) for view in views])


def link_view_ids(store: GraphStore, pairs: list[tuple[str, str]]) -> int:
    """Link each (image, view) pair of stored sample ids (ingest/link-views); the number linked."""
    rows = [{"image": image, "view": view} for image, view in pairs]
    linked = 0
    for start in range(0, len(rows), BATCH_SIZE * 10):
        found = store.run("ingest/link-views", pairs=rows[start : start + BATCH_SIZE * 10])
        linked += found[0]["linked"]
    return linked


def ingest_image_views(
    store: GraphStore, pixels: np.ndarray, source: str, sample_id: str, views: int
) -> list[str]:
    """Store ``views`` views of a user's image (``protocols.view_pixels``), linked to its
    sample ``sample_id`` (``ingest_image``); return their sample ids. A view that cannot be
    sensed is left out."""
    ids = []
    for view in range(1, views + 1):
        try:
            ids.append(ingest_image(store, view_pixels(pixels, view), f"{source} (view {view})"))
        except InputError:
            continue
    link_view_ids(store, [(sample_id, view_id) for view_id in ids])
    return ids


def ingest(
    store: GraphStore,
    specs: list[SampleSpec],
    *,
    method: str = DEFAULT_METHOD,
    sensing_seed: int = DEFAULT_SENSING_SEED,
    workers: int = 2,
    batch_size: int = BATCH_SIZE,
    on_progress: Callable[[int], None] | None = None,
    senser: Senser | None = None,
) -> IngestSummary:
    """Sense and write every spec not stored at the current sensing version; report progress.

    Sensing runs in ``workers`` local processes, or through ``senser`` (e.g. on a Dask
    cluster, ``coman_graph.cluster``); this process writes every row.
    """
    summary = IngestSummary()
    write_scales(store)
    unique = list({spec.sample_id: spec for spec in specs}.values())
    present: set[str] = set()
    for start in range(0, len(unique), 5000):
        ids = [spec.sample_id for spec in unique[start : start + 5000]]
        rows = store.run("ingest/current-samples", ids=ids, version=SENSING_VERSION)
        present.update(row["sample_id"] for row in rows)
    summary.skipped = len(present)
    if on_progress and present:
        on_progress(len(present))
    todo = jobs_for(
        [spec for spec in unique if spec.sample_id not in present], method, sensing_seed
    )
    batch: list[dict] = []

    def flush() -> None:
        if batch:
            written = write_rows(store, batch)
            summary.written += written
            summary.skipped += len(batch) - written
            if on_progress:
                on_progress(len(batch))
            batch.clear()

    for spec, row, reason in (senser or local_senser(workers))(todo):
        if row is None:
            summary.failed.append((spec.sample_id, reason or "unknown"))
            if on_progress:
                on_progress(1)
            continue
        batch.append(row)
        if len(batch) >= batch_size:
            flush()
    flush()
    return summary
