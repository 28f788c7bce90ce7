class_name SignalingClient
extends Node
## WebRTC multiplayer through a signaling server that speaks the protocol of Godot 4's
## webrtc_signaling demo (see docs/PROTOCOL.md of the project).
##
## Add it to a scene, call [method join_lobby], and the peers of the lobby become the
## [member Node.multiplayer] peers of the scene tree: RPCs and MultiplayerSynchronizer work as
## with any other MultiplayerPeer. [method quick_match] joins or opens a public lobby instead, and
## [method list_lobbies] lists the public ones before connecting. A signaling socket that drops
## is resumed within [member resume_grace] while the game goes on over WebRTC: frames are counted
## over all the sockets of a session, and those the server says it has not received are sent
## again. The rules below (R1..R21) are the same, in the same order, as the project's web client
## (clients/web/godot-signaling.js).

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
## The server refused a request ([method set_lobby_data]) and changed nothing: the connection
## stays open.
signal request_refused(reason: String)
## The lobby's data, as the server sent it: {"public", "maxPeers", "mesh", "data", "peers"}. It
## comes after the JOIN confirmation when the lobby's data was ever set (always after
## [method quick_match]), and each time the host changes it.
signal lobby_data_changed(data: Dictionary)
## [method list_lobbies] answered: one page of public lobbies, each {"name", "peers", "maxPeers",
## "mesh", "data", "createdAt"}, oldest first; [param cursor] is empty on the last page.
signal lobbies_listed(lobbies: Array, cursor: String)
## [method list_lobbies] failed: the server's reason, or why the request did not complete.
signal lobby_list_failed(reason: String)
## The signaling socket dropped (close [param code], not 1000) and the client is resuming it
## (R21): the WebRTC peers and the game go on; frames sent meanwhile wait for the new socket.
## [signal resumed] follows, or [signal disconnected] once [member resume_grace] is over.
signal resuming(code: int)
## The signaling is back after [signal resuming]: same lobby, same peer id, same WebRTC peers
## (the server's JOIN confirmation of the resumed socket; [signal lobby_joined] is not emitted again).
signal resumed()
## The signaling socket is closed for good (not being resumed, R21). The game goes on only if the
## lobby was sealed.
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
	ERROR = 100, # Extension: data = reason; id 4000: the server closes the socket next, 0: it stays open.
	ICE_SERVERS = 101, # Extension: data = JSON {"iceServers": [...]}, sent right after ID.
	LOBBY_DATA = 102, # Extension: data = JSON object; the host sets it, the server tells every peer.
	MATCH = 103, # Extension: data = JSON object; sent instead of JOIN (quick match).
	RESUME = 104, # Extension: data = the token that resumes this peer's socket; "received": N acknowledges a resume (N: the frames the server got from this peer in all, over all its sockets).
}

## The frame API Gateway answers itself: it resets the 10-minute idle timeout.
const KEEPALIVE_FRAME := '{"action":"ping"}'
## What [signal signaling_error] says when the socket closed before it ever opened: the server
## refused the connection (a missing or expired [member token]) or could not be reached. Browsers
## do not tell web builds which it was.
const CONNECT_FAILED := "Could not connect (refused or unreachable)"
## Wait before the first attempt to resume a dropped socket (R21); it doubles after each failure.
const RESUME_FIRST_DELAY := 0.25

## ws:// or wss:// URL of the signaling service (wss:// is required from HTTPS pages).
@export var url: String = "ws://localhost:9080"
## Sent as the `token` query parameter when not empty (web builds cannot set headers).
@export var token: String = ""
## Sent as the `game` query parameter: lobby names, lists and quick match are per game. A `game`
## already in [member url]'s query wins.
@export var game: String = "default"
## URL of the public lobby list ([method list_lobbies]); on AWS the stack's LobbiesUrl. Empty: the
## host and port of [member url] over http(s), path /lobbies.
@export var lobbies_url: String = ""
## Used for the peers created until the server sends its own list (ICE_SERVERS).
@export var ice_servers: Array = [{"urls": ["stun:stun.l.google.com:19302"]}]
## "all", or "relay" to use TURN relays only (hides players' addresses from each other).
## Web builds pass it to the browser; native builds depend on the webrtc-native GDExtension.
@export_enum("all", "relay") var ice_transport_policy: String = "all"
## Period of the keep-alive frame; 0 disables it.
@export var keepalive_seconds: float = 300.0
## Make the WebRTC peer the scene tree's multiplayer peer as soon as the server gives an id.
@export var auto_set_multiplayer_peer: bool = true
## Seconds, counted from a drop, during which a dropped signaling socket is resumed (R21); the
## server keeps the peer as long (20 s by default). 0 disables resuming: a drop ends the session.
@export var resume_grace: float = 20.0

