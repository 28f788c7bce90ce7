package dev.godotsignal.template;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the local gateway needs from {@code sam-template.yaml}: the WebSocket API's route selection
 * expression and stage, each route's function (handler class, environment, memory, timeout), and
 * the DynamoDB tables. Intrinsics are resolved the way a local stack would: parameters take their
 * defaults (or overrides), a table's Ref is its local name, pseudo parameters get fixed local
 * values.
 */
public final class SamTemplate {
    public static final String REGION = "us-east-1";
    public static final String ACCOUNT = "000000000000";
    public static final String LOCAL_API_ID = "local";

    /**
     * A route and the function it invokes; {@code functionId} is empty for a MOCK integration
     * (answered by API Gateway). {@code authorizer}: the REQUEST authorizer guarding it, if any.
     */
    public record Route(
            String routeKey, Optional<String> functionId, Optional<Authorizer> authorizer) {}

    /** A Lambda REQUEST authorizer: its function and the identity sources that must be present. */
    public record Authorizer(String functionId, List<String> identitySources) {}

    public record FunctionSpec(
            String logicalId,
            String handler,
            Map<String, String> environment,
            int memoryMb,
            int timeoutSeconds) {
        /** The handler's class name ({@code pkg.Class::method} → {@code pkg.Class}). */
        public String handlerClass() {
            int sep = handler.indexOf("::");
            return sep < 0 ? handler : handler.substring(0, sep);
        }
    }

    /**
     * An HTTP API route ({@code Type: HttpApi} event) and its function; {@code allowOrigins} is its
     * API's CORS configuration ({@code *} for any origin; empty: no CORS).
     */
    public record HttpRoute(
            String method, String path, String functionId, List<String> allowOrigins) {}

    /** A function consuming a queue (an SQS event source). */
    public record QueueSubscription(String queueId, String queueUrl, String functionId) {}

    public record KeyElement(String attribute, String keyType) {}

    public record IndexSpec(String name, List<KeyElement> keys, String projectionType) {}

    public record TableSpec(
            String logicalId,
            String tableName,
            List<KeyElement> keys,
            Map<String, String> attributeTypes,
            List<IndexSpec> globalIndexes,
            Optional<String> ttlAttribute) {}

    private final Map<String, Object> root;
    private final Map<String, Map<String, Object>> resources;
    private final Map<String, String> parameters = new LinkedHashMap<>();
    private final Set<String> listParameters = new HashSet<>();
    private final Map<String, Route> routes = new LinkedHashMap<>();
    private final Map<String, FunctionSpec> functions = new LinkedHashMap<>();
    private final List<TableSpec> tables = new ArrayList<>();
    private final List<QueueSubscription> subscriptions = new ArrayList<>();
    private final List<HttpRoute> httpRoutes = new ArrayList<>();
    private final String routeSelectionExpression;
    private final String stageName;

