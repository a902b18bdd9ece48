"""Prompt templates: versioned, hashed, Chinese, with a made-up worked example."""

from pathlib import Path

from extractor.llm.prompts import PromptSet
from extractor.llm.requests import RequestBuilder
from extractor.llm.schema import FormAnswer, NarrativeAnswer, schema_hash
from extractor.resources import resource_dir

GOLDEN_DOCS = Path(__file__).resolve().parents[2] / "golden" / "docs"


def test_templates_load_with_versions_and_hashes() -> None:
    prompts = PromptSet.load()
    assert prompts.versions == {"form": "form-v2", "narrative": "narrative-v1"}
    assert all(len(h) == 16 for h in prompts.hashes.values())
    assert prompts.form.hash != prompts.narrative.hash
    assert schema_hash(FormAnswer) != schema_hash(NarrativeAnswer)


def test_render_fills_every_placeholder() -> None:
    messages = PromptSet.load().form.render(
        form_label="项目支出绩效自评表",
        form_basis="由表格标题确定",
        title="T",
        form_rules="R",
        part_note="N",
        context="C",
        text="表格正文",
    )
    assert [m["role"] for m in messages] == ["system", "user"]
    assert "{{" not in messages[1]["content"] and "表格正文" in messages[1]["content"]
    assert "三级指标" in messages[0]["content"] and "本指标不适用" in messages[0]["content"]


def test_worked_examples_are_not_taken_from_the_golden_documents() -> None:
    folder = resource_dir("prompts")
    golden = "".join(p.read_text(encoding="utf-8") for p in GOLDEN_DOCS.glob("*.txt"))
    for name in ("社区健身路径维护", "207-某镇文体服务中心", "收到文体专项资金"):
        assert name in "".join(p.read_text(encoding="utf-8") for p in folder.glob("*.md"))
        assert name not in golden


def test_cache_key_depends_on_model_prompt_schema_and_text(tmp_path: Path) -> None:
    from extractor.llm.config import LLMConfig

    prompts = PromptSet.load()
    config = LLMConfig(model="a", cache_dir=tmp_path)
    messages = prompts.narrative.render(text="收到资金10万元")
    key = RequestBuilder(config, prompts).key("narrative", messages)
    assert key == RequestBuilder(config, prompts).key("narrative", messages)
    other_model = RequestBuilder(config.model_copy(update={"model": "b"}), prompts)
    assert other_model.key("narrative", messages) != key
    other_text = prompts.narrative.render(text="收到资金11万元")
    assert RequestBuilder(config, prompts).key("narrative", other_text) != key
    # the mode changes the request, not the answer: same key
    json_mode = RequestBuilder(config.model_copy(update={"mode": "json"}), prompts)
    assert json_mode.key("narrative", messages) == key


def test_every_form_kind_has_a_label_and_rules() -> None:
    from typing import get_args

    from extractor.models import FormKind

    form = PromptSet.load().form
    assert set(form.kinds) == set(get_args(FormKind))
    assert form.label("project_target") == "项目支出绩效目标表"
    assert "actual 和 score 为 null" in form.rules("project_target")
    assert "target 和 actual 为 null" in form.rules("evaluation_scoring")
    assert form.label(None) == "绩效表"  # a chunk without a kind is still sent
