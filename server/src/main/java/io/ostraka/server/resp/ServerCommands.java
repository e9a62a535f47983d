package io.ostraka.server.resp;

import io.ostraka.kv.KvOp;
import io.ostraka.kv.ReadConsistency;
import io.ostraka.server.resp.RespCommands.Call;
import io.ostraka.server.resp.RespCommands.Spec;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

import static io.ostraka.server.resp.RespCommands.done;

/**
 * Connection and server commands: PING, ECHO, SELECT, CLIENT, HELLO, COMMAND, CONFIG, INFO, QUIT
 * (answered here, closed by the connection) and {@code OSTRAKA.CONSISTENCY} / {@code OSTRAKA.STATUS}.
 * They exist so that Redis clients and tools connect and introspect without surprises; none
 * changes the store.
 */
final class ServerCommands {
    static final String VERSION = "0.1.0";
    /** The Redis version whose command surface we follow, for clients that gate features on it. */
    static final String REDIS_COMPATIBLE_VERSION = "7.0.0";
    private static final RespReply BAD_CLIENT_NAME =
            RespReply.error("ERR Client names cannot contain spaces, newlines or special characters.");

    private ServerCommands() {}

    static void register(RespCommands commands) {
        commands.add("ping", -1, false, ServerCommands::ping);
        commands.add("echo", 2, false, call -> done(RespReply.bulk(call.arg(1))));
        commands.add("quit", -1, false, call -> done(RespReply.OK));
        commands.add("select", 2, false, ServerCommands::select);
        commands.add("client", -2, false, ServerCommands::client);
        commands.add("hello", -1, false, ServerCommands::hello);
        commands.add("command", -1, false, ServerCommands::command);
        commands.add("config", -2, false, ServerCommands::config);
        commands.add("info", -1, false, ServerCommands::info);
        commands.add("ostraka.consistency", -1, false, ServerCommands::consistency);
        commands.add("ostraka.status", 1, false, ServerCommands::status);
    }

    private static CompletableFuture<RespReply> ping(Call call) {
        return switch (call.argc()) {
            case 1 -> done(RespReply.simple("PONG"));
            case 2 -> done(RespReply.bulk(call.arg(1)));
            default -> done(RespErrors.wrongArity("ping"));
        };
    }

    private static CompletableFuture<RespReply> select(Call call) {
        Long db = RespNumbers.parseLong(call.arg(1));
        if (db == null) {
            return done(RespErrors.NOT_AN_INTEGER);
        }
        return done(db == 0 ? RespReply.OK : RespReply.error("ERR DB index is out of range"));
    }

    private static CompletableFuture<RespReply> client(Call call) {
        String sub = call.keyword(1);
        switch (sub) {
            case "ID":
                return done(call.argc() == 2 ? RespReply.integer(call.client.id()) : RespErrors.wrongArity("client|id"));
            case "GETNAME":
                return done(call.argc() != 2 ? RespErrors.wrongArity("client|getname")
                        : call.client.name().isEmpty() ? RespReply.NIL : RespReply.bulk(call.client.name()));
            case "SETNAME": {
                if (call.argc() != 3) {
                    return done(RespErrors.wrongArity("client|setname"));
                }
                String name = call.argString(2);
                if (!validClientName(name)) {
                    return done(BAD_CLIENT_NAME);
                }
                call.client.name(name);
                return done(RespReply.OK);
            }
            case "INFO":
                return done(call.argc() == 2 ? RespReply.bulk(call.client.infoLine()) : RespErrors.wrongArity("client|info"));
            case "SETINFO":
                return done(call.argc() == 4 ? RespReply.OK : RespErrors.wrongArity("client|setinfo"));
            default:
                return done(RespErrors.unknownSubcommand(call.argString(1), "client"));
        }
    }

