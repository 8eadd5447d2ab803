package io.sluice.netlink.nftables;

import io.sluice.netlink.Netlink;
import io.sluice.netlink.NetlinkMessageBuilder;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Byte layouts against nft itself: {@code kube-proxy-shapes.mnl.txt} holds what nft 1.0.6 sent for
 * {@code kube-proxy-shapes.nft} (captured with {@code nft --debug=mnl}); {@link KubeProxyShapes} builds the same batch
 * with the Java API. Every member must match in type and payload (nfgenmsg and attributes), so the kernel gets from
 * Sluice exactly what it gets from nft for tables, base and regular chains, comments, sets, verdict maps, anonymous
 * maps and interval sets, elements, counters and each expression kube-proxy's rules use.
 */
class NftMessagesGoldenTest {

    record Captured(int type, int seq, String payloadHex) {
    }

    static List<Captured> capture() throws IOException {
        try (InputStream in = NftMessagesGoldenTest.class.getResourceAsStream("/nftables/kube-proxy-shapes.mnl.txt")) {
            List<Captured> out = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.trim().split(" ");
                out.add(new Captured(Integer.parseInt(f[0]), Integer.parseInt(f[1]), f[2]));
            }
            return out;
        }
    }

    static String payloadHex(NetlinkMessageBuilder m) {
        byte[] b = m.build(1, 0);
        return HexFormat.of().formatHex(Arrays.copyOfRange(b, Netlink.NLMSG_HDRLEN, b.length));
    }

    static int type(NetlinkMessageBuilder m) {
        return m.type();
    }

    @Test
    void everyMemberOfTheBatchIsByteIdenticalToWhatNftSends() throws IOException {
        List<Captured> nft = capture();
        NftBatch batch = KubeProxyShapes.batch();
        List<NetlinkMessageBuilder> ours = new ArrayList<>();
        ours.add(NftMessages.batchBegin(null));
        ours.addAll(batch.messages());
        ours.add(NftMessages.batchEnd());

        assertThat(ours).hasSameSizeAs(nft);
        for (int i = 0; i < nft.size(); i++) {
            String what = i == 0 ? "batch begin" : i == nft.size() - 1 ? "batch end" : batch.description(i - 1);
            assertThat(type(ours.get(i))).as("type of %s", what).isEqualTo(nft.get(i).type());
            assertThat(payloadHex(ours.get(i))).as("payload of %s", what).isEqualTo(nft.get(i).payloadHex());
        }
    }

    @Test
    void batchMembersAskForNoAckAndCarryTheVerbsFlags() {
        NetlinkMessageBuilder rule = NftMessages.newRule(2, "t", "c", List.of(), null);
        NetlinkMessageBuilder table = NftMessages.newTable(2, "t", 0, null);
        NetlinkMessageBuilder del = NftMessages.delTable(2, "t");

        assertThat(rule.flags()).isEqualTo(Netlink.NLM_F_REQUEST | Netlink.NLM_F_CREATE | Netlink.NLM_F_APPEND);
        assertThat(table.flags()).isEqualTo(Netlink.NLM_F_REQUEST | Netlink.NLM_F_CREATE);
        assertThat(del.flags()).isEqualTo(Netlink.NLM_F_REQUEST);
        assertThat(NftMessages.batchBegin(null).flags()).isEqualTo(Netlink.NLM_F_REQUEST);
    }

    @Test
    void batchBeginCarriesTheExpectedGenerationBigEndian() {
        // nlmsghdr | nfgenmsg {AF_UNSPEC, v0, res_id NFNL_SUBSYS_NFTABLES (be16)} | NFNL_BATCH_GENID be32 0x01020304
        assertThat(payloadHex(NftMessages.batchBegin(0x01020304))).isEqualTo("0000000a" + "08000100" + "01020304");
        assertThat(type(NftMessages.batchBegin(7))).isEqualTo(0x10);
        assertThat(type(NftMessages.batchEnd())).isEqualTo(0x11);
    }
}
