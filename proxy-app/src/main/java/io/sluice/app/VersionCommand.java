package io.sluice.app;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code sluice version}: prints the version, the Java runtime and the backends found on the class path. */
@Command(name = "version", mixinStandardHelpOptions = true, versionProvider = SluiceVersion.class, description = "Print the version and the available backends.")
public final class VersionCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        var out = spec.commandLine().getOut();
        out.println("sluice " + SluiceVersion.version());
        out.println("java " + System.getProperty("java.version"));
        out.println("backends " + String.join(",", Backends.names()));
        out.flush();
    }
}
