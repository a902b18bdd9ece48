"""Errors of the review store; every message is Chinese and meant for the reviewer."""

from __future__ import annotations

from typing import Any

from extractor.errors import ExtractorError


class ReviewError(ExtractorError):
    """Base class: `str(exc)` is the message shown to the reviewer."""


class NotFoundError(ReviewError):
    """The document, project or field does not exist in the store."""


class DecisionError(ReviewError):
    """A decision that cannot be applied as given (bad number, missing note …)."""


class ConflictError(ReviewError):
    """The field changed since the reviewer loaded it (another reviewer saved first)."""

    def __init__(self, message: str, current: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.current = current or {}


class StoreVersionError(ReviewError):
    """The database was written by a newer version of the program."""
