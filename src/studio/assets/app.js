// datagen studio: the editor, problems, sample and charts of the page.
// CodeMirror comes from editor.js (window.CM); the server's API is
// described in src/studio/server.go.
(function () {
  "use strict";
  const token = document.querySelector('meta[name="datagen-token"]').content;
  const canSave = document.querySelector('meta[name="datagen-can-save"]').content === "true";
  const initial = JSON.parse(document.getElementById("document").textContent);
  const $ = (id) => document.getElementById(id);
  let jsonSchema = null;

  // ---- API ----------------------------------------------------------
  async function api(path, body, signal) {
    const res = await fetch(path, {
      method: body === undefined ? "GET" : "POST",
      headers: { "X-Datagen-Token": token, "Content-Type": "application/json" },
      body, signal,
    });
    const data = await res.json();
    if (!res.ok) throw new Error(data.error || res.statusText);
    return data;
  }

  // ---- JSON paths ---------------------------------------------------
  // parsePath splits a problem path such as
  // nodes[1](orders).columns[0](id).generator into ["nodes", 1, "columns", 0, "generator"].
  function parsePath(path) {
    const out = [];
    let i = 0, key = "";
    const flush = () => { if (key !== "") { out.push(key); key = ""; } };
    while (i < path.length) {
      const c = path[i];
      if (c === ".") { flush(); i++; }
      else if (c === "[") {
        flush();
        const j = path.indexOf("]", i);
        out.push(Number(path.slice(i + 1, j)));
        i = j + 1;
      } else if (c === "(" && key === "") {
        let depth = 0, j = i;
        for (; j < path.length; j++) {
          if (path[j] === "(") depth++;
          else if (path[j] === ")" && --depth === 0) break;
        }
        i = j + 1;
      } else { key += c; i++; }
    }
    flush();
    return out;
  }

  const isValue = (n) => !["{", "}", "[", "]", ",", ":", "⚠", "LineComment", "BlockComment"].includes(n.name);
  function children(node) {
    const out = [];
    for (let c = node.firstChild; c; c = c.nextSibling) out.push(c);
    return out;
  }
  const keyOf = (state, prop) => {
    const n = prop.getChild("PropertyName");
    if (!n) return null;
    const t = state.sliceDoc(n.from, n.to);
    try { return JSON.parse(t); } catch (e) { return t.replace(/^"|"$/g, ""); }
  };
  const propValue = (prop) => children(prop).filter((c) => c.name !== "PropertyName" && isValue(c))[0] || null;

  // locate returns the range of the document that a problem path names:
  // the key of the last property found, or the first line of the value.
  function locate(state, path) {
    const tree = CM.syntaxTree(state);
    let node = tree.topNode.firstChild;
    while (node && !isValue(node)) node = node.nextSibling;
    let range = null;
    for (const seg of parsePath(path)) {
      if (!node) break;
      let next = null;
      if (typeof seg === "string" && node.name === "Object") {
        for (const p of children(node)) {
          if (p.name === "Property" && keyOf(state, p) === seg) {
            const k = p.getChild("PropertyName");
            range = { from: k.from, to: k.to };
            next = propValue(p);
          }
        }
      } else if (typeof seg === "number" && node.name === "Array") {
        const items = children(node).filter(isValue);
        if (seg < items.length) { next = items[seg]; range = firstLine(state, next); }
      }
      if (!next) {
        if (!range) range = firstLine(state, node);
        break;
      }
      node = next;
    }
    return range || { from: 0, to: Math.min(1, state.doc.length) };
  }
  function firstLine(state, node) {
    const line = state.doc.lineAt(node.from);
    return { from: node.from, to: Math.max(node.from + 1, Math.min(node.to, line.to)) };
  }

  // pathAt returns the path of the value that contains pos, as segments,
  // and the innermost Object or Array node around pos.
  function containerAt(state, pos) {
    let node = CM.syntaxTree(state).resolveInner(pos, -1);
    while (node && node.name !== "Object" && node.name !== "Array") node = node.parent;
    return node;
  }
  function pathOf(state, node) {
    const segs = [];
    for (let n = node; n && n.parent; n = n.parent) {
      const p = n.parent;
      if (p.name === "Property") segs.unshift(keyOf(state, p));
      else if (p.name === "Array") segs.unshift(children(p).filter(isValue).findIndex((c) => c.from === n.from));
    }
    return segs;
  }

  // ---- JSON Schema walking (for completion) ---------------------------
  function resolve(s) {
    let guard = 0;
    while (s && s.$ref && guard++ < 20) {
      const name = s.$ref.replace(/^#\/\$defs\//, "");
      s = Object.assign({}, jsonSchema.$defs[name], s, { $ref: undefined });
    }
    return s;
  }
  // expand lists s and every subschema it combines with (allOf, anyOf,
  // oneOf, then, else), resolved.
  function expand(s, out = [], depth = 0) {
    s = resolve(s);
    if (!s || typeof s !== "object" || depth > 8 || out.includes(s)) return out;
    out.push(s);
    for (const k of ["allOf", "anyOf", "oneOf"]) for (const sub of s[k] || []) expand(sub, out, depth + 1);
    for (const k of ["then", "else"]) if (s[k]) expand(s[k], out, depth + 1);
    return out;
  }
  function schemasAt(segs) {
    let cur = expand(jsonSchema);
    for (const seg of segs) {
      const next = [];
      for (const s of cur) {
        if (typeof seg === "number") {
          if (s.items && typeof s.items === "object") expand(s.items, next);
        } else if (s.properties && s.properties[seg]) expand(s.properties[seg], next);
        else if (s.additionalProperties && typeof s.additionalProperties === "object") expand(s.additionalProperties, next);
      }
      cur = next;
    }
    return cur;
  }

  function complete(ctx) {
    if (!jsonSchema) return null;
    const { state, pos } = ctx;
    const word = ctx.matchBefore(/"?[\w$.@-]*/);
    const from = word ? word.from : pos;
    if (!ctx.explicit && (!word || word.text === "")) return null;
    const before = state.sliceDoc(Math.max(0, from - 200), from).replace(/\s+$/, "");
    const prev = before[before.length - 1];
    const container = containerAt(state, from);
    if (!container) return null;
    // A closing quote that closeBrackets typed is replaced too.
    const to = state.sliceDoc(pos, pos + 1) === '"' && !/[\w$]/.test(state.sliceDoc(pos + 1, pos + 2)) ? pos + 1 : pos;
    if (container.name === "Object" && (prev === "{" || prev === ",")) {
      // The key is matched without its opening quote; applying it
      // replaces the quote too.
      const quoted = state.sliceDoc(from, from + 1) === '"';
      const insertKey = (k) => (view, _c, _f, end) => {
        const text = JSON.stringify(k) + ": ";
        view.dispatch({ changes: { from, to: end, insert: text }, selection: { anchor: from + text.length }, userEvent: "input.complete" });
      };
      const present = new Set(children(container).filter((c) => c.name === "Property").map((p) => keyOf(state, p)));
      const seen = new Set(), options = [];
      for (const s of schemasAt(pathOf(state, container))) {
        for (const [k, sub] of Object.entries(s.properties || {})) {
          if (seen.has(k) || present.has(k)) continue;
          seen.add(k);
          const r = resolve(sub) || {};
          options.push({
            label: k, type: "property", apply: insertKey(k),
            info: r.description || (sub && sub.description) || undefined,
            boost: (s.required || []).includes(k) ? 1 : 0,
          });
        }
      }
      return options.length ? { from: quoted ? from + 1 : from, to, options, validFor: /^[\w$.@-]*$/ } : null;
    }
    let segs = null;
    if (prev === ":" && container.name === "Object") {
      const m = before.match(/"((?:[^"\\]|\\.)*)"\s*:$/);
      if (!m) return null;
      segs = pathOf(state, container).concat([JSON.parse('"' + m[1] + '"')]);
    } else if ((prev === "[" || prev === ",") && container.name === "Array") {
      segs = pathOf(state, container).concat([0]);
    }
    if (!segs) return null;
    const seen = new Set(), options = [];
    const add = (v, info) => {
      const t = JSON.stringify(v);
      if (seen.has(t)) return;
      seen.add(t);
      options.push({ label: t, type: typeof v === "string" ? "enum" : "constant", info });
    };
    for (const s of schemasAt(segs)) {
      for (const v of s.enum || []) add(v, s.description);
      if ("const" in s) add(s.const, s.description);
      for (const v of s.examples || []) if (typeof v !== "object" || v === null) add(v, "example");
      const types = [].concat(s.type || []);
      if (types.includes("boolean")) { add(true); add(false); }
      if (types.includes("object") && !seen.has("{}")) { seen.add("{}"); options.push({ label: "{}", type: "keyword" }); }
      if (types.includes("array") && !seen.has("[]")) { seen.add("[]"); options.push({ label: "[]", type: "keyword" }); }
    }
    return options.length ? { from, to, options } : null;
  }

  // ---- the editor -----------------------------------------------------
  let saved = initial;
  const view = new CM.EditorView({
    parent: $("editor"),
    state: CM.EditorState.create({
      doc: initial,
      extensions: [
        CM.lineNumbers(), CM.highlightActiveLineGutter(), CM.highlightSpecialChars(), CM.history(),
        CM.foldGutter(), CM.drawSelection(), CM.indentOnInput(),
        CM.syntaxHighlighting(CM.defaultHighlightStyle, { fallback: true }), CM.bracketMatching(),
        CM.closeBrackets(), CM.autocompletion({ override: [complete], activateOnTyping: true }),
        CM.highlightActiveLine(), CM.highlightSelectionMatches(), CM.lintGutter(), CM.json(),
        CM.EditorView.lineWrapping,
        CM.keymap.of([
          { key: "Mod-s", preventDefault: true, run: () => { save(); return true; } },
          ...CM.closeBracketsKeymap, ...CM.defaultKeymap, ...CM.searchKeymap, ...CM.historyKeymap,
          ...CM.foldKeymap, ...CM.completionKeymap, ...CM.lintKeymap, CM.indentWithTab,
        ]),
        CM.EditorView.updateListener.of((u) => { if (u.docChanged) { markDirty(); schedule(); } }),
      ],
    }),
  });
  window.studioView = view; // for tests and the browser console

  function markDirty() {
    $("save").classList.toggle("dirty", view.state.doc.toString() !== saved);
  }

  // ---- live checks ------------------------------------------------------
  let timer = null, inflight = null, generation = 0;
  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  }
  function setStatus(text, cls) {
    const s = $("status");
    s.textContent = text;
    s.className = "status " + (cls || "");
  }

  async function refresh() {
    if (inflight) inflight.abort();
    const ctl = new AbortController();
    inflight = ctl;
    const gen = ++generation;
    const text = view.state.doc.toString();
    setStatus("checking…", "busy");
    try {
      const res = await api("/api/check", text, ctl.signal);
      if (gen !== generation) return;
      showProblems(res.problems, res.valid);
      if (!res.valid) {
        const n = res.problems.filter((p) => !p.warning).length;
        setStatus(n + (n === 1 ? " problem" : " problems"), "bad");
        $("sample").classList.add("stale");
        $("sample-note").textContent = "of the last valid schema";
        document.body.dataset.state = "invalid";
        return;
      }
      setStatus("valid · " + res.tables + " tables, " + res.columns + " columns · sampling…", "busy");
      const sample = await api("/api/sample", text, ctl.signal);
      if (gen !== generation) return;
      if (sample.problems.some((p) => !p.warning)) {
        showProblems(sample.problems, false);
        setStatus("cannot be generated", "bad");
        document.body.dataset.state = "invalid";
        return;
      }
      showSample(sample);
      setStatus("valid · " + res.tables + " tables, " + res.columns + " columns", "ok");
      document.body.dataset.state = "valid";
    } catch (e) {
      if (e.name === "AbortError") return;
      setStatus("error: " + e.message, "bad");
    } finally {
      if (inflight === ctl) inflight = null;
    }
  }

  function showProblems(problems, valid) {
    const state = view.state;
    const diags = [];
    const list = $("problems");
    list.replaceChildren();
    for (const p of problems) {
      let range;
      if (p.line) {
        const line = state.doc.line(Math.min(p.line, state.doc.lines));
        const from = Math.min(line.from + Math.max(0, p.column - 1), line.to);
        range = { from, to: Math.min(from + 1, state.doc.length) };
      } else {
        range = locate(state, p.path);
      }
      const text = (p.path ? p.path + ": " : "") + p.message + (p.suggestion ? " (" + p.suggestion + ")" : "");
      diags.push({ from: range.from, to: range.to, severity: p.warning ? "warning" : "error", message: text });
      const li = document.createElement("li");
      if (p.warning) li.className = "warning";
      const path = document.createElement("span");
      path.className = "path";
      path.textContent = p.line ? "line " + p.line + ", column " + p.column : (p.path || "(document)");
      li.append(path, document.createTextNode(p.message));
      if (p.suggestion) {
        const s = document.createElement("span");
        s.className = "suggestion";
        s.textContent = " — " + p.suggestion;
        li.append(s);
      }
      li.addEventListener("click", () => {
        view.dispatch({ selection: { anchor: range.from, head: range.to }, scrollIntoView: true });
        view.focus();
      });
      list.append(li);
    }
    if (problems.length === 0) {
      const li = document.createElement("li");
      li.className = "ok";
      li.textContent = valid ? "No problems: the schema is valid." : "";
      list.append(li);
    }
    const errors = problems.filter((p) => !p.warning).length;
    $("problem-count").textContent = problems.length ? errors + " errors, " + (problems.length - errors) + " warnings" : "";
    view.dispatch(CM.setDiagnostics(state, diags));
  }

  // ---- the sample -------------------------------------------------------
  let current = null, lastSample = null;
  // showSample shows a new sample; renderSample draws the chosen table
  // of the last one (a tab click keeps a stale sample stale).
  function showSample(sample) {
    lastSample = sample;
    $("sample").classList.remove("stale");
    $("sample-note").textContent = sample.sampled
      ? "(from a run capped at " + sample.sample_rows + " rows per table)" : "";
    renderSample();
  }
  function renderSample() {
    const sample = lastSample, box = $("sample");
    const ids = sample.tables.map((t) => t.id);
    if (!ids.includes(current)) current = ids[0];
    const tabs = $("tabs");
    tabs.replaceChildren();
    for (const t of sample.tables) {
      const b = document.createElement("button");
      b.type = "button";
      b.setAttribute("role", "tab");
      b.setAttribute("aria-selected", String(t.id === current));
      b.textContent = t.id;
      b.addEventListener("click", () => { current = t.id; renderSample(); });
      tabs.append(b);
    }
    box.replaceChildren();
    const t = sample.tables.find((x) => x.id === current);
    if (!t) { box.innerHTML = '<p class="empty">No tables.</p>'; return; }
    const meta = document.createElement("p");
    meta.className = "meta";
    const drawn = t.charts.length ? t.charts[0].count : 0;
    meta.textContent = "First " + t.rows.length + " of " + t.total_rows.toLocaleString("en") + " rows" +
      (drawn < t.total_rows ? " · charts of the first " + drawn.toLocaleString("en") : "");
    const wrap = document.createElement("div");
    wrap.className = "table-wrap";
    const table = document.createElement("table");
    table.id = "rows-" + t.id;
    const head = table.createTHead().insertRow();
    t.columns.forEach((c, i) => {
      const th = document.createElement("th");
      th.textContent = c;
      const small = document.createElement("small");
      small.textContent = t.types[i];
      th.append(small);
      head.append(th);
    });
    const body = table.createTBody();
    for (const row of t.rows) {
      const tr = body.insertRow();
      row.forEach((v, i) => {
        const td = tr.insertCell();
        if (v === null) { td.textContent = "∅"; td.className = "null"; }
        else { td.textContent = v; td.title = v; if (t.types[i] === "int" || t.types[i] === "float") td.className = "num"; }
      });
    }
    wrap.append(table);
    const charts = document.createElement("div");
    charts.className = "charts";
    for (const c of t.charts) charts.append(chart(c));
    box.append(meta, wrap, charts);
  }

  const SVG = "http://www.w3.org/2000/svg";
  function el(name, attrs, text) {
    const e = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  const short = (s, n) => (s.length > n ? s.slice(0, n - 1) + "…" : s);

  // chart draws a column's distribution: vertical bars for a histogram,
  // horizontal bars for the most frequent values.
  function chart(c) {
    const div = document.createElement("div");
    div.className = "chart";
    const h = document.createElement("h3");
    h.textContent = c.column + " ";
    const small = document.createElement("small");
    small.textContent = ({ histogram: "histogram", top: "top values", distinct: "all distinct" })[c.kind] +
      (c.nulls ? " · " + Math.round((100 * c.nulls) / c.count) + "% null" : "");
    h.append(small);
    div.append(h);
    const max = Math.max(1, ...c.bars.map((b) => b.count), c.other || 0);
    if (c.kind === "distinct") {
      const p = document.createElement("p");
      p.className = "distinct";
      p.textContent = (c.count - c.nulls).toLocaleString("en") + " values, no value repeats";
      div.append(p);
    } else if (c.kind === "histogram") {
      const W = 220, H = 90, n = c.bars.length, bw = W / n;
      const svg = el("svg", { viewBox: `0 0 ${W} ${H + 26}`, width: W, height: H + 26, role: "img" });
      c.bars.forEach((b, i) => {
        const bh = (H * b.count) / max;
        const r = el("rect", { x: i * bw + 1, y: H - bh, width: Math.max(1, bw - 2), height: bh, fill: "#3b82f6" });
        r.append(el("title", {}, (b.to ? b.label + " – " + b.to : b.label) + ": " + b.count));
        svg.append(r);
      });
      svg.append(el("line", { x1: 0, y1: H, x2: W, y2: H, stroke: "#9aa5b1" }));
      const first = c.bars[0], last = c.bars[n - 1];
      svg.append(el("text", { x: 0, y: H + 12 }, short(first.label, 22)));
      svg.append(el("text", { x: W, y: H + 24, "text-anchor": "end" }, short(last.to || last.label, 22)));
      div.append(svg);
    } else {
      const rows = c.bars.map((b) => [b.label, b.count]);
      if (c.other) rows.push(["(other)", c.other]);
      const W = 220, rh = 14, H = rows.length * rh;
      const svg = el("svg", { viewBox: `0 0 ${W} ${Math.max(H, rh)}`, width: W, height: Math.max(H, rh), role: "img" });
      rows.forEach(([label, count], i) => {
        const w = ((W - 110) * count) / max;
        const t = el("text", { x: 0, y: i * rh + 10 }, short(label, 14));
        t.append(el("title", {}, label));
        svg.append(t);
        svg.append(el("rect", { x: 84, y: i * rh + 2, width: Math.max(1, w), height: rh - 4, fill: label === "(other)" ? "#9aa5b1" : "#10b981" }));
        svg.append(el("text", { x: 88 + w, y: i * rh + 10 }, String(count)));
      });
      div.append(svg);
    }
    return div;
  }

  // ---- saving ---------------------------------------------------------
  async function save() {
    if (!canSave) return;
    const text = view.state.doc.toString();
    try {
      await api("/api/save", JSON.stringify({ text }));
      saved = text;
      markDirty();
      setStatus("saved", "ok");
      setTimeout(refresh, 800);
    } catch (e) {
      setStatus("not saved: " + e.message, "bad");
    }
  }
  $("save").addEventListener("click", save);
  window.addEventListener("beforeunload", (e) => {
    if (canSave && view.state.doc.toString() !== saved) e.preventDefault();
  });

  api("/api/jsonschema").then((s) => { jsonSchema = s; }).catch(() => {});
  refresh();
})();
