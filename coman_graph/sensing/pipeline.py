"""The sensing pipeline: a 28x28 MNIST image -> StructuralGraph, stage by stage.

Stages (each a documented function of its own module):
validate -> upscale -> binarize/clean, lowering the threshold while disconnected
and bridging fragments still apart -> skeletonize -> prune spurs -> close gaps
at stroke ends (then skeletonize and prune again) -> GNG fit joined along the skeleton (or the
skeleton pixels themselves) -> RDP chain simplification -> junction merging ->
point typing -> measurement and scale projection.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

import numpy as np

from coman_graph.sensing.binarize import (
    Bridge,
    binarize_connected,
    draw_bridge,
    upscale,
    validate_image,
)
from coman_graph.sensing.builders import gng_graph, skeleton_graph
from coman_graph.sensing.chains import simplify
from coman_graph.sensing.errors import SensingError
from coman_graph.sensing.gaps import find_gaps
from coman_graph.sensing.junctions import merge_junctions, point_kinds
from coman_graph.sensing.measure import measure
from coman_graph.sensing.params import DEFAULT_PARAMS, SensingParams
from coman_graph.sensing.point_graph import PointGraph
from coman_graph.sensing.skeleton import count_holes, pixel_graph, prune_spurs, skeleton_of
from coman_graph.sensing.structural_graph import StructuralGraph

Method = Literal["gng", "skeleton"]
METHODS: tuple[Method, ...] = ("gng", "skeleton")
#: Stage names, in order, as keys of the ``timings`` of :func:`sense_traced`.
STAGES = ("binarize", "skeleton", "graph", "simplify", "measure")


@dataclass(frozen=True)
class SensingTrace:
    """Every intermediate result of one sensing run, for renders and debugging.

    ``method`` is the builder that made ``points``: "skeleton" also when GNG
    was asked for but its graph missed a loop of the skeleton (the fallback).
    ``bridges`` joined fragments of the figure, ``gaps`` closed gaps at stroke
    ends; both are drawn into ``mask``.
    """

    grey: np.ndarray
    mask: np.ndarray
    skeleton: np.ndarray
    points: PointGraph
    kinds: list[str]
    graph: StructuralGraph
    method: Method
    bridges: tuple[Bridge, ...] = ()
    gaps: tuple[Bridge, ...] = ()


class _Clock:
    """Adds the time since the previous lap to ``timings[stage]`` (if timings are wanted)."""

    def __init__(self, timings: dict[str, float] | None) -> None:
        self.timings = timings
        self.last = time.perf_counter()

    def lap(self, stage: str) -> None:
        if self.timings is not None:
            now = time.perf_counter()
            self.timings[stage] = self.timings.get(stage, 0.0) + now - self.last
            self.last = now


def sense_traced(
    image: np.ndarray,
    *,
    seed: int = 0,
    method: Method = "gng",
    params: SensingParams = DEFAULT_PARAMS,
    timings: dict[str, float] | None = None,
) -> SensingTrace:
    """Sense one image and keep every intermediate result.

    Parameters
    ----------
    image
        A 28x28 uint8 MNIST image.
    seed
        Seed of the GNG fit.
    method
        "gng" (the reference's Growing Neural Gas) or "skeleton" (the skeleton
        pixels themselves).
    params
        Every tunable number (see :class:`SensingParams`).
    timings
        If given, the seconds spent in each of :data:`STAGES` are added to it.

    Returns
    -------
    SensingTrace
        The upscaled image, binary figure, pruned skeleton, final point graph,
        point kinds and the StructuralGraph.

    Raises
    ------
    SensingError
        For input that cannot be sensed (see :func:`validate_image`).
    """
    if method not in METHODS:
        raise ValueError(f"unknown sensing method {method!r}: expected one of {METHODS}")
    clock = _Clock(timings)
    grey = upscale(validate_image(image, params), params.work_size)
    figure = binarize_connected(grey, params)
    mask, threshold = figure.mask, figure.threshold
    clock.lap("binarize")
    skeleton = prune_spurs(skeleton_of(mask), params.spur_fraction, params.spur_min)
    pixels = pixel_graph(skeleton)
    gaps = find_gaps(pixels, grey, mask.sum() / pixels.size, params)
    if gaps:
        mask = mask.copy()
        for gap in gaps:
            draw_bridge(mask, *gap)
        skeleton = prune_spurs(skeleton_of(mask), params.spur_fraction, params.spur_min)
        pixels = pixel_graph(skeleton)
    holes = count_holes(skeleton)
    clock.lap("skeleton")
    points = None
    if method == "gng":
        points = gng_graph(pixels, seed, params, holes)
        if points.loops != holes or points.components() != 1:
            points, method = None, "skeleton"
    if points is None:
        points = skeleton_graph(pixels, holes)
    clock.lap("graph")
    stroke_width = 2.0 * mask.sum() / pixels.size
    points = simplify(points, params.rdp_epsilon)
    points = merge_junctions(points, params.junction_merge_widths * stroke_width)
    if not points.edges:
        raise SensingError("a single dot: the figure simplifies to one point")
    kinds = point_kinds(points, params.corner_angle_deg)
    clock.lap("simplify")
    graph = measure(points, kinds, threshold, params)
    clock.lap("measure")
    return SensingTrace(
        grey, mask, skeleton, points, kinds, graph, method, figure.bridges, tuple(gaps)
    )


def sense(
    image: np.ndarray,
    *,
    seed: int = 0,
    method: Method = "gng",
    params: SensingParams = DEFAULT_PARAMS,
) -> StructuralGraph:
    """Sense one 28x28 uint8 image into its StructuralGraph (see :func:`sense_traced`).

    Deterministic: the same image, seed, method and params give an equal graph.
    """
    return sense_traced(image, seed=seed, method=method, params=params).graph
