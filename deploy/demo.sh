#!/usr/bin/env bash
# make demo: one edge-serverd (embedded procedural world, default solvers) on loopback, a few
# client-sim robots and users for DEMO_SECONDS — their pilots estimate the channel with error
# ω² = DEMO_ESTIMATION_ERROR·|h̃|², they report it in CHANNEL_REPORT and the daemon plans from the
# reports only — then a summary table per role and solver with scheduled vs achieved
# transmissions (the clients' own counts, and the daemon's from their reports); then
# one STT-GS collection round with DEMO_COLLECTORS collectors (the paper's T = 350 s, run
# DEMO_TIME_SCALE times faster) and its round report. The live view is on http://127.0.0.1:<DEMO_PORT+1>/
# (log in with the demo token); DEMO_SCREENSHOT=<file.png> saves a screenshot of it from headless
# Chromium DEMO_SCREENSHOT_AFTER seconds into the run (needs `swift build --build-tests` first).
# Every process this script starts is stopped by its own PID.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_TO_RUN=${DEMO_SECONDS:-30}
ROBOTS=${DEMO_ROBOTS:-3}
USERS=${DEMO_USERS:-3}
GSMR_SOLVER=${GSMR_SOLVER:-apo}
IRAC_SOLVER=${IRAC_SOLVER:-pmm}
ESTIMATION_ERROR=${DEMO_ESTIMATION_ERROR:-0.04}
STTGS_SOLVER=${STTGS_SOLVER:-pamm}
COLLECTORS=${DEMO_COLLECTORS:-5}
COLLECTOR_ITEMS=${DEMO_COLLECTOR_ITEMS:-60}
TIME_SCALE=${DEMO_TIME_SCALE:-35}
BIN=${BIN:-.build/release}
WORK=$(mktemp -d /tmp/splatedge-demo.XXXXXX)
TOKEN=demo-token
BINARY_PORT=${DEMO_PORT:-17450}
HTTP_PORT=$((BINARY_PORT + 1))

# As root, the daemon runs under SCHED_RR like the systemd unit, so that the clients' own renders
# on the same cores do not delay its FRAMEs (DEMO_SERVER_RT= runs it as an ordinary process).
SERVER_RT=${DEMO_SERVER_RT-$([ "$(id -u)" = 0 ] && echo 10 || true)}
SCHEDULER=()
if [ -n "$SERVER_RT" ]; then SCHEDULER=(chrt --rr "$SERVER_RT"); fi

printf '[gsmr]\nomega2_relative = %s\n[sttgs]\nsolver = "%s"\ncollectors = %d\ntime_scale = %s\n' \
  "$ESTIMATION_ERROR" "$STTGS_SOLVER" "$COLLECTORS" "$TIME_SCALE" > "$WORK/edge.toml"
${SCHEDULER[@]+"${SCHEDULER[@]}"} "$BIN/edge-serverd" --config "$WORK/edge.toml" --binary-port "$BINARY_PORT" --http-port "$HTTP_PORT" --data-dir "$WORK/data" \
  --token "$TOKEN" --gsmr-solver "$GSMR_SOLVER" --irac-solver "$IRAC_SOLVER" --log-level warning &
SERVER_PID=$!
CLIENT_PIDS=()
cleanup() {
  for pid in "${CLIENT_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
}
trap cleanup EXIT

for _ in $(seq 1 100); do
  if curl -sf "http://127.0.0.1:$HTTP_PORT/healthz" --http2-prior-knowledge >/dev/null 2>&1 || \
     (exec 3<>"/dev/tcp/127.0.0.1/$BINARY_PORT") 2>/dev/null; then break; fi
  sleep 0.1
done

