package io.sluice.app;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.sluice.core.config.ProxyConfig;
import io.sluice.core.model.ProxySnapshot;
import io.sluice.core.source.FileSource;
import io.sluice.core.source.InvalidObjectListener;
import io.sluice.core.source.SourceException;
import io.sluice.core.tracker.ChangeTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;

/** Reads object files once into a snapshot, for dumps. Never reads the machine it runs on. */
final class ObjectFiles {
    private static final Logger LOG = LoggerFactory.getLogger(ObjectFiles.class);

    private ObjectFiles() {
    }

    /**
     * The snapshot of the objects as seen from the node {@code cfg.hostnameOverride()}; when no node name is
     * configured and the files hold exactly one Node, that Node is the one (a dump never falls back to the host name).
     */
    static ProxySnapshot snapshot(List<Path> files, ProxyConfig cfg) {
        try {
            String node = cfg.hostnameOverride().isEmpty() ? onlyNode(files) : cfg.hostnameOverride();
            ChangeTracker tracker = new ChangeTracker(node);
            new FileSource(cfg.serviceProxyName(), InvalidObjectListener.NOOP).load(files, tracker);
            return tracker.drain().snapshot();
        } catch (SourceException e) {
            throw new CliException(SluiceMain.EXIT_FAILURE, e.getMessage(), e);
        }
    }

    private static String onlyNode(List<Path> files) throws SourceException {
        TreeSet<String> nodes = new TreeSet<>();
        for (Path f : files) {
            for (HasMetadata o : FileSource.read(f)) {
                if (o instanceof Node n && n.getMetadata() != null && n.getMetadata().getName() != null) {
                    nodes.add(n.getMetadata().getName());
                }
            }
        }
        if (nodes.size() == 1) {
            return nodes.first();
        }
        LOG.warn("no --hostname-override and {} Node objects in the files: no endpoint is local, no node address is known",
                nodes.size());
        return "";
    }
}
