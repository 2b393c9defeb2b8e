// The live view: one EventSource on /ui/events, every client a table row updated in place,
// canvas charts of the slots' history, images fetched at a bounded rate. The page writes what
// it shows into data attributes (body: data-events, data-bytes, data-lag-ms; rows:
// data-updates, data-slot; images: data-loaded), which the browser test reads.
"use strict";

const HISTORY_SECONDS = 180;
const IMAGE_MIN_AGE_MS = 1000;   // a client's image is refreshed at most once a second
const IMAGE_TICK_MS = 125;       // …and the page asks for at most 8 images a second in all
const IMAGES_IN_FLIGHT = 2;
const BASE_STATUS_KEYS = new Set(["version", "uptime_seconds", "draining", "sessions", "connected_sessions", "slots", "store"]);
const PANEL_TITLES = { training: "Training", model_versions: "Model versions", models: "Model versions", placement: "Multi-edge placement", cluster: "Multi-edge placement" };

const $ = (id) => document.getElementById(id);
const rows = new Map();          // client id → { row, cells, img, updates, slot, imageAt, imageSlot }
let history = [];
let slotMs = 100;
let events = 0, bytes = 0;
const received = [];             // [time ms, bytes] of the last 10 s

function fmt(value, digits = 3) {
  if (value === null || value === undefined) return "–";
  if (typeof value !== "number") return String(value);
  return Math.abs(value) >= 1000 ? value.toFixed(0) : value.toPrecision(digits);
}

function rowFor(client) {
  let entry = rows.get(client.client);
  if (entry) return entry;
  const row = document.createElement("tr");
  row.dataset.client = client.client;
  row.dataset.role = client.role;
  row.dataset.updates = "0";
  const cells = [];
  for (let i = 0; i < 10; i++) {
    const cell = document.createElement("td");
    if (i >= 2) cell.className = "num";
    row.appendChild(cell);
    cells.push(cell);
  }
  const imageCell = document.createElement("td");
  const img = document.createElement("img");
  img.alt = client.client;
  img.dataset.loaded = "0";
  imageCell.appendChild(img);
  row.appendChild(imageCell);
  entry = { row, cells, img, updates: 0, slot: null, imageAt: 0, imageSlot: null, loading: false, hasImage: client.role !== "collector" };
  const finished = () => { if (entry.loading) { entry.loading = false; imagesInFlight -= 1; } };
  img.addEventListener("load", () => { img.dataset.loaded = String(Number(img.dataset.loaded) + 1); img.dataset.width = String(img.naturalWidth); finished(); });
  img.addEventListener("error", () => { img.dataset.failed = "1"; finished(); });
  rows.set(client.client, entry);
  return entry;
}

function updateClients(clients) {
  const body = $("clients").tBodies[0];
  const seen = new Set();
  clients.forEach((client, index) => {
    const entry = rowFor(client);
    seen.add(client.client);
    const c = entry.cells;
    c[0].textContent = client.client + (client.connected ? "" : " (detached)");
    c[1].textContent = client.role;
    c[2].textContent = client.slot ?? "–";
    c[3].textContent = client.x ?? "–";
    c[4].textContent = fmt(client.power_w);
    c[5].textContent = fmt(client.loss);
    c[6].textContent = client.expected_rate_bps ? fmt(client.expected_rate_bps / 1e6) : "–";
    c[7].textContent = fmt(client.frame_ready_milliseconds);
    c[8].textContent = client.deadline_miss === undefined ? "–" : (client.deadline_miss ? "miss" : "ok");
    c[9].textContent = client.exact_pose === undefined ? "–" : (client.exact_pose ? "exact" : "extrap.");
    entry.row.classList.toggle("served", client.x === 1);
    entry.row.classList.toggle("miss", client.deadline_miss === true);
    if (client.slot !== undefined && client.slot !== entry.slot) {
      entry.slot = client.slot;
      entry.updates += 1;
      entry.row.dataset.updates = String(entry.updates);
      entry.row.dataset.slot = String(client.slot);
    }
    if (body.rows[index] !== entry.row) body.insertBefore(entry.row, body.rows[index] || null);
  });
  for (const [id, entry] of rows) {
    if (!seen.has(id)) {
      if (entry.loading) { entry.loading = false; imagesInFlight -= 1; }
      entry.row.remove();
      rows.delete(id);
    }
  }
  $("client-count").textContent = "(" + clients.length + ")";
}

