// Small charts of a check-in series: mood (1 to 5) and craving (0 to 10) over 30 days.
//
// Owns: plain SVG built with DOM APIs (createElementNS, setAttribute; never markup), and
// its text alternative: every chart has a title and summary for screen readers and a
// table of the same numbers. No chart library. Missing days are gaps, not zeros: a day
// without a check-in is not a bad day.

import { h } from "./view.js";

const SVG = "http://www.w3.org/2000/svg";
let chartIds = 0;

function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) if (v != null) el.setAttribute(k, String(v));
  for (const c of children) if (c) el.appendChild(c);
  return el;
}

function svgText(x, y, text, cls, anchor = "start") {
  const t = s("text", { x, y, class: cls, "text-anchor": anchor });
  t.textContent = text;
  return t;
}

const shortDay = (iso) => {
  const [y, m, d] = iso.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString(undefined,
    { month: "short", day: "numeric", timeZone: "UTC" });
};

/** Runs of consecutive days with a value, as polyline point lists (gaps break lines). */
function runs(points) {
  const out = [];
  let run = [];
  for (const p of points) {
    if (p == null) {
      if (run.length) out.push(run);
      run = [];
    } else run.push(p);
  }
  if (run.length) out.push(run);
  return out;
}

/** A sentence that says what the chart shows. */
export function summarize(series) {
  const done = series.filter((p) => p.mood != null);
  if (!done.length) return `No check-ins in the last ${series.length} days.`;
  const avg = (k) => (done.reduce((a, p) => a + p[k], 0) / done.length).toFixed(1);
  const last = done[done.length - 1];
  return `${done.length} check-ins in the last ${series.length} days. `
    + `Average mood ${avg("mood")} of 5, average craving ${avg("craving")} of 10. `
    + `Latest (${shortDay(last.day)}): mood ${last.mood}, craving ${last.craving}.`;
}

/**
 * A chart of a series `[{day, mood, craving, on_plan}]`, oldest first.
 * @param {Array<{day:string, mood:number|null, craving:number|null}>} series
 * @param {{title:string, small?:boolean}} opts
 * @returns {HTMLElement} a <figure> with the SVG and a table of the same data
 */
export function trendChart(series, { title, small = false }) {
  const id = `chart-${++chartIds}`;
  const W = small ? 180 : 320;
  const H = small ? 56 : 150;
  const pad = small ? { l: 4, r: 4, t: 4, b: 4 } : { l: 26, r: 30, t: 10, b: 22 };
  const iw = W - pad.l - pad.r;
  const ih = H - pad.t - pad.b;
  const n = Math.max(series.length - 1, 1);
  const x = (i) => pad.l + (iw * i) / n;
  const yMood = (v) => pad.t + ih * (1 - (v - 1) / 4);
  const yCraving = (v) => pad.t + ih * (1 - v / 10);

  const svg = s("svg", { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: "img",
    class: small ? "chart small" : "chart", "aria-labelledby": `${id}-t ${id}-d`,
    focusable: "false" });
  const t = s("title", { id: `${id}-t` });
  t.textContent = title;
  const d = s("desc", { id: `${id}-d` });
  d.textContent = summarize(series);
  svg.append(t, d);

  if (!small) {
    for (const v of [1, 3, 5]) {
      svg.append(s("line", { x1: pad.l, x2: W - pad.r, y1: yMood(v), y2: yMood(v), class: "grid" }));
      svg.append(svgText(pad.l - 6, yMood(v) + 4, String(v), "axis mood-axis", "end"));
    }
    for (const v of [0, 5, 10]) {
      svg.append(svgText(W - pad.r + 6, yCraving(v) + 4, String(v), "axis craving-axis"));
    }
    if (series.length) {
      svg.append(svgText(pad.l, H - 6, shortDay(series[0].day), "axis"));
      svg.append(svgText(W - pad.r, H - 6, shortDay(series[series.length - 1].day), "axis", "end"));
    }
  } else {
    svg.append(s("rect", { x: 0.5, y: 0.5, width: W - 1, height: H - 1, rx: 4, class: "frame" }));
  }

  if (!series.some((p) => p.mood != null)) {
    svg.append(svgText(W / 2, H / 2 + 4, "No check-ins yet", "empty", "middle"));
  }
  const moodPts = series.map((p, i) => (p.mood == null ? null : [x(i), yMood(p.mood)]));
  const cravingPts = series.map((p, i) => (p.craving == null ? null : [x(i), yCraving(p.craving)]));
  for (const [pts, cls] of [[cravingPts, "craving"], [moodPts, "mood"]]) {
    for (const run of runs(pts)) {
      if (run.length > 1) {
        svg.append(s("polyline", { points: run.map(([a, b]) => `${a.toFixed(1)},${b.toFixed(1)}`).join(" "),
          class: `line ${cls}` }));
      }
      for (const [a, b] of run) {
        svg.append(cls === "mood"
          ? s("circle", { cx: a.toFixed(1), cy: b.toFixed(1), r: small ? 1.8 : 3, class: `dot ${cls}` })
          : s("rect", { x: (a - (small ? 1.6 : 2.6)).toFixed(1), y: (b - (small ? 1.6 : 2.6)).toFixed(1),
            width: small ? 3.2 : 5.2, height: small ? 3.2 : 5.2, class: `dot ${cls}` }));
      }
    }
  }

  const legend = small ? null : h("p", { class: "chart-legend", attrs: { "aria-hidden": "true" } },
    h("span", { class: "key mood", text: "● Mood (1–5, left)" }), " ",
    h("span", { class: "key craving", text: "■ Craving (0–10, right)" }));
  const rows = series.filter((p) => p.mood != null);
  const table = h("table", { class: "chart-table" },
    h("caption", { text: title }),
    h("thead", {}, h("tr", {}, ["Day", "Mood (1–5)", "Craving (0–10)", "On plan"].map(
      (c) => h("th", { text: c, attrs: { scope: "col" } })))),
    h("tbody", {}, rows.length
      ? rows.map((p) => h("tr", {},
        h("th", { text: shortDay(p.day), attrs: { scope: "row" } }),
        h("td", { text: String(p.mood) }),
        h("td", { text: String(p.craving) }),
        h("td", { text: p.on_plan ? "Yes" : "Not that day" })))
      : h("tr", {}, h("td", { text: "No check-ins yet", attrs: { colspan: "4" } }))));
  const details = h("details", { class: "chart-details" },
    h("summary", { text: small ? "Numbers" : "Show as a table" }), table);
  return h("figure", { class: small ? "chart-figure small" : "chart-figure" }, svg, legend, details);
}
