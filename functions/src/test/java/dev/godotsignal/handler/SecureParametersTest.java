package dev.godotsignal.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;

/** The one SSM call, against scripted answers of SSM (faults injected on purpose). */
class SecureParametersTest {

    /** Answers each request with the next scripted status and body, and keeps what it was sent. */
    private static class ScriptedSsm implements SdkHttpClient {
        record Sent(String target, String authorization, String body) {}

        final Deque<String[]> answers = new ArrayDeque<>();
        final List<Sent> sent = new ArrayList<>();

        ScriptedSsm answer(int status, String body) {
            answers.add(new String[] {Integer.toString(status), body});
            return this;
        }

        @Override
        public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
            return new ExecutableHttpRequest() {
                @Override
                public HttpExecuteResponse call() throws IOException {
                    String body;
                    try (InputStream in = request.contentStreamProvider().get().newStream()) {
                        body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    }
                    sent.add(
                            new Sent(
                                    request.httpRequest()
                                            .firstMatchingHeader("X-Amz-Target")
                                            .orElse(""),
                                    request.httpRequest()
                                            .firstMatchingHeader("Authorization")
                                            .orElse(""),
                                    body));
                    String[] next = answers.remove();
                    return HttpExecuteResponse.builder()
                            .response(
                                    SdkHttpResponse.builder()
                                            .statusCode(Integer.parseInt(next[0]))
                                            .build())
                            .responseBody(
                                    AbortableInputStream.create(
                                            new ByteArrayInputStream(
                                                    next[1].getBytes(StandardCharsets.UTF_8))))
                            .build();
                }

                @Override
                public void abort() {}
            };
        }

        @Override
        public void close() {}
    }

    private static SecureParameters reader(ScriptedSsm ssm) {
        return new SecureParameters(
                ssm,
                StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("AKIDEXAMPLE", "s3cr3t")),
                "eu-west-1",
                SecureParameters.endpointOf("eu-west-1"));
    }

    @Test
    void readsADecryptedValueWithASignedGetParameter() {
        ScriptedSsm ssm =
                new ScriptedSsm()
                        .answer(200, "{\"Parameter\":{\"Name\":\"/turn\",\"Value\":\"v4lue\"}}");
        assertEquals("v4lue", reader(ssm).value("/turn"));
        ScriptedSsm.Sent sent = ssm.sent.get(0);
        assertEquals("AmazonSSM.GetParameter", sent.target());
        assertTrue(
                sent.authorization().startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
                        && sent.authorization().contains("/eu-west-1/ssm/aws4_request"),
                sent.authorization());
        assertTrue(
                sent.body().contains("\"Name\":\"/turn\"")
                        && sent.body().contains("\"WithDecryption\":true"),
                sent.body());
    }

    @Test
    void throttlingAndServerErrorsAreRetried() {
        ScriptedSsm ssm =
                new ScriptedSsm()
                        .answer(
                                400,
                                "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}")
                        .answer(503, "")
                        .answer(200, "{\"Parameter\":{\"Value\":\"v\"}}");
        assertEquals("v", reader(ssm).value("/x"));
        assertEquals(3, ssm.sent.size());
    }

    @Test
    void aRefusalNamesTheParameterAndSsmsErrorOnly() {
        ScriptedSsm ssm =
                new ScriptedSsm()
                        .answer(
                                400,
                                "{\"__type\":\"com.amazonaws.ssm#ParameterNotFound\",\"message\":\"m\"}");
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> reader(ssm).value("/missing"));
        assertEquals(
                "SSM GetParameter /missing failed: HTTP 400 ParameterNotFound", e.getMessage());
        assertEquals(1, ssm.sent.size(), "a refusal is not retried");
        assertFalse(e.getMessage().contains("s3cr3t"));
    }

    @Test
    void aTransportFailureSaysWhatFailed() {
        SdkHttpClient broken =
                new ScriptedSsm() {
                    @Override
                    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
                        throw new UncheckedIOException(new IOException("connection refused"));
                    }
                };
        SecureParameters reader =
                new SecureParameters(
                        broken,
                        StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")),
                        "us-east-1",
                        URI.create("http://127.0.0.1:1"));
        assertThrows(UncheckedIOException.class, () -> reader.value("/x"));
    }
}
