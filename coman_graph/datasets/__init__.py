"""Datasets: the MNIST IDX reader, provisioning, few-shot protocols and augmentation."""
