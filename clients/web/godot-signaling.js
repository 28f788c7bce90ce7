// Godot WebRTC signaling client for the browser: speaks the protocol of Godot 4's
// webrtc_signaling demo (docs/PROTOCOL.md) and manages one RTCPeerConnection per peer with
// Godot's data channel layout, so a browser page can play with native and web Godot peers.
// No dependencies; an ES module.
//
// The Godot addon (clients/godot/addons/godot_signaling/signaling_client.gd) follows the same
// rules, R1..R20, in the same order.

export const MessageType = Object.freeze({
  JOIN: 0, ID: 1, PEER_CONNECT: 2, PEER_DISCONNECT: 3, OFFER: 4, ANSWER: 5, CANDIDATE: 6, SEAL: 7,
  ERROR: 100,       // extension: data = reason; id 4000: the server closes the socket next,
                    // id 0: a request was refused and the socket stays open
  ICE_SERVERS: 101, // extension: data = JSON {"iceServers":[...]}, sent right after ID
  LOBBY_DATA: 102,  // extension: data = JSON object; host → server sets it, server → peers tells it
  MATCH: 103,       // extension: data = JSON object; sent instead of JOIN (quick match)
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
 */
export class GodotSignalingClient extends EventTarget {
  #url;
  #options;
  #socket = null;
  #keepAlive = null;
  #iceServers;
  #peers = new Map(); // peerId -> { pc, channels: Map<id, RTCDataChannel>, remoteSet, pending: [] }
  #joined = null;     // { resolve, reject } while join() or quickMatch() waits for the JOIN confirmation
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
   */
  constructor(url, options = {}) {
    super();
    this.#url = url;
    this.#options = { iceTransportPolicy: 'all', keepAliveMs: 5 * 60 * 1000, ...options };
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

  #connect(type, id, data) {
    if (this.#socket) throw new Error('already connected');
    this.lobbyData = null;
    return new Promise((resolve, reject) => {
      this.#joined = { resolve, reject };
      // R1: opt in to extension frames; the game and a token travel in the query string.
      const url = new URL(this.#url);
      url.searchParams.set('ext', '1');
      if (this.#options.game && !url.searchParams.has('game')) url.searchParams.set('game', this.#options.game);
      if (this.#options.token) url.searchParams.set('token', this.#options.token);
      const socket = new WebSocket(url);
      this.#socket = socket;
      socket.onopen = () => {
        // R2: the first frame (JOIN, or MATCH: R18) as soon as the socket is open.
        this.#send(type, id, data);
        // R16: keep the socket alive with a frame API Gateway answers itself.
        this.#keepAlive = setInterval(() => socket.send(KEEPALIVE_FRAME), this.#options.keepAliveMs);
      };
      socket.onmessage = (event) => this.#onFrame(event.data);
      socket.onclose = (event) => this.#onClose(event.code, event.reason);
      socket.onerror = () => {}; // onclose follows with the details
    });
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

  /** Leaves: closes the signaling socket and every peer connection. */
  close() {
    this.#socket?.close(1000, 'bye');
    for (const peerId of [...this.#peers.keys()]) this.#removePeer(peerId);
  }

  #send(type, id, data) {
    if (this.#socket?.readyState === WebSocket.OPEN) {
      this.#socket.send(JSON.stringify({ type, id, data }));
    }
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
        this.#emit('lobby-joined', { lobby: data, peerId: this.peerId, mesh: this.mesh });
        this.#joined?.resolve({ lobby: data, peerId: this.peerId, mesh: this.mesh });
        this.#joined = null;
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
    clearInterval(this.#keepAlive);
    this.#socket = null;
    this.#joined?.reject(new Error(`signaling closed (${code}) before joining`));
    this.#joined = null;
    // R15: after SEAL the peers keep playing; otherwise the session is over.
    if (!this.sealed) {
      for (const peerId of [...this.#peers.keys()]) this.#removePeer(peerId);
    }
    this.#emit('disconnected', { code, reason, sealed: this.sealed });
  }
}
