"""Connecting to Ray: a local instance, an existing cluster, or Ray Client.

Ray is an optional extra (`pip install 'budget-extractor[ray]'`); `ray_problem()` says
what to install when it is missing, before any work starts.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from extractor.distributed.options import RayOptions
from extractor.errors import ExtractorError

INSTALL_HINT = (
    "未安装 Ray：pip install 'budget-extractor[ray]'（或 pip install 'ray[default]>=2.9'）"
)


class RayUnavailable(ExtractorError, RuntimeError):
    """Ray is not installed, or the cluster cannot be reached. Shown as is."""


def ray_problem() -> str | None:
    """Why `--executor ray` cannot run here, or None."""
    try:
        import ray  # noqa: F401
    except ImportError:
        return INSTALL_HINT
    return None


def _quiet_defaults() -> None:
    # an offline tool: no usage statistics sent home (a user may still turn them on)
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")


@dataclass
class Cluster:
    """The Ray connection of one run, and what the run learnt about the cluster."""

    started_here: bool  # this run called ray.init (and so shuts it down)
    dashboard: str | None = None
    client: bool = False  # Ray Client (ray://): the driver's files are not on the nodes
    facts: dict[str, Any] = field(default_factory=dict)

    def cpus(self) -> float:
        import ray

        return float(ray.cluster_resources().get("CPU", 0.0))

    def nodes(self) -> int:
        import ray

        return sum(1 for node in ray.nodes() if node.get("Alive"))

    def describe(self) -> dict[str, Any]:
        return {
            "nodes": self.nodes(),
            "cpus": self.cpus(),
            "dashboard": self.dashboard,
            "client": self.client,
        }

    def close(self) -> None:
        if self.started_here:
            import ray

            ray.shutdown()


def _dashboard(context: Any) -> str | None:
    url = getattr(context, "dashboard_url", None)
    if url is None:
        try:
            from ray._private.worker import get_dashboard_url

            url = get_dashboard_url()
        except Exception:  # Ray Client, or no dashboard: there is no link to show
            url = None
    if not url:
        return None
    return url if "://" in url else f"http://{url}"


def connect(options: RayOptions) -> Cluster:
    """Join (or start) Ray as `options.address` says; reuse a connection made before."""
    _quiet_defaults()
    try:
        import ray
    except ImportError:
        raise RayUnavailable(INSTALL_HINT) from None
    if ray.is_initialized():
        client = bool(getattr(ray.util.client.ray, "is_connected", lambda: False)())
        return Cluster(started_here=False, dashboard=_dashboard(None), client=client)
    # Ray's own INFO lines repeat what the run prints (the dashboard link); warnings stay
    kwargs: dict[str, Any] = {"log_to_driver": options.log_to_driver, "logging_level": "WARNING"}
    if options.runtime_env:
        kwargs["runtime_env"] = options.runtime_env
    address = options.address
    starts_local = address in (None, "local")
    if starts_local:
        if options.num_cpus is not None:
            kwargs["num_cpus"] = options.num_cpus
        if options.include_dashboard is not None:
            kwargs["include_dashboard"] = options.include_dashboard
    try:
        context = ray.init(address=address, **kwargs)
    except (ConnectionError, ValueError, RuntimeError) as exc:
        raise RayUnavailable(f"无法连接 Ray 集群（{address or '默认'}）：{exc}") from exc
    client = bool(address and address.startswith("ray://"))
    return Cluster(started_here=True, dashboard=_dashboard(context), client=client)
