package io.ostraka.client;

/**
 * A put with a condition or with {@code returnPrevious}.
 *
 * @param succeeded false: the condition did not hold and nothing was written
 * @param version the new version, or the current one (0 if absent) when the condition failed
 * @param previousValue with returnPrevious: the value before the put (the current value when the
 *     condition failed); {@code null} if the key did not exist
 * @param index the log index of the write
 */
public record PutResult(boolean succeeded, long version, long createIndex, long modIndex, byte[] previousValue,
                        long index) {}
