// Godot WebRTC signaling client for the browser: speaks the protocol of Godot 4's
// webrtc_signaling demo (docs/PROTOCOL.md) and manages one RTCPeerConnection per peer with
// Godot's data channel layout, so a browser page can play with native and web Godot peers.
// No dependencies; an ES module.
//
// The Godot addon (clients/godot/addons/godot_signaling/signaling_client.gd) follows the same
// rules, R1..R21, in the same order.
//
// R21, resume: a socket that drops unexpectedly (no close(), no SEAL, no fatal ERROR, code other
// than 1000) after the server sent a RESUME token is reopened with ?resume=<token> within
// `resumeGrace` seconds; the WebRTC peers stay up meanwhile and no frame is lost (see the class's
// `resuming` and `resumed` events). Frames are counted across the session's sockets: the k-th
// protocol frame sent since the first socket opened (JOIN included, keep-alive excluded) is frame
// k - 1 whichever socket carried it. The server's RESUME acknowledgement says how many it has
// received in all ("received": N); the client sends again those from N on.

/** This module's release (the project's VERSION file; ReleaseVersionTest keeps them equal). */
export const VERSION = '1.0.0';

export const MessageType = Object.freeze({
  JOIN: 0, ID: 1, PEER_CONNECT: 2, PEER_DISCONNECT: 3, OFFER: 4, ANSWER: 5, CANDIDATE: 6, SEAL: 7,
  ERROR: 100,       // extension: data = reason; id 4000: the server closes the socket next,
                    // id 0: a request was refused and the socket stays open
  ICE_SERVERS: 101, // extension: data = JSON {"iceServers":[...]}, sent right after ID
  LOBBY_DATA: 102,  // extension: data = JSON object; host → server sets it, server → peers tells it
  MATCH: 103,       // extension: data = JSON object; sent instead of JOIN (quick match)
  RESUME: 104,      // extension: data = the resume token; with "received": how many frames the
                    // server got from this peer in all, over all its sockets (a resume's acknowledgement)
});

// Godot's WebRTCMultiplayerPeer opens three negotiated channels per peer.
export const Channel = Object.freeze({ RELIABLE: 1, ORDERED: 2, UNRELIABLE: 3 });
const CHANNEL_OPTIONS = {
  [Channel.RELIABLE]: { label: 'reliable', ordered: true },
  [Channel.ORDERED]: { label: 'ordered', ordered: true, maxRetransmits: 0 },
  [Channel.UNRELIABLE]: { label: 'unreliable', ordered: false, maxRetransmits: 0 },
};

export const DEFAULT_ICE_SERVERS = Object.freeze([{ urls: ['stun:stun.l.google.com:19302'] }]);
const KEEPALIVE_FRAME = '{"action":"ping"}';
const RESUME_FIRST_DELAY_MS = 250; // R21: then 0.5 s, 1 s, 2 s, 4 s, … while within the grace

/** The list's URL for a signaling URL: same host and port over HTTP, path /lobbies (R20). */
export function lobbiesUrlOf(signalingUrl) {
  const url = new URL(signalingUrl);
  const scheme = url.protocol === 'wss:' || url.protocol === 'https:' ? 'https:' : 'http:';
  return `${scheme}//${url.host}/lobbies`;
}

/**
 * Lists the public lobbies of a game over HTTP, without connecting (R20); resolves with
 * {lobbies: [{name, peers, maxPeers, mesh, data, createdAt}], cursor} (cursor: undefined on the
 * last page). Rejects with the server's error text.
 * @param {string} url the list's http(s):// URL, or the ws(s):// signaling URL to derive it from
 * @param {string} [game] the game id; the server's default game when empty
 * @param {object} [filter] key → value the lobby's data must hold (compared as text)
 * @param {object} [options] {limit, cursor, token}
 */
