package io.ostraka.server.resp;

import io.ostraka.kv.KvResult;
import io.ostraka.node.OstrakaException;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Maps operational errors and failed KV results onto Redis error replies (docs/resp.md,
 * "Errors"). The first word of a Redis error is its code, which clients switch on.
 */
final class RespErrors {
    static final RespReply SYNTAX = RespReply.error("ERR syntax error");
    static final RespReply NOT_AN_INTEGER = RespReply.error("ERR value is not an integer or out of range");
    // Redis answers INCR on a string that is not an integer with ERR (WRONGTYPE means another data type).
    static final RespReply WRONG_TYPE = NOT_AN_INTEGER;
    static final RespReply OVERFLOW = RespReply.error("ERR increment or decrement would overflow");
    static final RespReply TTL_NOT_SUPPORTED = RespReply.error("ERR TTL is not supported yet");
    private static final int ARG_DISPLAY_CHARS_MAX = 128;

    private RespErrors() {}

    static RespReply wrongArity(String command) {
        return RespReply.error("ERR wrong number of arguments for '" + command + "' command");
    }

    static RespReply unknownCommand(RespRequest request) {
        StringBuilder s = new StringBuilder("ERR unknown command '")
                .append(truncate(request.argString(0))).append("', with args beginning with: ");
        for (int i = 1; i < request.argCount() && s.length() < 512; i++) {
            s.append('\'').append(truncate(request.argString(i))).append("' ");
        }
        return RespReply.error(s.toString());
    }

    static RespReply unknownSubcommand(String subcommand, String command) {
        return RespReply.error("ERR unknown subcommand '" + truncate(subcommand) + "'. Try "
                + command.toUpperCase(java.util.Locale.ROOT) + " HELP.");
    }

    /** The reply for a future that failed. */
    static RespReply of(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof OstrakaException e) {
            return switch (e.code()) {
                case NOT_LEADER -> RespReply.error(e.leaderAddress() == null || e.leaderAddress().isEmpty()
                        ? "NOTLEADER" : "NOTLEADER " + e.leaderAddress());
                case NO_QUORUM, TIMEOUT -> RespReply.error("TRYAGAIN " + e.getMessage());
                case STOPPED -> RespReply.error("ERR node is stopped: " + e.getMessage());
                case INVALID_REQUEST -> RespReply.error("ERR " + e.getMessage());
            };
        }
        if (t instanceof IllegalArgumentException) {
            return RespReply.error("ERR " + t.getMessage());
        }
        return RespReply.error("ERR internal error: " + t);
    }

    /** The reply for a KV result whose status the command does not handle itself. */
    static RespReply of(KvResult result) {
        return switch (result.status()) {
            case WRONG_TYPE -> WRONG_TYPE;
            case OVERFLOW -> OVERFLOW;
            case CONDITION_FAILED -> RespReply.error("ERR condition failed: " + result.reason());
            case INVALID_REQUEST, STALE_SEQUENCE, SESSION_EXPIRED -> RespReply.error("ERR " + result.reason());
            case OK, NOT_FOUND -> throw new IllegalStateException("not a failure: " + result);
        };
    }

    private static String truncate(String text) {
        return text.length() <= ARG_DISPLAY_CHARS_MAX ? text : text.substring(0, ARG_DISPLAY_CHARS_MAX) + "...";
    }
}
