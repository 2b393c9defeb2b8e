#!/usr/bin/env bash
# Slot-loop load test on loopback: one edge-serverd (release) and N client-sim agents, half
# robots (GSMR) and half users (ECO-GS), then the slot loop's compute percentiles, late slots,
# deadline misses (server-caused vs link outages), and the daemon's CPU and memory.
#
# Usage: deploy/loadtest.sh N [SECONDS]      (`make loadtest N=200` builds first)
#
# Agents are grouped LOADTEST_PER_PROCESS to a client-sim process (--count, default 10): every
# agent still has its own connection, session and emulated link, so the daemon sees N clients,
# but 200 processes would mean 200 copies of the procedural world and of the runtime's threads
# competing with the daemon for the same 2 cores. LOADTEST_PER_PROCESS=1 runs one process per agent.
# Agents run with --no-quality (load generation): they skip the per-slot true/fallback renders
# that only feed their own loss/PSNR report, and robots re-capture their real image every 10th
# slot, uploading the latest capture (with its own pose) when scheduled. A render of the
# 20k-Gaussian world per agent and slot would take several cores on its own; what the daemon
# receives and does per slot (POSEs, IMAGE uploads, SCHEDULEs, FRAMEs) is unchanged. Clients
# run at nice LOADTEST_CLIENT_NICE (10) so that, on one machine, the load generator yields the
# CPU to the daemon it measures; a client that falls behind counts its own outages, which the
# report separates from the daemon's misses.
# LOADTEST_VIEW=1 also opens the live view in headless Chromium during the window (needs
# `swift build --build-tests`) and prints its data rate and responsiveness.
#
# The measurement window starts once all N sessions are connected and lasts SECONDS (default 20).
# Other settings (environment): LOADTEST_TRANSPORT (tcp | h2), LOADTEST_SLOT_MS (τ, 100),
# LOADTEST_PORT (binary port, HTTP is +1; 17550), LOADTEST_STARTUP (seconds allowed for all agents
# to connect, 30), LOADTEST_ROBOTS (how many of the N are robots; half, rounded up),
# LOADTEST_SERVER_ARGS (extra edge-serverd options, e.g. `--config frames.toml`),
# LOADTEST_CLIENT_ARGS (extra client-sim options, e.g. `--frame-size 640x480`), LOADTEST_SERVER_NICE (0; a
# negative value, as root, starts the daemon in a session of its own whose scheduler autogroup
# gets that nice value — with autogroups, a process's nice does not reach across sessions — so
# on a machine shared with unrelated work the daemon gets the CPU it asks for and its wall-clock
# figures approach an idle machine's), LOADTEST_SERVER_RT (unset; a priority 1–99, as root, runs
# the daemon under SCHED_RR at that priority, as deploy/edge-serverd.service does, so that no
# ordinary process — the clients included — preempts its render threads), BIN (.build/release).
# Every process this script starts is stopped by its own PID.
set -euo pipefail
cd "$(dirname "$0")/.."

AGENTS=${1:?usage: deploy/loadtest.sh N [SECONDS]}
MEASURE=${2:-20}
PER_PROCESS=${LOADTEST_PER_PROCESS:-10}
CLIENT_NICE=${LOADTEST_CLIENT_NICE:-10}
SERVER_NICE=${LOADTEST_SERVER_NICE:-0}
SERVER_RT=${LOADTEST_SERVER_RT:-}
TRANSPORT=${LOADTEST_TRANSPORT:-tcp}
SLOT_MS=${LOADTEST_SLOT_MS:-100}
STARTUP=${LOADTEST_STARTUP:-30}
BIN=${BIN:-.build/release}
BINARY_PORT=${LOADTEST_PORT:-17550}
HTTP_PORT=$((BINARY_PORT + 1))
read -r -a SERVER_ARGS <<< "${LOADTEST_SERVER_ARGS:-}"
read -r -a CLIENT_ARGS <<< "${LOADTEST_CLIENT_ARGS:-}"
TOKEN=loadtest
ROBOTS=${LOADTEST_ROBOTS:-$(((AGENTS + 1) / 2))}
USERS=$((AGENTS - ROBOTS))
WORK=$(mktemp -d /tmp/splatedge-loadtest.XXXXXX)
STATUS_URL="http://127.0.0.1:$HTTP_PORT/v1/status"
CURL=(curl -sf --http2-prior-knowledge)

