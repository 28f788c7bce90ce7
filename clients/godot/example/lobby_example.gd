extends Control
## Creates or joins a lobby through SignalingClient, lets the host seal it, and greets every
## peer with an RPC once its WebRTC connection is up: the RPC travels peer to peer, not
## through the signaling server. It also lists the public lobbies, joins one of them or quick
## matches, and lets the host make the lobby public.

## Quick match looks for (or opens) lobbies of this many players.
const MATCH_PEERS := 4

@onready var _client: SignalingClient = $SignalingClient
@onready var _url: LineEdit = %Url
@onready var _lobby: LineEdit = %Lobby
@onready var _mesh: CheckBox = %Mesh
@onready var _create: Button = %Create
@onready var _join_button: Button = %Join
@onready var _seal: Button = %Seal
@onready var _refresh: Button = %Refresh
@onready var _join_selected: Button = %JoinSelected
@onready var _quick_match: Button = %QuickMatch
@onready var _public: CheckBox = %Public
@onready var _lobbies: ItemList = %Lobbies
@onready var _status: Label = %Status
@onready var _log: RichTextLabel = %Log


func _ready() -> void:
	# A menu: redraw only when something on it changes, as Godot's editor does, not every frame.
	OS.low_processor_usage_mode = true
	# A web page running this scene may pass the service's URL (the local gateway's /godot/ page does).
	for arg in OS.get_cmdline_user_args():
		if arg.begins_with("--url="):
			_client.url = arg.trim_prefix("--url=")
	_url.text = _client.url
	_create.pressed.connect(_join.bind(true))
	_join_button.pressed.connect(_join.bind(false))
	_lobby.text_submitted.connect(func(_text: String) -> void: _join(false))
	_seal.pressed.connect(_on_seal_pressed)
	_refresh.pressed.connect(_on_refresh_pressed)
	_join_selected.pressed.connect(_on_join_selected_pressed)
	_lobbies.item_activated.connect(_join_listed)
	_quick_match.pressed.connect(_on_quick_match_pressed)
	_public.toggled.connect(func(on: bool) -> void: _client.set_lobby_data({"public": on}))
	_client.lobby_joined.connect(_on_lobby_joined)
	_client.peer_connected.connect(func(id: int) -> void: _say("introduced to peer %d, connecting..." % id))
	_client.peer_disconnected.connect(func(id: int) -> void: _say("peer %d left the lobby" % id))
	_client.lobby_sealed.connect(_on_lobby_sealed)
	_client.signaling_error.connect(func(reason: String) -> void: _say("server error: %s" % reason))
	_client.request_refused.connect(_on_request_refused)
	_client.lobby_data_changed.connect(_on_lobby_data_changed)
	_client.lobbies_listed.connect(_on_lobbies_listed)
	_client.lobby_list_failed.connect(func(reason: String) -> void: _say("cannot list lobbies: %s" % reason))
	_client.resuming.connect(_on_resuming)
	_client.resumed.connect(_on_resumed)
	_client.disconnected.connect(_on_disconnected)
	# These come from the WebRTC peer, once a data channel is open.
	multiplayer.peer_connected.connect(_on_multiplayer_peer_connected)
	multiplayer.peer_disconnected.connect(_on_multiplayer_peer_disconnected)


func _join(create: bool) -> void:
	_client.url = _url.text.strip_edges()
	var lobby := "" if create else _lobby.text.strip_edges()
	if not create and lobby.is_empty():
		_say("type the name of a lobby to join")
		return
	var err := _client.join_lobby(lobby, _mesh.button_pressed)
	if err == OK:
		_say("connecting to %s..." % _client.url if create else "joining lobby %s at %s..." % [lobby, _client.url])
		_status.text = "Connecting..."
	else:
		_say("cannot connect: %s" % error_string(err))


func _on_quick_match_pressed() -> void:
	_client.url = _url.text.strip_edges()
	var err := _client.quick_match({"maxPeers": MATCH_PEERS, "mesh": _mesh.button_pressed})
	if err == OK:
		_say("quick match for %d players at %s..." % [MATCH_PEERS, _client.url])
		_status.text = "Connecting..."
	else:
		_say("cannot connect: %s" % error_string(err))


func _on_refresh_pressed() -> void:
	_client.url = _url.text.strip_edges()
	var err := _client.list_lobbies()
	if err != OK:
		_say("cannot list lobbies: %s" % error_string(err))


