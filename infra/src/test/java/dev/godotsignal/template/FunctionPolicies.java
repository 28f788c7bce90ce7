package dev.godotsignal.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A function's IAM grants as {@code sam-template.yaml} writes them (its {@code Policies}' inline
 * statements), resolved the way {@link SamTemplate} resolves ARNs locally ({@code !GetAtt
 * LobbiesTable.Arn} → {@code arn:aws:dynamodb:us-east-1:000000000000:LobbiesTable}), so that a
 * recorded call can be matched against them: same action, resource matching the statement's pattern
 * ({@code *} and {@code ?} as IAM reads them). Only {@code Allow} statements with {@code Action}
 * and {@code Resource} are understood; any other policy form fails loudly, so a template change
 * that this reading does not cover cannot pass unnoticed.
 */
public final class FunctionPolicies {
    private FunctionPolicies() {}

    /** One allowed action on one resource pattern. */
    public record Grant(String action, String resource) {
        public boolean allows(String calledAction, String resourceArn) {
            return action.equalsIgnoreCase(calledAction)
                    && glob(resource).matcher(resourceArn).matches();
        }
    }

    /** The local ARN a DynamoDB call on {@code table} (and {@code index}, if any) touches. */
    public static String tableArn(String table, String index) {
        return "arn:aws:dynamodb:"
                + SamTemplate.REGION
                + ":"
                + SamTemplate.ACCOUNT
                + ":"
                + table
                + (index == null || index.isEmpty() ? "" : "/index/" + index);
    }

    public static String queueArn(String queueName) {
        return "arn:aws:sqs:" + SamTemplate.REGION + ":" + SamTemplate.ACCOUNT + ":" + queueName;
    }

    public static String parameterArn(String name) {
        return "arn:aws:ssm:"
                + SamTemplate.REGION
                + ":"
                + SamTemplate.ACCOUNT
                + ":parameter"
                + name;
    }

    public static String connectionsArn(String stage, String method, String connectionId) {
        return "arn:aws:execute-api:"
                + SamTemplate.REGION
                + ":"
                + SamTemplate.ACCOUNT
                + ":"
                + SamTemplate.LOCAL_API_ID
                + "/"
                + stage
                + "/"
                + method
                + "/@connections/"
                + connectionId;
    }

    /** The grants of {@code function}, with the template's parameters as {@code t} was loaded. */
    public static List<Grant> of(SamTemplate t, String function) {
        List<Grant> grants = new ArrayList<>();
        Object policies = t.resolve(t.properties(function).get("Policies"));
        for (Object policy : policies instanceof List<?> list ? list : List.of()) {
            if (policy == null) {
                continue; // a statement left out by its condition (!Ref AWS::NoValue)
            }
            if (!(policy instanceof Map<?, ?> document) || !document.containsKey("Statement")) {
                throw new IllegalArgumentException(
                        function + ": a policy form this reading does not cover: " + policy);
            }
            Object statements = document.get("Statement");
            for (Object s : statements instanceof List<?> list ? list : List.of(statements)) {
                Map<?, ?> statement = (Map<?, ?>) s;
                if (!"Allow".equals(statement.get("Effect"))
                        || !statement.containsKey("Action")
                        || !statement.containsKey("Resource")) {
                    throw new IllegalArgumentException(
                            function + ": a statement this reading does not cover: " + statement);
                }
                for (Object action : asList(statement.get("Action"))) {
                    for (Object resource : asList(statement.get("Resource"))) {
                        grants.add(new Grant(String.valueOf(action), String.valueOf(resource)));
                    }
                }
            }
        }
        return grants;
    }

    /** Whether {@code grants} allow {@code action} on {@code resourceArn}. */
    public static boolean allows(List<Grant> grants, String action, String resourceArn) {
        return grants.stream().anyMatch(g -> g.allows(action, resourceArn));
    }

    private static List<?> asList(Object value) {
        return value instanceof List<?> list ? list : List.of(value);
    }

    private static Pattern glob(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }
}
