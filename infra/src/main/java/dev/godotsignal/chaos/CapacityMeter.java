package dev.godotsignal.chaos;

import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * Measures the DynamoDB capacity the handlers really consume: while on, every DynamoDB call of the
 * JVM asks for {@code ReturnConsumedCapacity: TOTAL} and the units are summed. Failed conditional
 * writes are billed by DynamoDB too; they carry no capacity in the error, so they are counted as 1
 * write unit per item (2 per item in a transaction). Lives on the gateway's classpath only.
 */
public final class CapacityMeter implements ExecutionInterceptor {
    private static volatile boolean on;
    private static final DoubleAdder READ = new DoubleAdder();
    private static final DoubleAdder WRITE = new DoubleAdder();
    private static final LongAdder CALLS = new LongAdder();

    public record Reading(double readUnits, double writeUnits, long calls) {}

    public static void start() {
        READ.reset();
        WRITE.reset();
        CALLS.reset();
        on = true;
    }

    public static Reading stop() {
        on = false;
        return read();
    }

    public static Reading read() {
        return new Reading(READ.sum(), WRITE.sum(), CALLS.sum());
    }

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        if (!on) {
            return context.request();
        }
        SdkRequest r = context.request();
        if (r instanceof GetItemRequest g) {
            return g.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
        } else if (r instanceof PutItemRequest p) {
            return p.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
        } else if (r instanceof UpdateItemRequest u) {
            return u.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
        } else if (r instanceof DeleteItemRequest d) {
            return d.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
        } else if (r instanceof QueryRequest q) {
            return q.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
        } else if (r instanceof TransactWriteItemsRequest t) {
            return t.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
        }
        return r;
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        if (!on) {
            return;
        }
        SdkResponse response = context.response();
        if (response instanceof GetItemResponse g) {
            add(g.consumedCapacity(), true);
        } else if (response instanceof PutItemResponse p) {
            add(p.consumedCapacity(), false);
        } else if (response instanceof UpdateItemResponse u) {
            add(u.consumedCapacity(), false);
        } else if (response instanceof DeleteItemResponse d) {
            add(d.consumedCapacity(), false);
        } else if (response instanceof QueryResponse q) {
            add(q.consumedCapacity(), true);
        } else if (response instanceof TransactWriteItemsResponse t) {
            t.consumedCapacity().forEach(c -> add(c, false));
        }
    }

    @Override
    public void onExecutionFailure(
            Context.FailedExecution context, ExecutionAttributes attributes) {
        if (!on) {
            return;
        }
        Throwable e = context.exception();
        if (e instanceof ConditionalCheckFailedException) {
            WRITE.add(1);
            CALLS.increment();
        } else if (e instanceof TransactionCanceledException t) {
            WRITE.add(2.0 * t.cancellationReasons().size());
            CALLS.increment();
        }
    }

    private void add(ConsumedCapacity capacity, boolean readOperation) {
        CALLS.increment();
        if (capacity == null) {
            return;
        }
        if (capacity.readCapacityUnits() != null || capacity.writeCapacityUnits() != null) {
            READ.add(capacity.readCapacityUnits() != null ? capacity.readCapacityUnits() : 0);
            WRITE.add(capacity.writeCapacityUnits() != null ? capacity.writeCapacityUnits() : 0);
        } else if (capacity.capacityUnits() != null) {
            // Only the total given: it is reads for GetItem/Query, writes for the rest.
            (readOperation ? READ : WRITE).add(capacity.capacityUnits());
        }
    }
}
