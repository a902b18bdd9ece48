"""The driver's loop: hand documents to idle actors, collect results, write them,
retry what a dead actor lost, stop what runs over the time limit, show progress.

Every result is written here, by the driver, from what an attempt returned: an
attempt whose actor died returns nothing, so a retried document is still written
once. Retries are bounded (`RayOptions.max_retries`); a document's own error
(unreadable, no form) is recorded and never retried.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console

from extractor.batch import BatchOptions, DocOutcome, keep_reading, progress_bar, write_outputs
from extractor.distributed.options import RayOptions
from extractor.distributed.pool import ActorPool, Slot
from extractor.distributed.report import (
    RayDocOutcome,
    outcome_from_payload,
    ray_result_line,
)
from extractor.ocr.sidecar import SourceReading

# called when a document is handed to an actor: (doc_id, actor handle, attempt number)
AssignHook = Callable[[str, Any, int], None]
WAIT_NOTICE = 60.0  # seconds without a started actor before the run says why it waits


@dataclass
class RayTask:
    plan: Any  # the batch planner's task: index, path, doc_id, sha256, pages_estimate
    attempts: int = 0
    retries: list[str] = field(default_factory=list)
    data: Any = None  # ObjectRef of the file's bytes (object-store inputs)


def lost_reason(exc: BaseException) -> str:
    """Why an attempt was lost, in the report's words."""
    name = type(exc).__name__
    if "OutOfMemory" in name:
        return f"内存不足，工作进程被终止（{name}）"
    if "NodeDied" in name:
        return f"节点失联（{name}）"
    return f"工作进程意外退出（{name}）"


