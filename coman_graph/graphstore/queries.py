"""The query registry: named Cypher files under ``cypher/``, each with a header comment block.

A file ``cypher/infer/activate.cypher`` is the query ``"infer/activate"``. Its
header declares its parameters on lines ``//   $name — description`` below a
``// Parameters:`` line; :meth:`Query.check` refuses a call that misses one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from coman_graph import CYPHER_DIR

_PARAM_LINE = re.compile(r"^//\s+\$(\w+)")


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


@cache
def load_query(name: str, root: Path = CYPHER_DIR) -> Query:
    """Load ``root/<name>.cypher``; raises KeyError for an unknown name."""
    path = root / f"{name}.cypher"
    if not path.is_file():
        raise KeyError(f"no query named {name!r} (looked for {path})")
    text = path.read_text()
    return Query(name, text, parse_header_parameters(text))


def query_names(folder: str = "", root: Path = CYPHER_DIR) -> list[str]:
    """Names of every query under ``root/folder``, sorted."""
    base = root / folder if folder else root
    return sorted(str(p.relative_to(root).with_suffix("")) for p in base.rglob("*.cypher"))
