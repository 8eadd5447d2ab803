package io.sluice.core.sync;

import io.sluice.core.backend.ProxyBackend;
import io.sluice.core.backend.SyncException;
import io.sluice.core.backend.SyncRequest;
import io.sluice.core.backend.SyncResult;
import io.sluice.core.model.ProxySnapshot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Records every call; fails the next N syncs on demand; a sync "takes" a configurable time on ManualTime. */
final class FakeBackend implements ProxyBackend {
    final List<SyncRequest> syncs = new ArrayList<>();
    final List<ProxySnapshot> renders = new ArrayList<>();
    int failNext;
    boolean forceFullResult;
    /** What the result says was programmed (empty: not said). */
    java.util.Set<io.sluice.core.model.IpFamily> syncedFamilies = java.util.Set.of();
    Duration takes = Duration.ZERO;
    /** Thrown (once) by the next sync, e.g. an OutOfMemoryError. */
    Error errorNext;
    private final ManualTime time;

    FakeBackend(ManualTime time) {
        this.time = time;
    }

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public String render(ProxySnapshot snapshot) {
        renders.add(snapshot);
        return "*nat\n:KUBE-SERVICES - [0:0]\nCOMMIT\n";
    }

    @Override
    public SyncResult sync(SyncRequest request) throws SyncException {
        syncs.add(request);
        time.elapse(takes);
        if (errorNext != null) {
            Error e = errorNext;
            errorNext = null;
            throw e;
        }
        if (failNext > 0) {
            failNext--;
            throw new SyncException("iptables-restore: exit status 1");
        }
        return new SyncResult(request.fullSync() || forceFullResult, 100, syncedFamilies);
    }

    @Override
    public void cleanup() {
    }
}