    /** RESP3 is not spoken: {@code HELLO 3} gets -NOPROTO and clients fall back to RESP2. */
    private static CompletableFuture<RespReply> hello(Call call) {
        int i = 1;
        if (call.argc() > 1) {
            Long protocol = RespNumbers.parseLong(call.arg(1));
            if (protocol == null) {
                return done(RespReply.error("ERR Protocol version is not an integer or out of range"));
            }
            if (protocol != 2) {
                return done(RespReply.error("NOPROTO unsupported protocol version"));
            }
            i = 2;
        }
        for (; i < call.argc(); i++) {
            String option = call.keyword(i);
            if (option.equals("SETNAME") && i + 1 < call.argc()) {
                String name = call.argString(++i);
                if (!validClientName(name)) {
                    return done(BAD_CLIENT_NAME); // as CLIENT SETNAME: a space would break CLIENT INFO's format
                }
                call.client.name(name);
            } else if (option.equals("AUTH")) {
                return done(RespReply.error("ERR AUTH is not supported"));
            } else {
                return done(RespReply.error("ERR Syntax error in HELLO option '" + call.argString(i) + "'"));
            }
        }
        return done(RespReply.fields("server", "ostraka", "version", REDIS_COMPATIBLE_VERSION, "proto", 2L,
                "id", call.client.id(), "mode", "standalone", "role", "master", "modules", RespReply.EMPTY_ARRAY));
    }

    private static CompletableFuture<RespReply> command(Call call) {
        RespCommands commands = call.commands();
        if (call.argc() == 1) {
            List<RespReply> all = new ArrayList<>();
            for (Spec spec : commands.specs()) {
                all.add(describe(spec));
            }
            return done(RespReply.array(all));
        }
        switch (call.keyword(1)) {
            case "COUNT":
                return done(call.argc() == 2 ? RespReply.integer(commands.specs().size()) : RespErrors.wrongArity("command|count"));
            case "DOCS":
                return done(RespReply.EMPTY_ARRAY);
            case "LIST":
                return done(commandList(call));
            case "INFO": {
                List<RespReply> infos = new ArrayList<>();
                if (call.argc() == 2) { // no names: every command, as Redis 7 does
                    commands.specs().forEach(spec -> infos.add(describe(spec)));
                }
                for (int i = 2; i < call.argc(); i++) {
                    Spec spec = commands.spec(call.argString(i).toLowerCase(Locale.ROOT));
                    infos.add(spec == null ? RespReply.NIL_ARRAY : describe(spec));
                }
                return done(RespReply.array(infos));
            }
            default:
                return done(RespErrors.unknownSubcommand(call.argString(1), "command"));
        }
    }

    /**
     * COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN glob]: no modules; the
     * categories are read and write (each command is one of them).
     */
    private static RespReply commandList(Call call) {
        Collection<Spec> specs = call.commands().specs();
        Predicate<Spec> keep = spec -> true;
        if (call.argc() != 2) {
            if (call.argc() != 5 || !call.keyword(2).equals("FILTERBY")) {
                return RespErrors.SYNTAX;
            }
            String value = call.argString(4);
            switch (call.keyword(3)) {
                case "MODULE" -> keep = spec -> false;
                case "ACLCAT" -> keep = spec -> value.equalsIgnoreCase(spec.write() ? "write" : "read");
                case "PATTERN" -> {
                    GlobPattern glob = GlobPattern.compile(call.arg(4));
                    if (glob == null) {
                        return RespReply.error("ERR pattern longer than " + GlobPattern.PATTERN_BYTES_MAX + " bytes");
                    }
                    keep = spec -> glob.matches(spec.name().getBytes(StandardCharsets.UTF_8));
                }
                default -> {
                    return RespErrors.SYNTAX;
                }
            }
        }
        List<RespReply> names = new ArrayList<>();
        for (Spec spec : specs) {
            if (keep.test(spec)) {
                names.add(RespReply.bulk(spec.name()));
            }
        }
        return RespReply.array(names);
    }

    /** A COMMAND entry: name, arity, flags, first key, last key, step. */
    private static RespReply describe(Spec spec) {
        return RespReply.array(List.of(RespReply.bulk(spec.name()), RespReply.integer(spec.arity()),
                RespReply.array(List.of(RespReply.simple(spec.write() ? "write" : "readonly"))),
                RespReply.integer(spec.firstKey()), RespReply.integer(spec.lastKey()),
                RespReply.integer(spec.keyStep())));
    }

