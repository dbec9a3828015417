// newsflow dashboard: polls /api/status every 2 s and redraws. No libraries, no build step.
"use strict";
const COLORS = { given: "#5e5c64", fetcher: "#986a44", stripper: "#1a5fb4", attributor: "#26a269", stored: "#e66100", dead: "#c01c28" };
const LABELS = { given: "published", fetcher: "fetched", stripper: "stripped", attributor: "enriched", stored: "stored", dead: "dead-lettered" };
const SVGNS = "http://www.w3.org/2000/svg";
const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(c == null ? "" : String(c)));
  return node;
}
function svgEl(tag, attrs) {
  const node = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}
function rows(table, head, data) {
  table.replaceChildren(el("tr", {}, ...head.map((h) => el("th", {}, h))),
    ...data.map((r) => el("tr", {}, ...r.map((c) => el("td", typeof c === "number" ? { class: "num" } : {}, c)))));
}
const ms = (v) => (v == null ? "–" : v < 1000 ? `${v.toFixed(0)} ms` : `${(v / 1000).toFixed(1)} s`);
const ago = (t, now) => (t == null ? "never" : `${Math.max(0, Math.round(now - t))} s ago`);

function text(svg, x, y, content, anchor) {
  const node = svgEl("text", { x, y, "font-size": 12, fill: "#68707d", "text-anchor": anchor || "start" });
  node.textContent = content;
  svg.append(node);
}

// Lines of series (one per key) over a shared x axis, scaled to the box; `span` (seconds) labels the x axis.
function lineChart(svg, legend, series, colors, labels, unit, span, empty) {
  const W = 800, H = svg.id === "drift" ? 160 : 220, pad = 24;
  const keys = Object.keys(series).filter((k) => series[k].some((v) => v > 0));
  const n = Math.max(2, ...Object.values(series).map((s) => s.length));
  const max = Math.max(1e-9, ...keys.flatMap((k) => series[k]));
  svg.replaceChildren(svgEl("line", { x1: pad, y1: H - pad, x2: W, y2: H - pad, stroke: "#c0c4ca" }));
  if (!keys.length) { text(svg, W / 2, H / 2, empty, "middle"); legend.replaceChildren(); return; }
  text(svg, 4, 14, `max ${max < 10 ? max.toFixed(2) : max.toFixed(0)} ${unit}`);
  if (span) { text(svg, pad, H - 6, `-${Math.round(span)} s`); text(svg, W - 4, H - 6, "now", "end"); }
  for (const k of keys) {
    const pts = series[k].map((v, i) => `${(pad + (i * (W - pad)) / (n - 1)).toFixed(1)},${(H - pad - (v / max) * (H - 2 * pad)).toFixed(1)}`);
    svg.append(svgEl("path", { d: "M" + pts.join(" L"), fill: "none", stroke: colors[k] || "#444", "stroke-width": 2, class: "series", "data-key": k, "data-points": pts.length }));
  }
  legend.replaceChildren(...keys.map((k) => el("span", {}, el("i", { style: `background:${colors[k] || "#444"}` }), labels[k] || k)));
}

function render(s) {
  const now = s.now;
  $("worker").textContent = `worker pid ${s.pid}${s.version ? ", newsflow " + s.version : ""}; up ${Math.round(s.uptime_s)} s; updated ${new Date(now * 1000).toLocaleTimeString()}`;
  const t = s.totals;
  $("totals").replaceChildren(...Object.keys(LABELS).map((k) =>
    el("div", { class: "card" + (k === "dead" && t[k] ? " bad" : "") }, el("b", {}, t[k]), `${LABELS[k]} · ${s.rates_per_s[k].toFixed(2)}/s`)));
  const step = s.throughput.step, perSecond = {};
  for (const [k, counts] of Object.entries(s.throughput.counts)) perSecond[k] = counts.map((c) => c / step);
  const span = step * (s.throughput.counts.stored || []).length;
  lineChart($("throughput"), $("legend"), perSecond, COLORS, LABELS, "msg/s", span, "no messages yet");
  const lat = s.latency_ms;
  rows($("latency"), ["", "p50", "p99", "samples"], [["end to end", ms(lat.end_to_end.p50), ms(lat.end_to_end.p99), lat.end_to_end.count],
    ...Object.entries(lat.stages).map(([k, q]) => [LABELS[k] || k, ms(q.p50), ms(q.p99), q.count])]);
  rows($("lag"), ["topic", "messages behind"], Object.entries(s.lag).map(([k, v]) => [k, v]));
  const d = s.dead_letters;
  rows($("dead-by"), ["stage", "reason", "count"], d.by.map((r) => [r.stage, r.reason, r.count]));
  $("dead-latest").replaceChildren(...d.latest.map((x) => el("li", {}, `${x.failed_at || ""} ${x.stage}: ${x.reason}: ${x.error}`)));
  const f = s.feeds;
  $("feeds-summary").textContent = `${f.count} feed(s), ${f.due} due, ${f.failing} failing`;
  rows($("feeds"), ["feed", "last poll", "new", "failures"], f.list.map((x) => [x.title || x.url, ago(x.last_polled, now), x.last_new, x.failures ? `${x.failures}: ${x.last_error}` : 0]));
  $("articles").replaceChildren(...s.articles.map((a) => el("li", {},
    el("a", { href: `/article/${encodeURIComponent(a.id)}`, class: "title" }, a.title || "(no title)"),
    el("span", { class: "muted" }, ` · ${a.attribution_count} attribution(s) · ${ago(a.stored_at, now)}`),
    ...a.attributions.map((x) => el("div", { class: "attr" }, el("span", { class: "speaker" }, x.speaker), ": ", el("span", { class: "quote" }, x.content))))));
  const drift = {}, driftColors = {}, palette = Object.values(COLORS);
  Object.entries(s.drift).forEach(([site, points], i) => { drift[site] = points.map((p) => p.share); driftColors[site] = palette[i % palette.length]; });
  lineChart($("drift"), $("drift-legend"), drift, driftColors, {}, "share removed", 0,
    "no site pages yet (plain-text files have no site)");
}

async function poll() {
  try {
    const response = await fetch("/api/status", { cache: "no-store" });
    render(await response.json());
  } catch (err) {
    $("worker").textContent = `worker not reachable (${err.message || err}); retrying`;
  }
  setTimeout(poll, 2000);
}
poll();
