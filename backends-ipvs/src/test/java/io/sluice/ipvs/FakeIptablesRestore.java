package io.sluice.ipvs;

import io.sluice.core.model.IpFamily;
import io.sluice.ipvs.rules.IptablesException;
import io.sluice.ipvs.rules.IptablesRestore;

import java.util.ArrayList;
import java.util.List;

/** Records every payload; can be told to fail. */
public final class FakeIptablesRestore implements IptablesRestore {
    final List<String> payloads = new ArrayList<>();
    final List<IpFamily> families = new ArrayList<>();
    /** What {@link #randomFully} answers (null: cannot tell, the backend keeps its assumption). */
    Boolean randomFully;

    @Override
    public Boolean randomFully(IpFamily family) {
        return randomFully;
    }
    boolean fail;

    @Override
    public void restore(IpFamily family, String payload) throws IptablesException {
        if (fail) {
            throw new IptablesException("iptables-restore: injected failure");
        }
        families.add(family);
        payloads.add(payload);
    }

    String last() {
        return payloads.get(payloads.size() - 1);
    }
}
