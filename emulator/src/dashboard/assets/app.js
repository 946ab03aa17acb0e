// The emulator dashboard. Plain JavaScript, no dependencies: it polls the state once a second
// (never while the tab is hidden, never two requests at once) and acts through the admin
// endpoints. Every value is written with textContent, so nothing a client sent can become markup.
'use strict';

const POLL_MS = 1000;
const LOG_ROWS = 200;
let cursor = 0;          // the newest request-log entry already shown
let timer = null;
let inFlight = false;

const $ = (sel, root = document) => root.querySelector(sel);

// Every request of the page goes through here (same origin, so the admin access rule applies).
async function call(method, path, body) {
  const init = { method, cache: 'no-store', headers: {} };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    try { const j = await res.json(); if (j && j.error && j.error.message) message = j.error.message; } catch (_) { /* no body */ }
    throw new Error(message);
  }
  return res.status === 204 ? null : res.json();
}

function el(tag, props = {}, children = []) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'text') e.textContent = v;
    else if (k === 'class') e.className = v;
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

function setText(node, text) {
  const t = text == null ? '' : String(text);
  if (node.textContent !== t) node.textContent = t;
}

// Keeps the rows of `tbody` in the order of `items`, reusing the row of each key (so a button
// being clicked is not replaced under the pointer), and removes rows whose key is gone.
function syncRows(tbody, items, key, create, update) {
  const existing = new Map([...tbody.children].map((r) => [r.dataset.key, r]));
  items.forEach((item, i) => {
    const k = key(item);
    let row = existing.get(k);
    if (!row) { row = create(item); row.dataset.key = k; }
    existing.delete(k);
    update(row, item);
    if (tbody.children[i] !== row) tbody.insertBefore(row, tbody.children[i] || null);
  });
  for (const row of existing.values()) row.remove();
}

function actionButton(label, title, onClick, danger) {
  const b = el('button', { type: 'button', text: label, title, class: danger ? 'danger' : '' });
  b.addEventListener('click', async () => {
    b.disabled = true;
    try { await onClick(); } catch (e) { showError('faults-error', `${title}: ${e.message}`); }
    b.disabled = false;
    refresh();
  });
  return b;
}

const enc = encodeURIComponent;

function sessionRow(account) {
  return (s) => {
    const base = `/_emulator/accounts/${enc(account)}/sessions/${enc(s.id)}`;
    const fill = el('div', { class: 'fill' });
    const bar = el('div', { class: 'bar', role: 'progressbar', 'aria-valuemin': '0' }, [fill]);
    const row = el('tr', { dataset: { sessionId: s.id } }, [
      el('td', { class: 'mono id' }),
      el('td', {}, [el('span', { class: 'status' })]),
      el('td', { class: 'size' }),
      el('td', {}, [el('div', { class: 'lease' }, [bar, el('span', { class: 'lease-text' }), el('span', { class: 'expiring' })])]),
      el('td', { class: 'mono hostname wrap' }),
      el('td', { class: 'mono ports' }),
      el('td', { class: 'actions' }, [
        actionButton('Stop', `stop ${s.id}`, () => call('POST', `${base}/stop`), false),
        actionButton('Fail', `fail ${s.id}`, () => call('POST', `${base}/fail`, {}), true),
      ]),
    ]);
    return row;
  };
}

function updateSession(row, s) {
  setText($('.id', row), s.id);
  const status = $('.status', row);
  setText(status, s.status);
  status.dataset.status = s.status;
  setText($('.size', row), s.size);
  const bar = $('.bar', row);
  const pct = s.leaseMinutes > 0 ? Math.min(100, (100 * s.elapsedMinutes) / s.leaseMinutes) : 100;
  $('.fill', row).style.width = `${pct}%`;
  bar.setAttribute('aria-valuemax', String(s.leaseMinutes));
  bar.setAttribute('aria-valuenow', String(s.elapsedMinutes));
  bar.dataset.expiring = String(s.expiring);
  const text = `${s.elapsedMinutes} of ${s.leaseMinutes} min`;
  bar.title = `${text} used`;
  setText($('.lease-text', row), text);
  setText($('.expiring', row), s.expiring ? `expiring (${s.remainingMinutes} min left)` : '');
  setText($('.hostname', row), s.hostname || (s.error ? `${s.error.code}: ${s.error.message}` : ''));
  setText($('.ports', row), s.handshakePort ? `${s.handshakePort} / ${s.arrInspectorPort}` : '');
  row.classList.toggle('ended', s.ended);
  for (const b of row.querySelectorAll('.actions button')) b.hidden = s.ended;
}

function conversionRow(account) {
  return (c) => {
    const base = `/_emulator/accounts/${enc(account)}/conversions/${enc(c.id)}`;
    return el('tr', { dataset: { conversionId: c.id } }, [
      el('td', { class: 'mono id' }),
      el('td', {}, [el('span', { class: 'status' })]),
      el('td', { class: 'mono input wrap' }),
      el('td', { class: 'mono output wrap' }),
      el('td', { class: 'error-text' }),
      el('td', { class: 'actions' }, [
        actionButton('Fail', `fail ${c.id}`, () => call('POST', `${base}/fail`, {}), true),
        actionButton('Cancel', `cancel ${c.id}`, () => call('POST', `${base}/cancel`), false),
      ]),
    ]);
  };
}

