#!/usr/bin/env python3
"""Test ray_scan.py on a local, loopback-only Ray cluster, losing a node mid-scan.

    python scale/test_ray_scan.py --introskip BIN [--workdir DIR] [--python RAY_PYTHON] [--keep]

Makes a small library with ffmpeg (12 seasons of 2 episodes sharing a per-season intro),
starts three Ray nodes on 127.0.0.1 (a head with no CPUs, two workers with the `introskip`
resource), runs the driver with `--handoff kodi`, SIGKILLs every process of worker 2 (its session)
while it is running a season, and checks that every season still ends done exactly once,
every episode has one non-empty sidecar and EDL, nothing partial is left, and a dry rescan
finds everything unchanged. Prints one JSON summary line; exit 0 = pass.

Only stdlib here: Ray runs in the processes this starts, with --python (default: the
reference venv's python if present, else this interpreter). Cleanup kills only the
process groups (sessions) this harness started, never `ray stop`.
"""
import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CACHE = os.environ.get("INTROSKIP_CACHE") or os.path.expanduser("~/.cache/introskip")
# scripts/test.sh installs Ray here (PyPI ray 2.60.0 in a venv of Debian's Python).
DEFAULT_PY = os.path.join(CACHE, "reference", "ray-2.60.0", "bin", "python")
LIBTORCH = os.path.join(CACHE, "libtorch-2.9.0", "lib")
SEASONS, EPISODES, LENGTH, INTRO = 12, 2, 40, 15

# `ray start`, except that a loopback address stays loopback: Ray 2.x rewrites 127.0.0.1
# (in --address and --node-ip-address) to the machine's outward IP
# (ray._private.services.resolve_ip_for_localhost). With this, every node is 127.0.0.1.
LAUNCH = (
    "import sys, ray._private.services as s; s.resolve_ip_for_localhost = lambda h: h; "
    "from ray.scripts.scripts import main; sys.argv = ['ray'] + sys.argv[1:]; main()"
)

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
    return cond


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------- library


def make_library(lib):
    """SEASONS shows of one season, EPISODES episodes each: cold open, the season's intro, body."""
    jobs = []
    for s in range(1, SEASONS + 1):
        show = f"Show {s:02d}"
        d = os.path.join(lib, show, "Season 01")
        os.makedirs(d, exist_ok=True)
        for e in range(1, EPISODES + 1):
            cold = 4 + 3 * e + (s % 3)
            body = LENGTH - cold - INTRO
            seed = s * 100 + e
            out = os.path.join(d, f"{show} - S01E{e:02d}.mkv")
            fc = (
                f"cellauto=s=160x90:r=5:rule={18 + seed % 100}:seed={seed},trim=duration={cold},format=yuv420p[v0];"
                f"anoisesrc=d={cold}:c=pink:seed={seed}:a=0.3:r=22050[a0];"
                # the intro: the same picture and tune in every episode of the season
                f"testsrc2=s=160x90:r=5:d={INTRO},hue=h={s * 29},format=yuv420p[v1];"
                f"sine=f={220 + 37 * s}:d={INTRO}:r=22050,volume=0.5[a1a];"
                f"sine=f={330 + 53 * s}:d={INTRO}:r=22050,volume=0.3[a1b];"
                f"[a1a][a1b]amix=inputs=2[a1];"
                f"life=s=160x90:r=5:seed={seed + 7}:ratio=0.3:mold=4,trim=duration={body},format=yuv420p[v2];"
                f"anoisesrc=d={body}:c=brown:seed={seed + 7}:a=0.3:r=22050[a2];"
                f"[v0][a0][v1][a1][v2][a2]concat=n=3:v=1:a=1[v][a]"
            )
            jobs.append(["ffmpeg", "-nostdin", "-v", "error", "-y", "-filter_complex", fc,
                         "-map", "[v]", "-map", "[a]", "-c:v", "libx264", "-preset", "ultrafast",
                         "-g", "10", "-c:a", "aac", "-b:a", "64k", "-ac", "1", out])
    running = []
    for cmd in jobs:
        running.append(subprocess.Popen(cmd))
        if len(running) >= 4:
            if running.pop(0).wait() != 0:
                raise RuntimeError("ffmpeg failed")
    for p in running:
        if p.wait() != 0:
            raise RuntimeError("ffmpeg failed")


