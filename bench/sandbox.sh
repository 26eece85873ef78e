#!/usr/bin/env bash
# What the tenant sandbox costs an app instance, measured in one run, interleaved:
#   - start to first HTTP 200 of a Node.js server: bare `node server.js` (the floor) against the DEA's
#     sandbox (cgroups, prlimit, the app's own uid, bubblewrap namespaces, environment on a pipe);
#   - the memory the sandbox adds to an idle instance (resident memory of its processes besides the app).
# Needs root, node, a built api bundle (mvn install -DskipTests). Figures only, no assertions.
#   bench/sandbox.sh            # RUNS=10, port 23999
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-10}
PORT=${PORT:-23999}
API=$(ls "$ROOT"/bundles/api/target/strato-api-*.jar | grep -v sources | head -1)
WORK=$(mktemp -d "$ROOT/bench/.sandbox-bench.XXXXXX")   # not under /tmp, which the sandbox replaces
trap 'rm -rf "$WORK"' EXIT
java -cp "$API" "$ROOT/bench/SandboxBench.java" "$RUNS" "$WORK" "$PORT"
