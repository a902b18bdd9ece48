"""Evaluation harness: score extractor output against hand-written golden files.

`evaluate(golden_dir, pred_dir=None, backend="rules") -> EvalReport`; the CLI command is
`eval.cli.eval_command` (registered as `extractor eval`).
"""

from eval.harness import EvalError, evaluate
from eval.results import EvalReport
from eval.scoring import DocumentInput, score_documents

__all__ = ["DocumentInput", "EvalError", "EvalReport", "evaluate", "score_documents"]
