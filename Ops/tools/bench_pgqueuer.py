#!/usr/bin/env python3
"""The peer of Ops/dev bench's deadline figures: pgqueuer (PyPI), a well-known
PostgreSQL job queue, firing scheduled jobs (`execute_after`) on the same PostgreSQL
server. The same shape as the deadline watcher's run: `--queued` jobs waiting far in
the future (the open clocks), a stream of jobs falling due `--per-second` on each
whole second for `--seconds`, then a burst of `--burst` jobs due at one instant.
A job fires when its entrypoint starts; lateness is that moment minus its due time.
The consumer polls every second and takes 500 jobs at a time, as the deadlines worker
sweeps every second in batches of 500. Prints one JSON object of figures.
"""
import argparse
import asyncio
import json
import math
import time
from datetime import timedelta

import asyncpg
import pgqueuer
from pgqueuer import AsyncpgDriver, QueueManager, Queries


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


async def enqueue_due(queries, dues):
    """Jobs falling due at the given instants (seconds since the epoch); the payload
    carries the instant so the entrypoint can measure lateness."""
    for start in range(0, len(dues), 5_000):
        chunk = dues[start:start + 5_000]
        now = time.time()
        await queries.enqueue(["due"] * len(chunk), [repr(d).encode() for d in chunk], [0] * len(chunk),
                              [timedelta(seconds=max(0.0, d - now)) for d in chunk])


async def fire(url, queries, dues):
    """Runs a consumer until every one of `dues` fired; returns (lateness list, last fired)."""
    fired, done = [], asyncio.Event()
    connection = await asyncpg.connect(url)
    manager = QueueManager(Queries(AsyncpgDriver(connection)))

    @manager.entrypoint("due")
    async def due(job):
        fired.append(time.time() - float(job.payload.decode()))
        if len(fired) >= len(dues):
            done.set()

    runner = asyncio.create_task(manager.run(batch_size=500, dequeue_timeout=timedelta(seconds=1)))
    await enqueue_due(queries, dues)
    waiting = asyncio.create_task(done.wait())
    finished, _ = await asyncio.wait({runner, waiting}, timeout=600, return_when=asyncio.FIRST_COMPLETED)
    if waiting not in finished:
        waiting.cancel()
        manager.shutdown.set()
        await runner
        raise RuntimeError(f"pgqueuer fired {len(fired)} of {len(dues)} jobs")
    last = time.time()
    manager.shutdown.set()
    await runner
    await connection.close()
    return fired, last


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--queued", type=int, required=True)
    parser.add_argument("--per-second", type=int, required=True)
    parser.add_argument("--seconds", type=int, required=True)
    parser.add_argument("--burst", type=int, required=True)
    args = parser.parse_args()

    connection = await asyncpg.connect(args.url)
    queries = Queries(AsyncpgDriver(connection))
    await queries.install()
    for start in range(0, args.queued, 50_000):
        count = min(50_000, args.queued - start)
        await queries.enqueue(["waiting"] * count, [None] * count, [0] * count, [timedelta(days=30)] * count)

    first = math.ceil(time.time()) + 5
    stream = [float(first + n // args.per_second) for n in range(args.per_second * args.seconds)]
    lateness, _ = await fire(args.url, queries, stream)

    instant = float(math.ceil(time.time()) + 3)
    burst, last = await fire(args.url, queries, [instant] * args.burst)
    await connection.close()
    print(json.dumps({
        "version": pgqueuer.__version__,
        "queued": args.queued,
        "stream_items": len(stream),
        "stream_lateness_p50_ms": round(percentile(lateness, 50) * 1000, 1),
        "stream_lateness_p99_ms": round(percentile(lateness, 99) * 1000, 1),
        "burst_items": args.burst,
        "burst_fired_per_s": round(args.burst / max(0.001, last - instant), 1),
        "burst_lateness_p99_ms": round(percentile(burst, 99) * 1000, 1),
    }))


if __name__ == "__main__":
    asyncio.run(main())