echo "edge-serverd (pid $SERVER_PID) on 127.0.0.1:$BINARY_PORT; $ROBOTS robots ($GSMR_SOLVER), $USERS users ($IRAC_SOLVER), ${SECONDS_TO_RUN}s; channel estimation error r = $ESTIMATION_ERROR; work dir $WORK"
echo "live view: http://127.0.0.1:$HTTP_PORT/ (token $TOKEN)"
if [ -n "${DEMO_SCREENSHOT:-}" ]; then
  (sleep "${DEMO_SCREENSHOT_AFTER:-15}"
   SPLATEDGE_VIEW_URL="http://127.0.0.1:$HTTP_PORT" SPLATEDGE_VIEW_TOKEN="$TOKEN" SPLATEDGE_VIEW_SCREENSHOT="$(realpath -m "$DEMO_SCREENSHOT")" \
     ${SWIFT:-swift} test --skip-build --filter LiveViewBrowserTests/screenshotOfRunningDaemon > "$WORK/screenshot.txt" 2>&1 \
     && echo "live view screenshot: $DEMO_SCREENSHOT" || echo "live view screenshot failed: $WORK/screenshot.txt") &
  CLIENT_PIDS+=($!)
fi
"$BIN/client-sim" --role robot --count "$ROBOTS" --server "127.0.0.1:$BINARY_PORT" --token "$TOKEN" --estimation-error "$ESTIMATION_ERROR" \
  --duration "$SECONDS_TO_RUN" --out "$WORK/reports" --run-log "$WORK/data/slot-log.jsonl" > "$WORK/robots.txt" &
CLIENT_PIDS+=($!)
"$BIN/client-sim" --role user --count "$USERS" --server "127.0.0.1:$BINARY_PORT" --token "$TOKEN" --estimation-error "$ESTIMATION_ERROR" \
  --duration "$SECONDS_TO_RUN" --out "$WORK/reports" --run-log "$WORK/data/slot-log.jsonl" > "$WORK/users.txt" &
CLIENT_PIDS+=($!)
status=0
for pid in "${CLIENT_PIDS[@]}"; do wait "$pid" || status=$?; done
CLIENT_PIDS=()

echo
head -n 1 "$WORK/robots.txt"
tail -n 1 "$WORK/robots.txt"
tail -n 1 "$WORK/users.txt"
# Scheduled vs achieved as the daemon saw it: the running counts the clients report in CHANNEL_REPORT.
metrics=$(curl -sf "http://127.0.0.1:$HTTP_PORT/metrics" --http2-prior-knowledge || true)
for role in robot user; do
  sent=$(awk -v r="edge_link_transmissions_total{role=\"$role\"}" '$1 == r { print $2 }' <<< "$metrics")
  lost=$(awk -v r="edge_link_outages_total{role=\"$role\"}" '$1 == r { print $2 }' <<< "$metrics")
  echo "daemon, $role: ${sent:-0} transmissions scheduled, ${lost:-0} outages, $(( ${sent:-0} - ${lost:-0} )) achieved (from CHANNEL_REPORT)"
done
reported=$(jq -s '[.[] | .robots[], .users[] | select(.channel_reported)] | length' "$WORK/data/slot-log.jsonl")
planned=$(jq -s '[.[] | .robots[], .users[]] | length' "$WORK/data/slot-log.jsonl")
echo "decisions planned on the slot's own CHANNEL_REPORT: $reported of $planned (the rest at the large-scale mean)"
slots=$(wc -l < "$WORK/data/slot-log.jsonl")
late=$(grep -c '"late":true' "$WORK/data/slot-log.jsonl" || true)
echo
echo "slots: $slots (late: $late); per-agent CSV/JSON in $WORK/reports; run log $WORK/data/slot-log.jsonl"

echo
echo "STT-GS round: $COLLECTORS collectors × $COLLECTOR_ITEMS images, solver $STTGS_SOLVER, T = 350 s at ×$TIME_SCALE"
"$BIN/client-sim" --role collector --count "$COLLECTORS" --items "$COLLECTOR_ITEMS" --server "127.0.0.1:$BINARY_PORT" \
  --token "$TOKEN" --time-scale "$TIME_SCALE" --duration 120 --out "$WORK/collectors" > "$WORK/collectors.txt" &
CLIENT_PIDS+=($!)
wait "${CLIENT_PIDS[0]}" || status=$?
CLIENT_PIDS=()
for _ in $(seq 1 100); do [ -f "$WORK/data/rounds/round-0.txt" ] && break; sleep 0.1; done
cat "$WORK/collectors.txt"
echo
cat "$WORK/data/rounds/round-0.txt" 2>/dev/null || { echo "no round report"; status=1; }
echo "round report JSON: $WORK/data/rounds/round-0.json; collectors' reports in $WORK/collectors"
exit $status
