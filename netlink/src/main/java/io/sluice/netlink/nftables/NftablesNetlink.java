package io.sluice.netlink.nftables;

import io.sluice.netlink.ByteReader;
import io.sluice.netlink.Errno;
import io.sluice.netlink.MalformedNetlinkMessageException;
import io.sluice.netlink.Netlink;
import io.sluice.netlink.NetlinkBatchTransport;
import io.sluice.netlink.NetlinkException;
import io.sluice.netlink.NetlinkMessage;
import io.sluice.netlink.NetlinkMessageBuilder;
import io.sluice.netlink.NetlinkSocket;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * nf_tables over a NETLINK_NETFILTER socket: atomic batches with a generation check, the generation id, and dumps of
 * tables, chains, sets, elements, rules and counters. No {@code nft} binary involved.
 *
 * <p>Commit protocol (as nft's src/mnl.c mnl_batch_talk): one datagram BATCH_BEGIN, members, BATCH_END; members
 * without NLM_F_ACK, so the kernel answers only failures, each with the sequence number of the failing member, which
 * names the object. The kernel runs the batch inside the send call, so whatever it answers is already queued when
 * {@code sendto} returns; a GETGEN afterwards reads the generation the commit produced.
 *
 * <p>Not thread-safe: one thread owns an instance (and its socket).
 */
public final class NftablesNetlink implements AutoCloseable {
    private final NetlinkBatchTransport transport;

    public NftablesNetlink(NetlinkBatchTransport transport) {
        this.transport = transport;
    }

    /** A socket in this process's network namespace. */
    public static NftablesNetlink open() throws NetlinkException {
        return new NftablesNetlink(NetlinkSocket.open(Netlink.NETLINK_NETFILTER));
    }

    /** A socket in the network namespace behind {@code namespace} (e.g. {@code /run/netns/x}). */
    public static NftablesNetlink openIn(Path namespace) throws NetlinkException {
        return new NftablesNetlink(NetlinkSocket.openIn(namespace, Netlink.NETLINK_NETFILTER));
    }

    /** The current ruleset generation (NFT_MSG_GETGEN → NFTA_GEN_ID); every commit that changes something adds 1. */
    public int generation() throws NetlinkException {
        String op = "NFT_MSG_GETGEN";
        for (NetlinkMessage m : transport.request(NftMessages.getGen(), op)) {
            if (m.type() == NftMessages.type(NfTables.NFT_MSG_NEWGEN)) {
                try {
                    return NftObjects.attributes(m).require(NfTables.NFTA_GEN_ID, "NFTA_GEN_ID").u32be();
                } catch (MalformedNetlinkMessageException e) {
                    throw new NetlinkException(op, 0, "malformed reply: " + e.getMessage(), e);
                }
            }
        }
        throw new NetlinkException(op, 0, "no NFT_MSG_NEWGEN in the reply");
    }

    /**
     * Applies {@code batch} atomically.
     *
     * @param expectedGeneration when not null, sent as NFNL_BATCH_GENID: the kernel refuses the batch when the
     *                           ruleset changed since (another program committed), reported as
     *                           {@link NftCommitException#generationChanged()}
     * @return the generation after the commit
     * @throws NftCommitException the kernel refused the batch (nothing applied); failures name the members
     * @throws NetlinkException   the socket failed; whether the batch was applied is unknown (re-read the state)
     */
    public int commit(NftBatch batch, Integer expectedGeneration) throws NftCommitException, NetlinkException {
        if (batch.isEmpty()) {
            return generation();
        }
        List<NetlinkMessageBuilder> all = new ArrayList<>(batch.size() + 2);
        all.add(NftMessages.batchBegin(expectedGeneration));
        all.addAll(batch.messages());
        all.add(NftMessages.batchEnd());
        NetlinkBatchTransport.BatchReply reply = transport.sendBatch(all, "nf_tables batch");
        List<NftCommitException.Failure> failures = new ArrayList<>();
        boolean generationChanged = false;
        for (NetlinkMessage m : reply.answers()) {
            if (m.type() != Netlink.NLMSG_ERROR || m.payload().length < 4) {
                continue;
            }
            int errno = -ByteReader.u32(m.payload(), 0);
            int index = m.seq() - reply.firstSeq();
            if (errno == 0 || index < 0 || index >= all.size()) {
                continue;
            }
            if (index == 0) {
                if (errno == Errno.ERESTART) {
                    generationChanged = true;
                } else {
                    failures.add(new NftCommitException.Failure("batch begin", errno));
                }
            } else if (index == all.size() - 1) {
                failures.add(new NftCommitException.Failure("batch end (commit)", errno));
            } else {
                failures.add(new NftCommitException.Failure(batch.description(index - 1), errno));
            }
        }
        if (generationChanged || !failures.isEmpty() || reply.overflowed()) {
            throw new NftCommitException(failures, generationChanged, reply.overflowed(), batch.size());
        }
        return generation();
    }

    /** Every table of {@code family}. */
    public List<NftObjects.Table> tables(int family) throws NetlinkException {
        return dump(NftMessages.getTables(family), "NFT_MSG_GETTABLE", NfTables.NFT_MSG_NEWTABLE, NftObjects::table);
    }

    /** The chains of a table; ENOENT when the table does not exist. */
    public List<NftObjects.Chain> chains(int family, String table) throws NetlinkException {
        return dump(NftMessages.getChains(family, table), "NFT_MSG_GETCHAIN " + table, NfTables.NFT_MSG_NEWCHAIN,
                NftObjects::chain);
    }

    /** The sets and maps of a table (including anonymous ones). */
    public List<NftObjects.Set> sets(int family, String table) throws NetlinkException {
        return dump(NftMessages.getSets(family, table), "NFT_MSG_GETSET " + table, NfTables.NFT_MSG_NEWSET,
                NftObjects::set);
    }

    /** The elements of one set, in the kernel's order. */
    public List<NftElement> elements(int family, String table, String set) throws NetlinkException {
        List<NftElement> out = new ArrayList<>();
        for (List<NftElement> l : dump(NftMessages.getElements(family, table, set), "NFT_MSG_GETSETELEM " + set,
                NfTables.NFT_MSG_NEWSETELEM, NftObjects::elements)) {
            out.addAll(l);
        }
        return out;
    }

    /** The rules of a table (location and handle). */
    public List<NftObjects.Rule> rules(int family, String table) throws NetlinkException {
        return dump(NftMessages.getRules(family, table), "NFT_MSG_GETRULE " + table, NfTables.NFT_MSG_NEWRULE,
                NftObjects::rule);
    }

    /** The stateful objects (counters) of a table. */
    public List<NftObjects.StatefulObject> objects(int family, String table) throws NetlinkException {
        return dump(NftMessages.getObjects(family, table), "NFT_MSG_GETOBJ " + table, NfTables.NFT_MSG_NEWOBJ,
                NftObjects::object);
    }

    private <T> List<T> dump(NetlinkMessageBuilder request, String op, int replyMsg,
                             Function<NetlinkMessage, T> parse) throws NetlinkException {
        List<T> out = new ArrayList<>();
        for (NetlinkMessage m : transport.request(request, op)) {
            if (m.type() != NftMessages.type(replyMsg)) {
                continue;
            }
            try {
                out.add(parse.apply(m));
            } catch (MalformedNetlinkMessageException e) {
                throw new NetlinkException(op, 0, "malformed reply: " + e.getMessage(), e);
            }
        }
        return out;
    }

    @Override
    public void close() {
        transport.close();
    }
}