func _on_lobbies_listed(lobbies: Array, _cursor: String) -> void:
	_lobbies.clear()
	for lobby: Dictionary in lobbies:
		var data := PackedStringArray()
		for key: String in lobby.get("data", {}):
			data.append("%s=%s" % [key, lobby["data"][key]])
		var mode := "mesh" if lobby.get("mesh", true) else "client/server"
		var players := "%d/%d" % [lobby.get("peers", 0), lobby.get("maxPeers", 0)]
		var index := _lobbies.add_item("%s  %s  %s  %s" % [lobby.get("name", ""), players, mode, ", ".join(data)])
		_lobbies.set_item_metadata(index, lobby.get("name", ""))
	_say("%d public lobb%s in the list" % [lobbies.size(), "y" if lobbies.size() == 1 else "ies"])


func _on_join_selected_pressed() -> void:
	var selected := _lobbies.get_selected_items()
	if selected.is_empty():
		_say("select a lobby in the list (Refresh lists them)")
		return
	_join_listed(selected[0])


func _join_listed(index: int) -> void:
	_lobby.text = _lobbies.get_item_metadata(index)
	_join(false)


func _on_lobby_data_changed(data: Dictionary) -> void:
	_public.set_pressed_no_signal(data.get("public", false))
	_say("lobby data: %s" % JSON.stringify(data))


# Nothing changed on the server: show what it still holds.
func _on_request_refused(reason: String) -> void:
	_public.set_pressed_no_signal(_client.get_lobby_data().get("public", false))
	_say("refused: %s" % reason)


func _on_seal_pressed() -> void:
	var err := _client.seal_lobby()
	if err != OK:
		_say("cannot seal: %s" % error_string(err))


func _on_lobby_joined(lobby: String, peer_id: int, mesh: bool) -> void:
	_lobby.text = lobby
	_seal.disabled = peer_id != 1
	_public.disabled = peer_id != 1
	_public.set_pressed_no_signal(false) # until the lobby's data says otherwise
	_say("in lobby %s as peer %d (%s)" % [lobby, peer_id, "mesh" if mesh else "client/server"])
	_update_status()


func _on_lobby_sealed() -> void:
	_seal.disabled = true
	_public.disabled = true
	_say("lobby sealed: signaling closes soon, the game goes on")
	_update_status()


# The signaling socket dropped: the client reconnects it by itself, the WebRTC links stay up.
func _on_resuming(code: int) -> void:
	_say("signaling dropped (code %d): reconnecting, the game goes on..." % code)
	_update_status()


func _on_resumed() -> void:
	_say("signaling reconnected: still in lobby %s as peer %d" % [_client.get_lobby(), _client.get_peer_id()])
	_update_status()


func _on_disconnected(code: int, reason: String) -> void:
	_seal.disabled = true
	_public.disabled = true
	var outcome := "peers keep playing" if _client.is_sealed() else "game over"
	var why := "code %d" % code if reason.is_empty() else "code %d, %s" % [code, reason]
	_say("signaling closed (%s): %s" % [why, outcome])
	_update_status()


func _on_multiplayer_peer_connected(id: int) -> void:
	_say("WebRTC link to peer %d is up" % id)
	hello.rpc_id(id, "hello from peer %d" % multiplayer.get_unique_id())
	_update_status()


func _on_multiplayer_peer_disconnected(id: int) -> void:
	_say("WebRTC link to peer %d closed" % id)
	_update_status()


@rpc("any_peer", "reliable")
func hello(text: String) -> void:
	_say("peer %d says: %s" % [multiplayer.get_remote_sender_id(), text])


# One line a player reads at a glance: where am I, who am I, who is with me.
func _update_status() -> void:
	if _client.get_peer_id() == 0 or (multiplayer.multiplayer_peer == null and not _client.is_sealed()):
		_status.text = "Not connected"
		return
	var role := "the host" if _client.get_peer_id() == 1 else "peer %d" % _client.get_peer_id()
	var peers := multiplayer.get_peers().size() if multiplayer.multiplayer_peer != null else 0
	var state := "  ·  sealed" if _client.is_sealed() else ""
	if _client.is_resuming():
		state = "  ·  signaling reconnecting..."
	_status.text = "Lobby %s  ·  you are %s  ·  %d other player%s connected%s" % [
		_client.get_lobby(), role, peers, "" if peers == 1 else "s", state]


func _say(line: String) -> void:
	_log.add_text(line + "\n")
	print(line) # also on the engine's output: the terminal, or the browser's console
