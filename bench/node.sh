#!/usr/bin/env bash
# Measures a Strato node against plain Apache Karaf of the same version, in one run on 127.0.0.1:
#   - boot to READY (Strato: kato:status says READY; Karaf: the shell answers) and idle RSS;
#   - a micro cloud (every role) after `kato:role-add micro-cloud`: time to add the roles and idle RSS;
#   - push to first 200 through the router for a Node.js app without dependencies (median of RUNS
#     pushes), against the floor: `node server.js` to first 200 on the same machine.
# Everything it starts is stopped on exit.
#
#   bench/node.sh              # RUNS=5
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-5}
VERSION=$(sed -n 's#^  <version>\(.*\)</version>#\1#p' "$ROOT/pom.xml" | head -1)
DIST=$ROOT/karaf-assembly/target/strato-$VERSION.tar.gz
KARAF_VERSION=$(sed -n 's#.*<karaf.version>\(.*\)</karaf.version>.*#\1#p' "$ROOT/pom.xml")
WORK=$(mktemp -d /tmp/strato-node-bench.XXXXXX)
chmod 755 "$WORK"   # app instances and data servers run as their own users and must reach their directories
NODE_PIDS=()

cleanup() {
    for dir in "$WORK"/strato "$WORK"/karaf; do
        [ -x "$dir/bin/stop" ] && "$dir/bin/stop" >/dev/null 2>&1 || true
    done
    for pid in "${NODE_PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
    sleep 2
    pkill -9 -f "$WORK" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ -f "$DIST" ] || (cd "$ROOT" && mvn -q -B install -DskipTests)
mvn -q dependency:copy -Dartifact=org.apache.karaf:apache-karaf:$KARAF_VERSION:tar.gz -DoutputDirectory="$WORK" >/dev/null

now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc; }
rss_mb() { echo $(( $(ps -o rss= -p "$(cat "$1/karaf.pid")") / 1024 )); }
ports() { # dir ssh http cluster
    sed -i "s/^sshPort *=.*/sshPort = $2/" "$1/etc/org.apache.karaf.shell.cfg"
    sed -i "s/^rmiRegistryPort *=.*/rmiRegistryPort = $(($2 + 10))/; s/^rmiServerPort *=.*/rmiServerPort = $(($2 + 11))/" "$1/etc/org.apache.karaf.management.cfg"
    [ -f "$1/etc/org.ops4j.pax.web.cfg" ] && sed -i "s/^org.osgi.service.http.port *=.*/org.osgi.service.http.port = $3/" "$1/etc/org.ops4j.pax.web.cfg"
    [ -f "$1/etc/hazelcast.xml" ] && sed -i "s#<port auto-increment=\"false\">5701</port>#<port auto-increment=\"false\">$4</port>#" "$1/etc/hazelcast.xml"
    return 0
}

# --- plain Karaf
mkdir -p "$WORK/karaf" && tar xzf "$WORK"/apache-karaf-*.tar.gz -C "$WORK/karaf" --strip-components=1
ports "$WORK/karaf" 22101 22102 22103
printf '%s\n' 'karaf = karaf,_g_:admingroup' '_g_\:admingroup = group,admin,manager,viewer,systembundles,ssh' >> "$WORK/karaf/etc/users.properties"
t=$(now); "$WORK/karaf/bin/start"
until echo "bundle:list -t 0 | head -1" | "$WORK/karaf/bin/client" -u karaf -p karaf -a 22101 -r 1 -b >/dev/null 2>&1; do sleep 0.2; done
karaf_boot=$(since "$t"); sleep 20; karaf_rss=$(rss_mb "$WORK/karaf")
"$WORK/karaf/bin/stop"

# --- Strato node
S=$WORK/strato
mkdir -p "$S" && tar xzf "$DIST" -C "$S" --strip-components=1
ports "$S" 21101 21102 21103
sed -i "s/^port = 8080/port = 21106/" "$S/etc/io.strato.router.cfg"
kato() { "$S/bin/client" -u admin -p "$(cat "$S/etc/strato-admin.password")" -a 21101 -h 127.0.0.1 -r 1 -b <<<"$1" 2>/dev/null; }
t=$(now); "$S/bin/start"
until [ -f "$S/etc/strato-admin.password" ] && kato "kato:status" | grep -q "(READY)"; do sleep 0.2; done
strato_boot=$(since "$t"); sleep 20; strato_rss=$(rss_mb "$S")

t=$(now); kato "kato:role-add micro-cloud" >/dev/null; roles_time=$(since "$t")
kato "kato:user-add --admin --password bench-password bench" >/dev/null
sleep 20; micro_rss=$(rss_mb "$S")

# --- push to first 200
APP=$WORK/app; mkdir -p "$APP"
echo '{"name":"bench","version":"1.0.0","scripts":{"start":"node server.js"}}' > "$APP/package.json"
echo "require('http').createServer((q, s) => s.end('ok')).listen(process.env.PORT)" > "$APP/server.js"
export STRATO_HOME=$WORK/cli JAVA_HOME=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
"$S/bin/strato" target http://127.0.0.1:21102 >/dev/null
"$S/bin/strato" login --username bench --password bench-password >/dev/null
first_200() { until [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Host: $1" http://127.0.0.1:21106/)" = 200 ]; do sleep 0.05; done; }
pushes=()
for i in $(seq 1 "$RUNS"); do
    t=$(now)
    (cd "$APP" && "$S/bin/strato" push "bench-$i" >/dev/null)
    first_200 "bench-$i.localhost"
    pushes+=("$(since "$t")")
done
floors=()
for i in $(seq 1 "$RUNS"); do
    t=$(now)
    (cd "$APP" && PORT=21199 exec node server.js) & pid=$!
    until [ "$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:21199/)" = 200 ]; do sleep 0.05; done
    floors+=("$(since "$t")"); kill "$pid"; wait "$pid" 2>/dev/null || true
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

printf '\n%-44s %12s %12s %8s\n' "" "Strato" "reference" "ratio"
printf '%-44s %11.1fs %11.1fs %8.2f\n' "boot to ready (Karaf $KARAF_VERSION plain)" "$strato_boot" "$karaf_boot" "$(echo "$strato_boot / $karaf_boot" | bc -l)"
printf '%-44s %10d MB %9d MB %8.2f\n' "idle RSS, base node (Karaf plain)" "$strato_rss" "$karaf_rss" "$(echo "$strato_rss / $karaf_rss" | bc -l)"
printf '%-44s %10d MB %9d MB %8.2f\n' "idle RSS, micro cloud (Karaf plain)" "$micro_rss" "$karaf_rss" "$(echo "$micro_rss / $karaf_rss" | bc -l)"
printf '%-44s %11.1fs\n' "kato:role-add micro-cloud" "$roles_time"
p=$(median "${pushes[@]}"); f=$(median "${floors[@]}")
printf '%-44s %11.2fs %11.2fs %8.1f\n' "push to first 200, median of $RUNS (node alone)" "$p" "$f" "$(echo "$p / $f" | bc -l)"
