#!/usr/bin/env bash
# Every performance figure of Strato in one run, each against its reference on the same machine in the
# same run, printed as one table (figure, Strato, reference, ratio, goal, met). See docs/performance.md.
#   - plain Apache Karaf of the same version (from Maven Central): idle RSS, the reference of a base node;
#   - one assembled Strato node: boot to READY, idle RSS as a base node, `kato:role-add micro-cloud`, then
#     the micro cloud's Karaf JVM RSS 1 min after that, right after the load below and 1 min after it;
#   - 1,000 apps created through the API, GET /v2/apps (50 per page) and GET /v2/apps/:guid with wrk -c50;
#   - `strato push` (the CLI from cli/target, run by its launcher) of a Node.js app without dependencies, to the first 200
#     through the router and to the CLI's exit, against `node server.js` to its first 200;
#   - the router against nginx (1 worker, and worker_processes auto) in front of the same app instance,
#     and the instance alone, with wrk at 50 and 1,000 connections: req/s, p99 and CPU per 1,000 requests
#     (/proc/<pid>/stat: the Karaf JVM against nginx's master and workers);
#   - the instance's /v2/apps/:guid/stats under load.
# Before the rounds, each Strato load runs in 5-s runs until its rate stops rising (two runs in a row) (the JVM compiling what
# the load runs; STEADY_MAX s at most); the notes say how long that took and the first 5 s's rate.
# Loads run interleaved, RUNS rounds of DURATION s each; the table shows medians. Ports 23000-23099
# (below the ephemeral range that outgoing connections take ports from; PORT_BASE moves them).
# Everything it starts is stopped on exit, Ctrl-C included; the run stops by itself after MAX_SECONDS.
#
#   bench/all.sh                  # RUNS=3 DURATION=10 IDLE=60: about 15 minutes on 2 shared cores
#   QUICK=1 bench/all.sh          # RUNS=1 DURATION=5 IDLE=30 BASE_IDLE=10 STEADY_MAX=30: one round, about 6 minutes
#   bench/all.sh --markdown       # the table (and the machine) in Markdown, as in docs/performance.md
#   MVN_ARGS=-Dmaven.repo.local=/path bench/all.sh   # Maven options for fetching plain Karaf
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/bench/lib.sh"

MARKDOWN=0
for arg in "$@"; do
    case "$arg" in
        --markdown) MARKDOWN=1 ;;
        *) echo "usage: bench/all.sh [--markdown]" >&2; exit 2 ;;
    esac
done
if [ "${QUICK:-0}" = 1 ]; then
    RUNS=${RUNS:-1} DURATION=${DURATION:-5} IDLE=${IDLE:-30} BASE_IDLE=${BASE_IDLE:-10} STEADY_MAX=${STEADY_MAX:-30}
fi
RUNS=${RUNS:-3}
DURATION=${DURATION:-10}     # seconds of each wrk run
WARMUP=${WARMUP:-3}          # seconds of one unmeasured wrk run per target before the rounds
STEADY_MAX=${STEADY_MAX:-120} # most seconds of 5-s runs per Strato target until its rate stops rising (the JIT)
IDLE=${IDLE:-60}             # seconds of idling before the micro cloud's RSS is read
BASE_IDLE=${BASE_IDLE:-20}   # seconds of idling before a base node's and plain Karaf's RSS is read
APPS=${APPS:-1000}
MAX_SECONDS=${MAX_SECONDS:-1500}
read -r -a MVN_ARGS <<<"${MVN_ARGS:-}"

VERSION=$(sed -n 's#^  <version>\(.*\)</version>#\1#p' "$ROOT/pom.xml" | head -1)
KARAF_VERSION=$(sed -n 's#.*<karaf.version>\(.*\)</karaf.version>.*#\1#p' "$ROOT/pom.xml")
DIST=${DIST:-$ROOT/karaf-assembly/target/strato-$VERSION.tar.gz}
CLI_JAR=$ROOT/cli/target/strato-cli-$VERSION.jar
export JAVA_HOME=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}

