#!/bin/sh
# Daemon benchmarks on loopback (release build): binary POSE ingest with 1 and 64 connections,
# then h2load side by side against edge-serverd (HTTP/2 on libnghttp2) and nghttpd serving static
# files of the same bytes: /healthz, /v1/status (an ordinary routed request with a JSON body),
# POST of a POSE to an HTTP session (an ordinary route with a request body; nghttpd answers the
# same POST from an empty file), plus a 404 route; then the project's client (SplatHTTPClient,
# `gs-lab bench http-client`, on libnghttp2 too) on the POST POSE route. Server CPU per request is
# printed for every case, and the client's (h2load's or SplatHTTPClient's) beside it.
# BENCH_SKIP_BINARY=1 skips the binary ingest runs; CLIENT_BASELINE=path/to/gs-lab runs that
# build's client too, in the same run (e.g. a copy of the previous build).
# Usage: deploy/bench-daemon.sh [seconds]   (run `make bench-daemon`, which builds first)
set -eu
SECONDS_PER_RUN=${1:-5}
BIN=.build/release
# EDGE_SERVERD=path/to/edge-serverd compares another build (e.g. a copy of the previous one).
EDGE_SERVERD=${EDGE_SERVERD:-$BIN/edge-serverd}
WORK=$(mktemp -d)
BINARY_PORT=17450
HTTP_PORT=17451
NGHTTPD_PORT=17452
REQUESTS=200000
H2LOAD="h2load -n $REQUESTS -c 16 -m 32 -t 1"

$EDGE_SERVERD --token bench --data-dir "$WORK/data" --binary-port $BINARY_PORT --http-port $HTTP_PORT \
  --max-sessions 4096 --log-level warning &
SERVER=$!
printf 'ok\n' > "$WORK/healthz"
nghttpd --no-tls -d "$WORK" $NGHTTPD_PORT &
NGHTTPD=$!
trap 'kill $SERVER $NGHTTPD 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
sleep 1

if [ -z "${BENCH_SKIP_BINARY:-}" ]; then
  echo "== binary POSE ingest, 1 connection"
  $BIN/gs-lab bench daemon --server 127.0.0.1:$BINARY_PORT --token bench --connections 1 --seconds "$SECONDS_PER_RUN"
  echo "== binary POSE ingest, 64 connections"
  $BIN/gs-lab bench daemon --server 127.0.0.1:$BINARY_PORT --token bench --connections 64 --seconds "$SECONDS_PER_RUN"
