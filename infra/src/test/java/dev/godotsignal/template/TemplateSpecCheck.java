package dev.godotsignal.template;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Checks the form of a CloudFormation/SAM template against AWS's published resource specification
 * ({@link AwsResourceSpec}) and IAM's action names ({@link IamActions}): known resource types,
 * known properties of the right kind (nested property types too), required properties present,
 * {@code Ref}/{@code GetAtt}/{@code Sub} naming what exists, parameter defaults within their own
 * constraints, IAM actions spelt as AWS spells them, and the Serverless Application Repository
 * metadata. SAM's {@code Globals} are applied first, as SAM does.
 *
 * <p>Each finding is one line, prefixed by where it is (e.g. {@code
 * Resources.TimerQueue.Properties.VisibiltyTimeout: unknown property ...}). This checks form, not
 * meaning: {@link SamTemplateTest} checks the wiring.
 */
final class TemplateSpecCheck {

    /**
     * SAM properties that the specification's SAM part (0.1.216) lacks, and the CloudFormation
     * property SAM passes each one to, whose type it is checked against. Each one is documented by
     * SAM with "AWS CloudFormation compatibility: This property is passed directly to the ...
     * property of an ... resource":
     *
     * <ul>
     *   <li>{@code SnapStart}:
     *       https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-function.html#sam-function-snapstart
     *       (to {@code AWS::Lambda::Function.SnapStart});
     *   <li>{@code RuntimeManagementConfig}, {@code LoggingConfig}, {@code RecursiveLoop}: the same
     *       page (to the {@code AWS::Lambda::Function} properties of the same names);
     *   <li>the SQS event's {@code FunctionResponseTypes}, {@code MaximumBatchingWindowInSeconds},
     *       {@code ScalingConfig}, {@code FilterCriteria}:
     *       https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-sqs.html
     *       (to the {@code AWS::Lambda::EventSourceMapping} properties of the same names).
     * </ul>
     */
    private static final Map<String, Map<String, String>> SAM_PASSES_TO =
            Map.of(
                    "AWS::Serverless::Function",
                    Map.of(
                            "SnapStart", "AWS::Lambda::Function",
                            "RuntimeManagementConfig", "AWS::Lambda::Function",
                            "LoggingConfig", "AWS::Lambda::Function",
                            "RecursiveLoop", "AWS::Lambda::Function"),
                    "AWS::Serverless::Function.SQSEvent",
                    Map.of(
                            "FunctionResponseTypes", "AWS::Lambda::EventSourceMapping",
                            "MaximumBatchingWindowInSeconds", "AWS::Lambda::EventSourceMapping",
                            "ScalingConfig", "AWS::Lambda::EventSourceMapping",
                            "FilterCriteria", "AWS::Lambda::EventSourceMapping"));

    private static final Set<String> SECTIONS =
            Set.of(
                    "AWSTemplateFormatVersion",
                    "Description",
                    "Metadata",
                    "Parameters",
                    "Rules",
                    "Mappings",
                    "Conditions",
                    "Transform",
                    "Resources",
                    "Outputs",
                    "Globals");
    private static final Set<String> RESOURCE_KEYS =
            Set.of(
                    "Type",
                    "Properties",
                    "DependsOn",
                    "Condition",
                    "Metadata",
                    "DeletionPolicy",
                    "UpdateReplacePolicy",
                    "CreationPolicy",
                    "UpdatePolicy");
    private static final Set<String> PARAMETER_KEYS =
            Set.of(
                    "Type",
                    "Default",
                    "AllowedPattern",
                    "AllowedValues",
                    "ConstraintDescription",
                    "Description",
                    "MaxLength",
                    "MaxValue",
                    "MinLength",
                    "MinValue",
                    "NoEcho");
    private static final Set<String> OUTPUT_KEYS =
            Set.of("Description", "Value", "Export", "Condition");
    private static final Set<String> PSEUDO_PARAMETERS =
            Set.of(
                    "AWS::AccountId",
                    "AWS::NotificationARNs",
                    "AWS::NoValue",
                    "AWS::Partition",
                    "AWS::Region",
                    "AWS::StackId",
                    "AWS::StackName",
                    "AWS::URLSuffix");
    private static final Set<String> FUNCTIONS =
            Set.of(
                    "Fn::Base64",
                    "Fn::Cidr",
                    "Fn::FindInMap",
                    "Fn::GetAtt",
                    "Fn::GetAZs",
                    "Fn::ImportValue",
                    "Fn::Join",
                    "Fn::Length",
                    "Fn::Select",
                    "Fn::Split",
                    "Fn::Sub",
                    "Fn::ToJsonString",
                    "Fn::Transform",
                    "Fn::If",
                    "Fn::Equals",
                    "Fn::Not",
                    "Fn::And",
                    "Fn::Or");
    private static final Set<String> STATEMENT_KEYS =
            Set.of(
                    "Sid",
                    "Effect",
                    "Action",
                    "NotAction",
                    "Resource",
                    "NotResource",
                    "Principal",
                    "NotPrincipal",
                    "Condition");

