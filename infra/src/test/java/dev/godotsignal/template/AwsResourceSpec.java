package dev.godotsignal.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * AWS's published resource specification as data: the {@code db.json.gz} of the npm package
 * {@code @aws-cdk/aws-service-spec}, pinned by {@code infra/spec/package-lock.json} and installed
 * by {@code npm ci --prefix infra/spec} (which {@code .ci/run} does).
 *
 * <p>The file is a small entity database: {@code schema.resource.entities} holds one entry per
 * CloudFormation (and SAM) resource type, with its {@code properties} ({@code type}, {@code
 * required}, {@code previousTypes}) and {@code attributes}; a property's type is {@code string},
 * {@code integer}, {@code number}, {@code boolean}, {@code date-time}, {@code json}, {@code tag},
 * {@code array}/{@code map} of an {@code element}, a {@code union} of {@code types}, or a {@code
 * ref} to an entry of {@code schema.typeDefinition.entities} (a nested property type, by {@code
 * $id}).
 */
final class AwsResourceSpec {
    static final String PACKAGE = "@aws-cdk/aws-service-spec";
    static final String INSTALL = "npm ci --prefix infra/spec";

    private final Map<String, JsonNode> resources = new HashMap<>();
    private final Map<String, JsonNode> typeDefinitions = new HashMap<>();

    private AwsResourceSpec(JsonNode root) {
        JsonNode schema = root.path("schema");
        for (JsonNode resource : schema.path("resource").path("entities")) {
            resources.put(resource.path("cloudFormationType").asText(), resource);
        }
        for (JsonNode type : schema.path("typeDefinition").path("entities")) {
            typeDefinitions.put(type.path("$id").asText(), type);
        }
    }

    /** The folder the spec packages are installed in: {@code infra/spec/node_modules}. */
    static Path nodeModules(Path repositoryRoot) {
        return repositoryRoot.resolve("infra/spec/node_modules");
    }

    static Path database(Path repositoryRoot) {
        return nodeModules(repositoryRoot).resolve(PACKAGE).resolve("db.json.gz");
    }

    static AwsResourceSpec load(Path database) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(database), 1 << 16)) {
            return new AwsResourceSpec(new ObjectMapper().readTree(in));
        }
    }

    /** A resource type's entry ({@code properties}, {@code attributes}), if AWS publishes it. */
    Optional<JsonNode> resource(String cloudFormationType) {
        return Optional.ofNullable(resources.get(cloudFormationType));
    }

    /** The nested property type a {@code ref} type points at. */
    JsonNode typeDefinition(JsonNode refType) {
        String id = refType.path("reference").path("$ref").asText();
        JsonNode type = typeDefinitions.get(id);
        if (type == null) {
            throw new IllegalStateException("the specification has no type definition " + id);
        }
        return type;
    }

    int resourceCount() {
        return resources.size();
    }
}
