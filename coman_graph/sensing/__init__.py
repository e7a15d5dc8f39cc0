"""Sensing: a 28x28 MNIST image -> StructuralGraph (numpy and scikit-image; no database)."""

from coman_graph.sensing.errors import SensingError

__all__ = ["SensingError"]
