#!/usr/bin/env bash
# One STT-GS round over loopback per (seed, solver): a fresh edge-serverd (channel seed = seed)
# and one client-sim process of collectors (--seed = seed), then the round report's header line.
# Every process this script starts is stopped by its own PID.
#   SOLVERS="maxrate fairness activelearning pamm exact" SEEDS="1 2 3" ROUND_S=14 TIME_SCALE=7 \
#   COLLECTORS=5 ITEMS=10 RATIO=0.2 SIZE=32x24 GAUSSIANS=2000 BIN=.build/release deploy/sttgs-rounds.sh
set -euo pipefail
cd "$(dirname "$0")/.."

SOLVERS=${SOLVERS:-"maxrate fairness activelearning pamm exact"}
SEEDS=${SEEDS:-"1 2 3"}
ROUND_S=${ROUND_S:-14}
TIME_SCALE=${TIME_SCALE:-7}
COLLECTORS=${COLLECTORS:-5}
ITEMS=${ITEMS:-10}
RATIO=${RATIO:-0.2}
SIZE=${SIZE:-32x24}
GAUSSIANS=${GAUSSIANS:-2000}
BIN=${BIN:-.build/release}
PORT=${PORT:-17650}
WORK=$(mktemp -d /tmp/splatedge-rounds.XXXXXX)
SERVER_PID=""
cleanup() { [ -n "$SERVER_PID" ] && kill -TERM "$SERVER_PID" 2>/dev/null || true; }
trap cleanup EXIT

for seed in $SEEDS; do
  for solver in $SOLVERS; do
    run="$WORK/seed$seed-$solver"
    mkdir -p "$run"
    printf '[slot]\nchannel_seed = %d\n[sttgs]\nsolver = "%s"\nround_s = %s\ntime_scale = %s\ncollectors = %d\n' \
      "$seed" "$solver" "$ROUND_S" "$TIME_SCALE" "$COLLECTORS" > "$run/edge.toml"
    "$BIN/edge-serverd" --config "$run/edge.toml" --no-slot-loop --binary-port "$PORT" --http-port $((PORT + 1)) \
      --data-dir "$run/data" --token t --log-level warning --world-gaussians "$GAUSSIANS" --threads 1 &
    SERVER_PID=$!
    for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done
    "$BIN/client-sim" --role collector --count "$COLLECTORS" --seed "$seed" --server "127.0.0.1:$PORT" --token t \
      --duration 120 --world-gaussians "$GAUSSIANS" --image-size "$SIZE" --items "$ITEMS" --sampling-ratio "$RATIO" \
      --time-scale "$TIME_SCALE" --out "$run/collectors" > "$run/collectors.txt" || true
    for _ in $(seq 1 100); do [ -f "$run/data/rounds/round-0.txt" ] && break; sleep 0.1; done
    kill -TERM "$SERVER_PID"; wait "$SERVER_PID" || true; SERVER_PID=""
    echo "seed $seed: $(head -n 1 "$run/data/rounds/round-0.txt")"
  done
done
echo "reports in $WORK"
