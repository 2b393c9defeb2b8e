#!/usr/bin/env bash
# make cluster-demo: three sites as network namespaces (veth pairs on a host-only bridge, rates
# shaped with tbf), a 3-member etcd on that bridge, one edge-serverd per site with [cluster] on,
# client-sim users on every site moving between spaces. After CLUSTER_KILL_AFTER seconds it
# SIGKILLs the controller's daemon, then the etcd Raft leader, and prints a summary: placements
# over time, users served per second, the model's T and E per placement, and the time from the
# kill to a placement that serves every remaining user again, then each user's measured frame
# latency beside the SCC model's prediction for the view placed, and the space sync's cost.
# The sites sit where the SCC generator's metropolitan network puts three MECs (gs-lab scc
# generate, CLUSTER_CITY, CLUSTER_CITY_SEED); the daemons add the propagation delay of their
# distance in user space (no netem in this kernel).
# Without permission for namespaces it runs the same on loopback and says so.
# Every process this script starts is stopped by its own PID.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_TO_RUN=${CLUSTER_SECONDS:-40}
KILL_AFTER=${CLUSTER_KILL_AFTER:-15}
USERS_PER_SITE=${CLUSTER_USERS:-2}
RATE_MBIT=${CLUSTER_RATE_MBIT:-100}
SOLVER=${CLUSTER_SOLVER:-weightgreedy}
TTL=${CLUSTER_LEASE_TTL:-3}
PERIOD=${CLUSTER_PERIOD:-1}
BIN=${BIN:-.build/debug}
CITY=${CLUSTER_CITY:-virginia}
CITY_SEED=${CLUSTER_CITY_SEED:-1}
SYNC_HZ=${CLUSTER_SYNC_HZ:-5}
WORK=$(mktemp -d /tmp/splatedge-cluster.XXXXXX)
PREFIX=/splatedge-demo
TOKEN=demo-token
SITES=(a b c)
PIDS=()
NETNS=0

cleanup() {
  exec 2>/dev/null  # no job-control notices for the processes stopped here
  for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  if [ "$NETNS" = 1 ]; then
    for i in 0 1 2; do ip netns del "se-site$i" 2>/dev/null || true; done
    ip link del se-br0 2>/dev/null || true
  fi
}
trap cleanup EXIT

for tool in etcd etcdctl jq; do
  command -v "$tool" >/dev/null || { echo "cluster-demo: $tool missing (make deps installs it)"; exit 1; }
done

# Where the three sites are: three MECs the SCC generator samples from the synthetic city.
"$BIN/gs-lab" scc generate --mecs 3 --users 6 --spaces 4 --city "$CITY" --city-seed "$CITY_SEED" --out "$WORK/scc" >/dev/null
POSITIONS=$(jq -c '.mec_positions_km' "$WORK/scc/scc-1.json")
pos() { jq -r ".[$1][$2]" <<<"$POSITIONS"; }
echo "sites: MEC positions from the $CITY network (seed $CITY_SEED), km: $POSITIONS"
for i in 0 1 2; do for j in 0 1 2; do
  [ "$i" -lt "$j" ] && awk -v a="$(pos $i 0)" -v b="$(pos $i 1)" -v c="$(pos $j 0)" -v d="$(pos $j 1)" -v n="${SITES[$i]}-${SITES[$j]}" \
    'BEGIN { km = sqrt((a - c)^2 + (b - d)^2); printf "  %s: %.1f km, one-way propagation %.0f us (5 us/km, added in user space)\n", n, km, 5 * km }'
done; done

