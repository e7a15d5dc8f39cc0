"""The structural hypergraph of one image: the contract between sensing and the database.

Sensing produces a :class:`StructuralGraph`; ingest writes it, unchanged, as
``(:Sample)``, ``(:Unit)`` nodes with kind labels, ``BOUNDED_BY`` and
``INTERCONNECTS`` relationships.  Every parameter is a tuple of codes, one per
level of its scale, finest first, ending with the wildcard ``'*'``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

WILDCARD = "*"

POINT_KINDS = ("EndPoint", "CornerPoint", "JunctionPoint", "Point")
SEGMENT_KIND = "Segment"
UNIT_KINDS = (*POINT_KINDS, SEGMENT_KIND)

#: Parameter codes: finest level first, wildcard last.
Codes = tuple[str, ...]


@dataclass(frozen=True)
class Unit:
    """A point (EndPoint, CornerPoint, JunctionPoint, Point) or a Segment.

    ``key`` is unique within its graph ("p0", "s3"). ``x``/``y`` are the
    normalised coordinates (centre of the bounding box = 0, half its diagonal
    = 1, y grows downwards); for a segment they are its midpoint. ``ends``
    names the two points bounding a segment.
    """

    key: str
    kind: str
    x: float
    y: float
    params: dict[str, Codes] = field(default_factory=dict)
    ends: tuple[str, str] | None = None

    @property
    def is_segment(self) -> bool:
        return self.kind == SEGMENT_KIND


@dataclass(frozen=True)
class Interconnection:
    """Secondary parameters comparing the same parameter in two touching units."""

    source: str
    target: str
    params: dict[str, Codes] = field(default_factory=dict)


@dataclass(frozen=True)
class StructuralGraph:
    """Units, interconnections and the figure-level facts of one image."""

    units: tuple[Unit, ...]
    interconnections: tuple[Interconnection, ...]
    start_point: str | None
    loops: int
    threshold: int

    @property
    def closed(self) -> bool:
        """A figure with at least one loop and no loose end is closed."""
        return self.loops > 0 and not any(u.kind == "EndPoint" for u in self.units)

    def unit(self, key: str) -> Unit:
        for unit in self.units:
            if unit.key == key:
                return unit
        raise KeyError(key)

    def count(self, kind: str) -> int:
        return sum(1 for u in self.units if u.kind == kind)
