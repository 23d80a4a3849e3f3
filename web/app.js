// Rivulet's live phone dashboard: one uPlot chart per phone, fed by the seed dashboard's SSE feed
// (GET /chart-data/{client_id}, event `new_message`, data ["<deviceId>", "<UTC time text>", x, y, z]).
(() => {
  'use strict';

  const KEEP = 200; // points kept per chart
  const COLORS = { X: '#e5484d', Y: '#30a46c', Z: '#0b74de' };

  const statusEl = document.getElementById('status');
  const chartsEl = document.getElementById('charts');
  const emptyEl = document.getElementById('empty');
  const devices = new Map(); // deviceId -> chart state, in order of first event
  let events = 0;
  let state = 'connecting';
  let source = null;
  let frame = 0;

  function renderStatus() {
    statusEl.dataset.state = state;
    statusEl.dataset.events = String(events);
    const phones = devices.size === 1 ? '1 phone' : `${devices.size} phones`;
    statusEl.textContent = `${state} · ${events} events received · ${phones}`;
  }

  // "2024-05-29 16:26:42.133456600" (UTC, as pandas prints it) -> ms since the epoch.
  function parseTime(text) {
    const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?/.exec(text || '');
    if (!m) return NaN;
    const whole = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
    return whole + (m[7] ? Number('0.' + m[7]) * 1000 : 0);
  }

  // The seed wrote Python's json.dumps, which spells non-finite numbers NaN/Infinity.
  function parseRow(text) {
    try {
      return JSON.parse(text);
    } catch (_) {
      return JSON.parse(text.replace(/-?\b(?:NaN|Infinity)\b/g, 'null'));
    }
  }

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function plotWidth(d) {
    return Math.max(240, d.plotEl.clientWidth || chartsEl.clientWidth - 20);
  }

  function addDevice(id) {
    const d = {
      id,
      data: [[], [], [], []], // time (s), X, Y, Z
      lastMs: NaN,
      lastText: '',
      draws: 0,
      dirty: false,
    };
    d.el = el('section', 'device');
    d.el.dataset.device = id;
    d.el.dataset.points = '0';
    d.el.dataset.draws = '0';
    const h = el('h2');
    const idEl = el('span', 'id', id.slice(0, 8));
    idEl.title = id;
    d.timeEl = el('span', 'meta time', '');
    const lat = el('span', 'meta', 'latency ');
    d.latencyEl = el('span', 'latency', '–');
    lat.append(d.latencyEl);
    d.pointsEl = el('span', 'meta points', '0 points');
    h.append(idEl, d.timeEl, lat, d.pointsEl);
    d.plotEl = el('div', 'plot');
    d.el.append(h, d.plotEl);
    if (emptyEl) emptyEl.remove();
    chartsEl.append(d.el);

    const series = ['X', 'Y', 'Z'].map((label) => ({
      label,
      stroke: COLORS[label],
      width: 1.5,
      points: { show: false },
    }));
    d.plot = new uPlot(
      {
        width: plotWidth(d),
        height: 200,
        scales: { x: { time: true } },
        series: [{}, ...series],
        axes: [{}, { size: 48 }],
        cursor: { drag: { x: false, y: false } },
        hooks: {
          draw: [
            () => {
              d.draws += 1;
              d.el.dataset.draws = String(d.draws);
            },
          ],
        },
      },
      d.data,
      d.plotEl,
    );
    devices.set(id, d);
    return d;
  }

  function onRow(ev) {
    let row;
    try {
      row = parseRow(ev.data);
    } catch (_) {
      return;
    }
    if (!Array.isArray(row)) return;
    events += 1;
    const id = row[0] == null ? 'unknown' : String(row[0]);
    const d = devices.get(id) || addDevice(id);
    const ms = parseTime(row[1]);
    const t = (Number.isFinite(ms) ? ms : Date.now()) / 1000;
    const [ts, xs, ys, zs] = d.data;
    ts.push(t);
    xs.push(row[2]);
    ys.push(row[3]);
    zs.push(row[4]);
    if (ts.length > KEEP) d.data.forEach((a) => a.splice(0, a.length - KEEP));
    if (Number.isFinite(ms)) {
      d.lastMs = ms;
      d.lastText = String(row[1]);
    }
    d.dirty = true;
    if (!frame) frame = requestAnimationFrame(draw);
  }

  function draw() {
    frame = 0;
    const now = Date.now();
    for (const d of devices.values()) {
      if (!d.dirty) continue;
      d.dirty = false;
      d.plot.setData(d.data.map((a) => a.slice()));
      const n = d.data[0].length;
      d.el.dataset.points = String(n);
      d.pointsEl.textContent = `${n} points`;
      if (Number.isFinite(d.lastMs)) {
        const latency = Math.round(now - d.lastMs);
        d.latencyEl.textContent = `${latency} ms`;
        d.latencyEl.dataset.ms = String(latency);
        d.timeEl.textContent = `${d.lastText.slice(0, 23)} UTC`;
      }
    }
    renderStatus();
  }

  function connect() {
    state = 'connecting';
    renderStatus();
    source = new EventSource('/chart-data/' + Date.now());
    source.onopen = () => {
      state = 'connected';
      renderStatus();
    };
    source.addEventListener('new_message', onRow);
    // The feed asks for a 25-minute retry; reconnect sooner by hand.
    source.onerror = () => {
      source.close();
      state = 'disconnected';
      renderStatus();
      setTimeout(connect, 2000);
    };
  }

  let resizing = 0;
  window.addEventListener('resize', () => {
    clearTimeout(resizing);
    resizing = setTimeout(() => {
      for (const d of devices.values()) d.plot.setSize({ width: plotWidth(d), height: 200 });
    }, 100);
  });

  connect();
})();
