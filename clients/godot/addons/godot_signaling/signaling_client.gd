class_name SignalingClient
extends Node
## WebRTC multiplayer through a signaling server that speaks the protocol of Godot 4's
## webrtc_signaling demo (see docs/PROTOCOL.md of the project).
##
## Add it to a scene, call [method join_lobby], and the peers of the lobby become the
## [member Node.multiplayer] peers of the scene tree: RPCs and MultiplayerSynchronizer work as
## with any other MultiplayerPeer. The rules below (R1..R17) are the same, in the same order,
## as the project's web client (clients/web/godot-signaling.js).

## Emitted on the server's JOIN confirmation: the lobby exists and this peer is in it.
signal lobby_joined(lobby: String, peer_id: int, mesh: bool)
## A peer of the lobby was introduced; its WebRTC connection is being negotiated.
## Game code usually waits for [signal MultiplayerAPI.peer_connected] instead.
signal peer_connected(id: int)
## A peer left the lobby before it was sealed.
signal peer_disconnected(id: int)
## The host sealed the lobby: no one else may join, the signaling socket closes soon.
signal lobby_sealed()
## The server refused something (extension frame; the socket closes right after), or the
## connection itself ([constant CONNECT_FAILED]).
signal signaling_error(reason: String)
## The signaling socket is closed. The game goes on only if the lobby was sealed.
signal disconnected(code: int, reason: String)

enum Message {
	JOIN = 0,
	ID = 1,
	PEER_CONNECT = 2,
	PEER_DISCONNECT = 3,
	OFFER = 4,
	ANSWER = 5,
	CANDIDATE = 6,
	SEAL = 7,
	ERROR = 100, # Extension: id 4000, data = reason; the server closes the socket next.
	ICE_SERVERS = 101, # Extension: data = JSON {"iceServers": [...]}, sent right after ID.
}

## The frame API Gateway answers itself: it resets the 10-minute idle timeout.
const KEEPALIVE_FRAME := '{"action":"ping"}'
## What [signal signaling_error] says when the socket closed before it ever opened: the server
## refused the connection (a missing or expired [member token]) or could not be reached. Browsers
## do not tell web builds which it was.
const CONNECT_FAILED := "Could not connect (refused or unreachable)"

## ws:// or wss:// URL of the signaling service (wss:// is required from HTTPS pages).
@export var url: String = "ws://localhost:9080"
## Sent as the `token` query parameter when not empty (web builds cannot set headers).
@export var token: String = ""
## Used for the peers created until the server sends its own list (ICE_SERVERS).
@export var ice_servers: Array = [{"urls": ["stun:stun.l.google.com:19302"]}]
## "all", or "relay" to use TURN relays only (hides players' addresses from each other).
## Web builds pass it to the browser; native builds depend on the webrtc-native GDExtension.
@export_enum("all", "relay") var ice_transport_policy: String = "all"
## Period of the keep-alive frame; 0 disables it.
@export var keepalive_seconds: float = 300.0
## Make the WebRTC peer the scene tree's multiplayer peer as soon as the server gives an id.
@export var auto_set_multiplayer_peer: bool = true

var _ws: WebSocketPeer = null
var _rtc_mp: WebRTCMultiplayerPeer = null
var _requested_lobby: String = ""
var _requested_mesh: bool = true
var _join_sent: bool = false
var _since_keepalive: float = 0.0
var _peer_id: int = 0
var _lobby: String = ""
var _mesh: bool = true
var _sealed: bool = false
var _remote_set: Dictionary = {} # peer id -> true once its remote description is set
var _held_candidates: Dictionary = {} # peer id -> Array of [mid, index, name]


## Connects and creates a lobby (empty name) or joins the named one.
## [param mesh] only matters when creating: true for a mesh, false for client/server.
func join_lobby(lobby: String = "", mesh: bool = true) -> Error:
	close()
	_reset()
	_requested_lobby = lobby
	_requested_mesh = mesh
	_ws = WebSocketPeer.new()
	var err := _ws.connect_to_url(_connect_url())
	if err != OK:
		_ws = null
	return err


## Host only: every peer is told, later joins are refused, the signaling closes soon after.
func seal_lobby() -> Error:
	if _peer_id != 1:
		push_warning("SignalingClient: only the host (peer 1) can seal the lobby")
		return ERR_UNAUTHORIZED
	return _send(Message.SEAL, 0, "")


## Leaves: closes the signaling socket and the WebRTC peer, sealed or not.
## [signal disconnected] follows once the socket is closed.
func close() -> void:
	if _ws != null and _ws.get_ready_state() != WebSocketPeer.STATE_CLOSED:
		_ws.close(1000, "leaving")
	_end_game()


func get_peer_id() -> int:
	return _peer_id


func get_lobby() -> String:
	return _lobby


func is_sealed() -> bool:
	return _sealed


