"""Optional Graph Data Science (GDS) adapter: audits run only on Neo4j 5 with the GDS plugin.

See :mod:`coman_graph.gds.adapter` and docs/gds.md. The core path never imports this package.
"""

from coman_graph.gds.adapter import (
    CLIENT_INSTALL,
    Analysis,
    Gds,
    GdsUnavailableError,
    broken_contours,
    client_class,
    gds_version,
    open_gds,
    projection,
    similar_concepts,
)

__all__ = [
    "CLIENT_INSTALL",
    "Analysis",
    "Gds",
    "GdsUnavailableError",
    "broken_contours",
    "client_class",
    "gds_version",
    "open_gds",
    "projection",
    "similar_concepts",
]
