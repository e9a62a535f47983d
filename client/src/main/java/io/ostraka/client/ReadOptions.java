package io.ostraka.client;

import java.util.Objects;

/**
 * Options of one read.
 *
 * @param consistency how fresh the read must be
 * @param minIndex the read must reflect at least this log index; the client raises it to the
 *     highest index it has seen anyway, so reads of one client never go backwards
 */
public record ReadOptions(Consistency consistency, long minIndex) {
    public static final ReadOptions LINEARIZABLE = new ReadOptions(Consistency.LINEARIZABLE, 0);

    public ReadOptions {
        Objects.requireNonNull(consistency, "consistency");
        if (minIndex < 0) {
            throw new IllegalArgumentException("minIndex " + minIndex + " < 0");
        }
    }

    public static ReadOptions of(Consistency consistency) {
        return new ReadOptions(consistency, 0);
    }
}