# Sites: namespaces on a host-only bridge 10.77.0.0/24 (the host, running etcd, is .1); each
# site's veth shaped to RATE_MBIT both ways with tbf. netem is not in this kernel, so no
# propagation delay is added on the wire (see docs/OPERATIONS.md, "Running a cluster").
HOST_ADDR=127.0.0.1
site_addr() { if [ "$NETNS" = 1 ]; then echo "10.77.0.1$1"; else echo 127.0.0.1; fi; }
# The command prefix that runs a process in site $1 (ip netns exec execs it: $! is its PID).
site_exec() { if [ "$NETNS" = 1 ]; then SITE_EXEC=(ip netns exec "se-site$1"); else SITE_EXEC=(); fi; }
if [ "$(id -u)" = 0 ] && ip netns add se-probe 2>/dev/null; then
  ip netns del se-probe
  NETNS=1
  # Leftovers of an interrupted earlier run (this script's own names only).
  for i in 0 1 2; do ip netns del "se-site$i" 2>/dev/null || true; ip link del "se-v$i" 2>/dev/null || true; done
  ip link del se-br0 2>/dev/null || true
  ip link add se-br0 type bridge && ip addr add 10.77.0.1/24 dev se-br0 && ip link set se-br0 up
  for i in 0 1 2; do
    ip netns add "se-site$i"
    ip link add "se-v$i" type veth peer name "se-p$i"
    ip link set "se-p$i" netns "se-site$i"
    ip link set "se-v$i" master se-br0 up
    ip netns exec "se-site$i" ip addr add "10.77.0.1$i/24" dev "se-p$i"
    ip netns exec "se-site$i" ip link set "se-p$i" up
    ip netns exec "se-site$i" ip link set lo up
    tc qdisc add dev "se-v$i" root tbf rate "${RATE_MBIT}mbit" burst 64kb latency 50ms
    ip netns exec "se-site$i" tc qdisc add dev "se-p$i" root tbf rate "${RATE_MBIT}mbit" burst 64kb latency 50ms
  done
  HOST_ADDR=10.77.0.1
  echo "sites: 3 network namespaces on bridge se-br0, veth shaped to ${RATE_MBIT} Mbit/s (tbf); no netem: propagation delay added by the daemons"
else
  echo "sites: network namespaces not permitted here; falling back to loopback for all three sites (no rate shaping; propagation delay still added by the daemons)"
fi

# etcd: three members on the host side of the bridge (or loopback).
ENDPOINTS=()
CLUSTER=""
for i in 0 1 2; do CLUSTER+="${CLUSTER:+,}e$i=http://$HOST_ADDR:$((23800 + i))"; done
for i in 0 1 2; do
  etcd --name "e$i" --data-dir "$WORK/etcd$i" \
    --listen-client-urls "http://$HOST_ADDR:$((23790 + i))" --advertise-client-urls "http://$HOST_ADDR:$((23790 + i))" \
    --listen-peer-urls "http://$HOST_ADDR:$((23800 + i))" --initial-advertise-peer-urls "http://$HOST_ADDR:$((23800 + i))" \
    --initial-cluster "$CLUSTER" --initial-cluster-state new --initial-cluster-token splatedge-demo \
    --heartbeat-interval 50 --election-timeout 500 --logger zap --log-level error >"$WORK/etcd$i.log" 2>&1 &
  PIDS+=($!)
  ETCD_PIDS[$i]=$!
  ENDPOINTS+=("$HOST_ADDR:$((23790 + i))")
done
ETCDCTL=(env ETCDCTL_API=3 etcdctl --endpoints "$(IFS=,; echo "${ENDPOINTS[*]}")" --command-timeout 2s)
for _ in $(seq 100); do "${ETCDCTL[@]}" endpoint health >/dev/null 2>&1 && break; sleep 0.2; done
echo "etcd: 3 members at ${ENDPOINTS[*]}"

# Daemons and users, one per site.
declare -A DAEMON_PID
for i in 0 1 2; do
  id="edge-${SITES[$i]}"
  addr=$(site_addr "$i")
  port=$((17450 + 10 * i))
  cat >"$WORK/$id.toml" <<EOF
[irac]
probe_size = "32x24"
frame_size = "32x24"
[cluster]
enabled = true
id = "$id"
site = "site-${SITES[$i]}"
etcd_endpoints = [$(printf '"%s",' "${ENDPOINTS[@]}" | sed 's/,$//')]
prefix = "$PREFIX"
lease_ttl_s = $TTL
space_extent_m = 1.0
task_limit = $([ "$i" = 0 ] && echo 1 || echo 8)
peer_token = "$TOKEN"
position_x_km = $(pos "$i" 0)
position_y_km = $(pos "$i" 1)
sync_hz = $SYNC_HZ
[scc]
period_s = $PERIOD
solver = "$SOLVER"
EOF
  site_exec "$i"
  "${SITE_EXEC[@]}" "$BIN/edge-serverd" --config "$WORK/$id.toml" --binary-host "$addr" --binary-port "$port" \
    --http-host "$addr" --http-port $((port + 1)) --data-dir "$WORK/$id-data" --token "$TOKEN" \
    --world-gaussians 2000 --threads 1 --slot-ms 200 >"$WORK/$id.log" 2>&1 &
  PIDS+=($!)
  DAEMON_PID[$id]=$!
done
sleep 1
for i in 0 1 2; do
  site_exec "$i"
  "${SITE_EXEC[@]}" "$BIN/client-sim" --role user --count "$USERS_PER_SITE" --seed $((i + 1)) --first-index $((10 * i)) \
    --server "$(site_addr "$i"):$((17450 + 10 * i))" --token "$TOKEN" --duration "$SECONDS_TO_RUN" \
    --world-gaussians 2000 --frame-size 32x24 --out "$WORK/reports-$i" >"$WORK/client-$i.log" 2>&1 &
  PIDS+=($!)
