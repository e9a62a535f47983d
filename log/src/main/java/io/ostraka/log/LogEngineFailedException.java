package io.ostraka.log;

/**
 * The engine hit an I/O error (disk full, EIO, a failed fsync) and stopped. Every pending and
 * every later write fails with this exception; nothing written after the failure point is
 * acknowledged. The process must reopen the engine, whose recovery decides what was durable.
 */
public final class LogEngineFailedException extends RuntimeException {
    public LogEngineFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
