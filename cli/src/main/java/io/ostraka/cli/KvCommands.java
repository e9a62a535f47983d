package io.ostraka.cli;

import io.ostraka.client.CasResult;
import io.ostraka.client.Consistency;
import io.ostraka.client.DeleteResult;
import io.ostraka.client.KeyValue;
import io.ostraka.client.OstrakaClient;
import io.ostraka.client.OstrakaClientException;
import io.ostraka.client.PutCondition;
import io.ostraka.client.PutResult;
import io.ostraka.client.ReadOptions;
import io.ostraka.client.ScanResult;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The key-value commands: put, get, del, cas, scan, status. Errors print one line and exit 1. */
final class KvCommands {
    private KvCommands() {}

    /** Runs {@code body} with a connected client, mapping client errors to one line and exit 1. */
    static int withClient(ClientOptions options, ClientBody body) {
        try (OstrakaClient client = options.connect()) {
            return body.run(client);
        } catch (OstrakaClientException e) {
            System.err.println("error: " + e.code() + ": " + e.getMessage());
            return 1;
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
    }

    interface ClientBody {
        int run(OstrakaClient client);
    }

    static String show(KeyValue kv) {
        return kv.valueUtf8();
    }

    @Command(name = "put", description = "Write a value (version +1).")
    static final class Put implements Callable<Integer> {
        @Mixin ClientOptions options;
        @Parameters(index = "0") String key;
        @Parameters(index = "1") String value;
        @Option(names = "--if-absent", description = "only if the key does not exist") boolean ifAbsent;
        @Option(names = "--if-present", description = "only if the key exists") boolean ifPresent;

        @Override
        public Integer call() {
            if (ifAbsent && ifPresent) {
                System.err.println("error: --if-absent and --if-present cannot both hold");
                return 2;
            }
            return withClient(options, c -> {
                PutCondition condition = ifAbsent ? PutCondition.IF_ABSENT : ifPresent ? PutCondition.IF_PRESENT : PutCondition.NONE;
                PutResult r = c.put(OstrakaClient.utf8(key), OstrakaClient.utf8(value), condition, false);
                if (!r.succeeded()) {
                    System.err.println("not written: the key " + (ifAbsent ? "exists" : "does not exist"));
                    return 1;
                }
                System.out.println("OK version=" + r.version());
                return 0;
            });
        }
    }

    @Command(name = "get", description = "Read a value.")
    static final class Get implements Callable<Integer> {
        @Mixin ClientOptions options;
        @Parameters(index = "0") String key;
        @Option(names = "--consistency", defaultValue = "linearizable", description = "linearizable, lease, follower or stale")
        Consistency consistency;
        @Option(names = {"-v", "--verbose"}, description = "also print version, createIndex and modIndex") boolean verbose;

        @Override
        public Integer call() {
            return withClient(options, c -> {
                Optional<KeyValue> kv = c.get(OstrakaClient.utf8(key), ReadOptions.of(consistency));
                if (kv.isEmpty()) {
                    System.err.println("(not found)");
                    return 1;
                }
                System.out.println(kv.get().valueUtf8() + (verbose ? "\tversion=" + kv.get().version()
                        + " createIndex=" + kv.get().createIndex() + " modIndex=" + kv.get().modIndex() : ""));
                return 0;
            });
        }
    }

    @Command(name = "del", description = "Delete keys.")
    static final class Del implements Callable<Integer> {
        @Mixin ClientOptions options;
        @Parameters(arity = "1..*") String[] keys;

        @Override
        public Integer call() {
            return withClient(options, c -> {
                DeleteResult r = c.delete(keys);
                System.out.println("deleted " + r.deleted());
                return 0;
            });
        }
    }

    @Command(name = "cas", description = "Compare-and-set: write only if the key's version is EXPECTED (0 = must not exist).")
    static final class Cas implements Callable<Integer> {
        @Mixin ClientOptions options;
        @Parameters(index = "0") String key;
        @Parameters(index = "1") long expectedVersion;
        @Parameters(index = "2") String value;

        @Override
        public Integer call() {
            return withClient(options, c -> {
                CasResult r = c.compareAndSet(OstrakaClient.utf8(key), expectedVersion, OstrakaClient.utf8(value));
                if (!r.succeeded()) {
                    System.err.println("conflict: expected version " + expectedVersion + ", current version " + r.version());
                    return 1;
                }
                System.out.println("OK version=" + r.version());
                return 0;
            });
        }
    }

    @Command(name = "scan", description = "List keys in [START, END) in order.")
    static final class Scan implements Callable<Integer> {
        @Mixin ClientOptions options;
        @Parameters(index = "0", defaultValue = "", description = "first key (default: the beginning)") String start;
        @Parameters(index = "1", arity = "0..1", description = "end key, exclusive (default: the end)") String end;
        @Option(names = "--limit", defaultValue = "100") int limit;

        @Override
        public Integer call() {
            return withClient(options, c -> {
                ScanResult r = c.scan(OstrakaClient.utf8(start), end == null ? null : OstrakaClient.utf8(end), limit);
                for (KeyValue kv : r.entries()) {
                    System.out.println(kv.keyUtf8() + "\t" + kv.valueUtf8() + "\tversion=" + kv.version());
                }
                if (r.more()) {
                    System.out.println("... (more; continue after the last key)");
                }
                return 0;
            });
        }
    }

    @Command(name = "status", description = "Show every member: role, term, commit and applied index, replication lag, "
            + "health (each member asked directly). Exits 1 when no leader is known.")
    static final class Status implements Callable<Integer> {
        @Mixin ClientOptions options;

        @Override
        public Integer call() {
            return withClient(options, c -> {
                ClusterTable table = ClusterTable.gather(c, options.endpointList());
                System.out.print(table.render());
                return table.leaderId() == 0 ? 1 : 0;
            });
        }
    }
}
