// The supervisors' board: every figure comes from the service's own /v1 routes, asked with
// the key kept in this tab's session storage and sent as a header (never in an address).
"use strict";

const KEY = "wfm.key";
const AS_OF = "wfm.asOf";
// The real-time table refreshes every 5 s; `/board?refresh_s=N` changes that (N >= 1).
const REALTIME_MS = 1000 * Math.max(1, Number(new URLSearchParams(location.search).get("refresh_s")) || 5);
const SLOW_MS = 60000;
const $ = (id) => document.getElementById(id);
let timers = [];
let tz = "UTC";
let selectedAgent = null;

class Unauthorized extends Error {}

async function api(path, params) {
  const key = sessionStorage.getItem(KEY);
  if (!key) throw new Unauthorized("no key");
  const query = new URLSearchParams(Object.entries(params || {}).filter(([, v]) => v != null));
  const url = query.toString() ? `${path}?${query}` : path;
  const response = await fetch(url, { headers: { Authorization: `Bearer ${key}` }, cache: "no-store" });
  if (response.status === 401) throw new Unauthorized("refused");
  if (!response.ok) {
    let detail = response.statusText;
    try { detail = (await response.json()).detail; } catch (e) { /* keep the status text */ }
    const error = new Error(typeof detail === "string" ? detail : JSON.stringify(detail));
    error.status = response.status;
    throw error;
  }
  return response.json();
}

function signOut(message) {
  sessionStorage.removeItem(KEY);
  timers.forEach(clearInterval);
  timers = [];
  $("board-view").hidden = true;
  $("who").hidden = true;
  $("sign-in-view").hidden = false;
  $("sign-in-message").textContent = message || "";
  $("key").value = "";
  $("key").focus();
}

function handle(error) {
  if (error instanceof Unauthorized) {
    signOut("The key was refused (wrong or revoked). Sign in again.");
    return;
  }
  $("error").hidden = false;
  $("error").textContent = `The service answered: ${error.message}`;
}

// --- time -------------------------------------------------------------------------------

function asOf() {
  const text = sessionStorage.getItem(AS_OF);
  return text ? localToUtc(text) : null;
}

function zoneParts(date) {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23",
  }).formatToParts(date);
  return Object.fromEntries(parts.map((p) => [p.type, p.value]));
}

function localDate(date) {
  const p = zoneParts(date);
  return `${p.year}-${p.month}-${p.day}`;
}

function clock(value) {
  if (!value) return "-";
  const p = zoneParts(new Date(value));
  return `${p.hour}:${p.minute}`;
}

// A wall-clock time of the center's zone ("2026-11-12T11:00") as a UTC instant.
function localToUtc(text) {
  const guess = new Date(`${text}:00Z`);
  const p = zoneParts(guess);
  const seen = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second);
  return new Date(guess.getTime() - (seen - guess.getTime()));
}

function monday(day) {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d.toISOString().slice(0, 10);
}

function addDays(day, n) {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

const pct = (v) => (v == null ? "-" : `${(100 * v).toFixed(1)} %`);
const num = (v, digits = 0) => (v == null ? "-" : Number(v).toFixed(digits));

function cell(row, text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) td.className = className;
  row.appendChild(td);
  return td;
}

function badge(row, severity) {
  const td = cell(row, "");
  const span = document.createElement("span");
  span.className = `badge ${severity}`;
  span.textContent = severity;
  td.appendChild(span);
}

function fill(tableId, rows, render, empty) {
  const body = $(tableId).querySelector("tbody");
  body.replaceChildren();
  for (const row of rows) {
    const tr = document.createElement("tr");
    render(tr, row);
    body.appendChild(tr);
  }
  if (!rows.length) {
    const tr = document.createElement("tr");
    const td = cell(tr, empty);
    td.colSpan = $(tableId).querySelectorAll("th").length;
    body.appendChild(tr);
  }
}

