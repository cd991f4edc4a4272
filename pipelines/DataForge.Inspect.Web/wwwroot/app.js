// DataForge inspect: the page over /api (the same JSON `inspect --json` prints). Written here: no framework, no CDN.
// Every value from the data is put in the page as text (el() sets textContent), never parsed as HTML.
"use strict";

const view = document.getElementById("view");
const nav = document.getElementById("targets");
let targets = [];

function el(tag, attrs = {}, ...children) {
  const node = tag === "svg" || attrs.svg ? document.createElementNS("http://www.w3.org/2000/svg", tag) : document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "svg" || value === undefined || value === null) continue;
    if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children.flat()) if (child !== null && child !== undefined) node.append(child);
  return node;
}
const svgEl = (tag, attrs = {}, ...children) => el(tag, { ...attrs, svg: true }, ...children);
const fmt = (x, digits = 0) => x === null || x === undefined ? "—" : Number(x).toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const pct = x => x === null || x === undefined ? "—" : (100 * x).toFixed(2) + " %";

// A file written by `inspect --html` carries the answers of /api it needed; a served page asks the server.
const STATIC = window.DATAFORGE_STATIC || null;

async function api(path) {
  if (STATIC) {
    if (path in STATIC.answers) return JSON.parse(JSON.stringify(STATIC.answers[path]));
    throw new Error(`this file holds the first ${STATIC.pages} pages of each view and no search; run dataforge inspect PATH --serve for the rest`);
  }
  const response = await fetch(path);
  if (!response.ok) {
    let message = response.status + " " + response.statusText;
    try { message = (await response.json()).error || message; } catch { /* not JSON */ }
    throw new Error(message);
  }
  return response.json();
}

function fail(error) {
  view.replaceChildren(el("p", { class: "error", text: "could not load: " + error.message }));
}

// ---- charts: real axes (ticks at 1, 2, 5 × 10^k), labelled -------------------------------------------------------
function ticks(min, max, count = 5) {
  if (!(max > min)) { max = min + 1; }
  const raw = (max - min) / count, power = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map(m => m * power).find(s => s >= raw);
  const out = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.push(+v.toPrecision(12));
  return out;
}
const tickLabel = v => Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(1) : String(+v.toPrecision(4));

