package io.ostraka.cli;

import io.netty.util.ResourceLeakDetector;
import io.ostraka.server.OstrakaServer;
import io.ostraka.server.ServerConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * {@code ostraka server}: runs one node until SIGTERM / Ctrl-C, then shuts down gracefully
 * (a leader hands leadership over first) and exits 0. Configuration errors print one line
 * naming the setting and exit 2.
 */
@Command(name = "server", description = "Run an ostraka server node.")
final class ServerCommand implements Callable<Integer> {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help, with every setting, and exit")
    boolean help;

    @Option(names = "--config", description = "YAML configuration file")
    Path configFile;

    /** The help footer: every setting with its flag, environment variable, default and meaning. */
    static String[] settingsFooter() {
        List<String> lines = new java.util.ArrayList<>(List.of("",
                "Settings (flag / environment variable; a YAML file with --config uses the lower-case names):"));
        for (ServerConfig.Setting s : ServerConfig.Setting.values()) {
            lines.add("  --" + s.flag + " / " + s.env());
            lines.add("      " + s.help);
            if (s.defaultValue() != null) {
                lines.add("      default: " + s.defaultValue());
            }
        }
        return lines.toArray(new String[0]);
    }

    @Option(names = "--print-config", description = "print the effective configuration with the source of each value and exit")
    boolean printConfig;

    @Unmatched
    List<String> settings = new java.util.ArrayList<>();

    private static final String LEAK_DETECTION_PROPERTY = "io.netty.leakDetection.level";
    private static final String LEGACY_LEAK_DETECTION_PROPERTY = "io.netty.leakDetectionLevel";

    @Override
    public Integer call() throws Exception {
        ServerConfig config;
        try {
            Map<String, String> yaml = configFile == null ? Map.of() : YamlConfig.read(configFile);
            config = ServerConfig.load(yaml, System.getenv(), settings);
        } catch (ServerConfig.ConfigException e) {
            System.err.println("ostraka server: " + e.getMessage());
            return 2;
        }
        if (printConfig) {
            System.out.print(config.describe());
            return 0;
        }
        if (System.getProperty(LEAK_DETECTION_PROPERTY) == null && System.getProperty(LEGACY_LEAK_DETECTION_PROPERTY) == null) {
            // Netty tracks one buffer in 128 for leaks by default, filling in a stack trace each
            // time: about 1% of a busy server's CPU. Tests run servers in-process and keep it.
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
        OstrakaServer server;
        try {
            server = OstrakaServer.start(config);
        } catch (ServerConfig.ConfigException e) {
            System.err.println("ostraka server: " + e.getMessage());
            return 2;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runnable stop = () -> {
            synchronized (stopped) { // a second signal waits for the first stop to finish
                server.close();
            }
            stopped.countDown();
        };
        // SIGTERM and SIGINT are handled here rather than by the JVM's default handler: that one
        // exits with 128 + the signal number (143, 130) even after a clean shutdown, and an
        // orderly stop should exit 0. The hook stays for every other way the JVM stops.
        onSignal("TERM", stop);
        onSignal("INT", stop);
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "ostraka-shutdown"));
        String ready = "ostraka node " + config.nodeId + " ready: resp=" + server.respPort() + " peer=" + server.peerPort()
                + " http=" + server.httpPort();
        if (LogFormat.selected() == LogFormat.JSON) {
            LoggerFactory.getLogger(ServerCommand.class).info(ready); // one JSON object per line, this one too
        } else {
            System.out.println(ready);
        }
        stopped.await();
        return 0;
    }

    /** Runs {@code action} (on the JVM's signal thread) when the process receives {@code signal}. */
    static void onSignal(String signal, Runnable action) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> action.run());
        } catch (IllegalArgumentException unsupported) {
            // a platform without this signal (or the JVM was told -Xrs): the shutdown hook remains
        }
    }
}