var _ws: WebSocketPeer = null
var _rtc_mp: WebRTCMultiplayerPeer = null
var _http: HTTPRequest = null # created by the first list_lobbies()
var _first_frame: Array = [] # [type, id, data]: the JOIN or MATCH sent once the socket opens
var _join_sent: bool = false
var _since_keepalive: float = 0.0
var _peer_id: int = 0
var _lobby: String = ""
var _mesh: bool = true
var _sealed: bool = false
var _lobby_data: Dictionary = {}
var _remote_set: Dictionary = {} # peer id -> true once its remote description is set
var _held_candidates: Dictionary = {} # peer id -> Array of [mid, index, name]
# R21: resuming a dropped socket. Packed arrays are shared by reference: always assign new ones.
var _socket_url: String = "" # the URL (and query) of the session's first socket
var _resume_token: String = "" # the latest RESUME token; empty: nothing to resume
var _sent_count: int = 0 # protocol frames sent since the session's first socket opened, over all its sockets
var _sent_log := PackedStringArray() # the frames not acknowledged yet: the last _sent_log.size() of those counted
var _queue := PackedStringArray() # frames produced while resuming, sent after the unacknowledged ones
var _resuming: bool = false
var _resume_acked: bool = false # the resumed socket's RESUME "received" came (frames go out again)
var _resume_started_at: int = 0 # Time.get_ticks_msec() of the drop
var _next_attempt_at: int = 0
var _resume_delay: float = RESUME_FIRST_DELAY
var _drop_code: int = 0
var _drop_reason: String = ""
var _fatal_error: bool = false # an ERROR with id != 0 came: the server ended the session
var _left: bool = false # close() was called
var _left_while_waiting: bool = false # close() came between two attempts: disconnected is still due


## Connects and creates a lobby (empty name) or joins the named one.
## [param mesh] only matters when creating: true for a mesh, false for client/server.
func join_lobby(lobby: String = "", mesh: bool = true) -> Error:
	# R2: JOIN (id 0: mesh, 1: client/server).
	return _connect(Message.JOIN, 0 if mesh else 1, lobby)


## Connects and joins the oldest public lobby that fits, or creates one and becomes its host (R18).
## Every key of [param options] is optional: "maxPeers" (int), "mesh" (bool), "where" (the data
## the lobby must hold, a flat Dictionary) and "data" (added to a lobby it creates). Then
## everything happens as after [method join_lobby], followed by [signal lobby_data_changed].
func quick_match(options: Dictionary = {}) -> Error:
	return _connect(Message.MATCH, 0, JSON.stringify(_whole_numbers(options)))


## Host only, before the seal (R19): any of "public" (bool: listed and open to quick match),
## "maxPeers" (int) and "data" (a flat Dictionary of strings, numbers and booleans, replaced
## whole). Every peer then gets [signal lobby_data_changed]; a refusal comes as
## [signal request_refused].
func set_lobby_data(data: Dictionary) -> Error:
	return _send(Message.LOBBY_DATA, 0, JSON.stringify(_whole_numbers(data)))


## Lists one page of the public lobbies of [member game] over HTTP (R20), connected or not:
## [param filter] maps keys of the lobbies' data to the values they must hold (compared as text),
## [param cursor] is the one from the previous page. Answers with [signal lobbies_listed] or
## [signal lobby_list_failed]; ERR_BUSY while the previous list is on its way.
func list_lobbies(filter: Dictionary = {}, limit: int = 50, cursor: String = "") -> Error:
	if _http == null:
		_http = HTTPRequest.new()
		_http.timeout = 20.0
		_http.request_completed.connect(_on_lobbies_answered)
		add_child(_http)
	var params := PackedStringArray()
	for key: Variant in filter:
		params.append("%s=%s" % [str(key).uri_encode(), _query_text(filter[key]).uri_encode()])
	params.append("game=" + _game().uri_encode())
	params.append("limit=%d" % limit)
	if not cursor.is_empty():
		params.append("cursor=" + cursor.uri_encode())
	var auth := token if not token.is_empty() else _url_param("token")
	if not auth.is_empty():
		params.append("token=" + auth.uri_encode())
	var list_url := _lobbies_url()
	return _http.request(list_url + ("&" if list_url.contains("?") else "?") + "&".join(params))


## Host only: every peer is told, later joins are refused, the signaling closes soon after.
func seal_lobby() -> Error:
	if _peer_id != 1:
		push_warning("SignalingClient: only the host (peer 1) can seal the lobby")
		return ERR_UNAUTHORIZED
	return _send(Message.SEAL, 0, "")


