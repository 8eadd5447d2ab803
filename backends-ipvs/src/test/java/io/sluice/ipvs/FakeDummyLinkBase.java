package io.sluice.ipvs;

import java.util.Set;

/** A do-nothing {@link DummyLink}. */
public class FakeDummyLinkBase implements DummyLink {
    @Override
    public void ensureExists() {
    }

    @Override
    public Set<String> addresses() {
        return Set.of();
    }

    @Override
    public void bind(String address) {
    }

    @Override
    public void unbind(String address) {
    }

    @Override
    public void delete() {
    }
}