class RayRun:
    def __init__(
        self,
        options: BatchOptions,
        ray_options: RayOptions,
        console: Console,
        tasks: list[Any],
        pool: ActorPool,
        by_object: bool,
        on_assign: AssignHook | None = None,
    ) -> None:
        import ray

        self.ray = ray
        self.options = options
        self.ray_options = ray_options
        self.console = console
        self.pool = pool
        self.by_object = by_object
        self.on_assign = on_assign
        ordered = sorted(tasks, key=lambda t: (-t.pages_estimate, t.index))  # longest first
        self.pending: deque[RayTask] = deque(RayTask(t) for t in ordered)
        self.outcomes: dict[int, DocOutcome] = {}
        self.readings: dict[str, SourceReading] = {}
        self.total_docs = len(tasks)
        self.progress = progress_bar(console)
        self.bar = self.progress.add_task(
            "处理中", total=sum(t.pages_estimate for t in tasks), docs=f"0/{len(tasks)}"
        )
        self.progress_refs: dict[Any, Slot] = {}
        self.last_poll = 0.0
        self.start_error = ""
        self.started = time.monotonic()
        self.any_ready = False
        self.warned = False

    # --- bookkeeping --------------------------------------------------------------------

    def finish(self, task: RayTask, outcome: RayDocOutcome) -> None:
        plan_task = task.plan
        outcome.attempts = max(1, task.attempts)
        outcome.retries = list(task.retries)
        self.outcomes[plan_task.index] = outcome
        task.data = None  # the bytes may leave the object store
        remaining = plan_task.pages_estimate - plan_task.pages_seen
        if remaining > 0:
            plan_task.pages_seen += remaining
            self.progress.advance(self.bar, remaining)
        self.progress.update(self.bar, docs=f"{len(self.outcomes)}/{self.total_docs}")
        self.progress.console.print(ray_result_line(outcome), highlight=False)

    def on_page(self, task: RayTask, pages: int) -> None:
        plan_task = task.plan
        pages = min(pages, plan_task.pages_estimate)
        if pages > plan_task.pages_seen:
            self.progress.advance(self.bar, pages - plan_task.pages_seen)
            plan_task.pages_seen = pages

    def _outcome(self, task: RayTask, **fields: Any) -> RayDocOutcome:
        plan_task = task.plan
        return RayDocOutcome(
            path=str(plan_task.path), doc_id=plan_task.doc_id, sha256=plan_task.sha256, **fields
        )

    # --- handing out work ---------------------------------------------------------------

    def assign(self) -> None:
        idle = self.pool.idle()
        while idle and self.pending:
            task = self.pending.popleft()
            if self.by_object and task.data is None:
                try:
                    task.data = self.ray.put(Path(task.plan.path).read_bytes())
                except OSError as exc:
                    reason = f"无法读取：{exc}"
                    self.finish(task, self._outcome(task, status="failed", reason=reason))
                    continue
            slot = idle.pop(0)
            task.attempts += 1
            self.pool.submit(slot, task, task.data)
            if self.on_assign is not None:
                self.on_assign(task.plan.doc_id, slot.actor, task.attempts)

    # --- results ------------------------------------------------------------------------

    def handle_ready(self, slot: Slot, ref: Any) -> None:
        try:
            slot.info = self.ray.get(ref)
        except self.ray.exceptions.RayError as exc:
            self.start_error = f"{type(exc).__name__}: {exc}"[:500]
            slot.start_failures += 1
            if slot.start_failures >= self.ray_options.start_failures:
                slot.dead = True
                self.pool.kill(slot)
            else:
                self.pool.replace(slot)
            return
        slot.ready_ref = None
        slot.start_failures = 0
        self.any_ready = True

    def handle_result(self, slot: Slot, ref: Any) -> None:
        task: RayTask = slot.task
        exceptions = self.ray.exceptions
        try:
            status, value, facts = self.ray.get(ref)
        except exceptions.RayTaskError as exc:  # process() itself raised: not a lost worker
            self.pool.release(slot)
            reason = f"{type(exc.cause).__name__ if exc.cause else 'RayTaskError'}: {exc}"
            self.finish(task, self._outcome(task, status="failed", reason=reason[:500]))
            return
        except exceptions.RayError as exc:  # the actor (or its node) is gone
            self.pool.replace(slot)
            self.lost(task, lost_reason(exc))
            return
        self.pool.release(slot)
        seconds = round(time.monotonic() - slot.started, 3)
        if status == "done":
            plan_task = task.plan
            outcome = outcome_from_payload(
                plan_task.path, plan_task.doc_id, plan_task.sha256, value
            )
            try:
                outcome.output = str(write_outputs(value, self.options.out_dir))
            except OSError as exc:
                outcome.status, outcome.reason = "failed", f"无法写出结果：{exc}"
            else:
                keep_reading(self.readings, value, self.options)
        else:
            outcome = self._outcome(task, status="failed", reason=value)
        outcome.seconds = seconds
        outcome.worker_peak_mb = facts.get("peak_mb")
        outcome.node = facts.get("node")
        outcome.worker_seconds = facts.get("seconds")
        self.finish(task, outcome)
        if slot.done >= self.options.recycle_after and self.pending:
            self.pool.replace(slot)  # bound a long-lived worker's memory, as locally

    def lost(self, task: RayTask, reason: str) -> None:
        task.retries.append(reason)
        if len(task.retries) <= self.ray_options.max_retries:
            self.pending.appendleft(task)  # next free actor: another process, maybe node
            return
        outcome = self._outcome(
            task,
            status="crashed",
            reason=f"{reason}；共尝试 {task.attempts} 次均未完成，不再重试",
        )
        self.finish(task, outcome)

    # --- watching -----------------------------------------------------------------------

    def police(self) -> None:
        limit = self.options.timeout
        if not limit or limit <= 0:  # None or 0: no limit, as locally
            return
        now = time.monotonic()
        for slot in self.pool.busy():
            if now - slot.started > limit:
                task: RayTask = slot.task
                self.pool.replace(slot)
                reason = f"超过单个文档的时间限制（{limit:g} 秒）"
                outcome = self._outcome(
                    task, status="timeout", reason=reason, seconds=round(now - slot.started, 2)
                )
                self.finish(task, outcome)

    def poll_progress(self) -> None:
        """Pages done of the documents in hand, asked of their actors now and then."""
        now = time.monotonic()
        interval = max(self.ray_options.progress_interval, len(self.pool.busy()) / 200)
        if now - self.last_poll < interval:
            return
        self.last_poll = now
        if self.progress_refs:
            refs = list(self.progress_refs)
            ready, _ = self.ray.wait(refs, num_returns=len(refs), timeout=0)
            for ref in ready:
                slot = self.progress_refs[ref]
                try:
                    index, pages = self.ray.get(ref)
                except self.ray.exceptions.RayError:
                    continue
                if slot.task is not None and slot.task.plan.index == index:
                    self.on_page(slot.task, pages)
        self.progress_refs = self.pool.progress_refs()

    def loop(self) -> None:
        while self.pending or self.pool.busy():
            if not self.pool.alive():
                self.give_up()
                return
            self.assign()
            waiting: dict[Any, tuple[str, Slot]] = {}
            for slot in self.pool.starting():
                waiting[slot.ready_ref] = ("ready", slot)
            for slot in self.pool.busy():
                waiting[slot.ref] = ("result", slot)
            if waiting:
                refs = list(waiting)
                done, rest = self.ray.wait(refs, num_returns=1, timeout=0.5)
                if done and rest:
                    more, _ = self.ray.wait(rest, num_returns=len(rest), timeout=0)
                    done += more
                for ref in done:
                    kind, slot = waiting[ref]
                    if kind == "ready":
                        self.handle_ready(slot, ref)
                    else:
                        self.handle_result(slot, ref)
            self.police()
            self.poll_progress()
            self.notice_waiting()

    def notice_waiting(self) -> None:
        """Say so when no actor could start for a while: the cluster lacks the CPUs
        (an autoscaling cluster may still be adding nodes)."""
        if self.any_ready or self.warned or time.monotonic() - self.started < WAIT_NOTICE:
            return
        self.warned = True
        cpus = self.ray_options.cpus_per_worker
        self.progress.console.print(
            f"[yellow]等待 Ray 分配资源：{len(self.pool.slots)} 个 OCR 工作进程各需 {cpus:g} 个 "
            "CPU，尚无一个启动（集群 CPU 不足，或仍在扩容）[/yellow]",
            highlight=False,
        )

    def give_up(self) -> None:
        reason = f"Ray 工作进程无法启动：{self.start_error or '未知原因'}"
        while self.pending:
            task = self.pending.popleft()
            self.finish(task, self._outcome(task, status="failed", reason=reason))

    def interrupted(self) -> None:
        for slot in self.pool.busy():
            task: RayTask = slot.task
            self.outcomes[task.plan.index] = self._outcome(
                task, status="interrupted", reason="运行被中断（Ctrl-C），未写出结果"
            )
        for task in self.pending:
            self.outcomes[task.plan.index] = self._outcome(
                task, status="interrupted", reason="运行被中断（Ctrl-C），尚未处理"
            )
        self.pending.clear()