// Images: round robin over the clients whose slot moved on, bounded in rate and in flight.
let imageCursor = 0, imagesInFlight = 0;
setInterval(() => {
  if (imagesInFlight >= IMAGES_IN_FLIGHT || rows.size === 0) return;
  const entries = [...rows.values()];
  const now = performance.now();
  for (let n = 0; n < entries.length; n++) {
    const entry = entries[(imageCursor + n) % entries.length];
    if (!entry.hasImage || entry.slot === null || entry.slot === entry.imageSlot || now - entry.imageAt < IMAGE_MIN_AGE_MS) continue;
    imageCursor = (imageCursor + n + 1) % entries.length;
    entry.imageAt = now;
    entry.imageSlot = entry.slot;
    imagesInFlight += 1;
    entry.loading = true;
    entry.img.src = "/ui/frames/" + encodeURIComponent(entry.row.dataset.client) + "?slot=" + entry.slot;
    return;
  }
}, IMAGE_TICK_MS);

function drawChart(canvas, series, { stacked = false } = {}) {
  const ctx = canvas.getContext("2d");
  const { width, height } = canvas;
  ctx.clearRect(0, 0, width, height);
  if (history.length < 2) return;
  const x0 = history[0].slot, x1 = history[history.length - 1].slot;
  let max = 0;
  for (const s of series) for (const p of history) { const v = s.value(p); if (v !== null && v !== undefined && isFinite(v)) max = Math.max(max, v); }
  max = max > 0 ? max * 1.1 : 1;
  ctx.font = "11px system-ui";
  ctx.fillStyle = "#6b7385";
  ctx.fillText(fmt(max), 4, 12);
  ctx.fillText("slots " + x0 + "–" + x1, width - 110, height - 4);
  series.forEach((s, i) => {
    ctx.strokeStyle = s.color;
    ctx.fillStyle = s.color;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    let open = false;
    for (const p of history) {
      const v = s.value(p);
      if (v === null || v === undefined || !isFinite(v)) { open = false; continue; }
      const x = x1 === x0 ? 0 : (p.slot - x0) / (x1 - x0) * (width - 8) + 4;
      const y = height - 14 - v / max * (height - 28);
      if (s.bars) { if (v > 0) ctx.fillRect(x - 1, y, 2, height - 14 - y); continue; }
      if (open) ctx.lineTo(x, y); else ctx.moveTo(x, y);
      open = true;
    }
    ctx.stroke();
    ctx.fillText(s.label, 60 + i * 110, 12);
  });
}

function drawCharts() {
  drawChart($("chart-loss"), [
    { label: "robots L", color: "#d9480f", value: (p) => p.robot_loss },
    { label: "users (1−x)Δ", color: "#1c7ed6", value: (p) => p.user_loss },
  ]);
  drawChart($("chart-power"), [
    { label: "robots", color: "#d9480f", value: (p) => p.robot_power_w },
    { label: "users", color: "#1c7ed6", value: (p) => p.user_power_w },
  ]);
  drawChart($("chart-compute"), [
    { label: "compute ms", color: "#2b8a3e", value: (p) => p.compute_milliseconds },
    { label: "misses", color: "#c92a2a", bars: true, value: (p) => p.deadline_misses },
  ]);
}