    /** CONFIG GET answers with no parameters (tools such as redis-benchmark ask and cope). */
    private static CompletableFuture<RespReply> config(Call call) {
        return switch (call.keyword(1)) {
            case "GET" -> done(call.argc() >= 3 ? RespReply.EMPTY_ARRAY : RespErrors.wrongArity("config|get"));
            case "RESETSTAT" -> done(RespReply.OK);
            case "SET", "REWRITE" -> done(RespReply.error("ERR CONFIG " + call.keyword(1) + " is not supported"));
            default -> done(RespErrors.unknownSubcommand(call.argString(1), "config"));
        };
    }

    // ---- INFO and status ---------------------------------------------------------------------

    private static CompletableFuture<RespReply> info(Call call) {
        // Redis 7 takes any number of sections; none means the default set.
        Set<String> sections = new HashSet<>();
        for (int i = 1; i < call.argc(); i++) {
            sections.add(call.argString(i).toLowerCase(Locale.ROOT));
        }
        boolean all = sections.isEmpty() || sections.contains("default") || sections.contains("all")
                || sections.contains("everything");
        StringBuilder text = new StringBuilder();
        if (all || sections.contains("server")) {
            text.append("# Server\r\n")
                    .append("redis_version:").append(REDIS_COMPATIBLE_VERSION).append("\r\n")
                    .append("ostraka_version:").append(VERSION).append("\r\n")
                    .append("redis_mode:standalone\r\n")
                    .append("tcp_port:").append(call.commands().port()).append("\r\n\r\n");
        }
        if (all || sections.contains("clients")) {
            text.append("# Clients\r\n")
                    .append("connected_clients:").append(call.commands().connectedClients()).append("\r\n\r\n");
        }
        if (all || sections.contains("raft")) {
            text.append("# Raft\r\n");
            for (Map.Entry<String, String> fact : new TreeMap<>(call.commands().service().info()).entrySet()) {
                text.append(infoToken(fact.getKey())).append(':').append(infoToken(fact.getValue())).append("\r\n");
            }
            text.append("\r\n");
        }
        if (!all && !sections.contains("keyspace")) {
            return done(RespReply.bulk(text.toString()));
        }
        return call.read(new KvOp.Count(new byte[0], null)).thenApply(r -> {
            if (!r.isOk()) {
                return RespErrors.of(r);
            }
            text.append("# Keyspace\r\n");
            if (r.integer() > 0) { // Redis lists only non-empty databases
                text.append("db0:keys=").append(r.integer()).append(",expires=0,avg_ttl=0\r\n");
            }
            return RespReply.bulk(text.toString());
        });
    }

    /** INFO fields are "name:value" lines: no line breaks, and no ':' in names. */
    private static String infoToken(String text) {
        return text.replace('\r', ' ').replace('\n', ' ');
    }

    private static CompletableFuture<RespReply> status(Call call) {
        List<RespReply> fields = new ArrayList<>();
        for (Map.Entry<String, String> fact : new TreeMap<>(call.commands().service().info()).entrySet()) {
            fields.add(RespReply.bulk(fact.getKey()));
            fields.add(RespReply.bulk(fact.getValue()));
        }
        return done(RespReply.array(fields));
    }

    private static CompletableFuture<RespReply> consistency(Call call) {
        if (call.argc() == 1) {
            return done(RespReply.bulk(call.client.consistency().name().toLowerCase(Locale.ROOT)));
        }
        if (call.argc() > 2) {
            return done(RespErrors.wrongArity("ostraka.consistency"));
        }
        for (ReadConsistency level : ReadConsistency.values()) {
            if (level.name().equals(call.keyword(1))) {
                call.client.consistency(level);
                return done(RespReply.OK);
            }
        }
        return done(RespReply.error("ERR unknown consistency '" + call.argString(1)
                + "': use linearizable, lease, follower or stale"));
    }

    /** Printable ASCII without spaces, as Redis requires of CLIENT SETNAME and HELLO SETNAME. */
    private static boolean validClientName(String name) {
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) <= ' ' || name.charAt(i) > '~') {
                return false;
            }
        }
        return true;
    }
}
