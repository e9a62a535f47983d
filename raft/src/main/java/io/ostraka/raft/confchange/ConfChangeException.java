package io.ostraka.raft.confchange;

/** A membership change that cannot be applied to the current configuration; the message says why. */
public final class ConfChangeException extends RuntimeException {
    public ConfChangeException(String message) {
        super(message);
    }
}