export async function listLobbies(url, game = '', filter = {}, { limit, cursor, token } = {}) {
  const list = new URL(/^wss?:/i.test(url) ? lobbiesUrlOf(url) : url);
  // Filters first: the reserved parameters set afterwards replace a filter of the same name.
  for (const [key, value] of Object.entries(filter)) list.searchParams.set(key, String(value));
  if (game) list.searchParams.set('game', game);
  if (limit !== undefined) list.searchParams.set('limit', String(limit));
  if (cursor) list.searchParams.set('cursor', cursor);
  if (token) list.searchParams.set('token', token);
  const response = await fetch(list);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error || `listing lobbies failed (HTTP ${response.status})`);
  return { lobbies: Array.isArray(body.lobbies) ? body.lobbies : [], cursor: body.cursor };
}

/**
 * Events (all CustomEvent, details in braces):
 *   lobby-joined {lobby, peerId, mesh}   peer-connected {peerId}   peer-open {peerId}
 *   peer-state {peerId, state}           peer-disconnected {peerId}
 *   message {peerId, channel, data}      sealed {}   ice-servers {iceServers}
 *   lobbydata {data}                     request-refused {reason}
 *   error {reason}                       disconnected {code, reason, sealed}
 *   resuming {code, reason, grace}       the socket dropped (close code, reason); the client is
 *                                        reopening it for up to `grace` seconds (R21). The peers
 *                                        and their data channels stay up; frames are queued.
 *   resumed {lobby, peerId, attempts, resent}  the server confirmed the resumed socket (its JOIN
 *                                        confirmation); `attempts` sockets were opened, `resent`
 *                                        frames the server had not received were sent again.
 *                                        (lobby-joined is not emitted again.)
 * A resume that fails (the grace ran out, another peer id, a fatal ERROR) ends the session as an
 * unexpected close does: `disconnected` with the code and reason of the drop (or of the last
 * socket's close when the server ended it).
 */
export class GodotSignalingClient extends EventTarget {
  #url;
  #options;
  #socket = null;
  #keepAlive = null;
  #iceServers;
  #peers = new Map(); // peerId -> { pc, channels: Map<id, RTCDataChannel>, remoteSet, pending: [] }
  #joined = null;     // { resolve, reject } while join() or quickMatch() waits for the JOIN confirmation
  #inLobby = false;   // this session's JOIN confirmation came
  #socketUrl = '';    // R1's URL of this session: a resume reopens it (R21)
  #resumeToken = '';  // R21: the latest RESUME token, '' until the server sends one
  #sentCount = 0;     // R21: protocol frames sent since the session's first socket opened, over all
                      //   its sockets (never the keep-alive): the index the next frame gets
  #sentLog = [];      // R21: the frames not acknowledged yet, the last #sentLog.length of those counted
  #leaving = false;   // close() was called: no resume
  #fatal = false;     // an ERROR with an id other than 0 came: the server ends the session, no resume
  #resume = null;     // R21, while resuming: {code, reason, deadline, attempt, timer, graceTimer,
                      //   queue, acked, resent}
  peerId = 0;
  lobby = '';
  mesh = true;
  sealed = false;
  lobbyData = null; // the latest LOBBY_DATA: {public, maxPeers, mesh, data, peers}

  /**
   * @param {string} url ws:// or wss:// URL of the signaling service
   * @param {object} [options]
   * @param {RTCIceServer[]} [options.iceServers] used until the server sends its own (ICE_SERVERS)
   * @param {RTCIceTransportPolicy} [options.iceTransportPolicy] 'all' or 'relay' (TURN only)
   * @param {string} [options.token] sent as ?token=… (browsers cannot set WebSocket headers)
   * @param {string} [options.game] sent as ?game=…: lobbies, lists and quick match are per game;
   *   a game already in the URL's query wins
   * @param {string} [options.lobbiesUrl] the list's URL (on AWS the HTTP API's); default: derived
   *   from the signaling URL (lobbiesUrlOf)
   * @param {number} [options.keepAliveMs] keep-alive period; API Gateway drops sockets idle for 10 min
   * @param {number} [options.resumeGrace] seconds (default 20, the server's default) during which a
   *   dropped socket is reopened (R21); 0 turns resuming off
   */
  constructor(url, options = {}) {
    super();
    this.#url = url;
    this.#options = { iceTransportPolicy: 'all', keepAliveMs: 5 * 60 * 1000, ...options };
    this.#options.resumeGrace = Number(options.resumeGrace ?? 20);
    this.#iceServers = options.iceServers ?? DEFAULT_ICE_SERVERS;
  }

