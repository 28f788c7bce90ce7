// The lobby console: a small UI over GodotSignalingClient.
//
// Tests drive the page through these ids; keep them stable:
//   #url, #game                 the signaling URL and the game id ("default")
//   #create-mesh, #create-cs    create a lobby; #lobby-input + #join join one by name
//   #refresh-lobbies            list the game's public lobbies into #lobby-list: one
//                               <tr data-lobby="<name>"> per lobby, with a button.join in it;
//                               #lobbies-status says how many (or the error), #more-lobbies pages on
//   #match-max-peers, #quick-match   quick match into a lobby of that many players
//   #lobby-card                 shown once in a lobby: #lobby-name, #my-id, #role, #mode,
//                               #lobby-data (the latest LOBBY_DATA as JSON, empty until one came),
//                               #make-public (host's checkbox: setLobbyData({public})), #seal, #leave
//   #peers (li[data-peer]), #chat, #chat-input, #send, #log, #status
//   #signaling-state            the signaling socket's state, one word: connecting, joined,
//                               resuming (the socket dropped and is being reopened: R21),
//                               resumed, closed
// Query parameters: url=<ws url>, game=<id>, lobbies=<list URL> (on AWS the stack's LobbiesUrl;
// by default derived from the signaling URL).
import { GodotSignalingClient, Channel, listLobbies } from './godot-signaling.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const LOBBIES_URL = params.get('lobbies') ?? undefined;
let client = null;
let lobbiesCursor;
const peerStates = new Map();

$('url').value = params.get('url')
  ?? `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}`;
$('game').value = params.get('game') ?? 'default';

function log(text, kind = '') {
  const li = document.createElement('li');
  li.className = kind;
  li.innerHTML = `<time>${new Date().toLocaleTimeString()}</time> `;
  li.append(text);
  $('log').prepend(li);
}

function chat(from, text, mine = false) {
  const li = document.createElement('li');
  li.className = mine ? 'mine' : '';
  const who = document.createElement('b');
  who.textContent = mine ? 'you' : `peer ${from}`;
  li.append(who, ' ', text);
  $('chat').append(li);
  $('chat').scrollTop = $('chat').scrollHeight;
}

function setStatus(text, kind) {
  $('status').textContent = text;
  $('status').className = `pill ${kind}`;
}

// Only the current client's events change it: a client left behind still reports its close.
function setSignalingState(from, state) {
  if (from !== client) return;
  $('signaling-state').textContent = state;
  $('signaling-state').dataset.state = state;
}

function renderPeers() {
  const list = $('peers');
  list.replaceChildren();
  if (peerStates.size === 0) {
    list.innerHTML = '<li class="muted empty">Nobody else yet — share the lobby name.</li>';
    return;
  }
  for (const [peerId, state] of [...peerStates.entries()].sort((a, b) => a[0] - b[0])) {
    const li = document.createElement('li');
    li.dataset.peer = peerId;
    li.innerHTML = `<span>peer <b>${peerId}</b>${peerId === 1 ? ' <span class="tag">host</span>' : ''}</span>`;
    const badge = document.createElement('span');
    badge.className = `state ${state}`;
    badge.textContent = state;
    li.append(badge);
    list.append(li);
  }
  const open = [...peerStates.values()].some((s) => s === 'connected');
  $('chat-input').disabled = !open;
  $('send').disabled = !open;
}

function showLobbyData(data) {
  $('lobby-data').textContent = data ? JSON.stringify(data) : '';
  $('make-public').checked = data?.public === true;
}

function game() {
  return $('game').value.trim();
}

