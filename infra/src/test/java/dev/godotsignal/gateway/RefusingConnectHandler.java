package dev.godotsignal.gateway;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A $connect handler that refuses everyone, as an authorizer-like handler would refuse a bad token.
 */
public final class RefusingConnectHandler implements RequestStreamHandler {
    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context)
            throws java.io.IOException {
        input.readAllBytes();
        output.write("{\"statusCode\":403}".getBytes(StandardCharsets.UTF_8));
    }
}
