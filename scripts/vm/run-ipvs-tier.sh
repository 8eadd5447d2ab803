#!/bin/bash
# Guest side of `scripts/vm-test.sh --ipvs-tier`: runs every *VmTest class of backends-ipvs in ONE JVM (process starts
# are expensive under TCG) with the JUnit console launcher, then prints the closing line "N passed, N failed".
# Exit code: 0 only when tests ran and none failed. Usage: run-ipvs-tier.sh RUN_DIR [CLASS_NAME_REGEX]
# (default '.*VmTest$'; e.g. '.*IpvsBackendVmTest$' runs one class while iterating).
set -uo pipefail
run="$1"
pattern="${2:-.*VmTest\$}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cp="$(cat "$run/classpath")"
launcher="$(cat "$run/launcher")"
export SLUICE_VM=1

# C1 only: the tests are short and TCG makes C2 compilation expensive.
java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx1g -jar "$launcher" execute \
    --disable-banner --disable-ansi-colors --details=tree --include-engine=junit-jupiter \
    --class-path "$cp" --scan-classpath "$root/backends-ipvs/target/test-classes" \
    --include-classname "$pattern" \
    --reports-dir "$run/junit-reports" 2>&1 | tee "$run/junit.log"
rc=${PIPESTATUS[0]}

count() {
    local v
    v="$(sed -n "s/^.*\[ *\([0-9]*\) $1 *\].*$/\1/p" "$run/junit.log" | tail -1)"
    echo "${v:-0}"
}
passed="$(count "tests successful")"
# A failed container (e.g. a @BeforeAll) fails its tests without running them: count it as a failure too.
failed="$(( $(count "tests failed") + $(count "tests aborted") + $(count "containers failed") ))"
echo "$passed passed, $failed failed"
if [ "$rc" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
    exit 1
fi
