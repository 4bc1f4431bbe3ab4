#!/usr/bin/env bash
# Encore vs Janus 1.1.2 (Debian's janus, streaming plugin), same machine, same tool, same load (issue 6).
#
#   scripts/janus-compare.sh            the ladder: N = 250 500 1000 2000 3000 4000 5000 6000 until delivery < 99.9 %
#   scripts/janus-compare.sh --quick    a smoke check: N = 5 then 10, 10 s each
#   scripts/janus-compare.sh --steps "500 1000" --duration 60
#
# What it does: installs janus if missing (apt-get, as root or with sudo); writes a Janus configuration of its own in a
# temporary directory (HTTP API on 127.0.0.1 only; only the streaming plugin and the HTTP transport loaded; no STUN, TURN,
# NAT 1:1, event handlers or loggers; ICE pinned to this machine's own IPv4 address, see docs/janus.md); one RTP
# mountpoint (Opus, pt 111, 127.0.0.1:5002). Then, one server at a time, it runs the same listener load with the same
# tool (dev.encore.loadtest.janus.JanusLoad): against `encore serve` with a show fed by the tool's WHIP publisher, and
# against Janus fed the same stamped Opus tone as plain RTP. Each step holds N listeners (ramp N*30 ms, at least 5 s, then
# --duration); a step is held when delivery and joins are >= 99.9 %. It prints the highest N held by each and the ratio.
#
# Environment: JANUS_EVENT_LOOPS (static ICE event loops, default: cores), JANUS_THREADS (streaming relay helper threads,
# default: cores), JANUS_HTTP_PORT (default 8088), JANUS_DEBUG (Janus log level, default 3), JANUS_ICE_IP (the address Janus gathers on, default: the first
# global IPv4 address of this machine), ENCORE_JAR (a built encore-all.jar; default: ./encore builds one).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
steps="250 500 1000 2000 3000 4000 5000 6000"
duration=30
quick=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) quick=true; steps="5 10"; duration=10; shift ;;
    --steps) steps="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "janus-compare: unknown argument $1 (expected: --quick, --steps \"N ...\", --duration SECONDS)" >&2; exit 2 ;;
  esac
done

cores="$(nproc)"
janus_http_port="${JANUS_HTTP_PORT:-8088}"
rtp_port=5002
encore_http_port=18480
encore_media_port=18500
work="$(mktemp -d /tmp/janus-compare.XXXXXX)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

# ---- Janus: install ----
if ! command -v janus >/dev/null 2>&1; then
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo -n)
  echo "janus-compare: installing Debian's janus" >&2
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends janus >&2 \
    || { "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 \
         && "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends janus >&2; }
