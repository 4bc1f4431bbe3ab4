// Encore post-show report: fetches /api/shows/{show}/report with the performer key the console keeps in localStorage
// (or one typed here) and draws the figures as inline SVG bar charts. No framework, no CDN.
'use strict';

(() => {
  const show = JSON.parse(document.getElementById('show-data').textContent);
  const $ = (id) => document.getElementById(id);
  const KEY_STORE = 'encore.performerKey.' + show.id;
  const SVG = 'http://www.w3.org/2000/svg';
  $('console-link').href = show.console;

  function el(name, attrs, text) {
    const node = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs)) { node.setAttribute(k, String(v)); }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  /** Horizontal bars: rows of { label, value, extra? } (extra: a second, green bar under the first). */
  function bars(target, rows, unit) {
    const box = $(target);
    box.textContent = '';
    if (rows.length === 0) { box.textContent = 'None.'; return; }
    const max = Math.max(1, ...rows.map((r) => Math.max(r.value, r.extra || 0)));
    const rowH = rows.some((r) => r.extra !== undefined) ? 40 : 26;
    const svg = el('svg', { viewBox: `0 0 600 ${rows.length * rowH + 4}`, role: 'img' });
    rows.forEach((r, i) => {
      const y = i * rowH + 2;
      svg.appendChild(el('text', { x: 0, y: y + 15 }, r.label));
      svg.appendChild(el('rect', { class: 'bar', x: 180, y, height: 18, width: Math.max(1, 320 * r.value / max) }));
      svg.appendChild(el('text', { x: 186 + 320 * r.value / max, y: y + 15 }, r.value.toLocaleString() + (unit || '')));
      if (r.extra !== undefined) {
        svg.appendChild(el('rect', { class: 'bar2', x: 180, y: y + 20, height: 14, width: Math.max(1, 320 * r.extra / max) }));
        svg.appendChild(el('text', { x: 186 + 320 * r.extra / max, y: y + 32 }, r.extra.toLocaleString() + ' sold'));
      }
    });
    box.appendChild(svg);
  }

  const minutes = (ms) => (ms / 60000).toFixed(1) + ' min';
  const shortTime = (ms) => (ms < 1000 ? ms + ' ms' : (ms / 1000).toFixed(1) + ' s');

  /** Time to first audio: p50/p99/max bars in ms; a report of version 1 has none. */
  function firstAudio(t) {
    if (!t || t.count === 0) {
      bars('ttfa', []);
      $('ttfa-text').textContent = t && t.waitedForPerformer > 0
        ? `${t.waitedForPerformer} listener(s) joined while the performer's audio was off; see the notes.`
        : 'No listener\'s audio started in this run.';
      return;
    }
    bars('ttfa', [{ label: 'p50', value: t.p50Ms }, { label: 'p99', value: t.p99Ms }, { label: 'max', value: t.maxMs }], ' ms');
    $('ttfa-text').textContent = `From the listener's offer to the first audio packet sent, over ${t.count} listener session(s)`
      + (t.waitedForPerformer > 0 ? `; ${t.waitedForPerformer} who joined while the performer was off air are left out.` : '.');
  }

  function card(n, label) {
    const c = document.createElement('div');
    c.className = 'card';
    const big = document.createElement('div');
    big.className = 'n';
    big.textContent = n;
    const small = document.createElement('div');
    small.className = 'l';
    small.textContent = label;
    c.append(big, small);
    $('cards').appendChild(c);
  }

  function draw(body) {
    const r = body.report;
    $('summary').textContent = body.summary;
    $('cards').textContent = '';
    card(r.listenTaps.total.toLocaleString(), 'listen taps');
    card(r.listeners.joins.toLocaleString(), 'joined');
    card(r.listeners.peak.toLocaleString(), 'peak listeners');
    card(r.listeners.averageDuringSet.toLocaleString(), 'average during the set');
    card(minutes(r.setDurationMs), 'set duration');
    const t = r.timeToFirstAudio;
    card(t && t.count > 0 ? `${shortTime(t.p50Ms)} / ${shortTime(t.p99Ms)}` : '—', 'time to first audio p50 / p99');
    card(r.requests.submitted.toLocaleString(), `requests (${r.requests.upvotes} upvotes, ${r.requests.played} played)`);
    card(r.polls.reduce((s, p) => s + p.votes, 0).toLocaleString(), 'poll votes');
    card(r.performer.disconnects, `performer drops (${Math.round(r.performer.disconnectedMs / 1000)} s)`);
    bars('taps', Object.entries(r.listenTaps.bySource).map(([k, v]) => ({ label: k, value: v })));
    bars('listening', r.listeners.listening.histogram.map((b) => ({ label: b.label, value: b.listeners })));
    $('listening-text').textContent = `p50 ${minutes(r.listeners.listening.p50Ms)}, p90 ${minutes(r.listeners.listening.p90Ms)},`
      + ` max ${minutes(r.listeners.listening.maxMs)}`;
    firstAudio(t);
    bars('songs', r.songs.map((s) => ({ label: `${s.index + 1}. ${s.title}`, value: s.reactionsTotal })));
    bars('drops', r.drops.map((d) => ({ label: d.dropId, value: d.clicks, extra: d.sold })), ' clicks');
    bars('polls', r.polls.flatMap((p) => p.options.map((o, i) => ({ label: `${p.question} ${o}`, value: p.tally[i] || 0 }))));
    $('notes').textContent = '';
    for (const note of r.notes) {
      const li = document.createElement('li');
      li.textContent = note;
      $('notes').appendChild(li);
    }
    $('report').hidden = false;
    $('lock').hidden = true;
  }

  async function load(key) {
    const res = await fetch(show.report, { headers: { Authorization: 'Bearer ' + key }, cache: 'no-store' });
    if (res.status === 401) {
      localStorage.removeItem(KEY_STORE);
      $('lock-message').textContent = "That key isn't right for this show.";
      $('lock').hidden = false;
      return;
    }
    if (!res.ok) {
      $('lock-message').textContent = 'The report is not available: ' + (await res.text());
      $('lock').hidden = false;
      return;
    }
    localStorage.setItem(KEY_STORE, key);
    draw(await res.json());
  }

  $('lock').addEventListener('submit', (e) => {
    e.preventDefault();
    const key = $('key').value.trim();
    if (key) { load(key).catch((err) => { $('lock-message').textContent = String(err); }); }
  });
  const saved = localStorage.getItem(KEY_STORE);
  if (saved) {
    load(saved).catch((err) => { $('lock-message').textContent = String(err); $('lock').hidden = false; });
  } else {
    $('lock').hidden = false;
  }
})();