fi
# Runs h2load on a URL (extra h2load options after it) and prints its totals, the server's CPU
# time per request and h2load's own (libnghttp2's client), each user + system from /proc: on a
# machine shared with other work the rate moves with the load, the CPU time per request much less.
# h2load runs in a child shell, so its CPU is that shell's waited-for children's (cutime + cstime).
h2load_with_cpu() {
  pid=$1
  url=$2
  shift 2
  before=$(awk '{print $14 + $15}' /proc/$pid/stat)
  sh -c '"$@" | grep -E "^(finished|requests|status codes)"; awk "{print \$16 + \$17}" /proc/$$/stat > "'"$WORK"'/client-ticks"' \
    sh $H2LOAD "$@" "$url"
  after=$(awk '{print $14 + $15}' /proc/$pid/stat)
  awk -v ticks=$((after - before)) -v client="$(cat "$WORK/client-ticks")" -v hz="$(getconf CLK_TCK)" -v requests=$REQUESTS \
    'BEGIN { printf "server CPU: %.1f us/request; h2load CPU: %.1f us/request\n", ticks * 1e6 / hz / requests, client * 1e6 / hz / requests }'
}
echo "== h2load /healthz on edge-serverd (h2c): $H2LOAD"
h2load_with_cpu $SERVER http://127.0.0.1:$HTTP_PORT/healthz
echo "== h2load /healthz on nghttpd (static file): $H2LOAD"
h2load_with_cpu $NGHTTPD http://127.0.0.1:$NGHTTPD_PORT/healthz
# nghttpd serves the daemon's own /v1/status bytes as a file: the same body both ways.
curl -s --http2-prior-knowledge http://127.0.0.1:$HTTP_PORT/v1/status > "$WORK/status"
echo "== h2load /v1/status (routed, $(wc -c < "$WORK/status")-byte JSON body) on edge-serverd: $H2LOAD"
h2load_with_cpu $SERVER http://127.0.0.1:$HTTP_PORT/v1/status
echo "== h2load /status on nghttpd (static file, same bytes): $H2LOAD"
h2load_with_cpu $NGHTTPD http://127.0.0.1:$NGHTTPD_PORT/status
# POSE over HTTP/2 (docs/PROTOCOL.md): HELLO opens the HTTP session, then every request POSTs the
# 139-byte POSE payload of the protocol's example dump and gets 204.
hexbytes() { for b in $1; do printf "\\$(printf '%03o' "0x$b")"; done; }
# HELLO: versions 1..1, role robot, client_id "bench-0", token "bench", no capabilities.
hexbytes "01 01 01 00 07 62 65 6e 63 68 2d 30 00 05 62 65 6e 63 68 00 00" > "$WORK/hello"
hexbytes "00 00 00 00 00 00 04 b1 18 7a fc a7 6f 25 cd 15 3f f8 00 00 00 00 00 00 c0 00 00 00 00 00 00 00
  3f d0 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 3f d8 7d e2 a6 ae a9 63
  3f ed 90 6b cf 32 8d 46 01 3f a0 00 00 00 00 00 00 00 01 3f fc 00 00 00 00 00 00 c0 00 00 00 00
  00 00 00 3f d0 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 3f d8 7d e2 a6
  ae a9 63 3f ed 90 6b cf 32 8d 46" > "$WORK/pose"
: > "$WORK/pose-ack"
curl -sf --http2-prior-knowledge -o /dev/null -H "authorization: Bearer bench" -H "content-type: application/x-splatedge" \
  --data-binary @"$WORK/hello" http://127.0.0.1:$HTTP_PORT/v1/sessions
echo "== h2load POST POSE (routed, $(wc -c < "$WORK/pose")-byte body, 204) on edge-serverd: $H2LOAD"
h2load_with_cpu $SERVER http://127.0.0.1:$HTTP_PORT/v1/sessions/bench-0/messages -d "$WORK/pose" \
  -H "authorization: Bearer bench" -H "splatedge-type: POSE" -H "content-type: application/x-splatedge"
echo "== h2load POST to an empty file on nghttpd (same body and headers): $H2LOAD"
h2load_with_cpu $NGHTTPD http://127.0.0.1:$NGHTTPD_PORT/pose-ack -d "$WORK/pose" \
  -H "authorization: Bearer bench" -H "splatedge-type: POSE" -H "content-type: application/x-splatedge"
# The project's own client (SplatHTTPClient) on the same route with the same connections and
# streams in flight as h2load: its CPU per request beside h2load's above.
CLIENT_REQUESTS=50000
client_bench() {
  echo "== $1 bench http-client (SplatHTTPClient) POST POSE on edge-serverd, $CLIENT_REQUESTS requests, 16 connections x 32 streams"
  before=$(awk '{print $14 + $15}' /proc/$SERVER/stat)
  "$1" bench http-client --server 127.0.0.1:$HTTP_PORT --token bench --requests $CLIENT_REQUESTS --connections 16 --streams 32
  after=$(awk '{print $14 + $15}' /proc/$SERVER/stat)
  awk -v ticks=$((after - before)) -v hz="$(getconf CLK_TCK)" -v requests=$CLIENT_REQUESTS \
    'BEGIN { printf "server CPU: %.1f us/request\n", ticks * 1e6 / hz / requests }'
}
client_bench $BIN/gs-lab
if [ -n "${CLIENT_BASELINE:-}" ]; then client_bench "$CLIENT_BASELINE"; fi
echo "== h2load on a routed path (router, 404) on edge-serverd: $H2LOAD"
h2load_with_cpu $SERVER http://127.0.0.1:$HTTP_PORT/no-such-route
