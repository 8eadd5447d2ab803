package io.sluice.netlink;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.NumericChars;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The parser never reads past a buffer or fails other than with {@link MalformedNetlinkMessageException}. */
class NetlinkCodecProperties {

    @Property(tries = 500)
    void arbitraryBytesAreParsedOrRejectedCleanly(@ForAll @Size(max = 200) byte[] data) {
        try {
            for (NetlinkMessage m : NetlinkMessageParser.parse(data)) {
                walk(m.attributes(0), 0);
            }
        } catch (MalformedNetlinkMessageException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @Property(tries = 300)
    void truncatingAValidMessageIsAlwaysDetected(@ForAll @StringLength(max = 40) String sched,
                                                 @ForAll @IntRange(min = 1, max = 200) int cut) {
        byte[] msg = new NetlinkMessageBuilder(0x22, 0).genlHeader(1, 1)
                .nested(1, w -> w.u16(1, 2).string(6, sched).u32(8, 7)).build(1, 0);
        int length = Math.max(0, msg.length - cut);
        byte[] truncated = java.util.Arrays.copyOf(msg, length);

        if (length == 0) {
            assertThat(NetlinkMessageParser.parse(truncated)).isEmpty();
            return;
        }
        try {
            NetlinkMessageParser.parse(truncated);
            throw new AssertionError("truncated message of " + length + "/" + msg.length + " bytes accepted");
        } catch (MalformedNetlinkMessageException expected) {
            // The nlmsg_len no longer fits the bytes that are there.
        }
    }

    @Property(tries = 300)
    void builtAttributesParseBack(@ForAll @StringLength(max = 50) @AlphaChars @NumericChars String text, @ForAll int u32, @ForAll long u64,
                                  @ForAll @IntRange(min = 0, max = 0xFFFF) int port) {
        byte[] msg = new NetlinkMessageBuilder(0x22, 0).genlHeader(4, 1)
                .nested(1, w -> w.string(6, text).u32(2, u32).u64(3, u64).u16be(4, port))
                .build(9, 0);

        List<NetlinkMessage> parsed = NetlinkMessageParser.parse(msg);
        Attributes inner = parsed.get(0).genlAttributes().require(1, "nested").nested();

        assertThat(msg.length % 4).isZero();
        assertThat(parsed.get(0).seq()).isEqualTo(9);
        assertThat(inner.require(6, "s").string()).isEqualTo(text);
        assertThat(inner.require(2, "u32").u32()).isEqualTo(u32);
        assertThat(inner.require(3, "u64").u64()).isEqualTo(u64);
        assertThat(inner.require(4, "port").u16be()).isEqualTo(port);
    }

    private static void walk(Attributes attributes, int depth) {
        for (Attribute a : attributes.all()) {
            a.string();
            if (depth < 3 && a.value().length >= 4) {
                try {
                    walk(a.nested(), depth + 1);
                } catch (MalformedNetlinkMessageException notNested) {
                    // Not every value is a nested run.
                }
            }
        }
    }
}
