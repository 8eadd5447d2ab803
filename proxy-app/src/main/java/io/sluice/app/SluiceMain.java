package io.sluice.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the runnable jar. Exit codes: 0 success, 1 runtime failure (a sync, an unreadable objects file),
 * 2 usage or configuration error (the message names the flag or the configuration field).
 */
@Command(name = "sluice",
        mixinStandardHelpOptions = true,
        versionProvider = SluiceVersion.class,
        description = "A kube-proxy replacement: programs Service NAT with iptables or IPVS.",
        subcommands = {RunCommand.class, DumpCommand.class, CleanupCommand.class, VersionCommand.class})
public final class SluiceMain implements Runnable {

    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: run, dump, cleanup or version");
    }

    /** Builds the command line with Sluice's error handling; tests call this to run commands in-process. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new SluiceMain());
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof CliException ce) {
                commandLine.getErr().println("sluice: " + ce.getMessage());
                return ce.exitCode();
            }
            commandLine.getErr().println("sluice: " + ex);
            ex.printStackTrace(commandLine.getErr());
            return EXIT_FAILURE;
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("sluice: " + ex.getMessage());
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help'.");
            return EXIT_USAGE;
        });
        return cl;
    }

    public static void main(String[] args) {
        Logging.configure(Logging.verbosityFrom(args));
        System.exit(commandLine().execute(args));
    }
}