function clickable(tr, agentId) {
  tr.classList.add("clickable");
  tr.tabIndex = 0;
  tr.dataset.agent = agentId;
  const open = () => { selectedAgent = agentId; refreshTimeline().catch(handle); };
  tr.addEventListener("click", open);
  tr.addEventListener("keydown", (e) => { if (e.key === "Enter") open(); });
}

// --- panels -----------------------------------------------------------------------------

async function refreshRealtime() {
  const at = asOf();
  const body = await api("/v1/adherence/realtime", { at: at && at.toISOString() });
  fill("realtime", body.data, (tr, r) => {
    tr.className = r.severity;
    tr.dataset.severity = r.severity;
    clickable(tr, r.agent_id);
    cell(tr, r.agent_id);
    cell(tr, r.team || "-");
    cell(tr, r.scheduled_activity);
    cell(tr, r.actual_state || "-");
    cell(tr, clock(r.state_since));
    cell(tr, `${(r.out_of_adherence_s / 60).toFixed(1)} min`, "num");
    badge(tr, r.severity);
  }, "no agent scheduled or working now");
  const shown = asOf() ? `as of ${clock(body.at)}` : `live, ${clock(body.at)}`;
  $("updated").textContent = `${shown} (${localDate(new Date(body.at))})`;
}

async function refreshToday() {
  const day = localDate(asOf() || new Date());
  const range = { start_date: day, end_date: day };
  const [teams, agents, exceptions] = await Promise.all([
    api("/v1/adherence/teams", range),
    api("/v1/adherence/agents", range),
    api("/v1/adherence/exceptions", range),
  ]);
  fill("teams-today", teams.data, (tr, r) => {
    cell(tr, r.team || "-"); cell(tr, r.n_agents, "num"); cell(tr, pct(r.adherence), "num");
    cell(tr, pct(r.conformance), "num"); cell(tr, r.n_exceptions, "num");
  }, "nothing scheduled today");
  const worst = [...agents.data].sort((a, b) => (a.adherence ?? 2) - (b.adherence ?? 2));
  fill("agents-today", worst, (tr, r) => {
    clickable(tr, r.agent_id);
    cell(tr, r.agent_id); cell(tr, r.team || "-"); cell(tr, pct(r.adherence), "num");
    cell(tr, pct(r.conformance), "num"); cell(tr, num(r.scheduled_s / 3600, 2), "num");
    cell(tr, r.n_exceptions, "num");
  }, "nothing scheduled today");
  fill("exceptions", exceptions.data, (tr, r) => {
    tr.className = r.severity;
    cell(tr, r.agent_id); cell(tr, r.kind.replaceAll("_", " ")); cell(tr, clock(r.start));
    cell(tr, clock(r.end)); cell(tr, num(r.duration_s / 60, 0), "num"); badge(tr, r.severity);
  }, "no exception today");
}

const FAMILY = {
  "Available": "work", "On Call": "work", "After Call Work": "work", "Outbound": "work",
  "Chat": "work", "Email": "work", "Break": "break", "Lunch": "lunch", "Meeting": "meeting",
  "Training": "training", "Logged Out": "off",
};

async function refreshTimeline() {
  if (!selectedAgent) return;
  const day = localDate(asOf() || new Date());
  const start = localToUtc(`${day}T00:00`);
  const end = localToUtc(`${addDays(day, 1)}T00:00`);
  const until = asOf() || new Date();
  const weeks = [...new Set([monday(addDays(day, -1)), monday(day)])];
  const schedules = await Promise.all(weeks.map((w) =>
    api(`/v1/schedules/${w}`, { agent_id: selectedAgent }).catch((e) => {
      if (e.status === 404) return { data: [] };
      throw e;
    })));
  const states = await api("/v1/states", {
    start: start.toISOString(), end: end.toISOString(), agent_id: selectedAgent,
  });
  const scheduled = schedules.flatMap((s) => s.data).map((r) => ({
    start: new Date(r.start), end: new Date(r.end), kind: r.activity, text: r.activity,
  }));
  const actual = states.data.map((r) => ({
    start: new Date(r.start), end: r.end ? new Date(r.end) : until,
    kind: FAMILY[r.state] || "other", text: r.state,
  })).map((s) => ({ ...s, end: s.end > until ? until : s.end })).filter((s) => s.end > s.start);
  drawTimeline(start, end, scheduled, actual);
  $("timeline-title").textContent = `${selectedAgent}'s day, ${day} (local)`;
  $("timeline-panel").hidden = false;
}

