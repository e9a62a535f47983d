package io.ostraka.client;

/**
 * The result of one operation of a batch.
 *
 * @param value get: the value; put with returnPrevious: the previous one; else {@code null}
 * @param integer delete: keys removed; increment: the new value
 * @param reason why the operation failed, empty if it did not
 */
public record OpResult(Outcome outcome, byte[] value, long version, long createIndex, long modIndex, long integer,
                       String reason) {}
