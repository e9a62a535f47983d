package io.ostraka.node;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The application's replicated state, driven by the runtime with committed log entries.
 *
 * <p>Determinism is the contract: given the same sequence of {@code apply} calls (and the same
 * snapshot to start from), every replica must reach the same state and return the same
 * results. Implementations must not read clocks, randomness or anything outside the command.
 * The runtime calls every method from one thread.
 */
public interface StateMachine {
    /**
     * Applies the command committed at {@code index} and returns its result, which is handed to
     * the proposer's future. Indexes increase strictly; entries the core uses internally (leader
     * no-ops, membership changes) are not passed here.
     */
    byte[] apply(long index, byte[] command);

    /** The index of the last command applied (or restored from a snapshot); 0 for a new machine. */
    long appliedIndex();

    /** Writes the whole state as of {@link #appliedIndex()}. */
    void snapshot(OutputStream out) throws IOException;

    /** Replaces the whole state with a snapshot written by {@link #snapshot}, taken at {@code index}. */
    void restore(long index, InputStream in) throws IOException;
}
