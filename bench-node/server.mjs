// An in-memory server of Godot's WebRTC signaling demo protocol (one process, no storage): the
// baseline the local gateway's relay latency is compared with (`./bench`). Written for that
// comparison only: lobbies, ids, relay, seal; no limits, no persistence.
//   node server.mjs [port]
import { WebSocketServer } from 'ws';

const port = Number(process.argv[2] ?? 9090);
const lobbies = new Map(); // name -> { mesh, sealed, peers: Map<id, ws> }
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const name = () => Array.from({ length: 20 }, () => ALNUM[Math.floor(Math.random() * ALNUM.length)]).join('');
const send = (ws, type, id, data = '') => ws.readyState === 1 && ws.send(JSON.stringify({ type, id, data }));

new WebSocketServer({ port, host: '127.0.0.1' }).on('connection', (ws) => {
  ws.on('message', (raw) => {
    let msg;
    try { msg = JSON.parse(raw); } catch { return ws.close(4000, 'Invalid message format'); }
    const { type, id, data } = msg;
    if (type === 0) {
      let lobbyName = data;
      if (lobbyName === '') {
        lobbyName = name();
        lobbies.set(lobbyName, { mesh: id === 0, sealed: false, peers: new Map() });
      }
      const lobby = lobbies.get(lobbyName);
      if (!lobby) return ws.close(4000, 'Lobby does not exists');
      if (lobby.sealed) return ws.close(4000, 'Lobby is sealed');
      const peerId = lobby.peers.size === 0 ? 1 : 2 + Math.floor(Math.random() * 2147483645);
      ws.lobby = lobbyName;
      ws.peerId = peerId;
      send(ws, 1, peerId, lobby.mesh ? 'true' : '');
      for (const [otherId, other] of lobby.peers) {
        if (lobby.mesh || otherId === 1) {
          send(other, 2, peerId);
          send(ws, 2, otherId);
        }
      }
      lobby.peers.set(peerId, ws);
      send(ws, 0, 0, lobbyName);
      return;
    }
    const lobby = lobbies.get(ws.lobby);
    if (!lobby) return ws.close(4000, 'Have not joined lobby yet');
    if (type === 7) {
      lobby.sealed = true;
      for (const p of lobby.peers.values()) send(p, 7, 0);
      setTimeout(() => { for (const p of lobby.peers.values()) p.close(1000); }, 10000);
      return;
    }
    if (type >= 4 && type <= 6) {
      const dest = lobby.peers.get(id);
      if (!dest) return ws.close(4000, 'Invalid destination');
      send(dest, type, ws.peerId, data);
    }
  });
  ws.on('close', () => {
    const lobby = lobbies.get(ws.lobby);
    if (!lobby) return;
    lobby.peers.delete(ws.peerId);
    if (ws.peerId === 1) {
      for (const p of lobby.peers.values()) p.close(4000, 'Room host has disconnected');
      lobbies.delete(ws.lobby);
    } else if (!lobby.sealed) {
      for (const p of lobby.peers.values()) send(p, 3, ws.peerId);
    }
  });
});
console.log(`reference Node.js signaling server on ws://127.0.0.1:${port}`);
