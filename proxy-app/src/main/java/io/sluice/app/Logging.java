package io.sluice.app;

/**
 * slf4j-simple setup, done before any logger exists. Logs go to stderr so dumps on stdout stay clean.
 * Verbosity follows kube-proxy's klog levels: 0–1 INFO, 2–3 DEBUG for Sluice's packages, 4+ TRACE.
 */
final class Logging {
    private Logging() {
    }

    static void configure(int verbosity) {
        setIfAbsent("org.slf4j.simpleLogger.logFile", "System.err");
        setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
        setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
        setIfAbsent("org.slf4j.simpleLogger.showThreadName", "false");
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "info");
        String sluice = verbosity >= 4 ? "trace" : verbosity >= 2 ? "debug" : "info";
        setIfAbsent("org.slf4j.simpleLogger.log.io.sluice", sluice);
        // fabric8 and OkHttp/Vert.x are chatty at INFO about reconnects; keep them at WARN unless asked.
        setIfAbsent("org.slf4j.simpleLogger.log.io.fabric8", verbosity >= 4 ? "debug" : "warn");
        setIfAbsent("org.slf4j.simpleLogger.log.io.vertx", "warn");
        setIfAbsent("org.slf4j.simpleLogger.log.io.netty", "warn");
    }

    /** Scans argv for {@code -v N}, {@code --v=N} or {@code -vN}; picocli validates it properly later. */
    static int verbosityFrom(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            try {
                if ((a.equals("-v") || a.equals("--v")) && i + 1 < args.length) {
                    return Integer.parseInt(args[i + 1]);
                }
                if (a.startsWith("--v=")) {
                    return Integer.parseInt(a.substring(4));
                }
                if (a.startsWith("-v=")) {
                    return Integer.parseInt(a.substring(3));
                }
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