// connect(client) is join(…) or quickMatch(…): both end in the same JOIN confirmation.
async function start(connect) {
  client?.close();
  peerStates.clear();
  $('chat').replaceChildren();
  showLobbyData(null);
  $('make-public').disabled = true;
  const me = new GodotSignalingClient($('url').value.trim(), {
    game: game() || undefined,
    lobbiesUrl: LOBBIES_URL,
  });
  client = me;
  setSignalingState(me, 'connecting');
  client.addEventListener('lobby-joined', () => setSignalingState(me, 'joined'));
  // R21: a dropped signaling socket is reopened; the peers and the chat stay up meanwhile.
  client.addEventListener('resuming', (e) => {
    setSignalingState(me, 'resuming');
    if (me !== client) return;
    log(`signaling dropped (${e.detail.code}); resuming for up to ${e.detail.grace} s — data channels stay up`, 'bad');
    setStatus('resuming…', 'busy');
  });
  client.addEventListener('resumed', (e) => {
    setSignalingState(me, 'resumed');
    if (me !== client) return;
    log(`signaling resumed as peer ${e.detail.peerId} (attempt ${e.detail.attempts}, ${e.detail.resent} frame(s) sent again)`, 'good');
    setStatus(me.sealed ? 'sealed' : `in lobby as peer ${e.detail.peerId}`, me.sealed ? 'sealed' : 'good');
  });
  client.addEventListener('peer-connected', (e) => {
    peerStates.set(e.detail.peerId, 'new');
    log(`peer ${e.detail.peerId} is in the lobby; connecting…`);
    renderPeers();
  });
  client.addEventListener('peer-state', (e) => {
    if (!peerStates.has(e.detail.peerId)) return;
    peerStates.set(e.detail.peerId, e.detail.state);
    renderPeers();
  });
  client.addEventListener('peer-open', (e) => {
    peerStates.set(e.detail.peerId, 'connected');
    log(`data channels to peer ${e.detail.peerId} are open`, 'good');
    renderPeers();
  });
  client.addEventListener('peer-disconnected', (e) => {
    peerStates.delete(e.detail.peerId);
    log(`peer ${e.detail.peerId} left`);
    renderPeers();
  });
  client.addEventListener('message', (e) => {
    if (e.detail.channel === Channel.RELIABLE) chat(e.detail.peerId, String(e.detail.data));
  });
  client.addEventListener('sealed', () => {
    log('lobby sealed: no more joins; signaling closes soon, peers stay connected', 'good');
    $('seal').disabled = true;
    $('make-public').disabled = true;
    setStatus('sealed', 'sealed');
  });
  client.addEventListener('lobbydata', (e) => {
    showLobbyData(e.detail.data);
    log(`lobby data: ${JSON.stringify(e.detail.data)}`);
  });
  // A refused request changes nothing on the server: show what it still holds.
  client.addEventListener('request-refused', (e) => {
    log(`refused: ${e.detail.reason}`, 'bad');
    showLobbyData(client.lobbyData);
  });
  client.addEventListener('error', (e) => log(`error: ${e.detail.reason}`, 'bad'));
  client.addEventListener('disconnected', (e) => {
    setSignalingState(me, 'closed');
    log(`signaling closed (${e.detail.code})${e.detail.sealed ? ' after seal — data channels stay up' : ''}`,
      e.detail.sealed ? '' : 'bad');
    if (me !== client) return; // a client left behind by a new start(): the page shows the new one
    $('make-public').disabled = true;
    if (!e.detail.sealed) {
      setStatus('disconnected', 'bad');
      peerStates.clear();
      renderPeers();
    }
  });
  setStatus('connecting…', 'busy');
  try {
    const joined = await connect(client);
    $('lobby-card').hidden = false;
    $('lobby-name').textContent = joined.lobby;
    $('my-id').textContent = joined.peerId;
    $('role').textContent = joined.peerId === 1 ? 'host' : 'guest';
    $('mode').textContent = joined.mesh ? 'mesh (every peer connects to every peer)' : 'client/server (clients connect to the host)';
    $('seal').disabled = joined.peerId !== 1;
    $('make-public').disabled = joined.peerId !== 1;
    $('lobby-input').value = joined.lobby;
    setStatus(`in lobby as peer ${joined.peerId}`, 'good');
    log(`joined lobby ${joined.lobby} as peer ${joined.peerId}`, 'good');
  } catch (e) {
    setStatus('refused', 'bad');
    log(e.message, 'bad');
  }
}

