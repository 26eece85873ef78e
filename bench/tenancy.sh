#!/usr/bin/env bash
# What access checks cost the app list: GET /v2/apps on one assembled node (roles primary and controller,
# embedded Derby) holding APPS apps (stopped, created through the API) spread evenly over SPACES spaces in
# ORGS organizations, in one run on 127.0.0.1 (DIST: the tar.gz to run, by default the assembly's):
#   - as an admin, who sees every space: no filtering (the first page of 50 of all APPS apps);
#   - as a developer of one space: the caller's roles are read and the list is limited to the spaces it sees
#     (APPS / SPACES apps);
#   - GET /v2/info without a token: no database, no token, no roles; the floor of the HTTP stack;
#   - with BEFORE=<commit> (e.g. BEFORE=4682486, the last commit before organizations and spaces) or
#     BEFORE_DIST=<tar.gz of such a build): the same GET /v2/apps on that build, with the same APPS apps in its
#     one space, and its /v2/info, measured after the current node has stopped. BEFORE builds that commit
#     from `git archive` into the run's directory, with a copy of ~/.m2/repository as its Maven repository, so
#     neither the checkout nor ~/.m2 is touched (about 3 minutes more).
# Each figure is the median req/s of ROUNDS rounds of DURATION s with CONCURRENCY keep-alive connections (the
# targets interleaved round by round), and p50/p99 over all rounds; the load runs on the same machine as the
# node. Figures only, no assertions. Ports 24100-24299. Everything it starts is killed on exit, Ctrl-C included;
# the whole run stops by itself after MAX_SECONDS.
#
#   bench/tenancy.sh                       # APPS=1000 SPACES=20 ORGS=5 DURATION=10 ROUNDS=3 CONCURRENCY=4
#   BEFORE=4682486 bench/tenancy.sh        # and the same list before access checks
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
APPS=${APPS:-1000}
SPACES=${SPACES:-20}
ORGS=${ORGS:-5}
DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-3}
CONCURRENCY=${CONCURRENCY:-4}
MAX_SECONDS=${MAX_SECONDS:-1500}
BEFORE=${BEFORE:-}
BEFORE_DIST=${BEFORE_DIST:-}
VERSION=$(sed -n 's#^  <version>\(.*\)</version>#\1#p' "$ROOT/pom.xml" | head -1)
DIST=${DIST:-$ROOT/karaf-assembly/target/strato-$VERSION.tar.gz}
WORK=$(mktemp -d /tmp/strato-tenancy-bench.XXXXXX)
chmod 755 "$WORK"
PASSWORD=bench-password
WATCHDOG=

[ $((SPACES % ORGS)) = 0 ] || { echo "SPACES ($SPACES) must be a multiple of ORGS ($ORGS)" >&2; exit 2; }
[ $((APPS % SPACES)) = 0 ] || { echo "APPS ($APPS) must be a multiple of SPACES ($SPACES)" >&2; exit 2; }
for tool in curl jq java; do
    command -v "$tool" >/dev/null || { echo "bench/tenancy.sh needs $tool" >&2; exit 2; }
done

# node "now" on 241xx, node "before" on 242xx: ssh +1, http +2, cluster +3, rmi +4/+5
base() { case "$1" in now) echo 24100 ;; before) echo 24200 ;; esac; }
dir() { echo "$WORK/$1"; }

