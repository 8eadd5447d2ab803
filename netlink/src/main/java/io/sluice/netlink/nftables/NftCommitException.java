package io.sluice.netlink.nftables;

import io.sluice.netlink.Errno;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The kernel refused an nf_tables batch; nothing of it was applied (the transaction is atomic). Each failure names the
 * member by its {@link NftBatch} description and carries the kernel's errno. {@link #generationChanged()} is the
 * optimistic-concurrency case: another program committed since the generation the batch was built against
 * (NFNL_BATCH_GENID refused with ERESTART), so the caller should re-read and resync.
 */
public class NftCommitException extends Exception {
    /** One refused member: its description and the kernel's errno (positive). */
    public record Failure(String object, int errno) {
        @Override
        public String toString() {
            return object + ": " + Errno.describe(errno);
        }
    }

    private final List<Failure> failures;
    private final boolean generationChanged;
    private final boolean answersLost;

    public NftCommitException(List<Failure> failures, boolean generationChanged, boolean answersLost, int members) {
        super(message(failures, generationChanged, answersLost, members));
        this.failures = List.copyOf(failures);
        this.generationChanged = generationChanged;
        this.answersLost = answersLost;
    }

    private static String message(List<Failure> failures, boolean generationChanged, boolean answersLost,
                                  int members) {
        if (generationChanged) {
            return "nf_tables batch of " + members + " messages not applied: the ruleset generation changed "
                    + "(another program committed); re-read and retry";
        }
        String listed = failures.stream().limit(10).map(Failure::toString).collect(Collectors.joining("; "));
        return "nf_tables batch of " + members + " messages refused, nothing applied: " + listed
                + (failures.size() > 10 ? "; and " + (failures.size() - 10) + " more" : "")
                + (answersLost ? " (some error reports were dropped: socket buffer full)" : "");
    }

    public List<Failure> failures() {
        return failures;
    }

    public boolean generationChanged() {
        return generationChanged;
    }

    /** True when the kernel reported more errors than the socket could hold. */
    public boolean answersLost() {
        return answersLost;
    }
}