    private SamTemplate(Map<String, Object> root, Map<String, String> parameterOverrides) {
        this.root = root;
        this.resources = new LinkedHashMap<>();
        castMap(root.getOrDefault("Resources", Map.of()))
                .forEach((id, resource) -> resources.put(id, castMap(resource)));
        Map<String, Object> params = castMap(root.getOrDefault("Parameters", Map.of()));
        params.forEach(
                (name, spec) -> {
                    if ("CommaDelimitedList".equals(castMap(spec).get("Type"))) {
                        listParameters.add(name);
                    }
                    Object def = castMap(spec).get("Default");
                    parameters.put(name, def == null ? "" : String.valueOf(def));
                });
        parameterOverrides.forEach(
                (name, value) -> {
                    if (!parameters.containsKey(name)) {
                        throw new IllegalArgumentException(
                                "the template has no parameter "
                                        + name
                                        + " (it has "
                                        + parameters.keySet()
                                        + ")");
                    }
                    parameters.put(name, value);
                });

        // Resources whose Condition is false do not exist (e.g. the authorizer when tokens are
        // off).
        resources
                .entrySet()
                .removeIf(
                        e ->
                                e.getValue().containsKey("Condition")
                                        && !condition(
                                                String.valueOf(e.getValue().get("Condition"))));
        String selection = null;
        String stage = null;
        for (var entry : resources.entrySet()) {
            String id = entry.getKey();
            Map<String, Object> props = properties(id);
            switch (type(id)) {
                case "AWS::ApiGatewayV2::Api" -> {
                    if ("WEBSOCKET".equals(resolve(props.get("ProtocolType")))) {
                        selection = (String) resolve(props.get("RouteSelectionExpression"));
                    }
                }
                case "AWS::ApiGatewayV2::Stage" -> stage = (String) resolve(props.get("StageName"));
                case "AWS::Serverless::Function" -> functions.put(id, function(id, props));
                case "AWS::DynamoDB::Table" -> tables.add(table(id, props));
                default -> {}
            }
        }
        if (selection == null) {
            throw new IllegalArgumentException(
                    "the template declares no AWS::ApiGatewayV2::Api with ProtocolType WEBSOCKET");
        }
        this.routeSelectionExpression = selection;
        this.stageName = stage == null ? "$default" : stage;
        for (String id : functions.keySet()) {
            Map<String, Object> events = castMap(properties(id).getOrDefault("Events", Map.of()));
            for (Object event : events.values()) {
                Map<String, Object> e = castMap(event);
                if ("SQS".equals(e.get("Type"))) {
                    String queue =
                            referencedIds(castMap(e.get("Properties")).get("Queue"))
                                    .iterator()
                                    .next();
                    subscriptions.add(new QueueSubscription(queue, String.valueOf(ref(queue)), id));
                }
                if ("HttpApi".equals(e.get("Type"))) {
                    httpRoutes.add(httpRoute(id, castMap(e.get("Properties"))));
                }
            }
        }
        for (String id : resources.keySet()) {
            if (type(id).equals("AWS::ApiGatewayV2::Route")) {
                Route route = route(id, properties(id));
                routes.put(route.routeKey(), route);
            }
        }
    }

    private HttpRoute httpRoute(String functionId, Map<String, Object> props) {
        List<String> origins = List.of();
        Object api = props.get("ApiId");
        if (api != null) {
            Object cors =
                    castMap(properties(referencedIds(api).iterator().next()))
                            .get("CorsConfiguration");
            if (cors != null) {
                Object allowed = resolve(castMap(cors).get("AllowOrigins"));
                origins =
                        allowed instanceof List<?> list
                                ? list.stream().map(String::valueOf).toList()
                                : List.of(String.valueOf(allowed));
            }
        }
        return new HttpRoute(
                String.valueOf(resolve(props.get("Method"))).toUpperCase(java.util.Locale.ROOT),
                String.valueOf(resolve(props.get("Path"))),
                functionId,
                origins);
    }

    /** The template's outputs, as written (intrinsics unresolved). */
    public Map<String, Object> outputs() {
        return castMap(root.getOrDefault("Outputs", Map.of()));
    }

    /** The HTTP API routes of the template's functions. */
    public List<HttpRoute> httpRoutes() {
        return List.copyOf(httpRoutes);
    }

    public static SamTemplate load(Path file, Map<String, String> parameterOverrides)
            throws IOException {
        return new SamTemplate(CfnYaml.load(file), parameterOverrides);
    }

    public String routeSelectionExpression() {
        return routeSelectionExpression;
    }

    public String stageName() {
        return stageName;
    }

    public Map<String, Route> routes() {
        return routes;
    }

    public Map<String, FunctionSpec> functions() {
        return functions;
    }

    public List<TableSpec> tables() {
        return tables;
    }

    public List<QueueSubscription> queueSubscriptions() {
        return subscriptions;
    }

    public Map<String, String> parameters() {
        return parameters;
    }

    /** The raw, unresolved resource map, for checks of the template's wiring. */
    public Map<String, Map<String, Object>> resources() {
        return resources;
    }

    public String type(String logicalId) {
        return String.valueOf(resources.get(logicalId).get("Type"));
    }

    public Map<String, Object> properties(String logicalId) {
        return castMap(resources.get(logicalId).getOrDefault("Properties", Map.of()));
    }