function updateConversion(row, c) {
  setText($('.id', row), c.id);
  const status = $('.status', row);
  setText(status, c.status);
  status.dataset.status = c.status;
  setText($('.input', row), c.input);
  setText($('.output', row), c.outputAssetUri || c.output);
  setText($('.error-text', row), c.error ? `${c.error.code}: ${c.error.message}` : '');
  row.classList.toggle('ended', c.ended);
  for (const b of row.querySelectorAll('.actions button')) b.hidden = c.ended;
}

function renderAccounts(accounts) {
  const host = $('#accounts');
  syncRows(host, accounts, (a) => a.id, (a) => {
    const art = $('#account-template').content.firstElementChild.cloneNode(true);
    art.dataset.account = a.id;
    return art;
  }, (art, a) => {
    setText($('.account-id', art), a.id);
    const more = (shown, all) => (all > shown ? `(newest ${shown} of ${all})` : `(${all})`);
    setText($('.session-count', art), more(a.sessions.length, a.sessionCount));
    setText($('.conversion-count', art), more(a.conversions.length, a.conversionCount));
    syncRows($('.sessions tbody', art), a.sessions, (s) => s.id, sessionRow(a.id), updateSession);
    syncRows($('.conversions tbody', art), a.conversions, (c) => c.id, conversionRow(a.id), updateConversion);
  });
}

function renderStats(stats) {
  const routes = Object.entries(stats.byRoute).map(([route, r]) => ({ route, ...r }));
  syncRows($('#stats tbody'), routes, (r) => r.route,
    () => el('tr', {}, [el('td', { class: 'mono' }), el('td'), el('td', { class: 'mono' })]),
    (row, r) => {
      setText(row.children[0], r.route);
      setText(row.children[1], r.requests);
      setText(row.children[2], Object.entries(r.statuses).map(([s, n]) => `${s}×${n}`).join('  '));
    });
  const faults = Object.entries(stats.faults).map(([k, n]) => `${k}×${n}`).join(', ');
  setText($('#stats-faults'), faults || 'none');
}

function renderLog(page) {
  const tbody = $('#log tbody');
  if (page.last < cursor) tbody.replaceChildren();   // the emulator was restarted
  const rows = page.entries.map((e) => el('tr', { dataset: { seq: e.seq, route: e.route } }, [
    el('td', { class: 'time', text: new Date(e.atMs).toISOString().slice(11, 23) }),   // UTC, like the clock
    el('td', { text: e.method }),
    el('td', { class: 'mono', text: e.route }),
    el('td', { class: 'mono wrap', text: e.path }),
    el('td', { class: `st-${String(e.status)[0]}`, text: e.status === 0 ? 'reset' : e.status }),
    el('td', { text: `${e.latencyMs.toFixed(1)} ms` }),
    el('td', { class: 'mono', text: e.msCv || '' }),
  ]));
  tbody.prepend(...rows.reverse());
  while (tbody.children.length > LOG_ROWS) tbody.lastElementChild.remove();
  cursor = page.last;
}

function render(state) {
  setText($('#clock-now'), state.clock.now);
  setText($('#clock-scale'), state.clock.timeScale);
  setText($('#faults-current'), state.faults.spec || 'none');
  setText($('#faults-seed'), state.faults.seed);
  setText($('#faults-routes'), state.faults.routes.join(', '));
  renderAccounts(state.accounts);
  renderStats(state.stats);
  renderLog(state.requests);
}

function setConnection(live, why) {
  const badge = $('#connection');
  badge.dataset.state = live ? 'live' : 'down';
  setText(badge, live ? 'live' : `disconnected${why ? `: ${why}` : ''}`);
}

function showError(id, message) {
  setText($(`#${id}`), message);
}

async function refresh() {
  if (inFlight) return;
  inFlight = true;
  clearTimeout(timer);
  try {
    render(await call('GET', `/_emulator/dashboard/state?since=${cursor}`));
    setConnection(true);
  } catch (e) {
    setConnection(false, e.message);
  } finally {
    inFlight = false;
    if (!document.hidden) timer = setTimeout(refresh, POLL_MS);
  }
}

function advance(seconds) {
  showError('clock-error', '');
  call('POST', '/_emulator/clock/advance', { seconds })
    .catch((e) => showError('clock-error', e.message))
    .finally(refresh);
}

document.addEventListener('DOMContentLoaded', () => {
  for (const b of document.querySelectorAll('[data-advance]')) {
    b.addEventListener('click', () => advance(Number(b.dataset.advance)));
  }
  $('#clock-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    advance(Number($('#clock-seconds').value));
  });
  $('#faults-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    showError('faults-error', '');
    const spec = $('#faults-spec').value.trim();
    const seed = Number($('#faults-seed-input').value || 0);
    try {
      if (spec === '') await call('DELETE', '/_emulator/faults');
      else await call('PUT', '/_emulator/faults', { spec, seed });
    } catch (e) {
      showError('faults-error', e.message);
    }
    refresh();
  });
  $('#faults-clear').addEventListener('click', async () => {
    showError('faults-error', '');
    try { await call('DELETE', '/_emulator/faults'); $('#faults-spec').value = ''; } catch (e) { showError('faults-error', e.message); }
    refresh();
  });
  document.addEventListener('visibilitychange', () => { if (!document.hidden) refresh(); });
  refresh();
});
