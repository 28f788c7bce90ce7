package dev.godotsignal.handler;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The SDK clients of one execution environment, built once and reused by every invocation. One
 * HTTP client (URLConnection, the lightest) serves both. Credentials come from the same variables
 * Lambda sets, read from the function's environment map.
 */
final class AwsClients {
    private final FunctionConfig config;
    private final SdkHttpClient http = UrlConnectionHttpClient.builder().build();
    private final AwsCredentialsProvider credentials;
    private final DynamoDbClient dynamo;
    private final Map<URI, ApiGatewayManagementApiClient> management = new ConcurrentHashMap<>();

    AwsClients(FunctionConfig config, Map<String, String> env) {
        this.config = config;
        this.credentials = credentials(env);
        var builder = DynamoDbClient.builder()
                .httpClient(http)
                .region(Region.of(config.region()))
                .credentialsProvider(credentials);
        config.dynamoDbEndpoint().ifPresent(builder::endpointOverride);
        this.dynamo = builder.build();
    }

    DynamoDbClient dynamo() {
        return dynamo;
    }

    /** The management client for this API and stage (one per endpoint, normally exactly one). */
    ApiGatewayManagementApiClient management(String apiId, String stage) {
        return management.computeIfAbsent(config.managementEndpoint(apiId, stage), endpoint ->
                ApiGatewayManagementApiClient.builder()
                        .httpClient(http)
                        .region(Region.of(config.region()))
                        .credentialsProvider(credentials)
                        .endpointOverride(endpoint)
                        .build());
    }

    private static AwsCredentialsProvider credentials(Map<String, String> env) {
        String key = env.get("AWS_ACCESS_KEY_ID");
        String secret = env.get("AWS_SECRET_ACCESS_KEY");
        if (key == null || secret == null) {
            return DefaultCredentialsProvider.builder().build();
        }
        String token = env.get("AWS_SESSION_TOKEN");
        return StaticCredentialsProvider.create(token == null
                ? AwsBasicCredentials.create(key, secret)
                : AwsSessionCredentials.create(key, secret, token));
    }
}