    private FunctionSpec function(String id, Map<String, Object> props) {
        Map<String, Object> globals =
                castMap(
                        castMap(root.getOrDefault("Globals", Map.of()))
                                .getOrDefault("Function", Map.of()));
        Map<String, String> env = new LinkedHashMap<>();
        for (Map<String, Object> source : List.of(globals, props)) {
            Map<String, Object> vars =
                    castMap(
                            castMap(source.getOrDefault("Environment", Map.of()))
                                    .getOrDefault("Variables", Map.of()));
            vars.forEach(
                    (k, v) -> {
                        Object value = resolve(v);
                        if (value != null) {
                            env.put(k, String.valueOf(value));
                        }
                    });
        }
        Object handler = resolve(props.getOrDefault("Handler", globals.get("Handler")));
        if (handler == null) {
            throw new IllegalArgumentException("function " + id + " has no Handler");
        }
        int memory =
                Integer.parseInt(
                        String.valueOf(
                                resolve(
                                        props.getOrDefault(
                                                "MemorySize",
                                                globals.getOrDefault("MemorySize", 128)))));
        int timeout =
                Integer.parseInt(
                        String.valueOf(
                                resolve(
                                        props.getOrDefault(
                                                "Timeout", globals.getOrDefault("Timeout", 3)))));
        return new FunctionSpec(id, String.valueOf(handler), env, memory, timeout);
    }

    private TableSpec table(String id, Map<String, Object> props) {
        Object name = resolve(props.get("TableName"));
        Map<String, String> attributeTypes = new LinkedHashMap<>();
        for (Object def : castList(props.get("AttributeDefinitions"))) {
            Map<String, Object> d = castMap(def);
            attributeTypes.put(
                    (String) resolve(d.get("AttributeName")),
                    (String) resolve(d.get("AttributeType")));
        }
        List<IndexSpec> indexes = new ArrayList<>();
        for (Object gsi : castList(props.getOrDefault("GlobalSecondaryIndexes", List.of()))) {
            Map<String, Object> g = castMap(gsi);
            String projection =
                    (String)
                            resolve(
                                    castMap(g.getOrDefault("Projection", Map.of()))
                                            .getOrDefault("ProjectionType", "ALL"));
            indexes.add(
                    new IndexSpec(
                            (String) resolve(g.get("IndexName")),
                            keys(g.get("KeySchema")),
                            projection));
        }
        Map<String, Object> ttl = castMap(props.getOrDefault("TimeToLiveSpecification", Map.of()));
        Optional<String> ttlAttribute =
                Boolean.parseBoolean(String.valueOf(resolve(ttl.getOrDefault("Enabled", false))))
                        ? Optional.of((String) resolve(ttl.get("AttributeName")))
                        : Optional.empty();
        return new TableSpec(
                id,
                name == null ? id : String.valueOf(name),
                keys(props.get("KeySchema")),
                attributeTypes,
                indexes,
                ttlAttribute);
    }

    private List<KeyElement> keys(Object schema) {
        List<KeyElement> keys = new ArrayList<>();
        for (Object k : castList(schema)) {
            Map<String, Object> key = castMap(k);
            keys.add(
                    new KeyElement(
                            (String) resolve(key.get("AttributeName")),
                            (String) resolve(key.get("KeyType"))));
        }
        return keys;
    }

    /** Route → Integration (via Target) → function (via IntegrationUri, usually its alias). */
    private Route route(String id, Map<String, Object> props) {
        String key = String.valueOf(resolve(props.get("RouteKey")));
        String integration =
                referencedIds(props.get("Target")).stream()
                        .filter(
                                ref ->
                                        resources.containsKey(ref)
                                                && type(ref)
                                                        .equals("AWS::ApiGatewayV2::Integration"))
                        .findFirst()
                        .orElseThrow(
                                () ->
                                        new IllegalArgumentException(
                                                "route "
                                                        + id
                                                        + " ("
                                                        + key
                                                        + ") has no integration target"));
        Optional<Authorizer> authorizer = Optional.empty();
        if ("CUSTOM".equals(resolve(props.get("AuthorizationType")))) {
            String authorizerId = String.valueOf(resolve(props.get("AuthorizerId")));
            Map<String, Object> authProps = properties(authorizerId);
            List<String> sources = new ArrayList<>();
            castList(resolve(authProps.get("IdentitySource")))
                    .forEach(source -> sources.add(String.valueOf(source)));
            authorizer =
                    Optional.of(
                            new Authorizer(
                                    functionInvokedBy(authProps.get("AuthorizerUri"), authorizerId),
                                    sources));
        }
        if ("MOCK".equals(resolve(properties(integration).get("IntegrationType")))) {
            return new Route(key, Optional.empty(), authorizer);
        }
        return new Route(
                key,
                Optional.of(
                        functionInvokedBy(
                                properties(integration).get("IntegrationUri"), integration)),
                authorizer);
    }