## Leaves: closes the signaling socket (code 1000: the server does not keep the peer for a
## resume) and the WebRTC peer, sealed or not. [signal disconnected] follows once the socket is
## closed (on the next frame when it had dropped and was being resumed).
func close() -> void:
	_left = true
	if _resuming and _ws == null:
		_left_while_waiting = true
	_stop_resuming()
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


## True from [signal resuming] until [signal resumed] or [signal disconnected] (R21).
func is_resuming() -> bool:
	return _resuming


## The latest lobby data from the server (see [signal lobby_data_changed]); empty before any.
func get_lobby_data() -> Dictionary:
	return _lobby_data


## The WebRTC multiplayer peer (null before the server gave an id), for games that set
## [member auto_set_multiplayer_peer] to false and assign it themselves.
func get_rtc_peer() -> WebRTCMultiplayerPeer:
	return _rtc_mp


func _process(delta: float) -> void:
	_poll_socket(delta)
	_poll_resume()
	if _left_while_waiting:
		_left_while_waiting = false
		disconnected.emit(1000, "leaving")
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
	# R2: the first frame (JOIN, or MATCH: R18) as soon as the socket is open (never on a resumed
	# socket, R21: _join_sent stays true).
	if state == WebSocketPeer.STATE_OPEN and not _join_sent:
		_join_sent = true
		_send(_first_frame[0], _first_frame[1], _first_frame[2])
	# Drain in any state: a web build may still hold frames that arrived before the close.
	while ws.get_available_packet_count() > 0:
		_handle_frame(ws.get_packet().get_string_from_utf8())
		if _ws != ws:
			return
	# R16: a frame every keepalive_seconds keeps API Gateway from dropping an idle socket. It never
	# reaches the service, so it is not logged for a resume (R21).
	if state == WebSocketPeer.STATE_OPEN and keepalive_seconds > 0.0:
		_since_keepalive += delta
		if _since_keepalive >= keepalive_seconds:
			_since_keepalive = 0.0
			ws.send_text(KEEPALIVE_FRAME)
	if state == WebSocketPeer.STATE_CLOSED:
		_ws = null
		_on_socket_closed(ws.get_close_code(), ws.get_close_reason())


func _connect(type: int, id: int, data: String) -> Error:
	close()
	_reset()
	_first_frame = [type, id, data]
	_socket_url = _connect_url()
	_ws = WebSocketPeer.new()
	var err := _ws.connect_to_url(_socket_url)
	if err != OK:
		_ws = null
	return err


# R1: opt in to the extension frames; the game and a token travel in the query string.
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
	if not game.is_empty() and _url_param("game").is_empty():
		params.append("game=" + game.uri_encode())
	if not token.is_empty():
		params.append("token=" + token.uri_encode())
	return base + "?" + "&".join(params)


# The value of a parameter of [member url]'s own query, "" if it has none.
func _url_param(key: String) -> String:
	var full := url.strip_edges()
	var query_at := full.find("?")
	if query_at < 0:
		return ""
	for pair in full.substr(query_at + 1).split("&", false):
		if pair.get_slice("=", 0) == key:
			return pair.substr(key.length() + 1).uri_decode()
	return ""


func _game() -> String:
	var from_url := _url_param("game")
	return from_url if not from_url.is_empty() else game


# R20: the list lives on the same host and port as the WebSocket, over HTTP, unless told otherwise.
func _lobbies_url() -> String:
	if not lobbies_url.strip_edges().is_empty():
		return lobbies_url.strip_edges()
	var base := url.strip_edges()
	var scheme := "https://" if base.begins_with("wss://") else "http://"
	var host := base.substr(base.find("://") + 3) if base.contains("://") else base
	for end: String in ["/", "?"]:
		if host.contains(end):
			host = host.substr(0, host.find(end))
	return scheme + host + "/lobbies"


func _send(type: int, id: int, data: String) -> Error:
	var text := JSON.stringify({"type": type, "id": id, "data": data})
	if _must_queue():
		_queue.append(text)
		return OK
	return _send_text(text)


# R21: while resuming, frames wait until the resumed socket has re-sent what the server missed;
# so do those of a socket closing on its own (not close()) before the drop is seen, if it may be
# resumed. They are dropped if it is not.
func _must_queue() -> bool:
	if _resuming:
		return not (_resume_acked and _is_open())
	if _ws == null:
		return false
	var state := _ws.get_ready_state()
	return (state == WebSocketPeer.STATE_CLOSING or state == WebSocketPeer.STATE_CLOSED) \
			and _can_resume(0)