def episodes(lib):
    out = []
    for root, _, files in os.walk(lib):
        out += [os.path.join(root, f) for f in files if f.endswith(".mkv")]
    return sorted(out)


# ---------------------------------------------------------------- processes


def proc_sid(pid):
    """The session of a live process (None for a zombie: it is dead, only not yet reaped)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
            return None if fields[0] in ("Z", "X") else int(fields[3])
    except (OSError, IndexError, ValueError):
        return None


def proc_cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().split(b"\0")
    except OSError:
        return []


def proc_age(pid):
    """Seconds since the process started."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            start = int(f.read().rsplit(")", 1)[1].split()[19]) / os.sysconf("SC_CLK_TCK")
        with open("/proc/uptime") as f:
            return float(f.read().split()[0]) - start
    except (OSError, IndexError, ValueError):
        return float("inf")


def _pgid_ok(pid):
    try:
        os.getpgid(pid)
        return True
    except OSError:
        return False


def pids_in_sessions(sids):
    out = []
    for name in os.listdir("/proc"):
        if name.isdigit() and proc_sid(int(name)) in sids:
            out.append(int(name))
    return out


def pids_mentioning(text):
    out = []
    needle = text.encode()
    for name in os.listdir("/proc"):
        if name.isdigit() and int(name) != os.getpid() and any(needle in a for a in proc_cmdline(int(name))):
            out.append(int(name))
    return out


def listening(pids):
    """(address, process) of every TCP listener owned by these pids, from `ss -ltnp`."""
    try:
        text = subprocess.run(["ss", "-ltnpH"], capture_output=True, text=True).stdout
    except OSError:
        return None
    out = []
    for line in text.splitlines():
        cols = line.split()
        if len(cols) < 6:
            continue
        for p in pids:
            if f"pid={p}," in cols[5]:
                name = cols[5].split('"')[1] if '"' in cols[5] else "?"
                out.append((cols[3], name))
    return out


def is_loopback(addr):
    host = addr.rsplit(":", 1)[0].strip("[]")
    return host.startswith("127.") or host in ("::1", "::ffff:127.0.0.1") or host.startswith("::ffff:127.")


