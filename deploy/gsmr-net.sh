#!/usr/bin/env bash
# GSMR Fig. 11 over the network: for each (solver, ω² ratio r) a fresh edge-serverd (gsmr.solver,
# gsmr.omega2_relative = r, gsmr.epsilon = EPSILON) and one client-sim process of ROBOTS robots
# whose pilots have estimation error r (--estimation-error r). The daemon plans from the robots'
# CHANNEL_REPORTs only; the robots transmit at the scheduled power over the true channel
# h = h̃ + Δh and count an outage when the transmission cannot finish by its deadline.
# Prints per run: transmissions, outages and the outage rate with its Wilson 95 % interval, the
# image outage rate, the mean planned MR loss (daemon, L_t·(1 − x_t)), the mean achieved MR loss
# (robots, GS loss of what they showed), and the mean scheduled power.
# Every process this script starts is stopped by its own PID.
#   RUNS="apo:0.01 bils:0.01 apo:0.04 bils:0.04 apo:0.1 bils:0.1 lowpower:0 apo:0" RUN_S=20 ROBOTS=4 \
#   EPSILON=0.1 L_TH=0.03 LOW_POWER_POLICY=horizon SEED=1 BIN=.build/release deploy/gsmr-net.sh
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-"apo:0.01 bils:0.01 apo:0.04 bils:0.04 apo:0.1 bils:0.1 lowpower:0 apo:0"}
RUN_S=${RUN_S:-20}
ROBOTS=${ROBOTS:-4}
EPSILON=${EPSILON:-0.1}
L_TH=${L_TH:-0.03}
LOW_POWER_POLICY=${LOW_POWER_POLICY:-horizon}
SEED=${SEED:-1}
GAUSSIANS=${GAUSSIANS:-2000}
SIZE=${SIZE:-32x24}
BIN=${BIN:-.build/release}
PORT=${PORT:-17750}
WORK=$(mktemp -d /tmp/splatedge-gsmr-net.XXXXXX)
SERVER_PID=""
cleanup() { [ -n "$SERVER_PID" ] && kill -TERM "$SERVER_PID" 2>/dev/null || true; }
trap cleanup EXIT

echo "seed $SEED, $ROBOTS robots × ${RUN_S}s per run, ε = $EPSILON, L_th = $L_TH; work dir $WORK"
printf '%-9s %5s %6s %7s %8s %-17s %9s %10s %10s %11s\n' solver r sent outages rate "95% CI" image_rate "planned L" "achieved L" "power mW"
for run in $RUNS; do
  solver=${run%%:*}
  r=${run##*:}
  dir="$WORK/$solver-$r"
  mkdir -p "$dir"
  printf '[slot]\nchannel_seed = %d\n[gsmr]\nsolver = "%s"\nepsilon = %s\nomega2_relative = %s\nloss_threshold = %s\nlow_power_policy = "%s"\n' \
    "$SEED" "$solver" "$EPSILON" "$r" "$L_TH" "$LOW_POWER_POLICY" > "$dir/edge.toml"
  "$BIN/edge-serverd" --config "$dir/edge.toml" --binary-port "$PORT" --http-port $((PORT + 1)) --data-dir "$dir/data" \
    --token t --log-level warning --world-gaussians "$GAUSSIANS" --threads 1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done
  "$BIN/client-sim" --role robot --count "$ROBOTS" --seed "$SEED" --server "127.0.0.1:$PORT" --token t \
    --duration "$RUN_S" --world-gaussians "$GAUSSIANS" --image-size "$SIZE" --estimation-error "$r" \
    --out "$dir/reports" > "$dir/robots.txt"
  kill -TERM "$SERVER_PID"; wait "$SERVER_PID" || true; SERVER_PID=""
  # Transmissions (bits > 0), outages, image outages, achieved loss and power from the robots' rows.
  read -r sent outages images image_outages achieved power < <(jq -s -r '
    [.[].rows[]] as $rows | [$rows[] | select(.bits > 0)] as $tx | [$tx[] | select(.decision == 1)] as $img |
    "\($tx | length) \([$tx[] | select(.outage)] | length) \($img | length) \([$img[] | select(.outage)] | length) " +
    "\([$rows[] | .loss] | add / length) \([$rows[] | .power_w] | add / length)"' "$dir"/reports/*.json)
  planned=$(jq -s -r '[.[].robots[] | .predicted_loss * (1 - .x)] | add / length' "$dir/data/slot-log.jsonl")
  awk -v s="$solver" -v r="$r" -v n="$sent" -v k="$outages" -v m="$images" -v j="$image_outages" \
      -v pl="$planned" -v al="$achieved" -v p="$power" 'BEGIN {
    z = 1.96; q = (n > 0) ? k / n : 0
    c = (q + z * z / (2 * n)) / (1 + z * z / n); h = z * sqrt(q * (1 - q) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    printf "%-9s %5s %6d %7d %8.4f [%.4f, %.4f] %9.4f %10.5f %10.5f %11.4f\n", s, r, n, k, q, c - h, c + h,
      (m > 0) ? j / m : 0, pl, al, p * 1000 }'
done
