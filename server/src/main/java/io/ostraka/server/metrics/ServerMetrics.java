package io.ostraka.server.metrics;

import com.sun.net.httpserver.HttpExchange;
import io.ostraka.log.WalObserver;
import io.ostraka.node.Clock;
import io.ostraka.node.RaftGroup;
import io.ostraka.node.RaftListener;
import io.ostraka.node.RaftMetrics;
import io.ostraka.raft.Status;
import io.ostraka.server.NodeStorage;
import io.ostraka.transport.TransportMetrics;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * The metrics of one server process (DESIGN.md "Observability"; the list with meanings is in
 * docs/operations.md), served at {@code /metrics} in the Prometheus text format.
 *
 * <p>The lower layers know nothing of Prometheus. They report through small hooks that this
 * package implements: the runtime through {@link RaftMetrics} (latencies it times with its
 * injected clock) and {@link RaftListener} (elections), the log engine through
 * {@link WalObserver} (fsyncs), and the KV front ends through {@link MeteredKvService}. Gauges
 * (role, term, indexes, sizes) and the transport's counters are not pushed at all: they are read
 * from the groups, the log and {@link TransportMetrics} when Prometheus scrapes.
 *
 * <p>Each server has its own registry (never the library's default one), so several servers in
 * one JVM — as in the tests — keep their numbers apart.
 */
public final class ServerMetrics {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final RaftInstruments raft;
    private final WalInstruments wal;
    private final KvInstruments kv;
    private final List<RaftGroup> groups = new CopyOnWriteArrayList<>();

    public ServerMetrics(Clock clock) {
        this.raft = new RaftInstruments(registry);
        this.wal = new WalInstruments(registry, clock);
        this.kv = new KvInstruments(registry);
        registerGroupGauges();
    }

    /** What the Raft runtime reports latencies to ({@code RaftNode.setMetrics}). */
    public RaftMetrics raftMetrics() {
        return raft;
    }

    /** What counts elections and leader changes ({@code RaftNode.addListener}). */
    public RaftListener raftListener() {
        return raft;
    }

    /** What the log engine reports its forced writes to ({@code LogEngineConfig.withWalObserver}). */
    public WalObserver walObserver() {
        return wal;
    }

    KvInstruments kv() {
        return kv;
    }

    // ---------------------------------------------------------------- scraped gauges

    /** Exports the role, term and indexes of {@code group}, read at each scrape. */
    public void watchGroup(RaftGroup group) {
        groups.add(group);
        raft.initGroup(group.groupId());
    }

    private void registerGroupGauges() {
        groupGauge("raft_role", "This node's role in the group: 0 follower, 1 candidate (or pre-candidate), 2 leader.",
                s -> s.role().metricValue);
        groupGauge("raft_term", "The group's current term as this node knows it.", Status::term);
        groupGauge("raft_leader_id", "The leader's node id as this node knows it; 0 when none is known.", Status::leader);
        groupGauge("raft_commit_index", "The highest log index this node knows committed.", Status::committed);
        groupGauge("raft_applied_index", "The highest log index this node applied to its state machine.", Status::applied);
        groupGauge("raft_first_index", "The first index still in this node's log (compacted before it).", Status::firstIndex);
        groupGauge("raft_last_index", "The last index in this node's log.", Status::lastIndex);
        groupGauge("raft_voters", "Voting members in the group's configuration (both halves when joint).",
                s -> s.conf().voters().size());
        GaugeWithCallback.builder().name("raft_group_failed")
                .help("1 when the group stopped on this node (storage failure or broken invariant; see /health), else 0.")
                .labelNames("group")
                .callback(cb -> groups.forEach(g -> cb.call(g.failure() == null ? 0 : 1, label(g))))
                .register(registry);
    }

    private void groupGauge(String name, String help, ToDoubleFunction<Status> value) {
        GaugeWithCallback.builder().name(name).help(help).labelNames("group")
                .callback(cb -> {
                    for (RaftGroup g : groups) {
                        Status s = g.status();
                        if (s != null) {
                            cb.call(value.applyAsDouble(s), label(g));
                        }
                    }
                })
                .register(registry);
    }

    /** Exports the log's size, the state machine's size and the groups' latest snapshots. */
    public void watchStorage(NodeStorage storage) {
        gauge("raft_log_bytes", "Bytes of records in the Raft log's kept segments (one log shared by every group).",
                storage::logBytes);
        gauge("wal_segment_file_bytes", "Size on disk of the log's kept segment files (preallocated).",
                storage::logFileBytes);
        gauge("kv_disk_bytes", "Size on disk of the KV state machine's files (0 with in-memory storage).",
                storage::kvBytes);
        snapshotGauge(storage, "raft_snapshot_index", "Log index of the latest snapshot stored on this node.",
                NodeStorage.Snapshot::index);
        snapshotGauge(storage, "raft_snapshot_term", "Term of the latest snapshot stored on this node.",
                NodeStorage.Snapshot::term);
        snapshotGauge(storage, "raft_snapshot_bytes", "Size of the latest snapshot stored on this node.",
                NodeStorage.Snapshot::sizeBytes);
    }

    private void gauge(String name, String help, LongSupplier value) {
        GaugeWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.getAsLong())).register(registry);
    }

    private void snapshotGauge(NodeStorage storage, String name, String help, ToLongFunction<NodeStorage.Snapshot> value) {
        GaugeWithCallback.builder().name(name).help(help).labelNames("group")
                .callback(cb -> {
                    for (RaftGroup g : groups) {
                        Optional<NodeStorage.Snapshot> latest = storage.latestSnapshot(g.groupId());
                        latest.ifPresent(s -> cb.call(value.applyAsLong(s), label(g)));
                    }
                })
                .register(registry);
    }

    /** Exports the peer transport's counters, read at each scrape. */
    public void watchTransport(TransportMetrics t) {
        counter("transport_messages_sent_total", "Raft messages sent to peers.", t::messagesSent);
        counter("transport_messages_received_total", "Raft messages received from peers.", t::messagesReceived);
        counter("transport_messages_dropped_total",
                "Messages reported unreachable (no address, queue full, backoff, broken stream) or refused on receipt.",
                t::messagesDropped);
        counter("transport_batches_sent_total", "Message batches sent (one or more messages per frame).", t::batchesSent);
        counter("transport_sent_bytes_total", "Serialized bytes of message batches sent.", t::bytesSent);
        counter("transport_received_bytes_total", "Serialized bytes of message batches received.", t::bytesReceived);
        counter("transport_reconnects_total", "Peer streams re-established after a failure.", t::reconnects);
        counter("transport_stream_resets_total", "Incoming streams reset because a frame was invalid.", t::streamResets);
        counter("transport_forwards_sent_total", "Requests forwarded to another node (writes to the leader).", t::forwardsSent);
        counter("transport_forwards_failed_total", "Forwarded requests that failed in transit.", t::forwardsFailed);
        counter("raft_snapshots_sent_total", "Snapshots streamed to followers.", t::snapshotsSent);
        counter("raft_snapshots_send_failed_total", "Snapshot streams to followers that failed.", t::snapshotsFailed);
        counter("raft_snapshots_received_total", "Snapshots received from a leader.", t::snapshotsReceived);
        counter("raft_snapshots_resumed_total", "Snapshot streams that resumed a partial transfer instead of starting over.",
                t::snapshotsResumed);
        gauge("raft_snapshots_sending", "Snapshot streams to followers in progress.", t::snapshotsSending);
        gauge("raft_snapshots_receiving", "Snapshot streams from a leader in progress.", t::snapshotsReceiving);
        counter("raft_snapshot_sent_bytes_total", "Bytes of snapshot files streamed to followers.", t::snapshotBytesSent);
        counter("raft_snapshot_received_bytes_total", "Bytes of snapshot files received from a leader.",
                t::snapshotBytesReceived);
    }

    private void counter(String name, String help, LongSupplier value) {
        CounterWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.getAsLong())).register(registry);
    }

    static String label(RaftGroup g) {
        return Long.toString(g.groupId());
    }

    // ---------------------------------------------------------------- exposition

    /** Writes every metric in the Prometheus text format (version 0.0.4). */
    public void writeTo(OutputStream out) throws IOException {
        writer.write(out, registry.scrape());
    }

    /** Serves {@code GET /metrics}. */
    public void handle(HttpExchange exchange) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream(16 * 1024);
        writeTo(body);
        exchange.getResponseHeaders().set("Content-Type", PrometheusTextFormatWriter.CONTENT_TYPE);
        exchange.sendResponseHeaders(200, body.size());
        try (OutputStream out = exchange.getResponseBody()) {
            body.writeTo(out);
        }
    }
}
