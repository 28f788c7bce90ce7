package dev.godotsignal.template;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Loads CloudFormation YAML, turning the short-form tags ({@code !Ref X}, {@code !Sub ...}, {@code
 * !GetAtt A.B}, {@code !If [...]}) into their long forms ({@code {Ref: X}}, {@code {Fn::Sub:
 * ...}}).
 */
final class CfnYaml {
    private CfnYaml() {}

    @SuppressWarnings("unchecked")
    static Map<String, Object> load(Path file) throws IOException {
        LoaderOptions options = new LoaderOptions();
        try (Reader reader = Files.newBufferedReader(file)) {
            return (Map<String, Object>) new Yaml(new Constructor(options)).load(reader);
        }
    }

    private static final class Constructor extends SafeConstructor {
        Constructor(LoaderOptions options) {
            super(options);
            // Any "!Name" tag: Ref stays Ref, GetAtt "A.B" becomes [A, B], the rest are Fn::Name.
            this.yamlMultiConstructors.put(
                    "!",
                    new AbstractConstruct() {
                        @Override
                        public Object construct(Node node) {
                            String name = node.getTag().getValue().substring(1);
                            Object value;
                            if (node instanceof ScalarNode scalar) {
                                value = constructScalar(scalar);
                            } else if (node instanceof SequenceNode sequence) {
                                value = constructSequence(sequence);
                            } else {
                                value = constructMapping((MappingNode) node);
                            }
                            if (name.equals("Ref")) {
                                return Map.of("Ref", value);
                            }
                            if (name.equals("GetAtt") && value instanceof String dotted) {
                                int dot = dotted.indexOf('.');
                                return Map.of(
                                        "Fn::GetAtt",
                                        List.of(
                                                dotted.substring(0, dot),
                                                dotted.substring(dot + 1)));
                            }
                            return Map.of("Fn::" + name, value);
                        }
                    });
        }
    }
}