descendants() { # pid...: the pids and all their descendants
    local all=" $* " frontier=("$@") next p c
    while [ ${#frontier[@]} -gt 0 ]; do
        next=()
        for p in "${frontier[@]}"; do
            for c in $(ps -o pid= --ppid "$p" 2>/dev/null); do all+="$c "; next+=("$c"); done
        done
        frontier=("${next[@]}")
    done
    echo $all
}
kill_node() { # name: its Karaf JVM, the launcher script that started it, and their descendants
    local d jvm p roots=() pids
    d=$(dir "$1")
    [ -f "$d/karaf.pid" ] || return 0
    jvm=$(cat "$d/karaf.pid")
    [ -d "/proc/$jvm" ] || return 0
    grep -qa "$d" "/proc/$jvm/cmdline" 2>/dev/null || return 0   # a pid reused by something else
    roots+=("$jvm")
    p=$(ps -o ppid= -p "$jvm" | tr -d ' ')
    grep -qa "$d/bin/karaf" "/proc/$p/cmdline" 2>/dev/null && roots+=("$p")
    pids=$(descendants "${roots[@]}")
    [ -n "$pids" ] && kill -9 $pids 2>/dev/null
    return 0
}

cleanup() {
    set +e
    [ -n "$WATCHDOG" ] && kill "$WATCHDOG" 2>/dev/null
    [ -n "${BUILD_PID:-}" ] && kill -- -"$BUILD_PID" 2>/dev/null
    for n in now before; do kill_node "$n"; done
    sleep 1
    for n in now before; do kill_node "$n"; done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

( trap 'kill $s 2>/dev/null; exit 0' TERM; sleep "$MAX_SECONDS" & s=$!; wait $s
  echo "bench/tenancy.sh: time limit of $MAX_SECONDS s reached, stopping" >&2; kill -TERM $$ ) &
WATCHDOG=$!

[ -f "$DIST" ] || (cd "$ROOT" && mvn -q -B install -DskipTests)
export JAVA_HOME=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}

log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }
die() {
    log "FAILED: $*"
    for n in now before; do
        [ -f "$(dir "$n")/data/log/karaf.log" ] || continue
        echo "--- $n data/log/karaf.log, last WARN/ERROR lines:" >&2
        grep -E '\| (WARN|ERROR) ' "$(dir "$n")/data/log/karaf.log" | tail -8 >&2
    done
    exit 1
}
kato() { # name command
    local d
    d=$(dir "$1")
    timeout 120 "$d/bin/client" -u admin -p "$(cat "$d/etc/strato-admin.password")" -a $(($(base "$1") + 1)) \
        -h 127.0.0.1 -r 3 -b <<<"$2" 2>&1 | sed 's/\x1b\[[0-9;]*m//g' || true
}
start_node() { # name dist
    local d b end
    d=$(dir "$1"); b=$(base "$1")
    mkdir -p "$d" && tar xzf "$2" -C "$d" --strip-components=1
    sed -i "s/^sshPort *=.*/sshPort = $((b + 1))/" "$d/etc/org.apache.karaf.shell.cfg"
    sed -i "s/^rmiRegistryPort *=.*/rmiRegistryPort = $((b + 4))/; s/^rmiServerPort *=.*/rmiServerPort = $((b + 5))/" \
        "$d/etc/org.apache.karaf.management.cfg"
    sed -i "s/^org.osgi.service.http.port *=.*/org.osgi.service.http.port = $((b + 2))/" "$d/etc/org.ops4j.pax.web.cfg"
    sed -i "s#<port auto-increment=\"false\">5701</port>#<port auto-increment=\"false\">$((b + 3))</port>#" "$d/etc/hazelcast.xml"
    sed -i "s/^karaf.name *=.*/karaf.name = $1/" "$d/etc/system.properties"
    "$d/bin/start"
    end=$((SECONDS + 300))
    until [ -f "$d/etc/strato-admin.password" ] && kato "$1" "kato:status" | grep -q "(READY)"; do
        [ $SECONDS -lt $end ] || die "$1 not READY within 300 s"
        sleep 1
    done
    kato "$1" "kato:role-add primary controller" | grep -q "Added roles" || die "$1: kato:role-add primary controller"
    end=$((SECONDS + 120))
    until curl -sf "http://127.0.0.1:$((b + 2))/v2/info" >/dev/null; do
        [ $SECONDS -lt $end ] || die "$1: no /v2/info within 120 s"
        sleep 0.5
    done
}
token() { # name user
    curl -sf -u cf: --data-urlencode grant_type=password --data-urlencode "username=$2" \
        --data-urlencode "password=$PASSWORD" "http://127.0.0.1:$(($(base "$1") + 2))/oauth/token" | jq -er .access_token \
        || die "$1: no token for $2"
}
api() { # name token method path [body]: prints the body; fails on an HTTP error
    local out code
    out=$(curl -s -w '\n%{http_code}' -X "$3" -H "Authorization: bearer $2" -H 'Content-Type: application/json' \
        ${5:+--data "$5"} "http://127.0.0.1:$(($(base "$1") + 2))$4")
    code=${out##*$'\n'}
    [ "${code:0:1}" = 2 ] || die "$1: $3 $4 answered $code: ${out%$'\n'*}"
    echo "${out%$'\n'*}"
}
create_apps() { # name token count space_guid(empty: the request names none) prefix: POST /v2/apps, 4 at a time
    local url=http://127.0.0.1:$(($(base "$1") + 2))/v2/apps
    seq 1 "$3" | xargs -P 4 -I{} sh -c 'code=$(curl -s -o /dev/null -w "%{http_code}" -X POST \
            -H "Authorization: bearer $0" -H "Content-Type: application/json" --data "$1" "$2")
        [ "$code" = 201 ] || { echo "POST /v2/apps answered $code" >&2; exit 255; }' \
        "$2" "{\"name\":\"$5-{}\"${4:+,\"space_guid\":\"$4\"}}" "$url" || die "$1: creating apps"
}

# --- the "before" build, when asked: from git archive, with its own copy of the Maven repository
if [ -n "$BEFORE" ] && [ -z "$BEFORE_DIST" ]; then
    log "building $BEFORE (git archive, its own Maven repository) in $WORK/before-src"
    mkdir -p "$WORK/before-src"
    git -C "$ROOT" archive "$BEFORE" | tar x -C "$WORK/before-src"
    cp -a "${MAVEN_REPO:-$HOME/.m2/repository}" "$WORK/before-m2"
    set -m
    (cd "$WORK/before-src" && mvn -o -q -B install -DskipTests -Dmaven.repo.local="$WORK/before-m2" -pl karaf-assembly -am \
        > "$WORK/before-build.log" 2>&1) & BUILD_PID=$!
    set +m
    wait "$BUILD_PID" || { tail -30 "$WORK/before-build.log" >&2; die "building $BEFORE"; }
    BUILD_PID=
    BEFORE_DIST=$(ls "$WORK"/before-src/karaf-assembly/target/strato-*.tar.gz)
    rm -rf "$WORK/before-m2"
fi

# --- the current build: ORGS organizations, SPACES spaces, APPS apps, an admin and one space's developer
log "starting the node ($DIST)"
start_node now "$DIST"
kato now "kato:user-add --admin --password $PASSWORD bench" | grep -q added || die "kato:user-add bench"
kato now "kato:user-add --password $PASSWORD developer" | grep -q added || die "kato:user-add developer"
ADMIN=$(token now bench)
per_org=$((SPACES / ORGS)); per_space=$((APPS / SPACES))
log "creating $ORGS organizations, $SPACES spaces and $APPS apps"
first_space=
for o in $(seq 1 "$ORGS"); do
    org=$(api now "$ADMIN" POST /v2/organizations "{\"name\":\"org-$o\"}" | jq -r .metadata.guid)
    for s in $(seq 1 "$per_org"); do
        space=$(api now "$ADMIN" POST /v2/spaces "{\"name\":\"space-$s\",\"organization_guid\":\"$org\"}" | jq -r .metadata.guid)
        if [ -z "$first_space" ]; then
            first_space=$space
            api now "$ADMIN" PUT "/v2/organizations/$org/users" '{"username":"developer"}' >/dev/null
            api now "$ADMIN" PUT "/v2/spaces/$space/developers" '{"username":"developer"}' >/dev/null
        fi
        create_apps now "$ADMIN" "$per_space" "$space" "app-$o-$s"
    done
done
DEVELOPER=$(token now developer)
seen_admin=$(api now "$ADMIN" GET /v2/apps | jq -r .total_results)
seen_dev=$(api now "$DEVELOPER" GET /v2/apps | jq -r .total_results)
[ "$seen_admin" = "$APPS" ] && [ "$seen_dev" = "$per_space" ] \
    || die "the admin sees $seen_admin apps (expected $APPS), the developer $seen_dev (expected $per_space)"

NOW_API=http://127.0.0.1:$(($(base now) + 2))
printf '%s\t%s\t%s\n' \
    "GET /v2/info, no token" "$NOW_API/v2/info" - \
    "GET /v2/apps, admin ($APPS apps)" "$NOW_API/v2/apps" "$ADMIN" \
    "GET /v2/apps, developer of 1 space ($per_space)" "$NOW_API/v2/apps" "$DEVELOPER" > "$WORK/now.targets"
log "measuring: $ROUNDS rounds of $DURATION s per target, $CONCURRENCY connections"
java "$ROOT/bench/TenancyLoad.java" "$WORK/now.targets" "$DURATION" "$ROUNDS" "$CONCURRENCY" | tee "$WORK/now.out"

# --- before access checks, on the same machine, once the current node is gone
if [ -n "$BEFORE_DIST" ]; then
    kill_node now
    log "starting the node before access checks ($BEFORE_DIST)"
    start_node before "$BEFORE_DIST"
    kato before "kato:user-add --admin --password $PASSWORD bench" | grep -q added || die "before: kato:user-add bench"
    OLD=$(token before bench)
    log "creating $APPS apps"
    create_apps before "$OLD" "$APPS" "" app
    seen_old=$(api before "$OLD" GET /v2/apps | jq -r .total_results)
    [ "$seen_old" = "$APPS" ] || die "before: $seen_old apps listed, expected $APPS"
    OLD_API=http://127.0.0.1:$(($(base before) + 2))
    printf '%s\t%s\t%s\n' \
        "before: GET /v2/info, no token" "$OLD_API/v2/info" - \
        "before: GET /v2/apps ($APPS apps)" "$OLD_API/v2/apps" "$OLD" > "$WORK/before.targets"
    log "measuring the build before access checks"
    java "$ROOT/bench/TenancyLoad.java" "$WORK/before.targets" "$DURATION" "$ROUNDS" "$CONCURRENCY"
fi
