// The lobby console: a small UI over GodotSignalingClient.
import { GodotSignalingClient, Channel } from './godot-signaling.js';

const $ = (id) => document.getElementById(id);
let client = null;
const peerStates = new Map();

$('url').value = new URLSearchParams(location.search).get('url')
  ?? `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}`;

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

async function start(lobby, mesh) {
  client?.close();
  peerStates.clear();
  $('chat').replaceChildren();
  client = new GodotSignalingClient($('url').value.trim());
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
    setStatus('sealed', 'sealed');
  });
  client.addEventListener('error', (e) => log(`error: ${e.detail.reason}`, 'bad'));
  client.addEventListener('disconnected', (e) => {
    log(`signaling closed (${e.detail.code})${e.detail.sealed ? ' after seal — data channels stay up' : ''}`,
      e.detail.sealed ? '' : 'bad');
    if (!e.detail.sealed) {
      setStatus('disconnected', 'bad');
      peerStates.clear();
      renderPeers();
    }
  });
  setStatus('connecting…', 'busy');
  try {
    const joined = await client.join(lobby, mesh);
    $('lobby-card').hidden = false;
    $('lobby-name').textContent = joined.lobby;
    $('my-id').textContent = joined.peerId;
    $('role').textContent = joined.peerId === 1 ? 'host' : 'guest';
    $('mode').textContent = joined.mesh ? 'mesh (every peer connects to every peer)' : 'client/server (clients connect to the host)';
    $('seal').disabled = joined.peerId !== 1;
    $('lobby-input').value = joined.lobby;
    setStatus(`in lobby as peer ${joined.peerId}`, 'good');
    log(`joined lobby ${joined.lobby} as peer ${joined.peerId}`, 'good');
  } catch (e) {
    setStatus('refused', 'bad');
    log(e.message, 'bad');
  }
}

$('create-mesh').onclick = () => start('', true);
$('create-cs').onclick = () => start('', false);
$('join').onclick = () => {
  const name = $('lobby-input').value.trim();
  if (name) start(name, true);
};
$('seal').onclick = () => client?.seal();
$('leave').onclick = () => {
  client?.close();
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
