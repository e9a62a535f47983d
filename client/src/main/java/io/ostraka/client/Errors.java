package io.ostraka.client;

import io.grpc.Metadata;
import io.grpc.Status;
import io.ostraka.api.ClientApi;
import io.ostraka.api.kv.v1.ErrorInfo;

/**
 * Reads a failed call: the server's ErrorInfo trailer when there is one (its code is an
 * {@link ErrorCode} name), else the gRPC status of a failure below the server (connection
 * refused, the attempt's deadline, a message too large).
 */
final class Errors {
    private Errors() {}

    static OstrakaClientException fromThrowable(Throwable t) {
        if (t instanceof OstrakaClientException e) {
            return e;
        }
        Status status = Status.fromThrowable(t);
        Metadata trailers = Status.trailersFromThrowable(t);
        ErrorInfo info = trailers == null ? null : trailers.get(ClientApi.ERROR_INFO_KEY);
        String description = status.getDescription() == null ? status.getCode().name() : status.getDescription();
        if (info != null) {
            String message = info.getMessage().isEmpty() ? description : info.getMessage();
            return new OstrakaClientException(codeOf(info.getCode()), message, info.getLeaderId(),
                    info.getLeaderAddress(), info.getField(), 1, t);
        }
        ErrorCode code = switch (status.getCode()) {
            case UNAVAILABLE -> ErrorCode.UNAVAILABLE;
            case DEADLINE_EXCEEDED -> ErrorCode.TIMEOUT;
            // Not our own cancel (the deadline sweeper's reads as DEADLINE_EXCEEDED above, a
            // closing client fails its calls STOPPED, and a cancelled caller context is caught
            // by RequestRunner before this): the server reset the call, as a node does when it
            // shuts down. The outcome is unknown and another node may answer: a read is retried
            // freely, and a write is safe to retry with its session.
            case CANCELLED -> ErrorCode.UNAVAILABLE;
            case INVALID_ARGUMENT, OUT_OF_RANGE, RESOURCE_EXHAUSTED -> ErrorCode.INVALID_REQUEST;
            default -> ErrorCode.INTERNAL;
        };
        return new OstrakaClientException(code, status.getCode() + ": " + description, 0, "", "", 1, t);
    }

    private static ErrorCode codeOf(String name) {
        try {
            return ErrorCode.valueOf(name);
        } catch (IllegalArgumentException e) {
            return ErrorCode.INTERNAL;
        }
    }
}
