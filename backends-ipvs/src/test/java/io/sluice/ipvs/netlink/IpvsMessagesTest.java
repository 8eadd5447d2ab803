package io.sluice.ipvs.netlink;

import io.sluice.core.model.Protocol;
import io.sluice.ipvs.RealServer;
import io.sluice.ipvs.VirtualServer;
import io.sluice.netlink.CannedTransport;
import io.sluice.netlink.Hex;
import io.sluice.netlink.MalformedNetlinkMessageException;
import io.sluice.netlink.NetlinkMessage;
import io.sluice.netlink.NetlinkMessageBuilder;
import io.sluice.netlink.NetlinkMessageParser;
import io.sluice.netlink.ReplyCollector;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** IPVS request layouts as moby/ipvs sends them, and parsing of canned kernel replies (little-endian host). */
class IpvsMessagesTest {
    static final int FAMILY = 0x22;
    static final VirtualServer VS =
            new VirtualServer("10.0.0.1", Protocol.TCP, 80, "rr", VirtualServer.FLAG_PERSISTENT, 10800);

    @Test
    void newServiceIsByteExact() {
        byte[] msg = IpvsMessages.service(FAMILY, IpvsNetlink.CMD_NEW_SERVICE, VS).build(7, 0);

        assertThat(Hex.of(msg)).isEqualTo(Hex.of(Hex.bytes("""
                5c 00 00 00 22 00 05 00 07 00 00 00 00 00 00 00   # len 92, family 0x22, REQUEST|ACK, seq 7
                01 01 00 00                                         # IPVS_CMD_NEW_SERVICE, version 1
                48 00 01 00                                         # IPVS_CMD_ATTR_SERVICE, len 72, no NLA_F_NESTED
                06 00 01 00 02 00 00 00                             # AF = AF_INET (u16 + 2 padding)
                06 00 02 00 06 00 00 00                             # PROTOCOL = TCP
                08 00 03 00 0a 00 00 01                             # ADDR = 10.0.0.1 (4 bytes)
                06 00 04 00 00 50 00 00                             # PORT = 80 big-endian
                07 00 06 00 72 72 00 00                             # SCHED_NAME "rr\\0" + 1 padding
                0c 00 07 00 01 00 00 00 ff ff ff ff                 # FLAGS {PERSISTENT, mask 0xFFFFFFFF}
                08 00 08 00 30 2a 00 00                             # TIMEOUT 10800
                08 00 09 00 ff ff ff ff                             # NETMASK 0xFFFFFFFF
                """)));
    }

    @Test
    void ipv6ServiceUsesSixteenByteAddressAndNetmask128() {
        VirtualServer v6 = new VirtualServer("2001:db8::1", Protocol.UDP, 53, "wrr", 0, 0);

        byte[] msg = IpvsMessages.service(FAMILY, IpvsNetlink.CMD_SET_SERVICE, v6).build(1, 0);

        assertThat(Hex.of(msg)).isEqualTo(Hex.of(Hex.bytes("""
                68 00 00 00 22 00 05 00 01 00 00 00 00 00 00 00
                02 01 00 00                                         # IPVS_CMD_SET_SERVICE
                54 00 01 00
                06 00 01 00 0a 00 00 00                             # AF_INET6
                06 00 02 00 11 00 00 00                             # UDP
                14 00 03 00 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01
                06 00 04 00 00 35 00 00
                08 00 06 00 77 72 72 00                             # "wrr\\0", no padding needed
                0c 00 07 00 00 00 00 00 ff ff ff ff
                08 00 08 00 00 00 00 00
                08 00 09 00 80 00 00 00                             # NETMASK 128
                """)));
    }