function drawTimeline(start, end, scheduled, actual) {
  const span = end - start;
  const box = $("timeline");
  box.replaceChildren();
  const track = (label, segments, className) => {
    const div = document.createElement("div");
    div.className = `track ${className}`;
    const name = document.createElement("span");
    name.className = "label";
    name.textContent = label;
    div.appendChild(name);
    for (const s of segments) {
      const a = Math.max(s.start, start), b = Math.min(s.end, end);
      if (b <= a) continue;
      const seg = document.createElement("span");
      seg.className = `seg ${s.kind}`;
      seg.style.left = `${(100 * (a - start)) / span}%`;
      seg.style.width = `${(100 * (b - a)) / span}%`;
      seg.title = `${s.text} ${clock(a)}-${clock(b)}`;
      seg.textContent = s.text;
      div.appendChild(seg);
    }
    box.appendChild(div);
  };
  track("scheduled", scheduled, "scheduled");
  track("actual", actual, "actual");
  const axis = document.createElement("div");
  axis.className = "axis";
  for (let h = 0; h <= 24; h += 3) {
    const tick = document.createElement("span");
    tick.style.left = `${(100 * h) / 24}%`;
    tick.textContent = `${String(h).padStart(2, "0")}:00`;
    axis.appendChild(tick);
  }
  box.appendChild(axis);
  $("timeline-legend").textContent =
    "Top bar: the published schedule; bottom bar: the phone states. Each bar names its activity or state.";
}

const MOVES = { overtime: "overtime", move_break: "move a break", voluntary_time_off: "voluntary time off" };

async function refreshIntraday() {
  const at = asOf();
  let body;
  try {
    body = await api("/v1/intraday", { at: at && at.toISOString() });
  } catch (e) {
    if (e instanceof Unauthorized) throw e;
    $("intraday").textContent = `No intraday view: ${e.message}`;
    return;
  }
  const box = $("intraday");
  box.replaceChildren();
  for (const q of body.queues) {
    const div = document.createElement("div");
    div.className = "queue";
    div.dataset.queue = q.queue_id;
    const h3 = document.createElement("h3");
    h3.textContent = q.queue_id;
    div.appendChild(h3);
    const facts = document.createElement("div");
    facts.className = "facts";
    const fact = (text) => { const s = document.createElement("span"); s.textContent = text; facts.appendChild(s); };
    fact(`so far ${num(q.volume_actual_so_far)} contacts against ${num(q.volume_forecast_so_far)} forecast`);
    fact(`rest of day ${num(q.volume_rest_reforecast)} reforecast (morning ${num(q.volume_rest_forecast)})`);
    fact(`attendance ${pct(q.attendance_frac)}`);
    fact(`service level to expect ${pct(q.service_level_rest_expected)} (target ${pct(q.service_level_target)})`);
    fact(`short ${num(q.short_agent_h_rest, 1)} agent-h`);
    div.appendChild(facts);
    div.appendChild(chart(body.intervals.filter((r) => r.queue_id === q.queue_id), new Date(body.at)));
    const moves = body.moves.filter((m) => m.queue_id === q.queue_id);
    const ul = document.createElement("ul");
    for (const m of moves) {
      const li = document.createElement("li");
      li.textContent = `${clock(m.start)}-${clock(m.end)}: ${MOVES[m.kind] || m.kind}, ${m.n_agents} agent(s): ${m.reason}`;
      ul.appendChild(li);
    }
    if (!moves.length) ul.appendChild(Object.assign(document.createElement("li"), { textContent: "no move needed" }));
    div.appendChild(ul);
    box.appendChild(div);
  }
  if (!body.queues.length) box.textContent = "No queue for this key.";
}

const SVG = "http://www.w3.org/2000/svg";