# Every protocol frame goes out here, and is counted and logged whichever socket of the session
# carries it: after a drop, the server says how many of them it received in all (R21).
func _send_text(text: String) -> Error:
	if not _is_open():
		return ERR_CONNECTION_ERROR
	var err := _ws.send_text(text)
	if err == OK:
		_log_frame(text)
	return err


func _log_frame(text: String) -> void:
	_sent_log.append(text)
	_sent_count += 1


func _is_open() -> bool:
	return _ws != null and _ws.get_ready_state() == WebSocketPeer.STATE_OPEN


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
			if _resuming:
				_on_resumed()
			else:
				lobby_joined.emit(data, _peer_id, _mesh)
		Message.SEAL:
			# R13: from now on a closed socket does not end the game.
			_sealed = true
			lobby_sealed.emit()
		Message.LOBBY_DATA:
			_on_lobby_data(data)
		Message.RESUME:
			_on_resume(data, msg)
		Message.ERROR:
			# R14: id 0: a request was refused; nothing changed and the socket stays open.
			if id == 0:
				request_refused.emit(data)
			else:
				# The server closes the socket right after (R15 follows; no resume, R21).
				_fatal_error = true
				signaling_error.emit(data)
		_:
			# R17: unknown types are safe to ignore (future extensions).
			print_verbose("SignalingClient: ignoring message type %d" % type)


# R3: the id decides the role; "true" marks a mesh lobby.
func _on_id(id: int, data: String) -> void:
	if _resuming:
		# R21: the resumed socket keeps the multiplayer peer; another id or mode cannot go on.
		if id != _peer_id or (data == "true") != _mesh:
			push_warning("SignalingClient: the resumed socket got id %d, not %d: giving up" % [id, _peer_id])
			_give_up_resume()
		return
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


# R19: the lobby's data, sent to every peer each time it is set.
func _on_lobby_data(data: String) -> void:
	var parsed: Variant = JSON.parse_string(data)
	if typeof(parsed) != TYPE_DICTIONARY:
		return
	_lobby_data = _whole_numbers(parsed)
	lobby_data_changed.emit(_lobby_data)


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
# refused or unreachable: that is an error too (R14). A drop is resumed instead (R21); once the
# grace is over, the session ends with the drop's code and reason.
func _on_socket_closed(code: int, reason: String) -> void:
	if _resuming and _resume_overdue():
		_resume_token = ""
		code = _drop_code
		reason = _drop_reason
	if _can_resume(code):
		_resume_after_drop(code, reason)
		return
	_stop_resuming()
	_sent_log = PackedStringArray() # the count is reset by the next session's join (R21)
	if not _join_sent:
		signaling_error.emit(CONNECT_FAILED)
	if not _sealed:
		_end_game()
	disconnected.emit(code, reason)


# R21: resume a dropped socket. The server keeps a peer whose socket ended without a close 1000
# for a grace, when it gave a RESUME token, the lobby is not sealed and no ERROR ended the session.
func _can_resume(code: int) -> bool:
	return resume_grace > 0.0 and not _resume_token.is_empty() and not _sealed and not _left \
			and not _fatal_error and code != 1000


# R21: the first drop starts resuming; a resumed socket that drops before the JOIN confirmation is
# just a failed attempt. Frames re-sent on it stay in the log: the next RESUME counts them too.
func _resume_after_drop(code: int, reason: String) -> void:
	var starting := not _resuming
	if starting:
		_resuming = true
		_resume_started_at = Time.get_ticks_msec()
		_resume_delay = RESUME_FIRST_DELAY
		_drop_code = code
		_drop_reason = reason
	_resume_acked = false
	_schedule_resume()
	if starting:
		resuming.emit(code)


# R21: 0.25 s before the first attempt, then 0.5, 1, 2, 4 s... while within the grace.
func _schedule_resume() -> void:
	_next_attempt_at = Time.get_ticks_msec() + int(_resume_delay * 1000.0)
	_resume_delay *= 2.0


func _resume_overdue() -> bool:
	return Time.get_ticks_msec() - _resume_started_at >= int(resume_grace * 1000.0)


func _poll_resume() -> void:
	if not _resuming:
		return
	if _resume_overdue():
		# A socket whose resume the server acknowledged may finish it (the JOIN confirmation is on
		# its way); any other is over.
		if _ws == null or not _resume_acked:
			_give_up_resume()
	elif _ws == null and Time.get_ticks_msec() >= _next_attempt_at:
		_attempt_resume()