func is_mesh() -> bool:
	return _mesh


## The WebRTC multiplayer peer (null before the server gave an id), for games that set
## [member auto_set_multiplayer_peer] to false and assign it themselves.
func get_rtc_peer() -> WebRTCMultiplayerPeer:
	return _rtc_mp


func _process(delta: float) -> void:
	_poll_socket(delta)
	# SceneMultiplayer polls its own peer; poll ours only when nobody else does.
	if _rtc_mp != null and multiplayer.multiplayer_peer != _rtc_mp:
		_rtc_mp.poll()


func _poll_socket(delta: float) -> void:
	# A signal handler may close or replace the socket: stop as soon as _ws changes.
	var ws := _ws
	if ws == null:
		return
	ws.poll()
	var state := ws.get_ready_state()
	# R2: JOIN as soon as the socket is open (id 0: mesh, 1: client/server).
	if state == WebSocketPeer.STATE_OPEN and not _join_sent:
		_join_sent = true
		_send(Message.JOIN, 0 if _requested_mesh else 1, _requested_lobby)
	# Drain in any state: a web build may still hold frames that arrived before the close.
	while ws.get_available_packet_count() > 0:
		_handle_frame(ws.get_packet().get_string_from_utf8())
		if _ws != ws:
			return
	# R16: a frame every keepalive_seconds keeps API Gateway from dropping an idle socket.
	if state == WebSocketPeer.STATE_OPEN and keepalive_seconds > 0.0:
		_since_keepalive += delta
		if _since_keepalive >= keepalive_seconds:
			_since_keepalive = 0.0
			ws.send_text(KEEPALIVE_FRAME)
	if state == WebSocketPeer.STATE_CLOSED:
		_ws = null
		_on_socket_closed(ws.get_close_code(), ws.get_close_reason())


# R1: opt in to the extension frames; a token travels in the query string.
func _connect_url() -> String:
	var base := url.strip_edges()
	var params := PackedStringArray()
	var query_at := base.find("?")
	if query_at >= 0:
		if query_at + 1 < base.length():
			params.append(base.substr(query_at + 1))
		base = base.substr(0, query_at)
	# Godot's web WebSocketPeer refuses a query after a URL with no path ("ws://host:9080?ext=1"):
	# give it the root path, as browsers do for "ws://host:9080".
	var host_at := base.find("://")
	if host_at >= 0 and base.find("/", host_at + 3) < 0:
		base += "/"
	params.append("ext=1")
	if not token.is_empty():
		params.append("token=" + token.uri_encode())
	return base + "?" + "&".join(params)


func _send(type: int, id: int, data: String) -> Error:
	if _ws == null or _ws.get_ready_state() != WebSocketPeer.STATE_OPEN:
		return ERR_CONNECTION_ERROR
	return _ws.send_text(JSON.stringify({"type": type, "id": id, "data": data}))


func _handle_frame(text: String) -> void:
	var msg: Variant = JSON.parse_string(text)
	# R17: only {"type": number, "id": number, "data": string} is a protocol frame.
	if typeof(msg) != TYPE_DICTIONARY or not _is_number(msg.get("type")) \
			or not _is_number(msg.get("id")) or typeof(msg.get("data")) != TYPE_STRING:
		print_verbose("SignalingClient: ignoring frame %s" % text.left(200))
		return
	# JSON numbers come back as floats.
	var type := int(msg["type"])
	var id := int(msg["id"])
	var data: String = msg["data"]
	match type:
		Message.ID:
			_on_id(id, data)
		Message.ICE_SERVERS:
			_on_ice_servers(data)
		Message.PEER_CONNECT:
			_on_peer_connect(id)
		Message.OFFER:
			_on_description(id, "offer", data)
		Message.ANSWER:
			_on_description(id, "answer", data)
		Message.CANDIDATE:
			_on_candidate(id, data)
		Message.PEER_DISCONNECT:
			_on_peer_disconnect(id)
		Message.JOIN:
			# R12: the confirmation comes last, after ID and the PEER_CONNECTs.
			_lobby = data
			lobby_joined.emit(data, _peer_id, _mesh)
		Message.SEAL:
			# R13: from now on a closed socket does not end the game.
			_sealed = true
			lobby_sealed.emit()
		Message.ERROR:
			# R14: the server closes the socket right after (R15 follows).
			signaling_error.emit(data)
		_:
			# R17: unknown types are safe to ignore (future extensions).
			print_verbose("SignalingClient: ignoring message type %d" % type)


# R3: the id decides the role; "true" marks a mesh lobby.
func _on_id(id: int, data: String) -> void:
	_peer_id = id
	_mesh = data == "true"
	_rtc_mp = WebRTCMultiplayerPeer.new()
	if _mesh:
		_rtc_mp.create_mesh(id)
	elif id == 1:
		_rtc_mp.create_server()
	else:
		_rtc_mp.create_client(id)
	if auto_set_multiplayer_peer:
		multiplayer.multiplayer_peer = _rtc_mp


