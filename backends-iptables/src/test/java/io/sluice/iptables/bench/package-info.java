/** Benchmarks run by {@code scripts/bench-iptables.sh}; they write {@code docs/benchmarks.md}. */
package io.sluice.iptables.bench;
