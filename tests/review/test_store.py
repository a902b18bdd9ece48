"""The review store: schema and migrations, WAL, append-only audit, derived values,
undo, re-validation, version conflicts, re-import."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from extractor.models import Flag
from extractor.review import ConflictError, DecisionError, NotFoundError, ReviewError, ReviewStore
from extractor.review.db import journal_mode, make_engine
from extractor.review.errors import StoreVersionError
from extractor.review.migrations import LATEST
from extractor.review.schema import metadata
from tests.review.fixtures import DOC_ID, RATE_ACTUAL, REASON_SCORE, WRONG_RATE, WRONG_SCORE, build

ROOT = Path(__file__).resolve().parents[2]


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
        DOC_ID, "p1", WRONG_SCORE, "modify", value="14", reviewer="张三", version=0
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


# --- writes under concurrency, corrections in range, the schema step -------------------


def test_concurrent_saves_on_one_store_are_batched_and_all_kept(tmp_path: Path) -> None:
    """Eight reviewers saving at once through one store (the web server's threads): every
    save is kept, and the flags are those of the decisions applied one by one."""
    result, pages = build()
    saves = [
        (DOC_ID, "indicators[0].score", "18"),
        (DOC_ID, WRONG_SCORE, "15"),
        (DOC_ID, "indicators[2].weight", "11"),
        (DOC_ID, "total.score", "96.3"),
        ("doc_b", WRONG_SCORE, "15"),
        ("doc_b", "indicators[3].score", "9"),
        ("doc_b", "indicators[1].score", "10"),
        ("doc_b", "total.weight", "101"),
    ]
    together = ReviewStore.open(tmp_path / "together.db")
    one_by_one = ReviewStore.open(tmp_path / "one_by_one.db")
    for store in (together, one_by_one):
        store.import_result(result, pages)
        store.import_result(*build("doc_b"))
    barrier = threading.Barrier(len(saves))
    errors: list[BaseException] = []

    def save(doc_id: str, path: str, value: str) -> None:
        barrier.wait()
        try:
            together.decide(doc_id, "p1", path, "modify", value=value, reviewer="甲", version=0)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=save, args=s) for s in saves]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    for doc_id, path, value in saves:
        one_by_one.decide(doc_id, "p1", path, "modify", value=value, reviewer="甲", version=0)
    for doc_id in (DOC_ID, "doc_b"):
        a, b = together.document_view(doc_id), one_by_one.document_view(doc_id)
        assert len(a.audit) == 4
        assert a.current == b.current
        assert {(f.rule, f.target, f.status) for f in a.flags} == {
            (f.rule, f.target, f.status) for f in b.flags
        }


def test_a_batch_refuses_only_its_own_bad_decision(store: ReviewStore) -> None:
    outcomes: list[str] = []
    barrier = threading.Barrier(3)

    def save(value: str, version: int) -> None:
        barrier.wait()
        try:
            store.decide(
                DOC_ID, "p1", WRONG_SCORE, "modify", value=value, reviewer="乙", version=version
            )
            outcomes.append(f"ok {value}")
        except ConflictError:
            outcomes.append(f"conflict {value}")
        except DecisionError:
            outcomes.append(f"refused {value}")

    threads = [
        threading.Thread(target=save, args=("15", 0)),
        threading.Thread(target=save, args=("14", 0)),
        threading.Thread(target=save, args=("-1", 0)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(o.split()[0] for o in outcomes) == ["conflict", "ok", "refused"]
    assert "refused -1" in outcomes
    assert len(store.audit(DOC_ID)) == 1


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (WRONG_SCORE, "-5", "不能为负数"),
        (WRONG_SCORE, "5000", "数值过大"),
        ("funding[0].execution_rate", "-1", "不能为负数"),
        ("funding[0].execution_rate", "9000", "数值过大"),
        ("funding[0].budget", "2000000000000", "数值过大"),
        ("year", "1900", "年份应在"),
        (RATE_ACTUAL, "≥ 99999999999999", "数值过大"),
    ],
)
def test_corrections_out_of_range_are_refused(
    store: ReviewStore, path: str, value: str, message: str
) -> None:
    with pytest.raises(DecisionError, match=message):
        store.decide(DOC_ID, "p1", path, "modify", value=value, reviewer="张三", version=0)
    assert store.audit(DOC_ID) == []


def test_a_score_above_its_weight_needs_a_note(store: ReviewStore) -> None:
    with pytest.raises(DecisionError, match="高于分值 20"):
        store.decide(
            DOC_ID, "p1", "indicators[0].score", "modify", value="21", reviewer="张三", version=0
        )
    # Lowering the weight below the score is the same case.
    with pytest.raises(DecisionError, match="得分 19 高于分值 10"):
        store.decide(
            DOC_ID, "p1", "indicators[0].weight", "modify", value="10", reviewer="张三", version=0
        )
    store.decide(
        DOC_ID,
        "p1",
        "indicators[0].score",
        "modify",
        value="21",
        note="原表如此",
        reviewer="张三",
        version=0,
    )
    # A negative balance is a real thing (spent more than received).
    store.decide(
        DOC_ID, "p1", "funding[0].balance", "modify", value="-0.5", reviewer="张三", version=0
    )
    assert len(store.audit(DOC_ID)) == 2


def test_confirm_does_not_revalidate(store: ReviewStore, monkeypatch: pytest.MonkeyPatch) -> None:
    import extractor.review.store as store_module

    calls: list[str] = []
    real = store_module.validate_here

    def counting(*args: object, **kwargs: object) -> object:
        calls.append("validate")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(store_module, "validate_here", counting)
    store.decide(DOC_ID, "p1", RATE_ACTUAL, "confirm", reviewer="张三", version=0)
    assert calls == []
    store.decide(DOC_ID, "p1", WRONG_SCORE, "modify", value="15", reviewer="张三", version=0)
    assert calls == ["validate"]


def test_a_version_1_store_is_migrated_in_place(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    store = ReviewStore.open(db)
    result, pages = build()
    store.import_result(result, pages)
    store.decide(DOC_ID, "p1", WRONG_SCORE, "modify", value="15", reviewer="张三", version=0)
    store.close()
    # Make it what version 1 wrote: no columns or tables of step 2, version row 1 only.
    engine = make_engine(db)
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE documents DROP COLUMN source_file"))
        conn.execute(text("ALTER TABLE flags DROP COLUMN span_bbox"))
        conn.execute(text("DROP TABLE run_documents"))
        conn.execute(text("DROP TABLE runs"))
        conn.execute(text("DELETE FROM schema_version WHERE version > 1"))
    engine.dispose()
    again = ReviewStore.open(db)
    with again.engine.connect() as conn:
        assert conn.execute(text("SELECT max(version) FROM schema_version")).scalar() == LATEST
        for name, table in metadata.tables.items():
            columns = {c["name"] for c in inspect(conn).get_columns(name)}
            assert columns == set(table.columns.keys()), name
    view = again.document_view(DOC_ID)
    assert view.current_value("p1", WRONG_SCORE) == 15 and len(view.audit) == 1
    run = again.start_run("升级后第一批")
    again.import_result(result, pages, run=run)
    assert again.doc_ids(run) == [DOC_ID]
    again.close()


def test_runs_group_the_documents_they_brought_in(store: ReviewStore) -> None:
    first = store.start_run("第一批")
    store.import_result(*build("doc_run_a"), run=first)
    second = store.start_run("第二批")
    store.import_result(*build("doc_run_b"), run=second)
    store.import_result(*build("doc_run_a"), run=second)  # unchanged, but part of the run
    assert store.doc_ids(first) == ["doc_run_a"]
    assert store.doc_ids(second) == ["doc_run_a", "doc_run_b"]
    assert [(r.label, r.documents) for r in store.runs()] == [("第二批", 2), ("第一批", 1)]
    assert len(store.doc_ids()) == 4


def test_extraction_notes_survive_revalidation(tmp_path: Path) -> None:
    """A reader's or the OCR's note is not the validator's: a correction elsewhere in the
    form re-validates without clearing it."""
    result, pages = build()
    note = Flag(
        rule="ocr.low_confidence",
        severity="warning",
        project="p1",
        path="indicators[0].score",
        message="识别置信度低（0.62），请核对原文",
        span=result.projects[0].indicators[0].span,
    )
    result.flags.append(note)
    store = ReviewStore.open(tmp_path / "r.db")
    store.import_result(result, pages)
    store.decide(DOC_ID, "p1", WRONG_SCORE, "modify", value="15", reviewer="张三", version=0)
    assert _flags(store)[("ocr.low_confidence", "indicators[0].score")] == "open"
    # Re-imported with decisions in force, the new extraction's notes are kept too.
    changed = result.model_copy(deep=True)
    changed.projects[0].name = "乡村道路养护经费（更正）"
    store.import_result(changed, pages, force=True)
    assert _flags(store)[("ocr.low_confidence", "indicators[0].score")] == "open"
    store.close()


def test_revalidation_follows_the_save_and_is_resumed_after_a_stop(tmp_path: Path) -> None:
    store = ReviewStore.open(tmp_path / "r.db")
    store.import_result(*build())
    outcome = store.decide(
        DOC_ID, "p1", WRONG_SCORE, "modify", value="15", reviewer="张三", version=0, wait=False
    )
    assert outcome.view.current_value("p1", WRONG_SCORE) == 15  # saved at once
    assert store.wait_validated(DOC_ID, outcome.row.id, timeout=60)
    assert _flags(store)[("indicator.score_above_weight", WRONG_SCORE)] == "cleared"
    store.close()
    # As if the server had stopped before re-checking: the next open finishes it.
    engine = make_engine(tmp_path / "r.db")
    with engine.begin() as conn:
        conn.execute(text("UPDATE documents SET validated_through = 0"))
        conn.execute(text("UPDATE flags SET active = 1"))
    engine.dispose()
    again = ReviewStore.open(tmp_path / "r.db")
    assert again.wait_validated(DOC_ID, outcome.row.id, timeout=60)
    assert _flags(again)[("indicator.score_above_weight", WRONG_SCORE)] == "cleared"
    assert not again.document_view(DOC_ID).revalidating
    again.close()


def test_saves_arriving_together_are_revalidated_together(
    store: ReviewStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ten corrections saved while a re-validation is under way: the validator runs once
    more for all of them, on the state after the last."""
    import extractor.review.store as store_module

    gate = threading.Event()
    runs: list[str] = []
    validate = store_module.validate_here
    revalidate = store._revalidator._run

    def counting(*args: object, **kwargs: object) -> object:
        runs.append("validate")
        return validate(*args, **kwargs)  # type: ignore[arg-type]

    def held(doc_ids: list[str]) -> set[str]:
        gate.wait(30)  # the first round waits until every save is in
        return revalidate(doc_ids)

    monkeypatch.setattr(store_module, "validate_here", counting)
    monkeypatch.setattr(store._revalidator, "_run", held)
    rows = []
    for index in range(10):
        outcome = store.decide(
            DOC_ID,
            "p1",
            "total.score",
            "modify",
            value=str(90 + index),
            reviewer="张三",
            version=index,
            wait=False,
        )
        rows.append(outcome.row.id)
    gate.set()
    assert store.wait_validated(DOC_ID, rows[-1], timeout=60)
    assert runs == ["validate"]
    message = next(
        f.message for f in store.document_view(DOC_ID).flags if f.rule == "total.score_sum"
    )
    assert "99" in message  # the state after the last save
