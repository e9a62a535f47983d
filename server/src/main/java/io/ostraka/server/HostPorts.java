package io.ostraka.server;

/**
 * Parses and formats {@code host:port} addresses the one way every setting and admin request
 * uses: {@code host:port} or {@code [ipv6]:port}, the port plain decimal digits (no sign) in
 * range. An IPv6 literal must be bracketed, since its colons would otherwise be taken for the
 * port separator.
 */
public final class HostPorts {
    private HostPorts() {}

    /** A parsed address; {@link #toString()} gives it back in the form {@link #format} writes. */
    public record HostPort(String host, int port) {
        @Override
        public String toString() {
            return format(host, port);
        }
    }

    /**
     * Parses {@code text}; {@code minPort} is 0 for a listen address (0: any free port) and 1 for
     * an address to connect to. Throws IllegalArgumentException saying what is wrong.
     */
    public static HostPort parse(String text, int minPort) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("must be host:port");
        }
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("must be [ipv6]:port");
            }
            host = text.substring(1, close);
            port = text.substring(close + 2);
            if (host.isEmpty() || !host.contains(":")) {
                throw new IllegalArgumentException("brackets are for IPv6 literals, got [" + host + "]");
            }
        } else {
            int colon = text.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("must be host:port");
            }
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
            if (host.contains(":")) {
                throw new IllegalArgumentException("an IPv6 address must be bracketed, as in [::1]:7379");
            }
        }
        if (host.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            throw new IllegalArgumentException("host '" + host + "' contains whitespace");
        }
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("port must be a number in " + minPort + "..65535");
        }
        int value = Integer.parseInt(port);
        if (value < minPort || value > 65535) {
            throw new IllegalArgumentException("port must be in " + minPort + "..65535");
        }
        return new HostPort(host, value);
    }

    /** {@code host:port}, with an IPv6 literal bracketed. */
    public static String format(String host, int port) {
        return (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }
}
