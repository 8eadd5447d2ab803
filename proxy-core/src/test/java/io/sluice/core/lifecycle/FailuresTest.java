package io.sluice.core.lifecycle;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class FailuresTest {

    private final List<Integer> halts = new ArrayList<>();
    private final List<String> counted = new ArrayList<>();
    private IntConsumer previousHalt;

    @BeforeEach
    void recordInsteadOfHalting() {
        previousHalt = Failures.replaceHalt(status -> {
            synchronized (halts) {
                halts.add(status);
            }
        });
        Failures.countWith(thread -> {
            synchronized (counted) {
                counted.add(thread);
            }
        });
    }

    @AfterEach
    void restore() {
        Failures.replaceHalt(previousHalt);
        Failures.countWith(thread -> { });
    }

    @Test
    void aGuardedPeriodicTaskSurvivesAnExceptionWhichIsCountedUnderItsThread() {
        ScheduledExecutorService ex = Executors.newSingleThreadScheduledExecutor(Failures.daemonThreads("t-poll"));
        AtomicInteger runs = new AtomicInteger();
        try {
            ex.scheduleWithFixedDelay(Failures.guard("t-poll", () -> {
                if (runs.incrementAndGet() == 1) {
                    throw new IllegalStateException("first poll fails");
                }
            }), 0, 10, TimeUnit.MILLISECONDS);
            await().until(() -> runs.get() >= 3);
        } finally {
            ex.shutdownNow();
        }
        synchronized (counted) {
            assertThat(counted).containsExactly("t-poll");
        }
        assertThat(halts).isEmpty();
    }

    @Test
    void anErrorInAGuardedTaskHaltsWithTheFatalStatus() {
        Runnable task = Failures.guard("t", () -> {
            throw new StackOverflowError("deep");
        });
        task.run();
        assertThat(halts).containsExactly(Failures.EXIT_FATAL);
        assertThat(counted).isEmpty();
    }

    @Test
    void threadsFromTheFactoryHaltOnErrorsAndCountExceptions() throws Exception {
        Thread boom = Failures.daemonThreads("t-error").newThread(() -> {
            throw new OutOfMemoryError("Java heap space (test)");
        });
        Thread oops = Failures.daemonThreads("t-exception").newThread(() -> {
            throw new IllegalArgumentException("oops");
        });
        assertThat(boom.isDaemon()).isTrue();
        boom.start();
        boom.join();
        oops.start();
        oops.join();
        synchronized (halts) {
            assertThat(halts).containsExactly(Failures.EXIT_FATAL);
        }
        synchronized (counted) {
            assertThat(counted).containsExactly("t-exception");
        }
    }

    @Test
    void theFatalPathHaltsEvenWhenLoggingItselfFails() {
        Throwable unprintable = new Error() {
            @Override
            public String toString() {
                throw new OutOfMemoryError("no memory for the message");
            }
        };
        Failures.fatal("t", unprintable);
        assertThat(halts).containsExactly(Failures.EXIT_FATAL);
    }

    @Test
    void sequenceNumbersOfPoolThreadsDoNotBecomeLabelValues() {
        Failures.exception("-859279938-pool-6-thread-1", new IllegalStateException("x"));
        Failures.exception("sluice-iptables-canary-IPv4", new IllegalStateException("y"));
        assertThat(counted).containsExactly("-N-pool-N-thread-N", "sluice-iptables-canary-IPv4");
    }

    @Test
    void guardRejectsNull() {
        assertThatThrownBy(() -> Failures.guard("t", null)).isInstanceOf(NullPointerException.class);
    }
}
