#!/usr/bin/env bash
# make demo: one edge-serverd (embedded procedural world, default solvers) on loopback, a few
# client-sim robots and users for DEMO_SECONDS, then a summary table per role and solver.
# Every process this script starts is stopped by its own PID.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_TO_RUN=${DEMO_SECONDS:-30}
ROBOTS=${DEMO_ROBOTS:-3}
USERS=${DEMO_USERS:-3}
GSMR_SOLVER=${GSMR_SOLVER:-apo}
IRAC_SOLVER=${IRAC_SOLVER:-pmm}
BIN=${BIN:-.build/release}
WORK=$(mktemp -d /tmp/splatedge-demo.XXXXXX)
TOKEN=demo-token
BINARY_PORT=${DEMO_PORT:-17450}
HTTP_PORT=$((BINARY_PORT + 1))

"$BIN/edge-serverd" --binary-port "$BINARY_PORT" --http-port "$HTTP_PORT" --data-dir "$WORK/data" \
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

echo "edge-serverd (pid $SERVER_PID) on 127.0.0.1:$BINARY_PORT; $ROBOTS robots ($GSMR_SOLVER), $USERS users ($IRAC_SOLVER), ${SECONDS_TO_RUN}s; work dir $WORK"
"$BIN/client-sim" --role robot --count "$ROBOTS" --server "127.0.0.1:$BINARY_PORT" --token "$TOKEN" \
  --duration "$SECONDS_TO_RUN" --out "$WORK/reports" --run-log "$WORK/data/slot-log.jsonl" > "$WORK/robots.txt" &
CLIENT_PIDS+=($!)
"$BIN/client-sim" --role user --count "$USERS" --server "127.0.0.1:$BINARY_PORT" --token "$TOKEN" \
  --duration "$SECONDS_TO_RUN" --out "$WORK/reports" --run-log "$WORK/data/slot-log.jsonl" > "$WORK/users.txt" &
CLIENT_PIDS+=($!)
status=0
for pid in "${CLIENT_PIDS[@]}"; do wait "$pid" || status=$?; done
CLIENT_PIDS=()

echo
head -n 1 "$WORK/robots.txt"
tail -n 1 "$WORK/robots.txt"
tail -n 1 "$WORK/users.txt"
slots=$(wc -l < "$WORK/data/slot-log.jsonl")
late=$(grep -c '"late":true' "$WORK/data/slot-log.jsonl" || true)
echo
echo "slots: $slots (late: $late); per-agent CSV/JSON in $WORK/reports; run log $WORK/data/slot-log.jsonl"
exit $status
