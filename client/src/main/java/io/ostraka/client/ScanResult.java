package io.ostraka.client;

import java.util.List;

/**
 * One page of a scan, in key order.
 *
 * @param more the limit cut the range short; continue from the last key with a 0 byte appended
 * @param index the applied index the page reflects
 */
public record ScanResult(List<KeyValue> entries, boolean more, long index) {
    public ScanResult {
        entries = List.copyOf(entries);
    }
}
