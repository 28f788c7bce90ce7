@tool
extends EditorPlugin

# SignalingClient registers itself through `class_name`, so the plugin has nothing to add:
# enabling it only marks the addon as installed in the project settings.


func _enter_tree() -> void:
	pass


func _exit_tree() -> void:
	pass