    @Test
    void newDestIsByteExact() {
        byte[] msg = IpvsMessages.dest(FAMILY, IpvsNetlink.CMD_NEW_DEST, VS.key(), RealServer.of("10.1.0.5", 8080))
                .build(3, 0);

        assertThat(Hex.of(msg)).isEqualTo(Hex.of(Hex.bytes("""
                6c 00 00 00 22 00 05 00 03 00 00 00 00 00 00 00   # len 108
                05 01 00 00                                         # IPVS_CMD_NEW_DEST
                24 00 01 00                                         # SERVICE (identity only), len 36
                06 00 01 00 02 00 00 00
                06 00 02 00 06 00 00 00
                08 00 03 00 0a 00 00 01
                06 00 04 00 00 50 00 00
                34 00 02 00                                         # DEST, len 52
                08 00 01 00 0a 01 00 05                             # ADDR 10.1.0.5
                06 00 02 00 1f 90 00 00                             # PORT 8080 big-endian
                08 00 03 00 00 00 00 00                             # FWD_METHOD masquerade
                08 00 04 00 01 00 00 00                             # WEIGHT 1
                08 00 05 00 00 00 00 00                             # U_THRESH
                08 00 06 00 00 00 00 00                             # L_THRESH
                """)));
    }

    @Test
    void getServicesDumpCarriesDumpFlagAndEmptyServiceAttribute() {
        assertThat(Hex.of(IpvsMessages.getServices(FAMILY).build(9, 0))).isEqualTo(Hex.of(Hex.bytes("""
                18 00 00 00 22 00 05 03 09 00 00 00 00 00 00 00   # NLM_F_REQUEST|NLM_F_ACK|NLM_F_DUMP
                04 01 00 00 04 00 01 00
                """)));
    }

    @Test
    void setConfigAndFlush() {
        assertThat(Hex.of(IpvsMessages.setConfig(FAMILY, 900, 120, 300).build(1, 0))).isEqualTo(Hex.of(Hex.bytes("""
                2c 00 00 00 22 00 05 00 01 00 00 00 00 00 00 00
                0c 01 00 00
                08 00 04 00 84 03 00 00 08 00 05 00 78 00 00 00 08 00 06 00 2c 01 00 00
                """)));
        assertThat(Hex.of(IpvsMessages.flush(FAMILY).build(2, 0))).isEqualTo(Hex.of(Hex.bytes(
                "14 00 00 00 22 00 05 00 02 00 00 00 00 00 00 00 11 01 00 00")));
    }

