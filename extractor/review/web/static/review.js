// 绩效表审核 — the document page's behaviour. Every string from a document is put in
// the page with textContent (never innerHTML), so report text cannot run as code.
"use strict";

(function () {
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const reviewerInput = document.getElementById("reviewer");
  const help = document.getElementById("help");

  // --- reviewer name, kept in this browser -------------------------------------------
  const storedReviewer = window.localStorage.getItem("reviewer");
  reviewerInput.value = storedReviewer || document.querySelector('meta[name="reviewer-default"]').content || "";
  reviewerInput.addEventListener("change", () => window.localStorage.setItem("reviewer", reviewerInput.value.trim()));

  function toggleHelp(show) {
    help.hidden = show === undefined ? !help.hidden : !show;
  }
  document.getElementById("help-button").addEventListener("click", () => toggleHelp());
  help.addEventListener("click", () => toggleHelp(false));

  const root = document.getElementById("doc-root");
  if (!root) {
    document.addEventListener("keydown", (event) => {
      if (event.key === "?") toggleHelp();
      if (event.key === "Escape") toggleHelp(false);
    });
    return;
  }

  // --- document page -------------------------------------------------------------------
  const docId = root.dataset.doc;
  const $ = (id) => document.getElementById(id);
  const panelEmpty = $("panel-empty");
  const panelBody = $("panel-body");
  const input = $("f-input");
  const note = $("f-note");
  let current = null; // {project, path, version, editable, undo}
  let pendingNote = false;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function same(node, project, path) {
    return node.dataset.project === project && node.dataset.path === path;
  }

  function markSelected() {
    document.querySelectorAll(".selected").forEach((n) => n.classList.remove("selected"));
    if (!current) return;
    document.querySelectorAll("[data-path]").forEach((n) => {
      if (same(n, current.project, current.path) && !n.classList.contains("audit-entry")) n.classList.add("selected");
    });
  }

  function showMessage(text, isError) {
    const box = $("f-message");
    box.textContent = text;
    box.className = isError ? "message error" : "message";
    box.hidden = !text;
  }

  function renderSource(source) {
    const pre = $("f-source");
    clear(pre);
    if (!source) {
      $("f-page").textContent = "";
      pre.appendChild(el("span", "muted", "没有这个字段的原文位置（或导入时未找到原文）。"));
      return;
    }
    $("f-page").textContent = `第 ${source.page} 页`;
    pre.appendChild(document.createTextNode(source.before));
    const mark = el("mark");
    if (source.focus) {
      const [a, b] = source.focus;
      mark.appendChild(document.createTextNode(source.mark.slice(0, a)));
      mark.appendChild(el("b", null, source.mark.slice(a, b)));
      mark.appendChild(document.createTextNode(source.mark.slice(b)));
    } else {
      mark.textContent = source.mark;
    }
    pre.appendChild(mark);
    pre.appendChild(document.createTextNode(source.after));
    // Scroll the highlighted stretch into the middle of the box.
    pre.scrollTop = Math.max(0, mark.offsetTop - pre.offsetTop - pre.clientHeight / 3);
  }

  function renderFlags(flags) {
    const list = $("f-flags");
    clear(list);
    for (const flag of flags) {
      const item = el("li", `sev-${flag.severity} st-${flag.status}`);
      const head = el("div");
      head.appendChild(el("span", `badge sev-${flag.severity}`, flag.severity_name));
      head.appendChild(document.createTextNode(" "));
      head.appendChild(el("strong", null, flag.status_name));
      head.appendChild(el("span", "rule", `  ${flag.rule}`));
      item.appendChild(head);
      item.appendChild(el("div", null, flag.message));
      if (flag.expected !== "" || flag.found !== "") {
        const ef = el("div", "ef");
        ef.appendChild(el("span", "muted", "应为"));
        ef.appendChild(el("span", null, flag.expected || "—"));
        ef.appendChild(el("span", "muted", "表中为"));
        ef.appendChild(el("span", null, flag.found || "—"));
        item.appendChild(ef);
      }
      list.appendChild(item);
    }
    if (!flags.length) list.appendChild(el("li", "muted", "此字段没有问题；仍可确认或修改。"));
  }

  function renderHistory(history) {
    const list = $("f-history");
    clear(list);
    for (const h of history) {
      const item = el("li", h.active || h.decision === "undo" ? "" : "undone");
      item.appendChild(el("span", "muted", h.time));
      item.appendChild(el("strong", null, h.reviewer));
      item.appendChild(el("span", `decision d-${h.decision}`, h.decision_name));
      if (h.decision === "modify" || h.decision === "undo") {
        item.appendChild(el("span", "change", `${h.old || "（空）"} → ${h.new || "（空）"}`));
      }
      if (h.note) item.appendChild(el("span", "note", `“${h.note}”`));
      if (!h.active && h.decision !== "undo") item.appendChild(el("span", "muted", "（已撤销）"));
      list.appendChild(item);
    }
    if (!history.length) list.appendChild(el("li", "muted", "还没有决定。"));
  }

  function render(detail) {
    current = {
      project: detail.project,
      path: detail.path,
      version: detail.version,
      editable: detail.editable,
      undo: detail.undo,
    };
    panelEmpty.hidden = true;
    panelBody.hidden = false;
    $("f-label").textContent = detail.label;
    const status = $("f-status");
    status.textContent = detail.status_name;
    status.className = `status st-${detail.status}`;
    $("f-project").textContent = detail.project ? `${detail.project} ${detail.project_name}` : "全文";
    $("f-value").textContent = detail.editable ? detail.value || "（空）" : "—";
    $("f-extracted").textContent = detail.editable ? (detail.modified ? detail.extracted || "（空）" : "同上") : "—";
    renderFlags(detail.flags);
    renderSource(detail.source);
    renderHistory(detail.history);
    $("modify-form").hidden = !detail.editable;
    input.value = detail.editable ? detail.value : "";
    input.placeholder = detail.kind === "number" ? "输入数字，如 9.5" : "输入正确的值";
    input.inputMode = detail.kind === "number" ? "decimal" : "text";
    $("act-undo").disabled = !detail.undo;
    $("act-undo").title = detail.undo ? `撤销：${detail.undo.decision_name}` : "没有可撤销的决定";
    markSelected();
  }

  async function request(url, options) {
    const response = await fetch(url, { credentials: "same-origin", ...options });
    let body = null;
    try {
      body = await response.json();
    } catch (_error) {
      body = { error: `服务器返回了 ${response.status}` };
    }
    return { ok: response.ok, status: response.status, body };
  }

  async function select(project, path, keepMessage) {
    const params = new URLSearchParams({ project, path });
    const result = await request(`/api/documents/${encodeURIComponent(docId)}/field?${params}`);
    if (!result.ok) {
      showMessage(result.body.error || "无法读取该字段", true);
      return;
    }
    render(result.body);
    if (!keepMessage) showMessage("", false);
    const target = [...document.querySelectorAll("#forms [data-path]")].find((n) => same(n, project, path));
    if (target) target.scrollIntoView({ block: "nearest", inline: "nearest" });
    const flagItem = [...document.querySelectorAll("#flags .flag")].find((n) => same(n, project, path));
    if (flagItem) flagItem.scrollIntoView({ block: "nearest" });
  }

  async function refreshPage() {
    const response = await fetch(window.location.pathname, { credentials: "same-origin" });
    if (!response.ok) return;
    const html = await response.text();
    const fresh = new DOMParser().parseFromString(html, "text/html");
    for (const id of ["summary", "flags", "forms", "audit"]) {
      const old = document.getElementById(id);
      const replacement = fresh.getElementById(id);
      if (old && replacement) old.replaceWith(document.importNode(replacement, true));
    }
    markSelected();
  }

  async function decide(action) {
    if (!current) return;
    const reviewer = reviewerInput.value.trim();
    if (!reviewer) {
      showMessage("请先在右上角填写审核人姓名", true);
      reviewerInput.focus();
      return;
    }
    window.localStorage.setItem("reviewer", reviewer);
    const body = {
      project: current.project,
      path: current.path,
      action,
      value: action === "modify" ? input.value : null,
      note: note.value,
      reviewer,
      version: current.version,
    };
    const result = await request(`/api/documents/${encodeURIComponent(docId)}/decisions`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body),
    });
    if (!result.ok) {
      showMessage(result.body.error || "保存失败", true);
      if (result.status === 409) {
        await refreshPage();
        const keep = { ...current };
        await select(keep.project, keep.path, true);
      }
      return;
    }
    note.value = "";
    pendingNote = false;
    await refreshPage();
    render(result.body.field);
    showMessage(result.body.message, false);
    if (action === "confirm" || action === "source_error") moveToFlag(1, true, true);
  }

  function flagItems(openOnly) {
    return [...document.querySelectorAll("#flags .flag")].filter((n) => !openOnly || n.dataset.status === "open");
  }

  function moveToFlag(step, openOnly, keepMessage) {
    const items = flagItems(openOnly);
    if (!items.length) return;
    const all = flagItems(false);
    const here = current ? all.findIndex((n) => same(n, current.project, current.path)) : -1;
    let next;
    if (step > 0) {
      next = items.find((n) => all.indexOf(n) > here) || items[0];
    } else {
      next = [...items].reverse().find((n) => all.indexOf(n) < here) || items[items.length - 1];
    }
    select(next.dataset.project, next.dataset.path, keepMessage);
  }

  // --- events ----------------------------------------------------------------------------
  document.addEventListener("click", (event) => {
    const target = event.target.closest("[data-path]");
    if (!target || !root.contains(target) || target.closest("#panel")) return;
    select(target.dataset.project, target.dataset.path);
  });
  $("act-confirm").addEventListener("click", () => decide("confirm"));
  $("act-undo").addEventListener("click", () => decide("undo"));
  $("act-source").addEventListener("click", () => {
    if (!note.value.trim()) {
      pendingNote = true;
      showMessage("请在「说明」中写明原文哪里错了，然后按 Enter", true);
      note.focus();
      return;
    }
    decide("source_error");
  });
  $("modify-form").addEventListener("submit", (event) => {
    event.preventDefault();
    decide("modify");
  });
  note.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      if (pendingNote || note.value.trim()) decide("source_error");
    }
  });

  document.addEventListener("keydown", (event) => {
    const typing = event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement;
    if (event.key === "Escape") {
      if (typing) event.target.blur();
      toggleHelp(false);
      return;
    }
    if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
    const key = event.key;
    const actions = {
      j: () => moveToFlag(1, false),
      k: () => moveToFlag(-1, false),
      n: () => moveToFlag(1, true),
      c: () => decide("confirm"),
      u: () => decide("undo"),
      x: () => $("act-source").click(),
      e: () => {
        if (current && current.editable) {
          input.focus();
          input.select();
        }
      },
      "?": () => toggleHelp(),
    };
    const action = actions[key.length === 1 ? key.toLowerCase() : key] || (key === "?" ? actions["?"] : null);
    if (action) {
      event.preventDefault();
      action();
    }
  });

  // Open the first open flag so the keyboard works from the start.
  const first = flagItems(true)[0];
  if (first) select(first.dataset.project, first.dataset.path);
})();
