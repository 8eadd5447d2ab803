package io.sluice.netlink.nftables;

import io.sluice.netlink.CannedTransport;
import io.sluice.netlink.Errno;
import io.sluice.netlink.Netlink;
import io.sluice.netlink.NetlinkBatchTransport;
import io.sluice.netlink.NetlinkException;
import io.sluice.netlink.NetlinkMessage;
import io.sluice.netlink.NetlinkMessageBuilder;
import io.sluice.netlink.NetlinkMessageParser;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The commit protocol against a fake transport: framing, error attribution, the generation check. */
class NftablesNetlinkTest {

    /** Records batches; answers each with the configured errors (by member index) and GETGEN with a generation. */
    static final class FakeKernel implements NetlinkBatchTransport {
        final List<List<byte[]>> batches = new ArrayList<>();
        final List<int[]> errors = new ArrayList<>();
        int generation = 41;
        int seq = 100;

        @Override
        public BatchReply sendBatch(List<NetlinkMessageBuilder> messages, String operation) {
            int first = seq + 1;
            List<byte[]> sent = new ArrayList<>();
            for (NetlinkMessageBuilder m : messages) {
                sent.add(m.build(++seq, 0));
            }
            batches.add(sent);
            List<NetlinkMessage> answers = new ArrayList<>();
            for (int[] e : errors) {
                answers.addAll(NetlinkMessageParser.parse(CannedTransport.error(first + e[0], e[1])));
            }
            if (errors.isEmpty()) {
                generation++;
            }
            return new BatchReply(first, answers, false);
        }

        @Override
        public List<NetlinkMessage> request(NetlinkMessageBuilder request, String operation) throws NetlinkException {
            assertThat(request.type()).isEqualTo(NftMessages.type(NfTables.NFT_MSG_GETGEN));
            NetlinkMessageBuilder reply = NetlinkMessageBuilder.withoutAck(NftMessages.type(NfTables.NFT_MSG_NEWGEN), 0)
                    .header(new byte[4]).u32be(NfTables.NFTA_GEN_ID, generation);
            return NetlinkMessageParser.parse(reply.build(seq, 0));
        }

        @Override
        public void close() {
        }
    }

    static NftBatch twoRules() {
        return new NftBatch()
                .add("add table ip t", NftMessages.newTable(2, "t", 0, null))
                .add("add rule ip t c accept", NftMessages.newRule(2, "t", "c",
                        List.of(NftExpression.Immediate.verdict(NftData.Verdict.accept())), null));
    }

    @Test
    void aBatchIsFramedSentAsOneDatagramAndReturnsTheNewGeneration() throws Exception {
        FakeKernel kernel = new FakeKernel();
        int after = new NftablesNetlink(kernel).commit(twoRules(), 41);

        assertThat(after).isEqualTo(42);
        List<byte[]> sent = kernel.batches.get(0);
        assertThat(sent).hasSize(4);
        assertThat(NetlinkMessageParser.parse(sent.get(0)).get(0).type()).isEqualTo(NfTables.NFNL_MSG_BATCH_BEGIN);
        assertThat(NetlinkMessageParser.parse(sent.get(3)).get(0).type()).isEqualTo(NfTables.NFNL_MSG_BATCH_END);
        for (byte[] m : sent) {
            assertThat(NetlinkMessageParser.parse(m).get(0).flags() & Netlink.NLM_F_ACK).isZero();
        }
    }

    @Test
    void errorsAreAttributedToTheMembersTheirSequenceNumbersName() {
        FakeKernel kernel = new FakeKernel();
        kernel.errors.add(new int[] {2, Errno.ENOENT});

        assertThatThrownBy(() -> new NftablesNetlink(kernel).commit(twoRules(), null))
                .isInstanceOfSatisfying(NftCommitException.class, e -> {
                    assertThat(e.generationChanged()).isFalse();
                    assertThat(e.failures()).containsExactly(
                            new NftCommitException.Failure("add rule ip t c accept", Errno.ENOENT));
                })
                .hasMessageContaining("add rule ip t c accept: ENOENT");
    }

    @Test
    void erestartOnTheBatchBeginMeansAnotherProgramCommitted() {
        FakeKernel kernel = new FakeKernel();
        kernel.errors.add(new int[] {0, Errno.ERESTART});

        assertThatThrownBy(() -> new NftablesNetlink(kernel).commit(twoRules(), 7))
                .isInstanceOfSatisfying(NftCommitException.class, e -> {
                    assertThat(e.generationChanged()).isTrue();
                    assertThat(e.failures()).isEmpty();
                });
    }

    @Test
    void longElementListsAreSplitBelowTheNestedAttributeLimit() {
        List<NftElement> elements = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            elements.add(NftElement.of(NftKeys.hostU32(i), NftData.Verdict.goTo("chain-with-a-long-name-" + i)));
        }
        List<NetlinkMessageBuilder> messages = NftMessages.newElements(2, "t", "m", 3, elements);

        assertThat(messages.size()).isGreaterThan(1);
        int total = 0;
        for (NetlinkMessageBuilder m : messages) {
            assertThat(m.length()).isLessThan(65_535);
            NetlinkMessage parsed = NetlinkMessageParser.parse(m.build(1, 0)).get(0);
            total += NftObjects.elements(parsed).size();
        }
        assertThat(total).isEqualTo(10_000);
    }
}
