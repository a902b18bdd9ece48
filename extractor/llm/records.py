"""What the LLM backends add to a result's meta: stated figures of narrative chunks
(for the validator's narrative checks) and failed chunks."""

from __future__ import annotations

from pydantic import BaseModel, Field

from extractor.models import Span


class StatedPart(BaseModel):
    label: str
    amount: float
    unit: str | None = None
    grounded: bool = False  # the amount is printed in the chunk


class StatedFigureRecord(BaseModel):
    """A figure a narrative chunk states, as the model read it and grounded by us.

    Stored under `result.meta["narrative_figures"]`. Only `grounded` figures are
    printed in the chunk; `span` is where the quote is, when it was found."""

    quantity: str  # what the figure is, in the document's words
    amount: float
    unit: str | None = None
    percent: float | None = None  # a percentage stated with it
    percent_of: str | None = None  # what that percentage is (完成年初预算, 执行率 …)
    parts: list[StatedPart] = Field(default_factory=list)  # the "其中" breakdown
    quote: str = ""
    grounded: bool = False
    percent_grounded: bool | None = None
    chunk_start: int  # offsets of the narrative chunk in Document.text
    chunk_end: int
    span: Span | None = None


class ChunkFailure(BaseModel):
    """A chunk (or part of a long form) the model could not answer for."""

    chunk: int  # index in the document's chunk list
    kind: str  # form | narrative
    form: str | None = None
    title: str = ""
    part: str = "1/1"
    start: int
    end: int
    span: Span | None = None
    # rate_limit | server_error | timeout | connection | http_error | invalid_output | offline_miss
    error: str
    reason: str  # Chinese
    attempts: int = 0
