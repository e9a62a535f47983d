package io.ostraka.client;

/** An increment: the new value, the key's new version, and the log index. */
public record IncrementResult(long value, long version, long index) {}
