package io.sluice.nftables.exec;

import java.util.Set;

/**
 * The names of the chains and sets of one table, as listed from the kernel (no rules, no elements).
 *
 * @param exists whether the table exists
 */
public record TableNames(boolean exists, Set<String> chains, Set<String> sets) {
    public static final TableNames ABSENT = new TableNames(false, Set.of(), Set.of());

    public TableNames {
        chains = Set.copyOf(chains);
        sets = Set.copyOf(sets);
    }
}