SERVER=("$BIN/edge-serverd" --binary-port "$BINARY_PORT" --http-port "$HTTP_PORT" --data-dir "$WORK/data"
  --token "$TOKEN" --slot-ms "$SLOT_MS" --max-sessions $((AGENTS + 16)) --log-level warning
  ${SERVER_ARGS[@]+"${SERVER_ARGS[@]}"})
if [ -n "$SERVER_RT" ]; then SERVER=(chrt --rr "$SERVER_RT" "${SERVER[@]}"); fi
if [ "$SERVER_NICE" -lt 0 ]; then
  setsid "${SERVER[@]}" 2> "$WORK/server.log" &
  SERVER_PID=$!
else
  "${SERVER[@]}" 2> "$WORK/server.log" &
  SERVER_PID=$!
fi
CLIENT_PIDS=()
cleanup() {
  for pid in ${CLIENT_PIDS[@]+"${CLIENT_PIDS[@]}"}; do kill "$pid" 2>/dev/null || true; done
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
}
trap cleanup EXIT

for _ in $(seq 1 100); do
  "${CURL[@]}" "http://127.0.0.1:$HTTP_PORT/healthz" > /dev/null 2>&1 && break
  sleep 0.1
done
# Only once the daemon answers is it surely in its own session (and autogroup), not this script's.
if [ "$SERVER_NICE" -lt 0 ]; then
  if [ "$(cut -d' ' -f1 "/proc/$SERVER_PID/autogroup")" = "$(cut -d' ' -f1 /proc/$$/autogroup)" ]; then
    echo "edge-serverd did not get an autogroup of its own" >&2
    exit 1
  fi
  echo "$SERVER_NICE" > "/proc/$SERVER_PID/autogroup"
fi

if [ "$TRANSPORT" = h2 ]; then CLIENT_PORT=$HTTP_PORT; else CLIENT_PORT=$BINARY_PORT; fi
# Agents run long enough to cover the slowest connect plus the window; the window ends first.
CLIENT_SECONDS=$((STARTUP + MEASURE + 2))
start_clients() {  # role count
  local role=$1 count=$2 first=0
  while [ "$first" -lt "$count" ]; do
    local n=$((count - first < PER_PROCESS ? count - first : PER_PROCESS))
    nice -n "$CLIENT_NICE" "$BIN/client-sim" --role "$role" --count "$n" --first-index "$first" --transport "$TRANSPORT" \
      --server "127.0.0.1:$CLIENT_PORT" --token "$TOKEN" --duration "$CLIENT_SECONDS" --no-quality \
      --out "$WORK/reports" ${CLIENT_ARGS[@]+"${CLIENT_ARGS[@]}"} > "$WORK/$role-$first.txt" 2>&1 &
    CLIENT_PIDS+=($!)
    first=$((first + n))
  done
}
if [ "$ROBOTS" -gt 0 ]; then start_clients robot "$ROBOTS"; fi
if [ "$USERS" -gt 0 ]; then start_clients user "$USERS"; fi
echo "edge-serverd pid $SERVER_PID; $ROBOTS robots + $USERS users in ${#CLIENT_PIDS[@]} client-sim processes over $TRANSPORT; τ = $SLOT_MS ms; work dir $WORK"

connected() { "${CURL[@]}" "$STATUS_URL" | jq '[.connected_sessions[]] | add // 0'; }
waited=0
until [ "$(connected)" -ge "$AGENTS" ]; do
  if [ "$waited" -ge $((STARTUP * 10)) ]; then
    echo "only $(connected) of $AGENTS agents connected after ${STARTUP}s" >&2
    exit 1
  fi
  sleep 0.1
  waited=$((waited + 1))