    /** The function an invocation URI points at (usually through its alias). */
    private String functionInvokedBy(Object uri, String owner) {
        Set<String> uriRefs = referencedIds(uri);
        return functions.keySet().stream()
                .filter(
                        fn ->
                                uriRefs.stream()
                                        .anyMatch(
                                                ref ->
                                                        ref.equals(fn)
                                                                || ref.startsWith(fn + "Alias")
                                                                || ref.startsWith(fn + ".")))
                .max((a, b) -> Integer.compare(a.length(), b.length()))
                .orElseThrow(
                        () ->
                                new IllegalArgumentException(
                                        owner + " invokes no function of this template"));
    }

    private static final Pattern SUB_VAR = Pattern.compile("\\$\\{([^}!]+)}");

    /** Every logical id a value refers to: Ref, GetAtt, and ${...} inside Sub. */
    public static Set<String> referencedIds(Object value) {
        Set<String> ids = new LinkedHashSet<>();
        collectRefs(value, ids);
        return ids;
    }

    private static void collectRefs(Object value, Set<String> ids) {
        if (value instanceof Map<?, ?> map) {
            if (map.size() == 1 && map.containsKey("Ref")) {
                ids.add(String.valueOf(map.get("Ref")));
            } else if (map.size() == 1 && map.containsKey("Fn::GetAtt")) {
                ids.add(String.valueOf(((List<?>) map.get("Fn::GetAtt")).get(0)));
            } else if (map.size() == 1 && map.containsKey("Fn::Sub")) {
                Object sub = map.get("Fn::Sub");
                String text =
                        sub instanceof List<?> list
                                ? String.valueOf(list.get(0))
                                : String.valueOf(sub);
                Matcher m = SUB_VAR.matcher(text);
                while (m.find()) {
                    String name = m.group(1);
                    ids.add(
                            name.contains(".") && !name.startsWith("AWS::")
                                    ? name.substring(0, name.indexOf('.'))
                                    : name);
                }
                if (sub instanceof List<?> list && list.size() > 1) {
                    collectRefs(list.get(1), ids);
                }
            } else {
                map.values().forEach(v -> collectRefs(v, ids));
            }
        } else if (value instanceof List<?> list) {
            list.forEach(v -> collectRefs(v, ids));
        }
    }

