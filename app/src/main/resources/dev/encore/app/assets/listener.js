// Encore listener page: one tap starts a WHEP session (draft-ietf-wish-whep) and plays the show.
// No framework, no CDN. The page's JSON block (#show-data) carries the show's id, title and WHEP URL.
'use strict';

(() => {
  const show = JSON.parse(document.getElementById('show-data').textContent);
  const button = document.getElementById('listen');
  const label = document.getElementById('listen-label');
  const statusEl = document.getElementById('status');
  const meterFill = document.getElementById('meter-fill');
  const audio = document.getElementById('player');

  // A join token (access.mode: token) comes in the link as ?t=…; it is kept for this tab only (sessionStorage), so
  // reconnects and reloads still have it, and taken out of the address bar so it isn't shared by accident.
  const TOKEN_KEY = 'encore.token.' + show.id;
  const token = (() => {
    const params = new URLSearchParams(location.search);
    const fromLink = params.get('t');
    try {
      if (fromLink) {
        sessionStorage.setItem(TOKEN_KEY, fromLink);
        params.delete('t');
        const rest = params.toString();
        history.replaceState(null, '', location.pathname + (rest ? '?' + rest : '') + location.hash);
      }
      return fromLink || sessionStorage.getItem(TOKEN_KEY);
    } catch (e) {
      return fromLink; // storage disabled: the link's token still works for this page view
    }
  })();
  let fullTimer = null;

  const MAX_BACKOFF_MS = 15000;
  const DISCONNECTED_GRACE_MS = 4000;
  const CONNECT_TIMEOUT_MS = 15000;

  let wanted = false;          // the listener wants sound
  let pc = null;               // the current RTCPeerConnection
  let sessionUrl = null;       // the current WHEP session (Location), to DELETE when leaving
  let state = 'idle';          // idle | connecting | live | reconnecting | waiting (503) | error
  let attempt = 0;             // failed attempts since the last good connection
  let retryTimer = null;
  let graceTimer = null;
  let remoteStream = null;
  let audioCtx = null;
  let analyser = null;
  let meterSource = null;
  let meterLevel = 0;
  let performerOnline = null;  // null until known
  let performerSeen = false;
  let lastPackets = -1;
  let stalledChecks = 0;

  function setState(next, text) {
    state = next;
    document.body.dataset.state = next;
    statusEl.textContent = text;
  }

  function liveText() {
    if (performerOnline === false) {
      return performerSeen ? 'Performer offline. Stay tuned…' : "The show hasn't started yet";
    }
    return 'Live';
  }

  button.addEventListener('click', () => (wanted ? stop() : listen()));

  // Everything that needs a user gesture (iOS autoplay) happens here, inside the tap.
  function listen() {
    wanted = true;
    attempt = 0;
    document.body.classList.add('on');
    label.textContent = 'Stop';
    remoteStream = new MediaStream();
    audio.srcObject = remoteStream;
    audio.play().catch(() => { /* no track yet; played again when it arrives */ });
    try {
      audioCtx = audioCtx || new (window.AudioContext || window.webkitAudioContext)();
      audioCtx.resume().catch(() => {});
    } catch (e) {
      audioCtx = null; // the meter falls back to getStats
    }
    connect();
  }

  function stop() {
    wanted = false;
    clearInterval(fullTimer);
    clearTimeout(retryTimer);
    clearTimeout(graceTimer);
    closeSession();
    document.body.classList.remove('on');
    label.textContent = 'Tap to listen';
    audio.pause();
    setState('idle', 'Stopped. Tap to listen again.');
  }

  function closeSession() {
    if (pc) {
      pc.close();
      pc = null;
    }
    if (sessionUrl) {
      deleteSession(sessionUrl);
      sessionUrl = null;
    }
  }

  function deleteSession(url) {
    fetch(url, { method: 'DELETE', keepalive: true }).catch(() => {});
  }

  async function connect() {
    clearInterval(fullTimer);
    clearTimeout(retryTimer);
    clearTimeout(graceTimer);
    closeSession();
    lastPackets = -1;
    stalledChecks = 0;
    setState(attempt === 0 ? 'connecting' : 'reconnecting', attempt === 0 ? 'Connecting…' : 'Reconnecting…');
    const mine = new RTCPeerConnection({ iceServers: [], bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
    pc = mine;
    mine.addTransceiver('audio', { direction: 'recvonly' });
    mine.ontrack = (e) => { if (pc === mine) { attach(e.track); } };
    mine.onconnectionstatechange = () => { if (pc === mine) { onConnectionState(mine.connectionState); } };
    try {
      await mine.setLocalDescription(await mine.createOffer());
      await iceGatheringDone(mine, 1500); // non-trickle: the offer carries our candidates
      const headers = { 'Content-Type': 'application/sdp' };
      if (token) { headers.Authorization = 'Bearer ' + token; }
      const response = await fetch(show.whep, { method: 'POST', headers, body: mine.localDescription.sdp });
      const body = await response.text();
      if (pc !== mine) { // stopped or superseded meanwhile
        const stale = response.headers.get('Location');
        if (response.status === 201 && stale) { deleteSession(new URL(stale, location.href).href); }
        return;
      }
      if (response.status === 404) {
        fail("This show doesn't exist. Check the link.");
        return;
      }
      if (response.status === 401 || response.status === 403) {
        refused(response.status, errorOf(body));
        return;
      }
      if (response.status === 503) {
        const seconds = retryAfterSeconds(response, body);
        if (seconds > 0) {
          waitForSeat(seconds, errorOf(body) === 'full');
          return;
        }
      }
      if (response.status !== 201) {
        throw new Error('the server said ' + response.status + ': ' + body.trim());
      }
      sessionUrl = new URL(response.headers.get('Location'), location.href).href;
      await mine.setRemoteDescription({ type: 'answer', sdp: body });
      // ICE or DTLS can stall without ever reaching 'failed': give each session a deadline.
      graceTimer = setTimeout(() => { if (pc === mine && mine.connectionState !== 'connected') { retry(); } },
        CONNECT_TIMEOUT_MS);
    } catch (err) {
      if (pc === mine) {
        console.warn('Encore: connecting failed:', err);
        retry();
      }
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
      clearTimeout(graceTimer);
      setState('live', liveText());
      audio.play().catch(() => {});
    } else if (s === 'disconnected') {
      // ICE may come back by itself (a brief network hiccup); if not, start a new session.
      setState('reconnecting', 'Reconnecting…');
      clearTimeout(graceTimer);
      graceTimer = setTimeout(retry, DISCONNECTED_GRACE_MS);
    } else if (s === 'failed') {
      retry();
    }
  }

  // A new WHEP session after a backoff (1 s, 2 s, 4 s … 15 s, with jitter); the old one is DELETEd by connect().
  function retry() {
    if (!wanted) { return; }
    clearTimeout(retryTimer);
    clearTimeout(graceTimer);
    attempt++;
    const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (attempt - 1)) * (0.8 + 0.4 * Math.random());
    setState('reconnecting', 'Reconnecting…');
    retryTimer = setTimeout(connect, delay);
  }

  function errorOf(body) {
    try {
      return JSON.parse(body).error || null;
    } catch (e) {
      return null;
    }
  }

  // 401: no usable token; 403: a token for another show. Either way this link won't work: forget its token.
  function refused(status, error) {
    try { sessionStorage.removeItem(TOKEN_KEY); } catch (e) { /* storage disabled */ }
    if (status === 403) {
      fail('This link is for another show');
    } else if (error === 'expired') {
      fail('This link has expired — ask for a new one in the group');
    } else if (!token || error === 'missing') {
      fail('This show needs a personal link — ask for one in the group');
    } else {
      fail("This link doesn't work — ask for a new one in the group");
    }
  }

  function retryAfterSeconds(response, body) {
    const header = parseInt(response.headers.get('Retry-After') || '', 10);
    if (header > 0) { return header; }
    try {
      const fromBody = parseInt(JSON.parse(body).retryAfter, 10);
      return fromBody > 0 ? fromBody : 0;
    } catch (e) {
      return 0;
    }
  }

  // 503: the room is full (or the server is busy). Count down, then try again; Stop cancels.
  function waitForSeat(seconds, full) {
    closeSession();
    clearInterval(fullTimer);
    let left = Math.min(3600, seconds);
    const render = () => setState('waiting', (full ? 'The room is full right now' : 'The server is busy right now')
      + ' — trying again in ' + left + ' s…');
    render();
    fullTimer = setInterval(() => {
      if (!wanted) { clearInterval(fullTimer); return; }
      left--;
      if (left > 0) {
        render();
      } else {
        clearInterval(fullTimer);
        connect();
      }
    }, 1000);
  }

  function fail(text) {
    wanted = false;
    closeSession();
    document.body.classList.remove('on');
    label.textContent = 'Tap to listen';
    setState('error', text);
  }

  function attach(track) {
    for (const old of remoteStream.getTracks()) { remoteStream.removeTrack(old); }
    remoteStream.addTrack(track);
    audio.srcObject = remoteStream;
    audio.play().catch(() => {});
    if (audioCtx) {
      try {
        if (meterSource) { meterSource.disconnect(); }
        analyser = analyser || Object.assign(audioCtx.createAnalyser(), { fftSize: 1024 });
        meterSource = audioCtx.createMediaStreamSource(new MediaStream([track]));
        meterSource.connect(analyser);
      } catch (e) {
        analyser = null;
      }
    }
  }

  // The level meter: RMS of the decoded audio (WebAudio); getStats' audioLevel when WebAudio is unavailable.
  const samples = new Float32Array(1024);
  function drawMeter() {
    let level = 0;
    if (state === 'live' && analyser) {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (let i = 0; i < samples.length; i++) { sum += samples[i] * samples[i]; }
      level = Math.min(1, Math.sqrt(sum / samples.length) * 4);
    } else if (state === 'live') {
      level = statsLevel;
    }
    meterLevel = level > meterLevel ? level : meterLevel * 0.9 + level * 0.1;
    meterFill.style.transform = 'scaleX(' + meterLevel.toFixed(3) + ')';
    requestAnimationFrame(drawMeter);
  }
  requestAnimationFrame(drawMeter);

  let statsLevel = 0;
  async function inboundAudio() {
    const out = { packetsReceived: 0, audioLevel: 0, bytesReceived: 0 };
    if (!pc) { return out; }
    const report = await pc.getStats();
    report.forEach((r) => {
      if (r.type === 'inbound-rtp' && (r.kind === 'audio' || r.mediaType === 'audio')) {
        out.packetsReceived = r.packetsReceived || 0;
        out.bytesReceived = r.bytesReceived || 0;
        out.audioLevel = r.audioLevel || 0;
      }
    });
    return out;
  }

  // For tests and the curious: the connection state and the inbound audio stream's counters.
  window.encoreStats = async () => {
    const inbound = await inboundAudio();
    return { state, packetsReceived: inbound.packetsReceived, audioLevel: inbound.audioLevel,
      bytesReceived: inbound.bytesReceived, meterLevel };
  };

  // Every 3 s while listening: is the performer on, and is audio still arriving? A stream that stalls while the
  // performer is on means our path broke (e.g. the phone switched networks): start a new session.
  setInterval(async () => {
    if (!wanted) { return; }
    try {
      const r = await fetch('/api/shows/' + encodeURIComponent(show.id), { cache: 'no-store' });
      if (r.ok) {
        performerOnline = (await r.json()).performerOnline === true;
        performerSeen = performerSeen || performerOnline;
      }
    } catch (e) { /* offline: the connection state tells */ }
    if (state !== 'live') { return; }
    statusEl.textContent = liveText();
    const inbound = await inboundAudio().catch(() => null);
    if (!inbound) { return; }
    statsLevel = inbound.audioLevel;
    stalledChecks = inbound.packetsReceived === lastPackets && performerOnline ? stalledChecks + 1 : 0;
    lastPackets = inbound.packetsReceived;
    if (stalledChecks >= 2) { retry(); }
  }, 3000);

  // A new network (Wi-Fi to cellular, back online): the old ICE path is likely gone.
  window.addEventListener('online', () => { if (wanted) { attempt = 0; connect(); } });
  if (navigator.connection && navigator.connection.addEventListener) {
    navigator.connection.addEventListener('change', () => {
      if (wanted && state !== 'live') { attempt = 0; connect(); }
    });
  }
  window.addEventListener('pagehide', () => { if (sessionUrl) { deleteSession(sessionUrl); } });
})();
