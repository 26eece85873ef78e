#!/usr/bin/env bash
# Measures how fast Strato serves an app again after failures, with three assembled nodes on 127.0.0.1
# (node-1: primary, controller, health manager, stager, router; node-2 and node-3: DEAs):
#   - crash -> serving again: kill -9 the only instance of a Node.js app, time until the router answers
#     200 from a new pid (median, min and max of RUNS crashes; node-1's health manager is configured with
#     immediateRestarts = 1000 so that crash back-off never starts during the run);
#   - lost node -> serving again: kill -9 the Karaf process of the DEA node that runs the instance, with
#     every process of that node (as a crashed machine would lose them), time until the router serves the
#     app from the other DEA; then the same with 50 instances (64 MB each) spread over both DEAs: time until
#     no request fails any more, time until all 50 indexes answer from the surviving DEA, and how many
#     requests of a tight request loop failed in between;
#   - the floor: `PORT=... node server.js` to first 200 (median of RUNS), and the configured lost-DEA
#     timeout, so that detection and restart can be told apart.
# Figures only, no assertions. Ports 23000-23999. Everything it starts is killed on exit, Ctrl-C included;
# the whole run stops by itself after MAX_SECONDS. With KEEP_LOGS=1 (or after a timeout) the nodes' logs
# are kept in /tmp/strato-health-bench-logs.<pid>.
#
#   bench/health.sh              # RUNS=10, INSTANCES=50
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-10}
INSTANCES=${INSTANCES:-50}
MAX_SECONDS=${MAX_SECONDS:-1080}
VERSION=$(sed -n 's#^  <version>\(.*\)</version>#\1#p' "$ROOT/pom.xml" | head -1)
DIST=$ROOT/karaf-assembly/target/strato-$VERSION.tar.gz
WORK=$(mktemp -d /tmp/strato-health-bench.XXXXXX)
chmod 755 "$WORK"   # app instances run as their apps' uids and must reach their directories
LOGS=/tmp/strato-health-bench-logs.$$
ROUTER=23106        # node-1's router
FLOOR_PORT=23099
HM_IMMEDIATE=1000
KEEP=${KEEP_LOGS:-0}
WATCHDOG=

# node k: ssh 23k01, http 23k02, cluster 23k03, rmi 23k04/23k05; DEA instance ports 23400-23599 (node-2),
# 23600-23799 (node-3)
base() { echo $((23000 + 100 * $1)); }
dir() { echo "$WORK/node-$1"; }

