#!/usr/bin/env bash
# Measures the Strato router against nginx, both as reverse proxies with keep-alive connections to
# the same app instance, under the same wrk load. Everything runs on 127.0.0.1 and is stopped on exit.
#
#   bench/router.sh                 # defaults: wrk -t2 -c50 -d10s after a 5 s warm-up, 3 runs each, interleaved
#   THREADS=4 CONNECTIONS=200 DURATION=30s RUNS=5 bench/router.sh
#   NGINX_WORKERS=auto bench/router.sh            # nginx with one worker per core (default: one worker)
#   MVN="mvn -o -Dmaven.repo.local=/path/to/repo" bench/router.sh
#
# It prints the median of the runs: requests per second, 99th percentile latency and the proxy's CPU
# time per 1,000 requests (the JVM's, or nginx's master and workers').
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
MODULE=$ROOT/role-plugins/router
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-50}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-5s}
RUNS=${RUNS:-3}
NGINX_WORKERS=${NGINX_WORKERS:-1}
MVN=${MVN:-mvn}
BACKEND_PORT=${BACKEND_PORT:-18080}
ROUTER_PORT=${ROUTER_PORT:-18081}
NGINX_PORT=${NGINX_PORT:-18082}
HOST=bench.strato.test

WORK=$(mktemp -d /tmp/strato-router-bench.XXXXXX)
PIDS=()

cleanup() {
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

. "$ROOT/bench/lib.sh"
bench_require nginx wrk

echo "Building the router and its test classes..."
(cd "$MODULE" && $MVN -q test-compile && $MVN -q dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$WORK/classpath.txt")
CP="$MODULE/target/test-classes:$MODULE/target/classes:$(cat "$WORK/classpath.txt")"

for port in "$BACKEND_PORT" "$ROUTER_PORT" "$NGINX_PORT"; do
    if port_open "$port"; then
        echo "port $port is already in use; set BACKEND_PORT, ROUTER_PORT or NGINX_PORT" >&2
        exit 1
    fi
done

# without Netty's leak detection, as a node runs it (bin/setenv)
JAVA_OPTS=(-Xms256m -Xmx256m -XX:+UseParallelGC -Dio.netty.leakDetection.level=disabled
    -Dorg.slf4j.simpleLogger.defaultLogLevel=warn)
java "${JAVA_OPTS[@]}" -cp "$CP" io.strato.role.router.StaticBackend "$BACKEND_PORT" >"$WORK/backend.log" 2>&1 &
PIDS+=($!)
java "${JAVA_OPTS[@]}" -cp "$CP" io.strato.role.router.StandaloneRouter "$ROUTER_PORT" "$HOST" 127.0.0.1 "$BACKEND_PORT" \
    >"$WORK/router.log" 2>&1 &
ROUTER_PID=$!
PIDS+=($ROUTER_PID)

cat >"$WORK/nginx.conf" <<NGINX
worker_processes $NGINX_WORKERS;
daemon off;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    upstream app {
        server 127.0.0.1:$BACKEND_PORT;
        keepalive 64;
    }
    server {
        listen 127.0.0.1:$NGINX_PORT;
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
nginx -p "$WORK" -c "$WORK/nginx.conf" &
NGINX_PID=$!
PIDS+=($NGINX_PID)

wait_for_port "$BACKEND_PORT" backend
wait_for_port "$ROUTER_PORT" router
wait_for_port "$NGINX_PORT" nginx

run() { # name port duration pid
    local before after
    before=$(cpu_ticks "$4")
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$3" --latency -H "Host: $HOST" "http://127.0.0.1:$2/" >"$WORK/$1.txt"
    after=$(cpu_ticks "$4")
    echo $((after - before)) >"$WORK/$1.cpu"
    [ -z "${5:-}" ] || printf '%s\t%s\t%s\t%s\n' "$(rps "$1")" "$(p99_ms "$1")" "$(cpu_per_1k "$1")" "$5" >>"$WORK/$1.runs"
    if grep -q "Non-2xx" "$WORK/$1.txt"; then
        echo "$1 answered errors:" >&2
        cat "$WORK/$1.txt" >&2
        exit 1
    fi
}
rps() { awk '/Requests\/sec/ {print $2}' "$WORK/$1.txt"; }
# wrk prints 950.00us, 6.90ms or 1.20s: in milliseconds
p99_ms() {
    awk '$1 == "99%" { v = $2; u = v; gsub(/[0-9.]/, "", u); sub(/[a-z]+$/, "", v)
        printf "%.2f", v * (u == "us" ? 0.001 : u == "s" ? 1000 : u == "m" ? 60000 : 1) }' "$WORK/$1.txt"
}
# Milliseconds of proxy CPU per 1000 requests: steadier than req/s when the machine is shared.
cpu_per_1k() {
    awk -v ticks="$(cat "$WORK/$1.cpu")" -v hz="$(getconf CLK_TCK)" \
        '/requests in/ { printf "%.1f", ticks * 1000 / hz / ($1 / 1000) }' "$WORK/$1.txt"
}

echo "Warming up ($WARMUP each)..."
run router "$ROUTER_PORT" "$WARMUP" "$ROUTER_PID"
run nginx "$NGINX_PORT" "$WARMUP" "$NGINX_PID"
echo "Measuring: wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $RUNS runs each, interleaved, on $(nproc) CPU(s)," \
    "nginx with worker_processes $NGINX_WORKERS..."
for i in $(seq 1 "$RUNS"); do
    run router "$ROUTER_PORT" "$DURATION" "$ROUTER_PID" "$i"
    run nginx "$NGINX_PORT" "$DURATION" "$NGINX_PID" "$i"
done
median() { cut -f"$2" "$WORK/$1.runs" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

printf '%-14s %12s %12s %18s   (medians of %d runs)\n' proxy req/s "p99 ms" "CPU ms/1k req" "$RUNS"
for proxy in router nginx; do
    printf '%-14s %12s %12s %18s\n' "$([ $proxy = router ] && echo strato-router || echo "nginx ($NGINX_WORKERS)")" \
        "$(median $proxy 1)" "$(median $proxy 2)" "$(median $proxy 3)"
done
awk -v r="$(median router 1)" -v n="$(median nginx 1)" -v rc="$(median router 3)" -v nc="$(median nginx 3)" \
    -v rp="$(median router 2)" -v np="$(median nginx 2)" \
    'BEGIN { printf "router/nginx: throughput %.2f, p99 %.2f, CPU per request %.2f\n", r / n, rp / np, rc / nc }'
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
