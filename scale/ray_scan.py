#!/usr/bin/env python3
"""Scan a media library with introskip on a Ray cluster, one Ray task per season.

    python ray_scan.py LIBRARY --address HOST:PORT [--introskip PATH] [--cache DIR]
                       [--retries 3] [-- extra scan args, e.g. --handoff kodi]

Why this shape: the unit of work is a season (intro detection needs the whole season),
and seasons are independent, so a season is one Ray task and Ray does all the
scheduling, placement and retrying; the introskip binary does all the work. Every file
the binary writes is written by atomic rename and a season's record is written only
after the season completes, so a task retried after a lost node (or a killed worker)
simply judges its season again: nothing half-written is ever left visible.

The driver lists the seasons with a local `introskip scan LIBRARY --dry-run --json`,
submits a task for each season that has something to judge (`--season KEY`), and
prints one JSON line per season as tasks finish, then a summary line. Exit 1 if any
season failed.

The library, the cache (INTROSKIP_CACHE: embeddings and per-season records) and any
output folder must be at the same path on every node that has the `introskip` resource.
"""
import argparse
import ctypes
import json
import os
import signal
import subprocess
import sys
import time

PR_SET_PDEATHSIG = 1


def _die_with_parent_fn():
    """A preexec function for the child: SIGKILL it if the Ray worker running it dies. libc is
    loaded here, in the worker (dlopen after fork in a threaded process can deadlock), and not at
    import: the task function is pickled with the module's globals when run as a script."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
    except OSError:
        return None
    return lambda: libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _json_lines(text):
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                out.append(json.loads(line))
            except ValueError:
                pass
    return out


def run_season(binary, library, season, extra, cache, delay):
    """One season, on whichever node Ray chose: run the binary for it and return what it said."""
    import ray

    ctx = ray.get_runtime_context()
    try:
        attempt = ray._private.worker.global_worker.core_worker.get_current_task_attempt_number()
    except Exception:  # a private API: the attempt number is informative only
        attempt = None
    env = dict(os.environ)
    if cache:
        env["INTROSKIP_CACHE"] = cache
    if delay:
        time.sleep(delay)  # tests only: keep a task running long enough to lose its node
    proc = subprocess.run(
        [binary, "scan", library, "--season", season, "--json", *extra],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env,
        preexec_fn=_die_with_parent_fn(),
    )
    return {
        "season": season,
        "rc": proc.returncode,
        "lines": _json_lines(proc.stdout),
        "stderr": proc.stderr[-4000:],
        "node": ctx.get_node_id(),
        "ip": ray.util.get_node_ip_address(),
        "attempt": attempt,
    }


def list_seasons(binary, library, extra, cache):
    """The dry run, here on the driver: every season, and whether it has anything to judge."""
    env = dict(os.environ)
    if cache:
        env["INTROSKIP_CACHE"] = cache
    proc = subprocess.run(
        [binary, "scan", library, "--dry-run", "--json", *extra],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env,
    )
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"dry run failed (exit {proc.returncode})")
    seasons = []
    for line in _json_lines(proc.stdout):
        if "season" in line:
            statuses = [e.get("outcome", {}).get("status") for e in line.get("episodes", [])]
            seasons.append((str(line["season"]), len(statuses), any(s != "unchanged" for s in statuses)))
    return seasons


OUT = sys.stdout


def emit(obj):
    OUT.write(json.dumps(obj) + "\n")
    OUT.flush()


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    extra = []
    if "--" in argv:
        i = argv.index("--")
        argv, extra = argv[:i], argv[i + 1:]
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("library")
    ap.add_argument("--address", required=True, help="the Ray cluster, HOST:PORT")
    ap.add_argument("--introskip", default=os.environ.get("INTROSKIP_BIN", "introskip"),
                    help="the binary's path on the nodes (and here, for the dry run)")
    ap.add_argument("--cache", default=os.environ.get("INTROSKIP_CACHE"),
                    help="INTROSKIP_CACHE for every task: a path shared by all nodes")
    ap.add_argument("--retries", type=int, default=3, help="retries of a season's task after a lost worker or node")
    args = ap.parse_args(argv)
    library = os.path.abspath(args.library)
    cache = os.path.abspath(args.cache) if args.cache else None
    delay = float(os.environ.get("INTROSKIP_RAY_TEST_DELAY", "0") or 0)

    host = args.address.rsplit(":", 1)[0].strip("[]")
    if host in ("127.0.0.1", "localhost", "::1"):
        # A loopback address means a one-machine cluster: keep Ray from rewriting it to
        # this machine's outward IP (ray._private.services.resolve_ip_for_localhost).
        os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
    # stdout carries only our JSON lines: what Ray prints (its workers' errors) goes to stderr.
    global OUT
    OUT = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    import ray

    start = time.time()
    seasons = list_seasons(args.introskip, library, extra, cache)
    ray.init(address=args.address, logging_level="WARNING", log_to_driver=False)
    task = ray.remote(num_cpus=1, resources={"introskip": 1}, max_retries=args.retries,
                      retry_exceptions=False)(run_season)

    pending = {}
    done = failed = 0
    for key, n, todo in seasons:
        if todo:
            pending[task.options(name=f"season {key}").remote(args.introskip, library, key, extra, cache, delay)] = key
        else:
            emit({"season": key, "status": "unchanged", "episodes": n})
    while pending:
        ready, _ = ray.wait(list(pending), num_returns=1)
        for ref in ready:
            key = pending.pop(ref)
            try:
                r = ray.get(ref)
            except Exception as e:  # retries exhausted, or the task itself raised
                failed += 1
                emit({"season": key, "status": "failed", "episodes": 0, "error": str(e)[-2000:]})
                continue
            episodes = sum(len(l.get("episodes", [])) for l in r["lines"] if l.get("season") == key)
            line = {"season": key, "status": "done" if r["rc"] == 0 else "failed", "episodes": episodes,
                    "node": r["node"], "ip": r["ip"], "attempt": r["attempt"]}
            if r["rc"] != 0:
                failed += 1
                line["exit"] = r["rc"]
                line["stderr"] = r["stderr"][-2000:]
            else:
                done += 1
            emit(line)
    emit({"summary": {"seasons": len(seasons), "done": done, "failed": failed,
                      "unchanged": sum(1 for s in seasons if not s[2]),
                      "seconds": round(time.time() - start, 1)}})
    ray.shutdown()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
