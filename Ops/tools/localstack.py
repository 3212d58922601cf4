"""What the tools that run a local stack (chaos.py, bench.py) share: psql one-liners
and a free loopback port."""
import socket
import subprocess


def psql(url, query):
    """Runs one statement; returns its rows as psql's unaligned text, or raises."""
    result = subprocess.run(["psql", url, "-qAtX", "-v", "ON_ERROR_STOP=1", "-c", query], capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"psql: {result.stderr.strip()}")
    return result.stdout.strip()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
