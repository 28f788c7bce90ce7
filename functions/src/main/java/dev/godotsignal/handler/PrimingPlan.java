package dev.godotsignal.handler;

import java.util.Set;

/**
 * What each function primes before its SnapStart snapshot. Lambda runs the CRaC {@code
 * beforeCheckpoint} hook when a version is published, with the function's own role: a call the role
 * does not allow would fail there, and a hook that throws fails the publish. So each function
 * primes only AWS calls its template policy allows ({@code PrimingPermissionsTest} runs each
 * function's priming against a stand-in AWS that records the calls and compares them with the
 * function's {@code Policies} in {@code sam-template.yaml}), and {@link Priming} logs and skips a
 * step that fails anyway.
 */
enum PrimingPlan {
    /** {@code $connect}: its role writes connection records but cannot read them. */
    CONNECT(ConnectHandler.class, PrimingCall.CONNECTION_WRITE_REFUSED),
    DISCONNECT(DisconnectHandler.class, PrimingCall.CONNECTION_READ),
    MESSAGE(MessageHandler.class, PrimingCall.CONNECTION_READ),
    TIMER(TimerHandler.class, PrimingCall.CONNECTION_READ);

    /**
     * One DynamoDB round trip on the connections table: the SDK's whole path (signing, HTTP,
     * marshalling, endpoint rules) loaded and run once, without changing any data.
     */
    enum PrimingCall {
        /** A strongly consistent GetItem of a connection that does not exist. */
        CONNECTION_READ("dynamodb:GetItem"),
        /**
         * A PutItem whose condition ({@code attribute_exists} of the key) cannot hold for a new id:
         * DynamoDB refuses it, nothing is written.
         */
        CONNECTION_WRITE_REFUSED("dynamodb:PutItem");

        /** The IAM action this call needs, on the connections table. */
        final String iamAction;

        PrimingCall(String iamAction) {
            this.iamAction = iamAction;
        }
    }

    final Class<?> handler;

    /** Its one AWS round trip. */
    final PrimingCall call;

    PrimingPlan(Class<?> handler, PrimingCall call) {
        this.handler = handler;
        this.call = call;
    }

    /** The IAM actions this plan's calls need on the connections table. */
    Set<String> iamActions() {
        return Set.of(call.iamAction);
    }

    /** The plan of a handler class; every handler that primes has one. */
    static PrimingPlan of(Class<?> handler) {
        for (PrimingPlan plan : values()) {
            if (plan.handler == handler) {
                return plan;
            }
        }
        throw new IllegalArgumentException("no priming plan for " + handler.getName());
    }
}
