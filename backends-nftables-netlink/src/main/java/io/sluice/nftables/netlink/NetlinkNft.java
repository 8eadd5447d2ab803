package io.sluice.nftables.netlink;

import io.sluice.netlink.Errno;
import io.sluice.netlink.Netlink;
import io.sluice.netlink.NetlinkException;
import io.sluice.netlink.NetlinkMessage;
import io.sluice.netlink.NetlinkSocket;
import io.sluice.netlink.Rtnetlink;
import io.sluice.netlink.RtnetlinkMessages;
import io.sluice.netlink.nftables.NftBatch;
import io.sluice.netlink.nftables.NftCommitException;
import io.sluice.netlink.nftables.NftMessages;
import io.sluice.netlink.nftables.NftObjects;
import io.sluice.netlink.nftables.NftablesNetlink;
import io.sluice.nftables.exec.Nft;
import io.sluice.nftables.exec.NftException;
import io.sluice.nftables.exec.TableNames;
import io.sluice.nftables.model.NftFamily;
import io.sluice.nftables.model.Transaction;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * {@link Nft} over a NETLINK_NETFILTER socket: each transaction is compiled ({@link TransactionCompiler}) and sent as
 * one atomic nf_tables batch; {@link #listNames} reads chains and sets with netlink dumps. No {@code nft} process.
 *
 * <p>Concurrency with other programs: {@link #listNames} (full syncs) reads the ruleset generation before the dumps,
 * and every commit carries the generation it expects (the one read, or the one this applier's last commit produced),
 * so a commit built on a state another program has changed since is refused by the kernel (ERESTART) and reported as
 * an {@link NftException}: the backend then runs a full sync, which re-reads. The first commit with no known
 * generation is sent unchecked.
 *
 * <p>Sockets open lazily on first use and reopen after a socket failure. Not thread-safe: the sync thread owns it.
 */
public final class NetlinkNft implements Nft, AutoCloseable {
    private final Path namespace;
    private NftablesNetlink client;
    private NetlinkSocket route;
    /** The generation the next commit expects, or null when unknown. */
    private Integer expected;

    /** @param namespace a network namespace file to work in ({@code /run/netns/x}); null for this process's own */
    public NetlinkNft(Path namespace) {
        this.namespace = namespace;
    }

    private NftablesNetlink client() throws NetlinkException {
        if (client == null) {
            client = namespace == null ? NftablesNetlink.open() : NftablesNetlink.openIn(namespace);
        }
        return client;
    }

    private void reset() {
        expected = null;
        if (client != null) {
            client.close();
            client = null;
        }
    }

    /** The generation the next commit will carry (null: unchecked); for tests and logs. */
    public Integer expectedGeneration() {
        return expected;
    }

    @Override
    public void apply(Transaction tx) throws NftException {
        if (tx.isEmpty()) {
            return;
        }
        NftBatch batch;
        try {
            batch = new TransactionCompiler(this::ifindex).compile(tx);
        } catch (UnsupportedStatementException e) {
            throw new NetlinkUnsupportedException("cannot encode the transaction for netlink: " + e.getMessage());
        }
        commit(batch, tx.size() + " operations on " + tx.family().keyword() + " " + tx.table());
    }

    private void commit(NftBatch batch, String what) throws NftException {
        Integer want = expected;
        try {
            int after = client().commit(batch, want);
            // Our own commit adds exactly one; a larger value means someone committed right after us, which the next
            // checked commit must notice, so keep expecting want + 1 (the kernel skips 0 on wrap-around).
            expected = want == null ? after : want + 1 == 0 ? 1 : want + 1;
        } catch (NftCommitException e) {
            if (e.generationChanged()) {
                expected = null;
                throw new NftException("nf_tables batch (" + what + ") not applied: another program changed the "
                        + "ruleset since it was read (generation " + want + "); a full sync re-reads it");
            }
            if (e.failures().stream().anyMatch(f -> refusedType(f.errno()))) {
                throw new NetlinkUnsupportedException("the kernel refused a message type: " + e.getMessage());
            }
            throw new NftException(e.getMessage());
        } catch (NetlinkException e) {
            reset();
            if (e.errno() == Errno.EPROTONOSUPPORT || e.errno() == Errno.EAFNOSUPPORT) {
                throw new NetlinkUnsupportedException("no nf_tables netlink in this kernel: " + e.getMessage());
            }
            throw new NftException("nf_tables over netlink (" + what + "): " + e.getMessage()
                    + "; whether it was applied is unknown, the next sync re-reads");
        }
    }

    /** A {@link NetlinkUnsupportedException} when the kernel has no nf_tables netlink at all, else a plain failure. */
    private static NftException unsupportedOr(NetlinkException e, String message) {
        return e.errno() == Errno.EPROTONOSUPPORT || e.errno() == Errno.EAFNOSUPPORT
                ? new NetlinkUnsupportedException(message) : new NftException(message);
    }

    /** Errors meaning "this kernel does not do that" rather than "this object is wrong". */
    static boolean refusedType(int errno) {
        return errno == Errno.EOPNOTSUPP || errno == Errno.EPROTONOSUPPORT || errno == Errno.EAFNOSUPPORT;
    }

    /**
     * Compiles only: the kernel has no dry run, so this proves every operation has a netlink encoding (what
     * {@code nft --check} proves about the syntax); object errors show on {@link #apply}.
     */
    @Override
    public void check(Transaction tx) throws NftException {
        try {
            new TransactionCompiler(name -> 0).compile(tx);
        } catch (UnsupportedStatementException e) {
            throw new NetlinkUnsupportedException(e.getMessage());
        }
    }

    /**
     * No {@code nft} binary is involved: the version check of nftables mode (kube-proxy wants nft >= 1.0.1 for the
     * syntax it writes) does not apply, and the kernel prerequisites are checked separately. Answers with the lowest
     * version that passes, naming this applier.
     */
    @Override
    public String version() {
        return "nftables v1.0.1 (Sluice netlink applier, no nft binary)";
    }

    @Override
    public TableNames listNames(NftFamily family, String table) throws NftException {
        int f = TransactionCompiler.nfproto(family);
        try {
            NftablesNetlink nl = client();
            int generation = nl.generation();
            Set<String> chains = new HashSet<>();
            Set<String> sets = new HashSet<>();
            try {
                for (NftObjects.Chain c : nl.chains(f, table)) {
                    chains.add(c.name());
                }
                for (NftObjects.Set s : nl.sets(f, table)) {
                    if (!s.isAnonymous()) {
                        sets.add(s.name());
                    }
                }
            } catch (NetlinkException e) {
                if (e.errno() != Errno.ENOENT) {
                    throw e;
                }
                expected = generation;
                return TableNames.ABSENT;
            }
            expected = generation;
            return new TableNames(true, chains, sets);
        } catch (NetlinkException e) {
            reset();
            throw unsupportedOr(e, "listing " + family.keyword() + " " + table + " over netlink: " + e.getMessage());
        }
    }

    @Override
    public boolean deleteTable(NftFamily family, String table) throws NftException {
        int f = TransactionCompiler.nfproto(family);
        try {
            boolean exists = client().tables(f).stream().anyMatch(t -> t.name().equals(table));
            if (!exists) {
                return false;
            }
        } catch (NetlinkException e) {
            reset();
            throw unsupportedOr(e, "listing " + family.keyword() + " tables over netlink: " + e.getMessage());
        }
        expected = null;
        commit(new NftBatch().add("delete table " + family.keyword() + " " + table, NftMessages.delTable(f, table)),
                "delete table " + family.keyword() + " " + table);
        return true;
    }

    /** The interface index {@code iif NAME} compiles to, read with RTM_GETLINK in the same namespace. */
    private int ifindex(String name) {
        try {
            if (route == null) {
                route = namespace == null ? NetlinkSocket.open(Netlink.NETLINK_ROUTE)
                        : NetlinkSocket.openIn(namespace, Netlink.NETLINK_ROUTE);
            }
            for (NetlinkMessage m : route.request(RtnetlinkMessages.getLink(name), "RTM_GETLINK " + name)) {
                if (m.type() == Rtnetlink.RTM_NEWLINK) {
                    return RtnetlinkMessages.parseLink(m).index();
                }
            }
        } catch (NetlinkException e) {
            if (e.errno() != Errno.ENODEV) {
                throw new UnsupportedStatementException("iif " + name + ": " + e.getMessage());
            }
        }
        // nft refuses the same rule ("Interface does not exist"): let the fallback report it in nft's words.
        throw new UnsupportedStatementException("iif " + name + ": no such interface");
    }

    @Override
    public void close() {
        reset();
        if (route != null) {
            route.close();
            route = null;
        }
    }
}
