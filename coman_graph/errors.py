"""The errors coman-graph reports to its user as one line, and the exit code of each."""

from __future__ import annotations


class ComanError(Exception):
    """Base of every error shown to the user as a one-line message."""

    exit_code = 1


class InputError(ComanError):
    """Bad input: a corrupt data file, an image that cannot be used, an unknown class."""

    exit_code = 4


class GraphStoreError(ComanError):
    """The graph server is unreachable, refused the credentials, or failed a query."""

    exit_code = 3


class MigrationError(ComanError):
    """A migration file changed after it was applied, or failed to apply."""

    exit_code = 5


class ServerSetupError(ComanError):
    """A local graph server cannot be set up: its engine is not installed, or its data folder
    belongs to something else."""

    exit_code = 8
