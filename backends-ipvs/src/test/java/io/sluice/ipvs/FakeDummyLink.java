package io.sluice.ipvs;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** In-memory kube-ipvs0. Like the rtnetlink one, a missing link lists no addresses and refuses binds. */
public final class FakeDummyLink implements DummyLink {
    boolean exists;
    final TreeSet<String> addresses = new TreeSet<>();
    final List<String> calls = new ArrayList<>();

    @Override
    public void ensureExists() {
        if (!exists) {
            calls.add("create");
        }
        exists = true;
    }

    @Override
    public Set<String> addresses() {
        return Set.copyOf(addresses);
    }

    @Override
    public void bind(String address) throws IpvsException {
        if (!exists) {
            throw new IpvsException("bind-address", address, 19, "no such device");
        }
        calls.add("bind " + address);
        addresses.add(address);
    }

    @Override
    public void unbind(String address) {
        calls.add("unbind " + address);
        addresses.remove(address);
    }

    @Override
    public void delete() {
        if (exists) {
            calls.add("delete");
        }
        exists = false;
        addresses.clear();
    }
}
