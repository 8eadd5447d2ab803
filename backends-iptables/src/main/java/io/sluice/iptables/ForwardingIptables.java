package io.sluice.iptables;

import io.sluice.core.model.IpFamily;
import io.sluice.iptables.exec.Iptables;
import io.sluice.iptables.exec.IptablesException;
import io.sluice.core.exec.IptablesVariant;
import io.sluice.core.exec.IptablesVersion;

import java.util.List;
import java.util.Optional;

/** An {@link Iptables} that forwards every call to {@link #delegate()}, resolved per call. */
abstract class ForwardingIptables implements Iptables {
    protected abstract Iptables delegate();

    @Override
    public IpFamily family() {
        return delegate().family();
    }

    @Override
    public IptablesVariant variant() {
        return delegate().variant();
    }

    @Override
    public void restore(String payload, Optional<String> table) throws IptablesException {
        delegate().restore(payload, table);
    }

    @Override
    public void restore(io.sluice.iptables.render.RestorePayload payload, Optional<String> table)
            throws IptablesException {
        delegate().restore(payload, table);
    }

    @Override
    public java.util.Set<String> declaredChains(String table) throws IptablesException {
        return delegate().declaredChains(table);
    }

    @Override
    public void saveLines(String table, java.util.function.Consumer<String> lines) throws IptablesException {
        delegate().saveLines(table, lines);
    }

    @Override
    public String save(String table) throws IptablesException {
        return delegate().save(table);
    }

    @Override
    public void ensureChain(String table, String chain) throws IptablesException {
        delegate().ensureChain(table, chain);
    }

    @Override
    public boolean checkRule(String table, String chain, List<String> args) throws IptablesException {
        return delegate().checkRule(table, chain, args);
    }

    @Override
    public void insertRule(String table, String chain, List<String> args) throws IptablesException {
        delegate().insertRule(table, chain, args);
    }

    @Override
    public boolean deleteRule(String table, String chain, List<String> args) throws IptablesException {
        return delegate().deleteRule(table, chain, args);
    }

    @Override
    public Optional<List<String>> listChain(String table, String chain) throws IptablesException {
        return delegate().listChain(table, chain);
    }

    @Override
    public void flushChain(String table, String chain) throws IptablesException {
        delegate().flushChain(table, chain);
    }

    @Override
    public void deleteChain(String table, String chain) throws IptablesException {
        delegate().deleteChain(table, chain);
    }

    @Override
    public IptablesVersion version() throws IptablesException {
        return delegate().version();
    }
}