done

# CPU ticks (utime + stime, fields 14 and 15 of /proc/<pid>/stat; the command name may hold spaces).
ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }
client_ticks() {
  local sum=0 pid
  for pid in "${CLIENT_PIDS[@]}"; do sum=$((sum + $(ticks "$pid" 2>/dev/null || echo 0))); done
  echo "$sum"
}
HZ=$(getconf CLK_TCK)
first_slot=$("${CURL[@]}" "$STATUS_URL" | jq '.slots.slots_completed')
server_ticks0=$(ticks "$SERVER_PID")
client_ticks0=$(client_ticks)
started=$(date +%s.%N)
load0=$(cut -d' ' -f1 /proc/loadavg)
if [ -n "${LOADTEST_VIEW:-}" ]; then  # the live view in headless Chromium during the window
  SPLATEDGE_VIEW_URL="http://127.0.0.1:$HTTP_PORT" SPLATEDGE_VIEW_TOKEN="$TOKEN" SPLATEDGE_VIEW_MEASURE_SECONDS=$((MEASURE > 12 ? MEASURE - 10 : 2)) \
    SPLATEDGE_VIEW_SCREENSHOT="$WORK/view.png" ${SWIFT:-swift} test --skip-build --filter LiveViewBrowserTests/screenshotOfRunningDaemon \
    > "$WORK/view.txt" 2>&1 &
  CLIENT_PIDS+=($!)
fi
sleep "$MEASURE"
load1=$(cut -d' ' -f1 /proc/loadavg)
server_ticks1=$(ticks "$SERVER_PID")
client_ticks1=$(client_ticks)
ended=$(date +%s.%N)
end_slot=$("${CURL[@]}" "$STATUS_URL" | jq '.slots.slots_completed')
rss_kib=$(awk '/^VmRSS:/ { print $2 }' "/proc/$SERVER_PID/status")
peak_kib=$(awk '/^VmHWM:/ { print $2 }' "/proc/$SERVER_PID/status")

status=0
for pid in "${CLIENT_PIDS[@]}"; do wait "$pid" || status=$?; done
if [ -n "${LOADTEST_VIEW:-}" ]; then grep -h "live view measurement" "$WORK/view.txt" || echo "live view: no measurement ($WORK/view.txt)"; fi
CLIENT_PIDS=()
kill -TERM "$SERVER_PID"
wait "$SERVER_PID" || status=$?

