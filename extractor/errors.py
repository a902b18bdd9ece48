"""Errors that name a bad input and say why, in words a reviewer understands."""

from __future__ import annotations


class InputError(Exception):
    """An input that cannot be read: missing, empty, corrupt, encrypted, unsupported.

    The message is shown to the user as ``<file>: <message>``, without a traceback.
    """


class ExtractionError(Exception):
    """A backend could not turn a chunk into records (e.g. a model returned junk)."""