fi
janus_version="$(janus --version 2>/dev/null | sed -n 's/^Janus version: .*(\(.*\))/\1/p' | head -1 || true)" # janus --version exits 1
plugins_dir="$(sed -n 's/^[[:space:]]*plugins_folder = "\([^"]*\)".*/\1/p' /etc/janus/janus.jcfg)"
transports_dir="$(sed -n 's/^[[:space:]]*transports_folder = "\([^"]*\)".*/\1/p' /etc/janus/janus.jcfg)"
[[ -f "$plugins_dir/libjanus_streaming.so" && -f "$transports_dir/libjanus_http.so" ]] \
  || { echo "janus-compare: libjanus_streaming.so or libjanus_http.so not found (expected: Debian's janus package)" >&2; exit 2; }

# ---- Janus: a configuration of our own ----
# Janus never gathers on a loopback interface (and with nothing left to gather on, libnice gathers on every interface), so
# ICE is pinned to this machine's own address: datagrams between two local sockets on it go through the kernel's loopback
# path and never reach a wire.
ice_ip="${JANUS_ICE_IP:-$(ip -4 -o addr show scope global 2>/dev/null | awk '{split($4, a, "/"); print a[1]; exit}')}"
[[ -n "$ice_ip" ]] || { echo "janus-compare: no global IPv4 address to pin Janus's ICE to (set JANUS_ICE_IP)" >&2; exit 2; }
write_janus_config() {
  local dir="$1"
  mkdir -p "$dir/plugins" "$dir/transports" "$dir/events" "$dir/loggers"
  ln -sf "$plugins_dir/libjanus_streaming.so" "$dir/plugins/"
  ln -sf "$transports_dir/libjanus_http.so" "$dir/transports/"
  cat > "$dir/janus.jcfg" <<EOF
general: {
	configs_folder = "$dir"
	plugins_folder = "$dir/plugins"
	transports_folder = "$dir/transports"
	events_folder = "$dir/events"
	loggers_folder = "$dir/loggers"
	debug_level = ${JANUS_DEBUG:-3}
	interface = "127.0.0.1"
	session_timeout = 60
	event_loops = ${JANUS_EVENT_LOOPS:-$cores}
}
certificates: {
	rsa_private_key = false
}
media: {
	ipv6 = false
	ipv6_linklocal = false
	rtp_port_range = "30000-60000"
}
nat: {
	nice_debug = false
	ice_enforce_list = "$ice_ip"
	ignore_mdns = true
	full_trickle = false
}
plugins: {
}
transports: {
}
loggers: {
}
events: {
	broadcast = false
}
EOF
  cat > "$dir/janus.transport.http.jcfg" <<EOF
general: {
	json = "plain"
	base_path = "/janus"
	http = true
	port = $janus_http_port
	ip = "127.0.0.1"
	https = false
}
admin: {
	admin_http = false
	admin_https = false
}
EOF
  cat > "$dir/janus.plugin.streaming.jcfg" <<EOF
general: {
}
encore-tone: {
	type = "rtp"
	id = 1
	description = "the load tool's tone: Opus 96 kbit/s stereo, 20 ms"
	audio = true
	video = false
	audioport = $rtp_port
	audioiface = "127.0.0.1"
	audiopt = 111
	audiocodec = "opus"
	audiofmtp = "stereo=1;sprop-stereo=1"
	threads = ${JANUS_THREADS:-$cores}
}
EOF
}

# ---- the tool and Encore ----
if [[ -z "${ENCORE_JAR:-}" ]]; then
  "$root/encore" --help >/dev/null
  cp "$root/app/target/encore-all.jar" "$work/encore-all.jar" # a copy: ./encore rebuilds the jar when sources change
  ENCORE_JAR="$work/encore-all.jar"
fi
tool() { java ${ENCORE_JAVA_OPTS:-} -cp "$ENCORE_JAR" dev.encore.loadtest.janus.JanusLoad "$@"; }

wait_http() { # url seconds
  for _ in $(seq 1 $(( $2 * 10 ))); do curl -sf -o /dev/null "$1" && return 0; sleep 0.1; done
  return 1
}

ramp_for() { local r=$(( $1 * 30 / 1000 )); (( r < 5 )) && r=5; echo "${r}s"; }

# ladder NAME ARGS...: runs the steps; prints "NAME held N" lines; stops at the first step not held
ladder() {
  local name="$1"; shift
  local held=0
  for n in $steps; do
    echo "== $name: $n listeners" >&2
    local out="$work/$name-$n.txt"
    set +e
    tool "$@" --listeners "$n" --ramp "$(ramp_for "$n")" --duration "${duration}s" > "$out" 2>"$work/$name-$n.err"
    local rc=$?
    set -e
    local result
    result="$(grep '^RESULT ' "$out" | tail -1 || true)"
    echo "   ${result:-no result (exit $rc): see $out and $work/$name-$n.err}" >&2
    echo "$name $n $rc ${result}" >> "$work/results.txt"
    if [[ $rc -ne 0 ]]; then break; fi
    held="$n"
  done
  echo "$held"
}

# ---- Encore ----
key="bench-$(od -An -tx8 -N8 /dev/urandom | tr -d ' ')"
cat > "$work/show.yaml" <<EOF
id: bench
title: Janus comparison
performer:
  key: "$key"
EOF
java ${ENCORE_JAVA_OPTS:-} -jar "$ENCORE_JAR" serve --show "$work/show.yaml" --bind 127.0.0.1 --http-port "$encore_http_port" \
  --media-port "$encore_media_port" --data-dir "$work/encore-data" > "$work/encore.log" 2>&1 &
encore_pid=$!; pids+=("$encore_pid")
wait_http "http://127.0.0.1:$encore_http_port/healthz" 60 || { echo "janus-compare: Encore did not start (see $work/encore.log)" >&2; exit 2; }
encore_held="$(ENCORE_PERFORMER_KEY="$key" ladder encore --target "http://127.0.0.1:$encore_http_port" --show bench)"
kill "$encore_pid"; wait "$encore_pid" 2>/dev/null || true

# ---- Janus ----
write_janus_config "$work/janus"
if curl -sf -o /dev/null "http://127.0.0.1:$janus_http_port/janus/info"; then
  echo "janus-compare: something already answers on 127.0.0.1:$janus_http_port (Debian's janus service? systemctl disable --now janus; or set JANUS_HTTP_PORT)" >&2
  exit 2
fi
janus -F "$work/janus" -C "$work/janus/janus.jcfg" -o > "$work/janus.log" 2>&1 &
janus_pid=$!; pids+=("$janus_pid")
wait_http "http://127.0.0.1:$janus_http_port/janus/info" 20 || { echo "janus-compare: Janus did not answer /janus/info (see $work/janus.log)" >&2; exit 2; }
janus_held="$(ladder janus --janus "http://127.0.0.1:$janus_http_port/janus" --mountpoint 1 --feed "127.0.0.1:$rtp_port")"
kill "$janus_pid"; wait "$janus_pid" 2>/dev/null || true

# ---- verdict ----
echo
echo "Encore vs Janus ${janus_version:-?}, $(date -u +%F), $cores cores, $(uname -r), steps: $steps, ${duration}s each"
echo "  highest N held at >= 99.9 % delivery: Encore $encore_held, Janus $janus_held"
if [[ "$janus_held" -gt 0 ]]; then
  awk -v e="$encore_held" -v j="$janus_held" 'BEGIN { printf "  ratio Encore / Janus: %.2f (target >= 3)\n", e / j }'
else
  echo "  ratio: undefined (Janus held no step)"
fi
echo "  details: $work/results.txt"
[[ "$encore_held" -gt 0 && "$janus_held" -gt 0 ]]