function joinLobby(name) {
  $('lobby-input').value = name;
  start((c) => c.join(name, true));
}

function lobbyRow(lobby) {
  const row = document.createElement('tr');
  row.dataset.lobby = lobby.name;
  const data = Object.entries(lobby.data ?? {}).map(([key, value]) => `${key}=${value}`).join(', ');
  const mode = lobby.mesh ? 'mesh' : 'client/server';
  // Names and data come from other players: text only, never HTML.
  for (const text of [lobby.name, `${lobby.peers}/${lobby.maxPeers}`, mode, data]) {
    const cell = document.createElement('td');
    cell.textContent = text;
    row.append(cell);
  }
  const join = document.createElement('button');
  join.className = 'join small';
  join.textContent = 'Join';
  join.onclick = () => joinLobby(lobby.name);
  const cell = document.createElement('td');
  cell.append(join);
  row.append(cell);
  return row;
}

// Lists before connecting, so with the standalone listLobbies; more: the next page.
async function refreshLobbies(more) {
  const list = $('lobby-list');
  $('lobbies-status').textContent = 'listing…';
  try {
    const url = $('url').value.trim();
    const token = new URL(url).searchParams.get('token') ?? undefined;
    const cursor = more ? lobbiesCursor : undefined;
    const page = await listLobbies(LOBBIES_URL ?? url, game(), {}, { cursor, token });
    lobbiesCursor = page.cursor;
    if (!more) list.replaceChildren();
    list.querySelector('.empty')?.remove();
    page.lobbies.forEach((lobby) => list.append(lobbyRow(lobby)));
    const count = list.querySelectorAll('[data-lobby]').length;
    if (count === 0) {
      list.innerHTML = '<tr class="empty"><td colspan="5" class="muted">No public lobby in this game yet: create one and make it public, or quick match.</td></tr>';
    }
    $('lobbies-status').textContent = `${count} public ${count === 1 ? 'lobby' : 'lobbies'}`;
    $('more-lobbies').hidden = !lobbiesCursor;
  } catch (e) {
    $('lobbies-status').textContent = `cannot list: ${e.message}`;
    log(`cannot list lobbies: ${e.message}`, 'bad');
  }
}

$('create-mesh').onclick = () => start((c) => c.join('', true));
$('create-cs').onclick = () => start((c) => c.join('', false));
$('join').onclick = () => {
  const name = $('lobby-input').value.trim();
  if (name) joinLobby(name);
};
$('refresh-lobbies').onclick = () => refreshLobbies(false);
$('more-lobbies').onclick = () => refreshLobbies(true);
$('quick-match').onclick = () => {
  const maxPeers = Number($('match-max-peers').value) || undefined;
  log(`quick match in game ${game() || 'default'}${maxPeers ? ` for ${maxPeers} players` : ''}…`);
  start((c) => c.quickMatch({ maxPeers }));
};
$('make-public').onchange = () => client?.setLobbyData({ public: $('make-public').checked });
$('seal').onclick = () => client?.seal();
$('leave').onclick = () => {
  client?.close();
  setSignalingState(client, 'closed');
  $('lobby-card').hidden = true;
  setStatus('not connected', 'idle');
};
$('copy').onclick = () => navigator.clipboard?.writeText($('lobby-name').textContent);
$('chat-form').onsubmit = (event) => {
  event.preventDefault();
  const text = $('chat-input').value.trim();
  if (!text || !client) return;
  const sent = client.broadcast(text, Channel.RELIABLE);
  chat(client.peerId, text, true);
  if (sent === 0) log('nobody to send to yet', 'bad');
  $('chat-input').value = '';
};

// For automated tests and the curious: the live client.
window.lobbyConsole = { get client() { return client; } };
