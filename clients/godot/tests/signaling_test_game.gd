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
		"ice_servers":
			signaling.ice_servers = JSON.parse_string(command.trim_prefix("ice_servers "))
		"ice_policy":
			signaling.ice_transport_policy = words[1]
		"join":  # join <lobby, or - to create> <mesh|cs>
			var lobby := "" if words[1] == "-" else words[1]
			var err := signaling.join_lobby(lobby, words[2] == "mesh")
			_report("join_called %s" % error_string(err))
		"seal":
			_report("seal_called %s" % error_string(signaling.seal_lobby()))
		"close":
			signaling.close()
			_report("closed")
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


func _on_peer_packet(id: int, packet: PackedByteArray) -> void:
	_report("raw_from %d %s" % [id, packet.get_string_from_utf8()])


@rpc("any_peer", "reliable")
func hello(text: String) -> void:
	_report("rpc_from %d %s" % [multiplayer.get_remote_sender_id(), text])


func _report(event: String) -> void:
	print("@%s" % event)
