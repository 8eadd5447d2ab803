/**
 * Process-level access to netfilter for the iptables backend: {@link io.sluice.iptables.exec.Iptables} (one family,
 * one variant) over the real binaries ({@link io.sluice.iptables.exec.ProcessIptables}, argument vectors only,
 * payloads on stdin) or an in-memory kernel ({@code FakeIptables}, in this module's test-jar, which other modules' tests
 * may use); variant detection, version and nfacct probes, conntrack deletion, and
 * {@link io.sluice.iptables.exec.IptablesSystem}, which bundles them for the host or a network namespace.
 */
package io.sluice.iptables.exec;
