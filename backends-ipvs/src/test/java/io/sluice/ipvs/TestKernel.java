package io.sluice.ipvs;

import io.sluice.core.backend.BackendContext;
import io.sluice.core.backend.BackendMetrics;
import io.sluice.core.backend.KernelAssumptions;
import io.sluice.core.config.ProxyConfig;
import io.sluice.core.model.IpFamily;
import io.sluice.ipvs.ipset.FakeIpset;
import io.sluice.ipvs.rules.IptablesJumps;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** A whole fake machine for {@link IpvsBackend}: fakes of every kernel interface, a settable clock, metrics. */
final class TestKernel {
    final FakeIpvs ipvs = new FakeIpvs();
    final FakeDummyLink link = new FakeDummyLink();
    final FakeIpset ipset = new FakeIpset();
    final FakeIptablesRestore iptables = new FakeIptablesRestore();
    final RecordingCommandRunner commands = new RecordingCommandRunner();
    final RecordingCommandRunner conntrack = new RecordingCommandRunner();
    final FakeSysctl sysctl = new FakeSysctl("6.1.0-18-amd64");
    final TreeSet<String> localAddresses = new TreeSet<>(Set.of(Snap.NODE_IP));
    final MutableClock clock = new MutableClock();
    final RecordingMetrics metrics = new RecordingMetrics();
    int fullSyncRequests;

    IpvsBackend backend(ProxyConfig config) {
        return backend(config, KernelAssumptions.DUMP_DEFAULTS);
    }

    IpvsBackend backend(ProxyConfig config, KernelAssumptions assumptions) {
        BackendContext ctx = new BackendContext(config, metrics, assumptions, clock,
                () -> fullSyncRequests++);
        return new IpvsBackend(ctx, () -> new IpvsKernel(ipvs, link, ipset, iptables, new IptablesJumps(commands),
                sysctl, except -> new TreeSet<>(localAddresses), conntrack));
    }

    static final class MutableClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    static final class RecordingMetrics implements BackendMetrics {
        final List<String> errors = new ArrayList<>();
        final List<IpFamily> restoreFailures = new ArrayList<>();
        final List<String> noLocal = new ArrayList<>();

        @Override
        public void restoreFailure(IpFamily family) {
            restoreFailures.add(family);
        }

        @Override
        public void partialRestoreFailure(IpFamily family) {
        }

        @Override
        public void iptablesRules(String table, IpFamily family, long total, long last) {
        }

        @Override
        public void noLocalEndpoints(String trafficPolicy, IpFamily family, long count) {
            noLocal.add(trafficPolicy + "/" + family + "=" + count);
        }

        @Override
        public void backendError(String backend, String operation) {
            errors.add(backend + "/" + operation);
        }

        final List<String> repairs = new ArrayList<>();

        @Override
        public void repair(String backend, String what) {
            repairs.add(backend + "/" + what);
        }
    }
}