function lineChart(title, series, xLabel = "step") {
  const W = 560, H = 240, L = 62, R = 16, T = 26, B = 40;
  const points = series.flatMap(s => s.points);
  const svg = svgEl("svg", { viewBox: `0 0 ${W} ${H}`, width: W, height: H, class: "chart", role: "img", "aria-label": title });
  svg.append(svgEl("text", { x: L, y: 16, class: "title", text: title }));
  if (points.length === 0) { svg.append(svgEl("text", { x: L, y: H / 2, text: "no data" })); return svg; }
  const xs = points.map(p => p[0]), ys = points.map(p => p[1]);
  let [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  if (x0 === x1) { x1 = x0 + 1; } if (y0 === y1) { y0 -= 0.5; y1 += 0.5; }
  const X = x => L + (x - x0) / (x1 - x0) * (W - L - R), Y = y => H - B - (y - y0) / (y1 - y0) * (H - T - B);
  for (const t of ticks(y0, y1)) {
    svg.append(svgEl("line", { x1: L, x2: W - R, y1: Y(t), y2: Y(t), stroke: "#e6e8ef" }));
    svg.append(svgEl("text", { x: L - 6, y: Y(t) + 4, "text-anchor": "end", text: tickLabel(t) }));
  }
  for (const t of ticks(x0, x1, 6)) {
    svg.append(svgEl("line", { x1: X(t), x2: X(t), y1: H - B, y2: H - B + 4, stroke: "#9aa1b1" }));
    svg.append(svgEl("text", { x: X(t), y: H - B + 16, "text-anchor": "middle", text: tickLabel(t) }));
  }
  svg.append(svgEl("line", { x1: L, x2: W - R, y1: H - B, y2: H - B, stroke: "#9aa1b1" }));
  svg.append(svgEl("line", { x1: L, x2: L, y1: T, y2: H - B, stroke: "#9aa1b1" }));
  svg.append(svgEl("text", { x: (L + W - R) / 2, y: H - 6, "text-anchor": "middle", text: xLabel }));
  series.forEach((s, i) => {
    const colour = s.colour || ["#5e35b1", "#e65100", "#2e7d32"][i % 3];
    const d = s.points.map((p, k) => `${k ? "L" : "M"}${X(p[0]).toFixed(1)},${Y(p[1]).toFixed(1)}`).join("");
    svg.append(svgEl("path", { d, fill: "none", stroke: colour, "stroke-width": 1.8 }));
    if (s.points.length < 40) s.points.forEach(p => svg.append(svgEl("circle", { cx: X(p[0]), cy: Y(p[1]), r: 2.5, fill: colour })));
    svg.append(svgEl("text", { x: W - R - 4, y: 16 + 13 * i, "text-anchor": "end", fill: colour, style: `fill:${colour}`, text: s.name }));
  });
  return svg;
}

// Bars of counts per bucket, the y axis with real ticks and each bar labelled with its bucket.
function histogram(title, buckets) {
  const entries = Object.entries(buckets || {});
  const W = 560, H = 240, L = 52, R = 12, T = 26, B = 40;
  const svg = svgEl("svg", { viewBox: `0 0 ${W} ${H}`, width: W, height: H, class: "chart histogram", role: "img", "aria-label": title });
  svg.append(svgEl("text", { x: L, y: 16, class: "title", text: title }));
  if (entries.length === 0) { svg.append(svgEl("text", { x: L, y: H / 2, text: "no data" })); return svg; }
  const top = Math.max(...entries.map(([, c]) => Number(c))), yTicks = ticks(0, top), yMax = Math.max(top, yTicks[yTicks.length - 1]);
  const Y = y => H - B - y / yMax * (H - T - B), slot = (W - L - R) / entries.length;
  for (const t of yTicks) {
    svg.append(svgEl("line", { x1: L, x2: W - R, y1: Y(t), y2: Y(t), stroke: "#e6e8ef" }));
    svg.append(svgEl("text", { x: L - 6, y: Y(t) + 4, "text-anchor": "end", text: tickLabel(t) }));
  }
  entries.forEach(([bucket, count], i) => {
    const bar = svgEl("rect", { x: L + i * slot + slot * 0.1, y: Y(Number(count)), width: slot * 0.8, height: H - B - Y(Number(count)), fill: "#5e35b1" });
    bar.append(svgEl("title", { text: `≤ ${bucket} tokens: ${count} documents` }));
    svg.append(bar);
    svg.append(svgEl("text", { x: L + (i + 0.5) * slot, y: H - B + 14, "text-anchor": "middle", text: `≤${tickLabel(Number(bucket))}` }));
  });
  svg.append(svgEl("line", { x1: L, x2: W - R, y1: H - B, y2: H - B, stroke: "#9aa1b1" }));
  svg.append(svgEl("text", { x: (L + W - R) / 2, y: H - 6, "text-anchor": "middle", text: "document length (tokens); count of documents" }));
  return svg;
}

// One layer's expert load over steps: a row per expert, a column per step, darker for a larger share of the step.
function heatmap(title, steps, layer) {
  const experts = steps.length ? steps[0].expert_load[layer].length : 0;
  const W = 560, L = 70, T = 26, cell = Math.max(2, Math.min(24, (W - L - 10) / Math.max(1, steps.length))), rowH = 16;
  const H = T + experts * rowH + 30;
  const svg = svgEl("svg", { viewBox: `0 0 ${W} ${H}`, width: W, height: H, class: "heatmap", role: "img", "aria-label": title });
  svg.append(svgEl("text", { x: L, y: 16, class: "title", text: title }));
  steps.forEach((s, col) => {
    const load = s.expert_load[layer], total = load.reduce((a, b) => a + b, 0) || 1;
    load.forEach((count, e) => {
      const share = count / total, alpha = Math.min(1, share * experts / 2);
      const rect = svgEl("rect", { x: L + col * cell, y: T + e * rowH, width: cell, height: rowH - 1, fill: `rgba(94,53,177,${alpha.toFixed(3)})` });
      rect.append(svgEl("title", { text: `step ${s.step}, expert ${e}: ${count} tokens (${(100 * share).toFixed(1)} %)` }));
      svg.append(rect);
    });
  });
  for (let e = 0; e < experts; e++) svg.append(svgEl("text", { x: L - 6, y: T + e * rowH + 12, "text-anchor": "end", text: `expert ${e}` }));
  const first = steps[0]?.step, last = steps[steps.length - 1]?.step;
  svg.append(svgEl("text", { x: L, y: H - 8, text: `step ${first ?? ""}` }));
  svg.append(svgEl("text", { x: L + steps.length * cell, y: H - 8, "text-anchor": "end", text: `step ${last ?? ""}` }));
  return svg;
}

// ---- navigation ----------------------------------------------------------------------------------------------------
function tabsFor(target, active) {
  const names = target.kind === "run" ? ["summary", "curves", "config"] : ["summary", "rows", "rejects"];
  return el("div", { class: "tabs" }, names.map(name => el("a", { href: `#/t/${target.id}/${name}`, class: name === active ? "active" : "", text: name })));
}

async function route() {
  const [, , id, tab = "summary", ...rest] = location.hash.split("/");
  for (const link of nav.children) link.classList.toggle("active", link.dataset.id === id);
  try {
    if (id === undefined || id === "") return home();
    const target = targets.find(t => String(t.id) === id);
    if (!target) { view.replaceChildren(el("p", { class: "error", text: `no target ${id}` })); return; }
    const page = Object.fromEntries(new URLSearchParams(rest.join("/")));
    view.replaceChildren(el("h1", { text: `${target.kind}: ${target.path}` }), tabsFor(target, tab));
    const body = el("div");
    view.append(body);
    if (tab === "summary") await summaryView(target, body);
    else if (tab === "rows") await rowsView(target, body, page);
    else if (tab === "rejects") await rejectsView(target, body, page);
    else if (tab === "curves") await curvesView(target, body);
    else if (tab === "config") await configView(target, body);
  } catch (error) { fail(error); }
}

function home() {
  view.replaceChildren(el("h1", { text: "What is here" }),
    el("table", {}, el("tr", {}, el("th", { text: "kind" }), el("th", { text: "path" }), el("th", { text: "location" })),
      targets.map(t => el("tr", {}, el("td", { text: t.kind }), el("td", {}, el("a", { href: `#/t/${t.id}/summary`, text: t.path })), el("td", { class: "muted", text: t.uri })))));
}

function keyValues(pairs) {
  return el("table", {}, pairs.map(([k, v]) => el("tr", {}, el("th", { text: k }), el("td", { text: v }))));
}

async function summaryView(target, body) {
  const { summary } = await api(`/api/targets/${target.id}`);
  if (target.kind === "samples") {
    body.append(el("div", { class: "grid" },
      el("div", { class: "card" }, keyValues([
        ["samples", fmt(summary.samples)], ["files", fmt(summary.files)], ["complete", summary.complete ? "yes" : "NO: no _SUCCESS"],
        ["text", `${fmt(summary.text_chars)} characters`], ["audio", `${fmt(summary.audio_seconds, 1)} s`],
        ["media", `${fmt(summary.media?.objects)} objects, ${fmt((summary.media?.bytes || 0) / 1048576, 1)} MiB`]])),
      el("div", { class: "card" }, el("h2", { text: "parts" }), shares(summary.parts || {})),
      el("div", { class: "card" }, el("h2", { text: "text characters by source" }), shares(Object.fromEntries(Object.entries(summary.sources || {}).map(([k, v]) => [k, v.text_chars])))),
      el("div", { class: "card" }, el("h2", { text: "samples by source" }), shares(Object.fromEntries(Object.entries(summary.sources || {}).map(([k, v]) => [k, v.samples])))),
      el("div", { class: "card" }, el("h2", { text: "splits (samples)" }), shares(summary.splits || {})),
      el("div", { class: "card" }, el("h2", { text: "rejects by reason" }), shares(summary.rejects || {}, `#/t/${target.id}/rejects/reason=`))));
  } else if (target.kind === "shards") {
    const cards = [
      el("div", { class: "card" }, keyValues([
        ["rows", `${fmt(summary.rows)} × ${fmt(summary.seq_len)} tokens`], ["tokenizer", summary.tokenizer], ["fill", pct(summary.fill_ratio)],
        ["real tokens", fmt(summary.real_tokens)], ["documents", fmt(summary.documents)], ["loss tokens", fmt(summary.loss_tokens)],
        ["files", fmt(summary.files?.length)], ["problems", (summary.problems || []).length ? summary.problems.join("; ") : "none"]])),
      el("div", { class: "card" }, el("h2", { text: "tokens by modality" }), shares(summary.tokens_by_modality || {})),
      el("div", { class: "card" }, histogram("document lengths", summary.document_length_histogram))];
    if (summary.splits) cards.push(el("div", { class: "card" }, el("h2", { text: "rows by split" }), shares(summary.splits)));
    if (summary.mixture) cards.push(el("div", { class: "card" }, el("h2", { text: `mixture by ${summary.mixture.weights}: target and realised shares` }),
      el("table", {}, el("tr", {}, ["source", "target", "realised", "tokens", "documents", "epochs"].map(h => el("th", { text: h }))),
        summary.mixture.sources.map(s => el("tr", {}, el("td", { text: s.name }), el("td", { class: "num", text: pct(s.target_share) }), el("td", { class: "num", text: pct(s.realised_share) }),
          el("td", { class: "num", text: fmt(s.tokens) }), el("td", { class: "num", text: fmt(s.documents) }), el("td", { class: "num", text: fmt(s.epochs, 3) })))),
      el("p", { class: "muted", text: `worst share error over ${fmt(summary.mixture.window_rows)}-row windows: ${pct(summary.mixture.worst_window_error)}` })));
    if (target.rejects) {
      const rejects = await api(`/api/targets/${target.id}/rejects?limit=1`);
      cards.push(el("div", { class: "card" }, el("h2", { text: "rejects of the sample set these shards were packed from" }), shares(rejects.by_reason, `#/t/${target.id}/rejects/reason=`)));
    }
    body.append(el("div", { class: "grid" }, cards));
  } else {
    body.append(el("div", { class: "card" }, keyValues(Object.entries(summary).filter(([, v]) => typeof v !== "object").map(([k, v]) => [k, String(v)]))));
  }
}

function shares(counts, linkPrefix) {
  const entries = Object.entries(counts), total = entries.reduce((a, [, v]) => a + Number(v), 0) || 1;
  if (entries.length === 0) return el("p", { class: "muted", text: "none" });
  return el("table", {}, entries.map(([k, v]) => el("tr", {},
    el("td", {}, linkPrefix ? el("a", { href: linkPrefix + encodeURIComponent(k), text: k }) : k),
    el("td", { class: "num", text: fmt(v) }), el("td", { class: "num", text: pct(Number(v) / total) }),
    el("td", {}, el("span", { class: "bar", style: `width:${(120 * Number(v) / total).toFixed(1)}px` })))));
}

// The URL of a medium: the server's, or the data URI a written file inlined (null when it was over the size cap).
function mediaUrl(target, sha) {
  if (!sha || !target.media) return null;
  return STATIC ? STATIC.media[sha] || null : `/media/${target.id}/${sha}`;
}

function mediaBox(target, part) {
  if (part.modality === "video" || part.kind === "video") {
    // A clip as a strip of its sampled frames (two per temporal patch in shards), then its audio when it has one.
    const frames = part.frames || [];
    const box = el("span", { class: "media video" });
    const strip = el("span", { class: "strip" });
    frames.forEach((sha, k) => {
      const src = mediaUrl(target, sha);
      strip.append(src ? el("img", { src, alt: `frame ${k} ${sha.slice(0, 12)}`, loading: "lazy", class: "frame" }) : el("span", { class: "frame muted", text: `frame ${k}` }));
    });
    box.append(strip);
    const audio = part.modality === "video" ? mediaUrl(target, part.media) : null;
    if (audio) box.append(el("audio", { controls: "", preload: "metadata", src: audio }));
    box.append(el("small", { text: `video ${frames.length} frames · ${part.width}×${part.height}${part.seconds ? ` · ${fmt(part.seconds, 2)} s` : ""}${part.tokens ? ` · ${part.tokens} tokens` : ""}` }));
    return box;
  }
  const src = mediaUrl(target, part.media);
  if (part.modality === "image" || part.kind === "image") {
    return el("span", { class: "media image" },
      src ? el("img", { src, alt: `image ${part.media.slice(0, 12)}`, loading: "lazy" }) : null,
      el("small", { text: `image ${part.width}×${part.height}${part.tokens ? ` · ${part.tokens} tokens` : ""}` }));
  }
  return el("span", { class: "media audio" },
    src ? el("audio", { controls: "", preload: "metadata", src }) : null,
    el("small", { text: `audio ${fmt(part.seconds, 2)} s${part.tokens ? ` · ${part.tokens} tokens` : ""}` }));
}

async function rowsView(target, body, page) {
  const offset = Number(page.offset || 0), q = page.q || "";
  const limit = 10;
  const search = el("input", { type: "search", placeholder: target.kind === "shards" ? "document id or text" : "id, source or text", value: q });
  const go = () => { location.hash = `#/t/${target.id}/rows/q=${encodeURIComponent(search.value)}`; };
  search.addEventListener("keydown", e => { if (e.key === "Enter") go(); });
  const toolbar = el("div", { class: "toolbar" }, search, el("button", { onclick: go, text: "search" }));
  body.append(toolbar);
  if (target.kind === "shards") {
    body.append(el("p", { class: "legend muted" }, el("span", {}, el("span", { class: "swatch", style: "background:var(--m-text)" }), "text with loss"),
      el("span", {}, el("span", { class: "swatch", style: "background:var(--noloss)" }), "text without loss ⟦ ⟧"),
      el("span", {}, el("span", { class: "swatch", style: "background:var(--m-image)" }), "image"),
      el("span", {}, el("span", { class: "swatch", style: "background:var(--m-audio)" }), "audio"),
      el("span", {}, el("span", { class: "swatch", style: "background:var(--m-video, #b7791f)" }), "video (frames)"),
      el("span", {}, el("span", { class: "seg-marker", text: "⟨ ⟩" }), " special tokens")));
    let start = offset;
    if (q) {
      const found = await api(`/api/targets/${target.id}/search?q=${encodeURIComponent(q)}`);
      if (found.matches.length === 0) { body.append(el("p", { class: "muted", text: `no row holds “${q}” (${fmt(found.scanned_rows)} rows searched)` })); return; }
      body.append(el("p", { class: "muted search-result", text: `${found.matches.length} match(es): ${found.matches.map(m => `row ${m.row} (${m.document}, by ${m.by})`).join(", ")}` }));
      start = found.matches[0].row;
    }
    const data = await api(`/api/targets/${target.id}/rows?offset=${start}&limit=${limit}`);
    toolbar.append(pager(target, start, limit, start + data.rows.length < data.total, `row ${fmt(start)}–${fmt(start + data.rows.length - 1)} of ${fmt(data.total)}`));
    for (const row of data.rows) body.append(shardRow(target, row));
  } else {
    const data = await api(`/api/targets/${target.id}/rows?offset=${offset}&limit=${limit}${q ? `&q=${encodeURIComponent(q)}` : ""}`);
    toolbar.append(pager(target, offset, limit, data.more, `${q ? `matches of “${q}”: ` : ""}samples ${fmt(offset)}–${fmt(offset + data.samples.length - 1)}`, q));
    if (data.samples.length === 0) body.append(el("p", { class: "muted", text: "no sample" }));
    for (const sample of data.samples) body.append(sampleCard(target, sample));
  }
}

function pager(target, offset, limit, more, label, q) {
  const to = o => () => { location.hash = `#/t/${target.id}/rows/offset=${o}${q ? `&q=${encodeURIComponent(q)}` : ""}`; };
  return el("span", {}, el("button", { onclick: to(Math.max(0, offset - limit)), disabled: offset === 0 ? "" : null, text: "◀ previous" }),
    " ", el("span", { class: "muted", text: label }), " ", el("button", { onclick: to(offset + limit), disabled: more ? null : "", text: "next ▶", class: "next" }));
}

function shardRow(target, row) {
  const card = el("div", { class: "card row", "data-row": row.row });
  card.append(el("div", { class: "row-head" }, el("strong", { text: `row ${row.row}` }), el("span", { class: "muted", text: row.file }),
    el("span", {}, el("span", { class: "fill" }, el("span", { style: `width:${(100 * row.fill).toFixed(1)}%` })), ` fill ${pct(row.fill)}`),
    el("span", { class: "muted", text: `${fmt(row.real_tokens)} real tokens, ${row.documents ? row.documents.length : 0} documents` })));
  if (row.problem) { card.append(el("p", { class: "error", text: row.problem })); return card; }
  for (const doc of row.documents) {
    const box = el("div", { class: "doc", "data-doc": doc.id });
    box.append(el("span", { class: "doc-id", text: `document ${doc.id} · tokens ${doc.start}..${doc.end - 1} (${doc.end - doc.start})` }));
    for (const segment of doc.segments) {
      if (segment.modality === "text") {
        // Special tokens (⟨name⟩) are shown as markers; text without loss is greyed and bracketed as in --decode.
        const parts = segment.text.split(/(⟨[^⟩]*⟩)/);
        const span = el("span", { class: segment.loss ? "seg-text" : "seg-noloss", title: `${segment.tokens} tokens, ${segment.loss ? "with" : "without"} loss` });
        if (!segment.loss) span.append("⟦");
        for (const piece of parts) if (piece) span.append(piece.startsWith("⟨") ? el("span", { class: "seg-marker", text: piece }) : piece);
        if (!segment.loss) span.append("⟧");
        box.append(span);
      } else box.append(mediaBox(target, segment));
    }
    card.append(box);
  }
  return card;
}

function sampleCard(target, sample) {
  return el("div", { class: "card sample", "data-id": sample.id },
    el("div", { class: "row-head" }, el("strong", { text: sample.id }), el("span", { class: "muted", text: sample.source }), sample.split ? el("span", { class: "muted", text: `split ${sample.split}` }) : null),
    sample.parts.map(part => el("div", { class: "part" }, el("span", { class: "role", text: part.role }),
      part.kind === "text" ? [part.text, part.chars > part.text.length ? el("span", { class: "muted", text: ` … (${fmt(part.chars)} characters)` }) : null] : mediaBox(target, part))),
    sample.meta && sample.meta !== "{}" ? el("div", { class: "muted", text: `meta ${sample.meta}` }) : null);
}

async function rejectsView(target, body, page) {
  const reason = page.reason ? decodeURIComponent(page.reason) : null, offset = Number(page.offset || 0);
  const data = await api(`/api/targets/${target.id}/rejects?offset=${offset}&limit=50${reason ? `&reason=${encodeURIComponent(reason)}` : ""}`);
  if (!data.owner) { body.append(el("p", { class: "muted", text: "no sample set (and so no rejects/) belongs to this target" })); return; }
  body.append(el("div", { class: "card reasons" }, el("h2", { text: `rejects by reason (${data.owner}/rejects)` }), shares(data.by_reason, `#/t/${target.id}/rejects/reason=`)));
  body.append(el("h2", { text: reason ? `“${reason}”: ${fmt(data.matched)} reject(s)` : `all rejects: ${fmt(data.matched)}` }));
  body.append(el("table", { class: "reject-list" }, el("tr", {}, ["reason", "stage", "input", "message", "file:line"].map(h => el("th", { text: h }))),
    data.rejects.map(r => el("tr", {}, el("td", { text: r.reason || "" }), el("td", { text: r.stage || "" }), el("td", { text: r.input || r.id || "" }),
      el("td", { text: r.message || r.line_text || "" }), el("td", { class: "muted", text: `${r.file}:${r.line}` })))));
}

async function curvesView(target, body) {
  const run = await api(`/api/targets/${target.id}/run`);
  const steps = run.steps;
  const series = (field, name) => ({ name: name || field, points: steps.filter(s => typeof s[field] === "number").map(s => [s.step, s[field]]) });
  body.append(el("div", { class: "grid" },
    el("div", { class: "card" }, lineChart("loss", [series("lm_loss", "training loss"), series("eval_loss", "held-out loss")])),
    el("div", { class: "card" }, lineChart("learning rate", [series("lr")])),
    el("div", { class: "card" }, lineChart("gradient norm", [series("grad_norm", "grad norm")])),
    el("div", { class: "card" }, lineChart("throughput (tokens/s)", [series("tokens_per_second", "tokens/s")])),
    el("div", { class: "card" }, lineChart("load-balancing loss", [series("aux_loss", "aux loss")]))));
  const layers = steps.length ? steps[0].expert_load.length : 0;
  body.append(el("h2", { text: "expert load per layer over steps" }));
  body.append(el("div", { class: "grid" }, Array.from({ length: layers }, (_, layer) => el("div", { class: "card" }, heatmap(`layer ${layer + 1}`, steps, layer)))));
  body.append(el("h2", { text: "modality routing (tokens per expert, all steps)" }));
  const modalities = ["text", "image", "audio"];
  body.append(el("div", { class: "grid" }, Array.from({ length: layers }, (_, layer) => {
    const sums = modalities.map((_, m) => steps.reduce((acc, s) => acc.map((v, e) => v + (s.modality_expert_tokens[layer][m]?.[e] || 0)), new Array(steps[0].expert_load[layer].length).fill(0)));
    return el("div", { class: "card" }, el("table", {}, el("tr", {}, el("th", { text: `layer ${layer + 1}` }), sums[0].map((_, e) => el("th", { class: "num", text: `expert ${e}` }))),
      sums.map((row, m) => { const total = row.reduce((a, b) => a + b, 0) || 1; return el("tr", {}, el("td", { text: modalities[m] }), row.map(v => el("td", { class: "num", text: pct(v / total) }))); })));
  })));
}

async function configView(target, body) {
  const run = await api(`/api/targets/${target.id}/run`);
  body.append(el("div", { class: "card" }, el("h2", { text: "run.json" }), el("pre", { class: "config", text: JSON.stringify(run.config, null, 2) })));
  body.append(el("div", { class: "card" }, el("h2", { text: "summary" }), el("pre", { class: "config", text: JSON.stringify(run.summary, null, 2) })));
}

(async () => {
  try {
    targets = await api("/api/targets");
    nav.replaceChildren(...targets.map(t => el("a", { href: `#/t/${t.id}/summary`, "data-id": String(t.id), text: `${t.kind} ${t.path}` })));
  } catch (error) { fail(error); return; }
  window.addEventListener("hashchange", route);
  if (!location.hash && targets.length === 1) location.hash = `#/t/${targets[0].id}/summary`; // one target: open it
  else await route();
})();
