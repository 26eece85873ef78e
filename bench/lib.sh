# Shell functions shared by the benchmarks in bench/: source it, do not run it.
#   . "$(dirname "$0")/lib.sh"

# Installs the Debian packages of the commands given (nginx, wrk, curl, jq, bc, ...) that are missing,
# as root only; fails with a message otherwise.
bench_require() {
    local missing=() tool
    for tool in "$@"; do
        command -v "$tool" >/dev/null || missing+=("$tool")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        echo "${missing[*]} needed: run as root to have them installed, or install them first" >&2
        return 1
    fi
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null
    # Debian's nginx package starts a system-wide nginx on port 80; the benchmarks run their own.
    if [[ " ${missing[*]} " == *" nginx "* ]]; then
        if command -v systemctl >/dev/null && systemctl is-active --quiet nginx 2>/dev/null; then
            systemctl stop nginx
        elif [ -f /run/nginx.pid ]; then
            kill "$(cat /run/nginx.pid)" 2>/dev/null || true
        fi
    fi
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_for_port() { # port what
    for _ in $(seq 1 100); do
        port_open "$1" && return 0
        sleep 0.1
    done
    echo "nothing answers on port $1 ($2)" >&2
    return 1
}

# CPU time (clock ticks, user + system: utime + stime of /proc/<pid>/stat) used so far by one process, all its
# threads included.
proc_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }
# The same for the processes and their children, e.g. nginx's master and workers.
cpu_ticks() {
    local total=0 pid
    for pid in "$@" $(for p in "$@"; do pgrep -P "$p"; done); do
        [ -r "/proc/$pid/stat" ] || continue
        total=$((total + $(proc_ticks "$pid")))
    done
    echo "$total"
}

rss_mb() { echo $(( $(awk '/^VmRSS:/ {print $2}' "/proc/$1/status") / 1024 )); }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# wrk --latency output: requests per second, p99 in milliseconds, requests done, failed requests
# (non-2xx/3xx answers and socket errors other than timeouts at the end of the run).
wrk_rps() { awk '/^Requests\/sec:/ {print $2}' "$1"; }
wrk_p99_ms() {
    awk '$1 == "99%" { v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v)
        print v * (u == "us" ? 0.001 : u == "s" ? 1000 : u == "m" ? 60000 : 1) }' "$1"
}
wrk_requests() { awk '/requests in/ {print $1}' "$1"; }
wrk_errors() {
    awk '/Non-2xx or 3xx responses:/ {n += $NF} /Socket errors:/ { gsub(/,/, ""); n += $4 + $6 + $8 + $10 } END {print n + 0}' "$1"
}

# One line each: CPU, cores, memory, kernel, Java.
machine_description() {
    local java=${JAVA_HOME:+$JAVA_HOME/bin/}java
    echo "CPU: $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo), $(nproc) core(s) available"
    echo "memory: $(awk '/^MemTotal/ {printf "%.1f GB", $2 / 1048576}' /proc/meminfo)"
    echo "kernel: $(uname -sr)"
    echo "Java: $("$java" -version 2>&1 | head -1)"
}
