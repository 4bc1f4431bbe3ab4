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
  // ---- The show channel (docs/protocol.md): now playing, requests, polls and reactions over a WebSocket -------------
  // Every text from the server (titles, questions, options) is set with textContent: it is plain text, never HTML.

  const $ = (id) => document.getElementById(id);
  const ID_KEY = 'encore.listenerId.' + show.id;
  const CHANNEL_MAX_BACKOFF_MS = 15000;
  const REACTION_GAP_MS = 350; // the server takes 3 reactions a second from a listener
  const EMOJI = { applause: '👏', heart: '❤️', fire: '🔥', laugh: '😂', wow: '😮' };

  let ws = null;
  let channelState = 'connecting'; // connecting | open | reconnecting | refused
  let channelAttempt = 0;
  let channelTimer = null;
  let commandSeq = 0;
  let listenerId = readStored(ID_KEY);
  const pending = new Map();       // command id → { kind, title?, pollId?, option? }
  const myVotes = new Set();       // requests this listener asked for or upvoted
  const mine = new Map();          // requests this listener asked for: id → title
  const knownState = new Map();    // request id → state from the last full state (open, accepted, played, dismissed)
  const pollVotes = new Map();     // poll id → the option this listener chose
  let view = { phase: 'not_started', nowPlaying: null, setList: [], queue: [], poll: null, lastPoll: null, room: null,
    drops: [] };
  let lastReactionAt = 0;
  // Drops (purchase offers): one card per drop, kept across updates so its countdown ticks and its fade can run.
  const DROP_LINK = /^\/go\/[a-z0-9-]{1,40}\/[a-z0-9-]{1,40}$/; // the server's redirect, never anything else
  const DROP_SHOW_CLOSED_MS = 6000; // a closed card says "sold out"/"closed" this long, then fades
  const DROP_FADE_MS = 1000;
  const dropCards = new Map(); // drop id → { node, parts, closedSeenAt, removeTimer }
  let serverSkewMs = 0; // server clock minus this device's, from the latest asOf
  let dropTimer = null;

  function readStored(key) {
    try { return localStorage.getItem(key); } catch (e) { return null; }
  }

  function store(key, value) {
    try { localStorage.setItem(key, value); } catch (e) { /* storage disabled: a new id after a reload */ }
  }

  function wsUrl() {
    return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + show.ws;
  }

  function setChannel(next, text) {
    channelState = next;
    document.body.dataset.channel = next;
    $('channel-status').textContent = text;
    renderAll();
  }

  function openChannel() {
    clearTimeout(channelTimer);
    let socket;
    try {
      socket = new WebSocket(wsUrl());
    } catch (e) {
      retryChannel();
      return;
    }
    ws = socket;
    socket.onopen = () => {
      const hello = { type: 'hello', v: 1 };
      if (listenerId) { hello.listenerId = listenerId; }
      if (token) { hello.token = token; }
      socket.send(JSON.stringify(hello));
    };
    socket.onmessage = (e) => {
      if (ws !== socket) { return; }
      let m;
      try { m = JSON.parse(e.data); } catch (err) { return; }
      onMessage(m);
    };
    socket.onclose = (e) => {
      if (ws !== socket) { return; }
      ws = null;
      pending.clear();
      if (channelState === 'refused') { return; }
      if (e.code === 1008 && channelState !== 'open') { // refused at hello (e.g. the link's token)
        setChannel('refused', "Live updates are off: this link doesn't work here.");
        return;
      }
      retryChannel();
    };
  }

  // Reconnect after 1 s, 2 s, 4 s … 15 s (with jitter), then say hello again with the same listener id: the server
  // resumes this listener with their requests and votes.
  function retryChannel() {
    clearTimeout(channelTimer);
    channelAttempt++;
    const delay = Math.min(CHANNEL_MAX_BACKOFF_MS, 1000 * 2 ** (channelAttempt - 1)) * (0.8 + 0.4 * Math.random());
    setChannel('reconnecting', 'Live updates paused. Reconnecting…');
    channelTimer = setTimeout(openChannel, delay);
  }

  function send(kind, message, context) {
    if (!ws || channelState !== 'open') {
      return false;
    }
    const id = kind[0] + (++commandSeq);
    pending.set(id, Object.assign({ kind }, context || {}));
    ws.send(JSON.stringify(Object.assign({ type: kind, v: 1, id }, message)));
    return true;
  }

  function onMessage(m) {
    switch (m.type) {
      case 'welcome':
        listenerId = m.listenerId || listenerId;
        if (listenerId) { store(ID_KEY, listenerId); }
        channelAttempt = 0;
        setChannel('open', 'Live updates on');
        break;
      case 'state':
        applyState(m);
        break;
      case 'queue':
        view.queue = m.queue || [];
        renderQueue();
        break;
      case 'poll':
        view.poll = m.poll || null;
        view.lastPoll = m.lastPoll || null;
        renderPoll();
        break;
      case 'nowPlaying':
        view.phase = m.phase;
        view.nowPlaying = m.song || null;
        view.setList = m.setList || [];
        renderNow();
        renderMine();
        break;
      case 'room':
        view.room = m.room || null;
        renderRoom();
        break;
      case 'drops':
        noteServerTime(m.asOf);
        view.drops = m.drops || [];
        renderDrops();
        break;
      case 'ack':
        onAck(m);
        break;
      case 'error':
        onError(m);
        break;
      default:
        break;
    }
  }

  function applyState(m) {
    noteServerTime(m.asOf);
    view = { phase: m.phase, nowPlaying: m.nowPlaying || null, setList: m.setList || [], queue: m.queue || [],
      poll: m.poll || null, lastPoll: m.lastPoll || null, room: m.room || null, drops: m.drops || [] };
    for (const q of view.queue) {
      if (q.votedByMe) { myVotes.add(q.requestId); }
      if (q.mine) { mine.set(q.requestId, q.title); }
    }
    for (const r of m.myRequests || []) {
      myVotes.add(r.requestId);
      if (r.mine) { mine.set(r.requestId, r.title); }
      knownState.set(r.requestId, r.state);
    }
    for (const p of [view.poll, view.lastPoll]) {
      if (p && typeof p.myVote === 'number' && p.myVote >= 0) { pollVotes.set(p.pollId, p.myVote); }
    }
    renderAll();
  }

  function onAck(m) {
    const context = pending.get(m.id);
    pending.delete(m.id);
    if (!context) { return; }
    const result = m.result || {};
    if (context.kind === 'request') {
      myVotes.add(result.requestId);
      if (result.votes === 1) {
        mine.set(result.requestId, context.title);
        say('request-message', 'Requested! It is in the list below.', 'ok');
      } else {
        say('request-message', 'Someone asked for that already: your vote was added.', 'ok');
      }
      $('request-title').value = '';
      renderQueue();
      renderMine();
    } else if (context.kind === 'upvote') {
      myVotes.add(result.requestId);
      renderQueue();
    } else if (context.kind === 'vote') {
      pollVotes.set(result.pollId, result.option);
      say('poll-message', '', null);
      // The ack carries the tally with this vote in it: the bars move at once, not at the room's next broadcast. A
      // broadcast that came first and counted more votes is newer: it stays.
      const poll = view.poll;
      if (poll && poll.pollId === result.pollId && Array.isArray(result.tally)
          && typeof result.totalVotes === 'number' && result.totalVotes >= (poll.totalVotes || 0)) {
        view.poll = Object.assign({}, poll, { tally: result.tally, totalVotes: result.totalVotes });
      }
      renderPoll();
    }
  }

  const WORDS = {
    rate_limited: 'Easy there: one new request every 30 seconds. Try again in a moment.',
    title_invalid: 'That title doesn’t work: use 1 to 80 characters, without line breaks.',
    already_voted: 'You asked for that one already.',
    already_in_set: 'Good news: that song is on the set list already.',
    already_accepted: 'The performer has already picked that song.',
    request_dismissed: 'The performer is passing on that song tonight.',
    too_many_open: 'You have 5 requests waiting already. Wait until one is played.',
    queue_full: 'The request list is full for tonight.',
    set_ended: 'The show has ended. Thanks for listening!',
    no_such_request: 'That request is no longer in the list.',
    request_not_open: 'That request is no longer open.',
    poll_closed: 'That poll has closed.',
    no_such_poll: 'That poll has closed.',
    no_poll_open: 'That poll has closed.',
    no_such_option: 'That choice is not in the poll.',
    storage_failed: 'The server had a hiccup saving that. Try again.',
    unavailable: 'The show is restarting. Try again in a moment.',
  };

  function onError(m) {
    const context = m.id ? pending.get(m.id) : null;
    if (m.id) { pending.delete(m.id); }
    const words = WORDS[m.code] || 'That didn’t work: ' + (m.reason || m.code || 'unknown error');
    if (m.code === 'unauthorized') {
      setChannel('refused', "Live updates are off: this link doesn't work here.");
      return;
    }
    if (!context) {
      if (m.code === 'rate_limited') { say('request-message', 'Slow down a little: too many taps at once.', 'warn'); }
      return;
    }
    if (context.kind === 'request' || context.kind === 'upvote') {
      say('request-message', words, 'warn');
    } else if (context.kind === 'vote') {
      say('poll-message', words, 'warn');
    }
    // reactions over the limit are simply dropped
  }

  function say(id, text, tone) {
    const el = $(id);
    el.textContent = text;
    el.dataset.tone = tone || '';
  }

  // ---- Rendering (text only) ----------------------------------------------------------------------------------------

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function renderAll() {
    renderNow();
    renderQueue();
    renderMine();
    renderPoll();
    renderRoom();
    renderDrops();
  }

  function renderNow() {
    document.body.dataset.phase = view.phase;
    const songs = view.setList || [];
    const song = view.nowPlaying;
    let title;
    let detail;
    if (view.phase === 'ended') {
      title = "That's the show!";
      detail = 'Thanks for listening.';
    } else if (view.phase === 'playing' && song) {
      title = song.title;
      const next = songs[song.index + 1];
      detail = 'Song ' + (song.index + 1) + ' of ' + songs.length + (next ? ' · Next: ' + next.title : ' · Last song');
    } else if (view.phase === 'playing') {
      title = 'Between songs';
      detail = '';
    } else {
      title = 'The show starts soon';
      detail = songs.length ? songs.length + (songs.length === 1 ? ' song' : ' songs') + ' planned' : '';
    }
    $('now-title').textContent = title;
    $('now-detail').textContent = detail;
  }

  // Rows are kept per request (and only updated) so a tap is never lost to a re-render.
  const queueRows = new Map(); // request id → { li, badge, title, button, votes }

  function queueRow(q) {
    let row = queueRows.get(q.requestId);
    if (!row) {
      const li = el('li', 'q-item');
      li.dataset.requestId = String(q.requestId);
      const text = el('span', 'q-text');
      const title = el('span', 'q-title', q.title);
      const badge = el('span', 'badge', 'yours');
      text.append(title, badge);
      const button = el('button', 'upvote');
      button.type = 'button';
      button.addEventListener('click', () => send('upvote', { requestId: q.requestId }));
      li.append(text, button);
      row = { li, badge, title, button };
      queueRows.set(q.requestId, row);
    }
    const own = mine.has(q.requestId);
    const voted = myVotes.has(q.requestId);
    row.li.classList.toggle('mine', own);
    row.badge.hidden = !own;
    row.title.textContent = q.title;
    row.button.textContent = '▲ ' + q.votes;
    row.button.setAttribute('aria-pressed', voted ? 'true' : 'false');
    row.button.setAttribute('aria-label', (voted ? 'You voted. ' : 'Vote for this. ') + q.votes
      + (q.votes === 1 ? ' vote' : ' votes'));
    row.button.disabled = voted || channelState !== 'open' || view.phase === 'ended';
    return row.li;
  }

  function renderQueue() {
    const queue = view.queue || [];
    const ids = new Set(queue.map((q) => q.requestId));
    for (const id of [...queueRows.keys()]) {
      if (!ids.has(id)) { queueRows.delete(id); }
    }
    const items = queue.map(queueRow);
    const list = $('queue');
    if (items.length !== list.children.length || items.some((li, i) => list.children[i] !== li)) {
      list.replaceChildren(...items);
    }
    $('queue-empty').hidden = items.length > 0;
    renderMine();
  }

  function requestStatus(id) {
    const queued = (view.queue || []).find((q) => q.requestId === id);
    if (queued) { return ['open', 'waiting · ' + queued.votes + (queued.votes === 1 ? ' vote' : ' votes')]; }
    const song = (view.setList || []).find((s) => s.requestId === id);
    if (song) {
      if (song.current) { return ['played', 'playing now!']; }
      return song.played ? ['played', 'played ✓'] : ['accepted', 'accepted · coming up'];
    }
    const known = knownState.get(id);
    if (known === 'played') { return ['played', 'played ✓']; }
    if (known === 'dismissed') { return ['dismissed', 'not tonight']; }
    return ['gone', 'no longer in the list'];
  }

  function renderMine() {
    const items = [...mine.entries()].map(([id, title]) => {
      const [state, words] = requestStatus(id);
      const li = el('li', 'mine-item');
      li.dataset.state = state;
      li.append(el('span', 'q-title', title), el('span', 'mine-state', words));
      return li;
    });
    $('mine').replaceChildren(...items);
    $('mine-box').hidden = items.length === 0;
  }

  // The option buttons are made once per poll and then only updated (bars, counts, your vote), so a tap is never lost
  // to a re-render and the bars can glide.
  let pollRows = null; // { key, rows: [{ li, button, bar, count }] }

  function renderPoll() {
    const open = view.poll;
    const poll = open || view.lastPoll;
    const panel = $('poll-panel');
    if (!poll) {
      panel.hidden = true;
      pollRows = null;
      return;
    }
    panel.hidden = false;
    panel.dataset.open = open ? 'true' : 'false';
    $('poll-heading').textContent = open ? 'Poll · vote now' : 'Poll results';
    $('poll-question').textContent = poll.question;
    const key = poll.pollId + (open ? ':open' : ':closed');
    if (!pollRows || pollRows.key !== key) {
      const rows = poll.options.map((option, i) => {
        const li = el('li', 'poll-option');
        const button = el('button', 'poll-choice');
        button.type = 'button';
        const bar = el('span', 'poll-bar');
        const count = el('span', 'poll-count');
        button.append(bar, el('span', 'poll-label', option), count);
        button.addEventListener('click', () => {
          const current = pollVotes.has(poll.pollId) ? pollVotes.get(poll.pollId) : -1;
          if (open && i !== current) { send('vote', { pollId: poll.pollId, option: i }, { pollId: poll.pollId, option: i }); }
        });
        li.append(button);
        return { li, button, bar, count };
      });
      pollRows = { key, rows };
      $('poll-options').replaceChildren(...rows.map((r) => r.li));
    }
    const myVote = pollVotes.has(poll.pollId) ? pollVotes.get(poll.pollId) : -1;
    const total = poll.totalVotes || 0;
    const best = Math.max(0, ...(poll.tally || []));
    pollRows.rows.forEach((row, i) => {
      const votes = (poll.tally || [])[i] || 0;
      const share = total > 0 ? votes / total : 0;
      row.button.disabled = !open || channelState !== 'open';
      row.button.setAttribute('aria-pressed', i === myVote ? 'true' : 'false');
      row.li.classList.toggle('chosen', i === myVote);
      row.li.classList.toggle('winner', !open && votes === best && best > 0);
      row.bar.style.width = (share * 100).toFixed(1) + '%';
      row.count.textContent = Math.round(share * 100) + '% · ' + votes;
    });
    const votesText = total + (total === 1 ? ' vote' : ' votes');
    if (open) {
      $('poll-note').textContent = votesText + (myVote >= 0 ? ' · tap another answer to change your vote'
        : ' · tap an answer to vote') + (poll.closesAt ? ' · closes at ' + clock(poll.closesAt) : '');
    } else {
      $('poll-note').textContent = 'Closed · ' + votesText + (myVote >= 0 ? ' · your vote is marked' : '');
    }
  }

  function noteServerTime(iso) {
    const at = Date.parse(iso);
    if (!isNaN(at)) { serverSkewMs = at - Date.now(); }
  }

  function serverNow() {
    return Date.now() + serverSkewMs;
  }

  function countdown(ms) {
    const s = Math.max(0, Math.ceil(ms / 1000));
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    const sec = String(s % 60).padStart(2, '0');
    return h > 0 ? h + ':' + String(m).padStart(2, '0') + ':' + sec : m + ':' + sec;
  }

  function dropCard(d) {
    const node = el('article', 'drop-card');
    node.dataset.dropId = d.id;
    const text = el('p', 'drop-text');
    const meta = el('p', 'drop-meta');
    const timer = el('span', 'drop-timer');
    const left = el('span', 'drop-left');
    meta.append(timer, left);
    const buy = el('a', 'drop-buy', 'Buy');
    buy.target = '_blank';
    buy.rel = 'noopener';
    const status = el('p', 'drop-status');
    node.append(text, meta, buy, status);
    return { node, parts: { text, timer, left, buy, status }, closedSeenAt: 0, removeTimer: null };
  }

  // Open drops get a card; a drop that closes while this page watches says so for a few seconds, then fades away.
  // Drops that had closed before the page got them are not shown.
  function renderDrops() {
    const drops = view.drops || [];
    const now = Date.now();
    const ids = new Set();
    for (const d of drops) {
      ids.add(d.id);
      let card = dropCards.get(d.id);
      const open = d.state === 'open';
      if (!card) {
        if (!open) { continue; }
        card = dropCard(d);
        dropCards.set(d.id, card);
        $('drops').append(card.node);
      }
      const p = card.parts;
      p.text.textContent = d.text;
      card.node.dataset.state = open ? 'open' : 'closed';
      if (DROP_LINK.test(d.link || '')) {
        p.buy.href = d.link + '?src=page';
        p.buy.hidden = !open;
      } else {
        p.buy.hidden = true;
      }
      const counted = typeof d.remaining === 'number';
      p.left.textContent = counted && open ? d.remaining + ' left' : '';
      if (open) {
        const closesAt = d.closesAt ? Date.parse(d.closesAt) : NaN;
        p.timer.textContent = isNaN(closesAt) ? '' : 'Closes in ' + countdown(closesAt - serverNow());
        p.status.textContent = '';
      } else {
        p.timer.textContent = '';
        p.status.textContent = d.closeReason === 'sold_out' ? 'Sold out' : 'Closed';
        if (!card.closedSeenAt) {
          card.closedSeenAt = now;
          card.removeTimer = setTimeout(() => fadeDrop(d.id), DROP_SHOW_CLOSED_MS);
        }
      }
    }
    for (const [id, card] of dropCards) { // a new run: drops the server no longer lists go at once
      if (!ids.has(id)) {
        clearTimeout(card.removeTimer);
        card.node.remove();
        dropCards.delete(id);
      }
    }
    $('drops').hidden = dropCards.size === 0;
    const ticking = [...dropCards.values()].some((c) => c.node.dataset.state === 'open');
    if (ticking && !dropTimer) {
      dropTimer = setInterval(renderDrops, 1000);
    } else if (!ticking && dropTimer) {
      clearInterval(dropTimer);
      dropTimer = null;
    }
  }

  function fadeDrop(id) {
    const card = dropCards.get(id);
    if (!card) { return; }
    card.node.classList.add('gone');
    card.removeTimer = setTimeout(() => {
      card.node.remove();
      if (dropCards.get(id) === card) { dropCards.delete(id); }
      $('drops').hidden = dropCards.size === 0;
    }, DROP_FADE_MS);
  }

  function clock(iso) {
    const at = new Date(iso);
    return isNaN(at) ? '' : at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  }

  function renderRoom() {
    const room = view.room;
    if (!room) {
      $('room-line').textContent = '';
      return;
    }
    const people = room.listeners + (room.listeners === 1 ? ' person here' : ' people here');
    const counts = Object.entries(room.reactions || {}).filter(([, n]) => n > 0)
      .map(([kind, n]) => (EMOJI[kind] || kind) + ' ' + n);
    $('room-line').textContent = [people].concat(counts).join(' · ');
  }

  // ---- Controls -----------------------------------------------------------------------------------------------------

  $('request-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const title = $('request-title').value.trim();
    if (!title) {
      say('request-message', 'Type a song title first.', 'warn');
      return;
    }
    if (!send('request', { title }, { title })) {
      say('request-message', 'Not connected right now. Try again in a moment.', 'warn');
      return;
    }
    say('request-message', 'Sending…', null);
  });

  for (const button of document.querySelectorAll('.react')) {
    button.addEventListener('click', () => {
      const now = Date.now();
      if (now - lastReactionAt < REACTION_GAP_MS) { return; }
      lastReactionAt = now;
      if (send('react', { reaction: button.dataset.reaction })) {
        button.classList.remove('pop');
        void button.offsetWidth; // restart the animation
        button.classList.add('pop');
      }
    });
  }

  // For tests and the curious: the channel's state and this listener's id.
  window.encoreChannel = () => ({ state: channelState, listenerId, phase: view.phase,
    queue: (view.queue || []).length, pollId: view.poll ? view.poll.pollId : null,
    drops: (view.drops || []).filter((d) => d.state === 'open').map((d) => d.id) });

  window.addEventListener('online', () => {
    if (channelState === 'reconnecting') { channelAttempt = 0; openChannel(); }
  });
  setChannel('connecting', 'Connecting…');
  renderAll();
  openChannel();
})();
