package io.sluice.nftables.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An ordered list of operations on one table, applied atomically by the kernel (one nft batch): either every
 * operation takes effect or none does.
 *
 * @param family the table family ({@code ip} / {@code ip6})
 * @param table  the table name ({@code kube-proxy})
 */
public record Transaction(NftFamily family, String table, List<Operation> operations) {
    public Transaction {
        Objects.requireNonNull(family, "family");
        NftNames.name(table);
        operations = List.copyOf(operations);
    }

    /** Number of operations (knftables {@code NumOperations}). */
    public int size() {
        return operations.size();
    }

    public boolean isEmpty() {
        return operations.isEmpty();
    }

    /** The {@code nft -f} text (knftables transaction.go). */
    public String text() {
        return NftText.write(this);
    }

    public static Builder builder(NftFamily family, String table) {
        return new Builder(family, table);
    }

    /** Mutable builder; not thread-safe. */
    public static final class Builder {
        private final NftFamily family;
        private final String table;
        private final List<Operation> ops = new ArrayList<>();

        Builder(NftFamily family, String table) {
            this.family = family;
            this.table = table;
        }

        public Builder add(NftObject o) {
            return op(Verb.ADD, o);
        }

        public Builder flush(NftObject o) {
            return op(Verb.FLUSH, o);
        }

        public Builder delete(NftObject o) {
            return op(Verb.DELETE, o);
        }

        public Builder op(Verb verb, NftObject o) {
            ops.add(new Operation(verb, o));
            return this;
        }

        public Builder addAll(List<Operation> more) {
            ops.addAll(more);
            return this;
        }

        public int size() {
            return ops.size();
        }

        public Transaction build() {
            return new Transaction(family, table, ops);
        }
    }
}
