#!/usr/bin/env bash
# Host side of `scripts/vm-test.sh --ipvs-tier`: compiles backends-ipvs and its tests (targeted reactor build), writes
# the test class path to RUN_DIR/classpath and makes sure the JUnit console launcher is cached; its path goes to
# RUN_DIR/launcher. Maven runs online: every plugin is pinned in the parent POM, so a fresh machine resolves exactly
# what this needs here instead of relying on what an earlier, unrelated build happened to download.
# Usage: prepare-ipvs-tier.sh RUN_DIR
set -euo pipefail
run="$1"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cache="${SLUICE_VM_CACHE:-/var/cache/sluice-vm}"
launcher_version=1.14.4
launcher="$cache/junit-platform-console-standalone-$launcher_version.jar"
cd "$root"

echo "vm-test: compiling backends-ipvs and its tests (mvn -pl backends-ipvs -am test-compile)" >&2
# The launcher brings its own JUnit Platform and Jupiter engine: leave the project's copies off the class path.
mvn -q -B -ntp -pl backends-ipvs -am test-compile dependency:build-classpath \
    -Dmdep.outputFile="$run/deps.classpath" \
    -DexcludeGroupIds=org.junit.platform,org.junit.jupiter,org.junit.vintage,org.opentest4j,org.apiguardian >&2
echo "$root/backends-ipvs/target/test-classes:$root/backends-ipvs/target/classes:$(cat "$run/deps.classpath")" \
    > "$run/classpath"

if [ ! -s "$launcher" ]; then
    mkdir -p "$cache"
    artifact="org.junit.platform:junit-platform-console-standalone:$launcher_version"
    echo "vm-test: fetching $artifact" >&2
    mvn -q -B -ntp -N dependency:copy -Dartifact="$artifact" -DoutputDirectory="$cache" >&2
fi
echo "$launcher" > "$run/launcher"