    /** SAM event types whose events become an AWS::Lambda::EventSourceMapping. */
    private static final Set<String> POLLED_EVENTS =
            Set.of("SQS", "Kinesis", "DynamoDB", "MQ", "MSK", "SelfManagedKafka", "DocumentDB");

    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}]*)}");

    /** What an intrinsic function can yield. */
    private enum Yield {
        SCALAR,
        LIST,
        ANY
    }

    private final AwsResourceSpec spec;
    private final IamActions iam;
    private final Map<String, Object> root;
    private final Map<String, Object> parameters;
    private final Map<String, Object> conditions;
    private final Map<String, Map<String, Object>> resources = new LinkedHashMap<>();

    /** Every logical id a Ref or GetAtt may name → the CloudFormation type it is (or becomes). */
    private final Map<String, String> referenceable = new LinkedHashMap<>();

    private final List<String> findings = new ArrayList<>();

    private TemplateSpecCheck(Map<String, Object> root, AwsResourceSpec spec, IamActions iam) {
        this.root = root;
        this.spec = spec;
        this.iam = iam;
        this.parameters = map(root.get("Parameters"));
        this.conditions = map(root.get("Conditions"));
        map(root.get("Resources")).forEach((id, r) -> resources.put(id, withGlobals(map(r))));
    }

    /** The findings for a template as {@link CfnYaml} loads it; empty when it is well formed. */
    static List<String> check(Map<String, Object> template, AwsResourceSpec spec, IamActions iam) {
        TemplateSpecCheck check = new TemplateSpecCheck(template, spec, iam);
        check.run();
        return List.copyOf(check.findings);
    }

    /**
     * The logical ids SAM generates from a template's serverless resources, by the rules of
     * "Generated CloudFormation resources for AWS SAM"
     * (https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-specification-generated-resources.html),
     * each with its CloudFormation type. Also the referenceable properties {@code <function>.Alias}
     * and {@code <function>.Version}.
     */
    static Map<String, String> samGeneratedIds(Map<String, Object> template) {
        TemplateSpecCheck check =
                new TemplateSpecCheck(template, null, null); // no spec needed for the rules
        return check.generatedIds();
    }

    private Map<String, String> generatedIds() {
        Map<String, String> ids = new LinkedHashMap<>();
        resources.forEach(
                (id, resource) -> {
                    Map<String, Object> props = map(resource.get("Properties"));
                    switch (String.valueOf(resource.get("Type"))) {
                        case "AWS::Serverless::Function" -> {
                            if (!props.containsKey("Role")) {
                                ids.put(id + "Role", "AWS::IAM::Role");
                            }
                            if (props.get("AutoPublishAlias") instanceof String alias) {
                                ids.put(id + "Alias" + alias, "AWS::Lambda::Alias");
                                ids.put(id + ".Alias", "AWS::Lambda::Alias");
                                ids.put(id + ".Version", "AWS::Lambda::Version");
                            }
                            map(props.get("Events"))
                                    .forEach(
                                            (name, event) -> {
                                                String type =
                                                        String.valueOf(map(event).get("Type"));
                                                if (POLLED_EVENTS.contains(type)) {
                                                    ids.put(
                                                            id + name,
                                                            "AWS::Lambda::EventSourceMapping");
                                                } else if (type.equals("HttpApi")
                                                        || type.equals("Api")) {
                                                    ids.put(
                                                            id + name + "Permission",
                                                            "AWS::Lambda::Permission");
                                                }
                                            });
                        }
                        case "AWS::Serverless::HttpApi" -> {
                            if (!props.containsKey("StageName")) {
                                ids.put(id + "ApiGatewayDefaultStage", "AWS::ApiGatewayV2::Stage");
                            }
                        }
                        default -> {}
                    }
                });
        return ids;
    }

    /** The CloudFormation type a SAM resource becomes (for its attributes). */
    private static String becomes(String type) {
        return switch (type) {
            case "AWS::Serverless::Function" -> "AWS::Lambda::Function";
            case "AWS::Serverless::HttpApi" -> "AWS::ApiGatewayV2::Api";
            case "AWS::Serverless::Api" -> "AWS::ApiGateway::RestApi";
            case "AWS::Serverless::SimpleTable" -> "AWS::DynamoDB::Table";
            case "AWS::Serverless::LayerVersion" -> "AWS::Lambda::LayerVersion";
            case "AWS::Serverless::StateMachine" -> "AWS::StepFunctions::StateMachine";
            case "AWS::Serverless::Application" -> "AWS::CloudFormation::Stack";
            default -> type;
        };
    }

    /**
     * A SAM resource with its Globals section applied: maps are merged, a resource's own scalar
     * wins, lists are added together (SAM's documented rules).
     */
    private Map<String, Object> withGlobals(Map<String, Object> resource) {
        String type = String.valueOf(resource.get("Type"));
        if (!type.startsWith("AWS::Serverless::")) {
            return resource;
        }
        Map<String, Object> globals =
                map(map(root.get("Globals")).get(type.substring("AWS::Serverless::".length())));
        if (globals.isEmpty()) {
            return resource;
        }
        Map<String, Object> merged = new LinkedHashMap<>(resource);
        merged.put("Properties", merge(globals, map(resource.get("Properties"))));
        return merged;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> merge(Map<String, Object> global, Map<String, Object> own) {
        Map<String, Object> out = new LinkedHashMap<>(global);
        own.forEach(
                (key, value) -> {
                    Object base = out.get(key);
                    if (base instanceof Map<?, ?> b
                            && value instanceof Map<?, ?> v
                            && !isIntrinsic(v)
                            && !isIntrinsic(b)) {
                        out.put(key, merge((Map<String, Object>) b, (Map<String, Object>) v));
                    } else if (base instanceof List<?> b && value instanceof List<?> v) {
                        List<Object> both = new ArrayList<>(b);
                        both.addAll(v);
                        out.put(key, both);
                    } else {
                        out.put(key, value);
                    }
                });
        return out;
    }

    private void run() {
        root.keySet().stream()
                .filter(section -> !SECTIONS.contains(section))
                .forEach(section -> add(section, "not a template section"));
        boolean serverless =
                resources.values().stream()
                        .anyMatch(
                                r -> String.valueOf(r.get("Type")).startsWith("AWS::Serverless::"));
        if (serverless && !"AWS::Serverless-2016-10-31".equals(root.get("Transform"))) {
            add("Transform", "SAM resources need Transform: AWS::Serverless-2016-10-31");
        }
        map(root.get("Globals"))
                .keySet()
                .forEach(
                        key -> {
                            if (spec.resource("AWS::Serverless::" + key).isEmpty()) {
                                add("Globals." + key, "SAM has no AWS::Serverless::" + key);
                            }
                        });

        resources.forEach((id, r) -> referenceable.put(id, becomes(String.valueOf(r.get("Type")))));
        referenceable.putAll(generatedIds());

        parameters.forEach((name, p) -> checkParameter("Parameters." + name, map(p)));
        conditions.forEach(
                (name, expression) -> intrinsics("Conditions." + name, expression, true));
        resources.forEach(this::checkResource);
        map(root.get("Outputs"))
                .forEach(
                        (name, output) -> {
                            String path = "Outputs." + name;
                            map(output).keySet().stream()
                                    .filter(key -> !OUTPUT_KEYS.contains(key))
                                    .forEach(key -> add(path, "unknown output key '" + key + "'"));
                            if (!map(output).containsKey("Value")) {
                                add(path, "an output needs a Value");
                            }
                            conditionName(path, map(output).get("Condition"));
                            intrinsics(path, output, false);
                        });
        serverlessRepository();
    }

    // ------------------------------------------------------------------ resources

    private void checkResource(String id, Map<String, Object> resource) {
        String path = "Resources." + id;
        resource.keySet().stream()
                .filter(key -> !RESOURCE_KEYS.contains(key))
                .forEach(key -> add(path, "unknown resource attribute '" + key + "'"));
        conditionName(path + ".Condition", resource.get("Condition"));
        Object dependsOn = resource.get("DependsOn");
        for (Object target :
                dependsOn instanceof List<?> list
                        ? list
                        : dependsOn == null ? List.of() : List.of(dependsOn)) {
            if (!resources.containsKey(String.valueOf(target))) {
                add(path + ".DependsOn", "'" + target + "' is no resource of this template");
            }
        }
        String type = String.valueOf(resource.get("Type"));
        Optional<JsonNode> entry = spec.resource(type);
        if (entry.isEmpty()) {
            add(path + ".Type", "'" + type + "' is not a resource type AWS publishes");
            return;
        }
        Map<String, Object> properties = map(resource.get("Properties"));
        intrinsics(path + ".Properties", properties, false);
        findings.addAll(
                object(path + ".Properties", properties, entry.get().path("properties"), type));
        policies(path, type, properties);
    }

    /** Findings for an object against a spec's properties; {@code owner} names it for fallbacks. */
    private List<String> object(
            String path, Map<String, Object> value, JsonNode properties, String owner) {
        List<String> out = new ArrayList<>();
        Map<String, String> passedTo = SAM_PASSES_TO.getOrDefault(owner, Map.of());
        value.forEach(
                (key, v) -> {
                    JsonNode property = properties.get(key);
                    String at = path + "." + key;
                    if (property != null) {
                        if (property.has("deprecated")) {
                            out.add(at + ": " + owner + "." + key + " is deprecated");
                        }
                        relationship(at, v, property).ifPresent(out::add);
                        List<String> problems = fit(at, v, property.path("type"), owner);
                        for (JsonNode previous : property.path("previousTypes")) {
                            if (problems.isEmpty()) {
                                break;
                            }
                            if (fit(at, v, previous, owner).isEmpty()) {
                                problems = List.of();
                            }
                        }
                        out.addAll(problems);
                    } else if (passedTo.containsKey(key)) {
                        JsonNode target =
                                spec.resource(passedTo.get(key))
                                        .orElseThrow()
                                        .path("properties")
                                        .get(key);
                        if (target == null) {
                            out.add(at + ": " + passedTo.get(key) + " has no property " + key);
                        } else {
                            out.addAll(fit(at, v, target.path("type"), passedTo.get(key)));
                        }
                    } else {
                        out.add(
                                at
                                        + ": unknown property '"
                                        + key
                                        + "' of "
                                        + owner
                                        + nearest(key, properties));
                    }
                });
        properties
                .fields()
                .forEachRemaining(
                        p -> {
                            if (p.getValue().path("required").asBoolean(false)
                                    && !value.containsKey(p.getKey())) {
                                out.add(
                                        path
                                                + ": missing required property '"
                                                + p.getKey()
                                                + "' of "
                                                + owner);
                            }
                        });
        return out;
    }

    /**
     * A property the specification relates to other resource types ({@code relationshipRefs}, e.g.
     * an integration's {@code ApiId} is an {@code AWS::ApiGatewayV2::Api}'s): a plain {@code Ref}
     * or {@code GetAtt} of one of this template's resources must name a resource of such a type.
     */
    private Optional<String> relationship(String path, Object value, JsonNode property) {
        JsonNode related = property.path("relationshipRefs");
        if (related.isEmpty() || !(value instanceof Map<?, ?> m) || !isIntrinsic(m)) {
            return Optional.empty();
        }
        String target;
        if (m.containsKey("Ref")) {
            target = String.valueOf(m.get("Ref"));
        } else if (m.containsKey("Fn::GetAtt")) {
            target = getAttParts(m.get("Fn::GetAtt")).get(0);
        } else {
            return Optional.empty();
        }
        String type = referenceable.get(target);
        if (type == null) {
            return Optional.empty(); // a parameter, or a dangling name (reported on its own)
        }
        Set<String> types = new TreeSet<>();
        related.forEach(r -> types.add(r.path("cloudFormationType").asText()));
        return types.contains(type)
                ? Optional.empty()
                : Optional.of(
                        path
                                + ": names "
                                + target
                                + ", a "
                                + type
                                + "; AWS expects one of "
                                + types);
    }

    /** Findings for a value against a property type of the specification. */
    private List<String> fit(String path, Object value, JsonNode type, String owner) {
        if (value instanceof Map<?, ?> m && isIntrinsic(m)) {
            return intrinsicFits(path, m, type, owner);
        }
        String kind = type.path("type").asText();
        return switch (kind) {
            case "string", "date-time" ->
                    scalar(value) ? List.of() : List.of(expected(path, "a string", value));
            case "integer" ->
                    value instanceof Integer
                                    || value instanceof Long
                                    || value instanceof java.math.BigInteger
                                    || (value instanceof String s && s.matches("-?\\d+"))
                            ? List.of()
                            : List.of(expected(path, "an integer", value));
            case "number" ->
                    value instanceof Number
                                    || (value instanceof String s
                                            && s.matches("-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?"))
                            ? List.of()
                            : List.of(expected(path, "a number", value));
            case "boolean" ->
                    value instanceof Boolean
                                    || (value instanceof String s
                                            && (s.equalsIgnoreCase("true")
                                                    || s.equalsIgnoreCase("false")))
                            ? List.of()
                            : List.of(expected(path, "a boolean", value));
            case "json" -> List.of();
            case "tag" ->
                    value instanceof Map<?, ?> m && m.containsKey("Key") && m.containsKey("Value")
                            ? List.of()
                            : List.of(expected(path, "a tag {Key, Value}", value));
            case "array" -> {
                if (!(value instanceof List<?> list)) {
                    yield List.of(expected(path, "a list", value));
                }
                List<String> out = new ArrayList<>();
                for (int i = 0; i < list.size(); i++) {
                    out.addAll(fit(path + "[" + i + "]", list.get(i), type.path("element"), owner));
                }
                yield out;
            }
            case "map" -> {
                if (!(value instanceof Map<?, ?> m)) {
                    yield List.of(expected(path, "a map", value));
                }
                List<String> out = new ArrayList<>();
                m.forEach(
                        (k, v) -> out.addAll(fit(path + "." + k, v, type.path("element"), owner)));
                yield out;
            }
            case "ref" -> {
                if (!(value instanceof Map<?, ?>)) {
                    yield List.of(expected(path, "an object", value));
                }
                JsonNode definition = spec.typeDefinition(type);
                String name =
                        owner.replaceFirst("\\..*", "") + "." + definition.path("name").asText();
                yield eventSource(path, map(value), definition, name)
                        .orElseGet(
                                () ->
                                        object(
                                                path,
                                                map(value),
                                                definition.path("properties"),
                                                name));
            }
            case "union" -> union(path, value, type, owner);
            default ->
                    List.of(path + ": the specification has a type '" + kind + "' not known here");
        };
    }

    /**
     * A SAM event: its {@code Properties} are those of the event type its {@code Type} names
     * ({@code SQS} → {@code SQSEvent}), not whichever member of the union fits best.
     */
    private Optional<List<String>> eventSource(
            String path, Map<String, Object> value, JsonNode definition, String name) {
        if (!name.equals("AWS::Serverless::Function.EventSource")) {
            return Optional.empty();
        }
        List<String> out = new ArrayList<>();
        Object type = value.get("Type");
        JsonNode chosen = null;
        for (JsonNode member :
                definition.path("properties").path("Properties").path("type").path("types")) {
            JsonNode candidate = spec.typeDefinition(member);
            if (candidate.path("name").asText().equals(type + "Event")) {
                chosen = candidate;
            }
        }
        if (chosen == null) {
            out.add(path + ".Type: '" + type + "' is not a SAM event type");
            return Optional.of(out);
        }
        value.keySet().stream()
                .filter(key -> !key.equals("Type") && !key.equals("Properties"))
                .forEach(key -> out.add(path + ": unknown property '" + key + "' of an event"));
        out.addAll(
                object(
                        path + ".Properties",
                        map(value.get("Properties")),
                        chosen.path("properties"),
                        "AWS::Serverless::Function." + chosen.path("name").asText()));
        return Optional.of(out);
    }

    private List<String> union(String path, Object value, JsonNode type, String owner) {
        List<String> best = null;
        List<String> kinds = new ArrayList<>();
        for (JsonNode member : type.path("types")) {
            kinds.add(describe(member));
            if (!shapeFits(value, member)) {
                continue;
            }
            List<String> problems = fit(path, value, member, owner);
            if (problems.isEmpty()) {
                return List.of();
            }
            if (best == null || problems.size() < best.size()) {
                best = problems;
            }
        }
        return best != null ? best : List.of(expected(path, "one of " + kinds, value));
    }

    private static boolean shapeFits(Object value, JsonNode type) {
        String kind = type.path("type").asText();
        if (kind.equals("json") || kind.equals("union")) {
            return true;
        }
        if (value instanceof Map<?, ?>) {
            return kind.equals("ref") || kind.equals("map") || kind.equals("tag");
        }
        if (value instanceof List<?>) {
            return kind.equals("array");
        }
        return !(kind.equals("ref")
                || kind.equals("map")
                || kind.equals("tag")
                || kind.equals("array"));
    }

    private List<String> intrinsicFits(String path, Map<?, ?> fn, JsonNode type, String owner) {
        String name = String.valueOf(fn.keySet().iterator().next());
        Object arg = fn.get(name);
        if (name.equals("Ref") && "AWS::NoValue".equals(arg)) {
            return List.of(); // the property is left out
        }
        if (name.equals("Fn::If") && arg instanceof List<?> parts && parts.size() == 3) {
            List<String> out = new ArrayList<>(fit(path, parts.get(1), type, owner));
            out.addAll(fit(path, parts.get(2), type, owner));
            return out;
        }
        Yield yield = yields(name, arg);
        if (accepts(type, yield)) {
            return List.of();
        }
        return List.of(
                path
                        + ": expects "
                        + describe(type)
                        + ", but "
                        + "!"
                        + name.replace("Fn::", "")
                        + " yields "
                        + (yield == Yield.LIST ? "a list" : "a single value"));
    }

    private Yield yields(String function, Object arg) {
        return switch (function) {
            case "Ref" -> {
                String target = String.valueOf(arg);
                if (target.equals("AWS::NotificationARNs")) {
                    yield Yield.LIST;
                }
                Object type = map(parameters.get(target)).get("Type");
                yield type != null
                                && (type.equals("CommaDelimitedList")
                                        || String.valueOf(type).startsWith("List<")
                                        || String.valueOf(type).contains("<List<")
                                        || String.valueOf(type).contains("<CommaDelimitedList>"))
                        ? Yield.LIST
                        : Yield.SCALAR;
            }
            case "Fn::GetAtt" -> {
                List<String> parts = getAttParts(arg);
                String type = referenceable.get(parts.get(0));
                if (type == null || parts.size() < 2) {
                    yield Yield.ANY;
                }
                String attributeType =
                        spec.resource(type)
                                .map(r -> r.path("attributes").path(parts.get(1)).path("type"))
                                .map(t -> t.path("type").asText())
                                .orElse("");
                yield attributeType.equals("array")
                        ? Yield.LIST
                        : attributeType.isEmpty() || attributeType.equals("json")
                                ? Yield.ANY
                                : Yield.SCALAR;
            }
            case "Fn::Split", "Fn::GetAZs", "Fn::Cidr" -> Yield.LIST;
            case "Fn::Sub",
                    "Fn::Join",
                    "Fn::Base64",
                    "Fn::ImportValue",
                    "Fn::ToJsonString",
                    "Fn::Length" ->
                    Yield.SCALAR;
            default -> Yield.ANY;
        };
    }

    private static boolean accepts(JsonNode type, Yield yield) {
        if (yield == Yield.ANY) {
            return true;
        }
        return switch (type.path("type").asText()) {
            case "json" -> true;
            case "union" -> {
                for (JsonNode member : type.path("types")) {
                    if (accepts(member, yield)) {
                        yield true;
                    }
                }
                yield false;
            }
            case "array" -> yield == Yield.LIST;
            case "ref", "map", "tag" -> false;
            default -> yield == Yield.SCALAR;
        };
    }

    private String describe(JsonNode type) {
        String kind = type.path("type").asText();
        return switch (kind) {
            case "array" -> "a list of " + describe(type.path("element"));
            case "map" -> "a map of " + describe(type.path("element"));
            case "ref" -> "a " + spec.typeDefinition(type).path("name").asText() + " object";
            case "union" -> {
                List<String> members = new ArrayList<>();
                type.path("types").forEach(t -> members.add(describe(t)));
                yield String.join(" or ", members);
            }
            case "json" -> "JSON";
            default -> kind.startsWith("i") ? "an " + kind : "a " + kind;
        };
    }

    private static String expected(String path, String what, Object value) {
        String got =
                value instanceof List<?>
                        ? "a list"
                        : value instanceof Map<?, ?>
                                ? "a map"
                                : value == null ? "nothing" : "'" + value + "'";
        return path + ": expects " + what + ", got " + got;
    }

    private static boolean scalar(Object value) {
        return value instanceof String || value instanceof Number || value instanceof Boolean;
    }

    private static String nearest(String key, JsonNode properties) {
        String best = null;
        int distance = Integer.MAX_VALUE;
        for (var it = properties.fieldNames(); it.hasNext(); ) {
            String candidate = it.next();
            int d = distance(key.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
            if (d < distance) {
                distance = d;
                best = candidate;
            }
        }
        return best != null && distance <= Math.max(2, key.length() / 4)
                ? " (did you mean '" + best + "'?)"
                : "";
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] =
                        Math.min(
                                Math.min(current[j - 1] + 1, previous[j] + 1),
                                previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    // ------------------------------------------------------------------ intrinsic functions

    /** Every Ref, GetAtt, Sub, If and Condition under {@code value} names what exists. */
    private void intrinsics(String path, Object value, boolean inConditions) {
        if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                intrinsics(path + "[" + i + "]", list.get(i), inConditions);
            }
            return;
        }
        if (!(value instanceof Map<?, ?> m)) {
            return;
        }
        if (isIntrinsic(m) || (inConditions && m.size() == 1 && m.containsKey("Condition"))) {
            String name = String.valueOf(m.keySet().iterator().next());
            Object arg = m.get(name);
            switch (name) {
                case "Ref" -> ref(path, String.valueOf(arg), inConditions);
                case "Condition" -> conditionName(path, arg);
                case "Fn::GetAtt" -> getAtt(path, arg);
                case "Fn::Sub" -> sub(path, arg);
                case "Fn::If" -> {
                    List<?> parts = arg instanceof List<?> l ? l : List.of();
                    if (parts.size() != 3) {
                        add(path, "!If takes [condition, value if true, value if false]");
                    } else {
                        conditionName(path, parts.get(0));
                        intrinsics(path, parts.get(1), inConditions);
                        intrinsics(path, parts.get(2), inConditions);
                    }
                }
                default -> {
                    if (!FUNCTIONS.contains(name)) {
                        add(path, "'" + name + "' is not an intrinsic function");
                    }
                    intrinsics(path, arg, inConditions);
                }
            }
            return;
        }
        m.forEach((k, v) -> intrinsics(path + "." + k, v, inConditions));
    }

    private void ref(String path, String target, boolean inConditions) {
        if (PSEUDO_PARAMETERS.contains(target) || parameters.containsKey(target)) {
            return;
        }
        if (inConditions) {
            add(path, "!Ref " + target + ": a condition can only name parameters");
        } else if (!referenceable.containsKey(target)) {
            add(
                    path,
                    "!Ref "
                            + target
                            + " names no resource, parameter or pseudo parameter"
                            + (target.startsWith("AWS::")
                                    ? ""
                                    : " (nor a resource SAM generates)"));
        }
    }

    private static List<String> getAttParts(Object arg) {
        if (arg instanceof List<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        String dotted = String.valueOf(arg);
        int dot = dotted.indexOf('.');
        return dot < 0
                ? List.of(dotted)
                : List.of(dotted.substring(0, dot), dotted.substring(dot + 1));
    }

    private void getAtt(String path, Object arg) {
        List<String> parts = getAttParts(arg);
        if (parts.size() != 2) {
            add(path, "!GetAtt takes Resource.Attribute");
            return;
        }
        String named = "!GetAtt " + parts.get(0) + "." + parts.get(1);
        String type = referenceable.get(parts.get(0));
        if (type == null) {
            add(path, named + ": no resource " + parts.get(0));
            return;
        }
        Optional<JsonNode> entry = spec.resource(type);
        if (entry.isPresent()
                && entry.get().path("attributes").size() > 0
                && !entry.get().path("attributes").has(parts.get(1))) {
            Set<String> known = new TreeSet<>();
            entry.get().path("attributes").fieldNames().forEachRemaining(known::add);
            add(
                    path,
                    named
                            + ": "
                            + type
                            + " has no attribute "
                            + parts.get(1)
                            + " (it has "
                            + known
                            + ")");
        }
    }

    private void sub(String path, Object arg) {
        String text;
        Map<String, Object> variables = Map.of();
        if (arg instanceof List<?> list && !list.isEmpty()) {
            text = String.valueOf(list.get(0));
            if (list.size() > 1) {
                variables = map(list.get(1));
                intrinsics(path, variables, false);
            }
        } else {
            text = String.valueOf(arg);
        }
        Matcher m = SUB_VARIABLE.matcher(text);
        while (m.find()) {
            String name = m.group(1).trim();
            if (name.startsWith("!") || variables.containsKey(name)) {
                continue;
            }
            if (name.contains(".") && !name.startsWith("AWS::")) {
                getAtt(path, name);
            } else {
                ref(path, name, false);
            }
        }
    }

    private void conditionName(String path, Object name) {
        if (name != null && !conditions.containsKey(String.valueOf(name))) {
            add(path, "no condition named " + name);
        }
    }

    // ------------------------------------------------------------------ parameters

    private void checkParameter(String path, Map<String, Object> p) {
        p.keySet().stream()
                .filter(key -> !PARAMETER_KEYS.contains(key))
                .forEach(key -> add(path, "unknown parameter attribute '" + key + "'"));
        String type = String.valueOf(p.get("Type"));
        boolean list = type.equals("CommaDelimitedList") || type.startsWith("List<");
        if (!(type.equals("String")
                || type.equals("Number")
                || type.equals("CommaDelimitedList")
                || type.equals("List<Number>")
                || type.startsWith("AWS::")
                || type.startsWith("List<AWS::"))) {
            add(path + ".Type", "'" + type + "' is not a parameter type");
        }
        Object def = p.get("Default");
        if (def == null) {
            return;
        }
        List<String> values =
                list ? List.of(String.valueOf(def).split(",", -1)) : List.of(String.valueOf(def));
        for (String value : values) {
            if (p.get("AllowedPattern") != null) {
                // CloudFormation: "the pattern must match the entire parameter value" (each value
                // of a CommaDelimitedList).
                try {
                    if (!Pattern.compile(String.valueOf(p.get("AllowedPattern")))
                            .matcher(value)
                            .matches()) {
                        add(
                                path + ".Default",
                                "'"
                                        + value
                                        + "' does not match AllowedPattern "
                                        + p.get("AllowedPattern"));
                    }
                } catch (PatternSyntaxException e) {
                    add(
                            path + ".AllowedPattern",
                            "not a regular expression: " + e.getDescription());
                }
            }
            if (p.get("AllowedValues") instanceof List<?> allowed
                    && allowed.stream().map(String::valueOf).noneMatch(value::equals)) {
                add(path + ".Default", "'" + value + "' is not one of AllowedValues " + allowed);
            }
            length(path, p, "MinLength", value, value.length() >= number(p.get("MinLength")));
            length(
                    path,
                    p,
                    "MaxLength",
                    value,
                    p.get("MaxLength") == null || value.length() <= number(p.get("MaxLength")));
        }
        if (type.equals("Number")) {
            double n;
            try {
                n = Double.parseDouble(String.valueOf(def));
            } catch (NumberFormatException e) {
                add(path + ".Default", "'" + def + "' is not a number");
                return;
            }
            if (p.get("MinValue") != null && n < number(p.get("MinValue"))) {
                add(path + ".Default", def + " is below MinValue " + p.get("MinValue"));
            }
            if (p.get("MaxValue") != null && n > number(p.get("MaxValue"))) {
                add(path + ".Default", def + " is above MaxValue " + p.get("MaxValue"));
            }
        } else if (p.containsKey("MinValue") || p.containsKey("MaxValue")) {
            add(path, "MinValue and MaxValue apply to Number parameters only");
        }
    }

    private void length(String path, Map<String, Object> p, String key, String value, boolean ok) {
        if (p.get(key) != null && !ok) {
            add(path + ".Default", "'" + value + "' breaks " + key + " " + p.get(key));
        }
    }

    private static double number(Object value) {
        return value == null ? 0 : Double.parseDouble(String.valueOf(value));
    }

    // ------------------------------------------------------------------ IAM

    private void policies(String path, String type, Map<String, Object> properties) {
        switch (type) {
            case "AWS::Serverless::Function" -> {
                Object policies = properties.get("Policies");
                for (Object policy : policies instanceof List<?> l ? l : listOf(policies)) {
                    policyDocument(path + ".Properties.Policies", policy);
                }
            }
            case "AWS::Lambda::Permission" ->
                    action(path + ".Properties.Action", properties.get("Action"));
            default -> {}
        }
        if (type.equals("AWS::IAM::Role") && properties.get("Policies") instanceof List<?> l) {
            for (Object policy : l) {
                policyDocument(path + ".Properties.Policies", map(policy).get("PolicyDocument"));
            }
        }
        if (type.equals("AWS::IAM::Policy") || type.equals("AWS::IAM::ManagedPolicy")) {
            policyDocument(path + ".Properties.PolicyDocument", properties.get("PolicyDocument"));
        }
    }

    private static List<Object> listOf(Object value) {
        return value == null ? List.of() : List.of(value);
    }

    private void policyDocument(String path, Object document) {
        if (document instanceof Map<?, ?> m && isIntrinsic(m)) {
            if (m.containsKey("Fn::If")
                    && m.get("Fn::If") instanceof List<?> parts
                    && parts.size() == 3) {
                policyDocument(path, parts.get(1));
                policyDocument(path, parts.get(2));
            }
            return;
        }
        if (!(document instanceof Map<?, ?> m) || !m.containsKey("Statement")) {
            return; // a managed policy's name or a SAM policy template: checked by the spec
        }
        Object statements = m.get("Statement");
        List<?> list = statements instanceof List<?> l ? l : List.of(statements);
        for (int i = 0; i < list.size(); i++) {
            String at = path + ".Statement[" + i + "]";
            Map<String, Object> statement = map(list.get(i));
            statement.keySet().stream()
                    .filter(key -> !STATEMENT_KEYS.contains(key))
                    .forEach(key -> add(at, "unknown policy statement key '" + key + "'"));
            Object effect = statement.get("Effect");
            if (!"Allow".equals(effect) && !"Deny".equals(effect)) {
                add(at + ".Effect", "must be Allow or Deny, not " + effect);
            }
            if (!statement.containsKey("Action") && !statement.containsKey("NotAction")) {
                add(at, "a statement needs an Action");
            }
            if (!statement.containsKey("Resource") && !statement.containsKey("NotResource")) {
                add(at, "an identity policy's statement needs a Resource");
            }
            Object actions = statement.getOrDefault("Action", statement.get("NotAction"));
            for (Object action : actions instanceof List<?> l ? l : listOf(actions)) {
                action(at + ".Action", action);
            }
        }
    }

    private void action(String path, Object action) {
        if (action instanceof String a) {
            iam.problem(a).ifPresent(problem -> add(path, problem));
        }
    }

    // ------------------------------------------------------------------ Serverless Application
    // Repository

    /**
     * The {@code Metadata: AWS::ServerlessRepo::Application} section, against "AWS SAM template
     * Metadata section properties"
     * (https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/serverless-sam-template-publishing-applications-metadata-properties.html):
     * Name, Description and Author required; the documented lengths and patterns; "AWS
     * CloudFormation intrinsic functions aren't supported by the AWS::ServerlessRepo::Application
     * metadata key".
     */
    private void serverlessRepository() {
        Object section = map(root.get("Metadata")).get("AWS::ServerlessRepo::Application");
        if (section == null) {
            return;
        }
        String path = "Metadata.AWS::ServerlessRepo::Application";
        Map<String, Object> app = map(section);
        Set<String> known =
                Set.of(
                        "Name",
                        "Description",
                        "Author",
                        "SpdxLicenseId",
                        "LicenseUrl",
                        "ReadmeUrl",
                        "Labels",
                        "HomePageUrl",
                        "SemanticVersion",
                        "SourceCodeUrl");
        app.forEach(
                (key, value) -> {
                    if (!known.contains(key)) {
                        add(path, "unknown property '" + key + "'");
                    }
                    if (value instanceof Map<?, ?>) {
                        add(path + "." + key, "intrinsic functions are not supported here");
                    }
                });
        for (String required : List.of("Name", "Description", "Author")) {
            if (!app.containsKey(required)) {
                add(path, "missing required property '" + required + "'");
            }
        }
        pattern(path + ".Name", app.get("Name"), "[a-zA-Z0-9\\-]+", 140);
        pattern(path + ".Description", app.get("Description"), "(?s).+", 256);
        pattern(
                path + ".Author",
                app.get("Author"),
                "^[a-z0-9](([a-z0-9]|-(?!-))*[a-z0-9])?$",
                127);
        if (app.get("Labels") instanceof List<?> labels) {
            if (labels.size() > 10) {
                add(path + ".Labels", "at most 10 labels");
            }
            labels.forEach(l -> pattern(path + ".Labels", l, "^[a-zA-Z0-9+\\-_:\\/@]+$", 127));
        }
        if (app.get("SemanticVersion") != null
                && !String.valueOf(app.get("SemanticVersion"))
                        .matches(
                                "(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(-[0-9A-Za-z.-]+)?")) {
            add(
                    path + ".SemanticVersion",
                    "'" + app.get("SemanticVersion") + "' is not a semantic version");
        }
    }

    private void pattern(String path, Object value, String regex, int maxLength) {
        if (value == null) {
            return;
        }
        String text = String.valueOf(value);
        if (text.isEmpty()
                || text.length() > maxLength
                || !Pattern.compile(regex).matcher(text).matches()) {
            add(
                    path,
                    "'"
                            + text
                            + "' must match "
                            + regex
                            + " and be 1 to "
                            + maxLength
                            + " characters");
        }
    }

    // ------------------------------------------------------------------ helpers

    private void add(String path, String problem) {
        findings.add(path + ": " + problem);
    }

    private static boolean isIntrinsic(Map<?, ?> m) {
        if (m.size() != 1) {
            return false;
        }
        String key = String.valueOf(m.keySet().iterator().next());
        return key.equals("Ref") || key.startsWith("Fn::");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }
}