def ray_nodes(py, address, env):
    code = (
        "import json, ray; ray.init(address=%r, logging_level='ERROR', log_to_driver=False); "
        "print('NODES' + json.dumps([{k: n.get(k) for k in ('NodeID', 'Alive', 'NodeManagerAddress', "
        "'RayletSocketName', 'Resources')} for n in ray.nodes()])); ray.shutdown()" % address
    )
    # a loopback address stays loopback in ray.init (as ray_scan.py does for itself)
    env = dict(env, RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER="0")
    r = subprocess.run([py, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    for line in r.stdout.splitlines():
        if line.startswith("NODES"):
            return json.loads(line[5:])
    raise RuntimeError("ray.nodes() failed: " + r.stderr[-2000:])


# ---------------------------------------------------------------- main


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--introskip", required=True)
    ap.add_argument("--workdir")
    ap.add_argument("--python", default=DEFAULT_PY if os.path.exists(DEFAULT_PY) else sys.executable)
    ap.add_argument("--delay", type=float, default=2.0, help="seconds each task sleeps before the binary")
    ap.add_argument("--keep", action="store_true", help="keep the workdir")
    args = ap.parse_args()
    t0 = time.time()
    binary = os.path.abspath(args.introskip)
    work = os.path.abspath(args.workdir) if args.workdir else tempfile.mkdtemp(prefix="ray-scan-test-")
    os.makedirs(work, exist_ok=True)
    lib, cache = os.path.join(work, "library"), os.path.join(work, "cache")
    # Ray's unix sockets live under --temp-dir and must stay under ~107 bytes.
    own_tmp = len(work) > 40
    rtmp = tempfile.mkdtemp(prefix="rst", dir="/tmp") if own_tmp else os.path.join(work, "r")
    os.makedirs(rtmp, exist_ok=True)

    env = dict(os.environ)
    env.update(RAY_USAGE_STATS_ENABLED="0", INTROSKIP_CACHE=cache,
               # notice a dead node in seconds, not the default ~30 s
               RAY_health_check_initial_delay_ms="1000", RAY_health_check_period_ms="1000",
               RAY_health_check_timeout_ms="2000", RAY_health_check_failure_threshold="5")
    env.pop("RAY_ADDRESS", None)
    if subprocess.run([binary, "--help"], capture_output=True, env=env).returncode != 0 and os.path.isdir(LIBTORCH):
        env["LD_LIBRARY_PATH"] = LIBTORCH + (":" + env["LD_LIBRARY_PATH"] if env.get("LD_LIBRARY_PATH") else "")

    nodes = {}  # name -> Popen (each its own session: sid == pid)
    summary = {"ok": False}
    driver = None
    try:
        shutil.rmtree(lib, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)
        make_library(lib)
        eps = episodes(lib)
        summary["library_seconds"] = round(time.time() - t0, 1)
        check(len(eps) == SEASONS * EPISODES, f"library has {len(eps)} episodes")

        # ---- the cluster: head (no CPUs, no introskip) + 2 workers, all on 127.0.0.1
        port = free_port()
        address = f"127.0.0.1:{port}"
        common = ["--block", "--node-ip-address=127.0.0.1", "--disable-usage-stats",
                  "--object-store-memory=100000000"]
        specs = {
            "head": ["--head", f"--port={port}", "--num-cpus=0", "--include-dashboard=false"],
            "w1": [f"--address={address}", "--num-cpus=1", '--resources={"introskip": 1}'],
            "w2": [f"--address={address}", "--num-cpus=1", '--resources={"introskip": 1}'],
        }
        for name, extra in specs.items():
            log = open(os.path.join(work, f"ray-{name}.log"), "w")
            nodes[name] = subprocess.Popen(
                [args.python, "-c", LAUNCH, "start", *common, f"--temp-dir={os.path.join(rtmp, name)}", *extra],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, start_new_session=True)
            if name == "head":
                deadline = time.time() + 60
                while time.time() < deadline:
                    try:
                        socket.create_connection(("127.0.0.1", port), timeout=1).close()
                        break
                    except OSError:
                        if nodes[name].poll() is not None:
                            raise RuntimeError("head node exited; see ray-head.log")
                        time.sleep(0.5)
        deadline = time.time() + 150
        while True:
            info = ray_nodes(args.python, address, env)
            if sum(1 for n in info if n["Alive"]) >= 3 or time.time() > deadline:
                break
            time.sleep(1)
        by_tmp = {name: next((n for n in info if (n["RayletSocketName"] or "").startswith(os.path.join(rtmp, name) + "/")), None)
                  for name in nodes}
        check(all(by_tmp.values()), f"not every node joined: {info}")
        summary["node_addresses"] = sorted({n["NodeManagerAddress"] for n in info})
        check(summary["node_addresses"] == ["127.0.0.1"], f"node addresses {summary['node_addresses']}")
        w1_id = by_tmp["w1"] and by_tmp["w1"]["NodeID"]
        w2_id = by_tmp["w2"] and by_tmp["w2"]["NodeID"]
        sids = {p.pid for p in nodes.values()}
        listen = listening(pids_in_sessions(sids))
        check(listen is not None, "`ss` (Debian's iproute2) is missing: what Ray listens on cannot be checked")
        check(bool(listen), "no listening socket of the cluster was seen: the loopback check would prove nothing")
        listen = listen or []
        summary["listen"] = sorted({f"{a} {n}" for a, n in listen})
        summary["listen_loopback_only"] = bool(listen) and all(is_loopback(a) for a, _ in listen)
        check(summary["listen_loopback_only"], f"non-loopback listeners: {summary['listen']}")

        # ---- the driver, losing worker 2 mid-season
        denv = dict(env, INTROSKIP_RAY_TEST_DELAY=str(args.delay))
        cmd = [args.python, os.path.join(HERE, "ray_scan.py"), lib, "--address", address,
               "--introskip", binary, "--cache", cache, "--retries", "3", "--", "--handoff", "kodi"]
        derr = open(os.path.join(work, "driver.stderr"), "w")
        driver = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=derr, text=True, env=denv,
                                  stdin=subprocess.DEVNULL, start_new_session=True)
        lines, stamps = [], []
        dlog = open(os.path.join(work, "driver.jsonl"), "w")

        def read():
            for line in driver.stdout:
                dlog.write(line)
                dlog.flush()
                try:
                    lines.append(json.loads(line))
                    stamps.append(time.time())
                except ValueError:
                    pass

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        killed_at, kill_target, first_done = None, None, None
        w2 = nodes["w2"]
        deadline = time.time() + 420
        while driver.poll() is None and time.time() < deadline:
            if killed_at is None and any(l.get("status") == "done" for l in lines):
                first_done = first_done or time.time()
                running = {}
                reported = {l.get("season") for l in lines}
                for pid in pids_in_sessions({w2.pid}):
                    argv = proc_cmdline(pid)
                    if argv and argv[0].decode(errors="replace") == binary:
                        season = argv[argv.index(b"--season") + 1].decode() if b"--season" in argv else None
                        # a season that just started, not one about to finish
                        if season not in reported and proc_age(pid) < 5.0:
                            running["binary"] = pid
                            summary["killed_season"] = season
                    elif argv and argv[0].startswith(b"ray::") and b"season" in argv[0]:
                        running["task"] = pid
                # the binary itself running on worker 2; or, failing that for 20 s, its task
                if "binary" in running or ("task" in running and time.time() - first_done > 20):
                    kill_target = "binary" if "binary" in running else "task"
                    # The whole node: its session. Ray puts each worker in a process group of
                    # its own, so killing the `ray start` group alone leaves the task running.
                    victims = pids_in_sessions({w2.pid})
                    summary["w2_process_groups"] = len({os.getpgid(p) for p in victims if _pgid_ok(p)})
                    os.killpg(w2.pid, signal.SIGKILL)
                    for pid in victims:
                        try:
                            os.kill(pid, signal.SIGKILL)
                        except ProcessLookupError:
                            pass
                    killed_at = time.time()
                    w2.wait()
            time.sleep(0.1)
        if driver.poll() is None:
            check(False, "driver timed out")
            os.killpg(driver.pid, signal.SIGKILL)
        rc = driver.wait()
        reader.join(5)
        summary["driver_exit"] = rc
        check(rc == 0, f"driver exited {rc}")
        check(killed_at is not None, "worker 2 was never seen running a season, so never killed")
        summary["killed_while"] = kill_target

        per = [l for l in lines if "season" in l]
        done = [l["season"] for l in per if l.get("status") == "done"]
        summary["seasons_done"] = len(done)
        check(len(done) == len(set(done)) == SEASONS and len(per) == SEASONS,
              f"seasons: {len(per)} lines, {len(done)} done, {len(set(done))} distinct")
        check(all(l.get("episodes") == EPISODES for l in per), "a season without its episodes")
        bad = [l for l in per if l.get("status") != "done"]
        check(not bad, f"not done: {json.dumps(bad)[:3000]}")
        check(any("summary" in l for l in lines), "no summary line from the driver")
        if killed_at:
            after = [l for l, t in zip(lines, stamps) if "season" in l and t > killed_at]
            retried = [l["season"] for l in per if (l.get("attempt") or 0) > 0]
            on_w1_after = [l["season"] for l in after if l.get("node") == w1_id]
            summary["retried"] = retried
            summary["killed_season_attempt"] = next(
                (l.get("attempt") for l in per if l["season"] == summary.get("killed_season")), None)
            summary["done_on_w1_after_kill"] = len(on_w1_after)
            check(retried or on_w1_after, "no season retried or run on the surviving node after the kill")
            if kill_target == "binary":
                # Under load the binary can finish its (short) season and worker 2 report it in
                # the moment between seeing the binary and the kill landing: then its line says
                # worker 2 and nothing was lost to retry (seen once in a full run on 2 busy cores).
                killed_line = next((l for l in per if l["season"] == summary.get("killed_season")), {})
                finished_first = bool(w2_id) and killed_line.get("node") == w2_id
                summary["killed_season_finished_before_kill"] = finished_first
                check(finished_first or (summary["killed_season_attempt"] or 0) >= 1,
                      f"the season killed on worker 2 was not retried: {summary.get('killed_season')}")
            summary["by_node"] = {name: sum(1 for l in per if l.get("node") == (by_tmp[name] or {}).get("NodeID"))
                                  for name in ("w1", "w2")}
            dead = None
            for _ in range(60):
                dead = next((n for n in ray_nodes(args.python, address, env) if n["NodeID"] == w2_id), None)
                if dead and not dead["Alive"]:
                    break
                time.sleep(1)
            check(dead is not None and not dead["Alive"], "killed node not reported dead by ray.nodes()")

        # ---- the files: one sidecar and one EDL per episode, nothing partial
        for ep in eps:
            side, edl = ep + ".introskip.json", os.path.splitext(ep)[0] + ".edl"
            for f in (side, edl):
                check(os.path.isfile(f) and os.path.getsize(f) > 0, f"missing or empty: {os.path.relpath(f, lib)}")
        expected = {e for ep in eps for e in (ep, ep + ".introskip.json", os.path.splitext(ep)[0] + ".edl")}
        for root, dirs, files in os.walk(lib):
            for f in files + dirs:
                p = os.path.join(root, f)
                if ".part" in f or ".tmp" in f or f.startswith("."):
                    check(False, f"leftover: {os.path.relpath(p, lib)}")
                elif f in files and p not in expected:
                    check(False, f"unexpected file: {os.path.relpath(p, lib)}")

        # ---- a dry rescan: every season's record was completed
        r = subprocess.run([binary, "scan", lib, "--dry-run", "--json", "--handoff", "kodi"],
                           capture_output=True, text=True, env=env)
        statuses = [e.get("outcome", {}).get("status") for line in r.stdout.splitlines()
                    if line.startswith("{") for e in json.loads(line).get("episodes", [])]
        check(r.returncode == 0, f"dry rescan exited {r.returncode}: {r.stderr[-500:]}")
        check(len(statuses) == len(eps) and all(s == "unchanged" for s in statuses),
              f"dry rescan: {statuses}")
        summary["ok"] = not failures
    except Exception as e:  # noqa: BLE001 - report, then clean up
        failures.append(f"{type(e).__name__}: {e}")
    finally:
        # Kill only what this harness started: its sessions, then anything still under its temp dir.
        for p in ([driver] if driver else []) + list(nodes.values()):
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        sids = {p.pid for p in nodes.values()} | ({driver.pid} if driver else set())
        left = []
        for _ in range(50):
            left = set(pids_in_sessions(sids)) | set(pids_mentioning(rtmp))
            for pid in left:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            if not left:
                break
            time.sleep(0.2)
        for p in nodes.values():
            p.wait()
        if driver:
            driver.wait()
        if left:
            failures.append(f"Ray processes left behind: {sorted(left)}")
        summary["ok"] = summary.get("ok", False) and not failures
        summary["failures"] = failures
        summary["seconds"] = round(time.time() - t0, 1)
        summary["workdir"] = work
        if own_tmp:
            shutil.rmtree(rtmp, ignore_errors=True)
        if not args.keep and not args.workdir and summary["ok"]:
            shutil.rmtree(work, ignore_errors=True)
        print(json.dumps({"ray_scan_test": summary}), flush=True)
    return 0 if summary["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
