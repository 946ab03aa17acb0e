// The emulator's dashboard in a real browser: the system's headless Chromium, driven by
// playwright-core, against the emulator binary on 127.0.0.1 port 0. Sessions and a conversion
// are made through the REST API (fetch, with a token from the STS, as the README's curl
// example does); the page must show them, follow the clock, stop a session, change the fault
// plan, and never show a secret. A screenshot is left in target/dashboard-test/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');
const targetDir = process.env.CARGO_TARGET_DIR || join(root, 'target');
const emulatorBin = process.env.EMULATOR_BIN || join(targetDir, 'debug', 'remote-rendering-emulator');
const chromiumBin = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
const artefacts = join(targetDir, 'dashboard-test');
const V = 'api-version=2021-01-01';
const WAIT = { timeout: 15_000 };

// SAS strings a client sends with a conversion: they must never reach the page.
const INPUT_SAS = 'sv=2020-08-04&ss=b&srt=co&sp=rl&se=2031-01-01&sig=InputSasSignatureDoNotShow0123456789';
const OUTPUT_SAS = 'sv=2020-08-04&ss=b&srt=co&sp=rwl&se=2031-01-01&sig=OutputSasSignatureDoNotShow987654';
const QUERY_SECRET = 'QuerySignatureDoNotShow5555';

let emu;          // { child, endpoint, accountId, accountKey }
let token;
let context;
let page;
let userDataDir;
const stateBodies = [];   // every state answer the page received, as text

function startEmulator() {
  return new Promise((resolveReady, reject) => {
    // Emulated time all but stands still (10,000 times slower than real time): it moves only when
    // a test advances the clock, so a slow browser start cannot let the 5 s start-up delay pass
    // before the page has shown `Starting`.
    const child = spawn(emulatorBin, [
      '--listen', '127.0.0.1:0', '--startup-delay', '5', '--conversion-duration', '3600',
      '--time-scale', '0.0001',
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`no ready line within 20 s; stderr: ${err}`)), 20_000);
    child.stderr.on('data', (d) => { err += d; });
    child.stdout.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolveReady({ child, ...JSON.parse(out.slice(0, nl)) });
      }
    });
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`emulator exited (${code}): ${err}`)); });
  });
}

