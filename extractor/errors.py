"""The project's errors. Every one is an `ExtractorError`, whose message is written for
the user (in Chinese, naming what is wrong and what to do) and shown without a
traceback: `except ExtractorError` is the one place a command turns them into a line.

Errors of other stages derive from it too (`extractor.review.errors.ReviewError`,
`extractor.ocr.engines.EngineUnavailable`, `eval.harness.EvalError` …).
"""

from __future__ import annotations


class ExtractorError(Exception):
    """Base of the project's errors; the message is shown to the user as is."""


class InputError(ExtractorError):
    """An input that cannot be read: missing, empty, corrupt, encrypted, unsupported.

    The message is shown to the user as ``<file>: <message>``, without a traceback.
    """


class ExtractionError(ExtractorError):
    """A backend could not turn a chunk into records (e.g. a model returned junk)."""


class ConfigError(ExtractorError, ValueError):
    """A setting is missing or malformed (LLM endpoint, OCR mode, backend name …):
    raised before any work is done."""
