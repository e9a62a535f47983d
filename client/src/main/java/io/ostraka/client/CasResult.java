package io.ostraka.client;

/**
 * A compare-and-set.
 *
 * @param succeeded false: the version was not the expected one and nothing was written
 * @param version the new version, or the current one (0 if the key does not exist) on failure
 */
public record CasResult(boolean succeeded, long version, long createIndex, long modIndex, long index) {}