function updateRound(round) {
  $("round-panel").hidden = !round;
  if (!round) return;
  $("round-index").textContent = round.round;
  $("round-stage").textContent = round.stage.replace("_", " ");
  $("round-solver").textContent = round.solver;
  $("round-uploads").textContent = round.uploads_expected ? round.uploads_committed + " / " + round.uploads_expected : "–";
  $("round-objective").textContent = fmt(round.objective);
  const body = $("round-table").tBodies[0];
  body.replaceChildren(...round.collectors.map((c) => {
    const row = document.createElement("tr");
    row.dataset.collector = c.client;
    for (const value of [c.client, c.selected === undefined ? "–" : (c.selected ? "yes" : "no"), fmt(c.power_w), c.pilot_committed ? "✓" : "…", c.dataset_committed ? "✓" : "–", c.outage ? "outage" : ""]) {
      const cell = document.createElement("td");
      cell.textContent = value;
      row.appendChild(cell);
    }
    return row;
  }));
}

// Fields other services add to /v1/status (training, model versions, placement) get a panel each.
function updateExtraPanels(status) {
  const container = $("extra-panels");
  const keys = status ? Object.keys(status).filter((k) => !BASE_STATUS_KEYS.has(k)) : [];
  for (const key of keys) {
    let panel = container.querySelector('section[data-panel="' + key + '"]');
    if (!panel) {
      panel = document.createElement("section");
      panel.dataset.panel = key;
      const title = document.createElement("h2");
      title.textContent = PANEL_TITLES[key] || key.replaceAll("_", " ");
      const body = document.createElement("pre");
      body.className = "panel-json";
      panel.append(title, body);
      container.appendChild(panel);
    }
    panel.querySelector("pre").textContent = JSON.stringify(status[key], null, 1);
  }
  for (const panel of [...container.children]) if (!keys.includes(panel.dataset.panel)) panel.remove();
}

function onState(state, size) {
  events += 1;
  bytes += size;
  const now = performance.now();
  received.push([now, size]);
  while (received.length && now - received[0][0] > 10000) received.shift();
  document.body.dataset.events = String(events);
  document.body.dataset.bytes = String(bytes);
  slotMs = state.slot_milliseconds || slotMs;
  history = history.concat(state.points);
  const keep = Math.ceil(HISTORY_SECONDS * 1000 / slotMs);
  if (history.length > keep) history = history.slice(history.length - keep);
  const last = history[history.length - 1];
  $("slot").textContent = state.slot ?? "–";
  $("tau").textContent = fmt(state.slot_milliseconds);
  $("robot-solver").textContent = state.robot_solver ?? "–";
  $("user-solver").textContent = state.user_solver ?? "–";
  $("compute").textContent = last ? fmt(last.compute_milliseconds) : "–";
  $("late").textContent = state.status ? state.status.slots.late_slots : "–";
  $("misses").textContent = history.reduce((n, p) => n + p.deadline_misses, 0);
  const span = received.length > 1 ? (now - received[0][0]) / 1000 : 1;
  $("rate").textContent = (received.reduce((n, r) => n + r[1], 0) / span / 1000).toFixed(1);
  updateClients(state.clients);
  updateRound(state.round);
  updateExtraPanels(state.status);
  drawCharts();
}

// Main-thread responsiveness: how late a 100 ms timer fires (max over the last 10 s).
const lags = [];
let expected = performance.now() + 100;
setInterval(() => {
  const now = performance.now();
  lags.push([now, Math.max(0, now - expected)]);
  while (lags.length && now - lags[0][0] > 10000) lags.shift();
  document.body.dataset.lagMs = String(Math.round(Math.max(...lags.map((l) => l[1]))));
  expected = now + 100;
}, 100);

const source = new EventSource("/ui/events");
source.addEventListener("open", () => { $("connection").textContent = "live"; $("connection").classList.add("live"); });
source.addEventListener("error", () => { $("connection").textContent = "reconnecting"; $("connection").classList.remove("live"); });
source.addEventListener("state", (event) => onState(JSON.parse(event.data), event.data.length));
$("logout").addEventListener("click", async () => { await fetch("/ui/logout", { method: "POST" }); location.assign("/"); });
