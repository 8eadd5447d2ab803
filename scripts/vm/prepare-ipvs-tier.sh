#!/usr/bin/env bash
# Host side of `scripts/vm-test.sh --ipvs-tier`: compiles backends-ipvs and its tests (offline, targeted reactor
# build), writes the test class path to RUN_DIR/classpath and makes sure the JUnit console launcher is cached
# (fetched online once with Maven, offline afterwards); its path goes to RUN_DIR/launcher.
# Usage: prepare-ipvs-tier.sh RUN_DIR
set -euo pipefail
run="$1"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cache="${SLUICE_VM_CACHE:-/var/cache/sluice-vm}"
launcher_version=1.14.4
launcher="$cache/junit-platform-console-standalone-$launcher_version.jar"
cd "$root"

echo "vm-test: compiling backends-ipvs and its tests (mvn -o -pl backends-ipvs -am test-compile)" >&2
# The launcher brings its own JUnit Platform and Jupiter engine: leave the project's copies off the class path.
mvn -o -q -B -pl backends-ipvs -am test-compile dependency:build-classpath \
    -Dmdep.outputFile="$run/deps.classpath" \
    -DexcludeGroupIds=org.junit.platform,org.junit.jupiter,org.junit.vintage,org.opentest4j,org.apiguardian >&2
echo "$root/backends-ipvs/target/test-classes:$root/backends-ipvs/target/classes:$(cat "$run/deps.classpath")" \
    > "$run/classpath"

if [ ! -s "$launcher" ]; then
    mkdir -p "$cache"
    artifact="org.junit.platform:junit-platform-console-standalone:$launcher_version"
    if ! mvn -o -q -B -N dependency:copy -Dartifact="$artifact" -DoutputDirectory="$cache" >&2 2>/dev/null; then
        echo "vm-test: fetching $artifact (online, once)" >&2
        mvn -q -B -N dependency:copy -Dartifact="$artifact" -DoutputDirectory="$cache" >&2
    fi
fi
echo "$launcher" > "$run/launcher"