function chart(rows, at) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 400 100");
  svg.setAttribute("preserveAspectRatio", "none");
  svg.setAttribute("role", "img");
  const top = Math.max(1, ...rows.map((r) => Math.max(r.volume_forecast, r.volume_reforecast, r.volume_actual || 0)));
  const x = (i) => (400 * i) / Math.max(1, rows.length - 1);
  const y = (v) => 98 - (92 * v) / top;
  const line = (values, colour, dash) => {
    const points = values.map((v, i) => (v == null ? null : `${x(i).toFixed(1)},${y(v).toFixed(1)}`)).filter(Boolean);
    const path = document.createElementNS(SVG, "polyline");
    path.setAttribute("points", points.join(" "));
    path.setAttribute("fill", "none");
    path.setAttribute("stroke", colour);
    path.setAttribute("stroke-width", "1.5");
    path.setAttribute("vector-effect", "non-scaling-stroke");
    if (dash) path.setAttribute("stroke-dasharray", dash);
    svg.appendChild(path);
  };
  line(rows.map((r) => r.volume_forecast), "#888", "4 3");
  line(rows.map((r) => (r.observed ? null : r.volume_reforecast)), "#d9822b");
  line(rows.map((r) => r.volume_actual), "#20304a");
  const now = rows.findIndex((r) => new Date(r.interval_start) > at);
  if (now > 0) {
    const mark = document.createElementNS(SVG, "line");
    mark.setAttribute("x1", x(now)); mark.setAttribute("x2", x(now));
    mark.setAttribute("y1", 0); mark.setAttribute("y2", 100);
    mark.setAttribute("stroke", "#b3261e");
    mark.setAttribute("vector-effect", "non-scaling-stroke");
    svg.appendChild(mark);
  }
  const title = document.createElementNS(SVG, "title");
  title.textContent = "contacts per interval: grey dashed = morning forecast, dark = actual, orange = reforecast; red line = now";
  svg.appendChild(title);
  return svg;
}

// --- start ------------------------------------------------------------------------------

async function showBoard() {
  const [center, roster] = await Promise.all([api("/v1/center"), api("/v1/roster")]);
  tz = center.center.timezone || "UTC";
  const teams = [...new Set(roster.data.map((a) => a.team))].sort();
  $("teams").textContent = `teams: ${teams.join(", ") || "none"}`;
  $("teams").dataset.teams = teams.join(",");
  $("as-of").value = sessionStorage.getItem(AS_OF) || "";
  $("sign-in-view").hidden = true;
  $("board-view").hidden = false;
  $("who").hidden = false;
  $("error").hidden = true;
  await refreshAll();
  timers.push(setInterval(() => refreshRealtime().catch(handle), REALTIME_MS));
  timers.push(setInterval(() => refreshSlow().catch(handle), SLOW_MS));
}

async function refreshSlow() {
  await Promise.all([refreshToday(), refreshTimeline(), refreshIntraday()]);
}

async function refreshAll() {
  await Promise.all([refreshRealtime(), refreshSlow()]);
}

function start() {
  $("sign-in").addEventListener("submit", (event) => {
    event.preventDefault();
    sessionStorage.setItem(KEY, $("key").value.trim());
    $("key").value = "";
    showBoard().catch((error) => {
      if (error.status === 403) signOut("This key may not read the board (it is not a supervisor's, planner's, manager's or admin's).");
      else handle(error);
    });
  });
  $("sign-out").addEventListener("click", () => signOut(""));
  $("as-of").addEventListener("change", () => {
    const value = $("as-of").value;
    if (value) sessionStorage.setItem(AS_OF, value); else sessionStorage.removeItem(AS_OF);
    refreshAll().catch(handle);
  });
  $("live").addEventListener("click", () => {
    sessionStorage.removeItem(AS_OF);
    $("as-of").value = "";
    refreshAll().catch(handle);
  });
  if (sessionStorage.getItem(KEY)) showBoard().catch(handle);
  else signOut("");
}

document.addEventListener("DOMContentLoaded", start);
