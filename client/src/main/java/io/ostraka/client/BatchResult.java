package io.ostraka.client;

import java.util.List;

/**
 * An atomic batch.
 *
 * @param succeeded every operation ended OK or NOT_FOUND and all writes applied
 * @param outcome OK, or the outcome of the operation that aborted the batch
 * @param failedOp the position of that operation, -1 when the batch succeeded
 * @param reason why it was aborted, empty when it succeeded
 * @param results one per operation (on abort: operations 0..failedOp as they would have been)
 */
public record BatchResult(boolean succeeded, Outcome outcome, int failedOp, String reason, List<OpResult> results,
                          long index) {
    public BatchResult {
        results = List.copyOf(results);
    }
}
