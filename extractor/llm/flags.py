"""Rule ids of the LLM backends' own flags (raised as `PendingFlag`s: project ids are
given once every chunk is read)."""

from __future__ import annotations

from extractor.backends import PendingFlag
from extractor.models import Severity

UNGROUNDED = "llm.ungrounded"
DISAGREEMENT = "hybrid.disagreement"
# Rule ids of this package, with severities and descriptions, like extractor.validate.rules.
LLM_RULES: dict[str, tuple[Severity, str]] = {
    UNGROUNDED: ("warning", "模型给出的数字或文字在原文中找不到"),
    DISAGREEMENT: ("warning", "模板解析与模型的结果不一致"),
}

__all__ = ["DISAGREEMENT", "LLM_RULES", "UNGROUNDED", "PendingFlag"]
