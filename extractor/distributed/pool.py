"""The driver's view of the OCR actor pool: one slot per actor, each holding at most
one document. A slot whose actor died, ran over the time limit or was recycled gets
a fresh actor (Ray places it wherever there is room)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from extractor.batch import BatchOptions
from extractor.distributed.options import RayOptions
from extractor.distributed.worker import DocumentWorker, worker_options

STATUS_GROUP = "status"  # progress() runs here, beside the document in hand


@dataclass
class Slot:
    number: int
    actor: Any
    generation: int = 0  # how many actors this slot has had before this one
    ready_ref: Any = None  # set until the actor has started
    info: dict[str, Any] = field(default_factory=dict)
    task: Any = None  # the RayTask in hand
    ref: Any = None  # its process() result
    started: float = 0.0
    done: int = 0  # documents this actor finished
    start_failures: int = 0
    dead: bool = False  # gave up on this slot (its actor never starts)


def pool_size(ray_options: RayOptions, cluster_cpus: float, tasks: int) -> int:
    """`ocr_workers`, else as many actors as the cluster's CPUs hold; never more than
    there are documents, never fewer than one."""
    wanted = ray_options.ocr_workers or int(cluster_cpus // ray_options.cpus_per_worker)
    return max(1, min(wanted, tasks))


class ActorPool:
    def __init__(
        self,
        size: int,
        options: BatchOptions,
        ray_options: RayOptions,
        limiter: Any,
        run_key: dict[str, str] | None = None,
    ) -> None:
        import ray

        self.ray = ray
        self.replaced = 0
        cpus = ray_options.cpus_per_worker
        self.actor_class = ray.remote(
            num_cpus=cpus,
            max_restarts=0,  # the driver replaces actors and retries their documents
            max_task_retries=0,
            concurrency_groups={STATUS_GROUP: 1},
        )(DocumentWorker)
        self.init_args = (
            worker_options(options, cpus),
            ray_options.processor,
            limiter,
            ray_options.limits.output_tokens_guess,
            ray_options.warm_up,
            run_key,
        )
        self.slots = [self._start(n, 0) for n in range(size)]

    def _start(self, number: int, generation: int) -> Slot:
        actor = self.actor_class.remote(*self.init_args)
        return Slot(number, actor, generation, ready_ref=actor.ready.remote())

    # --- views ------------------------------------------------------------------------

    def idle(self) -> list[Slot]:
        return [s for s in self.slots if not s.dead and s.ready_ref is None and s.task is None]

    def busy(self) -> list[Slot]:
        return [s for s in self.slots if s.task is not None]

    def starting(self) -> list[Slot]:
        return [s for s in self.slots if not s.dead and s.ready_ref is not None]

    def alive(self) -> bool:
        return any(not s.dead for s in self.slots)

    # --- changes ----------------------------------------------------------------------

    def submit(self, slot: Slot, task: Any, data: Any) -> None:
        slot.task = task
        slot.started = time.monotonic()
        path = task.plan.path
        where = str(path) if data is not None else str(path.resolve())
        slot.ref = slot.actor.process.remote(task.plan.index, where, data, str(path))

    def release(self, slot: Slot) -> None:
        slot.task = None
        slot.ref = None
        slot.done += 1

    def replace(self, slot: Slot) -> Slot:
        """Kill the slot's actor (if still alive) and start another in its place."""
        self.kill(slot)
        fresh = self._start(slot.number, slot.generation + 1)
        fresh.start_failures = slot.start_failures
        self.slots[self.slots.index(slot)] = fresh
        self.replaced += 1
        return fresh

    def kill(self, slot: Slot) -> None:
        try:
            self.ray.kill(slot.actor, no_restart=True)
        except Exception:  # already gone
            pass

    def progress_refs(self) -> dict[Any, Slot]:
        refs: dict[Any, Slot] = {}
        for slot in self.busy():
            ref = slot.actor.progress.options(concurrency_group=STATUS_GROUP).remote()
            refs[ref] = slot
        return refs

    def close(self) -> None:
        """End every actor, after it removed its staging folder (a few seconds at most)."""
        live = [s for s in self.slots if not s.dead]
        refs = [s.actor.close.remote() for s in live]
        if refs:
            try:
                self.ray.wait(refs, num_returns=len(refs), timeout=5)
            except Exception:  # an actor already gone: nothing of it to clean here
                pass
        for slot in self.slots:
            self.kill(slot)
