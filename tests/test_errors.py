"""One error hierarchy: every exception the package defines is an `ExtractorError`, so a
notebook user can write `except ExtractorError` around any library call."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest

import extractor
from extractor.errors import ExtractorError


def _exception_classes() -> list[type[BaseException]]:
    """Every exception class defined in a module of `extractor` (each module imported:
    one that cannot be imported fails the test rather than hiding its classes)."""
    found: list[type[BaseException]] = []
    for info in pkgutil.walk_packages(extractor.__path__, "extractor."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if (
                inspect.isclass(value)
                and issubclass(value, BaseException)
                and value.__module__ == module.__name__
            ):
                found.append(value)
    return found


def test_every_exception_class_of_the_package_is_an_extractor_error() -> None:
    classes = _exception_classes()
    names = {cls.__qualname__ for cls in classes}
    # the walk does see the stages' own errors (a walk that found nothing would pass)
    assert {"ReviewError", "EngineUnavailable", "PageImageProblem", "InputError"} <= names
    strays = [
        f"{c.__module__}.{c.__qualname__}" for c in classes if not issubclass(c, ExtractorError)
    ]
    assert strays == []


@pytest.mark.parametrize(
    ("module", "name", "also"),
    [
        ("extractor.errors", "ConfigError", ValueError),
        ("extractor.ocr.engines", "EngineUnavailable", RuntimeError),
        ("extractor.review.fields", "FieldInputError", ValueError),
        ("extractor.vocabulary", "VocabularyError", ValueError),
        ("extractor.distributed.cluster", "RayUnavailable", RuntimeError),
    ],
)
def test_errors_keep_the_builtin_base_their_callers_catch(
    module: str, name: str, also: type[Exception]
) -> None:
    cls = getattr(importlib.import_module(module), name)
    assert issubclass(cls, ExtractorError) and issubclass(cls, also)


def test_one_except_clause_catches_a_review_store_error(tmp_path: Path) -> None:
    from extractor.review.store import ReviewStore

    store = ReviewStore.open(tmp_path / "review.db")
    try:
        with pytest.raises(ExtractorError, match="找不到文档"):
            store.pages("no-such-document")
    finally:
        store.close()
