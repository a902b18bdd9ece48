"""The command-line glue and the settings, without Ray."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from extractor.distributed.cli import executor_problem, ray_options_from_cli
from extractor.distributed.cluster import _dashboard
from extractor.distributed.options import RayOptions
from extractor.distributed.pool import pool_size
from extractor.llm.config import LLMConfig


def test_executor_words() -> None:
    assert executor_problem("local") is None
    assert "--executor" in (executor_problem("dask") or "")


def test_flags_win_over_the_environment_for_the_quota(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXTRACTOR_LLM_RPM", "500")
    monkeypatch.setenv("EXTRACTOR_LLM_TPM", "90000")
    options = ray_options_from_cli(ray_address="auto", ocr_workers=3, backend="rules")
    assert options.address == "auto" and options.ocr_workers == 3
    assert options.limits.requests_per_minute == 500 and options.limits.tokens_per_minute == 90000
    flagged = ray_options_from_cli(
        ray_address=None, ocr_workers=0, backend="rules", llm_rpm=60, llm_tpm=0
    )
    assert flagged.limits.requests_per_minute == 60 and flagged.limits.tokens_per_minute is None


def test_an_llm_backend_ships_its_configuration_with_the_batch_options(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The workers build their backend from the run's settings: nothing process-wide."""
    import pickle

    from extractor.batch import BatchOptions
    from extractor.distributed.worker import DocumentWorker

    config = LLMConfig(base_url="http://127.0.0.1:9/v1", model="m", api_key="k")
    options = BatchOptions(out_dir=tmp_path, backend="hybrid", llm=config)
    shipped = pickle.loads(pickle.dumps(options))  # as Ray sends it to an actor
    worker = DocumentWorker(shipped, warm_up=False)
    assert worker.backend.name == "hybrid" and worker.backend.config.model == "m"
    assert worker.backend.config.key_value() == "k"
    worker.close()


def test_settings_are_checked() -> None:
    with pytest.raises(ValueError, match="inputs"):
        RayOptions(inputs="nfs")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        RayOptions(max_retries=-1)


def test_pool_size_follows_the_cluster_unless_told() -> None:
    assert pool_size(RayOptions(), cluster_cpus=16, tasks=100) == 16
    assert pool_size(RayOptions(cpus_per_worker=2), cluster_cpus=16, tasks=100) == 8
    assert pool_size(RayOptions(ocr_workers=40), cluster_cpus=16, tasks=100) == 40
    assert pool_size(RayOptions(), cluster_cpus=16, tasks=3) == 3
    assert pool_size(RayOptions(), cluster_cpus=0, tasks=3) == 1


def test_the_dashboard_link_is_a_url() -> None:
    assert _dashboard(SimpleNamespace(dashboard_url="127.0.0.1:8265")) == "http://127.0.0.1:8265"
    assert _dashboard(SimpleNamespace(dashboard_url="")) is None
