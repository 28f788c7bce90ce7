extends Node
## Loads every script and scene of the project in the engine, as a game loading them would, and
## reports each as "@compiled <path> ok|FAILED" (then "@compile_check_done <count>"). A GDScript
## error (parse, type, unknown method on a typed value) makes load() fail, and the engine prints it.
## Scripts that extend editor classes exist only in the editor: they are reported "@editor_only".

const EDITOR_BASES := ["EditorPlugin", "EditorScript", "EditorInspectorPlugin", "EditorExportPlugin"]


func _ready() -> void:
	var listed: Variant = JavaScriptBridge.eval("JSON.stringify(window.godotHarness.files)", true)
	var checked := 0
	for file: String in JSON.parse_string(listed):
		var path := "res://" + file
		if file.ends_with(".gd"):
			if _editor_only(path):
				print("@editor_only %s" % path)
				continue
			var script: Script = load(path)
			_report(path, script != null and script.can_instantiate())
			checked += 1
		elif file.ends_with(".tscn") and path != scene_file_path:
			var scene: PackedScene = load(path)
			var node: Node = scene.instantiate() if scene != null and scene.can_instantiate() else null
			_report(path, node != null)
			if node != null:
				node.free()
			checked += 1
	print("@compile_check_done %d" % checked)


func _editor_only(path: String) -> bool:
	var source := FileAccess.get_file_as_string(path)
	for base: String in EDITOR_BASES:
		if source.contains("\nextends %s" % base) or source.begins_with("extends %s" % base):
			return true
	return false


func _report(path: String, ok: bool) -> void:
	print("@compiled %s %s" % [path, "ok" if ok else "FAILED"])
