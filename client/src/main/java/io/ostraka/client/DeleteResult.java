package io.ostraka.client;

/** A delete: how many of the keys existed and were removed, and the log index. */
public record DeleteResult(long deleted, long index) {}