# PORT_BASE (23000) + the offsets: Strato node: ssh +1, http +2, cluster +3, rmi +4/+5, router +6, data services
# +40..+59, instances +60..+99. Plain Karaf: ssh +11, rmi +14/+15. nginx +20 (1 worker) and +21 (auto),
# `node server.js` +30.
PB=${PORT_BASE:-23000}
SSH=$((PB + 1)) HTTP=$((PB + 2)) ROUTER=$((PB + 6)) K_SSH=$((PB + 11)) NGINX1=$((PB + 20)) NGINXN=$((PB + 21)) FLOOR=$((PB + 30))
API=http://127.0.0.1:$HTTP
PASSWORD=bench-password
HZ=$(getconf CLK_TCK)

WORK=$(mktemp -d /tmp/strato-all-bench.XXXXXX)
chmod 755 "$WORK"   # app instances and data servers run as their own users and must reach their directories
S=$WORK/strato K=$WORK/karaf
PIDS=() WATCHDOG=

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
kill_karaf() { # dir: its Karaf JVM, the launcher script that started it, and their descendants
    local jvm p roots=() pids
    [ -f "$1/karaf.pid" ] || return 0
    jvm=$(cat "$1/karaf.pid")
    [ -d "/proc/$jvm" ] && grep -qa "$1" "/proc/$jvm/cmdline" 2>/dev/null || return 0   # gone, or a reused pid
    roots+=("$jvm")
    p=$(ps -o ppid= -p "$jvm" | tr -d ' ')
    grep -qa "$1/bin/karaf" "/proc/$p/cmdline" 2>/dev/null && roots+=("$p")
    pids=$(descendants "${roots[@]}")
    [ -n "$pids" ] && kill -9 $pids 2>/dev/null
    return 0
}
cleanup() {
    set +e
    [ -n "$WATCHDOG" ] && kill "$WATCHDOG" 2>/dev/null
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
    for dir in "$S" "$K"; do kill_karaf "$dir"; done
    sleep 1
    for dir in "$S" "$K"; do kill_karaf "$dir"; done
    for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null; done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

( trap 'kill $s 2>/dev/null; exit 0' TERM; sleep "$MAX_SECONDS" & s=$!; wait $s
  echo "bench/all.sh: time limit of $MAX_SECONDS s reached, stopping" >&2; kill -TERM $$ ) &
WATCHDOG=$!

now() { echo "$EPOCHREALTIME"; }
since() { echo "$(now) - $1" | bc; }
log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }
fig() { printf "%.${2:-0}f" "$1"; }
die() {
    log "FAILED: $*"
    if [ -f "$S/data/log/karaf.log" ]; then
        echo "--- data/log/karaf.log of the Strato node, last WARN/ERROR lines:" >&2
        grep -E '\| (WARN|ERROR) ' "$S/data/log/karaf.log" | tail -8 >&2
    fi
    exit 1
}

bench_require nginx wrk curl jq bc || exit 1
command -v node >/dev/null || { echo "bench/all.sh needs Node.js (node) for the app" >&2; exit 1; }
for port in $SSH $HTTP $((PB + 3)) $((PB + 4)) $((PB + 5)) $ROUTER $K_SSH $((PB + 14)) $((PB + 15)) $NGINX1 $NGINXN $FLOOR; do
    port_open "$port" && { echo "port $port is in use: bench/all.sh needs ports $PB-$((PB + 99)) (PORT_BASE)" >&2; exit 1; }
done
[ -f "$DIST" ] && [ -f "$CLI_JAR" ] || (cd "$ROOT" && mvn -q -B "${MVN_ARGS[@]}" install -DskipTests)
log "fetching Apache Karaf $KARAF_VERSION"
mvn -q -B "${MVN_ARGS[@]}" dependency:copy -Dartifact="org.apache.karaf:apache-karaf:$KARAF_VERSION:tar.gz" \
    -DoutputDirectory="$WORK" >"$WORK/mvn.log" 2>&1 || { cat "$WORK/mvn.log" >&2; die "fetching apache-karaf $KARAF_VERSION"; }

