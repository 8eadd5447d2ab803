package io.sluice.netlink.nftables;

import io.sluice.netlink.AttributeWriter;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The value of an NFTA_*_DATA attribute ({@code struct nft_data}): either raw bytes (NFTA_DATA_VALUE, in the byte
 * order the packet or register holds them) or a verdict (NFTA_DATA_VERDICT with a code and, for jump/goto, a chain).
 */
public sealed interface NftData {

    /** Writes the NFTA_DATA_VALUE / NFTA_DATA_VERDICT attribute (the caller opens the enclosing nest). */
    void write(AttributeWriter w);

    /** Bytes as they sit in a register. */
    record Value(byte[] bytes) implements NftData {
        public Value {
            bytes = bytes.clone();
            if (bytes.length == 0 || bytes.length > 64) {
                throw new IllegalArgumentException("data value of " + bytes.length + " bytes");
            }
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        @Override
        public void write(AttributeWriter w) {
            w.bytes(NfTables.NFTA_DATA_VALUE, bytes);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Value v && Arrays.equals(v.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "Value[" + HexFormat.of().formatHex(bytes) + "]";
        }
    }

    /** A verdict; {@code chain} is set exactly for {@link NfTables#NFT_JUMP} and {@link NfTables#NFT_GOTO}. */
    record Verdict(int code, String chain) implements NftData {
        public Verdict {
            boolean needsChain = code == NfTables.NFT_JUMP || code == NfTables.NFT_GOTO;
            if (needsChain != (chain != null)) {
                throw new IllegalArgumentException("verdict " + code + (needsChain ? " needs" : " takes no") + " chain");
            }
        }

        public static Verdict accept() {
            return new Verdict(NfTables.NF_ACCEPT, null);
        }

        public static Verdict drop() {
            return new Verdict(NfTables.NF_DROP, null);
        }

        public static Verdict ret() {
            return new Verdict(NfTables.NFT_RETURN, null);
        }

        public static Verdict jump(String chain) {
            return new Verdict(NfTables.NFT_JUMP, Objects.requireNonNull(chain, "chain"));
        }

        public static Verdict goTo(String chain) {
            return new Verdict(NfTables.NFT_GOTO, Objects.requireNonNull(chain, "chain"));
        }

        @Override
        public void write(AttributeWriter w) {
            // libnftnl nftnl_data_reg_verdict_build: NFTA_VERDICT_CODE (be32), then NFTA_VERDICT_CHAIN (NUL-terminated).
            w.nestedFlagged(NfTables.NFTA_DATA_VERDICT, v -> {
                v.u32be(NfTables.NFTA_VERDICT_CODE, code);
                if (chain != null) {
                    v.string(NfTables.NFTA_VERDICT_CHAIN, chain);
                }
            });
        }
    }
}
