"""Sensing: a 28x28 MNIST image -> StructuralGraph (numpy and scikit-image; no database)."""

from coman_graph.sensing.errors import SensingError
from coman_graph.sensing.params import SENSING_VERSION

__all__ = ["SENSING_VERSION", "SensingError"]
