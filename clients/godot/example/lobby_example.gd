extends Control
## Creates or joins a lobby through SignalingClient, lets the host seal it, and greets every
## peer with an RPC once its WebRTC connection is up: the RPC travels peer to peer, not
## through the signaling server.

@onready var _client: SignalingClient = $SignalingClient
@onready var _url: LineEdit = $Layout/Url
@onready var _lobby: LineEdit = $Layout/Lobby
@onready var _mesh: CheckBox = $Layout/Buttons/Mesh
@onready var _seal: Button = $Layout/Buttons/Seal
@onready var _log: RichTextLabel = $Layout/Log


func _ready() -> void:
	_url.text = _client.url
	$Layout/Buttons/Create.pressed.connect(_join.bind(true))
	$Layout/Buttons/Join.pressed.connect(_join.bind(false))
	_seal.pressed.connect(_on_seal_pressed)
	_client.lobby_joined.connect(_on_lobby_joined)
	_client.peer_connected.connect(func(id: int) -> void: _say("introduced to peer %d, connecting..." % id))
	_client.peer_disconnected.connect(func(id: int) -> void: _say("peer %d left the lobby" % id))
	_client.lobby_sealed.connect(func() -> void: _say("lobby sealed: signaling closes soon, the game goes on"))
	_client.signaling_error.connect(func(reason: String) -> void: _say("server error: %s" % reason))
	_client.disconnected.connect(_on_disconnected)
	# These come from the WebRTC peer, once a data channel is open.
	multiplayer.peer_connected.connect(_on_multiplayer_peer_connected)
	multiplayer.peer_disconnected.connect(func(id: int) -> void: _say("WebRTC link to peer %d closed" % id))


func _join(create: bool) -> void:
	_client.url = _url.text.strip_edges()
	var lobby := "" if create else _lobby.text.strip_edges()
	if not create and lobby.is_empty():
		_say("type the name of a lobby to join")
		return
	var err := _client.join_lobby(lobby, _mesh.button_pressed)
	if err == OK:
		_say("connecting to %s..." % _client.url)
	else:
		_say("cannot connect: %s" % error_string(err))


func _on_seal_pressed() -> void:
	var err := _client.seal_lobby()
	if err != OK:
		_say("cannot seal: %s" % error_string(err))


func _on_lobby_joined(lobby: String, peer_id: int, mesh: bool) -> void:
	_lobby.text = lobby
	_seal.disabled = peer_id != 1
	_say("in lobby %s as peer %d (%s)" % [lobby, peer_id, "mesh" if mesh else "client/server"])


func _on_disconnected(code: int, reason: String) -> void:
	_seal.disabled = true
	var outcome := "peers keep playing" if _client.is_sealed() else "game over"
	_say("signaling closed (%d %s): %s" % [code, reason, outcome])


func _on_multiplayer_peer_connected(id: int) -> void:
	_say("WebRTC link to peer %d is up" % id)
	hello.rpc_id(id, "hello from peer %d" % multiplayer.get_unique_id())


@rpc("any_peer", "reliable")
func hello(text: String) -> void:
	_say("peer %d says: %s" % [multiplayer.get_remote_sender_id(), text])


func _say(line: String) -> void:
	_log.add_text(line + "\n")