  /** Connects and creates (lobby '') or joins a lobby; resolves with {lobby, peerId, mesh}. */
  join(lobby = '', mesh = true) {
    // R2: JOIN (id 0: mesh, 1: client/server).
    return this.#connect(MessageType.JOIN, mesh ? 0 : 1, lobby);
  }

  /**
   * Connects and joins the oldest public lobby that fits, or creates one (R18); resolves like
   * join(). Every option is optional: {maxPeers, mesh, where: {key: value}, data: {key: value}}.
   */
  quickMatch({ maxPeers, mesh, where, data } = {}) {
    // JSON.stringify leaves out the options that are undefined: the server's defaults apply.
    return this.#connect(MessageType.MATCH, 0, JSON.stringify({ maxPeers, mesh, where, data }));
  }

  /** Host only, before the seal (R19): {public, maxPeers, data}, each optional; `data` is replaced whole. */
  setLobbyData({ public: isPublic, maxPeers, data } = {}) {
    this.#send(MessageType.LOBBY_DATA, 0, JSON.stringify({ public: isPublic, maxPeers, data }));
  }

  /** Lists the public lobbies of this client's game (see listLobbies); connected or not. */
  listLobbies(filter = {}, { limit, cursor, url, token } = {}) {
    // The game and token may come with the options or in the signaling URL's query.
    const query = new URL(this.#url).searchParams;
    const game = query.get('game') ?? this.#options.game ?? '';
    const listUrl = url ?? this.#options.lobbiesUrl ?? lobbiesUrlOf(this.#url);
    return listLobbies(listUrl, game, filter, {
      limit, cursor, token: token ?? this.#options.token ?? query.get('token') ?? undefined,
    });
  }

  /** True while a dropped socket is being resumed (R21): between `resuming` and `resumed`. */
  get resuming() {
    return this.#resume !== null;
  }

  #connect(type, id, data) {
    if (this.#socket || this.#resume) throw new Error('already connected');
    this.lobbyData = null;
    // A new session: nothing of a previous one decides whether this one resumes (R21).
    this.sealed = false;
    this.#inLobby = false;
    this.#resumeToken = '';
    this.#leaving = false;
    this.#fatal = false;
    this.#sentCount = 0; // R21: the JOIN (or MATCH) will be frame 0
    this.#sentLog = [];
    return new Promise((resolve, reject) => {
      this.#joined = { resolve, reject };
      // R1: opt in to extension frames; the game and a token travel in the query string.
      const url = new URL(this.#url);
      url.searchParams.set('ext', '1');
      if (this.#options.game && !url.searchParams.has('game')) url.searchParams.set('game', this.#options.game);
      if (this.#options.token) url.searchParams.set('token', this.#options.token);
      this.#socketUrl = url.toString();
      globalThis.addEventListener?.('pagehide', this.#pageHide);
      // R2: the first frame (JOIN, or MATCH: R18) as soon as the socket is open.
      this.#open(url, () => this.#send(type, id, data));
    });
  }

  // Opens the session's current socket (the first one, or a resume's: R21); a socket that is no
  // longer the current one is ignored, whatever it still reports.
  #open(url, onOpen) {
    const socket = new WebSocket(url);
    this.#socket = socket;
    socket.onopen = () => {
      if (this.#socket !== socket) return;
      onOpen();
      // R16: keep the socket alive with a frame API Gateway answers itself; one timer for the
      // session, which goes on over a resumed socket (R21).
      this.#keepAlive ??= setInterval(() => {
        if (this.#socket?.readyState === WebSocket.OPEN) this.#socket.send(KEEPALIVE_FRAME);
      }, this.#options.keepAliveMs);
    };
    socket.onmessage = (event) => {
      if (this.#socket === socket) this.#onFrame(event.data);
    };
    socket.onclose = (event) => {
      if (this.#socket === socket) this.#onClose(event.code, event.reason);
    };
    socket.onerror = () => {}; // onclose follows with the details
  }

  /** Host only: every peer is told, and the signaling sockets close shortly after. */
  seal() {
    this.#send(MessageType.SEAL, 0, '');
  }

  /** Sends to one peer over one of Godot's channels; false if that channel is not open. */
  send(peerId, data, channel = Channel.RELIABLE) {
    const dc = this.#peers.get(peerId)?.channels.get(channel);
    if (!dc || dc.readyState !== 'open') return false;
    dc.send(data);
    return true;
  }

  /** Sends to every peer with an open channel; returns how many got it. */
  broadcast(data, channel = Channel.RELIABLE) {
    let sent = 0;
    for (const peerId of this.#peers.keys()) if (this.send(peerId, data, channel)) sent++;
    return sent;
  }

  /** The RTCPeerConnection to a peer (for stats or media), or undefined. */
  peerConnection(peerId) {
    return this.#peers.get(peerId)?.pc;
  }

  /** Snapshot of the peers: [{peerId, state, open}] */
  peers() {
    return [...this.#peers.entries()].map(([peerId, p]) => ({
      peerId,
      state: p.pc.connectionState,
      open: [...p.channels.values()].every((dc) => dc.readyState === 'open'),
    }));
  }

  /**
   * Leaves for real: closes the signaling socket with code 1000 (the server tells the others
   * at once, no resume) and every peer connection. While resuming (R21) the attempt stops and
   * `disconnected` comes at once with code 1000.
   */
  // A page that goes away (closed tab, navigation) leaves for real: without this the browser
  // closes with 1001, a drop the server would hold for the resume grace before telling the others.
  #pageHide = () => {
    this.#leaving = true;
    this.#socket?.close(1000, 'page closed');
  };

  close() {
    this.#leaving = true;
    if (this.#resume) this.#end(1000, 'bye');
    else this.#socket?.close(1000, 'bye');
    for (const peerId of [...this.#peers.keys()]) this.#removePeer(peerId);
  }

  #send(type, id, data) {
    const frame = JSON.stringify({ type, id, data });
    // R21: while resuming, frames wait for the new socket's RESUME acknowledgement, in order.
    if (this.#resume && !this.#resume.acked) this.#resume.queue.push(frame);
    else this.#transmit(frame);
  }

  // R21: every protocol frame sent is counted, whichever socket of the session carries it, and
  // logged until a resume acknowledges it (the keep-alive never reaches the service, so it is
  // sent directly and never counted).
  #transmit(frame) {
    const socket = this.#socket;
    if (socket?.readyState === WebSocket.OPEN) {
      socket.send(frame);
      this.#log(frame);
    } else if (socket && socket.readyState !== WebSocket.CONNECTING && !this.#leaving) {
      // The socket dropped and its close event has not come yet: the server cannot have this
      // frame; counted and logged, it is sent again after the resume's acknowledgement.
      this.#log(frame);
    }
  }

  #log(frame) {
    this.#sentLog.push(frame);
    this.#sentCount++;
  }

  #emit(name, detail = {}) {
    this.dispatchEvent(new CustomEvent(name, { detail }));
  }

  #onFrame(raw) {
    let msg;
    try {
      msg = JSON.parse(raw);
    } catch {
      return; // R17
    }
    if (typeof msg !== 'object' || msg === null || typeof msg.data !== 'string'
        || !Number.isInteger(msg.type) || !Number.isInteger(msg.id)) {
      return; // R17: not a protocol frame
    }
    const { type, id, data } = msg;
    switch (type) {
      case MessageType.ID: // R3
        // R21: a resumed socket is the same peer, or the resume has failed.
        if (this.#resume) {
          if (id !== this.peerId) {
            this.#fatal = true;
            this.#emit('error', { reason: `resume failed: the server gave peer id ${id}, not ${this.peerId}` });
            this.#end(this.#resume.code, this.#resume.reason);
          }
          break;
        }
        this.peerId = id;
        this.mesh = data === 'true';
        break;
      case MessageType.ICE_SERVERS: // R4
        try {
          const parsed = JSON.parse(data);
          if (Array.isArray(parsed.iceServers)) {
            this.#iceServers = parsed.iceServers;
            this.#emit('ice-servers', { iceServers: parsed.iceServers });
          }
        } catch { /* ignore a malformed extension frame */ }
        break;
      case MessageType.PEER_CONNECT: // R5
        this.#createPeer(id);
        this.#emit('peer-connected', { peerId: id });
        break;
      case MessageType.OFFER: // R8
        this.#onDescription(id, 'offer', data);
        break;
      case MessageType.ANSWER: // R9
        this.#onDescription(id, 'answer', data);
        break;
      case MessageType.CANDIDATE: // R10
        this.#onCandidate(id, data);
        break;
      case MessageType.PEER_DISCONNECT: // R11
        this.#removePeer(id);
        this.#emit('peer-disconnected', { peerId: id });
        break;
      case MessageType.JOIN: // R12
        this.lobby = data;
        // A session that dropped before its first confirmation gets it from the resumed socket.
        if (!this.#inLobby) {
          this.#inLobby = true;
          this.#emit('lobby-joined', { lobby: data, peerId: this.peerId, mesh: this.mesh });
          this.#joined?.resolve({ lobby: data, peerId: this.peerId, mesh: this.mesh });
          this.#joined = null;
        }
        if (this.#resume) this.#onResumed();
        break;
      case MessageType.RESUME: // R21
        if (data) this.#resumeToken = data;
        // Only a RESUME with "received" acknowledges a resume; the one after a join has none.
        if (this.#resume && Number.isInteger(msg.received) && msg.received >= 0) this.#onResumeAck(msg.received);
        break;
      case MessageType.SEAL: // R13
        this.sealed = true;
        this.#emit('sealed');
        break;
      case MessageType.LOBBY_DATA: // R19
        try {
          const parsed = JSON.parse(data);
          if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
            this.lobbyData = parsed;
            this.#emit('lobbydata', { data: parsed });
          }
        } catch { /* ignore a malformed extension frame */ }
        break;
      case MessageType.ERROR: // R14
        // id 0: a request (LOBBY_DATA) was refused; nothing changed and the socket stays open.
        if (id === 0) {
          this.#emit('request-refused', { reason: data });
          break;
        }
        this.#fatal = true; // R21: the server closes the socket next; no resume
        this.#emit('error', { reason: data });
        this.#joined?.reject(new Error(data));
        this.#joined = null;
        break;
      default: // R17
        break;
    }
  }

  #createPeer(peerId) {
    if (this.#peers.has(peerId)) this.#removePeer(peerId);
    const pc = new RTCPeerConnection({
      iceServers: this.#iceServers,
      iceTransportPolicy: this.#options.iceTransportPolicy,
    });
    // outgoing: our candidates wait until our description is on its way (the browser may
    // report a candidate before setLocalDescription's promise resolves).
    const peer = { pc, channels: new Map(), remoteSet: false, pending: [], localSent: false, outgoing: [] };
    this.#peers.set(peerId, peer);
    for (const [id, { label, ...init }] of Object.entries(CHANNEL_OPTIONS)) {
      const dc = pc.createDataChannel(label, { ...init, negotiated: true, id: Number(id) });
      dc.onmessage = (event) => this.#emit('message', { peerId, channel: Number(id), data: event.data });
      dc.onopen = () => {
        if ([...peer.channels.values()].every((c) => c.readyState === 'open')) this.#emit('peer-open', { peerId });
      };
      peer.channels.set(Number(id), dc);
    }
    // R7: candidates travel as "\n<mid>\n<index>\n<candidate>".
    pc.onicecandidate = ({ candidate }) => {
      if (!candidate || !candidate.candidate) return;
      const data = `\n${candidate.sdpMid}\n${candidate.sdpMLineIndex}\n${candidate.candidate}`;
      if (peer.localSent) this.#send(MessageType.CANDIDATE, peerId, data);
      else peer.outgoing.push(data);
    };
    pc.onconnectionstatechange = () => this.#emit('peer-state', { peerId, state: pc.connectionState });
    // R5: the peer with the larger id offers; the host (1) never does.
    if (peerId < this.peerId) {
      this.#describe(peerId, pc.createOffer(), MessageType.OFFER);
    }
  }

  // R6: set the local description ourselves, send it, then the candidates it produced.
  #describe(peerId, created, type) {
    created
      .then((desc) => this.#peers.get(peerId)?.pc.setLocalDescription(desc).then(() => desc))
      .then((desc) => {
        const peer = this.#peers.get(peerId);
        if (!desc || !peer) return;
        this.#send(type, peerId, desc.sdp);
        peer.localSent = true;
        peer.outgoing.splice(0).forEach((data) => this.#send(MessageType.CANDIDATE, peerId, data));
      })
      .catch((e) => this.#emit('error', { reason: `peer ${peerId}: ${e.message}` }));
  }

  #onDescription(peerId, type, sdp) {
    const peer = this.#peers.get(peerId);
    if (!peer) return;
    peer.pc.setRemoteDescription({ type, sdp })
      .then(() => {
        peer.remoteSet = true;
        // One bad candidate must not cost the answer: each is applied on its own.
        const held = peer.pending.splice(0);
        return Promise.all(held.map((c) => peer.pc.addIceCandidate(c).catch(() => {})));
      })
      .then(() => type === 'offer' && this.#describe(peerId, peer.pc.createAnswer(), MessageType.ANSWER))
      .catch((e) => this.#emit('error', { reason: `peer ${peerId}: ${e.message}` }));
  }

  #onCandidate(peerId, data) {
    const parts = data.split('\n').filter((p) => p.length > 0);
    if (parts.length !== 3 || !/^-?\d+$/.test(parts[1])) return;
    const candidate = { sdpMid: parts[0], sdpMLineIndex: Number(parts[1]), candidate: parts[2] };
    const peer = this.#peers.get(peerId);
    if (!peer) return;
    // R10: a candidate before its description would be rejected and lost: hold it.
    if (!peer.remoteSet) {
      peer.pending.push(candidate);
      return;
    }
    peer.pc.addIceCandidate(candidate).catch(() => {});
  }

  #removePeer(peerId) {
    const peer = this.#peers.get(peerId);
    if (!peer) return;
    peer.channels.forEach((dc) => dc.close());
    peer.pc.close();
    this.#peers.delete(peerId);
  }

  #onClose(code, reason) {
    this.#socket = null;
    // R21: resume unless the app left, the server ended the session (fatal ERROR), the lobby is
    // sealed (its sockets close anyway), or the server never sent a token.
    const resumable = !this.#leaving && !this.#fatal && !this.sealed && this.#resumeToken !== ''
      && this.#options.resumeGrace > 0;
    const r = this.#resume;
    if (r) {
      // A resumed socket that drops before its JOIN confirmation is just another attempt. If its
      // RESUME acknowledgement came, frames went out on it: they stay in the log (the next
      // acknowledgement counts them too) and new ones wait in the queue again.
      r.acked = false;
      if (resumable) this.#nextAttempt();
      else this.#end(code, reason);
      return;
    }
    if (resumable && code !== 1000) this.#startResume(code, reason);
    else this.#end(code, reason);
  }

  // R21: the drop is detected; the peers, the multiplayer state and the join() promise stay.
  #startResume(code, reason) {
    const graceMs = this.#options.resumeGrace * 1000;
    const r = {
      code, reason, deadline: Date.now() + graceMs, attempt: 0, timer: null, graceTimer: null,
      queue: [], acked: false, resent: 0,
    };
    this.#resume = r;
    // After the grace the server has let the peer go: give up, unless the server already
    // acknowledged the current socket (its JOIN confirmation is on the way).
    r.graceTimer = setTimeout(() => {
      if (this.#resume === r && !r.acked) this.#end(r.code, r.reason);
    }, graceMs);
    this.#emit('resuming', { code, reason, grace: this.#options.resumeGrace });
    this.#nextAttempt();
  }

  // R21: the next socket after 0.25 s, 0.5 s, 1 s, 2 s, … (the wait doubles with each attempt).
  #nextAttempt() {
    const r = this.#resume;
    const delay = RESUME_FIRST_DELAY_MS * 2 ** r.attempt;
    // Past the grace (an acknowledged socket kept it going, then dropped): give up now. An
    // attempt not started before the grace ends never starts: the grace timer gives up first.
    if (Date.now() >= r.deadline) {
      this.#end(r.code, r.reason);
      return;
    }
    r.timer = setTimeout(() => {
      r.timer = null;
      if (this.#resume !== r) return;
      r.attempt++;
      // The same URL and query (ext, game, token…) plus the token; no JOIN or MATCH is sent.
      const url = new URL(this.#socketUrl);
      url.searchParams.set('resume', this.#resumeToken);
      this.#open(url, () => {});
    }, delay);
  }

  // R21: the server got frames 0 … received - 1 of the session (over all its sockets): they leave
  // the log; the count goes back to `received` and the logged frames from there on are sent again,
  // in order, then the frames queued while resuming, each counted (and logged) again as it goes.
  #onResumeAck(received) {
    const r = this.#resume;
    if (r.acked) return;
    r.acked = true;
    const firstLogged = this.#sentCount - this.#sentLog.length;
    const unacknowledged = this.#sentLog.slice(Math.max(0, received - firstLogged));
    this.#sentLog = [];
    this.#sentCount = received;
    r.resent += unacknowledged.length;
    for (const frame of [...unacknowledged, ...r.queue.splice(0)]) this.#transmit(frame);
  }

  // R21: the resumed socket's JOIN confirmation.
  #onResumed() {
    const r = this.#resume;
    // The server always acknowledges first; if it did not, take everything as received rather
    // than relay it twice, and send the queue.
    if (!r.acked) this.#onResumeAck(this.#sentCount);
    clearTimeout(r.timer);
    clearTimeout(r.graceTimer);
    this.#resume = null;
    this.#emit('resumed', { lobby: this.lobby, peerId: this.peerId, attempts: r.attempt, resent: r.resent });
  }

  // The session is over: R15's unexpected close, close(), or a resume that failed (R21).
  #end(code, reason) {
    const r = this.#resume;
    if (r) {
      clearTimeout(r.timer);
      clearTimeout(r.graceTimer);
      this.#resume = null;
    }
    const socket = this.#socket;
    this.#socket = null; // its events are ignored from now on
    socket?.close(1000, 'bye');
    clearInterval(this.#keepAlive);
    this.#keepAlive = null;
    globalThis.removeEventListener?.('pagehide', this.#pageHide);
    this.#sentLog = []; // the count is reset by the next session's join (R21)
    this.#joined?.reject(new Error(`signaling closed (${code}) before joining`));
    this.#joined = null;
    // R15: after SEAL the peers keep playing; otherwise the session is over.
    if (!this.sealed) {
      for (const peerId of [...this.#peers.keys()]) this.#removePeer(peerId);
    }
    this.#emit('disconnected', { code, reason, sealed: this.sealed });
  }
}