done

# Watch the placement: one line per change (time since start, epoch, leader, members, views, T, E).
START=$EPOCHREALTIME
elapsed() { awk -v a="$EPOCHREALTIME" -v b="$START" 'BEGIN { printf "%.3f", a - b }'; }
later() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a > b) }'; }
: >"$WORK/placements.tsv"
LAST_EPOCH=0
KILLED=""
KILL_TIME=""
ETCD_KILLED=""
while true; do
  now=$(elapsed)
  if "${ETCDCTL[@]}" get "$PREFIX/placement" --print-value-only >"$WORK/placement.json" 2>/dev/null && [ -s "$WORK/placement.json" ]; then
    epoch=$(jq -r .epoch "$WORK/placement.json")
    if [ "$epoch" != "$LAST_EPOCH" ]; then
      LAST_EPOCH=$epoch
      [ -z "$KILLED" ] && cp "$WORK/placement.json" "$WORK/placement-before-kill.json"
      users=$("${ETCDCTL[@]}" get --prefix "$PREFIX/members/" --print-value-only 2>/dev/null | jq -s '[.[].users[].user] | length')
      jq -r --arg t "$now" --arg users "$users" \
        '[$t, .epoch, .leader, (.members | join(",")), (.views | length), ([.views[].user] | unique | length), $users,
          (.views | map(select(.member != .local)) | length), .predictedLatencySeconds, .predictedEnergyJoules] | @tsv' \
        "$WORK/placement.json" >>"$WORK/placements.tsv"
    fi
  fi
  if [ -z "$KILLED" ] && later "$now" "$KILL_AFTER"; then
    KILLED=$("${ETCDCTL[@]}" get "$PREFIX/leader" --print-value-only 2>/dev/null || true)
    KILLED=${KILLED:-edge-a}
    "${ETCDCTL[@]}" get --prefix "$PREFIX/members/" --print-value-only >"$WORK/members-before-kill.json" 2>/dev/null || true
    { kill -9 "${DAEMON_PID[$KILLED]}"; wait "${DAEMON_PID[$KILLED]}"; } 2>/dev/null || true
    KILL_TIME=$now
    echo "t=${now%.*} s: SIGKILL $KILLED (the controller)"
  fi
  if [ -n "$KILLED" ] && [ -z "$ETCD_KILLED" ] && later "$now" $((KILL_AFTER + 3 * TTL)); then
    leader_id=$("${ETCDCTL[@]}" endpoint status -w json 2>/dev/null | jq -r '.[0].Status.leader')
    for i in 0 1 2; do
      member=$(env ETCDCTL_API=3 etcdctl --endpoints "${ENDPOINTS[$i]}" endpoint status -w json 2>/dev/null | jq -r '.[0].Status.header.member_id')
      if [ "$member" = "$leader_id" ]; then
        { kill -9 "${ETCD_PIDS[$i]}"; wait "${ETCD_PIDS[$i]}"; } 2>/dev/null || true
        ETCD_KILLED="e$i"
      fi
    done
    echo "t=${now%.*} s: SIGKILL etcd leader ${ETCD_KILLED:-none found}"
  fi
  later "$now" "$SECONDS_TO_RUN" && break
  sleep 0.2
done

echo
echo "placements over time (model T, E for the placed views; 'remote' = views computed off the user's edge):"
printf '%8s %6s %-8s %-22s %6s %6s %6s %6s %10s %10s\n' t_s epoch leader members views placed users remote T_s E_J
awk -F'\t' '{printf "%8.2f %6s %-8s %-22s %6s %6s %6s %6s %10.4f %10.4f\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10}' "$WORK/placements.tsv"

echo
echo "users served (FRAMEs with x=1) per second of the run, summed over the daemons' slot logs:"
for id in edge-a edge-b edge-c; do
  f="$WORK/$id-data/slot-log.jsonl"
  [ -f "$f" ] && jq -r --arg id "$id" '[$id, (.slot / 5 | floor), ([.users[]? | select(.x == 1)] | length)] | @tsv' "$f"
done | awk -F'\t' '{served[$2] += $3; slots[$2] += 1} END {for (s in served) printf "%d %d\n", s, served[s]}' \
  | sort -n | awk '{printf "  t=%3d s: %d\n", $1, $2}' | tail -n +1 | head -n "$SECONDS_TO_RUN"

