"""The checked-in JSON Schemas are the ones the models generate."""

from extractor import schema
from extractor.resources import resource_dir


def test_schemas_in_sync() -> None:
    for name, text in schema.generate().items():
        path = resource_dir("schemas") / name
        assert path.exists(), f"{name} missing: run `extractor schema --write`"
        assert path.read_text(encoding="utf-8") == text, (
            f"{name} out of date: run `extractor schema --write`"
        )


def test_result_schema_names_the_contract_fields() -> None:
    result = schema.load("result.schema.json")
    assert set(result["required"]) >= {"doc_id", "source"}
    defs = result["$defs"]
    assert {"Project", "FundingLine", "Indicator", "Value", "Span", "Flag"} <= set(defs)
    assert set(defs["Indicator"]["properties"]) >= {
        "group",
        "level1",
        "level2",
        "name",
        "nature",
        "target",
        "actual",
        "weight",
        "score",
        "deviation_reason",
        "span",
    }
