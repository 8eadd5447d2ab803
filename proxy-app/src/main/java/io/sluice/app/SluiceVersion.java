package io.sluice.app;

import picocli.CommandLine;

/** The version from the jar manifest ({@code Implementation-Version}), "dev" when run from classes. */
public final class SluiceVersion implements CommandLine.IVersionProvider {
    public static String version() {
        String v = SluiceVersion.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"sluice " + version()};
    }
}