MACHINE=$(machine_description)
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
git -C "$ROOT" diff --quiet HEAD 2>/dev/null || COMMIT="$COMMIT (with uncommitted changes)"
log "Strato $VERSION at commit $COMMIT"
while read -r line; do log "$line"; done <<<"$MACHINE"
log "load average: $LOAD_START"

set_cfg() { # file key value: sets the key, adding it (or the file) when missing
    if [ -f "$1" ] && grep -q "^$2 *=" "$1"; then
        sed -i "s|^$2 *=.*|$2 = $3|" "$1"
    else
        echo "$2 = $3" >>"$1"
    fi
}
karaf_ports() { # dir ssh: ssh, rmi +3/+4, http +1, cluster +2
    set_cfg "$1/etc/org.apache.karaf.shell.cfg" sshPort "$2"
    set_cfg "$1/etc/org.apache.karaf.management.cfg" rmiRegistryPort $(($2 + 3))
    set_cfg "$1/etc/org.apache.karaf.management.cfg" rmiServerPort $(($2 + 4))
    set_cfg "$1/etc/org.ops4j.pax.web.cfg" org.osgi.service.http.port $(($2 + 1))
    [ -f "$1/etc/hazelcast.xml" ] &&
        sed -i "s#<port auto-increment=\"false\">5701</port>#<port auto-increment=\"false\">$(($2 + 2))</port>#" "$1/etc/hazelcast.xml"
    return 0
}
kato() {
    timeout 300 "$S/bin/client" -u admin -p "$(cat "$S/etc/strato-admin.password")" -a $SSH -h 127.0.0.1 -r 3 -b <<<"$1" 2>&1 |
        sed 's/\x1b\[[0-9;]*m//g' || true
}
# the CLI jar of cli/target, run by its launcher (bin/strato of the distribution) as users run it
mkdir -p "$WORK/cli-bin" && cp "$ROOT/cli/src/main/dist/strato" "$WORK/cli-bin/strato" && ln -s "$CLI_JAR" "$WORK/cli-bin/"
strato() { (cd "$APP" && timeout 300 bash "$WORK/cli-bin/strato" "$@"); }
export STRATO_HOME=$WORK/cli

# --- plain Karaf: boot, idle RSS
log "plain Karaf $KARAF_VERSION: boot, then ${BASE_IDLE} s idle"
mkdir -p "$K" && tar xzf "$WORK"/apache-karaf-*.tar.gz -C "$K" --strip-components=1
karaf_ports "$K" $K_SSH
printf '%s\n' 'karaf = karaf,_g_:admingroup' '_g_\:admingroup = group,admin,manager,viewer,systembundles,ssh' >>"$K/etc/users.properties"
t=$(now); "$K/bin/start"
end=$((SECONDS + 120))
until echo "bundle:list -t 0 | head -1" | "$K/bin/client" -u karaf -p karaf -a $K_SSH -r 1 -b >/dev/null 2>&1; do
    [ $SECONDS -lt $end ] || die "plain Karaf's shell does not answer within 120 s"
    sleep 0.2
done
karaf_boot=$(since "$t"); sleep "$BASE_IDLE"; karaf_rss=$(rss_mb "$(cat "$K/karaf.pid")")
kill_karaf "$K"

