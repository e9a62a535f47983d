package io.ostraka.server.resp;

import io.ostraka.kv.KvCommand;
import io.ostraka.kv.KvEntry;
import io.ostraka.kv.KvLimits;
import io.ostraka.kv.KvOp;
import io.ostraka.kv.KvResult;
import io.ostraka.kv.KvStatus;
import io.ostraka.server.resp.RespCommands.Call;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.ostraka.server.resp.RespCommands.done;

/**
 * The keyspace commands: strings, counters, multi-key commands, SCAN/KEYS/DBSIZE and the
 * version-aware {@code OSTRAKA.CAS} / {@code OSTRAKA.GETV}. Each maps onto one KV operation (or
 * one batch), except MGET and EXISTS, which read their keys separately (docs/resp.md).
 */
final class KeyCommands {
    private KeyCommands() {}

    static void register(RespCommands commands) {
        commands.add("get", 2, false, 1, 1, 1, KeyCommands::get);
        commands.add("set", -3, true, 1, 1, 1, KeyCommands::set);
        commands.add("del", -2, true, 1, -1, 1, KeyCommands::del);
        commands.add("exists", -2, false, 1, -1, 1, KeyCommands::exists);
        commands.add("mget", -2, false, 1, -1, 1, KeyCommands::mget);
        commands.add("mset", -3, true, 1, -1, 2, KeyCommands::mset);
        commands.add("incr", 2, true, 1, 1, 1, call -> increment(call, 1));
        commands.add("decr", 2, true, 1, 1, 1, call -> increment(call, -1));
        commands.add("incrby", 3, true, 1, 1, 1, call -> incrementBy(call, false));
        commands.add("decrby", 3, true, 1, 1, 1, call -> incrementBy(call, true));
        commands.add("scan", -2, false, KeyCommands::scan);
        commands.add("keys", 2, false, KeyCommands::keys);
        commands.add("dbsize", 1, false, KeyCommands::dbsize);
        commands.add("ostraka.cas", 4, true, 1, 1, 1, KeyCommands::compareAndSet);
        commands.add("ostraka.getv", 2, false, 1, 1, 1, KeyCommands::getWithVersion);
    }

    private static CompletableFuture<RespReply> get(Call call) {
        return call.read(new KvOp.Get(call.arg(1))).thenApply(r -> switch (r.status()) {
            case OK -> RespReply.bulk(r.value());
            case NOT_FOUND -> RespReply.NIL;
            default -> RespErrors.of(r);
        });
    }

    private static CompletableFuture<RespReply> set(Call call) {
        KvOp.PutCondition condition = KvOp.PutCondition.ALWAYS;
        boolean returnPrevious = false;
        boolean ttl = false;
        for (int i = 3; i < call.argc(); i++) {
            String option = call.keyword(i);
            switch (option) {
                case "NX", "XX" -> {
                    KvOp.PutCondition wanted = option.equals("NX") ? KvOp.PutCondition.IF_ABSENT
                            : KvOp.PutCondition.IF_PRESENT;
                    if (condition != KvOp.PutCondition.ALWAYS && condition != wanted) {
                        return done(RespErrors.SYNTAX);
                    }
                    condition = wanted;
                }
                case "GET" -> returnPrevious = true;
                case "KEEPTTL" -> ttl = true;
                case "EX", "PX", "EXAT", "PXAT" -> {
                    if (i + 1 >= call.argc()) {
                        return done(RespErrors.SYNTAX);
                    }
                    i++;
                    ttl = true;
                }
                default -> {
                    return done(RespErrors.SYNTAX);
                }
            }
        }
        if (ttl) {
            return done(RespErrors.TTL_NOT_SUPPORTED);
        }
        boolean get = returnPrevious;
        return call.write(KvCommand.put(call.arg(1), call.arg(2), condition, returnPrevious)).thenApply(r -> {
            if (r.status() == KvStatus.OK || r.status() == KvStatus.CONDITION_FAILED) {
                return get ? RespReply.bulk(r.value()) : r.isOk() ? RespReply.OK : RespReply.NIL;
            }
            return RespErrors.of(r);
        });
    }

    private static CompletableFuture<RespReply> del(Call call) {
        List<byte[]> keys = call.request.args().subList(1, call.argc());
        long groupsMax = (long) call.commands().config().multiKeyMax();
        if (keys.size() <= KvLimits.DELETE_KEYS_MAX) {
            return call.write(KvCommand.of(new KvOp.Delete(keys))).thenApply(KeyCommands::integerOrError);
        }
        long groups = (keys.size() + KvLimits.DELETE_KEYS_MAX - 1) / KvLimits.DELETE_KEYS_MAX;
        if (groups > Math.min(groupsMax, KvLimits.BATCH_OPS_MAX)) {
            return done(tooManyKeys(keys.size(), Math.min(groupsMax, KvLimits.BATCH_OPS_MAX) * KvLimits.DELETE_KEYS_MAX));
        }
        List<KvOp> ops = new ArrayList<>();
        for (int from = 0; from < keys.size(); from += KvLimits.DELETE_KEYS_MAX) {
            ops.add(new KvOp.Delete(keys.subList(from, Math.min(keys.size(), from + KvLimits.DELETE_KEYS_MAX))));
        }
        return call.write(KvCommand.of(new KvOp.Batch(ops))).thenApply(r -> {
            if (!r.isOk()) {
                return RespErrors.of(r);
            }
            return RespReply.integer(r.results().stream().mapToLong(KvResult::integer).sum());
        });
    }