LOG="$WORK/data/slot-log.jsonl"
WINDOW="$WORK/window.jsonl"
jq -c --argjson a "$first_slot" --argjson b "$end_slot" 'select(.slot >= $a and .slot < $b)' "$LOG" > "$WINDOW"
# Nearest-rank percentiles of one slot-record field over the window.
percentiles() {
  jq -s -r --arg f "$1" 'map(.[$f]) | sort | length as $n
    | def at(q): .[([((q * $n) | ceil) - 1, 0] | max)];
    if $n == 0 then "-" else "\(at(0.5) * 100 | round / 100) / \(at(0.9) * 100 | round / 100) / \(at(0.99) * 100 | round / 100) / \(.[-1] * 100 | round / 100)" end' "$WINDOW"
}
# The same over the FRAMEs the window sent: one field of each x = 1 user's entry.
frame_percentiles() {
  jq -s -r --arg f "$1" '[.[].users[] | select(.x == 1) | .[$f] | select(. != null)] | sort | length as $n
    | def at(q): .[([((q * $n) | ceil) - 1, 0] | max)];
    if $n == 0 then "-" else "\(at(0.5) * 100 | round / 100) / \(at(0.9) * 100 | round / 100) / \(at(0.99) * 100 | round / 100) / \(.[-1] * 100 | round / 100)" end' "$WINDOW"
}
per_slot_frames=$(jq -s -r 'map([.users[] | select(.x == 1)] | length) | sort | length as $n
  | if $n == 0 then "-" else "\(.[(($n / 2) | floor)]) / \(.[-1])" end' "$WINDOW")
slots=$(wc -l < "$WINDOW")
full=$(jq -s --argjson n "$AGENTS" 'map(select((.robots | length) + (.users | length) == $n)) | length' "$WINDOW")
late=$(jq -s 'map(select(.late)) | length' "$WINDOW")
jq -r '.slot as $s | .users[] | select(.deadline_miss) | "\(.client) \($s)"' "$WINDOW" | sort > "$WORK/server-misses.txt"
served=$(jq -s 'map(.users[] | select(.x == 1)) | length' "$WINDOW")
jq -r --argjson a "$first_slot" --argjson b "$end_slot" \
  '.client as $c | .rows[] | select(.outage and .slot >= $a and .slot < $b) | "\($c) \(.slot)"' "$WORK"/reports/*.json \
  | sort > "$WORK/client-outages.txt"
server_misses=$(wc -l < "$WORK/server-misses.txt")
outages=$(wc -l < "$WORK/client-outages.txt")
link_outages=$(comm -23 "$WORK/client-outages.txt" "$WORK/server-misses.txt" | wc -l)
robot_outages=$(grep -c '^robot-' "$WORK/client-outages.txt" || true)
rows=$(jq -s --argjson a "$first_slot" --argjson b "$end_slot" \
  'map(.rows[] | select(.slot >= $a and .slot < $b)) | length' "$WORK"/reports/*.json)
wall=$(awk -v a="$started" -v b="$ended" 'BEGIN { printf "%.2f", b - a }')
cpu() { awk -v t0="$1" -v t1="$2" -v hz="$HZ" -v w="$wall" 'BEGIN { printf "%.1f", 100 * (t1 - t0) / hz / w }'; }

cat <<EOF

== slot loop load test: $AGENTS agents ($ROBOTS robots, $USERS users), $TRANSPORT, τ = $SLOT_MS ms, $(nproc) cores, daemon nice $SERVER_NICE${SERVER_RT:+ SCHED_RR $SERVER_RT}, clients nice $CLIENT_NICE
window: slots $first_slot..$((end_slot - 1)) ($slots slots, $full with all $AGENTS agents scheduled), $wall s
slot compute ms p50 / p90 / p99 / max:     $(percentiles compute_milliseconds)
  daemon CPU ms during the slot:           $(percentiles cpu_milliseconds)
  map observations (uploaded images) ms:   $(percentiles observe_milliseconds)
  Δ probes ms:                             $(percentiles probe_milliseconds)
  FRAME renders ms:                        $(percentiles render_milliseconds)
  robot solver ms (sum over robots):       $(percentiles robot_solver_milliseconds)
  user solver ms:                          $(percentiles user_solver_milliseconds)
slot start lag ms:                         $(percentiles lag_milliseconds)
late slots:                                $late
x=1 user slots (FRAMEs due):               $served (per slot median / max: $per_slot_frames)
  FRAME render ms p50 / p90 / p99 / max:   $(frame_percentiles render_milliseconds)
  FRAME PNG encode ms:                     $(frame_percentiles encode_milliseconds)
  FRAME PNG bits:                          $(frame_percentiles encoded_bits)
  D planned bits (irac):                   $(percentiles frame_bits)
server-caused deadline misses:             $server_misses
client-counted outages:                    $outages of $rows agent-slots ($robot_outages robot uplink), $link_outages not server-caused (link)
edge-serverd CPU:                          $(cpu "$server_ticks0" "$server_ticks1") % of one core, $(awk -v t0="$server_ticks0" -v t1="$server_ticks1" -v hz="$HZ" -v n="$slots" 'BEGIN { printf "%.1f", n ? 1000 * (t1 - t0) / hz / n : 0 }') CPU ms per slot
edge-serverd RSS:                          $((rss_kib / 1024)) MiB (peak $((peak_kib / 1024)) MiB)
client-sim CPU (all processes):            $(cpu "$client_ticks0" "$client_ticks1") % of one core
load average (1 min) at start / end:       $load0 / $load1
EOF
exit $status
