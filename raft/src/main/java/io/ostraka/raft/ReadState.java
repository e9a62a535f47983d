package io.ostraka.raft;

/**
 * A read request that became safe: once the local state machine has applied {@code index},
 * a read of it is linearizable with respect to the moment {@code requestContext} was asked.
 */
public record ReadState(long requestContext, long index) {}
