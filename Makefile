# splatedge — build, test and demo entry points.
# `make test` and `make demo` work on a fresh Debian 12 machine with Swift installed:
# they install the Debian packages below when any is missing (one apt-get update, then install).

DEB_PACKAGES := libopenblas-dev liblapacke-dev libpng-dev libjpeg62-turbo-dev libnghttp2-dev libsqlite3-dev libsystemd-dev \
                nghttp2-client nghttp2-server curl systemd openssl jq chromium etcd-server etcd-client iproute2
SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deps build release test format format-check fuzz demo cluster-demo bench bench-daemon loadtest check-daemon-tools clean

deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

# Serially: the end-to-end suites start daemons, client-sims and Chromium and measure deadlines;
# run side by side on 2 cores they starve each other's timers (fresh clone: 3 timing failures in
# parallel, none serially; 5 min serially against 2 min in parallel).
test: deps
	$(SWIFT) build --build-tests
	SWT_SWIFT_ERROR_BACKTRACING_ENABLED=0 $(SWIFT) test --skip-build --no-parallel

# Formatting: .swift-format is the style; `make format` applies it, `make format-check` fails on
# any difference (swift-format ships with the toolchain).
format:
	$(SWIFT) format format --in-place --recursive --parallel Package.swift Sources Tests

format-check:
	$(SWIFT) format lint --strict --recursive --parallel Package.swift Sources Tests

# The network fuzz test without its CI size: FUZZ_FRAMES seeded frames (default 1,000,000) over
# both transports against a daemon with its slot loop, while a healthy session streams.
FUZZ_FRAMES ?= 1000000
fuzz: deps
	$(SWIFT) build --build-tests
	SPLATEDGE_FUZZ_FRAMES=$(FUZZ_FRAMES) SWT_SWIFT_ERROR_BACKTRACING_ENABLED=0 $(SWIFT) test --skip-build --filter NetworkFuzzTests

# One daemon, a few client-sim robots and users on loopback for ~30 s, then a summary table
# (deploy/demo.sh; DEMO_SECONDS, DEMO_ROBOTS, DEMO_USERS, GSMR_SOLVER, IRAC_SOLVER, DEMO_COLLECTORS,
# DEMO_COLLECTOR_ITEMS, DEMO_TIME_SCALE, STTGS_SOLVER override).
demo: deps
	$(SWIFT) build -c release --product edge-serverd
	$(SWIFT) build -c release --product client-sim
	deploy/demo.sh

# Daemon benchmarks (release, loopback): POSE ingest, h2load vs nghttpd. Figures: docs/PERFORMANCE.md.
bench-daemon: deps
	$(SWIFT) build -c release --product edge-serverd
	$(SWIFT) build -c release --product gs-lab
	deploy/bench-daemon.sh

# Slot-loop load test (release, loopback): one daemon, N agents (half robots, half users), then
# slot compute p50/p90/p99, late slots, deadline misses, daemon CPU and RSS (deploy/loadtest.sh;
# LOADTEST_TRANSPORT, LOADTEST_PER_PROCESS, LOADTEST_SLOT_MS, LOADTEST_ROBOTS, LOADTEST_SERVER_ARGS,
# LOADTEST_CLIENT_ARGS override). As root the daemon runs
# under SCHED_RR 10, as the systemd unit runs it (LOADTEST_SERVER_RT= turns that off). Figures:
# docs/PERFORMANCE.md.
N ?= 200
LOADTEST_SECONDS ?= 20
LOADTEST_SERVER_RT ?= $(shell [ "$$(id -u)" = 0 ] && echo 10)
loadtest: deps
	$(SWIFT) build -c release --product edge-serverd
	$(SWIFT) build -c release --product client-sim
	LOADTEST_SERVER_RT=$(LOADTEST_SERVER_RT) deploy/loadtest.sh $(N) $(LOADTEST_SECONDS)

# Stock-client checks (curl, h2load, openssl/TLS, systemd-analyze) and crash safety, alone.
check-daemon-tools: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --filter "StockClientTests|CrashSafetyTests"

clean:
	rm -rf .build

# Three edge-serverd on three sites (network namespaces, or loopback where not permitted) over a
# 3-member etcd, client-sim users on each; kills the controller's daemon and the etcd leader and
# prints placements over time and the failover time (deploy/cluster.sh; CLUSTER_SECONDS,
# CLUSTER_KILL_AFTER, CLUSTER_USERS, CLUSTER_RATE_MBIT, CLUSTER_SOLVER, CLUSTER_LEASE_TTL, CLUSTER_PERIOD,
# CLUSTER_CITY, CLUSTER_CITY_SEED, CLUSTER_SYNC_HZ).
cluster-demo: deps
	$(SWIFT) build --product edge-serverd
	$(SWIFT) build --product client-sim
	$(SWIFT) build --product gs-lab
	deploy/cluster.sh
