package io.sluice.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One object of the configuration tree with typed, path-naming accessors. Every key read is remembered so that
 * {@link #reportUnknown()} can warn about the rest. A null value means "unset" (kube-proxy's pointer fields).
 */
final class YamlSection {

    private final ObjectNode node;
    private final String prefix;
    private final Consumer<String> warn;
    private final Set<String> known = new LinkedHashSet<>();

    YamlSection(ObjectNode node, String prefix, Consumer<String> warn) {
        this.node = node;
        this.prefix = prefix;
        this.warn = warn;
    }

    String path(String key) {
        return prefix.isEmpty() ? key : prefix + "." + key;
    }

    /** The value, or null when absent or null. */
    JsonNode get(String key) {
        known.add(key);
        JsonNode n = node.get(key);
        return n == null || n.isNull() ? null : n;
    }

    String string(String key, String def) throws ConfigException {
        JsonNode n = get(key);
        if (n == null) {
            return def;
        }
        if (!n.isTextual()) {
            throw new ConfigException(path(key), "must be a string, got " + n);
        }
        return n.textValue();
    }

    boolean bool(String key, boolean def) throws ConfigException {
        JsonNode n = get(key);
        if (n == null) {
            return def;
        }
        if (!n.isBoolean()) {
            throw new ConfigException(path(key), "must be true or false, got " + n);
        }
        return n.booleanValue();
    }

    Long integer(String key) throws ConfigException {
        JsonNode n = get(key);
        if (n == null) {
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw new ConfigException(path(key), "must be an integer, got " + n);
        }
        return n.longValue();
    }

    Duration duration(String key, Duration def) throws ConfigException {
        JsonNode n = get(key);
        if (n == null) {
            return def;
        }
        if (!n.isTextual()) {
            throw new ConfigException(path(key), "must be a duration such as \"30s\" or \"1m0s\", got " + n);
        }
        return GoDuration.parse(n.textValue()).orElseThrow(() -> new ConfigException(path(key),
                "must be a duration such as \"30s\" or \"1m0s\", got \"" + n.textValue() + "\""));
    }

    List<String> stringList(String key) throws ConfigException {
        JsonNode n = get(key);
        List<String> out = new ArrayList<>();
        if (n == null) {
            return out;
        }
        if (!n.isArray()) {
            throw new ConfigException(path(key), "must be a list of strings, got " + n);
        }
        for (int i = 0; i < n.size(); i++) {
            JsonNode e = n.get(i);
            if (e == null || !e.isTextual()) {
                throw new ConfigException(path(key) + "[" + i + "]", "must be a string, got " + e);
            }
            out.add(e.textValue());
        }
        return out;
    }

    /** A nested object; an absent or null one reads as empty. */
    YamlSection section(String key) throws ConfigException {
        JsonNode n = get(key);
        if (n == null) {
            return new YamlSection(JsonNodeFactory.instance.objectNode(), path(key), warn);
        }
        if (!n.isObject()) {
            throw new ConfigException(path(key), "must be an object, got " + n);
        }
        return new YamlSection((ObjectNode) n, path(key), warn);
    }

    /**
     * Fields kube-proxy has and Sluice does not use: accepted, and a warning when set to anything but an unset or
     * zero value (kubeadm writes many of them with zero values).
     */
    void ignored(String why, String... keys) {
        for (String k : keys) {
            JsonNode n = get(k);
            if (n != null && !isZero(n)) {
                warn.accept(path(k) + ": accepted and ignored (" + why + ")");
            }
        }
    }

    /** One warning per field that no accessor asked for. */
    void reportUnknown() {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String k = names.next();
            if (!known.contains(k)) {
                warn.accept(path(k) + ": unknown field, ignored");
            }
        }
    }

    static boolean isZero(JsonNode n) {
        if (n == null || n.isNull()) {
            return true;
        }
        if (n.isTextual()) {
            String t = n.textValue();
            return t.isEmpty() || GoDuration.parse(t).map(Duration::isZero).orElse(false);
        }
        if (n.isBoolean()) {
            return !n.booleanValue();
        }
        if (n.isNumber()) {
            return n.doubleValue() == 0;
        }
        if (n.isContainerNode()) {
            for (JsonNode c : n) {
                if (!isZero(c)) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }
}
