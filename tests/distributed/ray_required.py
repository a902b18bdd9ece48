"""Import Ray for the tests that run on it, on 127.0.0.1 only.

Ray is an optional extra. Without it these tests are skipped on a developer's machine
but FAIL under CI (CI=true): .ci/run must `pip install 'ray[default]'`.

Two environment settings come first, before Ray is imported: a local instance binds
to the loopback address (Ray would otherwise pick the machine's network address) and
sends no usage statistics.
"""

from __future__ import annotations

import os
from types import ModuleType

import pytest

os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"  # node address 127.0.0.1
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")


def import_ray() -> ModuleType:
    try:
        import ray
    except ImportError:
        if os.environ.get("CI"):
            raise RuntimeError(
                "ray is not installed: .ci/run must pip install 'ray[default]>=2.9'"
            ) from None
        pytest.skip("ray not installed (pip install 'ray[default]')", allow_module_level=True)
    return ray
