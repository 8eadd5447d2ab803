#!/usr/bin/env bash
# Builds the minimal Java runtime Sluice's container image ships (the Dockerfile runs this same script), so the
# image's JRE can be built and tested without Docker.
#
#   scripts/build-runtime.sh [JAR] [OUTPUT_DIR]
#     JAR         the shaded jar (default: proxy-app/target/sluice.jar; build it with
#                 `mvn -B -pl proxy-app -am package -DskipTests`)
#     OUTPUT_DIR  where the runtime goes (default: target/runtime); OUTPUT_DIR/bin/java runs the jar
#
# Environment: JAVA_HOME (optional) picks the JDK whose jdeps/jlink are used; its major version must be at least
# the jar's bytecode level (17). A runtime already built from the same jar by the same JDK is reused
# (stamp file OUTPUT_DIR/sluice-runtime.stamp: JDK version and the jar's SHA-256); FORCE=1 rebuilds.
#
# Modules: whatever `jdeps --print-module-deps` finds in the jar, plus modules only reached by reflection or
# service loading, which jdeps cannot see:
#   jdk.httpserver   /healthz, /livez and /metrics (com.sun.net.httpserver)
#   jdk.crypto.ec    ECDHE/ECDSA TLS to the API server (most clusters serve EC certificates)
#   java.naming      JNDI DNS lookups and LDAP-style names used by TLS hostname checks
#   jdk.unsupported  sun.misc.Unsafe for Netty/Vert.x (fabric8's HTTP client) and jnr-ffi
#   jdk.zipfs        reading resources from the jar through a FileSystem
#   java.management, jdk.management  JVM metrics (memory, GC, threads) exported on /metrics
#   jdk.naming.dns   the DNS JNDI provider
#   jdk.localedata   not needed: logs and metrics are locale-independent (kept out to save ~8 MB)
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="${1:-$repo_root/proxy-app/target/sluice.jar}"
out="${2:-$repo_root/target/runtime}"

if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/jlink" ]]; then
  jdk_bin="$JAVA_HOME/bin"
else
  jdk_bin="$(dirname "$(readlink -f "$(command -v jlink)")")"
fi
jdeps="$jdk_bin/jdeps"
jlink="$jdk_bin/jlink"
for tool in "$jdeps" "$jlink"; do
  [[ -x "$tool" ]] || { echo "build-runtime: $tool not found (install a JDK or set JAVA_HOME)" >&2; exit 2; }
done
[[ -f "$jar" ]] || { echo "build-runtime: $jar not found (mvn -B -pl proxy-app -am package -DskipTests)" >&2; exit 2; }

jdk_version="$("$jlink" --version)"

# jdeps takes ~30 s on the shaded jar: skip everything when the runtime was built by this JDK from this very jar.
jar_sum="$(sha256sum "$jar" | cut -d' ' -f1)"
stamp="jdk=$jdk_version jar=$jar_sum"
if [[ "${FORCE:-0}" != 1 && -x "$out/bin/java" && -f "$out/sluice-runtime.stamp" ]] \
   && [[ "$(head -n 1 "$out/sluice-runtime.stamp")" == "$stamp" ]]; then
  echo "build-runtime: reusing $out ($(sed -n 2p "$out/sluice-runtime.stamp"))"
  exit 0
fi

# --multi-release base: the shaded jar carries other libraries' META-INF/versions/N/module-info.class (netty-tcnative
# and others), and with a numeric release jdeps would take the whole jar for that one named module. The base classes
# are what matters for module dependencies. --ignore-missing-deps skips optional dependencies of shaded libraries
# (e.g. Netty's optional codecs) that are never loaded at run time.
detected="$("$jdeps" --ignore-missing-deps --multi-release base --print-module-deps "$jar" | tail -n 1)"
extra="jdk.httpserver,jdk.crypto.ec,java.naming,jdk.naming.dns,jdk.unsupported,jdk.zipfs,java.management,jdk.management"
modules="$(printf '%s,%s' "$detected" "$extra" | tr ',' '\n' | sed '/^$/d' | sort -u | paste -sd, -)"

rm -rf "$out"
mkdir -p "$(dirname "$out")"
# --compress=2 is "zip" in JDK 17; JDK 21+ call it zip-6 and warn about the old spelling but accept it.
"$jlink" --add-modules "$modules" \
  --strip-debug --no-header-files --no-man-pages --compress=2 \
  --output "$out"
printf '%s\n%s\n' "$stamp" "$modules" > "$out/sluice-runtime.stamp"
echo "build-runtime: built $out with $modules ($(du -sh "$out" | cut -f1))"
