package io.ostraka.raft.tracker;

import io.ostraka.raft.Invariants;

/**
 * The APPEND messages sent to one follower and not yet acknowledged, bounded by count and by
 * bytes. A ring buffer of (last index, bytes) per message; acknowledging index i frees every
 * message whose last index is at most i.
 */
public final class Inflights {
    private final int capacityMessages;
    private final long capacityBytes;
    private final long[] lastIndexes;
    private final long[] sizesBytes;
    private int start;
    private int count;
    private long bytes;

    public Inflights(int capacityMessages, long capacityBytes) {
        Invariants.check(capacityMessages > 0, "in-flight capacity %d must be positive", capacityMessages);
        this.capacityMessages = capacityMessages;
        this.capacityBytes = capacityBytes <= 0 ? Long.MAX_VALUE : capacityBytes;
        this.lastIndexes = new long[capacityMessages];
        this.sizesBytes = new long[capacityMessages];
    }

    /** Records a message whose last entry has {@code lastIndex}; indexes must increase. */
    public void add(long lastIndex, long messageBytes) {
        Invariants.check(!isFull(), "adding to full inflights (%d msgs, %d B)", count, bytes);
        if (count > 0) {
            long previous = lastIndexes[(start + count - 1) % capacityMessages];
            Invariants.check(lastIndex > previous, "inflight index %d not after %d", lastIndex, previous);
        }
        int slot = (start + count) % capacityMessages;
        lastIndexes[slot] = lastIndex;
        sizesBytes[slot] = messageBytes;
        count++;
        bytes += messageBytes;
    }

    /** Frees every message whose last index is at most {@code index}. */
    public void freeUpTo(long index) {
        while (count > 0 && lastIndexes[start] <= index) {
            bytes -= sizesBytes[start];
            start = (start + 1) % capacityMessages;
            count--;
        }
        if (count == 0) {
            start = 0;
        }
    }

    /** Frees the oldest message: it was probably lost, and the window must not stay shut. */
    public void freeFirst() {
        if (count > 0) {
            freeUpTo(lastIndexes[start]);
        }
    }

    public boolean isFull() {
        return count == capacityMessages || bytes >= capacityBytes;
    }

    public int count() {
        return count;
    }

    public long bytes() {
        return bytes;
    }

    public void reset() {
        start = 0;
        count = 0;
        bytes = 0;
    }
}