# --- the Strato node: base, then micro cloud
log "Strato node: boot to READY, then ${BASE_IDLE} s idle"
mkdir -p "$S" && tar xzf "$DIST" -C "$S" --strip-components=1
karaf_ports "$S" $SSH
set_cfg "$S/etc/system.properties" karaf.name bench
set_cfg "$S/etc/io.strato.router.cfg" port $ROUTER
set_cfg "$S/etc/io.strato.dea.cfg" portRange $((PB + 60))-$((PB + 99))
# data services are placed before their roles exist: the features keep an existing .cfg
set_cfg "$S/etc/io.strato.service.postgresql.cfg" port $((PB + 40))
set_cfg "$S/etc/io.strato.service.mysql.cfg" port $((PB + 41))
set_cfg "$S/etc/io.strato.service.rabbit.cfg" port $((PB + 42))
set_cfg "$S/etc/io.strato.service.redis.cfg" portFirst $((PB + 43))
set_cfg "$S/etc/io.strato.service.redis.cfg" portLast $((PB + 49))
set_cfg "$S/etc/io.strato.service.mongodb.cfg" portFirst $((PB + 50))
set_cfg "$S/etc/io.strato.service.mongodb.cfg" portLast $((PB + 59))
t=$(now); "$S/bin/start"
end=$((SECONDS + 300))
until [ -f "$S/etc/strato-admin.password" ] && kato "kato:status" | grep -q "(READY)"; do
    [ $SECONDS -lt $end ] || die "the Strato node is not READY within 300 s"
    sleep 0.2
done
strato_boot=$(since "$t"); sleep "$BASE_IDLE"
JVM=$(cat "$S/karaf.pid")
base_rss=$(rss_mb "$JVM")

log "kato:role-add micro-cloud"
t=$(now); kato "kato:role-add micro-cloud" | grep -q "Added roles" || die "kato:role-add micro-cloud"
roles_time=$(since "$t")
kato "kato:user-add --admin --password $PASSWORD bench" | grep -q added || die "kato:user-add bench"
end=$((SECONDS + 120))
until curl -sf "$API/v2/info" >/dev/null && port_open $ROUTER; do
    [ $SECONDS -lt $end ] || die "no /v2/info or router within 120 s of kato:role-add"
    sleep 0.5
done
log "micro cloud: ${IDLE} s idle"
sleep "$IDLE"; idle_rss=$(rss_mb "$JVM")

