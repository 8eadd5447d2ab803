package io.sluice.netlink.nftables;

import io.sluice.netlink.Errno;
import io.sluice.netlink.nftables.NftData.Verdict;
import io.sluice.testsupport.PrivilegedTier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * nf_tables over netlink against the real kernel, each test in fresh network namespaces: a batch built with the Java
 * API must leave exactly the ruleset {@code nft -f} makes from the equivalent text ({@code nft -j list table} of both
 * compared), the generation check must refuse a stale batch, refused members must be named with the kernel's errno,
 * and the dumps must read back what was written.
 */
class NftablesNetlinkIT {
    private static final int F = NfTables.NFPROTO_IPV4;
    private final NetnsPair namespaces = new NetnsPair();

    @BeforeEach
    void requirePrivileges() {
        PrivilegedTier.require("ip", "nft");
    }

    @AfterEach
    void deleteNamespaces() {
        namespaces.close();
    }

    static String resource(String name) throws IOException {
        try (InputStream in = NftablesNetlinkIT.class.getResourceAsStream("/nftables/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aBatchOverNetlinkListsExactlyLikeNftFOfTheSameText() throws Exception {
        String viaNetlink = namespaces.create("nl");
        String viaNft = namespaces.create("nft");

        try (NftablesNetlink nl = NftablesNetlink.openIn(NetnsPair.path(viaNetlink))) {
            nl.commit(KubeProxyShapes.batch(), nl.generation());
        }
        namespaces.nft(viaNft, resource("kube-proxy-shapes.nft"), "-f", "-");

        String ours = namespaces.nft(viaNetlink, "", "-j", "list", "table", "ip", "kube-proxy");
        String theirs = namespaces.nft(viaNft, "", "-j", "list", "table", "ip", "kube-proxy");
        assertThat(ours).contains("service-ULMVA6XW-ns1/svc1/tcp/p80").isEqualTo(theirs);
        assertThat(namespaces.nft(viaNetlink, "", "list", "table", "ip", "kube-proxy"))
                .isEqualTo(namespaces.nft(viaNft, "", "list", "table", "ip", "kube-proxy"));
    }

    @Test
    void aBatchBuiltAgainstAStaleGenerationIsRefusedAndChangesNothing() throws Exception {
        String ns = namespaces.create("gen");
        try (NftablesNetlink nl = NftablesNetlink.openIn(NetnsPair.path(ns))) {
            int before = nl.generation();
            int after = nl.commit(table("t1"), before);
            assertThat(after).isEqualTo(before + 1);

            // Another program commits in between (nft, in the same namespace).
            namespaces.nft(ns, "add table ip other\n", "-f", "-");
            assertThatThrownBy(() -> nl.commit(table("t2"), after))
                    .isInstanceOfSatisfying(NftCommitException.class,
                            e -> assertThat(e.generationChanged()).isTrue());

            assertThat(nl.tables(F).stream().map(NftObjects.Table::name).sorted().toList())
                    .containsExactly("other", "t1");
            assertThat(nl.generation()).isEqualTo(after + 1);
        }
    }

    @Test
    void aRefusedMemberIsNamedWithTheKernelsErrnoAndNothingOfTheBatchIsApplied() throws Exception {
        String ns = namespaces.create("err");
        try (NftablesNetlink nl = NftablesNetlink.openIn(NetnsPair.path(ns))) {
            NftBatch batch = table("t");
            batch.add("add chain ip t c", NftMessages.newChain(F, "t", "c", null, null));
            batch.add("add rule ip t missing-chain", NftMessages.newRule(F, "t", "missing-chain",
                    List.of(NftExpression.Immediate.verdict(Verdict.accept())), null));
            batch.add("add rule ip t c jump missing-target", NftMessages.newRule(F, "t", "c",
                    List.of(NftExpression.Immediate.verdict(Verdict.jump("missing-target"))), null));

            assertThatThrownBy(() -> nl.commit(batch, null))
                    .isInstanceOfSatisfying(NftCommitException.class, e -> {
                        assertThat(e.generationChanged()).isFalse();
                        assertThat(e.failures()).containsExactly(
                                new NftCommitException.Failure("add rule ip t missing-chain", Errno.ENOENT),
                                new NftCommitException.Failure("add rule ip t c jump missing-target", Errno.ENOENT));
                    })
                    .hasMessageContaining("add rule ip t missing-chain: ENOENT");
            assertThat(nl.tables(F)).isEmpty();
        }
    }

    @Test
    void dumpsReadBackTablesChainsSetsElementsRulesAndCounters() throws Exception {
        String ns = namespaces.create("dump");
        try (NftablesNetlink nl = NftablesNetlink.openIn(NetnsPair.path(ns))) {
            nl.commit(KubeProxyShapes.batch(), null);

            assertThat(nl.tables(F)).extracting(NftObjects.Table::name).containsExactly("kube-proxy");
            assertThat(nl.tables(NfTables.NFPROTO_IPV6)).isEmpty();
            List<NftObjects.Chain> chains = nl.chains(F, "kube-proxy");
            assertThat(chains).extracting(NftObjects.Chain::name).contains("nat-prerouting", "services",
                    KubeProxyShapes.SVC, KubeProxyShapes.EP1);
            NftObjects.Chain pre = chains.stream().filter(c -> c.name().equals("nat-prerouting")).findFirst()
                    .orElseThrow();
            assertThat(pre.hook()).contains(new NftMessages.Hook("nat", NfTables.NF_INET_PRE_ROUTING, -100));
            assertThat(chains.stream().filter(c -> c.name().equals("services")).findFirst().orElseThrow().hook())
                    .isEmpty();

            List<NftObjects.Set> sets = nl.sets(F, "kube-proxy");
            assertThat(sets.stream().filter(s -> !s.isAnonymous()).map(NftObjects.Set::name).sorted().toList())
                    .containsExactly(KubeProxyShapes.AFF, "cluster-ips", "hairpin-connections", "service-ips",
                            "service-nodeports");
            NftObjects.Set aff = sets.stream().filter(s -> s.name().equals(KubeProxyShapes.AFF)).findFirst()
                    .orElseThrow();
            assertThat(aff.timeoutMs()).isEqualTo(10_800_000L);
            assertThat(sets.stream().filter(NftObjects.Set::isAnonymous).count()).isEqualTo(4);

            assertThat(nl.elements(F, "kube-proxy", "service-ips")).containsExactly(NftElement.of(
                    NftKeys.concat(NftKeys.address("172.30.0.41"), NftKeys.protocol(6), NftKeys.port(80)),
                    Verdict.goTo(KubeProxyShapes.SVC)));
            assertThat(nl.elements(F, "kube-proxy", "service-nodeports")).containsExactly(new NftElement(
                    NftKeys.concat(NftKeys.protocol(6), NftKeys.port(3001)), 0, Verdict.drop(),
                    NftUserdata.comment("ns2/svc2:p80")));
            assertThat(nl.elements(F, "kube-proxy", "cluster-ips"))
                    .containsExactly(NftElement.of(NftKeys.address("172.30.0.41")));

            assertThat(nl.rules(F, "kube-proxy").stream().filter(r -> r.chain().equals("services")).count())
                    .isEqualTo(6);
            assertThat(nl.objects(F, "kube-proxy")).extracting(NftObjects.StatefulObject::name)
                    .containsExactly("localhost-nodeport-rejected-tcp");

            NftBatch cleanup = new NftBatch().add("delete table ip kube-proxy",
                    NftMessages.delTable(F, "kube-proxy"));
            nl.commit(cleanup, null);
            assertThat(nl.tables(F)).isEmpty();
        }
    }

    @Test
    void aLargeBatchGoesInOneDatagramAndLongElementListsAreSplit() throws Exception {
        String ns = namespaces.create("big");
        int elements = 30_000;
        int chains = 5_000;
        try (NftablesNetlink nl = NftablesNetlink.openIn(NetnsPair.path(ns))) {
            NftBatch batch = table("t");
            int id = batch.nextSetId();
            batch.add("add map ip t m", NftMessages.newSet(F, "t", new NftSetSpec("m", NfTables.NFT_SET_MAP,
                    NftKeys.concatType(NfTables.TYPE_IPADDR, NfTables.TYPE_INET_PROTOCOL, NfTables.TYPE_INET_SERVICE),
                    12, NfTables.NFT_DATA_VERDICT, 0, id, 0, 0, null)));
            for (int c = 0; c < chains; c++) {
                batch.add("add chain ip t c" + c, NftMessages.newChain(F, "t", "c" + c, null, null));
                batch.add("add rule ip t c" + c, NftMessages.newRule(F, "t", "c" + c,
                        List.of(NftExpression.Immediate.verdict(Verdict.ret())), null));
            }
            List<NftElement> list = new ArrayList<>();
            for (int i = 0; i < elements; i++) {
                byte[] ip = {10, (byte) (i >>> 16), (byte) (i >>> 8), (byte) i};
                list.add(NftElement.of(NftKeys.concat(ip, NftKeys.protocol(6), NftKeys.port(80)),
                        Verdict.goTo("c" + i % chains)));
            }
            List<io.sluice.netlink.NetlinkMessageBuilder> messages = NftMessages.newElements(F, "t", "m", id, list);
            assertThat(messages.size()).isGreaterThan(1);
            batch.addAll("add element ip t m", messages);
            assertThat(batch.bytes()).isGreaterThan(1 << 20);

            nl.commit(batch, nl.generation());

            assertThat(nl.elements(F, "t", "m")).hasSize(elements);
            assertThat(nl.chains(F, "t")).hasSize(chains);
            String listed = namespaces.nft(ns, "", "list", "map", "ip", "t", "m");
            // The last element: i = 29999 = 0x752f.
            assertThat(listed).contains("10.0.117.47 . tcp . 80 : goto c4999");
        }
    }

    private static NftBatch table(String name) {
        return new NftBatch().add("add table ip " + name, NftMessages.newTable(F, name, 0, null));
    }
}
