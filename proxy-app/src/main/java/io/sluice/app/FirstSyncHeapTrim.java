package io.sluice.app;

import io.sluice.core.sync.SyncEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One full GC right after the first successful sync, so the heap the startup needed (the initial lists of Services
 * and EndpointSlices are decoded whole, and the first sync renders every rule) goes back to the operating system:
 * with {@code -XX:MaxHeapFreeRatio} (the DaemonSet sets 30) the serial collector shrinks and uncommits the heap on a
 * full GC, and without one the process would keep its startup peak as resident memory for hours. Later syncs are
 * small (partial) and need no such help.
 *
 * <p>Runs on its own daemon thread, polling the engine's sync count every 500 ms; does nothing after the first time.
 */
final class FirstSyncHeapTrim {
    private static final Logger LOG = LoggerFactory.getLogger(FirstSyncHeapTrim.class);

    private FirstSyncHeapTrim() {
    }

    static void start(SyncEngine engine) {
        Thread t = new Thread(() -> {
            try {
                while (engine.syncs() < 1) {
                    Thread.sleep(500);
                }
                Runtime rt = Runtime.getRuntime();
                long before = rt.totalMemory();
                System.gc();
                LOG.info("after the first sync: heap {} MiB committed ({} MiB before a full GC), {} MiB used",
                        rt.totalMemory() >> 20, before >> 20, (rt.totalMemory() - rt.freeMemory()) >> 20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "sluice-heap-trim");
        t.setDaemon(true);
        t.start();
    }
}
