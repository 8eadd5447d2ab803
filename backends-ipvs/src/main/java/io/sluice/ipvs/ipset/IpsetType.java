package io.sluice.ipvs.ipset;

/** The ipset types kube-proxy's IPVS mode creates ({@code pkg/proxy/ipvs/ipset/types.go}). */
public enum IpsetType {
    HASH_IP("hash:ip"),
    HASH_IP_PORT("hash:ip,port"),
    HASH_IP_PORT_IP("hash:ip,port,ip"),
    HASH_IP_PORT_NET("hash:ip,port,net"),
    BITMAP_PORT("bitmap:port");

    private final String text;

    IpsetType(String text) {
        this.text = text;
    }

    /** The name the ipset CLI uses, e.g. {@code hash:ip,port}. */
    public String text() {
        return text;
    }

    public boolean isHash() {
        return this != BITMAP_PORT;
    }

    public static IpsetType fromText(String text) {
        for (IpsetType t : values()) {
            if (t.text.equals(text)) {
                return t;
            }
        }
        return null;
    }
}
