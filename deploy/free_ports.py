#!/usr/bin/env python3
"""Free TCP ports on 127.0.0.1 for a child process to listen on: `free_ports.py N` prints N distinct ports.

They come from outside the kernel's ephemeral range, as in the tests' freeLoopbackPorts: a port the kernel chose
(bind to port 0) is one it hands out again as the local port of an outgoing connection or another listener in the
moment between its release here and the child's bind.
"""
import random
import socket
import sys


def candidates():
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            low, high = (int(x) for x in f.read().split()[:2])
    except (OSError, ValueError):
        low, high = 32768, 60999
    if low > 20000:
        return range(10000, low)
    return range(high + 1, 65536) if high < 55000 else range(10000, 65536)


def free_ports(count):
    choices = candidates()
    held, ports = [], []
    try:
        for _ in range(count * 1000):  # bounded
            if len(ports) == count:
                break
            port = random.choice(choices)
            if port in ports:
                continue
            probe = socket.socket()
            held.append(probe)
            try:
                probe.bind(("127.0.0.1", port))
                ports.append(port)
            except OSError:
                pass
    finally:
        for probe in held:
            probe.close()
    if len(ports) < count:
        raise SystemExit("no %d free loopback ports in %d-%d" % (count, choices.start, choices.stop - 1))
    return ports


if __name__ == "__main__":
    print(*free_ports(int(sys.argv[1]) if len(sys.argv) > 1 else 1))
