package dev.godotsignal.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * One TransactWriteItems call whose writes are named by an enum of slots, so a cancellation is read
 * by name ("the membership write failed its condition"), not by list position.
 *
 * @param <S> the slots of this kind of transaction, in the order of their writes
 */
final class Transaction<S extends Enum<S>> {
    private final List<TransactWriteItem> writes = new ArrayList<>();
    private final List<S> slots = new ArrayList<>();

    Transaction<S> put(S slot, Put put) {
        return add(slot, TransactWriteItem.builder().put(put).build());
    }

    Transaction<S> update(S slot, Update update) {
        return add(slot, TransactWriteItem.builder().update(update).build());
    }

    Transaction<S> delete(S slot, Delete delete) {
        return add(slot, TransactWriteItem.builder().delete(delete).build());
    }

    Transaction<S> check(S slot, ConditionCheck check) {
        return add(slot, TransactWriteItem.builder().conditionCheck(check).build());
    }

    private Transaction<S> add(S slot, TransactWriteItem write) {
        slots.add(slot);
        writes.add(write);
        return this;
    }

    /** Runs it; empty on success, else the cancellation to read with {@link Outcome#failed}. */
    Outcome<S> run(DynamoDbClient dynamo) {
        try {
            dynamo.transactWriteItems(b -> b.transactItems(writes));
            return new Outcome<>(slots, List.of());
        } catch (TransactionCanceledException e) {
            return new Outcome<>(slots, e.cancellationReasons());
        }
    }

    /** What a run did; {@code reasons} is empty when it committed. */
    record Outcome<S extends Enum<S>>(List<S> slots, List<CancellationReason> reasons) {
        boolean committed() {
            return reasons.isEmpty();
        }

        /** Whether the write in {@code slot} failed its condition. */
        boolean failed(S slot) {
            int index = slots.indexOf(slot);
            return index >= 0
                    && reasons.size() > index
                    && "ConditionalCheckFailed".equals(reasons.get(index).code());
        }

        /** Whether {@code slot} is the only write that failed its condition. */
        boolean failedAlone(S slot) {
            return failed(slot) && slots.stream().filter(this::failed).count() == 1;
        }

        /** Whether another transaction or write on one of its items was in progress. */
        boolean conflicted() {
            return reasons.stream().anyMatch(r -> "TransactionConflict".equals(r.code()));
        }

        /** The item the failed write in {@code slot} saw, when it asked for it. */
        Map<String, AttributeValue> itemOf(S slot) {
            return reasons.get(slots.indexOf(slot)).item();
        }
    }
}
