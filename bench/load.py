"""Load generators for the bench: wrk when it is installed, else threads with http.client.

Both keep ``connections`` requests in flight for ``seconds`` and send no cookie, so every request is a new reader.
"""

import http.client
import re
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass


@dataclass
class LoadResult:
    requests: int  # answered with 2xx
    errors: int  # other answers and failed connections
    seconds: float
    p50_ms: float
    p99_ms: float

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def describe() -> str:
    if wrk_available():
        version = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False).stdout.splitlines()
        return (version or ["wrk"])[0].split(" [")[0]
    return "Python threads + http.client (install wrk for a load generator that takes less CPU)"


def run(url: str, *, connections: int, seconds: float, headers: dict[str, str]) -> LoadResult:
    if wrk_available():
        return run_wrk(url, connections=connections, seconds=seconds, headers=headers)
    return run_threads(url, connections=connections, seconds=seconds, headers=headers)


def run_wrk(url: str, *, connections: int, seconds: float, headers: dict[str, str]) -> LoadResult:
    command = ["wrk", "--threads", "1", "--connections", str(connections), "--duration", f"{seconds:g}s", "--latency"]
    for name, value in headers.items():
        command += ["--header", f"{name}: {value}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    total = re.search(r"(\d+) requests in ([\d.]+)(\w+)", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors = int(non_2xx.group(1)) if non_2xx else 0
    # gunicorn's sync workers close every connection after answering; wrk counts the reads that see the close as
    # read errors, although every response arrived. Connect, write and timeout errors are real failures.
    if socket_errors:
        errors += int(socket_errors.group(1)) + int(socket_errors.group(3)) + int(socket_errors.group(4))
    return LoadResult(
        requests=int(total.group(1)) - (int(non_2xx.group(1)) if non_2xx else 0),
        errors=errors,
        seconds=to_seconds(float(total.group(2)), total.group(3)),
        p50_ms=percentile_ms(output, "50%"),
        p99_ms=percentile_ms(output, "99%"),
    )


def percentile_ms(output: str, label: str) -> float:
    match = re.search(rf"^\s+{re.escape(label)}\s+([\d.]+)(\w+)", output, re.MULTILINE)
    return to_seconds(float(match.group(1)), match.group(2)) * 1000


def to_seconds(value: float, unit: str) -> float:
    return value * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[unit]


def run_threads(url: str, *, connections: int, seconds: float, headers: dict[str, str]) -> LoadResult:
    host_port, _, path = url.removeprefix("http://").partition("/")
    host, _, port = host_port.partition(":")
    path = "/" + path
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client() -> None:
        nonlocal errors
        mine, failed = [], 0
        connection = http.client.HTTPConnection(host, int(port or 80), timeout=30)
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                failed += 1
                connection.close()
                continue
            if 200 <= response.status < 300:
                mine.append(time.perf_counter() - started)
            else:
                failed += 1
        connection.close()
        with lock:
            latencies.extend(mine)
            errors += failed

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies.sort()

    def percentile(fraction: float) -> float:
        return latencies[min(len(latencies) - 1, int(len(latencies) * fraction))] * 1000 if latencies else 0.0

    return LoadResult(
        requests=len(latencies), errors=errors, seconds=elapsed, p50_ms=percentile(0.50), p99_ms=percentile(0.99)
    )
