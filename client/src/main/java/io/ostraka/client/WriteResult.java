package io.ostraka.client;

/** An unconditional write: the key's new version and the log index of the write. */
public record WriteResult(long version, long index) {}
