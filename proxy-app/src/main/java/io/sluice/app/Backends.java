package io.sluice.app;

import io.sluice.core.backend.BackendProvider;

import java.util.List;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The backends found with {@link ServiceLoader}, by name. */
final class Backends {
    private Backends() {
    }

    static List<String> names() {
        return List.copyOf(all().keySet());
    }

    static BackendProvider provider(String name) {
        BackendProvider p = all().get(name);
        if (p == null) {
            throw new CliException(SluiceMain.EXIT_USAGE,
                    "unknown backend '" + Printable.of(name) + "' (available: " + String.join(", ", names()) + ")");
        }
        return p;
    }

    private static TreeMap<String, BackendProvider> all() {
        TreeMap<String, BackendProvider> m = new TreeMap<>();
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
            m.put(p.name(), p);
        }
        return m;
    }
}
