package io.ostraka.cli;

import io.ostraka.client.OstrakaClient;
import java.time.Duration;
import java.util.Arrays;
import picocli.CommandLine.Option;

/** Options every client command shares: where the cluster is and how long to wait. */
final class ClientOptions {
    static final String DEFAULT_ENDPOINTS = "127.0.0.1:5379,127.0.0.1:5380,127.0.0.1:5381";

    @Option(names = {"-e", "--endpoints"}, description = "client gRPC addresses of any nodes, comma separated "
            + "(default: $OSTRAKA_ENDPOINTS, else " + DEFAULT_ENDPOINTS + ")")
    String endpoints;

    @Option(names = "--timeout", defaultValue = "10s", description = "request timeout, e.g. 500ms, 10s (default ${DEFAULT-VALUE})")
    String timeout;

    OstrakaClient connect() {
        return OstrakaClient.builder().endpoints(endpointList()).requestTimeout(duration(timeout)).build();
    }

    /** The endpoints given (flag, then $OSTRAKA_ENDPOINTS, then the local defaults). */
    java.util.List<String> endpointList() {
        String list = endpoints != null ? endpoints : System.getenv().getOrDefault("OSTRAKA_ENDPOINTS", DEFAULT_ENDPOINTS);
        java.util.List<String> out = Arrays.stream(list.split(",")).map(String::trim).filter(e -> !e.isEmpty()).toList();
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no endpoints given: --endpoints host:port[,host:port...]");
        }
        for (String endpoint : out) {
            try {
                io.ostraka.server.HostPorts.parse(endpoint, 1);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("endpoint '" + endpoint + "': " + e.getMessage(), e);
            }
        }
        return out;
    }

    static Duration duration(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            if (t.endsWith("s")) {
                return Duration.ofMillis((long) (Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
            }
            if (t.endsWith("m")) {
                return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)) * 60);
            }
            return Duration.ofSeconds(Long.parseLong(t));
        } catch (NumberFormatException e) {
            // Reported in one line by the command (exit 2), not as the top-level usage.
            throw new IllegalArgumentException("not a duration: '" + text + "' (use e.g. 500ms, 10s, 2m)", e);
        }
    }
}