async function api(method, path, body) {
  const res = await fetch(`${emu.endpoint}/accounts/${emu.accountId}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function admin(method, path, body) {
  const res = await fetch(`${emu.endpoint}/_emulator${path}`, {
    method,
    headers: body ? { 'Content-Type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  assert.ok(res.ok, `${method} ${path}: ${res.status}`);
  return res.status === 204 ? null : res.json();
}

const sessionRow = (id) => page.locator(`tr[data-session-id="${id}"]`);
const conversionRow = (id) => page.locator(`tr[data-conversion-id="${id}"]`);

// Waits until the page shows `expected` in the element, polling with a deadline.
async function waitForText(locator, expected) {
  await locator.waitFor(WAIT);
  const deadline = Date.now() + WAIT.timeout;
  let last;
  while (Date.now() < deadline) {
    last = await locator.textContent();
    if (expected instanceof RegExp ? expected.test(last) : last.includes(expected)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`expected ${expected} in ${locator}, last saw ${JSON.stringify(last)}`);
}

async function leaseUsed(id) {
  return Number(await sessionRow(id).locator('[role=progressbar]').getAttribute('aria-valuenow'));
}

before(async () => {
  assert.ok(existsSync(emulatorBin), `build the emulator first: ${emulatorBin}`);
  assert.ok(existsSync(chromiumBin), `install Debian's chromium: ${chromiumBin}`);
  mkdirSync(artefacts, { recursive: true });
  emu = await startEmulator();
  const sts = await fetch(`${emu.endpoint}/Accounts/${emu.accountId}/token?api-version=2019-02-28-preview`, {
    headers: { Authorization: `Bearer ${emu.accountId}:${emu.accountKey}` },
  });
  assert.equal(sts.status, 200);
  token = (await sts.json()).AccessToken;

  assert.equal((await api('PUT', `/sessions/short-lease?${V}`, { maxLeaseTimeMinutes: 10, size: 'Standard' })).status, 201);
  assert.equal((await api('PUT', `/sessions/to-stop?${V}`, { maxLeaseTimeMinutes: 30, size: 'Premium' })).status, 201);
  const settings = (name) => ({
    settings: {
      inputLocation: {
        storageContainerUri: 'https://demo.blob.core.windows.net/input',
        storageContainerReadListSas: INPUT_SAS,
        relativeInputAssetPath: `models/${name}.fbx`,
      },
      outputLocation: {
        storageContainerUri: 'https://demo.blob.core.windows.net/output',
        storageContainerWriteSas: OUTPUT_SAS,
        blobPrefix: 'converted',
      },
    },
  });
  assert.equal((await api('PUT', `/conversions/engine-model?${V}`, settings('engine'))).status, 201);
  assert.equal((await api('PUT', `/conversions/to-fail?${V}`, settings('broken'))).status, 201);
  // A request with a signature in its query string: the log keeps the path only.
  assert.equal((await api('GET', `/sessions/short-lease?${V}&sig=${QUERY_SECRET}`)).status, 200);

  userDataDir = mkdtempSync(join(tmpdir(), 'dashboard-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumBin,
    headless: true,
    viewport: { width: 1280, height: 1000 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = context.pages()[0] || await context.newPage();
  page.on('response', async (res) => {
    if (res.url().includes('/_emulator/dashboard/state')) {
      try { stateBodies.push(await res.text()); } catch (_) { /* page navigated away */ }
    }
  });
  const res = await page.goto(`${emu.endpoint}/_emulator/`);
  assert.equal(res.status(), 200);
});

after(async () => {
  if (context) await context.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  if (emu) {
    const exited = new Promise((r) => emu.child.once('exit', r));
    emu.child.removeAllListeners('exit');
    process.kill(emu.child.pid, 'SIGTERM');
    await exited;
  }
});

test('the page shows the sessions and conversions made through the API', async () => {
  await waitForText(page.locator('#connection'), 'live');
  await waitForText(sessionRow('short-lease').locator('.status'), 'Starting');
  await waitForText(sessionRow('to-stop').locator('.size'), 'Premium');
  await waitForText(conversionRow('engine-model').locator('.status'), 'Running');
  await waitForText(conversionRow('engine-model').locator('.input'),
    'https://demo.blob.core.windows.net/input/models/engine.fbx');
  await waitForText(page.locator('.account-id'), emu.accountId);
});

test('the lease bar moves when the emulated clock advances, and expiring sessions are marked', async () => {
  await admin('POST', '/clock/advance', { seconds: 6 });     // past the start-up delay: Ready
  await waitForText(sessionRow('short-lease').locator('.status'), 'Ready');
  assert.equal(await leaseUsed('short-lease'), 0);
  await waitForText(sessionRow('short-lease').locator('.hostname'), /remoterendering/);
  await waitForText(sessionRow('short-lease').locator('.ports'), /\d+ \/ \d+/);
  const bar = sessionRow('short-lease').locator('.bar');
  assert.equal(await bar.getAttribute('data-expiring'), 'false');

  await admin('POST', '/clock/advance', { seconds: 180 });
  await waitForText(sessionRow('short-lease').locator('.lease-text'), '3 of 10 min');
  assert.equal(await leaseUsed('short-lease'), 3);

  await admin('POST', '/clock/advance', { seconds: 180 });   // 6 of 10: 4 left, inside the margin
  await waitForText(sessionRow('short-lease').locator('.expiring'), 'expiring (4 min left)');
  assert.equal(await bar.getAttribute('data-expiring'), 'true');
  const width = await sessionRow('short-lease').locator('.fill').evaluate((e) => e.style.width);
  assert.equal(width, '60%');
  assert.equal(await sessionRow('to-stop').locator('.bar').getAttribute('data-expiring'), 'false');

  await page.getByRole('button', { name: '+1 min' }).click();  // the page's own clock control
  await waitForText(sessionRow('short-lease').locator('.lease-text'), '7 of 10 min');
  assert.equal(await leaseUsed('short-lease'), 7);
});

test('the stop button stops the session, as the API then reports', async () => {
  await sessionRow('to-stop').getByRole('button', { name: 'Stop' }).click();
  await waitForText(sessionRow('to-stop').locator('.status'), 'Stopped');
  const read = await api('GET', `/sessions/to-stop?${V}`);
  assert.equal(read.status, 200);
  assert.equal(read.body.status, 'Stopped');
  assert.equal(await sessionRow('to-stop').getByRole('button', { name: 'Stop' }).isHidden(), true);
});

test('the fail button fails a conversion with its error code and message', async () => {
  await conversionRow('to-fail').getByRole('button', { name: 'Fail' }).click();
  await waitForText(conversionRow('to-fail').locator('.status'), 'Failed');
  await waitForText(conversionRow('to-fail').locator('.error-text'), 'ConversionFailed:');
  const read = await api('GET', `/conversions/to-fail?${V}`);
  assert.equal(read.body.status, 'Failed');
  assert.equal(read.body.error.code, 'ConversionFailed');
});

test('editing the fault plan takes effect, and clearing it ends it', async () => {
  await page.fill('#faults-spec', '500=1@get_session');
  await page.click('#faults-apply');
  await waitForText(page.locator('#faults-current'), '500=1@get_session');
  assert.equal((await admin('GET', '/faults')).spec, '500=1@get_session');
  assert.equal((await api('GET', `/sessions/short-lease?${V}`)).status, 500);
  assert.equal((await api('GET', `/sessions?${V}`)).status, 200);    // other routes untouched

  await page.fill('#faults-spec', 'nonsense');
  await page.click('#faults-apply');
  await waitForText(page.locator('#faults-error'), /./);                 // the 400's message
  assert.equal((await admin('GET', '/faults')).spec, '500=1@get_session');

  await page.click('#faults-clear');
  await waitForText(page.locator('#faults-current'), 'none');
  assert.equal((await api('GET', `/sessions/short-lease?${V}`)).status, 200);
});

test('the request log and the stats by route show what the client sent', async () => {
  const logRow = page.locator('#log tbody tr[data-route="get_session"]').first();
  await logRow.waitFor(WAIT);
  await waitForText(page.locator('#log tbody'), '500');
  const text = await logRow.textContent();
  assert.match(text, /GET/);
  assert.match(text, /\/accounts\/[^?]+\/sessions\/short-lease/);
  assert.match(text, /[A-Za-z0-9+/]{22}\.0/);            // the MS-CV of the answer
  await waitForText(page.locator('#stats tbody'), 'create_session');
  await waitForText(page.locator('#stats tbody'), 'get_session');
  await waitForText(page.locator('#stats-faults'), '500×1');
  await page.screenshot({ path: join(artefacts, 'dashboard.png'), fullPage: true });
});

test('the fail button puts a session into Error, with the error shown', async () => {
  await sessionRow('short-lease').getByRole('button', { name: 'Fail' }).click();
  await waitForText(sessionRow('short-lease').locator('.status'), 'Error');
  await waitForText(sessionRow('short-lease').locator('.hostname'), 'SessionStartFailed:');
  const read = await api('GET', `/sessions/short-lease?${V}`);
  assert.equal(read.body.status, 'Error');
  assert.equal(read.body.error.code, 'SessionStartFailed');
});

test('no secret appears in the page, its script or its state answers', async () => {
  const html = await page.content();
  const script = await (await fetch(`${emu.endpoint}/_emulator/dashboard/app.js`)).text();
  const state = await (await fetch(`${emu.endpoint}/_emulator/dashboard/state`)).text();
  assert.ok(stateBodies.length >= 3, `the page polled (${stateBodies.length} answers)`);
  const secrets = { accountKey: emu.accountKey, token, INPUT_SAS, OUTPUT_SAS, QUERY_SECRET, sig: 'SignatureDoNotShow' };
  for (const [where, text] of [['html', html], ['script', script], ['state', state], ...stateBodies.map((b, i) => [`poll ${i}`, b])]) {
    for (const [name, secret] of Object.entries(secrets)) {
      assert.ok(!text.includes(secret), `${name} appears in ${where}`);
    }
  }
  // The page did show the conversion's locations, only without the SAS.
  assert.ok(html.includes('https://demo.blob.core.windows.net/input/models/engine.fbx'));
});