    /** Resolves intrinsics to local values; {@code AWS::NoValue} resolves to null. */
    // Statement switches on purpose: each case returns, and what no case matches falls through to
    // the next kind of lookup below.
    @SuppressWarnings("StatementSwitchToExpressionSwitch")
    public Object resolve(Object value) {
        if (value instanceof Map<?, ?> map && map.size() == 1) {
            String fn = String.valueOf(map.keySet().iterator().next());
            Object arg = map.values().iterator().next();
            switch (fn) {
                case "Ref":
                    return ref(String.valueOf(arg));
                case "Fn::Sub":
                    return sub(arg);
                case "Fn::GetAtt":
                    {
                        List<?> parts = (List<?>) arg;
                        return getAtt(String.valueOf(parts.get(0)), String.valueOf(parts.get(1)));
                    }
                case "Fn::Join":
                    {
                        List<?> parts = (List<?>) arg;
                        List<String> items = new ArrayList<>();
                        for (Object item : castList(resolve(parts.get(1)))) {
                            items.add(String.valueOf(resolve(item)));
                        }
                        return String.join(String.valueOf(parts.get(0)), items);
                    }
                case "Fn::If":
                    {
                        List<?> parts = (List<?>) arg;
                        return condition(String.valueOf(parts.get(0)))
                                ? resolve(parts.get(1))
                                : resolve(parts.get(2));
                    }
                default:
                    break;
            }
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), resolve(v)));
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            list.forEach(v -> out.add(resolve(v)));
            return out;
        }
        return value;
    }

    @SuppressWarnings("StatementSwitchToExpressionSwitch") // see resolve
    private Object ref(String name) {
        switch (name) {
            case "AWS::Region":
                return REGION;
            case "AWS::AccountId":
                return ACCOUNT;
            case "AWS::StackName":
                return "local";
            case "AWS::Partition":
                return "aws";
            case "AWS::URLSuffix":
                return "amazonaws.com";
            case "AWS::NoValue":
                return null;
            default:
                break;
        }
        if (parameters.containsKey(name)) {
            String value = parameters.get(name);
            return listParameters.contains(name) ? List.of(value.split(",", -1)) : value;
        }
        if (resources.containsKey(name)) {
            return switch (type(name)) {
                case "AWS::DynamoDB::Table" -> {
                    Object tableName = resolve(properties(name).get("TableName"));
                    yield tableName == null ? name : String.valueOf(tableName);
                }
                case "AWS::ApiGatewayV2::Api" -> LOCAL_API_ID;
                case "AWS::SQS::Queue" ->
                        "https://sqs."
                                + REGION
                                + ".amazonaws.com/"
                                + ACCOUNT
                                + "/"
                                + queueName(name);
                default -> name;
            };
        }
        return name; // e.g. a SAM-generated alias: its logical id is as good a local name as any
    }

    private String queueName(String logicalId) {
        Object name = resolve(properties(logicalId).get("QueueName"));
        return name == null ? logicalId : String.valueOf(name);
    }

    private Object getAtt(String resource, String attribute) {
        if (attribute.equals("Arn")
                && resources.containsKey(resource)
                && type(resource).equals("AWS::SQS::Queue")) {
            return "arn:aws:sqs:" + REGION + ":" + ACCOUNT + ":" + queueName(resource);
        }
        if (attribute.equals("Arn")) {
            String service =
                    resources.containsKey(resource)
                            ? type(resource).split("::", -1)[1].toLowerCase(Locale.ROOT)
                            : "local";
            return "arn:aws:" + service + ":" + REGION + ":" + ACCOUNT + ":" + ref(resource);
        }
        return ref(resource) + "." + attribute;
    }

    private String sub(Object arg) {
        String text;
        Map<String, Object> vars = Map.of();
        if (arg instanceof List<?> list) {
            text = String.valueOf(list.get(0));
            vars = castMap(list.get(1));
        } else {
            text = String.valueOf(arg);
        }
        Matcher m = SUB_VAR.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            Object value;
            if (vars.containsKey(name)) {
                value = resolve(vars.get(name));
            } else if (name.contains(".") && !name.startsWith("AWS::")) {
                int dot = name.indexOf('.');
                value = getAtt(name.substring(0, dot), name.substring(dot + 1));
            } else {
                value = ref(name);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(String.valueOf(value)));
        }
        m.appendTail(out);
        return out.toString();
    }

    private boolean condition(String name) {
        Map<String, Object> conditions = castMap(root.getOrDefault("Conditions", Map.of()));
        if (!conditions.containsKey(name)) {
            throw new IllegalArgumentException("unknown condition " + name);
        }
        return evaluate(conditions.get(name));
    }

    private boolean evaluate(Object expression) {
        Map<String, Object> map = castMap(expression);
        String fn = map.keySet().iterator().next();
        Object arg = map.get(fn);
        return switch (fn) {
            case "Fn::Equals" -> {
                List<?> parts = (List<?>) arg;
                yield String.valueOf(resolve(parts.get(0)))
                        .equals(String.valueOf(resolve(parts.get(1))));
            }
            case "Fn::Not" -> !evaluate(((List<?>) arg).get(0));
            case "Fn::And" -> castList(arg).stream().allMatch(this::evaluate);
            case "Fn::Or" -> castList(arg).stream().anyMatch(this::evaluate);
            case "Condition" -> condition(String.valueOf(arg));
            default -> throw new IllegalArgumentException("unsupported condition function " + fn);
        };
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object value) {
        return value == null ? Map.of() : (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> castList(Object value) {
        return value == null ? List.of() : (List<Object>) value;
    }
}
