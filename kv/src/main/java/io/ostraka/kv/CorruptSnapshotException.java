package io.ostraka.kv;

import java.io.IOException;

/** A snapshot stream that is truncated, damaged or not a KV snapshot; the state was left as it was. */
public final class CorruptSnapshotException extends IOException {
    public CorruptSnapshotException(String message) {
        super(message);
    }
}
