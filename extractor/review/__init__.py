"""Human-in-the-loop review: a SQLite (SQLAlchemy) store of extraction results, an
append-only audit trail of the reviewer's decisions, a local web page, exports and an
Excel round trip.

    store = ReviewStore.open("review.db")
    store.import_result(result)                       # a DocumentResult
    store.decide("000_…", "p2", "indicators[1].score", "modify", value="10",
                 reviewer="张三", version=0)
    store.document_view("000_…").result              # current (reviewed) values

Current values are never stored: they are derived from the imported extraction plus
the decisions, so every decision can be undone and the history is kept.
"""

from extractor.review.errors import ConflictError, DecisionError, NotFoundError, ReviewError
from extractor.review.store import ReviewStore

__all__ = ["ConflictError", "DecisionError", "NotFoundError", "ReviewError", "ReviewStore"]
