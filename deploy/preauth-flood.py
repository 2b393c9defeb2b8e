#!/usr/bin/env python3
"""Pre-authentication flood against a running edge-serverd (loopback), for docs/PERFORMANCE.md.

Opens N connections to each listener that never authenticate: binary ones send a frame header
declaring a `--declared`-byte UPLOAD_CHUNK (16 MiB by default) and then `--body` bytes of it;
HTTP ones send a POST head with that `content-length` (h1), no token, and then `--body` bytes. Holds them for `--hold` seconds while
sampling the daemon's RSS, and prints the peak next to the baseline and how many connections the
daemon still held open (the rest it closed at accept or after its handshake timeout).

Usage: deploy/preauth-flood.py --pid PID --binary-port P --http-port Q [--connections 1000]
"""
import argparse
import socket
import struct
import time


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def open_all(port, count, first_bytes, body):
    held = []
    for _ in range(count):
        s = socket.socket()
        s.setblocking(True)
        try:
            s.connect(("127.0.0.1", port))
            s.sendall(first_bytes)
            s.sendall(body)
        except OSError:
            s.close()
            continue
        held.append(s)
    return held


def still_open(sockets):
    """Connections the daemon has not closed: reading drains any answer (an ERROR frame, a 401)
    and stops at end of stream (closed) or at an empty buffer (still open)."""
    alive = 0
    for s in sockets:
        s.setblocking(False)
        try:
            while True:
                if not s.recv(65536):
                    break  # end of stream: closed by the daemon
        except BlockingIOError:
            alive += 1
        except OSError:
            pass
    return alive


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--binary-port", type=int, required=True)
    parser.add_argument("--http-port", type=int, required=True)
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument("--body", type=int, default=65536)
    parser.add_argument("--declared", type=int, default=16 << 20, help="declared frame/body length (≤ 2^32 - 1)")
    parser.add_argument("--hold", type=float, default=3)
    args = parser.parse_args()

    declared = args.declared
    body = bytes(args.body)
    # magic "GS", version 1, type UPLOAD_CHUNK (0x09), length, request id
    header = struct.pack(">HBBII", 0x4753, 1, 0x09, declared, 1)
    h1 = (f"POST /v1/uploads/flood/1 HTTP/1.1\r\nhost: x\r\ncontent-length: {declared}\r\n"
          f"upload-offset: 0\r\n\r\n").encode()

    baseline = rss_kib(args.pid)
    started = time.time()
    binary = open_all(args.binary_port, args.connections, header, body)
    http = open_all(args.http_port, args.connections, h1, body)
    peak = rss_kib(args.pid)
    while time.time() - started < args.hold:
        peak = max(peak, rss_kib(args.pid))
        time.sleep(0.1)
    print(f"connections attempted: {args.connections} binary + {args.connections} http, "
          f"declared {declared} bytes each, sent {args.body} body bytes each")
    print(f"held open by the daemon after {args.hold:.0f} s: binary {still_open(binary)}, http {still_open(http)}")
    print(f"daemon RSS: baseline {baseline / 1024:.1f} MiB, peak {peak / 1024:.1f} MiB")
    for s in binary + http:
        s.close()


if __name__ == "__main__":
    main()
