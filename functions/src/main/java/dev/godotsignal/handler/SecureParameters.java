package dev.godotsignal.handler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

/**
 * SSM {@code GetParameter} with decryption, the one SSM call the functions make (once, at start-up,
 * for a token or TURN secret). It is signed by the SDK's own SigV4 signer and sent by the
 * functions' HTTP client; the generated SSM client would add about 5 MB, a third of the deployment
 * artifact, for this single call.
 */
final class SecureParameters {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ATTEMPTS = 4;

    private final SdkHttpClient http;
    private final AwsCredentialsProvider credentials;
    private final String region;
    private final URI endpoint;

    SecureParameters(
            SdkHttpClient http, AwsCredentialsProvider credentials, String region, URI endpoint) {
        this.http = http;
        this.credentials = credentials;
        this.region = region;
        this.endpoint = endpoint;
    }

    /** SSM's public endpoint in a region. */
    static URI endpointOf(String region) {
        return URI.create("https://ssm." + region + ".amazonaws.com");
    }

    /**
     * The decrypted value. Throttling and server errors are retried with backoff, like the SDK's
     * standard policy; any other refusal names the parameter and SSM's error type, never a value.
     */
    String value(String name) {
        byte[] body = json(Map.of("Name", name, "WithDecryption", true));
        for (int attempt = 1; ; attempt++) {
            Answer answer = call(body);
            if (answer.status() == 200) {
                JsonNode value = answer.json().path("Parameter").path("Value");
                if (!value.isTextual()) {
                    throw new IllegalStateException("SSM GetParameter " + name + ": no value");
                }
                return value.asText();
            }
            String type = answer.json().path("__type").asText("");
            boolean retryable =
                    answer.status() >= 500
                            || answer.status() == 429
                            || type.endsWith("ThrottlingException");
            if (!retryable || attempt == ATTEMPTS) {
                throw new IllegalStateException(
                        "SSM GetParameter "
                                + name
                                + " failed: HTTP "
                                + answer.status()
                                + " "
                                + type.substring(type.lastIndexOf('#') + 1));
            }
            sleep(Duration.ofMillis(50L << attempt));
        }
    }

    private record Answer(int status, JsonNode json) {}

    private Answer call(byte[] body) {
        SdkHttpRequest request =
                SdkHttpRequest.builder()
                        .method(SdkHttpMethod.POST)
                        .uri(endpoint)
                        .putHeader("X-Amz-Target", "AmazonSSM.GetParameter")
                        .putHeader("Content-Type", "application/x-amz-json-1.1")
                        .putHeader("Content-Length", Integer.toString(body.length))
                        .build();
        SignedRequest signed =
                AwsV4HttpSigner.create()
                        .sign(
                                r ->
                                        r.identity(credentials.resolveCredentials())
                                                .request(request)
                                                .payload(ContentStreamProvider.fromByteArray(body))
                                                .putProperty(
                                                        AwsV4HttpSigner.SERVICE_SIGNING_NAME, "ssm")
                                                .putProperty(AwsV4HttpSigner.REGION_NAME, region));
        try {
            HttpExecuteResponse response =
                    http.prepareRequest(
                                    HttpExecuteRequest.builder()
                                            .request(signed.request())
                                            .contentStreamProvider(signed.payload().orElse(null))
                                            .build())
                            .call();
            JsonNode json = JSON.createObjectNode();
            if (response.responseBody().isPresent()) {
                try (InputStream in = response.responseBody().get()) {
                    byte[] bytes = in.readAllBytes();
                    if (bytes.length > 0) {
                        json = JSON.readTree(new String(bytes, StandardCharsets.UTF_8));
                    }
                }
            }
            return new Answer(response.httpResponse().statusCode(), json);
        } catch (IOException e) {
            throw new UncheckedIOException("SSM GetParameter: " + e.getMessage(), e);
        }
    }

    private static byte[] json(Map<String, Object> body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading a parameter", e);
        }
    }
}
