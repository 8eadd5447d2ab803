package io.sluice.core.source;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The file source (kpng's "dump and replay state"): Kubernetes YAML or JSON files holding Services, EndpointSlices
 * (discovery.k8s.io/v1) and Nodes, as multi-document YAML, a {@code List} kind (any {@code *List} with
 * {@code items}) or a single object. Other kinds are ignored with a debug line. Objects go through the same
 * {@link ObjectDispatcher} (conversion, validation, label selection) as the Kubernetes source.
 *
 * <p>{@link #load} delivers everything, then {@link ProxyEventHandler#onInitialSyncDone()}. {@link #watch} does the
 * same and then polls the files (comparing their bytes, so same-size edits within one mtime tick are seen too); on a
 * change it re-reads them all and delivers the difference: upserts of new or
 * changed objects and deletes of vanished ones (a file that disappears contributes no objects). A file that is
 * unreadable or unparsable during {@code load} is a {@link SourceException}; while watching it is logged and the
 * previous state is kept.
 */
public final class FileSource {
    private static final Logger LOG = LoggerFactory.getLogger(FileSource.class);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private final String proxyName;
    private final InvalidObjectListener listener;

    public FileSource(String proxyName, InvalidObjectListener listener) {
        this.proxyName = proxyName == null ? "" : proxyName;
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** Reads every file, delivers all objects, then {@code onInitialSyncDone()}. */
    public void load(List<Path> paths, ProxyEventHandler handler) throws SourceException {
        ObjectDispatcher dispatcher = new ObjectDispatcher(handler, proxyName, listener);
        for (HasMetadata obj : readAll(paths, false).values()) {
            dispatcher.upsert(obj);
        }
        handler.onInitialSyncDone();
    }

    /**
     * Like {@link #load}, then polls the files every {@code interval} on {@code scheduler} and delivers changes.
     * The returned watch stops polling when closed; {@link Watch#poll()} forces one poll (tests, SIGHUP).
     */
    public Watch watch(List<Path> paths, ProxyEventHandler handler, ScheduledExecutorService scheduler,
                       Duration interval) throws SourceException {
        Watch w = new Watch(List.copyOf(paths), new ObjectDispatcher(handler, proxyName, listener));
        w.initial();
        handler.onInitialSyncDone();
        long ms = Math.max(1, interval.toMillis());
        w.future = scheduler.scheduleWithFixedDelay(w::pollQuietly, ms, ms, TimeUnit.MILLISECONDS);
        return w;
    }

    /** Parses one file into its Services, EndpointSlices and Nodes, in file order. */
    public static List<HasMetadata> read(Path path) throws SourceException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new SourceException("cannot read " + path + ": no such file", e);
        } catch (IOException e) {
            throw new SourceException("cannot read " + path + ": " + e, e);
        }
        return parse(path, new String(bytes, StandardCharsets.UTF_8));
    }

    static List<HasMetadata> parse(Path path, String text) throws SourceException {
        List<HasMetadata> out = new ArrayList<>();
        String trimmed = text.stripLeading();
        ObjectMapper mapper = trimmed.startsWith("{") || trimmed.startsWith("[") ? JSON : YAML;
        try (MappingIterator<JsonNode> docs = mapper.readerFor(JsonNode.class).readValues(text)) {
            while (docs.hasNextValue()) {
                collect(path, docs.nextValue(), out);
            }
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new SourceException("cannot parse " + path + where + ": " + e.getOriginalMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new SourceException("cannot parse " + path + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static void collect(Path path, JsonNode doc, List<HasMetadata> out) throws SourceException {
        if (doc == null || doc.isNull() || doc.isMissingNode()) {
            return; // empty document ("---" at the end)
        }
        if (doc.isArray()) {
            for (JsonNode item : doc) {
                collect(path, item, out);
            }
            return;
        }
        if (!doc.isObject()) {
            throw new SourceException("cannot parse " + path + ": a document is not an object");
        }
        String kind = doc.path("kind").asText("");
        String apiVersion = doc.path("apiVersion").asText("");
        if (kind.endsWith("List") && doc.path("items").isArray()) {
            for (JsonNode item : doc.path("items")) {
                collect(path, item, out);
            }
            return;
        }
        Class<? extends HasMetadata> type = switch (kind + " " + apiVersion) {
            case "Service v1" -> Service.class;
            case "EndpointSlice discovery.k8s.io/v1" -> EndpointSlice.class;
            case "Node v1" -> Node.class;
            case "ServiceCIDR networking.k8s.io/v1" -> io.fabric8.kubernetes.api.model.networking.v1.ServiceCIDR.class;
            default -> null;
        };
        if (type == null) {
            LOG.debug("{}: ignoring {} {}", path, KubeNames.printable(apiVersion), KubeNames.printable(kind));
            return;
        }
        try {
            out.add(SERIALIZATION.convertValue(doc, type));
        } catch (RuntimeException e) {
            String name = doc.path("metadata").path("name").asText("");
            throw new SourceException("cannot parse " + path + ": " + kind + " " + KubeNames.printable(name)
                    + ": " + e.getMessage(), e);
        }
    }

    /** All objects of all files by kind/namespace/name; a later file wins on duplicates. */
    private static Map<String, HasMetadata> readAll(List<Path> paths, boolean skipMissing) throws SourceException {
        Map<String, HasMetadata> all = new LinkedHashMap<>();
        for (Path p : paths) {
            if (skipMissing && !Files.exists(p)) {
                continue;
            }
            for (HasMetadata obj : read(p)) {
                all.put(key(obj), obj);
            }
        }
        return all;
    }

    private static String key(HasMetadata obj) {
        String ns = obj.getMetadata() == null ? null : obj.getMetadata().getNamespace();
        String name = obj.getMetadata() == null ? null : obj.getMetadata().getName();
        return obj.getKind() + "\u0000" + (ns == null || ns.isEmpty() ? "default" : ns) + "\u0000" + name;
    }

    /** A running watch. Thread-safe; polls never overlap. */
    public final class Watch implements AutoCloseable {
        private final List<Path> paths;
        private final ObjectDispatcher dispatcher;
        private final Map<Path, byte[]> lastContent = new HashMap<>();
        private Map<String, HasMetadata> last = Map.of();
        private volatile ScheduledFuture<?> future;
        private boolean closed;

        private Watch(List<Path> paths, ObjectDispatcher dispatcher) {
            this.paths = paths;
            this.dispatcher = dispatcher;
        }

        private synchronized void initial() throws SourceException {
            contentChanged();
            last = readAll(paths, false);
            last.values().forEach(dispatcher::upsert);
        }

        /**
         * Checks the files once and delivers what changed since the last poll.
         *
         * @return true when something was re-read
         * @throws SourceException when a file that exists cannot be read or parsed (the previous state is kept)
         */
        public synchronized boolean poll() throws SourceException {
            if (closed || !contentChanged()) {
                return false;
            }
            Map<String, HasMetadata> now = readAll(paths, true);
            for (Map.Entry<String, HasMetadata> e : now.entrySet()) {
                if (!e.getValue().equals(last.get(e.getKey()))) {
                    dispatcher.upsert(e.getValue());
                }
            }
            for (Map.Entry<String, HasMetadata> e : last.entrySet()) {
                if (!now.containsKey(e.getKey())) {
                    dispatcher.delete(e.getValue());
                }
            }
            last = now;
            return true;
        }

        private void pollQuietly() {
            try {
                poll();
            } catch (SourceException e) {
                LOG.warn("Keeping the previous state: {}", e.getMessage());
            } catch (RuntimeException e) {
                LOG.warn("File poll failed", e);
            }
        }

        /** Compares file contents with the last poll (missing files read as empty); records the new contents. */
        private boolean contentChanged() {
            boolean changed = false;
            for (Path p : paths) {
                byte[] now;
                try {
                    now = Files.exists(p) ? Files.readAllBytes(p) : new byte[0];
                } catch (IOException e) {
                    now = null; // unreadable: let readAll report it
                }
                byte[] before = lastContent.put(p, now);
                if (now == null || !Arrays.equals(before, now)) {
                    changed = true;
                }
            }
            return changed;
        }

        @Override
        public synchronized void close() {
            closed = true;
            ScheduledFuture<?> f = future;
            if (f != null) {
                f.cancel(false);
            }
        }
    }
}
