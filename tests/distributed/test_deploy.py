"""The cluster examples under deploy/ are what Ray and KubeRay accept: the `ray up`
file goes through Ray's own configuration checks (offline, nothing is started), the
RayJob runs `extractor run --executor ray` on a head that keeps its CPUs for the
driver, and the image's Ray version is the RayJob's."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from tests.distributed.ray_required import import_ray

import_ray()
DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def test_the_ray_up_file_passes_rays_checks() -> None:
    from ray.autoscaler._private.commands import _bootstrap_config

    config = yaml.safe_load((DEPLOY / "ray-cluster.yaml").read_text(encoding="utf-8"))
    prepared = _bootstrap_config(config, no_config_cache=True)  # validates against the schema
    workers = len(config["provider"]["worker_ips"])
    assert config["max_workers"] == workers
    (node_type,) = prepared["available_node_types"].values()
    assert node_type["min_workers"] == workers
    assert any('".[ray]"' in c for c in config["setup_commands"])
    assert any("--head" in c for c in config["head_start_ray_commands"])


def test_the_rayjob_runs_the_batch_on_ray() -> None:
    job = yaml.safe_load((DEPLOY / "kuberay-rayjob.yaml").read_text(encoding="utf-8"))
    assert job["apiVersion"] == "ray.io/v1" and job["kind"] == "RayJob"
    spec = job["spec"]
    words = spec["entrypoint"].split()
    assert words[:2] == ["extractor", "run"]
    assert words[words.index("--executor") + 1] == "ray"
    assert words[words.index("--ray-address") + 1] == "auto"
    cluster = spec["rayClusterSpec"]
    head = cluster["headGroupSpec"]
    assert head["rayStartParams"]["num-cpus"] == "0"
    images = {c["image"] for c in head["template"]["spec"]["containers"]}
    for group in cluster["workerGroupSpecs"]:
        images |= {c["image"] for c in group["template"]["spec"]["containers"]}
    assert len(images) == 1
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    match = re.search(r"rayproject/ray:(\d+\.\d+\.\d+)-py3(\d+)", dockerfile)
    assert match and match.group(1) == cluster["rayVersion"] and int(match.group(2)) >= 11
    assert '"/home/ray/extractor[ray]"' in dockerfile
