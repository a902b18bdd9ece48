"""The review store: schema and migrations, WAL, append-only audit, derived values,
undo, re-validation, version conflicts, re-import."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from extractor.review import ConflictError, DecisionError, NotFoundError, ReviewError, ReviewStore
from extractor.review.db import journal_mode, make_engine
from extractor.review.errors import StoreVersionError
from extractor.review.migrations import LATEST
from extractor.review.schema import metadata
from tests.review.fixtures import DOC_ID, RATE_ACTUAL, REASON_SCORE, WRONG_RATE, WRONG_SCORE, build


def _flags(store: ReviewStore) -> dict[tuple[str, str], str]:
    view = store.document_view(DOC_ID)
    return {(f.rule, f.target): f.status for f in view.flags}


def test_fresh_store_is_wal_with_versioned_schema(tmp_path: Path) -> None:
    store = ReviewStore.open(tmp_path / "r.db")
    assert journal_mode(store.engine) == "wal"
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT max(version) FROM schema_version")).scalar() == LATEST
        tables = set(inspect(conn).get_table_names())
        assert set(metadata.tables) <= tables
        for name, table in metadata.tables.items():
            columns = {c["name"] for c in inspect(conn).get_columns(name)}
            assert columns == set(table.columns.keys()), name
    store.close()
    # Opening again applies nothing twice.
    again = ReviewStore.open(tmp_path / "r.db")
    with again.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM schema_version")).scalar() == LATEST
    again.close()


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    ReviewStore.open(tmp_path / "r.db").close()
    engine = make_engine(tmp_path / "r.db")
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO schema_version VALUES (:v, 'future', CURRENT_TIMESTAMP)"),
            {"v": LATEST + 1},
        )
    with pytest.raises(StoreVersionError, match="高于本程序支持"):
        ReviewStore(engine)


def test_audit_rows_are_append_only(store: ReviewStore) -> None:
    store.decide(DOC_ID, "p1", WRONG_SCORE, "modify", value="15", reviewer="张三", version=0)
    with store.engine.connect() as conn:
        with pytest.raises(DBAPIError, match="append-only"):
            conn.execute(text("UPDATE decisions SET new_value = '99'"))
        with pytest.raises(DBAPIError, match="append-only"):
            conn.execute(text("DELETE FROM decisions"))


def test_modify_records_the_audit_row_and_revalidates(store: ReviewStore) -> None:
    assert _flags(store)[("indicator.score_above_weight", WRONG_SCORE)] == "open"
    assert _flags(store)[("total.score_sum", "total.score")] == "open"
    outcome = store.decide(
        DOC_ID,
        "p1",
        WRONG_SCORE,
        "modify",
        value=" 15 ",
        note="OCR 把 15 读成 18",
        reviewer="张三",
        version=0,
    )
    row = outcome.row
    assert (row.doc_id, row.project, row.target, row.decision) == (
        DOC_ID,
        "p1",
        WRONG_SCORE,
        "modify",
    )
    assert (row.old_value, row.new_value, row.note, row.reviewer) == (
        18,
        15,
        "OCR 把 15 读成 18",
        "张三",
    )
    assert row.created_at is not None and row.seq == 1
    assert row.rules == ("indicator.score_above_weight",)
    flags = _flags(store)
    # The correction makes the arithmetic hold: both flags are cleared, the rest stay open.
    assert flags[("indicator.score_above_weight", WRONG_SCORE)] == "cleared"
    assert flags[("total.score_sum", "total.score")] == "cleared"
    assert flags[("indicator.suspicious_value", RATE_ACTUAL)] == "open"
    view = store.document_view(DOC_ID)
    assert view.current_value("p1", WRONG_SCORE) == 15
    assert view.extracted_value("p1", WRONG_SCORE) == 18
    assert view.state("p1", WRONG_SCORE).status == "modified"


def test_undo_restores_the_extraction_and_the_flags(store: ReviewStore) -> None:
    store.decide(DOC_ID, "p1", WRONG_SCORE, "modify", value="15", reviewer="张三", version=0)
    outcome = store.decide(DOC_ID, "p1", WRONG_SCORE, "undo", reviewer="李四", version=1)
    assert outcome.row.decision == "undo"
    assert (outcome.row.old_value, outcome.row.new_value) == (15, 18)
    assert outcome.row.undoes == 1
    view = store.document_view(DOC_ID)
    assert view.current_value("p1", WRONG_SCORE) == 18
    assert view.state("p1", WRONG_SCORE).status == "unreviewed"
    assert _flags(store)[("indicator.score_above_weight", WRONG_SCORE)] == "open"
    # History is kept: both rows are still there.
    assert [r.decision for r in store.audit(DOC_ID)] == ["modify", "undo"]
    with pytest.raises(DecisionError, match="没有可撤销"):
        store.decide(DOC_ID, "p1", WRONG_SCORE, "undo", reviewer="李四", version=2)


def test_undo_of_an_earlier_decision_keeps_the_later_one(store: ReviewStore) -> None:
    first = store.decide(
        DOC_ID, "p1", WRONG_SCORE, "modify", value="16", reviewer="张三", version=0
    )
    store.decide(DOC_ID, "p1", WRONG_SCORE, "modify", value="15", reviewer="张三", version=1)
    store.decide(
        DOC_ID, "p1", WRONG_SCORE, "undo", reviewer="张三", version=2, decision_id=first.row.id
    )
    assert store.document_view(DOC_ID).current_value("p1", WRONG_SCORE) == 15


def test_confirm_and_source_error_answer_flags(store: ReviewStore) -> None:
    store.decide(DOC_ID, "p1", RATE_ACTUAL, "confirm", reviewer="张三", version=0)
    assert _flags(store)[("indicator.suspicious_value", RATE_ACTUAL)] == "confirmed"
    with pytest.raises(DecisionError, match="需要填写说明"):
        store.decide(DOC_ID, "p1", REASON_SCORE, "source_error", reviewer="张三", version=0)
    store.decide(
        DOC_ID,
        "p1",
        REASON_SCORE,
        "source_error",
        note="原表未填偏差原因",
        reviewer="张三",
        version=0,
    )
    flags = _flags(store)
    assert flags[("indicator.missing_deviation_reason", REASON_SCORE)] == "source_error"
    view = store.document_view(DOC_ID)
    assert view.current_value("p1", REASON_SCORE) == 9  # value kept
    counts = view.counts()
    assert counts.open_all == counts.total_all - 2


def test_modify_is_validated(store: ReviewStore) -> None:
    with pytest.raises(DecisionError, match="数字字段"):
        store.decide(DOC_ID, "p1", WRONG_SCORE, "modify", value="十五", reviewer="张三", version=0)
    with pytest.raises(DecisionError, match="相同"):
        store.decide(DOC_ID, "p1", WRONG_SCORE, "modify", value="18", reviewer="张三", version=0)
    with pytest.raises(DecisionError, match="审核人"):
        store.decide(DOC_ID, "p1", WRONG_SCORE, "modify", value="15", reviewer="  ", version=0)
    with pytest.raises(DecisionError, match="未知的操作"):
        store.decide(DOC_ID, "p1", WRONG_SCORE, "delete", reviewer="张三", version=0)
    with pytest.raises(NotFoundError):
        store.decide(DOC_ID, "p1", "indicators[99].score", "confirm", reviewer="张三", version=0)
    with pytest.raises(NotFoundError):
        store.decide("no_such_doc", "p1", WRONG_SCORE, "confirm", reviewer="张三", version=0)
    # A value field takes the printed form and is parsed like the extractor does.
    store.decide(DOC_ID, "p1", RATE_ACTUAL, "modify", value="≥ 98 %", reviewer="张三", version=0)
    value = store.document_view(DOC_ID).current_value("p1", RATE_ACTUAL)
    assert value == {"raw": "≥98%", "op": "≥", "number": 98.0, "unit": "%"}
    assert store.audit(DOC_ID) and len(store.audit(DOC_ID)) == 1  # rejected ones left no row


def test_stale_version_is_a_conflict(store: ReviewStore) -> None:
    store.decide(DOC_ID, "p1", WRONG_SCORE, "modify", value="15", reviewer="张三", version=0)
    with pytest.raises(ConflictError, match=r"已被 张三 于 .* 修改，当前值为「15」") as caught:
        store.decide(DOC_ID, "p1", WRONG_SCORE, "modify", value="14", reviewer="李四", version=0)
    assert caught.value.current["version"] == 1
    assert store.document_view(DOC_ID).current_value("p1", WRONG_SCORE) == 15


def test_concurrent_saves_of_one_version_let_exactly_one_win(tmp_path: Path) -> None:
    result, pages = build()
    ReviewStore.open(tmp_path / "r.db").import_result(result, pages)
    outcomes: list[str] = []

    def save(value: str) -> None:
        store = ReviewStore.open(tmp_path / "r.db")  # its own engine, like another server
        try:
            store.decide(
                DOC_ID, "p1", WRONG_SCORE, "modify", value=value, reviewer=value, version=0
            )
            outcomes.append("ok")
        except ConflictError:
            outcomes.append("conflict")
        finally:
            store.close()

    threads = [threading.Thread(target=save, args=(v,)) for v in ("15", "14")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "ok"]
    assert len(ReviewStore.open(tmp_path / "r.db").audit(DOC_ID)) == 1


def test_document_level_flags_get_their_own_targets(store: ReviewStore) -> None:
    result, pages = build("doc_narrative", extra=WRONG_RATE)
    store.import_result(result, pages)
    view = store.document_view("doc_narrative")
    narrative = next(f for f in view.flags if f.rule == "narrative.rate")
    assert narrative.target.startswith("narrative@1:")
    with pytest.raises(DecisionError, match="不对应单个字段"):
        store.decide(
            "doc_narrative", None, narrative.target, "modify", value="1", reviewer="张三", version=0
        )
    store.decide("doc_narrative", None, narrative.target, "confirm", reviewer="张三", version=0)
    statuses = [
        f.status for f in store.document_view("doc_narrative").flags if f.rule == "narrative.rate"
    ]
    assert statuses == ["confirmed"]


def test_reimport(store: ReviewStore) -> None:
    result, pages = build()
    assert store.import_result(result, pages).status == "unchanged"
    store.decide(DOC_ID, "p1", WRONG_SCORE, "modify", value="15", reviewer="张三", version=0)
    changed = result.model_copy(deep=True)
    changed.projects[0].name = "乡村道路养护经费（更正）"
    with pytest.raises(ReviewError, match="--force"):
        store.import_result(changed, pages)
    outcome = store.import_result(changed, pages, force=True)
    assert outcome.status == "updated"
    view = store.document_view(DOC_ID)
    assert view.current["projects"][0]["name"] == "乡村道路养护经费（更正）"
    assert view.current_value("p1", WRONG_SCORE) == 15  # the decision still applies
    assert len(view.audit) == 1


def test_import_without_source_keeps_source_rules(tmp_path: Path) -> None:
    store = ReviewStore.open(tmp_path / "r.db")
    result, _pages = build()
    outcome = store.import_result(result)  # the source file cannot be found
    assert outcome.has_source is False
    store.decide(DOC_ID, "p1", WRONG_SCORE, "modify", value="15", reviewer="张三", version=0)
    flags = _flags(store)
    assert flags[("indicator.score_above_weight", WRONG_SCORE)] == "cleared"
    # missing_deviation_reason needs the form text; without it the earlier flag is kept.
    assert flags[("indicator.missing_deviation_reason", REASON_SCORE)] == "open"
    assert store.pages(DOC_ID) == {}
