package io.ostraka.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ostraka} command. */
@Command(name = "ostraka", mixinStandardHelpOptions = true, version = "ostraka 0.1.0",
        description = "Ostraka: a Raft consensus library and a replicated key-value store.",
        subcommands = {
            ServerCommand.class,
            LocalCommand.class,
            KvCommands.Put.class,
            KvCommands.Get.class,
            KvCommands.Del.class,
            KvCommands.Cas.class,
            KvCommands.Scan.class,
            KvCommands.Status.class,
            BenchCommand.class,
            FailoverBenchCommand.class,
            AdminCommands.Member_.class,
            AdminCommands.Leader.class,
            AdminCommands.Snapshot.class,
            SimCommand.class,
            CheckHistoryCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        try {
            LogFormat.apply(LogFormat.choose(System.getenv(LogFormat.ENV), System.console() != null));
        } catch (IllegalArgumentException e) {
            System.err.println("ostraka: " + e.getMessage());
            System.exit(2);
        }
        System.exit(execute(args));
    }

    static int execute(String... args) {
        CommandLine cli = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler(Main::failed);
        cli.getSubcommands().get("server").getCommandSpec().usageMessage().footer(ServerCommand.settingsFooter());
        return cli.execute(args);
    }

    /**
     * A command that failed with an exception it did not handle prints one line saying what went
     * wrong, not a stack trace, and exits 1. OSTRAKA_DEBUG=1 prints the trace as well.
     */
    private static int failed(Exception e, CommandLine command, CommandLine.ParseResult parsed) {
        String message = e.getMessage() == null || e.getMessage().isBlank() ? e.toString() : e.getMessage();
        command.getErr().println("ostraka " + command.getCommandName() + ": error: " + message);
        if ("1".equals(System.getenv("OSTRAKA_DEBUG"))) {
            e.printStackTrace(command.getErr());
        }
        return 1;
    }
}
