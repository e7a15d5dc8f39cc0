"""Every tunable number of the sensing pipeline, in one documented place.

The reference pipeline (DESIGN §4) works at 100x100 px after a LANCZOS upscale.
We work at ``work_size`` px (default 84 = 3 x 28): the GNG and chain walking
then see ~3x fewer skeleton pixels, which is what makes sensing all of MNIST in
minutes possible. Lengths given "at the reference scale" (suffix ``_ref``) are
multiplied by ``work_size / reference_size``, areas by its square, so the
pipeline behaves as the reference would at 100 px.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SensingParams:
    """Knobs of :func:`coman_graph.sensing.pipeline.sense`; the defaults are the tuned ones."""

    #: Working scale (px) the 28x28 digit is upscaled to, and the reference pipeline's.
    work_size: int = 84
    reference_size: int = 100

    #: Binarisation: first threshold, step and floor while the figure stays disconnected.
    threshold_start: int = 110
    threshold_step: int = 5
    threshold_min: int = 20
    #: Connected blobs of at most this many px (at 100 px) are specks and removed.
    speck_px_ref: float = 9.0
    #: Side of the square structuring element of the closing.
    closing_size: int = 3
    #: A component of fewer px than this fraction of the largest is a stray mark and dropped;
    #: larger ones still apart at every threshold are bridged to the figure.
    fragment_min_fraction: float = 0.1
    #: More than this fraction of the image at or above ``threshold_start`` is a "full image".
    full_fraction: float = 0.6
    #: A figure whose bounding box is smaller than this (px at 100 px) on both sides is a dot.
    dot_extent_ref: float = 20.0

    #: Gap closing: a stroke end whose straight continuation (within ``gap_cone_deg`` of its
    #: direction over its last ``gap_tangent_ref`` px) meets the figure, where the way round
    #: along the skeleton is more than ``gap_detour`` times longer, is bridged to it when the
    #: gap is at most ``gap_blank_widths`` pen widths (foreground px / skeleton px), or at
    #: most ``gap_max_widths`` and no pixel on it lighter than ``gap_min_grey`` (both widths
    #: 0: no gap closing).
    gap_max_widths: float = 2.5
    gap_blank_widths: float = 1.25
    gap_min_grey: int = 1
    gap_cone_deg: float = 45.0
    gap_tangent_ref: float = 10.0
    gap_detour: float = 3.0

    #: Spur pruning: branches junction->endpoint shorter than
    #: max(spur_fraction x total skeleton length, spur_min_ref) are removed.
    spur_fraction: float = 0.08
    spur_min_ref: float = 5.0

    #: Growing Neural Gas (Fritzke 1995) on the skeleton pixels, as in the reference.
    gng_max_units: int = 35
    gng_epochs: int = 50
    gng_insert_every: int = 40
    gng_eps_winner: float = 0.2
    gng_eps_neighbour: float = 0.01
    gng_alpha: float = 0.5
    gng_decay: float = 0.995
    gng_max_age: int = 50

    #: Ramer-Douglas-Peucker tolerance of chain simplification (px at 100 px).
    rdp_epsilon_ref: float = 4.55
    #: Two junctions joined by an edge shorter than this many stroke widths are merged;
    #: the stroke width is estimated as 2 x foreground px / skeleton px (the reference's).
    junction_merge_widths: float = 1.5
    #: A degree-2 point whose interior angle is below this (degrees) is a CornerPoint.
    corner_angle_deg: float = 160.0

    #: Scale projection: |log2(length ratio)| below log2(equal_ratio) is "equal" ...
    equal_ratio: float = 1.25
    #: ... and a centre offset below this (normalised units, half diagonal = 1) is "equal".
    equal_offset: float = 0.1

    @property
    def px_scale(self) -> float:
        """Working px per reference px."""
        return self.work_size / self.reference_size

    @property
    def speck_px(self) -> float:
        return self.speck_px_ref * self.px_scale**2

    @property
    def dot_extent(self) -> float:
        return self.dot_extent_ref * self.px_scale

    @property
    def gap_tangent(self) -> float:
        return self.gap_tangent_ref * self.px_scale

    @property
    def spur_min(self) -> float:
        return self.spur_min_ref * self.px_scale

    @property
    def rdp_epsilon(self) -> float:
        return self.rdp_epsilon_ref * self.px_scale


DEFAULT_PARAMS = SensingParams()

#: Version of what sensing makes of an image, stored on every Sample. Raise it whenever a
#: change of the pipeline or of DEFAULT_PARAMS can change some image's graph: ingest then
#: senses the samples stored by an older version again and replaces them, and training
#: forms new concepts from them. 1: the first pipeline (samples without the property);
#: 2: fragments dropped or bridged instead of refused, gaps at stroke ends closed; 3: units
#: and interconnections stored with their table slots and anchor cells (coman_graph.encoding);
#: 4: the figure's topology stored as a (:Figure) node (coman_graph.encoding.figure_props).
SENSING_VERSION = 4
