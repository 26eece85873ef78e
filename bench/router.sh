#!/usr/bin/env bash
# Measures the Strato router against nginx, both as reverse proxies with keep-alive connections to
# the same app instance, under the same wrk load. Everything runs on 127.0.0.1 and is stopped on exit.
#
#   bench/router.sh                 # defaults: wrk -t2 -c50 -d10s after a 5 s warm-up
#   THREADS=4 CONNECTIONS=200 DURATION=30s bench/router.sh
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
MODULE=$ROOT/role-plugins/router
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-50}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-5s}
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
(cd "$MODULE" && mvn -q test-compile && mvn -q dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$WORK/classpath.txt")
CP="$MODULE/target/test-classes:$MODULE/target/classes:$(cat "$WORK/classpath.txt")"

for port in "$BACKEND_PORT" "$ROUTER_PORT" "$NGINX_PORT"; do
    if port_open "$port"; then
        echo "port $port is already in use; set BACKEND_PORT, ROUTER_PORT or NGINX_PORT" >&2
        exit 1
    fi
done

JAVA_OPTS=(-Xms256m -Xmx256m -XX:+UseParallelGC -Dorg.slf4j.simpleLogger.defaultLogLevel=warn)
java "${JAVA_OPTS[@]}" -cp "$CP" io.strato.router.StaticBackend "$BACKEND_PORT" >"$WORK/backend.log" 2>&1 &
PIDS+=($!)
java "${JAVA_OPTS[@]}" -cp "$CP" io.strato.router.StandaloneRouter "$ROUTER_PORT" "$HOST" 127.0.0.1 "$BACKEND_PORT" \
    >"$WORK/router.log" 2>&1 &
ROUTER_PID=$!
PIDS+=($ROUTER_PID)

cat >"$WORK/nginx.conf" <<NGINX
worker_processes auto;
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
    if grep -q "Non-2xx" "$WORK/$1.txt"; then
        echo "$1 answered errors:" >&2
        cat "$WORK/$1.txt" >&2
        exit 1
    fi
}
rps() { awk '/Requests\/sec/ {print $2}' "$WORK/$1.txt"; }
p99() { awk '$1 == "99%" {print $2}' "$WORK/$1.txt"; }
# Milliseconds of proxy CPU per 1000 requests: steadier than req/s when the machine is shared.
cpu_per_1k() {
    awk -v ticks="$(cat "$WORK/$1.cpu")" -v hz="$(getconf CLK_TCK)" \
        '/requests in/ { printf "%.1f", ticks * 1000 / hz / ($1 / 1000) }' "$WORK/$1.txt"
}

echo "Warming up ($WARMUP each)..."
run router "$ROUTER_PORT" "$WARMUP" "$ROUTER_PID"
run nginx "$NGINX_PORT" "$WARMUP" "$NGINX_PID"
echo "Measuring: wrk -t$THREADS -c$CONNECTIONS -d$DURATION on $(nproc) CPU(s)..."
run router "$ROUTER_PORT" "$DURATION" "$ROUTER_PID"
run nginx "$NGINX_PORT" "$DURATION" "$NGINX_PID"

printf '%-14s %12s %12s %18s\n' proxy req/s p99 "CPU ms/1k req"
printf '%-14s %12s %12s %18s\n' strato-router "$(rps router)" "$(p99 router)" "$(cpu_per_1k router)"
printf '%-14s %12s %12s %18s\n' nginx "$(rps nginx)" "$(p99 nginx)" "$(cpu_per_1k nginx)"
awk -v r="$(rps router)" -v n="$(rps nginx)" 'BEGIN { printf "throughput router/nginx: %.2f\n", r / n }'
