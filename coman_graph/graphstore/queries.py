"""The query registry: named Cypher files under ``cypher/``, each with a header comment block.

A file ``cypher/infer/activate.cypher`` is the query ``"infer/activate"``. Its
header declares its parameters on lines ``//   $name — description`` below a
``// Parameters:`` line; :meth:`Query.check` refuses a call that misses one.

A line ``// @include kernel/unit-pairs`` is replaced by the body of
``cypher/kernel/unit-pairs.cypher`` (its header dropped, its lines indented like the
include line), and the fragment's declared parameters become the query's too: one
definition of a piece of Cypher that several queries share. Fragments live under
``cypher/kernel/`` and are not queries of their own. ``scripts/lint-cypher`` expands
includes the same way before linting.

A file ``<name>.procedure.cypher`` beside a query or a fragment is its fast path on a server
with the ``coman.*`` procedures (``engines/neo4j/procedures``): loaded with
``kernel="procedure"``, a query or an included fragment that has one is replaced by it; the
plain file stays the specification, and the only text every other server runs
(``graphstore/kernel.py`` chooses).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from coman_graph import CYPHER_DIR

_PARAM_LINE = re.compile(r"^//\s+\$(\w+)")
_INCLUDE_LINE = re.compile(r"^([ \t]*)//\s*@include\s+(\S+)\s*$")
#: The folder of the fragments queries include.
FRAGMENTS = "kernel"
#: The kernels a query can be loaded for: the Cypher specification, or the coman.* procedures.
CYPHER, PROCEDURE = "cypher", "procedure"
#: The suffix of a file's fast path on the coman.* procedures.
PROCEDURE_SUFFIX = f".{PROCEDURE}"


@dataclass(frozen=True)
class Query:
    """One named Cypher statement and the parameters its header declares."""

    name: str
    text: str
    parameters: tuple[str, ...]

    def check(self, params: dict) -> None:
        missing = [p for p in self.parameters if p not in params]
        if missing:
            raise TypeError(f"query {self.name} needs parameter(s) {', '.join(missing)}")


def parse_header_parameters(text: str) -> tuple[str, ...]:
    """The parameter names declared in a Cypher file's leading comment block."""
    names: list[str] = []
    in_parameters = False
    for line in text.splitlines():
        if not line.startswith("//"):
            break
        if line.lower().startswith("// parameters:"):
            in_parameters = True
            continue
        match = _PARAM_LINE.match(line)
        if in_parameters and match:
            names.append(match.group(1))
        elif in_parameters and not line.startswith("//  "):
            in_parameters = False
    return tuple(names)


def _body(text: str) -> list[str]:
    """A fragment's lines without its leading header comment block (include lines kept)."""
    lines = text.splitlines()
    start = 0
    while start < len(lines) and (
        not lines[start].strip()
        or (lines[start].lstrip().startswith("//") and not _INCLUDE_LINE.match(lines[start]))
    ):
        start += 1
    return lines[start:]


def source_path(name: str, kernel: str = CYPHER, root: Path = CYPHER_DIR) -> Path:
    """The file of ``name`` for ``kernel``: its ``.procedure`` variant if it has one and the
    kernel is the procedures', else ``<name>.cypher``."""
    if kernel == PROCEDURE:
        variant = root / f"{name}{PROCEDURE_SUFFIX}.cypher"
        if variant.is_file():
            return variant
    return root / f"{name}.cypher"


def expand_includes(
    text: str, root: Path = CYPHER_DIR, stack: tuple[str, ...] = (), kernel: str = CYPHER
) -> tuple[str, tuple[str, ...]]:
    """``text`` with its include lines expanded (each fragment as ``kernel`` has it), and the
    parameters the fragments declare."""
    lines: list[str] = []
    parameters: list[str] = []
    for line in text.splitlines():
        match = _INCLUDE_LINE.match(line)
        if not match:
            lines.append(line)
            continue
        indent, name = match.groups()
        if name in stack:
            raise ValueError(f"include cycle through {name}")
        path = source_path(name, kernel, root)
        if not path.is_file():
            raise KeyError(f"no fragment named {name!r} (looked for {path})")
        fragment = path.read_text()
        body, inner = expand_includes("\n".join(_body(fragment)), root, (*stack, name), kernel)
        parameters.extend((*parse_header_parameters(fragment), *inner))
        lines.extend(indent + part if part else part for part in body.splitlines())
    return "\n".join(lines) + "\n", tuple(dict.fromkeys(parameters))


@cache
def load_query(name: str, root: Path = CYPHER_DIR, kernel: str = CYPHER) -> Query:
    """Load query ``name`` for ``kernel`` (``root/<name>.cypher``, or its ``.procedure``
    variant) with its includes expanded; KeyError for an unknown name."""
    path = source_path(name, kernel, root)
    if not path.is_file() or name.split("/")[0] == FRAGMENTS or name.endswith(PROCEDURE_SUFFIX):
        raise KeyError(f"no query named {name!r} (looked for {path})")
    source = path.read_text()
    text, included = expand_includes(source, root, kernel=kernel)
    declared = parse_header_parameters(source)
    return Query(name, text, tuple(dict.fromkeys((*declared, *included))))


def query_names(folder: str = "", root: Path = CYPHER_DIR) -> list[str]:
    """Names of every query under ``root/folder`` (fragments and fast paths excluded), sorted."""
    base = root / folder if folder else root
    names = (str(p.relative_to(root).with_suffix("")) for p in base.rglob("*.cypher"))
    return sorted(
        name
        for name in names
        if name.split("/")[0] != FRAGMENTS and not name.endswith(PROCEDURE_SUFFIX)
    )
