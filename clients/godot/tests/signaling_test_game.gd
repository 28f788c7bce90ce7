extends Node
## The game of the engine tests (infra/.../GodotEngineTest.java): it uses SignalingClient exactly
## as the addon's README tells a game to, and reports everything that happens as "@..." lines on
## the engine's output. A test drives it with commands it reads through JavaScriptBridge, so this
## scene runs only in web builds; a game never needs any of that.

@onready var signaling: SignalingClient = $SignalingClient


func _ready() -> void:
	for arg in OS.get_cmdline_user_args():
		if arg.begins_with("--url="):
			signaling.url = arg.trim_prefix("--url=")
	signaling.lobby_joined.connect(_on_lobby_joined)
	signaling.peer_connected.connect(func(id: int) -> void: _report("introduced %d" % id))
	signaling.peer_disconnected.connect(func(id: int) -> void: _report("left %d" % id))
	signaling.lobby_sealed.connect(func() -> void: _report("sealed"))
	signaling.signaling_error.connect(func(reason: String) -> void: _report("error %s" % reason))
	signaling.request_refused.connect(func(reason: String) -> void: _report("refused %s" % reason))
	signaling.lobby_data_changed.connect(func(data: Dictionary) -> void: _report("lobby_data %s" % JSON.stringify(data)))
	signaling.lobbies_listed.connect(_on_lobbies_listed)
	signaling.lobby_list_failed.connect(func(reason: String) -> void: _report("list_failed %s" % reason))
	signaling.resuming.connect(func(code: int) -> void: _report("resuming %d" % code))
	signaling.resumed.connect(_on_resumed)
	signaling.disconnected.connect(func(code: int, _reason: String) -> void: _report("disconnected %d" % code))
	multiplayer.peer_connected.connect(func(id: int) -> void: _report("peer_up %d" % id))
	multiplayer.peer_disconnected.connect(func(id: int) -> void: _report("peer_down %d" % id))
	multiplayer.peer_packet.connect(_on_peer_packet)
	_report("ready")


func _process(_delta: float) -> void:
	while true:
		var command: Variant = JavaScriptBridge.eval("window.godotHarness.commands.shift() || ''", true)
		if typeof(command) != TYPE_STRING or command.is_empty():
			return
		_run(command)


# One command per line: "<verb> <argument>...".
func _run(command: String) -> void:
	var words := command.split(" ", false)
	match words[0]:
		"url":
			signaling.url = words[1]
		"token":
			signaling.token = words[1] if words.size() > 1 else ""
		"game":  # game <id>, or nothing for none (the server's default)
			signaling.game = words[1] if words.size() > 1 else ""
		"lobbies_url":
			signaling.lobbies_url = words[1] if words.size() > 1 else ""
		"ice_servers":
			signaling.ice_servers = JSON.parse_string(command.trim_prefix("ice_servers "))
		"ice_policy":
			signaling.ice_transport_policy = words[1]
		"resume_grace":  # resume_grace <seconds>: 0 disables resuming
			signaling.resume_grace = float(words[1])
		"join":  # join <lobby, or - to create> <mesh|cs>
			var lobby := "" if words[1] == "-" else words[1]
			var err := signaling.join_lobby(lobby, words[2] == "mesh")
			_report("join_called %s" % error_string(err))
		"match":  # match <options JSON, optional>
			var options := _json_object(command.trim_prefix("match"))
			_report("match_called %s" % error_string(signaling.quick_match(options)))
		"lobbydata":  # lobbydata <JSON: public, maxPeers, data>
			var data := _json_object(command.trim_prefix("lobbydata"))
			_report("lobbydata_called %s" % error_string(signaling.set_lobby_data(data)))
		"list":  # list [limit=<n>] [cursor=<c>] [<filter JSON>]
			var limit := 50
			var cursor := ""
			var rest := command.trim_prefix("list").strip_edges()
			while rest.begins_with("limit=") or rest.begins_with("cursor="):
				var option := rest.get_slice(" ", 0)
				if option.begins_with("limit="):
					limit = option.trim_prefix("limit=").to_int()
				else:
					cursor = option.trim_prefix("cursor=")
				rest = rest.trim_prefix(option).strip_edges()
			_report("list_called %s" % error_string(signaling.list_lobbies(_json_object(rest), limit, cursor)))
		"seal":
			_report("seal_called %s" % error_string(signaling.seal_lobby()))
		"close":
			signaling.close()
			_report("closed")
		"drop":  # drop [code]: the signaling socket closes (default 4001) without close(), as a drop would
			# A test only: a game never touches the client's socket.
			var ws: WebSocketPeer = signaling._ws
			if ws != null:
				ws.close(int(words[1]) if words.size() > 1 else 4001, "dropped by the test")
			_report("dropped" if ws != null else "no_socket")
		"rpc":  # rpc <peer id> <text>: a reliable RPC (relayed by the host between clients)
			hello.rpc_id(int(words[1]), words[2])
		"raw":  # raw <peer id> <text>: bytes, as SceneMultiplayer sends them
			multiplayer.send_bytes(words[2].to_utf8_buffer(), int(words[1]))
		"peers":
			_report("peers %s" % str(Array(multiplayer.get_peers())))
		_:
			push_error("unknown command: %s" % command)


func _on_lobby_joined(lobby: String, peer_id: int, mesh: bool) -> void:
	_report("joined %s %d %s unique=%d" % [lobby, peer_id, "mesh" if mesh else "cs", multiplayer.get_unique_id()])


# The signaling is back (R21): same lobby, same id, and the multiplayer peer never changed.
func _on_resumed() -> void:
	_report("resumed %s %d unique=%d" % [signaling.get_lobby(), signaling.get_peer_id(), multiplayer.get_unique_id()])


# A command's JSON argument; {} when there is none.
func _json_object(text: String) -> Dictionary:
	return JSON.parse_string(text) if not text.strip_edges().is_empty() else {}


func _on_lobbies_listed(lobbies: Array, cursor: String) -> void:
	var names := lobbies.map(func(lobby: Dictionary) -> String: return lobby.get("name", ""))
	_report("lobbies %s" % JSON.stringify({"count": lobbies.size(), "names": names, "cursor": cursor, "lobbies": lobbies}))


func _on_peer_packet(id: int, packet: PackedByteArray) -> void:
	_report("raw_from %d %s" % [id, packet.get_string_from_utf8()])


@rpc("any_peer", "reliable")
func hello(text: String) -> void:
	_report("rpc_from %d %s" % [multiplayer.get_remote_sender_id(), text])


func _report(event: String) -> void:
	print("@%s" % event)
