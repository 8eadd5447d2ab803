package io.sluice.nftables.model;

import java.util.List;
import java.util.stream.Collectors;

/**
 * One element of a named set or map.
 *
 * @param set     the set or map name
 * @param key     the key, one value per field of the set's (concatenated) type
 * @param comment null for none (kube-proxy comments {@code no-endpoint-*} elements with {@code ns/svc:port})
 * @param value   the verdict of a verdict-map element, null for a set element
 */
public record Element(String set, List<Value> key, String comment, Verdict value) implements NftObject {
    public Element {
        NftNames.name(set);
        key = List.copyOf(key);
        if (key.isEmpty()) {
            throw new IllegalArgumentException("empty element key");
        }
        comment = NftNames.comment(comment);
    }

    public static Element of(String set, Value... key) {
        return new Element(set, List.of(key), null, null);
    }

    public static Element mapping(String set, List<Value> key, Verdict value) {
        return new Element(set, key, null, value);
    }

    /** {@code 172.30.0.41 . tcp . 80}: the identity of the element within its set. */
    public String keyText() {
        return key.stream().map(Value::text).collect(Collectors.joining(" . "));
    }

    /** {@code { key[ comment "…"][ : verdict] }}. */
    public String body() {
        StringBuilder sb = new StringBuilder("{ ").append(keyText());
        if (comment != null) {
            sb.append(" comment ").append(NftNames.quote(comment));
        }
        if (value != null) {
            sb.append(" : ").append(value.text());
        }
        return sb.append(" }").toString();
    }

    /** The element with only its key, as {@code delete element} takes it. */
    public Element keyOnly() {
        return comment == null && value == null ? this : new Element(set, key, null, null);
    }
}