    private static CompletableFuture<RespReply> exists(Call call) {
        return readEach(call, results -> {
            long found = results.stream().filter(KvResult::isOk).count();
            return RespReply.integer(found);
        });
    }

    private static CompletableFuture<RespReply> mget(Call call) {
        return readEach(call, results -> {
            List<RespReply> values = new ArrayList<>(results.size());
            for (KvResult r : results) {
                values.add(r.isOk() ? RespReply.bulk(r.value()) : RespReply.NIL);
            }
            return RespReply.array(values);
        });
    }

    /** GETs every key argument concurrently (each at the connection's minimum index); replies in key order. */
    private static CompletableFuture<RespReply> readEach(Call call,
            java.util.function.Function<List<KvResult>, RespReply> combine) {
        int keys = call.argc() - 1;
        if (keys > call.commands().config().multiKeyMax()) {
            return done(tooManyKeys(keys, call.commands().config().multiKeyMax()));
        }
        List<CompletableFuture<KvResult>> reads = new ArrayList<>(keys);
        for (int i = 1; i < call.argc(); i++) {
            reads.add(call.read(new KvOp.Get(call.arg(i))));
        }
        return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            List<KvResult> results = new ArrayList<>(keys);
            for (CompletableFuture<KvResult> read : reads) {
                KvResult r = read.join();
                if (r.status() != KvStatus.OK && r.status() != KvStatus.NOT_FOUND) {
                    return RespErrors.of(r);
                }
                results.add(r);
            }
            return combine.apply(results);
        });
    }

    private static CompletableFuture<RespReply> mset(Call call) {
        if ((call.argc() - 1) % 2 != 0) {
            return done(RespErrors.wrongArity("mset"));
        }
        int pairs = (call.argc() - 1) / 2;
        int pairsMax = Math.min(call.commands().config().multiKeyMax(), KvLimits.BATCH_OPS_MAX);
        if (pairs > pairsMax) {
            return done(tooManyKeys(pairs, pairsMax));
        }
        List<KvOp> puts = new ArrayList<>(pairs);
        for (int i = 1; i < call.argc(); i += 2) {
            puts.add(new KvOp.Put(call.arg(i), call.arg(i + 1), KvOp.PutCondition.ALWAYS, false));
        }
        return call.write(KvCommand.of(new KvOp.Batch(puts)))
                .thenApply(r -> r.isOk() ? RespReply.OK : RespErrors.of(r));
    }

    private static CompletableFuture<RespReply> incrementBy(Call call, boolean negate) {
        Long delta = RespNumbers.parseLong(call.arg(2));
        if (delta == null) {
            return done(RespErrors.NOT_AN_INTEGER);
        }
        if (negate && delta == Long.MIN_VALUE) {
            return done(RespReply.error("ERR decrement would overflow"));
        }
        return increment(call, negate ? -delta : delta);
    }

    private static CompletableFuture<RespReply> increment(Call call, long delta) {
        return call.write(KvCommand.incrementBy(call.arg(1), delta)).thenApply(KeyCommands::integerOrError);
    }

    private static RespReply integerOrError(KvResult r) {
        return r.isOk() ? RespReply.integer(r.integer()) : RespErrors.of(r);
    }

    private static CompletableFuture<RespReply> dbsize(Call call) {
        return call.read(new KvOp.Count(new byte[0], null)).thenApply(KeyCommands::integerOrError);
    }

    // ---- SCAN and KEYS -----------------------------------------------------------------------

    private static CompletableFuture<RespReply> scan(Call call) {
        byte[] start = ScanCursor.resumeKey(call.arg(1));
        if (start == null) {
            return done(RespReply.error("ERR invalid cursor"));
        }
        GlobPattern pattern = null;
        long count = 10;
        boolean stringsOnly = true;
        for (int i = 2; i < call.argc(); i += 2) {
            if (i + 1 >= call.argc()) {
                return done(RespErrors.SYNTAX);
            }
            switch (call.keyword(i)) {
                case "MATCH" -> {
                    pattern = GlobPattern.compile(call.arg(i + 1));
                    if (pattern == null) {
                        return done(patternTooLong());
                    }
                }
                case "COUNT" -> {
                    Long parsed = RespNumbers.parseLong(call.arg(i + 1));
                    if (parsed == null) {
                        return done(RespErrors.NOT_AN_INTEGER);
                    }
                    if (parsed < 1) {
                        return done(RespErrors.SYNTAX);
                    }
                    count = parsed;
                }
                case "TYPE" -> stringsOnly = call.keyword(i + 1).equals("STRING");
                default -> {
                    return done(RespErrors.SYNTAX);
                }
            }
        }
        Range range = Range.of(start, pattern);
        if (range == null) {
            return done(scanReply(ScanCursor.START, List.of()));
        }
        int limit = (int) Math.min(count, call.commands().config().scanCountMax());
        GlobPattern filter = pattern;
        boolean includeKeys = stringsOnly;
        return call.read(new KvOp.Scan(range.start, range.end, limit)).thenApply(r -> {
            if (!r.isOk()) {
                return RespErrors.of(r);
            }
            List<KvEntry> entries = r.entries();
            List<RespReply> keys = new ArrayList<>();
            for (KvEntry entry : entries) {
                if (includeKeys && (filter == null || filter.matches(entry.key()))) {
                    keys.add(RespReply.bulk(entry.key()));
                }
            }
            String cursor = r.more() && !entries.isEmpty() ? ScanCursor.encode(entries.get(entries.size() - 1).key())
                    : ScanCursor.START;
            return scanReply(cursor, keys);
        });
    }

    private static RespReply scanReply(String cursor, List<RespReply> keys) {
        return RespReply.array(List.of(RespReply.bulk(cursor), RespReply.array(keys)));
    }

    private static CompletableFuture<RespReply> keys(Call call) {
        GlobPattern pattern = GlobPattern.compile(call.arg(1));
        if (pattern == null) {
            return done(patternTooLong());
        }
        Range range = Range.of(new byte[0], pattern);
        if (range == null) {
            return done(RespReply.EMPTY_ARRAY);
        }
        int keysMax = call.commands().config().keysMax();
        return call.read(new KvOp.Scan(range.start, range.end, keysMax)).thenApply(r -> {
            if (!r.isOk()) {
                return RespErrors.of(r);
            }
            if (r.more()) {
                return RespReply.error("ERR KEYS would examine more than " + keysMax + " keys or "
                        + KvLimits.SCAN_RESULT_BYTES_MAX / (1024 * 1024) + " MiB of keys and values; use SCAN");
            }
            List<RespReply> keys = new ArrayList<>();
            for (KvEntry entry : r.entries()) {
                if (pattern.matches(entry.key())) {
                    keys.add(RespReply.bulk(entry.key()));
                }
            }
            return RespReply.array(keys);
        });
    }

    /** The key range a scan from {@code start} for {@code pattern} must visit; null when empty. */
    private record Range(byte[] start, byte[] end) {
        static Range of(byte[] start, GlobPattern pattern) {
            if (pattern == null || pattern.matchesAll()) {
                return new Range(start, null);
            }
            byte[] prefix = pattern.literalPrefix();
            byte[] end = prefixEnd(prefix);
            byte[] from = Arrays.compareUnsigned(start, prefix) >= 0 ? start : prefix;
            if (end != null && Arrays.compareUnsigned(from, end) >= 0) {
                return null;
            }
            return new Range(from, end);
        }

        /** The first key after every key starting with {@code prefix}; null if there is none. */
        private static byte[] prefixEnd(byte[] prefix) {
            for (int i = prefix.length - 1; i >= 0; i--) {
                if (prefix[i] != (byte) 0xff) {
                    byte[] end = Arrays.copyOf(prefix, i + 1);
                    end[i]++;
                    return end;
                }
            }
            return null;
        }
    }

    private static RespReply patternTooLong() {
        return RespReply.error("ERR pattern longer than " + GlobPattern.PATTERN_BYTES_MAX + " bytes");
    }

    private static RespReply tooManyKeys(long keys, long max) {
        return RespReply.error("ERR too many keys: " + keys + " (at most " + max + ")");
    }

    // ---- Versions ----------------------------------------------------------------------------

    private static CompletableFuture<RespReply> compareAndSet(Call call) {
        Long expected = RespNumbers.parseLong(call.arg(2));
        if (expected == null || expected < 0) {
            return done(RespErrors.NOT_AN_INTEGER);
        }
        return call.write(KvCommand.compareAndSet(call.arg(1), expected, call.arg(3))).thenApply(r -> {
            if (r.isOk()) {
                return RespReply.integer(r.version());
            }
            if (r.status() == KvStatus.CONDITION_FAILED) {
                return RespReply.error("CONFLICT expected version " + expected + " but the current version is "
                        + r.version());
            }
            return RespErrors.of(r);
        });
    }

    private static CompletableFuture<RespReply> getWithVersion(Call call) {
        return call.read(new KvOp.Get(call.arg(1))).thenApply(r -> switch (r.status()) {
            case OK -> RespReply.array(List.of(RespReply.bulk(r.value()), RespReply.integer(r.version()),
                    RespReply.integer(r.createIndex()), RespReply.integer(r.modIndex())));
            case NOT_FOUND -> RespReply.NIL_ARRAY;
            default -> RespErrors.of(r);
        });
    }
}
