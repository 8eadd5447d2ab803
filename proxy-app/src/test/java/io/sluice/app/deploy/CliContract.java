package io.sluice.app.deploy;

import java.util.Set;

/**
 * The CLI flags and configuration fields the documentation and manifests may use. This mirrors the lead's
 * {@code io.sluice.app} picocli model as specified for this release; keep it in step when the CLI changes
 * (a later change should derive it from the picocli {@code CommandSpec} directly).
 */
final class CliContract {

    private CliContract() {
    }

    /** Subcommands of {@code sluice}. */
    static final Set<String> COMMANDS = Set.of("run", "dump", "cleanup", "version");

    /** Every long option of every subcommand ({@code -v} is the only short one). */
    static final Set<String> FLAGS = Set.of(
            // run
            "--backend", "--config", "--kubeconfig", "--objects", "--once", "--dry-run", "--hostname-override",
            "--service-proxy-name", "--metrics-bind-address", "--healthz-bind-address", "--write-config-to",
            // dump
            "--assume-nfacct", "--assume-random-fully",
            // picocli's standard help option on every command
            "--help");

    /**
     * The KubeProxyConfiguration ({@code kubeproxy.config.k8s.io/v1alpha1}) fields Sluice honours, dotted for
     * nested objects. {@code apiVersion} and {@code kind} identify the document.
     */
    static final Set<String> CONFIG_FIELDS = Set.of(
            "apiVersion", "kind",
            "mode", "hostnameOverride", "clusterCIDR", "detectLocalMode",
            "detectLocal", "detectLocal.bridgeInterface", "detectLocal.interfaceNamePrefix",
            "nodePortAddresses",
            "iptables", "iptables.masqueradeBit", "iptables.masqueradeAll", "iptables.localhostNodePorts",
            "iptables.syncPeriod", "iptables.minSyncPeriod",
            "ipvs", "ipvs.scheduler", "ipvs.syncPeriod", "ipvs.minSyncPeriod", "ipvs.strictARP", "ipvs.excludeCIDRs",
            "ipvs.tcpTimeout", "ipvs.tcpFinTimeout", "ipvs.udpTimeout",
            "conntrack", "conntrack.tcpBeLiberal",
            "metricsBindAddress", "healthzBindAddress",
            "clientConnection", "clientConnection.kubeconfig",
            "configSyncPeriod");
}
