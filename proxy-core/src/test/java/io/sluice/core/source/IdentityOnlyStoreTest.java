package io.sluice.core.source;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class IdentityOnlyStoreTest {

    @Test
    void givenAWholeServiceWhenStoredThenOnlyItsIdentityIsKept() {
        IdentityOnlyStore<Service> store = new IdentityOnlyStore<>(Service::new);
        Service full = new ServiceBuilder().withNewMetadata().withNamespace("shop").withName("web").withUid("u-1")
                .withResourceVersion("42").addToLabels("app", "web").addToAnnotations("big", "x".repeat(10_000))
                .endMetadata().withNewSpec().withClusterIP("10.96.0.10").addNewPort().withPort(80).endPort().endSpec()
                .build();

        assertThat(store.put(store.getKey(full), full)).isNull();

        Service kept = store.get("shop/web");
        assertThat(kept.getMetadata().getNamespace()).isEqualTo("shop");
        assertThat(kept.getMetadata().getName()).isEqualTo("web");
        assertThat(kept.getMetadata().getUid()).isNull();
        assertThat(kept.getMetadata().getResourceVersion()).isEqualTo("42");
        assertThat(kept.getMetadata().getLabels()).isNullOrEmpty();
        assertThat(kept.getMetadata().getAnnotations()).isNullOrEmpty();
        assertThat(kept.getSpec()).isNull();
        assertThat(store.size()).isEqualTo(1);
        assertThat(store.keySet()).containsExactly("shop/web");
    }

    @Test
    void givenAStoredServiceWhenReplacedOrRemovedThenThePreviousStubIsReturned() {
        IdentityOnlyStore<Service> store = new IdentityOnlyStore<>(Service::new);
        Service v1 = new ServiceBuilder().withNewMetadata().withNamespace("a").withName("b").withResourceVersion("1")
                .endMetadata().build();
        Service v2 = new ServiceBuilder(v1).editMetadata().withResourceVersion("2").endMetadata().build();
        store.put("a/b", v1);

        assertThat(store.put("a/b", v2).getMetadata().getResourceVersion()).isEqualTo("1");
        assertThat(store.remove("a/b").getMetadata().getResourceVersion()).isEqualTo("2");
        assertThat(store.size()).isZero();
    }
}