echo
FAILOVER=$(awk -F'\t' -v k="$KILL_TIME" -v dead="$KILLED" \
  '$1 > k && index($4, dead) == 0 && $6 == $7 && $7 > 0 {printf "%.2f", $1 - k; exit}' "$WORK/placements.tsv")
echo "killed daemon: $KILLED at t=${KILL_TIME%.*} s; etcd member killed: ${ETCD_KILLED:-none}"
echo "time from the kill to a placement without $KILLED serving every remaining user: ${FAILOVER:-not reached} s (lease TTL $TTL s, period $PERIOD s)"
echo "relayed remote views (users whose view another edge rendered): $(cat "$WORK"/edge-*.log | grep -c 'cluster view forwarded' || true) changes of rendering edge logged"
echo
echo "measured vs model, per user, under the last placement before the kill (slots before t=$KILL_AFTER s):"
echo "  model t/e: one view on the member placed, w/f + t^se + d t^vp + d t^ed and kappa w f^2 + e^se + d e^vp + d e^ed, q-weighted over the user's views;"
echo "  measured: mean time from the slot's start to the FRAME being sent (frame_ready_milliseconds in the daemons' slot logs); energy is not measured"
for id in edge-a edge-b edge-c; do
  f="$WORK/$id-data/slot-log.jsonl"
  [ -f "$f" ] && jq -r --argjson last $((KILL_AFTER * 5)) \
    'select(.slot < $last) | .users[]? | select(.x == 1 and .frame_ready_milliseconds != null) | [.client, .frame_ready_milliseconds] | @tsv' "$f"
done | awk -F'\t' '{sum[$1] += $2; n[$1] += 1} END {for (u in sum) printf "%s\t%.2f\t%d\n", u, sum[u] / n[u], n[u]}' | sort >"$WORK/measured.tsv"
if [ -s "$WORK/placement-before-kill.json" ]; then
  jq -r '.views | group_by(.user)[] | [.[0].user, .[0].local, (map(.member) | unique | join("+")),
      ((map((.share // 0) * (.predictedSeconds // 0)) | add) / ((map(.share // 0) | add) // 1) * 1000),
      ((map((.share // 0) * (.predictedJoules // 0)) | add) / ((map(.share // 0) | add) // 1))] | @tsv' \
    "$WORK/placement-before-kill.json" | sort >"$WORK/model.tsv"
  printf '  %-10s %-7s %-16s %12s %12s %14s %7s\n' user local placed_on model_t_ms model_e_J measured_ms frames
  join -t $'\t' -a 1 "$WORK/model.tsv" "$WORK/measured.tsv" \
    | awk -F'\t' '{printf "  %-10s %-7s %-16s %12.2f %12.4f %14s %7s\n", $1, $2, $3, $4, $5, ($6 == "" ? "-" : $6), ($7 == "" ? 0 : $7)}'
  awk -F'\t' 'NR == FNR {m[$1] = $4; next} ($1 in m) {mt += m[$1]; me += $2; k++} END {if (k) printf "  mean over %d users: model %.2f ms, measured %.2f ms\n", k, mt / k, me / k}' \
    "$WORK/model.tsv" "$WORK/measured.tsv"
fi
echo
echo "space sync (cluster.sync_hz=$SYNC_HZ; per member, its last report in which every message was answered: t^sy = half the measured round trip, e^sy = measured bits x model J/bit):"
for id in edge-a edge-b edge-c; do
  line=$(grep 'cluster sync$' "$WORK/$id.log" | grep ' failed=0 ' | tail -1 || true)
  [ -n "$line" ] && echo "  $id: $(grep -o 'sent=[^ ]*\|bits_per_msg=[^ ]*\|t_sy_s=[^ ]*\|e_sy_J=[^ ]*\|model_sync_bits=[^ ]*\|received=[^ ]*' <<<"$line" | tr '\n' ' ')"
done
if [ -s "$WORK/members-before-kill.json" ]; then
  echo "  model t^sy per pair of members (reported one-way latency, propagation included, + sync_bits / rate = 8192 bit / 100 Mbit/s):"
  jq -rs '[.[] | {id, l: .peerLatencySeconds}] as $m | $m[] as $a | $m[] as $b | select($a.id < $b.id)
      | [$a.id, $b.id, (([$a.l[$b.id], $b.l[$a.id]] | map(select(. != null))) as $x | if ($x | length) > 0 then ($x | add) / ($x | length) else 0 end)] | @tsv' \
    "$WORK/members-before-kill.json" | awk -F'\t' '{printf "    %s-%s: %.4f s\n", $1, $2, $3 + 8192 / 100e6}'
fi
echo "logs and placements: $WORK"
