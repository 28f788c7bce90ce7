package dev.godotsignal.inprocess;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Optional;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.http.SdkHttpService;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * The local stack's SDK transport: a request for an address registered in {@link InProcessNetwork}
 * is handed to that endpoint in the calling thread, already signed and marshalled by the real SDK
 * client (its interceptors and retry policy included); any other goes over HTTP with the pooled
 * Apache client. Named by the SDK's {@code software.amazon.awssdk.http.service.impl} property,
 * which the handlers' clients honour.
 */
public final class InProcessHttpService implements SdkHttpService {

    @Override
    public SdkHttpClient.Builder<?> createHttpClientBuilder() {
        return new Builder();
    }

    private static final class Builder implements SdkHttpClient.Builder<Builder> {
        @Override
        public SdkHttpClient buildWithDefaults(AttributeMap serviceDefaults) {
            return new Client(ApacheHttpClient.builder().buildWithDefaults(serviceDefaults));
        }
    }

    private static final class Client implements SdkHttpClient {
        private final SdkHttpClient network;

        Client(SdkHttpClient network) {
            this.network = network;
        }

        @Override
        public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
            SdkHttpRequest http = request.httpRequest();
            Optional<LocalEndpoint> local =
                    InProcessNetwork.at(
                            URI.create(http.protocol() + "://" + http.host() + ":" + http.port()));
            if (local.isEmpty()) {
                return network.prepareRequest(request);
            }
            return new ExecutableHttpRequest() {
                @Override
                public HttpExecuteResponse call() throws IOException {
                    LocalHttpResponse answer =
                            local.get()
                                    .handle(
                                            new LocalHttpRequest(
                                                    http.method().name(),
                                                    http.encodedPath(),
                                                    http.headers(),
                                                    body(request)));
                    SdkHttpResponse.Builder response =
                            SdkHttpResponse.builder().statusCode(answer.status());
                    answer.headers().forEach(response::putHeader);
                    response.putHeader("Content-Length", Integer.toString(answer.body().length));
                    return HttpExecuteResponse.builder()
                            .response(response.build())
                            .responseBody(
                                    AbortableInputStream.create(
                                            new ByteArrayInputStream(answer.body())))
                            .build();
                }

                @Override
                public void abort() {
                    // An in-process call cannot be cut off halfway; the caller's timeout still
                    // stops waiting for it.
                }
            };
        }

        private static byte[] body(HttpExecuteRequest request) {
            if (request.contentStreamProvider().isEmpty()) {
                return new byte[0];
            }
            try (InputStream in = request.contentStreamProvider().get().newStream()) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public String clientName() {
            return "InProcess";
        }

        @Override
        public void close() {
            network.close();
        }
    }
}
