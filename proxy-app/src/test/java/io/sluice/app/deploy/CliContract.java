package io.sluice.app.deploy;

import io.sluice.app.SluiceMain;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The CLI flags and configuration fields the documentation and manifests may use. Flags and commands come from the
 * real picocli model ({@link SluiceMain#commandLine()}), so a renamed or removed option breaks the docs tests.
 */
final class CliContract {

    private CliContract() {
    }

    /** Long options ("--x") of each subcommand, by subcommand name. */
    static final Map<String, Set<String>> OPTIONS_BY_COMMAND = optionsByCommand();

    /** Every option of every subcommand, as the set of its names (e.g. {@code [-v, --v]}). */
    static final java.util.List<Set<String>> SUBCOMMAND_OPTIONS = subcommandOptions();

    /** Subcommands of {@code sluice}. */
    static final Set<String> COMMANDS = OPTIONS_BY_COMMAND.keySet();

    /** Every long option of the root command and of every subcommand. */
    static final Set<String> FLAGS = allFlags();

    /**
     * The KubeProxyConfiguration ({@code kubeproxy.config.k8s.io/v1alpha1}) fields Sluice honours, dotted for
     * nested objects ({@code io.sluice.core.config.KubeProxyConfigurationLoader}); {@code apiVersion} and
     * {@code kind} identify the document.
     */
    static final Set<String> CONFIG_FIELDS = Set.of(
            "apiVersion", "kind",
            "mode", "hostnameOverride", "clusterCIDR", "detectLocalMode",
            "detectLocal", "detectLocal.bridgeInterface", "detectLocal.interfaceNamePrefix",
            "nodePortAddresses",
            "iptables", "iptables.masqueradeBit", "iptables.masqueradeAll", "iptables.localhostNodePorts",
            "iptables.syncPeriod", "iptables.minSyncPeriod",
            "nftables", "nftables.masqueradeBit", "nftables.masqueradeAll", "nftables.syncPeriod", "nftables.minSyncPeriod",
            "ipvs", "ipvs.scheduler", "ipvs.syncPeriod", "ipvs.minSyncPeriod", "ipvs.strictARP", "ipvs.excludeCIDRs",
            "ipvs.tcpTimeout", "ipvs.tcpFinTimeout", "ipvs.udpTimeout",
            "conntrack", "conntrack.tcpBeLiberal",
            "metricsBindAddress", "healthzBindAddress",
            "clientConnection", "clientConnection.kubeconfig",
            "configSyncPeriod");

    private static Map<String, Set<String>> optionsByCommand() {
        Map<String, Set<String>> byCommand = new TreeMap<>();
        SluiceMain.commandLine().getSubcommands().forEach((name, sub) -> byCommand.put(name, longNames(sub)));
        return byCommand;
    }

    private static java.util.List<Set<String>> subcommandOptions() {
        java.util.List<Set<String>> options = new java.util.ArrayList<>();
        SluiceMain.commandLine().getSubcommands().values().forEach(sub -> sub.getCommandSpec().options()
                .forEach(o -> options.add(new TreeSet<>(java.util.List.of(o.names())))));
        return options;
    }

    private static Set<String> allFlags() {
        Set<String> all = new TreeSet<>(longNames(SluiceMain.commandLine()));
        OPTIONS_BY_COMMAND.values().forEach(all::addAll);
        return all;
    }

    private static Set<String> longNames(CommandLine cl) {
        Set<String> names = new TreeSet<>();
        for (OptionSpec option : cl.getCommandSpec().options()) {
            for (String name : option.names()) {
                if (name.startsWith("--")) {
                    names.add(name);
                }
            }
        }
        return names;
    }
}
