package io.ostraka.server.grpc;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.ostraka.api.ClientApi;
import io.ostraka.api.kv.v1.ErrorInfo;
import io.ostraka.kv.KvResult;
import io.ostraka.kv.KvStatus;
import io.ostraka.node.ErrorCode;
import io.ostraka.node.OstrakaException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.LongFunction;

/**
 * Maps the errors of the KV service onto gRPC status codes plus an {@link ErrorInfo} trailer
 * (the table is in kv.proto and docs/client.md). The ErrorInfo code keeps the
 * {@link ErrorCode} name, so the same names appear in Java, RESP and on this wire.
 */
final class GrpcErrors {
    private GrpcErrors() {}

    /** The status for a failed KvService future, an invalid field, or an unexpected failure. */
    static StatusRuntimeException toStatus(Throwable failure) {
        return toStatus(failure, null);
    }

    /**
     * As {@link #toStatus(Throwable)}; a NOT_LEADER's address is replaced by
     * {@code leaderClientAddress(leaderId)} when that is given (the exception may carry another
     * front end's address, e.g. RESP's).
     */
    static StatusRuntimeException toStatus(Throwable failure, LongFunction<String> leaderClientAddress) {
        Throwable cause = unwrap(failure);
        if (cause instanceof OstrakaException e) {
            if (e.code() == ErrorCode.NOT_LEADER && leaderClientAddress != null) {
                String address = e.leaderId() == 0 ? null : leaderClientAddress.apply(e.leaderId());
                return fromOstraka(OstrakaException.notLeader(e.leaderId(), address));
            }
            return fromOstraka(e);
        }
        if (cause instanceof InvalidFieldException e) {
            return invalidArgument(e.getMessage(), e.field());
        }
        if (cause instanceof StatusRuntimeException e) {
            return e;
        }
        // A programmer error on the server: say so without pretending it is the client's fault.
        return Status.INTERNAL.withDescription("internal error: " + cause).withCause(cause).asRuntimeException();
    }

    static StatusRuntimeException fromOstraka(OstrakaException e) {
        ErrorInfo.Builder info = ErrorInfo.newBuilder().setCode(e.code().name()).setMessage(nonNull(e.getMessage()));
        if (e.code() == ErrorCode.NOT_LEADER) {
            info.setLeaderId(e.leaderId()).setLeaderAddress(nonNull(e.leaderAddress()));
        }
        Status status = switch (e.code()) {
            case NOT_LEADER, NO_QUORUM, STOPPED -> Status.UNAVAILABLE;
            case TIMEOUT -> Status.DEADLINE_EXCEEDED;
            case INVALID_REQUEST -> Status.INVALID_ARGUMENT;
        };
        return withInfo(status.withDescription(e.getMessage()), info.build());
    }

    /**
     * The error for a result that is a failure of the request rather than an outcome
     * (INVALID_REQUEST, STALE_SEQUENCE, SESSION_EXPIRED), or {@code null} for an outcome.
     */
    static StatusRuntimeException fromResult(KvResult result) {
        KvStatus status = result.status();
        return switch (status) {
            case INVALID_REQUEST -> result.failedOp() >= 0
                    // A batch the state machine refused names the operation, as a request error does.
                    ? invalidArgument("ops[" + result.failedOp() + "]: " + nonNull(result.reason()), "ops[" + result.failedOp() + "]")
                    : invalidArgument(nonNull(result.reason()), "");
            case STALE_SEQUENCE, SESSION_EXPIRED -> withInfo(Status.FAILED_PRECONDITION.withDescription(
                    result.reason()), ErrorInfo.newBuilder().setCode(status.name())
                    .setMessage(nonNull(result.reason())).build());
            default -> null;
        };
    }

    static StatusRuntimeException invalidArgument(String message, String field) {
        ErrorInfo info = ErrorInfo.newBuilder().setCode(ErrorCode.INVALID_REQUEST.name()).setMessage(message)
                .setField(field).build();
        return withInfo(Status.INVALID_ARGUMENT.withDescription(message), info);
    }

    private static StatusRuntimeException withInfo(Status status, ErrorInfo info) {
        Metadata trailers = new Metadata();
        trailers.put(ClientApi.ERROR_INFO_KEY, info);
        return status.asRuntimeException(trailers);
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }
}
