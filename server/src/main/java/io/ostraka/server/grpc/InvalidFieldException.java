package io.ostraka.server.grpc;

/** A request field that fails validation; becomes INVALID_ARGUMENT with ErrorInfo.field set. */
final class InvalidFieldException extends Exception {
    private final String field;

    InvalidFieldException(String field, String problem) {
        super(field + ": " + problem, null, false, false);
        this.field = field;
    }

    String field() {
        return field;
    }
}