# R4: the server's STUN/TURN list replaces ours for the peers created afterwards.
func _on_ice_servers(data: String) -> void:
	var parsed: Variant = JSON.parse_string(data)
	if typeof(parsed) == TYPE_DICTIONARY and typeof(parsed.get("iceServers")) == TYPE_ARRAY:
		ice_servers = parsed["iceServers"]


# R5: one connection per introduced peer; the larger id offers, so the host (1) never does.
func _on_peer_connect(id: int) -> void:
	if _rtc_mp == null:
		return
	if _rtc_mp.has_peer(id):
		_forget_peer(id)
	var peer := WebRTCPeerConnection.new()
	var err := peer.initialize({"iceServers": ice_servers, "iceTransportPolicy": ice_transport_policy})
	if err != OK:
		push_error("SignalingClient: cannot create a WebRTC connection (%s); on native builds install the webrtc-native GDExtension" % error_string(err))
		return
	# Bind the id, not the connection: a connection holding a Callable to itself would leak.
	peer.session_description_created.connect(_on_session_description_created.bind(id))
	peer.ice_candidate_created.connect(_on_ice_candidate_created.bind(id))
	err = _rtc_mp.add_peer(peer, id)
	if err != OK:
		push_error("SignalingClient: cannot add peer %d (%s)" % [id, error_string(err)])
		return
	peer_connected.emit(id)
	if id < _peer_id:
		peer.create_offer()


# R6: always set the local description (required on web, harmless on native), then send it.
func _on_session_description_created(type: String, sdp: String, id: int) -> void:
	var peer := _connection(id)
	if peer == null:
		return
	peer.set_local_description(type, sdp)
	_send(Message.OFFER if type == "offer" else Message.ANSWER, id, sdp)


# R7: candidates travel as "\n<mid>\n<index>\n<candidate>".
func _on_ice_candidate_created(mid: String, index: int, candidate: String, id: int) -> void:
	_send(Message.CANDIDATE, id, "\n%s\n%d\n%s" % [mid, index, candidate])


# R8 (offer: Godot then creates the answer, R6) and R9 (answer): set the remote
# description, then release the candidates that arrived before it.
func _on_description(id: int, type: String, sdp: String) -> void:
	var peer := _connection(id)
	if peer == null:
		return
	peer.set_remote_description(type, sdp)
	_remote_set[id] = true
	var held: Array = _held_candidates.get(id, [])
	_held_candidates.erase(id)
	for c: Array in held:
		peer.add_ice_candidate(c[0], c[1], c[2])


# R10: a candidate added before its description would be rejected and lost: hold it.
func _on_candidate(id: int, data: String) -> void:
	var parts := data.split("\n", false)
	if parts.size() != 3 or not parts[1].is_valid_int():
		return
	var peer := _connection(id)
	if peer == null:
		return
	var candidate := [parts[0], parts[1].to_int(), parts[2]]
	if not _remote_set.get(id, false):
		if not _held_candidates.has(id):
			_held_candidates[id] = []
		_held_candidates[id].append(candidate)
		return
	peer.add_ice_candidate(candidate[0], candidate[1], candidate[2])


# R11: a peer left the (unsealed) lobby.
func _on_peer_disconnect(id: int) -> void:
	_forget_peer(id)
	peer_disconnected.emit(id)


# R15: the signaling is over; without a seal, so is the game. A socket that never opened was
# refused or unreachable: that is an error too (R14).
func _on_socket_closed(code: int, reason: String) -> void:
	if not _join_sent:
		signaling_error.emit(CONNECT_FAILED)
	if not _sealed:
		_end_game()
	disconnected.emit(code, reason)


func _is_number(value: Variant) -> bool:
	return typeof(value) == TYPE_INT or typeof(value) == TYPE_FLOAT


func _connection(id: int) -> WebRTCPeerConnection:
	if _rtc_mp == null or not _rtc_mp.has_peer(id):
		print_verbose("SignalingClient: no connection for peer %d" % id)
		return null
	return _rtc_mp.get_peer(id)["connection"]


func _forget_peer(id: int) -> void:
	if _rtc_mp != null and _rtc_mp.has_peer(id):
		_rtc_mp.remove_peer(id)
	_remote_set.erase(id)
	_held_candidates.erase(id)


func _end_game() -> void:
	if _rtc_mp == null:
		return
	if multiplayer.multiplayer_peer == _rtc_mp:
		multiplayer.multiplayer_peer = null
	_rtc_mp.close()
	_rtc_mp = null
	_remote_set.clear()
	_held_candidates.clear()


func _reset() -> void:
	_ws = null
	_join_sent = false
	_since_keepalive = 0.0
	_peer_id = 0
	_lobby = ""
	_mesh = true
	_sealed = false
