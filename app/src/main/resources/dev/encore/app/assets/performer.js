// Encore performer console: captures the chosen input in music mode and publishes it over WHIP (RFC 9725).
// No framework, no CDN. The page's JSON block (#show-data) carries the show's id, title, WHIP and status URLs and bitrate.
// The performer key lives in localStorage only and goes out only as "Authorization: Bearer" to this server.
'use strict';

(() => {
  const show = JSON.parse(document.getElementById('show-data').textContent);
  const $ = (id) => document.getElementById(id);
  const KEY_STORE = 'encore.performerKey.' + show.id;
  const DEVICE_STORE = 'encore.inputDevice';

  const MAX_BACKOFF_MS = 10000;
  const DISCONNECTED_GRACE_MS = 3000;
  const CONNECT_TIMEOUT_MS = 12000;
  const END_CONFIRM_MS = 3000;

  const STATE_TEXT = { offline: 'Offline', connecting: 'Connecting…', live: 'LIVE', reconnecting: 'Reconnecting…' };

  let key = null;
  let stream = null;       // the captured input
  let track = null;        // its audio track
  let requested = null;    // the constraints given to getUserMedia
  let wanted = false;      // the performer pressed Go live and not End
  let state = 'offline';   // offline | connecting | live | reconnecting
  let current = null;      // newest WHIP session: { pc, sender, url }
  const stale = new Set(); // older sessions kept until the newest connects (make-before-break), then ended
  let attempt = 0;
  let retryTimer = null;
  let graceTimer = null;
  let endTimer = null;
  let everLive = false;
  let localSdp = null;
  let remoteSdp = null;
  let wakeLock = null;
  let lastOut = null;      // previous outbound-rtp sample, for the bit rate
  let figures = { bytesSent: 0, packetsSent: 0, bitrate: 0, loss: null, rttMs: null, server: null };

  $('listen-link').href = show.listen;

  // ---- State, in plain words --------------------------------------------------------------------------------------

  function setState(next, detail) {
    state = next;
    document.body.dataset.state = next;
    $('state-text').textContent = STATE_TEXT[next];
    $('state-detail').textContent = detail;
    $('go-live').hidden = wanted;
    $('end').hidden = !wanted;
    $('go-hint').textContent = wanted ? 'End takes two clicks, so a bump on stage does not stop the show.'
      : 'Listeners hear you the moment you go live.';
    document.title = (next === 'live' ? '● LIVE · ' : '') + 'Performer · ' + show.title + ' · Encore';
  }

  function message(text) {
    $('message').textContent = text || '';
  }

  // ---- The key ------------------------------------------------------------------------------------------------------

  function authHeaders() {
    return { Authorization: 'Bearer ' + key };
  }

  async function checkKey(candidate) {
    const r = await fetch(show.status, { headers: { Authorization: 'Bearer ' + candidate }, cache: 'no-store' });
    if (r.status === 401) { return false; }
    if (!r.ok) { throw new Error('the server said ' + r.status); }
    return true;
  }

  function lock(text) {
    stop();
    closeChannel();
    resetHighlights();
    key = null;
    localStorage.removeItem(KEY_STORE);
    document.body.dataset.locked = 'true';
    $('console').hidden = true;
    $('lock').hidden = false;
    $('forget').hidden = true;
    $('lock-message').textContent = text || '';
    $('key').value = '';
    $('key').focus();
  }

  async function unlock(candidate, fromStorage) {
    try {
      if (!(await checkKey(candidate))) {
        lock(fromStorage ? 'The saved key no longer works. Enter the key again.'
          : "That key isn't right for this show.");
        return;
      }
    } catch (e) {
      $('lock-message').textContent = "Can't reach the server (" + e.message + '). Check the network and try again.';
      return;
    }
    key = candidate;
    localStorage.setItem(KEY_STORE, key);
    document.body.dataset.locked = 'false';
    $('lock').hidden = true;
    $('console').hidden = false;
    $('forget').hidden = false;
    $('lock-message').textContent = '';
    openChannel();
    await capture(localStorage.getItem(DEVICE_STORE));
  }

  $('lock').addEventListener('submit', (e) => {
    e.preventDefault();
    const candidate = $('key').value.trim();
    if (candidate) {
      resumeAudio();
      unlock(candidate, false);
    }
  });

  $('forget').addEventListener('click', (e) => {
    e.preventDefault();
    if (wanted && !confirm('You are live. Forgetting the key ends the show. Continue?')) { return; }
    lock('Key forgotten on this browser.');
  });

  // ---- Capture: music mode, the chosen device ---------------------------------------------------------------------

  function constraintsFor(deviceId) {
    const audio = {
      echoCancellation: false,
      noiseSuppression: false,
      autoGainControl: false,
      channelCount: { ideal: 2 },
      sampleRate: 48000,
    };
    if (deviceId) { audio.deviceId = { exact: deviceId }; }
    return { audio, video: false };
  }

  async function capture(deviceId) {
    let next;
    try {
      requested = constraintsFor(deviceId);
      next = await navigator.mediaDevices.getUserMedia(requested);
    } catch (e) {
      if (deviceId && (e.name === 'OverconstrainedError' || e.name === 'NotFoundError')) {
        localStorage.removeItem(DEVICE_STORE); // the remembered interface is not plugged in: take the default
        return capture(null);
      }
      message(e.name === 'NotAllowedError'
        ? 'The browser may not use the microphone. Allow it in the address bar, then reload.'
        : "Can't open the input: " + e.message);
      return;
    }
    const previous = stream;
    stream = next;
    track = next.getAudioTracks()[0];
    track.addEventListener('ended', () => message('The input device went away. Choose another one.'));
    for (const s of [current, ...stale]) {
      if (s && s.sender) { s.sender.replaceTrack(track).catch(() => {}); }
    }
    if (previous) { previous.getTracks().forEach((t) => t.stop()); }
    const settings = track.getSettings();
    if (settings.deviceId) { localStorage.setItem(DEVICE_STORE, settings.deviceId); }
    const channels = settings.channelCount || 1;
    $('input-info').textContent = (settings.sampleRate ? settings.sampleRate / 1000 + ' kHz · ' : '')
      + (channels >= 2 ? 'stereo' : 'mono') + ' · echo cancellation, noise suppression and auto gain off';
    meterInput(stream, channels);
    await listDevices();
  }

  async function listDevices() {
    const select = $('device');
    const devices = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'audioinput');
    const chosen = track ? track.getSettings().deviceId : null;
    select.replaceChildren(...devices.map((d, i) => {
      const option = document.createElement('option');
      option.value = d.deviceId;
      option.textContent = d.label || 'Input ' + (i + 1);
      option.selected = d.deviceId === chosen;
      return option;
    }));
  }

  $('device').addEventListener('change', () => capture($('device').value));
  if (navigator.mediaDevices && navigator.mediaDevices.addEventListener) {
    navigator.mediaDevices.addEventListener('devicechange', () => { if (key) { listDevices().catch(() => {}); } });
  }

  // ---- Level meter: WebAudio analysers on the local track, never played back (no feedback) --------------------------

  let audioCtx = null;
  let analysers = [];
  let meterSource = null;
  let monoInput = false;
  const peaks = [0, 0];
  const peakHoldUntil = [0, 0];
  let clipUntil = 0;

  function resumeAudio() {
    try {
      if (!audioCtx) {
        audioCtx = new AudioContext();
        audioCtx.addEventListener('statechange', showMeterHint);
      }
      if (audioCtx.state === 'suspended') { audioCtx.resume().catch(() => {}); }
    } catch (e) {
      audioCtx = null;
    }
    showMeterHint();
  }

  function showMeterHint() {
    $('meter-hint').hidden = !audioCtx || audioCtx.state !== 'suspended';
  }
  // The meter's AudioContext may start suspended (autoplay policy) until the first click or key.
  document.addEventListener('pointerdown', resumeAudio);
  document.addEventListener('keydown', resumeAudio);

  function meterInput(input, channels) {
    resumeAudio();
    if (!audioCtx) { return; }
    if (meterSource) { meterSource.disconnect(); }
    monoInput = channels < 2;
    meterSource = audioCtx.createMediaStreamSource(input);
    const splitter = audioCtx.createChannelSplitter(2);
    meterSource.connect(splitter);
    analysers = [0, 1].map((i) => {
      const a = audioCtx.createAnalyser();
      a.fftSize = 2048;
      splitter.connect(a, i);
      return a;
    });
  }

  const samples = new Float32Array(2048);
  const levels = [0, 0];
  function toMeter(amplitude) { // dBFS from -60 to 0 onto 0..1
    const db = 20 * Math.log10(Math.max(amplitude, 1e-6));
    return Math.min(1, Math.max(0, (db + 60) / 60));
  }

  function drawMeters(now) {
    for (let ch = 0; ch < 2; ch++) {
      const a = analysers[monoInput ? 0 : ch];
      let peak = 0;
      if (a) {
        a.getFloatTimeDomainData(samples);
        for (let i = 0; i < samples.length; i++) { peak = Math.max(peak, Math.abs(samples[i])); }
      }
      if (peak >= 0.99) { clipUntil = now + 1500; }
      const level = toMeter(peak);
      levels[ch] = level > levels[ch] ? level : Math.max(level, levels[ch] - 0.012); // fast attack, slow fall
      if (level >= peaks[ch] || now > peakHoldUntil[ch]) {
        peaks[ch] = level;
        peakHoldUntil[ch] = now + 1200;
      }
      const side = ch === 0 ? 'l' : 'r';
      $('fill-' + side).style.clipPath = 'inset(0 ' + ((1 - levels[ch]) * 100).toFixed(1) + '% 0 0)';
      $('peak-' + side).style.left = (peaks[ch] * 100).toFixed(1) + '%';
    }
    $('clip').hidden = now > clipUntil;
    requestAnimationFrame(drawMeters);
  }
  requestAnimationFrame(drawMeters);

  // ---- WHIP --------------------------------------------------------------------------------------------------------

  $('go-live').addEventListener('click', () => {
    resumeAudio();
    if (!track) {
      message('No input yet: allow the microphone and choose an input first.');
      return;
    }
    wanted = true;
    attempt = 0;
    everLive = false;
    message('');
    holdWakeLock();
    connect();
  });

  // End needs two clicks within 3 s: a stray click on stage must not end the show.
  $('end').addEventListener('click', () => {
    if (!endTimer) {
      $('end').textContent = 'Click again to end';
      $('end').classList.add('armed');
      endTimer = setTimeout(disarmEnd, END_CONFIRM_MS);
      return;
    }
    disarmEnd();
    stop();
    message('The show has ended. Thank you!');
  });

  function disarmEnd() {
    clearTimeout(endTimer);
    endTimer = null;
    $('end').textContent = 'End';
    $('end').classList.remove('armed');
  }

  function stop() {
    wanted = false;
    clearTimeout(retryTimer);
    clearTimeout(graceTimer);
    if (current) { retire(current); current = null; }
    retireStale();
    releaseWakeLock();
    lastOut = null;
    setState('offline', 'Not sending');
  }

  /** Closes a session and ends it on the server (the key is needed for DELETE). */
  function retire(session) {
    stale.delete(session);
    session.pc.close();
    if (session.url && key) {
      fetch(session.url, { method: 'DELETE', headers: authHeaders(), keepalive: true }).catch(() => {});
    }
  }

  function retireStale() {
    for (const s of [...stale]) { retire(s); }
  }

  async function connect() {
    clearTimeout(retryTimer);
    clearTimeout(graceTimer);
    if (current) { stale.add(current); } // still sending until the new session connects
    const pc = new RTCPeerConnection({ iceServers: [], bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
    const transceiver = pc.addTransceiver(track, { direction: 'sendonly', streams: [stream] });
    const mine = { pc, sender: transceiver.sender, url: null };
    current = mine;
    lastOut = null;
    setState(everLive ? 'reconnecting' : 'connecting', everLive ? 'Trying a new connection' : 'Opening the connection');
    pc.onconnectionstatechange = () => { if (current === mine) { onConnectionState(pc.connectionState); } };
    try {
      await pc.setLocalDescription(await pc.createOffer());
      await iceGatheringDone(pc, 1500); // no trickle ICE: the offer carries our candidates
      const offer = pc.localDescription.sdp;
      const response = await fetch(show.whip, {
        method: 'POST',
        headers: Object.assign({ 'Content-Type': 'application/sdp' }, authHeaders()),
        body: offer,
      });
      const body = await response.text();
      const location = response.headers.get('Location');
      if (response.status === 201 && location) { mine.url = new URL(location, window.location.href).href; }
      if (current !== mine) { // ended or superseded meanwhile
        retire(mine);
        return;
      }
      if (response.status === 401) {
        lock('The server refused the performer key. Enter it again.');
        return;
      }
      if (response.status === 404) {
        stop();
        message("This show doesn't exist on the server any more.");
        return;
      }
      if (response.status !== 201) {
        throw new Error('the server said ' + response.status + ': ' + body.trim());
      }
      localSdp = offer;
      remoteSdp = body;
      // The answer carries stereo=1 and maxaveragebitrate for Opus; the encoding cap below matches the show's bit rate.
      await pc.setRemoteDescription({ type: 'answer', sdp: body });
      await capBitrate(mine.sender);
      graceTimer = setTimeout(() => {
        if (current === mine && pc.connectionState !== 'connected') { retry('The connection did not open in time.'); }
      }, CONNECT_TIMEOUT_MS);
    } catch (err) {
      if (current === mine) {
        console.warn('Encore: going live failed:', err);
        retry(err.message);
      }
    }
  }

  async function capBitrate(sender) {
    if (!show.bitrate) { return; }
    try {
      const params = sender.getParameters();
      if (!params.encodings || params.encodings.length === 0) { return; }
      params.encodings[0].maxBitrate = show.bitrate;
      await sender.setParameters(params);
    } catch (e) {
      console.warn('Encore: could not cap the bit rate:', e);
    }
  }

  function iceGatheringDone(peer, timeoutMs) {
    if (peer.iceGatheringState === 'complete') { return Promise.resolve(); }
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      function done() {
        clearTimeout(timer);
        peer.removeEventListener('icegatheringstatechange', check);
        resolve();
      }
      function check() { if (peer.iceGatheringState === 'complete') { done(); } }
      peer.addEventListener('icegatheringstatechange', check);
    });
  }

  function onConnectionState(s) {
    if (!wanted) { return; }
    if (s === 'connected') {
      attempt = 0;
      everLive = true;
      clearTimeout(graceTimer);
      retireStale(); // newest wins: the server drops the old session too, the DELETE is for tidiness
      message('');
      setState('live', 'Sending to the server');
    } else if (s === 'disconnected') {
      // ICE may come back by itself; if not, a new WHIP session.
      setState('reconnecting', 'The network dropped. Waiting for it…');
      clearTimeout(graceTimer);
      graceTimer = setTimeout(() => retry('The connection did not come back.'), DISCONNECTED_GRACE_MS);
    } else if (s === 'failed') {
      retry('The connection failed.');
    }
  }

  // A new WHIP session after a backoff (0.5 s, 1 s, 2 s … 10 s, with jitter). The failed one is ended right away.
  function retry(why) {
    if (!wanted) { return; }
    clearTimeout(retryTimer);
    clearTimeout(graceTimer);
    if (current) { retire(current); current = null; }
    retireStale();
    attempt++;
    const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** (attempt - 1)) * (0.8 + 0.4 * Math.random());
    setState('reconnecting', (why ? why + ' ' : '') + 'Retrying in ' + Math.ceil(delay / 1000) + ' s (attempt ' + attempt + ')');
    retryTimer = setTimeout(connect, delay);
  }

  // A new network (Wi-Fi change, back online): the old ICE path is likely gone. Make a new session before ending the old.
  function networkChanged() {
    if (wanted) {
      attempt = 0;
      connect();
    }
  }
  window.addEventListener('online', networkChanged);
  if (navigator.connection && navigator.connection.addEventListener) {
    navigator.connection.addEventListener('change', networkChanged);
  }

  // ---- Keep the laptop awake and the show running -----------------------------------------------------------------

  async function holdWakeLock() {
    try {
      if (navigator.wakeLock && !wakeLock) {
        wakeLock = await navigator.wakeLock.request('screen');
        wakeLock.addEventListener('release', () => { wakeLock = null; });
      }
    } catch (e) { /* not granted: the figures still update */ }
  }

  function releaseWakeLock() {
    if (wakeLock) { wakeLock.release().catch(() => {}); wakeLock = null; }
  }

  document.addEventListener('visibilitychange', () => {
    if (wanted && document.visibilityState === 'visible') { holdWakeLock(); }
  });
  window.addEventListener('beforeunload', (e) => {
    if (wanted) { e.preventDefault(); e.returnValue = ''; }
  });
  window.addEventListener('pagehide', () => {
    if (current) { retire(current); }
    retireStale();
  });

  // ---- Figures: the server's view every second, and our own getStats ----------------------------------------------

  async function ownStats() {
    const out = { bytesSent: 0, headerBytesSent: 0, packetsSent: 0, loss: null, rttMs: null, timestamp: 0 };
    if (!current) { return out; }
    const report = await current.pc.getStats();
    report.forEach((r) => {
      if (r.type === 'outbound-rtp' && r.kind === 'audio') {
        out.bytesSent = r.bytesSent || 0;
        out.headerBytesSent = r.headerBytesSent || 0;
        out.packetsSent = r.packetsSent || 0;
        out.timestamp = r.timestamp;
      } else if (r.type === 'remote-inbound-rtp' && r.kind === 'audio') {
        if (typeof r.fractionLost === 'number') { out.loss = r.fractionLost; }
        if (typeof r.roundTripTime === 'number') { out.rttMs = r.roundTripTime * 1000; }
      }
    });
    return out;
  }

  async function serverStatus() {
    const r = await fetch(show.status, { headers: authHeaders(), cache: 'no-store' });
    if (r.status === 401) {
      lock('The server no longer accepts this key. Enter it again.');
      return null;
    }
    return r.ok ? r.json() : null;
  }

  const kbps = (bitsPerSecond) => (bitsPerSecond / 1000).toFixed(0) + ' kbps';
  const percent = (fraction) => (fraction * 100).toFixed(fraction > 0 && fraction < 0.1 ? 1 : 0) + ' %';

  // The set's recording (issue 7): its state, length and size; a failure says why, in red (the show goes on regardless).
  function showRecording(rec) {
    const value = $('recording');
    const detail = $('recording-detail');
    value.classList.toggle('failed', !!rec && rec.state === 'failed');
    if (!rec) {
      value.textContent = '—';
      detail.textContent = '';
      return;
    }
    const length = Math.floor(rec.seconds / 60) + ':' + String(Math.floor(rec.seconds % 60)).padStart(2, '0');
    const size = (rec.bytes / 1e6).toFixed(1) + ' MB';
    if (rec.state === 'recording') {
      value.textContent = '● ' + length;
      detail.textContent = size + (rec.dropped > 0 ? ' · ' + rec.dropped + ' packets not written' : '');
    } else if (rec.state === 'closed') {
      value.textContent = 'Saved';
      detail.textContent = length + ' · ' + size;
    } else {
      value.textContent = 'FAILED';
      detail.textContent = 'Stopped at ' + length + ': ' + (rec.error || 'a write failed')
          + '. The show goes on; what was written stays playable.';
    }
  }

  async function refresh() {
    if (!key) { return; }
    const [server, own] = await Promise.all([serverStatus().catch(() => null), ownStats().catch(() => null)]);
    if (own) {
      const sent = own.bytesSent + own.headerBytesSent; // RTP payload and headers, as the server counts what it receives
      if (lastOut && own.timestamp > lastOut.timestamp && sent >= lastOut.sent) {
        figures.bitrate = 8 * (sent - lastOut.sent) / ((own.timestamp - lastOut.timestamp) / 1000);
      } else if (!current) {
        figures.bitrate = 0;
      }
      lastOut = own.timestamp ? { timestamp: own.timestamp, sent } : lastOut;
      figures.bytesSent = own.bytesSent;
      figures.packetsSent = own.packetsSent;
      figures.loss = own.loss;
      figures.rttMs = own.rttMs;
    }
    figures.server = server;
    $('out-bitrate').textContent = current ? kbps(figures.bitrate) : '—';
    $('rtt').textContent = figures.rttMs === null ? '—' : figures.rttMs.toFixed(0) + ' ms';
    if (server) {
      $('listeners').textContent = String(server.listeners);
      $('in-bitrate').textContent = server.performerOnline ? kbps(server.inBitrate) : 'nothing';
      const loss = figures.loss !== null ? figures.loss : server.performerLoss;
      $('loss').textContent = server.performerOnline || figures.loss !== null ? percent(loss) : '—';
      $('jitter').textContent = server.performerOnline ? server.performerJitterMs.toFixed(1) + ' ms' : '—';
      $('listener-loss').textContent = server.listeners > 0 ? percent(server.listenerLoss) : '—';
      showRecording(server.recording);
      if (state === 'live') {
        $('state-detail').textContent = server.performerOnline
          ? 'The server hears you · ' + server.listeners + (server.listeners === 1 ? ' listener' : ' listeners')
          : 'Connected, waiting for audio to arrive';
      } else if (!wanted && server.performerOnline && server.ingest && server.ingest !== 'whip') {
        $('state-detail').textContent = 'Another source is live (' + server.ingest + ')';
      }
    }
  }
  setInterval(() => { refresh().catch(() => {}); }, 1000);

  // ---- The show's Telegram bot: what it posted (or, in a dry run, would have posted) ---------------------------------

  let botMissing = false;
  async function refreshBot() {
    if (botMissing || !key) { return; }
    const r = await fetch('/api/shows/' + encodeURIComponent(show.id) + '/telegram', { headers: authHeaders(), cache: 'no-store' });
    if (r.status === 404) { botMissing = true; return; }
    if (!r.ok) { return; }
    const bot = await r.json();
    $('bot-panel').hidden = false;
    $('bot-mode').textContent = bot.mode === 'dry-run' ? 'dry run' : 'live';
    $('bot-note').textContent = bot.mode === 'dry-run'
      ? 'No bot token: nothing is sent to Telegram. These are the posts the bot would make, on the same schedule.'
      : 'Posts and edits in the group, newest last.';
    const rows = bot.mode === 'dry-run'
      ? bot.dryRunPosts.map((p) => ({ state: p.kind, text: p.text, buttons: p.buttons, at: p.at }))
      : bot.outbox.map((e) => ({ state: e.state + (e.edit ? ' · edit' : ''), text: e.text, buttons: [], error: e.error }));
    const items = rows.slice(-12).map((row) => {
      const li = document.createElement('li');
      li.className = 'bot-post';
      const state = document.createElement('span');
      state.className = 'pill';
      state.textContent = row.state.toLowerCase();
      const text = document.createElement('span');
      text.className = 'bot-text';
      text.textContent = row.text; // text, never HTML
      li.append(state, text);
      for (const b of row.buttons || []) {
        const button = document.createElement('span');
        button.className = 'bot-button';
        button.textContent = '[' + b.text + ' → ' + b.url + ']';
        li.append(button);
      }
      if (row.error) {
        const error = document.createElement('span');
        error.className = 'bot-error';
        error.textContent = row.error;
        li.append(error);
      }
      return li;
    });
    $('bot-posts').replaceChildren(...items);
  }
  setInterval(() => { refreshBot().catch(() => {}); }, 2000);

  // ---- Highlights: clips of the set's recording, made on the server (docs/protocol.md: /recordings, /clips) ----------
  // One clip renders at a time on the server; the list is polled every second while one renders, else every 5 s. A ready
  // clip is fetched with the key and played from a blob: URL (a <video src> cannot send the Authorization header).

  const CLIP_STATE_TEXT = { rendering: 'rendering…', ready: 'ready', failed: 'failed' };
  let latestRecording = null; // the newest recording, as GET /recordings lists it
  let clipList = [];          // the show's clips, newest first, as GET /clips lists them
  let clipBlob = null;        // { id, url } of the clip loaded into the video element
  let highlightsTick = 0;

  const minutes = (s) => Math.floor(s / 60) + ':' + String(Math.floor(s % 60)).padStart(2, '0');

  async function refreshRecordings() {
    const r = await fetch(show.recordings, { headers: authHeaders(), cache: 'no-store' });
    if (!r.ok) { return; }
    const latest = (await r.json()).recordings[0] || null;
    if (JSON.stringify(latest) !== JSON.stringify(latestRecording)) {
      latestRecording = latest;
      renderRecording();
    }
  }

  // The songs of the newest recording (a song played twice: its first take, as the server clips it), then "A span".
  function renderRecording() {
    const rec = latestRecording;
    const select = $('clip-song');
    const chosen = select.value;
    const seen = new Set();
    const options = [];
    for (const c of rec ? rec.chapters : []) {
      if (seen.has(c.song)) { continue; }
      seen.add(c.song);
      const option = el('option', null, c.song + '. ' + c.title + ' (' + minutes(c.fromSeconds) + '–' + minutes(c.toSeconds) + ')');
      option.value = String(c.song);
      options.push(option);
    }
    const span = el('option', null, 'A span: from … to …');
    span.value = 'span';
    options.push(span);
    select.replaceChildren(...options);
    if (options.some((o) => o.value === chosen)) { select.value = chosen; }
    $('clip-span').hidden = select.value !== 'span';
    $('clip-make').disabled = !rec;
    $('highlights-source').textContent = rec
      ? 'From the recording started at ' + new Date(rec.startedAt).toLocaleTimeString() + ' · ' + minutes(rec.durationSeconds)
        + (rec.complete ? '' : ' so far')
      : "Clips are made from the set's recording, once a set has been played.";
    renderClips();
  }

  async function refreshClips() {
    const r = await fetch(show.clips, { headers: authHeaders(), cache: 'no-store' });
    if (!r.ok) { return; }
    clipList = (await r.json()).clips;
    renderClips();
  }

  function renderClips() {
    const rendering = clipList.some((c) => c.state === 'rendering');
    $('highlights-state').textContent = rendering ? 'Rendering…'
      : clipList.length ? clipList.length + (clipList.length === 1 ? ' clip' : ' clips')
        : latestRecording ? 'No clips yet' : 'No recording';
    $('clips').replaceChildren(...clipList.slice(0, 10).map((c) => {
      const li = el('li', 'clip-item ' + c.state);
      li.dataset.clipId = c.id;
      const what = (c.song ? c.song + '. ' : '') + (c.title || 'Span') + ' · ' + minutes(c.fromSeconds) + '–'
        + minutes(c.toSeconds);
      li.append(el('span', 'pill', CLIP_STATE_TEXT[c.state] || c.state), el('span', 'clip-what', what));
      if (c.state === 'ready') {
        li.append(el('span', 'clip-size', c.durationSeconds.toFixed(1) + ' s · ' + (c.bytes / 1e6).toFixed(1) + ' MB'),
          button('Play', 'small ok', () => playClip(c)),
          button('Download', 'small', () => downloadClip(c)));
      } else if (c.state === 'failed') {
        li.append(el('span', 'clip-error', c.error));
      }
      return li;
    }));
  }

  async function loadClip(c) {
    if (clipBlob && clipBlob.id === c.id) { return clipBlob.url; }
    const r = await fetch(c.url, { headers: authHeaders(), cache: 'no-store' });
    if (!r.ok) { throw new Error('the server said ' + r.status); }
    const url = URL.createObjectURL(await r.blob());
    if (clipBlob) { URL.revokeObjectURL(clipBlob.url); }
    clipBlob = { id: c.id, url };
    return url;
  }

  async function playClip(c) {
    try {
      const video = $('clip-video');
      video.src = await loadClip(c);
      video.hidden = false;
      say('clip', '');
      await video.play().catch(() => {}); // autoplay may be refused: the controls are there
    } catch (err) {
      say('clip', "Can't load the clip (" + err.message + ').');
    }
  }

  async function downloadClip(c) {
    try {
      const a = el('a');
      a.href = await loadClip(c);
      a.download = show.id + '-clip-' + c.id + '.mp4';
      a.click();
    } catch (err) {
      say('clip', "Can't load the clip (" + err.message + ').');
    }
  }

  function resetHighlights() {
    latestRecording = null;
    clipList = [];
    highlightsTick = 0;
    if (clipBlob) { URL.revokeObjectURL(clipBlob.url); clipBlob = null; }
    $('clip-video').removeAttribute('src');
    $('clip-video').hidden = true;
    renderRecording();
  }

  $('clip-song').addEventListener('change', () => { $('clip-span').hidden = $('clip-song').value !== 'span'; });
  $('clip-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!latestRecording) { return; }
    const choice = $('clip-song').value;
    const ask = choice === 'span' ? { from: $('clip-from').value.trim(), to: $('clip-to').value.trim() }
      : { song: parseInt(choice, 10) };
    if (choice === 'span' && (!ask.from || !ask.to)) {
      say('clip', 'Type where the clip starts and ends, e.g. 1:30 and 2:15.');
      return;
    }
    ask.recording = latestRecording.name;
    $('clip-make').disabled = true;
    try {
      const r = await fetch(show.clips, {
        method: 'POST',
        headers: Object.assign({ 'Content-Type': 'application/json' }, authHeaders()),
        body: JSON.stringify(ask),
      });
      if (r.status === 401) {
        lock('The server no longer accepts this key. Enter it again.');
        return;
      }
      const text = await r.text();
      if (r.status === 202) {
        const clip = JSON.parse(text);
        clipList = [clip, ...clipList.filter((c) => c.id !== clip.id)];
        renderClips();
        say('clip', '');
      } else {
        // The server says what was wrong and what it expected, in words meant for this panel.
        say('clip', r.status === 409 && text.startsWith('a clip is rendering')
          ? 'Another clip is being made. Try again when it is ready.' : text.trim());
      }
    } catch (err) {
      say('clip', "Can't reach the server (" + err.message + ').');
    } finally {
      $('clip-make').disabled = !latestRecording;
    }
  });

  async function refreshHighlights() {
    if (!key) { return; }
    const every5 = highlightsTick++ % 5 === 0;
    if (every5) { await refreshRecordings(); }
    if (every5 || clipList.some((c) => c.state === 'rendering')) { await refreshClips(); }
  }
  setInterval(() => { refreshHighlights().catch(() => {}); }, 1000);

  // For tests and the curious: the Highlights panel as this console sees it.
  window.encoreHighlights = () => {
    const video = $('clip-video');
    return {
      recording: latestRecording ? latestRecording.name : null,
      songs: [...$('clip-song').options].map((o) => o.value),
      clips: clipList.map((c) => ({ id: c.id, state: c.state, durationSeconds: c.durationSeconds })),
      video: { loaded: clipBlob ? clipBlob.id : null, readyState: video.readyState, duration: video.duration || 0,
        error: video.error ? video.error.code : null },
    };
  };

  // For tests and the curious: the publishing state, the sender's counters, the capture's constraints and settings.
  window.encorePerformer = async () => {
    const own = await ownStats().catch(() => null);
    return {
      state,
      bytesSent: own ? own.bytesSent : 0,
      packetsSent: own ? own.packetsSent : 0,
      requested,
      constraints: track ? track.getConstraints() : null,
      settings: track ? track.getSettings() : null,
      localSdp,
      remoteSdp,
      server: figures.server,
      meterLevels: levels.slice(),
      session: current ? current.url : null,
      attempt,
    };
  };

  // ---- The show channel (docs/protocol.md): set list, requests, polls, the room -----------------------------------
  // The same WebSocket as the listeners', as the performer (hello with the key). Every listener-typed text (request
  // titles) and every title is set with textContent: plain text, never HTML.

  const CHANNEL_MAX_BACKOFF_MS = 10000;
  const EMOJI = { applause: '👏', heart: '❤️', fire: '🔥', laugh: '😂', wow: '😮' };
  const PHASE_TEXT = { not_started: 'Not started', playing: 'Playing', ended: 'Ended' };
  let ws = null;
  let channelState = 'closed'; // closed | connecting | open | reconnecting
  let channelAttempt = 0;
  let channelTimer = null;
  let commandSeq = 0;
  let endSetTimer = null;
  const commands = new Map(); // command id → the panel whose message line tells how it went
  let view = { phase: 'not_started', nowPlaying: null, setList: [], queue: [], poll: null, lastPoll: null, room: null,
    drops: [] };

  function wsUrl() {
    return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + show.ws;
  }

  function setChannel(next, text) {
    channelState = next;
    document.body.dataset.channel = next;
    $('channel-status').textContent = text;
    renderControls();
  }

  function openChannel() {
    clearTimeout(channelTimer);
    if (!key) { return; }
    const socket = new WebSocket(wsUrl());
    ws = socket;
    if (channelState !== 'reconnecting') { setChannel('connecting', 'Connecting…'); }
    socket.onopen = () => socket.send(JSON.stringify({ type: 'hello', v: 1, performerKey: key }));
    socket.onmessage = (e) => {
      if (ws !== socket) { return; }
      let m;
      try { m = JSON.parse(e.data); } catch (err) { return; }
      onChannelMessage(m);
    };
    socket.onclose = () => {
      if (ws !== socket) { return; }
      ws = null;
      commands.clear();
      if (!key) { return; }
      channelAttempt++;
      const delay = Math.min(CHANNEL_MAX_BACKOFF_MS, 500 * 2 ** (channelAttempt - 1)) * (0.8 + 0.4 * Math.random());
      setChannel('reconnecting', 'Reconnecting…');
      channelTimer = setTimeout(openChannel, delay);
    };
  }

  function closeChannel() {
    clearTimeout(channelTimer);
    const socket = ws;
    ws = null;
    if (socket) { socket.close(1000); }
    setChannel('closed', 'Offline');
  }

  function command(type, fields, panel) {
    if (!ws || channelState !== 'open') {
      say(panel, 'Not connected to the show right now. Try again in a moment.');
      return;
    }
    const id = 'p' + (++commandSeq);
    commands.set(id, panel);
    ws.send(JSON.stringify(Object.assign({ type, v: 1, id }, fields || {})));
  }

  function say(panel, text) {
    $(panel + '-message').textContent = text || '';
  }

  const REFUSALS = {
    set_not_started: 'Start the set first.',
    set_already_started: 'The set is already running.',
    set_ended: 'The set has ended.',
    end_of_set: 'That was the last song. Add one, or end the set.',
    start_of_set: 'This is the first song.',
    no_such_song: 'That song is not on the set list.',
    set_list_full: 'The set list is full.',
    title_invalid: 'Use 1 to 80 characters, without line breaks.',
    question_invalid: 'The question needs 1 to 140 characters.',
    option_invalid: 'Each option needs 1 to 60 characters.',
    options_invalid: 'A poll needs 2 to 6 different options.',
    time_limit_invalid: 'The time limit must be between 5 s and 1 hour.',
    poll_already_open: 'Close the open poll first.',
    no_poll_open: 'No poll is open.',
    too_many_polls: 'That is the most polls one show can have.',
    no_such_request: 'That request is gone.',
    request_not_open: 'That request was already handled.',
    already_in_set: 'That song is on the set list already.',
    storage_failed: 'Done, but the server could not save it. Check the server.',
    unavailable: 'The show is restarting. Try again in a moment.',
  };

  function onChannelMessage(m) {
    switch (m.type) {
      case 'welcome':
        channelAttempt = 0;
        setChannel('open', 'Connected');
        break;
      case 'state':
        view = { phase: m.phase, nowPlaying: m.nowPlaying || null, setList: m.setList || [], queue: m.queue || [],
          queueSize: m.queueSize, poll: m.poll || null, lastPoll: m.lastPoll || null, room: m.room || null,
          drops: m.drops || [] };
        renderShow();
        break;
      case 'nowPlaying':
        view.phase = m.phase;
        view.nowPlaying = m.song || null;
        view.setList = m.setList || [];
        renderSet();
        break;
      case 'queue':
        view.queue = m.queue || [];
        view.queueSize = m.queueSize;
        renderQueue();
        break;
      case 'poll':
        view.poll = m.poll || null;
        view.lastPoll = m.lastPoll || null;
        renderPoll();
        break;
      case 'room':
        view.room = m.room || null;
        renderRoom();
        break;
      case 'drops':
        view.drops = m.drops || [];
        renderDrops();
        break;
      case 'ack': {
        const panel = commands.get(m.id);
        commands.delete(m.id);
        if (panel) { say(panel, ''); }
        if (m.of === 'poll.open') { resetPollForm(); }
        if (m.of === 'set.add') { $('set-add-title').value = ''; }
        break;
      }
      case 'error': {
        if (m.code === 'unauthorized') {
          lock('The show refused the performer key. Enter it again.');
          return;
        }
        const panel = m.id ? commands.get(m.id) : null;
        if (m.id) { commands.delete(m.id); }
        say(panel || 'set', REFUSALS[m.code] || m.reason || m.code);
        break;
      }
      default:
        break;
    }
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function button(text, className, onClick) {
    const b = el('button', className, text);
    b.type = 'button';
    b.addEventListener('click', onClick);
    return b;
  }

  function renderShow() {
    renderSet();
    renderQueue();
    renderPoll();
    renderRoom();
    renderDrops();
  }

  // Drops that opened this run, newest first: open ones with their closing time and what is left, closed ones with why.
  function renderDrops() {
    const drops = (view.drops || []).slice().reverse();
    const open = drops.filter((d) => d.state === 'open').length;
    $('drops-panel').hidden = drops.length === 0;
    $('drops-count').textContent = open + ' open';
    $('drops').replaceChildren(...drops.map((d) => {
      const li = el('li', 'drop ' + (d.state === 'open' ? 'open' : 'closed'));
      li.dataset.dropId = d.id;
      const counted = typeof d.remaining === 'number';
      let state;
      if (d.state === 'open') {
        state = 'Open' + (d.closesAt ? ' · closes ' + new Date(d.closesAt).toLocaleTimeString() : ' · until the set ends');
      } else {
        state = d.closeReason === 'sold_out' ? 'Sold out' : d.closeReason === 'set_ended' ? 'Closed at the end of the set'
          : 'Closed: its time is up';
      }
      const left = counted ? d.remaining + ' of ' + d.quantity + ' left' : 'no counter';
      li.append(el('span', 'drop-text', d.text), el('span', 'drop-state', state), el('span', 'drop-left', left));
      return li;
    }));
  }

  function renderControls() {
    const open = channelState === 'open';
    const phase = view.phase;
    $('set-start').hidden = phase !== 'not_started';
    $('set-prev').hidden = phase === 'not_started';
    $('set-next').hidden = phase === 'not_started';
    $('set-start').disabled = !open;
    const songs = view.setList || [];
    const index = view.nowPlaying ? view.nowPlaying.index : -1;
    $('set-prev').disabled = !open || phase !== 'playing' || index <= 0;
    $('set-next').disabled = !open || phase !== 'playing' || index >= songs.length - 1;
    $('set-end').disabled = !open || phase === 'ended';
    $('set-add-button').disabled = !open || phase === 'ended';
    $('poll-open').disabled = !open;
    $('poll-close').disabled = !open;
  }

  function renderSet() {
    const phase = view.phase;
    document.body.dataset.phase = phase;
    $('set-phase').textContent = PHASE_TEXT[phase] || phase;
    const songs = view.setList || [];
    const song = view.nowPlaying;
    if (phase === 'playing' && song) {
      $('now-title').textContent = song.title;
      const next = songs[song.index + 1];
      $('now-detail').textContent = 'Song ' + (song.index + 1) + ' of ' + songs.length
        + (next ? ' · Next: ' + next.title : ' · Last song');
    } else if (phase === 'ended') {
      $('now-title').textContent = 'Set ended';
      $('now-detail').textContent = songs.filter((s) => s.played).length + ' songs played';
    } else {
      $('now-title').textContent = songs.length ? 'Ready: ' + songs[0].title : 'No songs yet';
      $('now-detail').textContent = songs.length + (songs.length === 1 ? ' song' : ' songs') + ' planned';
    }
    const items = songs.map((s) => {
      const current = s.current && phase !== 'ended';
      const li = el('li', 'song' + (current ? ' current' : '') + (s.played && !current ? ' played' : ''));
      li.append(el('span', 'song-index', s.index + 1));
      const text = el('span', 'song-title', s.title);
      if (s.requestId > 0) { text.append(el('span', 'badge', 'request')); }
      li.append(text);
      if (current) {
        li.append(el('span', 'song-state', 'NOW'));
      } else if (phase !== 'ended') {
        const jump = button('Play', 'small', () => command('set.jump', { index: s.index }, 'set'));
        jump.disabled = phase !== 'playing' || channelState !== 'open';
        jump.setAttribute('aria-label', 'Play ' + s.title + ' now');
        li.append(jump);
      }
      return li;
    });
    $('set-list').replaceChildren(...items);
    $('set-empty').hidden = items.length > 0;
    renderControls();
  }

  function renderQueue() {
    const queue = view.queue || [];
    $('queue-count').textContent = String(view.queueSize != null ? view.queueSize : queue.length);
    const items = queue.map((q) => {
      const li = el('li', 'request');
      li.dataset.requestId = String(q.requestId);
      const text = el('span', 'request-text');
      text.append(el('span', 'request-title', q.title), el('span', 'votes', q.votes + (q.votes === 1 ? ' vote' : ' votes')));
      const actions = el('span', 'request-actions');
      actions.append(
        button('Accept', 'small ok', () => command('request.accept', { requestId: q.requestId }, 'request')),
        button('Played', 'small', () => command('request.played', { requestId: q.requestId }, 'request')),
        button('Dismiss', 'small quiet', () => command('request.dismiss', { requestId: q.requestId }, 'request')));
      li.append(text, actions);
      return li;
    });
    $('queue').replaceChildren(...items);
    $('queue-empty').hidden = items.length > 0;
  }

  function results(list, poll) {
    const total = poll.totalVotes || 0;
    const best = Math.max(0, ...(poll.tally || []));
    list.replaceChildren(...poll.options.map((option, i) => {
      const votes = (poll.tally || [])[i] || 0;
      const share = total > 0 ? votes / total : 0;
      const li = el('li', 'result' + (votes === best && best > 0 ? ' leading' : ''));
      const bar = el('span', 'result-bar');
      bar.style.width = (share * 100).toFixed(1) + '%';
      li.append(bar, el('span', 'result-label', option), el('span', 'result-count', votes + ' · ' + Math.round(share * 100) + '%'));
      return li;
    }));
  }

  function renderPoll() {
    const poll = view.poll;
    $('poll-form').hidden = !!poll;
    $('poll-live').hidden = !poll;
    if (poll) {
      $('poll-live-question').textContent = poll.question;
      results($('poll-results'), poll);
      const total = poll.totalVotes || 0;
      $('poll-note').textContent = total + (total === 1 ? ' vote' : ' votes')
        + (poll.closesAt ? ' · closes by itself at ' + new Date(poll.closesAt).toLocaleTimeString() : '');
    }
    const last = view.lastPoll;
    $('poll-last').hidden = !!poll || !last;
    if (last && !poll) {
      $('poll-last-question').textContent = last.question + ' (' + (last.totalVotes || 0) + ' votes)';
      results($('poll-last-results'), last);
    }
  }

  function renderRoom() {
    const room = view.room;
    if (!room) { return; }
    $('room-listeners').textContent = String(room.listeners);
    $('room-detail').textContent = (room.listeners === 1 ? 'listener' : 'listeners') + ' in the room · peak ' + room.peak;
    const energy = Math.max(0, Math.min(1, room.energy || 0));
    $('energy-fill').style.transform = 'scaleX(' + energy.toFixed(3) + ')';
    document.body.dataset.energy = energy > 0.5 ? 'high' : energy > 0.15 ? 'mid' : 'low';
    const counts = Object.entries(room.reactions || {}).filter(([, n]) => n > 0)
      .map(([kind, n]) => (EMOJI[kind] || kind) + ' ' + n);
    $('room-reactions').textContent = counts.length ? counts.join('   ') : 'No reactions yet';
  }

  // Set-list controls.
  $('set-start').addEventListener('click', () => command('set.start', {}, 'set'));
  $('set-prev').addEventListener('click', () => command('set.prev', {}, 'set'));
  $('set-next').addEventListener('click', () => command('set.next', {}, 'set'));
  $('set-add').addEventListener('submit', (e) => {
    e.preventDefault();
    const title = $('set-add-title').value.trim();
    if (title) { command('set.add', { title }, 'set'); }
  });
  // End set needs two clicks within 3 s, like End: a stray click must not end the set.
  $('set-end').addEventListener('click', () => {
    if (!endSetTimer) {
      $('set-end').textContent = 'Click again to end the set';
      $('set-end').classList.add('armed');
      endSetTimer = setTimeout(disarmEndSet, END_CONFIRM_MS);
      return;
    }
    disarmEndSet();
    command('set.end', {}, 'set');
  });

  function disarmEndSet() {
    clearTimeout(endSetTimer);
    endSetTimer = null;
    $('set-end').textContent = 'End set';
    $('set-end').classList.remove('armed');
  }

  // The poll composer: a question, 2 to 6 options, an optional time limit.
  function addOptionInput(value) {
    const box = $('poll-option-inputs');
    if (box.children.length >= 6) { return; }
    const input = el('input', 'poll-option');
    input.type = 'text';
    input.maxLength = 60;
    input.placeholder = 'Option ' + (box.children.length + 1);
    input.setAttribute('aria-label', 'Option ' + (box.children.length + 1));
    input.value = value || '';
    box.append(input);
    $('poll-add-option').disabled = box.children.length >= 6;
  }

  function resetPollForm() {
    $('poll-question').value = '';
    $('poll-option-inputs').replaceChildren();
    addOptionInput();
    addOptionInput();
    $('poll-time').value = '';
  }

  $('poll-add-option').addEventListener('click', () => addOptionInput());
  $('poll-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const question = $('poll-question').value.trim();
    const options = [...document.querySelectorAll('#poll-option-inputs input')].map((i) => i.value.trim()).filter(Boolean);
    if (!question) { say('poll', 'Type the question first.'); return; }
    if (options.length < 2) { say('poll', 'A poll needs at least 2 options.'); return; }
    const fields = { question, options };
    if ($('poll-time').value) { fields.timeLimitSeconds = parseInt($('poll-time').value, 10); }
    command('poll.open', fields, 'poll');
  });
  $('poll-close').addEventListener('click', () => command('poll.close', {}, 'poll'));
  resetPollForm();
  renderControls();

  // For tests and the curious: the show channel as this console sees it.
  window.encoreShow = () => ({ channel: channelState, phase: view.phase, queue: (view.queue || []).length,
    poll: view.poll ? view.poll.pollId : null, listeners: view.room ? view.room.listeners : null });

  // ---- Start -------------------------------------------------------------------------------------------------------

  setState('offline', 'Not sending');
  const saved = localStorage.getItem(KEY_STORE);
  if (saved) {
    unlock(saved, true);
  } else {
    lock('');
  }
})();
