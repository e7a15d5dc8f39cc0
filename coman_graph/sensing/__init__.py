"""Sensing: a 28x28 MNIST image -> StructuralGraph (numpy and scikit-image; no database)."""