    @Test
    void badInputNeverBecomesARequest() {
        assertThatThrownBy(() -> IpvsMessages.service(FAMILY, 1,
                new VirtualServer("10.0.0.1; rm -rf /", Protocol.TCP, 80, "rr", 0, 0)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IpvsMessages.dest(FAMILY, 5, VS.key(), RealServer.of("10.1.0.5", 70000)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** A GET_SERVICE dump reply: IPv4 (with HASHED, NLA_F_NESTED and stats) + IPv6, then NLMSG_DONE. */
    static byte[] servicesDump(int seq) {
        byte[] first = Hex.bytes("""
                80 00 00 00 22 00 02 00 00 00 00 00 d2 04 00 00   # len 128, NLM_F_MULTI, seq patched below
                04 01 00 00
                6c 00 01 80                                         # SERVICE | NLA_F_NESTED, len 108
                06 00 01 00 02 00 00 00
                06 00 02 00 06 00 00 00
                14 00 03 00 0a 00 00 01 00 00 00 00 00 00 00 00 00 00 00 00   # 16-byte union, IPv4 first
                06 00 04 00 00 50 00 00
                07 00 06 00 72 72 00 00
                0c 00 07 00 03 00 00 00 ff ff ff ff                 # PERSISTENT | HASHED
                08 00 08 00 30 2a 00 00
                08 00 09 00 ff ff ff ff
                18 00 0a 80                                         # STATS | NLA_F_NESTED, len 24
                08 00 01 00 05 00 00 00                             # CONNS 5
                0c 00 04 00 00 01 00 00 00 00 00 00                 # INBYTES 256 (u64)
                """);
        byte[] second = Hex.bytes("""
                68 00 00 00 22 00 02 00 00 00 00 00 d2 04 00 00
                04 01 00 00
                54 00 01 80
                06 00 01 00 0a 00 00 00
                06 00 02 00 11 00 00 00
                14 00 03 00 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01
                06 00 04 00 00 35 00 00
                08 00 06 00 77 72 72 00
                0c 00 07 00 02 00 00 00 ff ff ff ff
                08 00 08 00 00 00 00 00
                08 00 09 00 80 00 00 00
                """);
        NetlinkMessageBuilder.putU32(first, 8, seq);
        NetlinkMessageBuilder.putU32(second, 8, seq);
        return CannedTransport.concat(second, first, CannedTransport.done(seq));
    }

    @Test
    void servicesAreParsedFromACannedDump() throws Exception {
        List<NetlinkMessage> messages = NetlinkMessageParser.parse(servicesDump(4));
        ReplyCollector c = new ReplyCollector(4, "IPVS_CMD_GET_SERVICE");
        assertThat(c.acceptAll(messages)).isTrue();

        List<IpvsMessages.ParsedService> parsed =
                c.replies().stream().map(m -> IpvsMessages.parseService(m).orElseThrow()).toList();

        assertThat(parsed).extracting(IpvsMessages.ParsedService::virtualServer).containsExactly(
                new VirtualServer("2001:db8::1", Protocol.UDP, 53, "wrr", 0, 0),
                new VirtualServer("10.0.0.1", Protocol.TCP, 80, "rr", VirtualServer.FLAG_PERSISTENT, 10800));
        assertThat(parsed.get(1).stats().connections()).isEqualTo(5);
        assertThat(parsed.get(1).stats().bytesIn()).isEqualTo(256);
        assertThat(parsed.get(0).stats()).isEqualTo(IpvsStats.ZERO);
    }

    @Test
    void firewallMarkServicesAreSkipped() {
        NetlinkMessage m = NetlinkMessageParser.parse(Hex.bytes("""
                30 00 00 00 22 00 02 00 01 00 00 00 00 00 00 00
                04 01 00 00
                1c 00 01 00
                06 00 01 00 02 00 00 00
                08 00 05 00 07 00 00 00                             # FWMARK 7
                07 00 06 00 72 72 00 00
                """)).get(0);

        assertThat(IpvsMessages.parseService(m)).isEmpty();
    }

    @Test
    void destinationsAreParsedWithConnectionCounts() {
        NetlinkMessage m = NetlinkMessageParser.parse(Hex.bytes("""
                5c 00 00 00 22 00 02 00 01 00 00 00 00 00 00 00
                08 01 00 00
                48 00 02 80                                         # DEST, len 72
                14 00 01 00 0a 01 00 05 00 00 00 00 00 00 00 00 00 00 00 00
                06 00 02 00 1f 90 00 00
                08 00 03 00 00 00 00 00
                08 00 04 00 00 00 00 00                             # WEIGHT 0 (draining)
                08 00 07 00 03 00 00 00                             # ACTIVE_CONNS 3
                08 00 08 00 09 00 00 00                             # INACT_CONNS 9
                06 00 0b 00 02 00 00 00                             # ADDR_FAMILY AF_INET
                """)).get(0);

        IpvsMessages.ParsedDest d = IpvsMessages.parseDest(m, IpvsNetlink.AF_INET6);

        assertThat(d.realServer()).isEqualTo(new RealServer("10.1.0.5", 8080, 0, 3, 9));
    }

    @Test
    void replyWithTruncatedAddressIsRejected() {
        NetlinkMessage m = NetlinkMessageParser.parse(Hex.bytes("""
                38 00 00 00 22 00 02 00 01 00 00 00 00 00 00 00
                04 01 00 00
                24 00 01 00
                06 00 01 00 0a 00 00 00                             # AF_INET6 ...
                06 00 02 00 06 00 00 00
                06 00 03 00 20 01 00 00                             # ... but only 2 address bytes
                06 00 04 00 00 50 00 00
                """)).get(0);

        assertThatThrownBy(() -> IpvsMessages.parseService(m))
                .isInstanceOf(MalformedNetlinkMessageException.class).hasMessageContaining("IPv6 address");
    }
}
