# Sluice node agent image.
#   docker build -t ghcr.io/sluice-proxy/sluice:0.1.0 .
# Stage 1 builds the shaded jar and the minimal JRE (scripts/build-runtime.sh, the same script the JlinkRuntimeIT
# test runs); stage 2 is debian:bookworm-slim with the kernel tools Sluice drives.

FROM maven:3-eclipse-temurin-17 AS build
WORKDIR /src
# No BuildKit-only syntax, so the legacy builder (and Testcontainers' ImageFromDockerfile in the kind tier) can build it.
COPY . .
RUN mvn -B -ntp -pl proxy-app -am package -DskipTests -DskipITs \
 && scripts/build-runtime.sh proxy-app/target/sluice.jar /opt/sluice/jre

FROM debian:bookworm-slim
# iptables (nft and legacy variants: Sluice must use the same one as the host's kubelet and CNI, see
# docs/operations.md), nft for nftables mode's `nft -f` applier, ipset and ipvsadm for the IPVS mode, conntrack to flush stale UDP entries, kmod for modprobe
# of ip_vs* and nf_conntrack through the read-only /lib/modules mount.
RUN apt-get update \
 && apt-get install -y --no-install-recommends iptables nftables ipset ipvsadm conntrack kmod ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /opt/sluice/jre /opt/sluice/jre
COPY --from=build /src/proxy-app/target/sluice.jar /opt/sluice/sluice.jar
# `sluice` on the PATH, so `kubectl exec ds/sluice -- sluice dump ...` works as docs/debugging.md shows.
RUN printf '#!/bin/sh\nexec java -jar /opt/sluice/sluice.jar "$@"\n' > /usr/local/bin/sluice \
 && chmod 0755 /usr/local/bin/sluice
ENV PATH=/opt/sluice/jre/bin:$PATH \
    JAVA_TOOL_OPTIONS="-XX:+UseSerialGC -Xmx320m -XX:MaxNewSize=32m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 -XX:-ShrinkHeapInSteps -XX:MaxMetaspaceSize=96m -XX:ReservedCodeCacheSize=48m -XX:MaxDirectMemorySize=32m -Xss512k -XX:+ExitOnOutOfMemoryError"
# Runs as root: netfilter, IPVS and modprobe need CAP_NET_ADMIN/CAP_SYS_MODULE in the host network namespace.
ENTRYPOINT ["java", "-jar", "/opt/sluice/sluice.jar"]
CMD ["run", "--config=/var/lib/sluice/config.conf"]
