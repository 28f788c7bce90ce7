package dev.godotsignal.handler;

import dev.godotsignal.signaling.PeerChannel;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.GoneException;

/** {@link PeerChannel} over API Gateway's {@code @connections} management API. */
final class ApiGatewayPeerChannel implements PeerChannel {
    private static final System.Logger LOG =
            System.getLogger(ApiGatewayPeerChannel.class.getName());

    private final ApiGatewayManagementApiClient client;

    ApiGatewayPeerChannel(ApiGatewayManagementApiClient client) {
        this.client = client;
    }

    @Override
    public Delivery send(String connectionId, String frame) {
        try {
            client.postToConnection(
                    b -> b.connectionId(connectionId).data(SdkBytes.fromUtf8String(frame)));
            return Delivery.DELIVERED;
        } catch (GoneException e) {
            return Delivery.GONE;
        } catch (SdkException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "post to {0} failed: {1}",
                    connectionId,
                    e.getMessage());
            return Delivery.FAILED;
        }
    }

    @Override
    public boolean exists(String connectionId) {
        try {
            client.getConnection(b -> b.connectionId(connectionId));
            return true;
        } catch (GoneException e) {
            return false;
        }
    }

    @Override
    public void close(String connectionId) {
        try {
            client.deleteConnection(b -> b.connectionId(connectionId));
        } catch (GoneException e) {
            // Already closed: that is what we wanted.
        } catch (SdkException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "close of {0} failed: {1}",
                    connectionId,
                    e.getMessage());
        }
    }
}
