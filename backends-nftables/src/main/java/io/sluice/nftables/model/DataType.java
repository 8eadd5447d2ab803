package io.sluice.nftables.model;

/** nft data types of set keys and map values. */
public enum DataType {
    IPV4_ADDR("ipv4_addr"), IPV6_ADDR("ipv6_addr"), INET_PROTO("inet_proto"), INET_SERVICE("inet_service"),
    INTEGER("integer"), VERDICT("verdict");

    private final String text;

    DataType(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }

    public static DataType addr(NftFamily family) {
        return family == NftFamily.IP ? IPV4_ADDR : IPV6_ADDR;
    }
}
