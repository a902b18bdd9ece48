// 绩效表审核 — the document page's behaviour. Every string from a document is put in
// the page with textContent (never innerHTML), so report text cannot run as code.
//
// Keyboard safety: a decision shortcut acts only on the field whose panel the reviewer
// has had in view (not while a save or a load is under way, not in the first moments
// after the panel changed to another field, not from a held-down key), and focus
// leaves the input boxes after every decision, so a letter typed next is a shortcut,
// never text in the next field's box.
"use strict";

(function () {
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const reviewerInput = document.getElementById("reviewer");
  const help = document.getElementById("help");
  const SEEN_MS = 450; // a new field must be in view this long before C/X/U/E act on it

  // --- reviewer name: typed by the reviewer (kept in this browser), never guessed --------
  const storedReviewer = window.localStorage.getItem("reviewer");
  reviewerInput.value = storedReviewer || document.querySelector('meta[name="reviewer-default"]').content || "";
  function markReviewer() {
    reviewerInput.classList.toggle("needs-name", !reviewerInput.value.trim());
  }
  markReviewer();
  reviewerInput.addEventListener("input", markReviewer);
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
  let current = null; // {project, path, version, editable, undo, key}
  let shownAt = 0; // when the panel last changed to another field
  let busy = false; // a save is under way
  let loading = 0; // field loads under way
  let noteFor = null; // the field X asked a note for
  let settleTimer = 0;
  let selectSeq = 0;

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

  function keyOf(project, path) {
    return `${project}\u0000${path}`;
  }

  // Leave the panel's boxes (the value and the note), not the reviewer's name box.
  function leaveInputs() {
    const active = document.activeElement;
    if (active === input || active === note) active.blur();
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

  // --- page image ------------------------------------------------------------------------
  // Opened at twice the panel width, so the numbers in the box can be read; the zoom
  // the reviewer picks is kept from field to field.
  const viewer = { zoom: 2, otherZoom: 1, box: null, cell: null, url: "" };
  const imageBox = $("f-image-box");
  const scroller = $("f-image-scroll");
  const stage = $("f-image-stage");
  const image = $("f-image");
  const boxMark = $("f-box");
  const cellMark = $("f-cell");

  function layoutImage() {
    stage.style.width = `${Math.round(viewer.zoom * 100)}%`;
    $("zoom-fit").disabled = viewer.zoom === 1;
  }

  function centreOnBox() {
    if (!viewer.box || !image.complete) return;
    // The field's own cell when it is known, else the record's row.
    const target = viewer.cell ? cellMark : boxMark;
    const x = target.offsetLeft + target.offsetWidth / 2;
    const y = target.offsetTop + target.offsetHeight / 2;
    scroller.scrollLeft = Math.max(0, x - scroller.clientWidth / 2);
    scroller.scrollTop = Math.max(0, y - scroller.clientHeight / 2);
  }

  function setZoom(zoom) {
    viewer.zoom = Math.min(6, Math.max(1, zoom));
    layoutImage();
    centreOnBox();
  }

  function toggleBig(show) {
    const big = show === undefined ? !imageBox.classList.contains("expanded") : show;
    if (big !== imageBox.classList.contains("expanded")) {
      // Each view keeps its own zoom: the large one opens at the whole page's width.
      [viewer.zoom, viewer.otherZoom] = [viewer.otherZoom, viewer.zoom];
      layoutImage();
    }
    imageBox.classList.toggle("expanded", big);
    $("zoom-big").textContent = big ? "还原" : "大图";
    document.body.classList.toggle("viewer-open", big);
    window.requestAnimationFrame(centreOnBox);
  }

  function renderImage(info) {
    const noteLine = $("f-image-note");
    const shown = info && info.image;
    noteLine.textContent = info && info.note ? info.note : "";
    noteLine.hidden = !noteLine.textContent;
    noteLine.className = shown ? "image-note" : "image-note problem";
    if (!shown) {
      imageBox.hidden = true;
      viewer.box = null;
      if (imageBox.classList.contains("expanded")) toggleBig(false);
      return;
    }
    imageBox.hidden = false;
    $("f-image-page").textContent = `第 ${shown.page} 页`;
    const [w, h] = [shown.width, shown.height];
    viewer.box = shown.bbox;
    viewer.cell = shown.bbox ? shown.cell : null;
    for (const [mark, box] of [
      [boxMark, viewer.box],
      [cellMark, viewer.cell],
    ]) {
      if (!box) {
        mark.hidden = true;
        continue;
      }
      const [x0, y0, x1, y1] = box;
      mark.style.left = `${(100 * x0) / w}%`;
      mark.style.top = `${(100 * y0) / h}%`;
      mark.style.width = `${(100 * (x1 - x0)) / w}%`;
      mark.style.height = `${(100 * (y1 - y0)) / h}%`;
      mark.hidden = false;
    }
    if (viewer.url !== shown.url) {
      viewer.url = shown.url;
      image.dataset.loaded = "";
      image.src = shown.url;
    }
    layoutImage();
    if (image.complete && image.dataset.loaded) window.requestAnimationFrame(centreOnBox);
  }

  image.addEventListener("load", () => {
    image.dataset.loaded = "1";
    centreOnBox();
  });
  image.addEventListener("error", () => {
    const noteLine = $("f-image-note");
    noteLine.textContent = "页面图像加载失败（原文件可能已移动或删除）";
    noteLine.className = "image-note problem";
    noteLine.hidden = false;
    imageBox.hidden = true;
  });
  $("zoom-in").addEventListener("click", () => setZoom(viewer.zoom * 1.5));
  $("zoom-out").addEventListener("click", () => setZoom(viewer.zoom / 1.5));
  $("zoom-fit").addEventListener("click", () => setZoom(1));
  $("zoom-big").addEventListener("click", () => toggleBig());
  scroller.addEventListener(
    "wheel",
    (event) => {
      if (!event.ctrlKey) return;
      event.preventDefault();
      setZoom(viewer.zoom * (event.deltaY < 0 ? 1.25 : 0.8));
    },
    { passive: false },
  );

  // --- panel -------------------------------------------------------------------------------
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
      if (flag.figures && flag.figures.length) {
        const ef = el("div", "ef");
        for (const [label, value] of flag.figures) {
          ef.appendChild(el("span", "muted", label));
          ef.appendChild(el("span", null, value));
        }
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
    const key = keyOf(detail.project, detail.path);
    const moved = !current || current.key !== key;
    current = {
      project: detail.project,
      path: detail.path,
      version: detail.version,
      editable: detail.editable,
      undo: detail.undo,
      key,
    };
    if (moved) {
      // Another field: nothing typed for the previous one carries over, and decision
      // shortcuts wait until the reviewer has had it in view.
      shownAt = performance.now();
      noteFor = null;
      note.value = "";
      leaveInputs();
      panelBody.classList.add("settling");
      window.clearTimeout(settleTimer);
      settleTimer = window.setTimeout(() => panelBody.classList.remove("settling"), SEEN_MS);
    }
    panelEmpty.hidden = true;
    panelBody.hidden = false;
    panelBody.dataset.project = detail.project;
    panelBody.dataset.field = detail.path;
    $("f-label").textContent = detail.label;
    const status = $("f-status");
    status.textContent = detail.status_name;
    status.className = `status st-${detail.status}`;
    $("f-project").textContent = detail.project ? `${detail.project} ${detail.project_name}` : "全文";
    $("f-value").textContent = detail.editable ? detail.value || "（空）" : "—";
    $("f-extracted").textContent = detail.editable ? (detail.modified ? detail.extracted || "（空）" : "同上") : "—";
    renderFlags(detail.flags);
    renderImage(detail.page_image);
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
    let response;
    try {
      response = await fetch(url, { credentials: "same-origin", ...options });
    } catch (_error) {
      return { ok: false, status: 0, body: { error: "无法连接审核服务，请检查服务是否仍在运行" } };
    }
    let body = null;
    try {
      body = await response.json();
    } catch (_error) {
      body = { error: `服务器返回了 ${response.status}` };
    }
    return { ok: response.ok, status: response.status, body };
  }

  async function select(project, path, keepMessage) {
    const mine = ++selectSeq; // only the latest selection may fill the panel
    loading += 1;
    try {
      const params = new URLSearchParams({ project, path });
      const result = await request(`/api/documents/${encodeURIComponent(docId)}/field?${params}`);
      if (mine !== selectSeq) return false;
      if (!result.ok) {
        showMessage(result.body.error || "无法读取该字段", true);
        return false;
      }
      render(result.body);
      if (!keepMessage) showMessage("", false);
      const target = [...document.querySelectorAll("#forms [data-path]")].find((n) => same(n, project, path));
      if (target) target.scrollIntoView({ block: "nearest", inline: "nearest" });
      const flagItem = [...document.querySelectorAll("#flags .flag")].find((n) => same(n, project, path));
      if (flagItem) flagItem.scrollIntoView({ block: "nearest" });
      return true;
    } finally {
      loading -= 1;
    }
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
    if (!current || busy) return;
    const reviewer = reviewerInput.value.trim();
    if (!reviewer) {
      showMessage("请先在右上角填写审核人姓名（记入审核记录）", true);
      markReviewer();
      reviewerInput.focus();
      return;
    }
    window.localStorage.setItem("reviewer", reviewer);
    const asked = { ...current };
    const typed = input.value;
    const typedNote = note.value;
    const body = {
      project: asked.project,
      path: asked.path,
      action,
      value: action === "modify" ? typed : null,
      note: typedNote,
      reviewer,
      version: asked.version,
    };
    busy = true;
    const seqAtStart = selectSeq;
    try {
      const result = await request(`/api/documents/${encodeURIComponent(docId)}/decisions`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify(body),
      });
      if (!result.ok) {
        if (result.status === 409) {
          // Someone else saved first: show the field as it is now, keep what was typed.
          await refreshPage();
          await select(asked.project, asked.path, true);
          if (action === "modify") input.value = typed;
          note.value = typedNote;
          const kept = action === "modify" && typed ? `您输入的「${typed}」仍在输入框中，核对后可再次保存。` : "";
          showMessage(`${result.body.error || "保存冲突"}${kept}`, true);
        } else {
          showMessage(result.body.error || "保存失败", true);
        }
        return;
      }
      note.value = "";
      noteFor = null;
      leaveInputs();
      if (result.body.revalidating) afterRecheck(result.body.decision.id, asked, result.body.message);
      await refreshPage();
      if (selectSeq !== seqAtStart) {
        showMessage(result.body.message, false); // the reviewer has moved on meanwhile
        return;
      }
      render(result.body.field);
      showMessage(result.body.revalidating ? `${result.body.message}（正在重新校验…）` : result.body.message, false);
      if (action === "confirm" || action === "source_error") await moveToFlag(1, true, true);
    } finally {
      busy = false;
    }
  }

  // A change of value is saved at once and its flags re-checked just after: when they
  // are, redraw the page (and the panel, if it still shows that field).
  async function afterRecheck(decision, asked, message) {
    const seq = selectSeq;
    $("f-flags").classList.add("rechecking");
    const params = new URLSearchParams({ after: String(decision), wait: "20" });
    await request(`/api/documents/${encodeURIComponent(docId)}/validated?${params}`);
    $("f-flags").classList.remove("rechecking");
    await refreshPage();
    const typing = document.activeElement === input || document.activeElement === note;
    if (current && current.key === asked.key && selectSeq === seq && !typing) {
      await select(asked.project, asked.path, true);
      showMessage(message, false);
    }
  }

  function flagItems(openOnly) {
    return [...document.querySelectorAll("#flags .flag")].filter((n) => !openOnly || n.dataset.status === "open");
  }

  async function moveToFlag(step, openOnly, keepMessage) {
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
    await select(next.dataset.project, next.dataset.path, keepMessage);
  }

  function askNote() {
    if (!current) return;
    if (!note.value.trim()) {
      noteFor = current.key;
      showMessage("请在「说明」中写明原文哪里错了，然后按 Enter", true);
      note.focus();
      return;
    }
    decide("source_error");
  }

  // A shortcut that decides may act only on a field the reviewer has had in view.
  function mayDecide(event) {
    if (event && event.repeat) return false;
    if (!current || busy || loading) return false;
    if (performance.now() - shownAt < SEEN_MS) {
      showMessage("面板刚切换到新的问题，请看清后再按键", true);
      return false;
    }
    return true;
  }

  // --- events ----------------------------------------------------------------------------
  document.addEventListener("click", (event) => {
    const target = event.target.closest("[data-path]");
    if (!target || !root.contains(target) || target.closest("#panel")) return;
    select(target.dataset.project, target.dataset.path);
  });
  $("act-confirm").addEventListener("click", () => decide("confirm"));
  $("act-undo").addEventListener("click", () => decide("undo"));
  $("act-source").addEventListener("click", askNote);
  $("modify-form").addEventListener("submit", (event) => {
    event.preventDefault();
    if (busy || loading) return;
    decide("modify");
  });
  note.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    event.preventDefault();
    if (event.repeat || !current) return;
    if (noteFor === current.key && note.value.trim()) {
      decide("source_error");
    } else if (noteFor === current.key) {
      showMessage("「原文错误」需要填写说明（原文哪里错了）", true);
    } else {
      leaveInputs();
      showMessage("说明已填写：按 C 确认或 X 标记原文错误，说明随决定一起保存", false);
    }
  });

  document.addEventListener("keydown", (event) => {
    const typing =
      event.target instanceof HTMLInputElement ||
      event.target instanceof HTMLTextAreaElement ||
      event.target instanceof HTMLSelectElement;
    if (event.key === "Escape") {
      if (typing) event.target.blur();
      if (imageBox.classList.contains("expanded")) toggleBig(false);
      toggleHelp(false);
      return;
    }
    if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
    const key = event.key;
    const actions = {
      j: () => moveToFlag(1, false),
      k: () => moveToFlag(-1, false),
      n: () => moveToFlag(1, true),
      c: () => mayDecide(event) && decide("confirm"),
      u: () => mayDecide(event) && decide("undo"),
      x: () => mayDecide(event) && askNote(),
      e: () => {
        if (mayDecide(event) && current.editable) {
          input.focus();
          input.select();
        }
      },
      "+": () => setZoom(viewer.zoom * 1.5),
      "=": () => setZoom(viewer.zoom * 1.5),
      "-": () => setZoom(viewer.zoom / 1.5),
      0: () => setZoom(1),
      v: () => !imageBox.hidden && toggleBig(),
      "?": () => toggleHelp(),
    };
    const action = actions[key.length === 1 ? key.toLowerCase() : key];
    if (action) {
      event.preventDefault();
      action();
    }
  });

  // Open the first open flag so the keyboard works from the start.
  const first = flagItems(true)[0];
  if (first) select(first.dataset.project, first.dataset.path);
})();
