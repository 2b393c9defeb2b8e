#!/usr/bin/env bash
# GSMR's memory learning the route (GSMR §IV-A, in the daemon): the same robots, route and channel
# seed against one edge-serverd without memory updates and one with `training.memory_update_s =
# UPDATE_S`, RUN_S seconds each, under the low-power solver (Q_GS: least power such that the mean
# MR loss stays within L_TH, so images are sent only where the memory is predicted to be wrong;
# under APO the power budget, not the loss, decides how many images go). Prints, per BUCKET_S
# seconds of slots: the share of robot frames
# sent as images (x = 1), the daemon's mean predicted loss L_t, the mean GS loss the daemon
# observed between its memory's render and the robots' uploaded images (the memory's real error
# where the robots looked), and the model version serving; then the versions the run made.
# Every process this script starts is stopped by its own PID.
#   RUN_S=600 ROBOTS=3 UPDATE_S=60 SOLVER=qgs L_TH=0.01 LOW_POWER_POLICY=price GAUSSIANS=20000 \
#   SIZE=64x48 SEED=1 BIN=.build/release deploy/gsmr-memory.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RUN_S=${RUN_S:-600}
ROBOTS=${ROBOTS:-3}
UPDATE_S=${UPDATE_S:-60}
ITERATIONS=${ITERATIONS:-300}
GAUSSIANS=${GAUSSIANS:-20000}
SIZE=${SIZE:-64x48}
SEED=${SEED:-1}
BUCKET_S=${BUCKET_S:-60}
SOLVER=${SOLVER:-qgs}
L_TH=${L_TH:-0.01}
LOW_POWER_POLICY=${LOW_POWER_POLICY:-price}
BIN=${BIN:-.build/release}
PORT=${PORT:-17760}
WORK=$(mktemp -d /tmp/splatedge-gsmr-memory.XXXXXX)
SERVER_PID=""
cleanup() { [ -n "$SERVER_PID" ] && kill -TERM "$SERVER_PID" 2>/dev/null || true; }
trap cleanup EXIT
echo "seed $SEED, $ROBOTS robots × ${RUN_S}s, solver $SOLVER (L_th $L_TH, $LOW_POWER_POLICY), world $GAUSSIANS Gaussians, images $SIZE; work dir $WORK"
for updates in 0 "$UPDATE_S"; do
  dir="$WORK/updates-$updates"
  mkdir -p "$dir"
  printf '[slot]\nchannel_seed = %d\n[gsmr]\nsolver = "%s"\nloss_threshold = %s\nlow_power_policy = "%s"\n[training]\niterations = %d\nmemory_update_s = %s\n' \
    "$SEED" "$SOLVER" "$L_TH" "$LOW_POWER_POLICY" "$ITERATIONS" "$updates" > "$dir/edge.toml"
  "$BIN/edge-serverd" --config "$dir/edge.toml" --binary-port "$PORT" --http-port $((PORT + 1)) --data-dir "$dir/data" \
    --token t --log-level warning --world-gaussians "$GAUSSIANS" --threads 1 &
  SERVER_PID=$!
  for _ in $(seq 1 300); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done
  "$BIN/client-sim" --role robot --count "$ROBOTS" --seed "$SEED" --server "127.0.0.1:$PORT" --token t \
    --duration "$RUN_S" --world-gaussians "$GAUSSIANS" --image-size "$SIZE" --no-quality \
    --out "$dir/reports" > "$dir/robots.txt"
  curl -s "http://127.0.0.1:$((PORT + 1))/v1/models" > "$dir/models.json"
  kill -TERM "$SERVER_PID"; wait "$SERVER_PID" || true; SERVER_PID=""
  slots_per_bucket=$((BUCKET_S * 10))  # τ = 100 ms
  echo
  echo "memory_update_s = $updates"
  printf '%8s %8s %9s %12s %14s %10s %8s\n' "from s" frames "image %" "predicted L" "observed L" "power mW" version
  jq -s -r --argjson n "$slots_per_bucket" '
    map(select(.robots | length > 0)) | group_by(.slot / $n | floor)[] |
    ([.[].robots[]]) as $r | ([.[] | select(.observed_loss != null)]) as $o |
    "\(.[0].slot / $n | floor) \($r | length) \(100 * ([$r[] | select(.x == 1)] | length) / ($r | length)) " +
    "\([$r[].predicted_loss] | add / length) " +
    "\([$r[].power_w] | add / length * 1000) " +
    "\(if ($o | length) > 0 then ([$o[] | .observed_loss * .images_observed] | add) / ([$o[].images_observed] | add) else "nan" end) " +
    "\(map(.model_version) | max)"' "$dir/data/slot-log.jsonl" |
    awk -v b="$BUCKET_S" '{ printf "%8d %8d %9.1f %12.5f %14s %10.3f %8d\n", $1 * b, $2, $3, $4, ($6 == "nan") ? "—" : sprintf("%.5f", $6), $5, $7 }'
  jq -r '.versions[] | "  version \(.version) (\(.source)): parent \(.parent // "—"), \(.training_samples) images + \(.held_out_samples) held out, held-out PSNR \(.psnr_before // "—") → \(.psnr_after // "—") dB, \(.training_seconds | floor) s, promoted \(.promoted)"' "$dir/models.json"
done
