// The dashboard in a real browser: the real `rivulet server` binary, Debian's Chromium driven by
// playwright-core, Sensor Logger batches POSTed to /phone-producer/, and assertions on what the
// page shows (one chart per phone, points drawn, latency). Run: node --test tests/browser/
// RIVULET_BIN names the binary (default: $HOME/.cache/rivulet/target/debug/rivulet);
// CHROMIUM the browser (default /usr/bin/chromium); DASHBOARD_SCREENSHOT a PNG path to save.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

const BIN = process.env.RIVULET_BIN || join(homedir(), '.cache/rivulet/target/debug/rivulet');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const PHONE_A = '5d0c1f7e-93a2-4c1b-9a6e-2f8b7c3d4e10';
const PHONE_B = 'b81e4a09-6c3d-4f7a-8e25-0d9c1b2a3f47';

let dataDir;
let server;
let baseUrl;
let browser;
let page;
const pageErrors = [];
const requests = [];
let messageId = 0;

/** Starts `rivulet server` on a free port; resolves with the URL from its `HTTP` banner line. */
function startServer() {
  const child = spawn(BIN, ['server', '--listen', '127.0.0.1:0', '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr.on('data', (d) => {
    output = (output + d).slice(-8000);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no HTTP line within 30 s:\n${output}`)), 30_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${BIN}: ${e.message}`));
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`rivulet server exited (${code ?? signal}):\n${output}`));
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      output = (output + line + '\n').slice(-8000);
      const m = /^\s*HTTP\s+(http:\/\/\S+)/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1].replace(/\/$/, '') });
      }
    });
  });
}

/** A Sensor Logger batch from one phone: `n` accelerometer readings ending now (ns as strings),
 * plus one gyroscope reading that the chart's query must leave out. */
function batch(deviceId, n) {
  const nowNs = BigInt(Date.now()) * 1_000_000n;
  const payload = [];
  for (let i = 0; i < n; i++) {
    const t = nowNs - BigInt(n - 1 - i) * 10_000_000n; // 100 Hz
    const phase = (Number(t / 1_000_000n) % 10_000) / 300;
    payload.push({
      name: 'accelerometeruncalibrated',
      time: t.toString(),
      values: { x: Math.sin(phase), y: Math.cos(phase) * 0.5, z: 9.81 + Math.sin(phase * 3) * 0.2 },
    });
  }
  payload.push({ name: 'gyroscope', time: nowNs.toString(), values: { x: 0.1, y: 0.2, z: 0.3 } });
  messageId += 1;
  return { messageId, sessionId: 'browser-test', deviceId, payload };
}

async function post(deviceId, n) {
  const res = await fetch(`${baseUrl}/phone-producer/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(batch(deviceId, n)),
  });
  assert.equal(res.status, 200, `POST /phone-producer/: ${await res.text()}`);
}

/** What the page shows for each phone's chart. */
function charts() {
  return page.$$eval('#charts section.device', (sections) =>
    sections.map((s) => ({
      device: s.dataset.device,
      title: s.querySelector('h2 .id')?.textContent,
      points: Number(s.dataset.points),
      draws: Number(s.dataset.draws),
      pointsText: s.querySelector('.points')?.textContent,
      latencyText: s.querySelector('.latency')?.textContent,
      latencyMs: Number(s.querySelector('.latency')?.dataset.ms),
      canvases: s.querySelectorAll('canvas').length,
      pixels: s.querySelector('canvas')?.toDataURL(),
    })),
  );
}

function pointsOf(device, n) {
  return page.waitForFunction(
    ([d, k]) => document.querySelector(`section.device[data-device="${d}"]`)?.dataset.points === String(k),
    [device, n],
    { timeout: 15_000 },
  );
}

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'rivulet-browser-'));
  ({ child: server, url: baseUrl } = await startServer());
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()));
  page.on('request', (r) => requests.push(r.url()));
  page.on('response', (r) => r.status() >= 400 && pageErrors.push(`${r.status()} ${r.url()}`));
});

after(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    server.removeAllListeners('exit');
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGINT');
    const timer = setTimeout(() => server.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test('the page loads from the binary alone and connects to the chart feed', { timeout: 30_000 }, async () => {
  const res = await page.goto(`${baseUrl}/`);
  assert.equal(res.status(), 200);
  assert.equal(await page.textContent('h1'), 'Rivulet — live phone sensors');
  await page.waitForSelector('#status[data-state="connected"]', { timeout: 15_000 });
  assert.match(await page.textContent('#status'), /^connected · 0 events received · 0 phones$/);
  assert.equal((await charts()).length, 0, 'no chart before any reading');
  assert.equal(await page.evaluate(() => typeof window.uPlot), 'function', 'vendored uPlot loaded');
  const foreign = requests.filter((u) => !u.startsWith(baseUrl + '/'));
  assert.deepEqual(foreign, [], 'the page fetches nothing from other hosts');
});

test('two phones posting readings get two live charts with latency', { timeout: 60_000 }, async () => {
  await post(PHONE_A, 20);
  await post(PHONE_B, 20);
  await page.waitForSelector('section.device >> nth=1', { timeout: 15_000 });
  await pointsOf(PHONE_A, 20);
  await pointsOf(PHONE_B, 20);

  let shown = await charts();
  assert.deepEqual(shown.map((c) => c.device), [PHONE_A, PHONE_B], 'one chart per phone, in order of arrival');
  for (const c of shown) {
    assert.equal(c.title, c.device.slice(0, 8), 'title shows the device id prefix');
    assert.equal(c.pointsText, '20 points', 'only accelerometer readings are charted');
    assert.ok(c.canvases >= 1, 'uPlot drew a canvas');
    assert.ok(c.draws >= 1, 'uPlot drew the points');
    assert.match(c.latencyText, /^-?\d+ ms$/);
    assert.ok(Number.isFinite(c.latencyMs), `latency is a number: ${c.latencyText}`);
    assert.ok(c.latencyMs > -5 && c.latencyMs < 15_000, `latency ${c.latencyMs} ms is plausible`);
  }
  assert.match(await page.textContent('#status'), /^connected · 40 events received · 2 phones$/);
  const before = shown;

  // More readings from phone A: its chart redraws with more points; phone B's stays as it was.
  await post(PHONE_A, 30);
  await pointsOf(PHONE_A, 50);
  shown = await charts();
  assert.ok(shown[0].draws > before[0].draws, 'phone A chart redrawn');
  assert.notEqual(shown[0].pixels, before[0].pixels, 'phone A chart pixels changed');
  assert.equal(shown[1].points, 20, 'phone B chart unchanged');
  assert.equal(shown[1].pixels, before[1].pixels, 'phone B chart pixels unchanged');

  // A chart keeps only the last 200 readings.
  await post(PHONE_A, 250);
  // The cap is reached before the last events arrive: wait for all 320, then check the cap held.
  await page.waitForFunction(
    () => /^connected · 320 events received · 2 phones$/.test(document.querySelector('#status')?.textContent ?? ''),
    null,
    { timeout: 15_000 },
  );
  assert.match(await page.textContent('#status'), /^connected · 320 events received · 2 phones$/);
  await pointsOf(PHONE_A, 200);
  assert.equal((await charts())[0].points, 200, 'a chart keeps only the last 200 readings');

  if (process.env.DASHBOARD_SCREENSHOT) {
    await post(PHONE_B, 150);
    await pointsOf(PHONE_B, 170);
    await page.screenshot({ path: process.env.DASHBOARD_SCREENSHOT, fullPage: true });
  }
  assert.deepEqual(pageErrors, [], 'no errors in the page');
});
