package io.sluice.core.source;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records {@link InvalidObjectListener} calls as "kind object reason". */
final class RecordingListener implements InvalidObjectListener {
    final List<String> calls = new CopyOnWriteArrayList<>();

    @Override
    public void invalid(String kind, String object, String reason) {
        calls.add(kind + " " + object + " " + reason);
    }

    List<String> reasons() {
        return calls.stream().map(c -> c.substring(c.lastIndexOf(' ') + 1)).toList();
    }
}
