package io.ostraka.node;

/** A committed proposal: the log index it was applied at and the state machine's result. */
public record Applied(long index, byte[] result) {}
