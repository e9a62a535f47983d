package io.ostraka.server.resp;

import io.ostraka.kv.KvCommand;
import io.ostraka.kv.KvOp;
import io.ostraka.kv.KvResult;
import io.ostraka.kv.KvStatus;
import io.ostraka.server.KvService;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.IntSupplier;

/**
 * The command table: looks a request up, checks its arity and runs it. Every command answers
 * with a future reply; local commands complete it at once. Commands reach the store only through
 * {@link Call#read} and {@link Call#write}, which apply the connection's read consistency,
 * minimum index and session (docs/resp.md, "Consistency and sessions").
 *
 * <p>Threading: {@link #execute} runs on the connection's event loop, and every continuation that
 * touches the connection's {@link ClientState} is scheduled back onto that loop (never run on
 * whatever thread completed the service's future).
 */
final class RespCommands {
    /** Runs one command. */
    interface Handler {
        CompletableFuture<RespReply> run(Call call);
    }

    /**
     * A command as COMMAND describes it.
     *
     * @param arity as in Redis's COMMAND: n > 0 exactly n arguments (the name included), n < 0 at
     *     least -n
     * @param firstKey position of the first key argument (0 = no keys)
     * @param lastKey position of the last key argument (-1 = the last argument)
     * @param keyStep distance between key arguments
     */
    record Spec(String name, int arity, boolean write, int firstKey, int lastKey, int keyStep, Handler handler) {}

    private final KvService service;
    private final RespServerConfig config;
    private final IntSupplier connectedClients;
    private final IntSupplier port;
    private final Map<String, Spec> table = new LinkedHashMap<>();

    RespCommands(KvService service, RespServerConfig config, IntSupplier connectedClients, IntSupplier port) {
        this.service = service;
        this.config = config;
        this.connectedClients = connectedClients;
        this.port = port;
        KeyCommands.register(this);
        ServerCommands.register(this);
    }

    /** Adds a command without key arguments. */
    void add(String name, int arity, boolean write, Handler handler) {
        table.put(name, new Spec(name, arity, write, 0, 0, 0, handler));
    }

    /** Adds a command whose keys are the arguments {@code firstKey, firstKey + step, ..., lastKey}. */
    void add(String name, int arity, boolean write, int firstKey, int lastKey, int keyStep, Handler handler) {
        table.put(name, new Spec(name, arity, write, firstKey, lastKey, keyStep, handler));
    }

    Collection<Spec> specs() {
        return Collections.unmodifiableCollection(table.values());
    }

    Spec spec(String name) {
        return table.get(name);
    }

    RespServerConfig config() {
        return config;
    }

    KvService service() {
        return service;
    }

    int connectedClients() {
        return connectedClients.getAsInt();
    }

    int port() {
        return port.getAsInt();
    }

    /** Runs {@code request}; the future never fails (errors become error replies). */
    CompletableFuture<RespReply> execute(ClientState client, RespRequest request, Executor loop) {
        String name = request.name();
        Spec spec = table.get(name);
        if (spec == null) {
            return CompletableFuture.completedFuture(RespErrors.unknownCommand(request));
        }
        client.lastCommand(name);
        int argc = request.argCount();
        if ((spec.arity() > 0 && argc != spec.arity()) || (spec.arity() < 0 && argc < -spec.arity())) {
            return CompletableFuture.completedFuture(RespErrors.wrongArity(name));
        }
        CompletableFuture<RespReply> reply;
        try {
            reply = spec.handler().run(new Call(client, request, loop));
        } catch (RuntimeException e) { // an argument outside the KV limits, or a service that threw
            reply = CompletableFuture.failedFuture(e);
        }
        return reply.handle((r, failure) -> failure == null ? r : RespErrors.of(failure));
    }

    /** One running command: its client, arguments, event loop, and access to the store. */
    final class Call {
        final ClientState client;
        final RespRequest request;
        final Executor loop;

        Call(ClientState client, RespRequest request, Executor loop) {
            this.client = client;
            this.request = request;
            this.loop = loop;
        }

        int argc() {
            return request.argCount();
        }

        byte[] arg(int index) {
            return request.arg(index);
        }

        String argString(int index) {
            return request.argString(index);
        }

        /** Argument {@code index} in upper case, for keywords. */
        String keyword(int index) {
            return new String(request.arg(index), StandardCharsets.UTF_8).toUpperCase(java.util.Locale.ROOT);
        }

        RespCommands commands() {
            return RespCommands.this;
        }

        /** Reads at the connection's consistency, never behind what it has seen. */
        CompletableFuture<KvResult> read(KvOp op) {
            CompletableFuture<KvService.Result> result;
            try {
                result = service.read(op, client.consistency(), client.observedIndex());
            } catch (RuntimeException e) {
                result = CompletableFuture.failedFuture(e);
            }
            return result.thenApplyAsync(r -> {
                client.observe(r.index());
                return r.result();
            }, loop);
        }

        /** Writes in the connection's session; an expired session is replaced once (see docs/resp.md). */
        CompletableFuture<KvResult> write(KvCommand command) {
            return write(command, true);
        }

        private CompletableFuture<KvResult> write(KvCommand command, boolean mayRenewSession) {
            if (!client.hasSession()) {
                return openSession().thenComposeAsync(refused -> refused != null
                        ? CompletableFuture.completedFuture(refused) : write(command, mayRenewSession), loop);
            }
            CompletableFuture<KvService.Result> result;
            try {
                result = service.write(client.nextWrite(command));
            } catch (RuntimeException e) {
                result = CompletableFuture.failedFuture(e);
            }
            return result.thenComposeAsync(r -> {
                client.observe(r.index());
                if (r.result().status() == KvStatus.SESSION_EXPIRED && mayRenewSession) {
                    // Nothing was applied, and this connection has no other write in flight, so
                    // sending the same command in a fresh session cannot apply anything twice.
                    client.dropSession();
                    return write(command, false);
                }
                return CompletableFuture.completedFuture(r.result());
            }, loop);
        }

        /**
         * Opens this connection's session; completes with null when it is open, or with the
         * result that refused it. Retrying an opening is safe (a session nobody uses expires), so
         * the service may.
         */
        private CompletableFuture<KvResult> openSession() {
            CompletableFuture<KvService.Result> result;
            try {
                result = service.write(KvCommand.openSession());
            } catch (RuntimeException e) {
                result = CompletableFuture.failedFuture(e);
            }
            return result.thenApplyAsync(r -> {
                client.observe(r.index());
                if (!r.result().isOk()) {
                    return r.result();
                }
                client.session(r.result().integer());
                return null;
            }, loop);
        }
    }

    static CompletableFuture<RespReply> done(RespReply reply) {
        return CompletableFuture.completedFuture(reply);
    }
}
