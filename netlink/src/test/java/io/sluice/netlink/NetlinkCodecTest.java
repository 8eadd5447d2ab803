package io.sluice.netlink;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Byte layouts of the generic codec (vectors are little-endian: x86-64 and arm64 hosts). */
class NetlinkCodecTest {

    @BeforeAll
    static void littleEndianHost() {
        assertThat(ByteOrder.nativeOrder()).as("test vectors are written for little-endian hosts")
                .isEqualTo(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void getFamilyRequestForIpvsIsByteExact() {
        byte[] msg = GenericNetlink.getFamilyRequest("IPVS").build(1, 0);

        assertThat(Hex.of(msg)).isEqualTo(Hex.of(Hex.bytes("""
                20 00 00 00   # nlmsg_len 32
                10 00         # type GENL_ID_CTRL
                05 00         # NLM_F_REQUEST | NLM_F_ACK
                01 00 00 00   # seq 1
                00 00 00 00   # pid 0 (kernel)
                03 01 00 00   # genlmsghdr cmd CTRL_CMD_GETFAMILY, version 1
                09 00 02 00   # nla_len 9, CTRL_ATTR_FAMILY_NAME
                49 50 56 53 00 00 00 00   # "IPVS\\0" + 3 bytes padding
                """)));
    }

    @Test
    void attributesArePaddedToFourBytesAndLengthsExcludePadding() {
        byte[] msg = new NetlinkMessageBuilder(0x30, 0)
                .u8(1, 0xAB)
                .string(2, "ab")
                .u16be(3, 8080)
                .u64(4, 0x0102030405060708L)
                .bytes(5, new byte[0])
                .build(2, 0);

        assertThat(Hex.of(msg)).isEqualTo(Hex.of(Hex.bytes("""
                38 00 00 00 30 00 05 00 02 00 00 00 00 00 00 00   # 16 + 8 + 8 + 8 + 12 + 4 = 56
                05 00 01 00 ab 00 00 00              # u8: len 5, 3 padding bytes
                07 00 02 00 61 62 00 00              # "ab\\0": len 7, 1 padding byte
                06 00 03 00 1f 90 00 00              # 8080 big-endian
                0c 00 04 00 08 07 06 05 04 03 02 01  # u64 host order
                04 00 05 00                          # empty value
                """)));

        Attributes parsed = NetlinkMessageParser.parse(msg).get(0).attributes(0);
        assertThat(parsed.all()).extracting(Attribute::type).containsExactly(1, 2, 3, 4, 5);
        assertThat(parsed.require(1, "u8").u8()).isEqualTo(0xAB);
        assertThat(parsed.require(2, "s").string()).isEqualTo("ab");
        assertThat(parsed.require(3, "port").u16be()).isEqualTo(8080);
        assertThat(parsed.require(4, "u64").u64()).isEqualTo(0x0102030405060708L);
        assertThat(parsed.require(5, "empty").value()).isEmpty();
    }

    @Test
    void nestedLengthIsBackfilledAndNestedBitIsNotSent() {
        byte[] msg = new NetlinkMessageBuilder(0x30, 0)
                .nested(1, w -> w.u32(2, 7).nested(3, x -> x.u16(4, 0x1234)))
                .build(1, 0);

        assertThat(Hex.of(msg)).isEqualTo(Hex.of(Hex.bytes("""
                28 00 00 00 30 00 05 00 01 00 00 00 00 00 00 00   # 16 + 24 = 40
                18 00 01 00                 # outer: 4 + 8 + 12 = 24, type 1 without NLA_F_NESTED
                08 00 02 00 07 00 00 00
                0c 00 03 00                 # inner: 4 + 8 (a 6-byte u16 attribute + 2 padding)
                06 00 04 00 34 12 00 00
                """)));
    }

    @Test
    void nestedBitAndByteOrderBitAreMaskedWhenParsing() {
        byte[] attrs = Hex.bytes("""
                0c 00 01 80           # type 1 | NLA_F_NESTED
                08 00 02 40 2a 00 00 00   # type 2 | NLA_F_NET_BYTEORDER
                """);

        Attributes a = Attributes.parse(attrs, 0, attrs.length);

        assertThat(a.all()).extracting(Attribute::type).containsExactly(1);
        assertThat(a.require(1, "outer").rawType()).isEqualTo(0x8001);
        Attribute inner = a.require(1, "outer").nested().require(2, "inner");
        assertThat(inner.type()).isEqualTo(2);
        assertThat(inner.u32()).isEqualTo(42);
    }

    @Test
    void lastAttributeMayEndUnpaddedAtTheBufferEnd() {
        byte[] attrs = Hex.bytes("05 00 01 00 07");

        assertThat(Attributes.parse(attrs, 0, attrs.length).require(1, "u8").u8()).isEqualTo(7);
    }

    @Test
    void attributeLengthPastTheEndIsRejected() {
        byte[] attrs = Hex.bytes("08 00 01 00 2a 00 00 00 10 00 02 00 01 02 03 04");

        assertThatThrownBy(() -> Attributes.parse(attrs, 0, attrs.length))
                .isInstanceOf(MalformedNetlinkMessageException.class)
                .hasMessageContaining("attribute type 2 at offset 8 claims length 16 but 8 bytes are left");
    }

    @Test
    void attributeLengthBelowHeaderIsRejected() {
        byte[] attrs = Hex.bytes("03 00 01 00 00 00 00 00");

        assertThatThrownBy(() -> Attributes.parse(attrs, 0, attrs.length))
                .isInstanceOf(MalformedNetlinkMessageException.class).hasMessageContaining("claims length 3");
    }

    @Test
    void truncatedAttributeHeaderIsRejected() {
        byte[] attrs = Hex.bytes("08 00 01 00 2a 00 00 00 04 00");

        assertThatThrownBy(() -> Attributes.parse(attrs, 0, attrs.length))
                .isInstanceOf(MalformedNetlinkMessageException.class)
                .hasMessageContaining("truncated attribute header");
    }

    @Test
    void valueTooShortForTheRequestedWidthIsRejected() {
        byte[] attrs = Hex.bytes("06 00 01 00 2a 00 00 00");
        Attribute a = Attributes.parse(attrs, 0, attrs.length).require(1, "short");

        assertThat(a.u16()).isEqualTo(42);
        assertThatThrownBy(a::u32).isInstanceOf(MalformedNetlinkMessageException.class)
                .hasMessageContaining("needs 4 bytes at offset 0 but only 2 are there");
        assertThatThrownBy(a::u64).isInstanceOf(MalformedNetlinkMessageException.class);
    }

    @Test
    void messageLengthLongerThanTheDatagramIsRejected() {
        byte[] datagram = Hex.bytes("40 00 00 00 10 00 00 00 01 00 00 00 00 00 00 00 00 00 00 00");

        assertThatThrownBy(() -> NetlinkMessageParser.parse(datagram))
                .isInstanceOf(MalformedNetlinkMessageException.class)
                .hasMessageContaining("claims length 64 but 20 bytes are left");
    }

    @Test
    void messageLengthShorterThanItsHeaderIsRejected() {
        byte[] datagram = Hex.bytes("08 00 00 00 10 00 00 00 01 00 00 00 00 00 00 00");

        assertThatThrownBy(() -> NetlinkMessageParser.parse(datagram))
                .isInstanceOf(MalformedNetlinkMessageException.class).hasMessageContaining("claims length 8");
    }

    @Test
    void hugeUnsignedMessageLengthIsRejectedNotWrapped() {
        byte[] datagram = Hex.bytes("ff ff ff ff 10 00 00 00 01 00 00 00 00 00 00 00");

        assertThatThrownBy(() -> NetlinkMessageParser.parse(datagram))
                .isInstanceOf(MalformedNetlinkMessageException.class).hasMessageContaining("4294967295");
    }

    @Test
    void truncatedTrailingHeaderIsRejected() {
        byte[] datagram = CannedTransport.concat(CannedTransport.ack(1), Hex.bytes("10 00 00 00"));

        assertThatThrownBy(() -> NetlinkMessageParser.parse(datagram))
                .isInstanceOf(MalformedNetlinkMessageException.class)
                .hasMessageContaining("truncated netlink header: 4 bytes left at offset 36");
    }

    @Test
    void messageWhosePayloadIsShorterThanItsFamilyHeaderIsRejected() {
        NetlinkMessage m = NetlinkMessageParser.parse(Hex.bytes(
                "14 00 00 00 10 00 00 00 01 00 00 00 00 00 00 00 01 02 03 04")).get(0);

        assertThatThrownBy(() -> m.attributes(8)).isInstanceOf(MalformedNetlinkMessageException.class)
                .hasMessageContaining("shorter than its 8-byte family header");
    }

    @Test
    void multiMessageDatagramIsSplitAndStaleSequencesAreSkipped() throws Exception {
        byte[] datagram = CannedTransport.concat(
                CannedTransport.ack(4),               // an answer to an older request
                Hex.bytes("14 00 00 00 22 00 02 00 05 00 00 00 00 00 00 00 04 01 00 00"),
                Hex.bytes("14 00 00 00 22 00 02 00 05 00 00 00 00 00 00 00 04 01 00 00"),
                CannedTransport.done(5));

        List<NetlinkMessage> messages = NetlinkMessageParser.parse(datagram);
        ReplyCollector c = new ReplyCollector(5, "dump");

        assertThat(messages).hasSize(4);
        assertThat(c.acceptAll(messages)).isTrue();
        assertThat(c.replies()).hasSize(2).allSatisfy(m -> {
            assertThat(m.type()).isEqualTo(0x22);
            assertThat(m.isMulti()).isTrue();
            assertThat(m.genlCommand()).isEqualTo(4);
        });
    }

    @Test
    void collectorWaitsForTheAckAfterAReply() throws Exception {
        ReplyCollector c = new ReplyCollector(1, "get");

        assertThat(c.acceptAll(NetlinkMessageParser.parse(
                Hex.bytes("14 00 00 00 10 00 00 00 01 00 00 00 00 00 00 00 01 02 00 00")))).isFalse();
        assertThat(c.acceptAll(NetlinkMessageParser.parse(CannedTransport.ack(1)))).isTrue();
        assertThat(c.replies()).hasSize(1);
    }

    @Test
    void errorMessageBecomesExceptionWithErrnoAndOperation() {
        ReplyCollector c = new ReplyCollector(3, "IPVS_CMD_NEW_SERVICE");
        byte[] error = Hex.bytes("""
                24 00 00 00 02 00 00 01 03 00 00 00 d2 04 00 00   # NLMSG_ERROR, NLM_F_CAPPED, seq 3
                ef ff ff ff                                         # error -17
                5c 00 00 00 22 00 05 00 03 00 00 00 00 00 00 00   # the request's header
                """);

        assertThatThrownBy(() -> c.acceptAll(NetlinkMessageParser.parse(error)))
                .isInstanceOfSatisfying(NetlinkException.class, e -> {
                    assertThat(e.errno()).isEqualTo(Errno.EEXIST);
                    assertThat(e.operation()).isEqualTo("IPVS_CMD_NEW_SERVICE");
                })
                .hasMessageContaining("IPVS_CMD_NEW_SERVICE").hasMessageContaining("EEXIST");
    }

    @Test
    void dumpDoneWithNegativeErrorFails() {
        byte[] done = CannedTransport.done(2);
        NetlinkMessageBuilder.putU32(done, 16, -Errno.ENOBUFS);

        assertThatThrownBy(() -> new ReplyCollector(2, "RTM_GETADDR").acceptAll(NetlinkMessageParser.parse(done)))
                .isInstanceOfSatisfying(NetlinkException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOBUFS));
    }

    @Test
    void familyIdIsReadFromTheGetFamilyReply() throws Exception {
        byte[] reply = Hex.bytes("""
                20 00 00 00 10 00 00 00 01 00 00 00 00 00 00 00
                01 02 00 00                     # CTRL_CMD_NEWFAMILY, version 2
                09 00 02 00 49 50 56 53 00 00 00 00   # CTRL_ATTR_FAMILY_NAME "IPVS"
                """);
        byte[] id = Hex.bytes("06 00 01 00 23 00 00 00");   // CTRL_ATTR_FAMILY_ID 0x23
        byte[] withId = CannedTransport.concat(reply, id);
        NetlinkMessageBuilder.putU32(withId, 0, withId.length);
        CannedTransport t = new CannedTransport().answer(CannedTransport.concat(withId, CannedTransport.ack(1)));

        assertThat(GenericNetlink.resolveFamily(t, "IPVS")).isEqualTo(0x23);
        assertThat(t.sent.get(0)).isEqualTo(GenericNetlink.getFamilyRequest("IPVS").build(1, 0));
    }
}
