package io.ostraka.transport;

import io.grpc.Status;
import io.ostraka.node.ErrorCode;
import io.ostraka.node.OstrakaException;
import io.ostraka.transport.proto.Error;

/**
 * Error values on the wire. A handler's {@link OstrakaException} travels inside the reply as an
 * {@link Error} and comes out as an equal exception (code, message, leader id and address). A
 * gRPC failure of the call itself maps to the code a caller can act on:
 *
 * <table>
 *   <caption>gRPC status to ErrorCode</caption>
 *   <tr><th>status</th><th>code</th><th>why</th></tr>
 *   <tr><td>any, after this transport closed</td><td>STOPPED</td><td>we are shutting down</td></tr>
 *   <tr><td>DEADLINE_EXCEEDED</td><td>TIMEOUT</td><td>the outcome is unknown</td></tr>
 *   <tr><td>UNAVAILABLE, CANCELLED</td><td>NO_QUORUM</td><td>the node is unreachable or going away:
 *       find the leader again and retry</td></tr>
 *   <tr><td>INVALID_ARGUMENT, FAILED_PRECONDITION, UNIMPLEMENTED, RESOURCE_EXHAUSTED</td>
 *       <td>INVALID_REQUEST</td><td>the peer refused the call (another cluster, another version, too big)</td></tr>
 *   <tr><td>anything else (UNKNOWN, INTERNAL, ...)</td><td>TIMEOUT</td><td>the handler failed
 *       unexpectedly; a write may or may not have taken effect</td></tr>
 * </table>
 */
final class WireErrors {
    private WireErrors() {
    }

    static Error encode(OstrakaException e) {
        return Error.newBuilder()
                .setCode(switch (e.code()) {
                    case NOT_LEADER -> io.ostraka.transport.proto.ErrorCode.NOT_LEADER;
                    case NO_QUORUM -> io.ostraka.transport.proto.ErrorCode.NO_QUORUM;
                    case TIMEOUT -> io.ostraka.transport.proto.ErrorCode.TIMEOUT;
                    case STOPPED -> io.ostraka.transport.proto.ErrorCode.STOPPED;
                    case INVALID_REQUEST -> io.ostraka.transport.proto.ErrorCode.INVALID_REQUEST;
                })
                .setMessage(e.getMessage() == null ? "" : e.getMessage())
                .setLeaderId(e.leaderId())
                .setLeaderAddress(e.leaderAddress() == null ? "" : e.leaderAddress())
                .build();
    }

    static OstrakaException decode(Error e, long nodeId) {
        ErrorCode code = switch (e.getCode()) {
            case NOT_LEADER -> ErrorCode.NOT_LEADER;
            case NO_QUORUM -> ErrorCode.NO_QUORUM;
            case TIMEOUT -> ErrorCode.TIMEOUT;
            case STOPPED -> ErrorCode.STOPPED;
            case INVALID_REQUEST -> ErrorCode.INVALID_REQUEST;
            case ERROR_CODE_UNSPECIFIED, UNRECOGNIZED -> null;
        };
        if (code == null) {
            return new OstrakaException(ErrorCode.TIMEOUT, "node " + nodeId + " answered with unknown error code "
                    + e.getCodeValue() + ": " + e.getMessage());
        }
        return new OstrakaException(code, e.getMessage(), e.getLeaderId(),
                e.getLeaderAddress().isEmpty() ? null : e.getLeaderAddress());
    }

    static OstrakaException fromStatus(Status status, long nodeId, boolean closed) {
        String detail = "node " + nodeId + ": " + status.getCode()
                + (status.getDescription() == null ? "" : " (" + status.getDescription() + ")");
        if (closed) {
            return new OstrakaException(ErrorCode.STOPPED, "transport closed: " + detail);
        }
        return switch (status.getCode()) {
            case DEADLINE_EXCEEDED -> new OstrakaException(ErrorCode.TIMEOUT, "forward timed out: " + detail);
            case UNAVAILABLE, CANCELLED -> new OstrakaException(ErrorCode.NO_QUORUM, "unreachable: " + detail);
            case INVALID_ARGUMENT, FAILED_PRECONDITION, UNIMPLEMENTED, RESOURCE_EXHAUSTED ->
                    new OstrakaException(ErrorCode.INVALID_REQUEST, "refused: " + detail);
            default -> new OstrakaException(ErrorCode.TIMEOUT, "outcome unknown: " + detail);
        };
    }
}
