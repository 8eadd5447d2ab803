package io.sluice.nftables.exec;

import io.sluice.core.exec.CommandRunner;
import io.sluice.nftables.model.Chain;
import io.sluice.nftables.model.NftFamily;
import io.sluice.nftables.model.Table;
import io.sluice.nftables.model.Transaction;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** argv vectors (with the namespace prefix), stdin transactions, listing parse and error handling, with a fake runner. */
class ProcessNftTest {
    private final List<List<String>> argvs = new ArrayList<>();
    private final List<String> stdins = new ArrayList<>();
    private CommandRunner.CommandResult next = new CommandRunner.CommandResult(0, "", "");

    private final CommandRunner runner = (argv, stdin, timeout) -> {
        argvs.add(argv);
        stdins.add(stdin);
        return next;
    };
    private final ProcessNft nft = new ProcessNft(runner, List.of("ip", "netns", "exec", "lab"));

    @Test
    void transactionsGoToNftOnStdinWithTheNamespacePrefix() throws NftException {
        Transaction tx = Transaction.builder(NftFamily.IP, "kube-proxy").add(new Table("c")).build();
        nft.apply(tx);
        nft.apply(Transaction.builder(NftFamily.IP, "kube-proxy").build()); // empty: nothing runs

        assertThat(argvs).containsExactly(List.of("ip", "netns", "exec", "lab", "nft", "-f", "-"));
        assertThat(stdins).containsExactly("add table ip kube-proxy { comment \"c\" ; }\n");
    }

    @Test
    void aRejectedTransactionThrowsWithNftsMessage() {
        next = new CommandRunner.CommandResult(1, "", "Error: Could not process rule: No such file or directory\n");
        Transaction tx = Transaction.builder(NftFamily.IP, "kube-proxy").delete(Chain.regular("x")).build();
        assertThatThrownBy(() -> nft.apply(tx)).isInstanceOf(NftException.class)
                .hasMessageContaining("Could not process rule");
    }

    @Test
    void listingKeepsOnlyOurTablesChainsAndSets() throws NftException {
        next = new CommandRunner.CommandResult(0, """
                table ip kube-proxy {
                \tchain service-ULMVA6XW-ns1/svc1/tcp/p80 {
                \t}
                \tchain filter-input {
                \t\ttype filter hook input priority filter; policy accept;
                \t}
                \tset affinity-X {
                \t\ttype ipv4_addr
                \t}
                }
                table ip other {
                \tchain foo {
                \t}
                }
                """, "");
        TableNames names = nft.listNames(NftFamily.IP, "kube-proxy");

        assertThat(names.exists()).isTrue();
        assertThat(names.chains()).isEqualTo(Set.of("service-ULMVA6XW-ns1/svc1/tcp/p80", "filter-input"));
        assertThat(names.sets()).isEqualTo(Set.of("affinity-X"));
        assertThat(argvs.get(0)).containsExactly("ip", "netns", "exec", "lab", "nft", "list", "chains", "ip");
        assertThat(argvs.get(1)).containsExactly("ip", "netns", "exec", "lab", "nft", "--terse", "list", "sets", "ip");

        next = new CommandRunner.CommandResult(0, "table ip other {\n}\n", "");
        assertThat(nft.listNames(NftFamily.IP, "kube-proxy").exists()).isFalse();
    }

    @Test
    void deletingAnAbsentTableOrWithoutNftIsNotAnError() throws NftException {
        next = new CommandRunner.CommandResult(1, "", "Error: Could not process rule: No such file or directory\n");
        assertThat(nft.deleteTable(NftFamily.IP6, "kube-proxy")).isFalse();
        next = new CommandRunner.CommandResult(127, "", "cannot run nft");
        assertThat(nft.deleteTable(NftFamily.IP6, "kube-proxy")).isFalse();
        next = new CommandRunner.CommandResult(1, "", "Error: Operation not permitted\n");
        assertThatThrownBy(() -> nft.deleteTable(NftFamily.IP, "kube-proxy")).isInstanceOf(NftException.class);
        assertThat(argvs.get(0)).containsExactly("ip", "netns", "exec", "lab", "nft", "delete", "table", "ip6", "kube-proxy");
    }
}