# R21: the same URL and query as the first socket, plus the token; no JOIN or MATCH on it.
func _attempt_resume() -> void:
	var ws := WebSocketPeer.new()
	if ws.connect_to_url("%s&resume=%s" % [_socket_url, _resume_token.uri_encode()]) != OK:
		_schedule_resume()
		return
	_ws = ws
	_since_keepalive = 0.0


# R21: each RESUME replaces the token. One with "received" acknowledges the resume: the server got
# that many frames of this session, over all its sockets.
func _on_resume(token_text: String, msg: Dictionary) -> void:
	_resume_token = token_text
	var received: Variant = msg.get("received")
	if _resuming and not _resume_acked and _is_number(received) and float(received) >= 0.0:
		_resend_after(int(received))


# R21: the server got frames 0 .. received - 1: they leave the log. The count goes back to
# [param received], and the logged frames from there on are sent again, in order, then the queued
# ones, each counted (and logged) again as it goes.
func _resend_after(received: int) -> void:
	_resume_acked = true
	var first_logged := _sent_count - _sent_log.size()
	var pending := _sent_log.slice(clampi(received - first_logged, 0, _sent_log.size())) + _queue
	_sent_log = PackedStringArray()
	_sent_count = received
	_queue = PackedStringArray()
	for frame: String in pending:
		if _send_text(frame) != OK:
			# Closed while its last frames are read: the server cannot have it; counted and logged,
			# it goes again after the next RESUME.
			_log_frame(frame)


# R21: the JOIN confirmation of the resumed socket: the signaling is back.
func _on_resumed() -> void:
	if not _resume_acked:
		# The server always acknowledges first; if it did not, take everything as received rather
		# than relay it twice, and send the queue.
		_resend_after(_sent_count)
	_stop_resuming()
	resumed.emit()


# R21: the grace is over, or the server gave another id: the session ends as R15 ends it.
func _give_up_resume() -> void:
	_resume_token = ""
	var ws := _ws
	_ws = null
	if ws != null and ws.get_ready_state() != WebSocketPeer.STATE_CLOSED:
		ws.close(1000, "giving up")
	_on_socket_closed(_drop_code, _drop_reason)


# The log stays: frames sent since the last acknowledgement are still needed if the socket drops again.
func _stop_resuming() -> void:
	_resuming = false
	_resume_acked = false
	_queue = PackedStringArray()


# R20: one page of the list, or why there is none.
func _on_lobbies_answered(result: int, code: int, _headers: PackedStringArray, body: PackedByteArray) -> void:
	if result != HTTPRequest.RESULT_SUCCESS:
		lobby_list_failed.emit("Could not list lobbies (HTTPRequest result %d)" % result)
		return
	# Not JSON.parse_string: a proxy's HTML error page must not print an engine error.
	var json := JSON.new()
	var answer: Dictionary = {}
	if json.parse(body.get_string_from_utf8()) == OK and typeof(json.data) == TYPE_DICTIONARY:
		answer = json.data
	if code != 200:
		var reason: Variant = answer.get("error")
		lobby_list_failed.emit(reason if typeof(reason) == TYPE_STRING else "Could not list lobbies (HTTP %d)" % code)
	elif typeof(answer.get("lobbies")) != TYPE_ARRAY:
		lobby_list_failed.emit("Could not list lobbies (not a list)")
	else:
		var cursor: Variant = answer.get("cursor")
		lobbies_listed.emit(_whole_numbers(answer["lobbies"]), cursor if typeof(cursor) == TYPE_STRING else "")


func _is_number(value: Variant) -> bool:
	return typeof(value) == TYPE_INT or typeof(value) == TYPE_FLOAT


# JSON numbers parse as floats, which stringify as "4.0": whole ones become ints, both ways, so
# "maxPeers" reaches the server as 4 and reads back as 4.
func _whole_numbers(value: Variant) -> Variant:
	match typeof(value):
		TYPE_FLOAT:
			var number: float = value
			if number == floorf(number) and absf(number) < 9.0e15:
				return int(number)
		TYPE_DICTIONARY:
			var dictionary := {}
			for key: Variant in value:
				dictionary[key] = _whole_numbers(value[key])
			return dictionary
		TYPE_ARRAY:
			return (value as Array).map(_whole_numbers)
	return value


# A filter's value as the list compares it: the text of the value (true, 4, dunes).
func _query_text(value: Variant) -> String:
	return str(_whole_numbers(value))


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
	_lobby_data = {}
	_socket_url = ""
	_resume_token = ""
	_sent_count = 0 # R21: a new session; its JOIN (or MATCH) is frame 0
	_sent_log = PackedStringArray()
	_stop_resuming()
	_fatal_error = false
	_left = false
	_left_while_waiting = false