token() {
    curl -sf -u cf: --data-urlencode grant_type=password --data-urlencode username=bench \
        --data-urlencode "password=$PASSWORD" "$API/oauth/token" | jq -er .access_token || die "no token for bench"
}
api() { # method path [body]: prints the body; fails on an HTTP error
    local out code
    out=$(curl -s -w '\n%{http_code}' -X "$1" -H "Authorization: bearer $TOKEN" -H 'Content-Type: application/json' \
        ${3:+--data "$3"} "$API$2")
    code=${out##*$'\n'}
    [ "${code:0:1}" = 2 ] || die "$1 $2 answered $code: ${out%$'\n'*}"
    echo "${out%$'\n'*}"
}
TOKEN=$(token)

# --- 1,000 apps through the API, 8 requests at a time
org=$(api POST /v2/organizations '{"name":"bench"}' | jq -r .metadata.guid)
space=$(api POST /v2/spaces "{\"name\":\"bench\",\"organization_guid\":\"$org\"}" | jq -r .metadata.guid)
log "creating $APPS apps"
t=$(now)
seq 1 "$APPS" | xargs -P 8 -I{} sh -c 'code=$(curl -s -o /dev/null -w "%{http_code}" -X POST \
        -H "Authorization: bearer $0" -H "Content-Type: application/json" --data "$1" "$2")
    [ "$code" = 201 ] || { echo "POST /v2/apps answered $code" >&2; exit 255; }' \
    "$TOKEN" "{\"name\":\"listed-{}\",\"space_guid\":\"$space\"}" "$API/v2/apps" || die "creating apps"
create_time=$(since "$t")
listed=$(api GET "/v2/apps?results-per-page=50")
[ "$(jq -r .total_results <<<"$listed")" -ge "$APPS" ] && [ "$(jq '.resources | length' <<<"$listed")" = 50 ] ||
    die "GET /v2/apps does not list $APPS apps 50 per page: $(jq -c '{total_results, total_pages}' <<<"$listed")"
ONE=$(jq -r '.resources[0].metadata.guid' <<<"$listed")

# --- push to first 200 and to the CLI's exit, interleaved with `node server.js` to first 200
APP=$WORK/app; mkdir -p "$APP"
echo '{"name":"bench","version":"1.0.0","scripts":{"start":"node server.js"}}' >"$APP/package.json"
echo "require('http').createServer((q, s) => s.end('ok')).listen(process.env.PORT)" >"$APP/server.js"
strato target "$API" >/dev/null || die "strato target"
strato login --username bench --password "$PASSWORD" >/dev/null || die "strato login"
strato target -o bench -s bench >/dev/null || die "strato target -o bench -s bench"
code_of() { curl -s -m 2 -o /dev/null -w '%{http_code}' "$@" 2>/dev/null || true; }
pushes=() exits=() floors=()
for i in $(seq 1 "$RUNS"); do
    log "push $i of $RUNS"
    rm -f "$WORK/push.done"
    t=$(now)
    ( rc=0; strato push "bench-$i" >"$WORK/push-$i.log" 2>&1 || rc=$?; echo "$rc $(now)" >"$WORK/push.done" ) &
    first= end=$((SECONDS + 300))
    until [ -n "$first" ] && [ -f "$WORK/push.done" ]; do
        [ $SECONDS -lt $end ] || die "push $i: no 200 through the router and CLI exit within 300 s"
        if [ -f "$WORK/push.done" ] && [ "$(cut -d' ' -f1 "$WORK/push.done")" != 0 ]; then
            cat "$WORK/push-$i.log" >&2; die "strato push bench-$i failed"
        fi
        if [ -z "$first" ] && [ "$(code_of -H "Host: bench-$i.localhost" "http://127.0.0.1:$ROUTER/")" = 200 ]; then
            first=$(since "$t")
        fi
        sleep 0.01
    done
    read -r _ done_at <"$WORK/push.done"
    pushes+=("$first") exits+=("$(echo "$done_at - $t" | bc)")

    t=$(now)
    (cd "$APP" && PORT=$FLOOR exec node server.js) & pid=$!
    until [ "$(code_of "http://127.0.0.1:$FLOOR/")" = 200 ]; do sleep 0.01; done
    floors+=("$(since "$t")"); kill "$pid"; wait "$pid" 2>/dev/null || true
done
for i in $(seq 2 "$RUNS"); do strato delete "bench-$i" --force >/dev/null || die "strato delete bench-$i"; done

# --- the router, nginx and the instance alone, interleaved
guid=$(api GET "/v2/apps?q=name:bench-1" | jq -r '.resources[0].metadata.guid')
stats=$(api GET "/v2/apps/$guid/stats")
INSTANCE=$(jq -r '.["0"].stats | "\(.host):\(.port)"' <<<"$stats")
HOST=bench-1.localhost
nginx_start() { # name port workers
    mkdir -p "$WORK/$1"
    cat >"$WORK/$1/nginx.conf" <<NGINX
worker_processes $3;
worker_rlimit_nofile 8192;
daemon off;
pid $WORK/$1/nginx.pid;
error_log $WORK/$1/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    upstream app {
        server $INSTANCE;
        keepalive 1024;
    }
    server {
        listen 127.0.0.1:$2 reuseport backlog=4096;
        location / {
            proxy_pass http://app;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host \$host;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto \$scheme;
        }
    }
}
NGINX
    nginx -p "$WORK/$1" -c "$WORK/$1/nginx.conf" & PIDS+=($!)
    eval "${1^^}_PID=$!"
    wait_for_port "$2" "$1" || die "nginx $1 does not start"
}
nginx_start nginx1 $NGINX1 1
nginx_start nginxn $NGINXN auto
NGINX_WORKERS=$(pgrep -c -P "$NGINXN_PID")
[ "$(code_of -H "Host: $HOST" "http://127.0.0.1:$NGINX1/")" = 200 ] || die "nginx does not reach the instance at $INSTANCE"

mkdir -p "$WORK/wrk"
# key connections url ticks-of: runs wrk, keeps its output and the CPU ticks the proxy used meanwhile
load() {
    local key=$1 c=$2 url=$3 before after out
    shift 3
    out=$WORK/wrk/$key.$ROUND
    before=$("$@")
    wrk -t2 -c"$c" -d"${LOAD_SECONDS}s" --timeout 10s --latency ${LOAD_HOST:+-H "Host: $LOAD_HOST"} ${AUTH:+-H "Authorization: bearer $AUTH"} \
        "$url" >"$out.txt" 2>&1 || die "wrk $url: $(cat "$out.txt")"
    after=$("$@")
    echo $((after - before)) >"$out.cpu"
    [ "$(wrk_errors "$out.txt")" = 0 ] || log "warning: $key had $(wrk_errors "$out.txt") failed requests in round $ROUND"
}
none() { echo 0; }
# name connections url: loads a Strato target in runs of 5 s until two runs in a row are not 3 % faster
# than the best before them (the JVM has compiled what the load runs), STEADY_MAX s at most; notes the
# first run's rate and the time it took
WARMED=()
steady() {
    local name=$1 c=$2 url=$3 first="" best=0 flat=0 rate spent=0
    while [ "$spent" -lt "$STEADY_MAX" ] && [ "$flat" -lt 2 ]; do
        ROUND=steady LOAD_SECONDS=5 load steady "$c" "$url" none
        rate=$(wrk_rps "$WORK/wrk/steady.steady.txt") spent=$((spent + 5))
        first=${first:-$rate}
        if awk -v r="$rate" -v b="$best" 'BEGIN { exit !(r > b * 1.03) }'; then flat=0; else flat=$((flat + 1)); fi
        best=$(awk -v r="$rate" -v b="$best" 'BEGIN { print (r > b ? r : b) }')
    done
    WARMED+=("$name $(fig "$first") req/s in the first 5 s, steady after $spent s")
}
rps_of() { median $(for f in "$WORK"/wrk/"$1".[0-9]*.txt; do wrk_rps "$f"; done); }
p99_of() { median $(for f in "$WORK"/wrk/"$1".[0-9]*.txt; do wrk_p99_ms "$f"; done); }
cpu_of() { # ms of CPU per 1,000 requests
    median $(for f in "$WORK"/wrk/"$1".[0-9]*.txt; do
        echo "$(cat "${f%.txt}.cpu") $(wrk_requests "$f")" | awk -v hz="$HZ" '{ printf "%.2f\n", $1 * 1000 / hz / ($2 / 1000) }'
    done)
}
router_round() {
    load router-50 50 "http://127.0.0.1:$ROUTER/" proc_ticks "$JVM"
    load nginx1-50 50 "http://127.0.0.1:$NGINX1/" cpu_ticks "$NGINX1_PID"
    load nginxn-50 50 "http://127.0.0.1:$NGINXN/" cpu_ticks "$NGINXN_PID"
    load app-50 50 "http://$INSTANCE/" none
    load router-1000 1000 "http://127.0.0.1:$ROUTER/" proc_ticks "$JVM"
    load nginx1-1000 1000 "http://127.0.0.1:$NGINX1/" cpu_ticks "$NGINX1_PID"
}
log "router, nginx and the instance alone ($INSTANCE): warm-up, then $RUNS rounds of $DURATION s"
LOAD_HOST=$HOST
steady router 50 "http://127.0.0.1:$ROUTER/"
ROUND=warmup LOAD_SECONDS=$WARMUP router_round
LOADAVG_ROUTER=
for ROUND in $(seq 1 "$RUNS"); do
    LOAD_SECONDS=$DURATION router_round
    LOADAVG_ROUTER+="$(cut -d' ' -f1 /proc/loadavg) "
done

# the instance's stats, read while a light load runs through the router
wrk -t1 -c4 -d8s -H "Host: $HOST" "http://127.0.0.1:$ROUTER/" >/dev/null 2>&1 & load_pid=$! PIDS+=($!)
sleep 6
usage=$(api GET "/v2/apps/$guid/stats" | jq -c '.["0"].stats.usage')
wait "$load_pid" || true

# --- the API
LOAD_HOST=
TOKEN=$(token)
AUTH=$TOKEN
api_round() {
    load apps-50 50 "$API/v2/apps?results-per-page=50" none
    load app-get-50 50 "$API/v2/apps/$ONE" none
    load info-50 50 "$API/v2/info" none
}
log "the API: warm-up, then $RUNS rounds of $DURATION s"
steady "GET /v2/apps" 50 "$API/v2/apps?results-per-page=50"
steady "GET /v2/apps/:guid" 50 "$API/v2/apps/$ONE"
steady "GET /v2/info" 50 "$API/v2/info"
ROUND=warmup LOAD_SECONDS=$WARMUP api_round
LOADAVG_API=
for ROUND in $(seq 1 "$RUNS"); do
    LOAD_SECONDS=$DURATION api_round
    LOADAVG_API+="$(cut -d' ' -f1 /proc/loadavg) "
done
AUTH=
loaded_rss=$(rss_mb "$JVM")
log "micro cloud after the load: ${IDLE} s idle"
sleep "$IDLE"; after_rss=$(rss_mb "$JVM")

# --- the table
ROWS=()
row() { ROWS+=("$1"$'\t'"$2"$'\t'"$3"$'\t'"$4"$'\t'"$5"$'\t'"$6"); }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
holds() { awk -v v="$1" -v op="$2" -v g="$3" 'BEGIN { ok = op == "≥" ? v >= g : v <= g; print ok ? "yes" : "NO" }'; }
compare() { # figure strato reference op goal-ratio unit decimals: a goal on the ratio
    local r
    r=$(ratio "$2" "$3")
    row "$1" "$(fig "$2" "${7:-0}")${6:-}" "$(fig "$3" "${7:-0}")${6:-}" "$r" "$4 $5×" "$(holds "$r" "$4" "$5")"
}
absolute() { # figure strato reference op goal unit decimals: a goal on Strato's figure itself
    local ref=- r=-
    [ "$3" = - ] || { ref=$(fig "$3" "${7:-0}")${6:-}; r=$(ratio "$2" "$3"); }
    row "$1" "$(fig "$2" "${7:-0}")${6:-}" "$ref" "$r" "$4 $(fig "$5" "${7:-0}")${6:-}" "$(holds "$2" "$4" "$5")"
}
after() { [ "$IDLE" = 60 ] && echo "1 min" || echo "$IDLE s"; }
compare "router req/s, c=50 (nginx, 1 worker)" "$(rps_of router-50)" "$(rps_of nginx1-50)" "≥" 1.0
compare "router req/s, c=1000 (nginx, 1 worker)" "$(rps_of router-1000)" "$(rps_of nginx1-1000)" "≥" 1.0
compare "router req/s, c=50 (nginx, $NGINX_WORKERS workers)" "$(rps_of router-50)" "$(rps_of nginxn-50)" "≥" 1.0
compare "router p99, c=50 (nginx, $NGINX_WORKERS workers)" "$(p99_of router-50)" "$(p99_of nginxn-50)" "≤" 1.2 " ms" 2
compare "router CPU per 1,000 req, c=50 (nginx, 1 worker)" "$(cpu_of router-50)" "$(cpu_of nginx1-50)" "≤" 1.0 " ms" 1
compare "router CPU per 1,000 req, c=50 (nginx, $NGINX_WORKERS workers)" "$(cpu_of router-50)" "$(cpu_of nginxn-50)" "≤" 1.0 " ms" 1
absolute "GET /v2/apps (50 of $APPS apps), c=50" "$(rps_of apps-50)" - "≥" 2000 " req/s"
absolute "GET /v2/apps/:guid, c=50" "$(rps_of app-get-50)" - "≥" 8000 " req/s"
absolute "base node idle RSS (plain Karaf $KARAF_VERSION)" "$base_rss" "$karaf_rss" "≤" 380 " MB"
absolute "micro cloud RSS, $(after) after role-add" "$idle_rss" - "≤" 500 " MB"
absolute "micro cloud RSS, after the load above" "$loaded_rss" - "≤" 800 " MB"
absolute "micro cloud RSS, $(after) after the load" "$after_rss" - "≤" 600 " MB"
absolute "push to first 200 (node server.js to first 200)" "$(median "${pushes[@]}")" "$(median "${floors[@]}")" "≤" 1.0 " s" 2
absolute "push to CLI exit (node server.js to first 200)" "$(median "${exits[@]}")" "$(median "${floors[@]}")" "≤" 1.3 " s" 2
stats_met=$(jq -r 'if .cpu > 0 and .mem > 0 and .disk > 0 then "yes" else "NO" end' <<<"$usage")
row "instance stats under load: cpu, mem, disk" \
    "$(jq -r '"cpu \(.cpu * 100 | round)%, mem \(.mem / 1048576 | round) MB, disk \(.disk) B"' <<<"$usage")" \
    - - "all > 0" "$stats_met"

NOTES=(
    "instance alone (no proxy), c=50: $(fig "$(rps_of app-50)") req/s, p99 $(fig "$(p99_of app-50)" 2) ms"
    "nginx 1 worker, c=50: p99 $(fig "$(p99_of nginx1-50)" 2) ms; router c=50: p99 $(fig "$(p99_of router-50)" 2) ms"
    "GET /v2/info (no token, no database), c=50: $(fig "$(rps_of info-50)") req/s"
    "boot to READY: Strato base node $(fig "$strato_boot" 1) s, plain Karaf (shell answers) $(fig "$karaf_boot" 1) s"
    "kato:role-add micro-cloud: $(fig "$roles_time" 1) s; $APPS apps created in $(fig "$create_time" 1) s (8 at a time)"
    "push runs (to 200 / to exit, s): $(paste -d/ <(printf '%s\n' "${pushes[@]}") <(printf '%s\n' "${exits[@]}") |
        awk -F/ '{ printf "%s%.2f/%.2f", (NR > 1 ? ", " : ""), $1, $2 }')"
    "warm-up of the node's JVM (5-s runs, c=50, until two in a row are not 3 % faster than the best before them): $(IFS=';'; echo "${WARMED[*]}" | sed 's/;/; /g')"
    "load average: $LOAD_START at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end; 1 min average at the end of each round: router ${LOADAVG_ROUTER% }, API ${LOADAVG_API% }"
)
ROUNDS="$RUNS rounds of $DURATION s, medians"
[ "$RUNS" = 1 ] && ROUNDS="1 round of $DURATION s"
HEADER="Strato $VERSION at commit $COMMIT, $(date -u +'%Y-%m-%d %H:%M UTC'); wrk -t2, $ROUNDS"
if [ "$MARKDOWN" = 1 ]; then
    echo
    echo "$HEADER."
    echo
    while read -r line; do echo "- $line"; done <<<"$MACHINE"
    echo
    echo "| figure | Strato | reference | ratio | goal | met |"
    echo "|---|---:|---:|---:|---|---|"
    for r in "${ROWS[@]}"; do echo "| ${r//$'\t'/ | } |"; done
    echo
    for n in "${NOTES[@]}"; do echo "- $n"; done
else
    echo
    echo "$HEADER"
    echo "$MACHINE"
    echo
    printf '%-52s %30s %10s %6s %13s %4s\n' figure Strato reference ratio goal met
    for r in "${ROWS[@]}"; do
        IFS=$'\t' read -r a b c d e f <<<"$r"
        printf '%-52s %30s %10s %6s %13s %4s\n' "$a" "$b" "$c" "$d" "$e" "$f"
    done
    echo
    for n in "${NOTES[@]}"; do echo "$n"; done
fi