descendants() { # pid...: the pids and all their descendants
    local all=" $* " frontier=("$@") next p
    while [ ${#frontier[@]} -gt 0 ]; do
        next=()
        for p in "${frontier[@]}"; do
            for c in $(ps -o pid= --ppid "$p" 2>/dev/null); do all+="$c "; next+=("$c"); done
        done
        frontier=("${next[@]}")
    done
    echo $all
}
node_pids() { # k: the Karaf launcher script, its JVM, their descendants, and whatever runs in the node's directory
    local d p jvm roots=()
    d=$(dir "$1")
    [ -f "$d/karaf.pid" ] && jvm=$(cat "$d/karaf.pid") && [ -d "/proc/$jvm" ] && roots+=("$jvm") &&
        p=$(ps -o ppid= -p "$jvm" | tr -d ' ') && grep -qa "$d/bin/karaf" "/proc/$p/cmdline" 2>/dev/null && roots+=("$p")
    for p in /proc/[0-9]*; do
        case "$(readlink "$p/cwd" 2>/dev/null)" in "$d"|"$d"/*) roots+=("${p#/proc/}") ;; esac
    done
    [ ${#roots[@]} -gt 0 ] && descendants "${roots[@]}"
    return 0
}
kill_node() { # k: kill -9 of the whole node at once
    local pids
    pids=$(node_pids "$1")
    [ -n "$pids" ] && kill -9 $pids 2>/dev/null
    return 0
}

cleanup() {
    set +e
    [ -n "$WATCHDOG" ] && kill "$WATCHDOG" 2>/dev/null
    [ -n "${FLOOR_PID:-}" ] && kill -9 "$FLOOR_PID" 2>/dev/null
    for k in 1 2 3; do kill_node "$k"; done
    sleep 1
    for k in 1 2 3; do kill_node "$k"; done
    if [ "$KEEP" = 1 ]; then
        mkdir -p "$LOGS"
        for k in 1 2 3; do cp "$(dir "$k")/data/log/karaf.log" "$LOGS/node-$k.karaf.log" 2>/dev/null; done
        echo "nodes' logs kept in $LOGS" >&2
    fi
    # the cgroups the DEAs of these nodes made for their instances (a killed DEA leaves them behind)
    for k in 2 3; do
        id=$(sed -n 's/^id *= *//p' "$(dir "$k")/etc/strato-node.properties" 2>/dev/null | sed 's/[^A-Za-z0-9_-]/_/g')
        [ -n "$id" ] || continue
        for c in /sys/fs/cgroup/*/strato-dea/"$id" /sys/fs/cgroup/strato-dea/"$id"; do
            [ -d "$c" ] && find "$c" -depth -type d -exec rmdir {} + 2>/dev/null
        done
    done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# stops the whole run after MAX_SECONDS, whatever it is waiting for
( trap 'kill $s 2>/dev/null; exit 0' TERM; sleep "$MAX_SECONDS" & s=$!; wait $s
  echo "bench/health.sh: time limit of $MAX_SECONDS s reached, stopping" >&2; kill -TERM $$ ) &
WATCHDOG=$!

[ -f "$DIST" ] || (cd "$ROOT" && mvn -q -B install -DskipTests)
export JAVA_HOME=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
export STRATO_HOME=$WORK/cli

now() { echo "$EPOCHREALTIME"; }
since() { echo "$(now) - $1" | bc; }
log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }
die() {
    KEEP=1
    log "FAILED: $*"
    for k in 1 2 3; do
        [ -f "$(dir "$k")/data/log/karaf.log" ] || continue
        echo "--- node-$k data/log/karaf.log, last WARN/ERROR lines:" >&2
        grep -E '\| (WARN|ERROR) ' "$(dir "$k")/data/log/karaf.log" | tail -8 >&2
    done
    exit 1
}
kato() { # k command
    local d
    d=$(dir "$1")
    timeout 120 "$d/bin/client" -u admin -p "$(cat "$d/etc/strato-admin.password")" -a $(($(base "$1") + 1)) \
        -h 127.0.0.1 -r 3 -b <<<"$2" 2>&1 | sed 's/\x1b\[[0-9;]*m//g' || true
}
wait_ready() { # k timeout
    local end=$((SECONDS + $2)) d
    d=$(dir "$1")
    until [ -f "$d/etc/strato-admin.password" ] && kato "$1" "kato:status" | grep -q "(READY)"; do
        [ $SECONDS -lt $end ] || die "node-$1 not READY within $2 s"
        sleep 1
    done
}
strato() { (cd "$APP" && timeout 400 "$(dir 1)/bin/strato" "$@"); }

# one request through the router: sets CODE, IDX, NODE, PID (an id the instance's process drew at start: in its
# sandbox's pid namespace its own pid says nothing) and PORT (empty when the answer is not an instance's)
get() {
    local out
    out=$(curl -s -m 5 -w ' %{http_code}' -H "Host: $1.localhost" "http://127.0.0.1:$ROUTER/" 2>/dev/null) || true
    CODE=${out##* } IDX= NODE= PID= PORT=
    if [[ $out =~ instance\ ([0-9]+)\ on\ (node-[0-9])\ id\ ([0-9a-f]+)\ port\ ([0-9]+) ]]; then
        IDX=${BASH_REMATCH[1]} NODE=${BASH_REMATCH[2]} PID=${BASH_REMATCH[3]} PORT=${BASH_REMATCH[4]}
    fi
}
# kill -9 of the process listening on a port (the host's view of an instance)
kill_listener() { ss -ltnpH "sport = :$1" | grep -o 'pid=[0-9]*' | cut -d= -f2 | xargs -r kill -9; }
declare -A PLACE
collect() { # app count timeout: fills PLACE (index -> node) once every index answered; fails on timeout
    local end=$((SECONDS + $3)) n=0
    PLACE=()
    while [ $SECONDS -lt "$end" ]; do
        get "$1"
        if [ "$CODE" = 200 ] && [ -n "$IDX" ]; then
            PLACE[$IDX]=$NODE; n=$((n + 1))
            [ ${#PLACE[@]} -ge "$2" ] && [ $n -ge $((3 * $2)) ] && return 0
        else
            sleep 0.2
        fi
    done
    return 1
}
count_on() { local n=0 i; for i in "${!PLACE[@]}"; do [ "${PLACE[$i]}" = "$1" ] && n=$((n + 1)); done; echo $n; }
log_time() { # k pattern: epoch seconds of the last line of node k's log matching pattern, after the epoch $3
    local line ts
    line=$(grep -E "$2" "$(dir "$1")/data/log/karaf.log" 2>/dev/null | tail -1) || true
    [ -n "$line" ] || return 0
    ts=$(date -d "$(cut -d'|' -f1 <<<"$line" | sed 's/T/ /; s/,/./')" +%s.%N 2>/dev/null) || return 0
    [ "$(echo "$ts > $3" | bc)" = 1 ] && echo "$ts"
    return 0
}
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
minimum() { printf '%s\n' "$@" | sort -n | head -1; }
maximum() { printf '%s\n' "$@" | sort -n | tail -1; }
fmt() { case "$1" in ''|timeout*|none*) echo "${1:--}" ;; *) printf '%.2f s' "$1" ;; esac; }

# --- three nodes
log "unpacking $DIST into three nodes under $WORK"
for k in 1 2 3; do
    d=$(dir "$k"); b=$(base "$k")
    mkdir -p "$d" && tar xzf "$DIST" -C "$d" --strip-components=1
    sed -i "s/^sshPort *=.*/sshPort = $((b + 1))/" "$d/etc/org.apache.karaf.shell.cfg"
    sed -i "s/^rmiRegistryPort *=.*/rmiRegistryPort = $((b + 4))/; s/^rmiServerPort *=.*/rmiServerPort = $((b + 5))/" \
        "$d/etc/org.apache.karaf.management.cfg"
    sed -i "s/^org.osgi.service.http.port *=.*/org.osgi.service.http.port = $((b + 2))/" "$d/etc/org.ops4j.pax.web.cfg"
    sed -i "s#<port auto-increment=\"false\">5701</port>#<port auto-increment=\"false\">$((b + 3))</port>#" "$d/etc/hazelcast.xml"
    sed -i "s/^karaf.name *=.*/karaf.name = node-$k/" "$d/etc/system.properties"
done
sed -i "s/^port *=.*/port = $ROUTER/" "$(dir 1)/etc/io.strato.router.cfg"
echo "immediateRestarts = $HM_IMMEDIATE" > "$(dir 1)/etc/io.strato.healthmanager.cfg"
# DEA capacity: memoryMb = 0 means 75% of the machine's memory; raise it where INSTANCES x 64 MB would not fit
need=$((INSTANCES * 64 + 64))
auto=$(( $(awk '/^MemTotal/ {print $2}' /proc/meminfo) / 1024 * 3 / 4 ))
for k in 2 3; do
    d=$(dir "$k")
    echo "portRange = $((23000 + 200 * k))-$((23199 + 200 * k))" >> "$d/etc/io.strato.dea.cfg"
    [ "$auto" -lt "$need" ] && echo "memoryMb = $need" >> "$d/etc/io.strato.dea.cfg"
done
dea_mb=$([ "$auto" -lt "$need" ] && echo "$need MB (raised: $INSTANCES x 64 MB must fit one DEA)" || echo "$auto MB (75% of the machine)")

log "starting node-1, node-2, node-3"
for k in 1 2 3; do "$(dir "$k")/bin/start"; done
for k in 1 2 3; do wait_ready "$k" 300; done
log "adding roles"
kato 1 "kato:role-add primary controller health-manager stager router" | grep -q "Added roles" || die "role-add on node-1"
kato 1 "kato:user-add --admin --password bench-password bench" >/dev/null
secret=$(kato 1 "kato:cluster-secret" | tr -d '[:space:]')
for k in 2 3; do
    kato "$k" "kato:node-attach --secret $secret 127.0.0.1:$(($(base 1) + 3))" | grep -q "Attached to cluster" \
        || die "node-$k did not attach"
    kato "$k" "kato:role-add dea" | grep -q "Added roles: dea" || die "role-add dea on node-$k"
done
end=$((SECONDS + 60))
until kato 1 "kato:status" | grep -q "3 node(s)"; do [ $SECONDS -lt $end ] || die "node-1 does not see 3 nodes"; sleep 1; done
hm_line=$(grep -h "Health manager started" "$(dir 1)/data/log/karaf.log" | tail -1 | sed 's/.*Health manager started: //')
lost_after=$(sed -n 's/.*DEAs are lost after \([0-9]*\) s.*/\1/p' <<<"$hm_line")
log "health manager: $hm_line"
sleep 3   # the DEAs' first advertisements

APP=$WORK/app; mkdir -p "$APP"
echo '{"name":"health","version":"1.0.0","scripts":{"start":"node server.js"}}' > "$APP/package.json"
# the instance's HOME lies under its node's directory, which names the node
cat > "$APP/server.js" <<'JS'
const app = JSON.parse(process.env.VCAP_APPLICATION || '{"instance_index":"?"}');
const node = ((process.env.HOME || '').match(/(node-\d)/) || ['?', '?'])[1];
const id = require('crypto').randomBytes(6).toString('hex');
require('http').createServer((q, s) => s.end(`instance ${app.instance_index} on ${node} id ${id} port ${process.env.PORT}\n`))
  .listen(process.env.PORT);
JS
strato target "http://127.0.0.1:$(($(base 1) + 2))" >/dev/null || die "strato target"
strato login --username bench --password bench-password >/dev/null || die "strato login"

# --- 1. crash -> serving again
log "pushing 'one' (1 instance, 64 MB)"
strato push one --instances 1 --mem 64M >"$WORK/push-one.log" 2>&1 || { cat "$WORK/push-one.log" >&2; die "push one"; }
collect one 1 120 || die "'one' does not answer through the router"
crashes=()
for i in $(seq 1 "$RUNS"); do
    get one; [ -n "$PID" ] || { collect one 1 60 && get one; }
    [ -n "$PID" ] || { crashes+=("timeout"); continue; }
    old=$PID
    t=$(now); kill_listener "$PORT"
    end=$((SECONDS + 60)) r=timeout
    while [ $SECONDS -lt $end ]; do
        get one
        if [ "$CODE" = 200 ] && [ -n "$PID" ] && [ "$PID" != "$old" ]; then r=$(since "$t"); break; fi
        sleep 0.02
    done
    [ "$r" = timeout ] && KEEP=1
    crashes+=("$r")
    log "crash $i: instance $old killed, a new instance serves after $(fmt "$r")"
done

# --- 2a. lost node, 1 instance
collect one 1 60 || die "'one' does not answer before the node kill"
victim=${PLACE[0]#node-}; survivor=$((5 - victim))
log "killing node-$victim (runs 'one' instance 0) with all its processes"
t=$(now); kill_node "$victim"
end=$((SECONDS + 120)) lost1=timeout fail1=0
while [ $SECONDS -lt $end ]; do
    get one
    if [ "$CODE" = 200 ] && [ "$NODE" = "node-$survivor" ]; then lost1=$(since "$t"); break; fi
    fail1=$((fail1 + 1)); sleep 0.02
done
[ "$lost1" = timeout ] && KEEP=1
d1=$(log_time 1 "DEA .* is lost" "$t"); detect1=${d1:+$(echo "$d1 - $t" | bc)}
log "'one' serves from node-$survivor after $(fmt "$lost1") (lost DEA declared after $(fmt "$detect1"))"

log "starting node-$victim again"
"$(dir "$victim")/bin/start"
wait_ready "$victim" 300
end=$((SECONDS + 60))
until kato 1 "kato:status" | grep -q "3 node(s)"; do [ $SECONDS -lt $end ] || die "node-$victim did not rejoin"; sleep 1; done
sleep 5   # its DEA's first advertisements

# --- 2b. lost node, INSTANCES instances
log "pushing 'many' ($INSTANCES instances, 64 MB each)"
strato push many --instances "$INSTANCES" --mem 64M >"$WORK/push-many.log" 2>&1 || { cat "$WORK/push-many.log" >&2; die "push many"; }
collect many "$INSTANCES" 300 || die "within 300 s only ${#PLACE[@]} of the $INSTANCES instances of 'many' answered"
on2=$(count_on node-2); on3=$(count_on node-3)
victim=3; [ "$on3" -ge "$on2" ] || victim=2; survivor=$((5 - victim))
placement="node-2: $on2, node-3: $on3"
log "placement of 'many': $placement; killing node-$victim with all its processes"
declare -A BACK=()
requests=0 failed=0 last_fail= all_back=
t=$(now); kill_node "$victim"
end=$((SECONDS + 240))
while [ $SECONDS -lt $end ]; do
    get many
    ts=$(now); requests=$((requests + 1))
    if [ "$CODE" = 200 ] && [ -n "$IDX" ]; then
        [ "$NODE" = "node-$survivor" ] && BACK[$IDX]=1
        [ -z "$all_back" ] && [ ${#BACK[@]} -ge "$INSTANCES" ] && all_back=$(echo "$ts - $t" | bc)
    else
        failed=$((failed + 1)); last_fail=$ts
    fi
    # done once all are back and nothing failed for 10 s
    if [ -n "$all_back" ] && [ "$(echo "$ts - ${last_fail:-0} > 10 && $ts - $t - $all_back > 10" | bc)" = 1 ]; then break; fi
done
loop_time=$(since "$t")
[ -n "$all_back" ] || { all_back="timeout (${#BACK[@]} of $INSTANCES back after $(printf %.0f "$loop_time") s)"; KEEP=1; }
no_fail=$([ -n "$last_fail" ] && echo "$last_fail - $t" | bc || echo "none")
d50=$(log_time 1 "DEA .* is lost" "$t"); detect50=${d50:+$(echo "$d50 - $t" | bc)}
log "'many': last failed request at $(fmt "$no_fail"), all $INSTANCES back at $(fmt "$all_back"); $failed of $requests requests failed"

# --- 3. the floor: the app started directly
floors=()
for i in $(seq 1 "$RUNS"); do
    t=$(now)
    (cd "$APP" && HOME=$WORK PORT=$FLOOR_PORT exec node server.js) & FLOOR_PID=$!
    end=$((SECONDS + 30)) r=timeout
    while [ $SECONDS -lt $end ]; do
        [ "$(curl -s -m 2 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$FLOOR_PORT/")" = 200 ] && { r=$(since "$t"); break; }
        sleep 0.01
    done
    floors+=("$r"); kill "$FLOOR_PID"; wait "$FLOOR_PID" 2>/dev/null || true; FLOOR_PID=
done

# --- results
ok=(); for r in "${crashes[@]}"; do [ "$r" = timeout ] || ok+=("$r"); done
to=$(( ${#crashes[@]} - ${#ok[@]} ))
echo
echo "Strato $VERSION, 3 nodes on 127.0.0.1 ($(nproc) CPUs, shared); router on node-1"
echo "health manager on node-1: $hm_line"
echo "  (etc/io.strato.healthmanager.cfg on node-1: immediateRestarts = $HM_IMMEDIATE, so crash back-off never starts here)"
echo "DEA capacity per node: $dea_mb; DEAs advertise every 3 s, routes live 10 s without refresh"
echo
printf '%-58s %10s %10s %10s\n' "" "median" "min" "max"
if [ ${#ok[@]} -gt 0 ]; then
    printf '%-58s %10s %10s %10s\n' "crash (kill -9 instance) -> 200 from a new pid, $RUNS runs" \
        "$(fmt "$(median "${ok[@]}")")" "$(fmt "$(minimum "${ok[@]}")")" "$(fmt "$(maximum "${ok[@]}")")"
fi
[ "$to" -gt 0 ] && echo "  $to of $RUNS crashes: no new pid served within 60 s"
printf '%-58s %10s %10s %10s\n' "floor: PORT=... node server.js -> first 200, $RUNS runs" \
    "$(fmt "$(median "${floors[@]}")")" "$(fmt "$(minimum "${floors[@]}")")" "$(fmt "$(maximum "${floors[@]}")")"
echo
printf '%-58s %10s\n' "configured lost-DEA timeout (deaLostAfterSeconds)" "${lost_after:-?} s"
printf '%-58s %10s\n' "lost node, 1 instance: -> 200 from the other DEA" "$(fmt "$lost1")"
printf '%-58s %10s\n' "  lost DEA declared by the health manager after" "$(fmt "$detect1")"
[ -n "$detect1" ] && [ "$lost1" != timeout ] &&
    printf '%-58s %10s\n' "  from then on to 200 (restart)" "$(fmt "$(echo "$lost1 - $detect1" | bc)")"
printf '%-58s %10s\n' "  failed requests meanwhile (sequential, 20 ms apart)" "$fail1"
echo "lost node, $INSTANCES instances ($placement): killed node-$victim"
printf '%-58s %10s\n' "  -> last failed request" "$(fmt "$no_fail")"
printf '%-58s %10s\n' "  -> all $INSTANCES indexes answer from node-$survivor" "$(fmt "$all_back")"
printf '%-58s %10s\n' "  lost DEA declared by the health manager after" "$(fmt "$detect50")"
[ -n "$detect50" ] && [[ $all_back != timeout* ]] &&
    printf '%-58s %10s\n' "  from then on to all $INSTANCES answering (restart)" "$(fmt "$(echo "$all_back - $detect50" | bc)")"
printf '%-58s %10s\n' "  failed requests of a tight loop (failed / sent)" "$failed / $requests"
echo
echo "A DEA is declared lost deaLostAfterSeconds after its advertisement last changed; it advertises every"
echo "3 s, so detection takes deaLostAfterSeconds to deaLostAfterSeconds + 3 s (read from node-1's log)."
echo "Times run from the kill -9 to the first request that saw the result. A killed node's ports refuse"
echo "connections at once on 127.0.0.1, so the router retries another instance at once; a machine that"
echo "vanished from the network would make it wait up to backendConnectTimeoutMs instead."
