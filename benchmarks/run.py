#!/usr/bin/env python3
"""Benchmark gk against other tools on the same generated repository.

For each size (files), one synthetic repository is generated with
``benchmarks/generate.py`` (or ``--tree DIR`` is used as it is) and these are
timed side by side, best of ``--repeat`` runs, wall clock, with peak memory:

* ``gk check --no-cache`` cold, ``gk check`` warm and after one changed file;
* ``gk summarize --format json`` and ``gk gaps --format json``, cold and warm;
* ``gk --version``, ``gk --help`` and ``python -c "import click"``;
* ``check-jsonschema`` with the schemas printed by ``gk schema KIND``;
* ``yamllint`` with its default rules;
* the C-parser lower bound: PyYAML's ``CSafeLoader`` (libyaml) parsing every
  file in one process.

Then the ratios of the performance targets are printed with PASS or FAIL.
A step that cannot run (a tool or a gk command missing, a failure) is
reported as n/a with its exit status and the head of its error output.

Usage::

    python benchmarks/run.py --sizes 1000,10000
    python benchmarks/run.py --sizes 1000,10000 --huge --json results.json
    python benchmarks/run.py --tree path/to/repository
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (sibling module)

TEMPLATE_RE = re.compile(rb"^template:[ \t]*[\"']?([a-z0-9]+(?:-[a-z0-9]+)*)", re.M)


def schema_groups(root: Path, kinds: set[str]) -> dict[str, list[str]]:
    """Files per schema kind: alliances, services, and worksheets by template.

    A worksheet goes to ``worksheet-<template>`` when ``gk schema`` lists that
    kind (the shipped templates), otherwise to the generic ``worksheet``.
    """
    groups: dict[str, list[str]] = {
        "alliance": sorted(str(p.relative_to(root)) for p in root.glob("alliances/*.yaml")),
        "service": sorted(str(p.relative_to(root)) for p in root.glob("services/*/*.yaml")),
    }
    for p in sorted(root.glob("worksheets/*/*.yaml")):
        kind = "worksheet"
        try:
            m = TEMPLATE_RE.search(p.read_bytes())
        except OSError:
            m = None
        if m and f"worksheet-{m.group(1).decode()}" in kinds:
            kind = f"worksheet-{m.group(1).decode()}"
        groups.setdefault(kind, []).append(str(p.relative_to(root)))
    return {k: v for k, v in groups.items() if v}


LOWER_BOUND_SCRIPT = r"""
import json, os, sys, time
import yaml
loader = yaml.CSafeLoader
root = sys.argv[1]
t0 = time.perf_counter()
paths = []
for top in ("gk.yaml", "alliances", "services", "worksheets"):
    p = os.path.join(root, top)
    if os.path.isfile(p):
        paths.append(p)
        continue
    for dirpath, dirnames, filenames in os.walk(p):
        dirnames.sort()
        paths.extend(os.path.join(dirpath, n) for n in sorted(filenames) if n.endswith(".yaml"))
failed = 0
for p in paths:
    with open(p, "rb") as f:
        try:
            yaml.load(f, Loader=loader)
        except Exception:
            failed += 1
t1 = time.perf_counter()
print(json.dumps({"seconds": t1 - t0, "files": len(paths), "failed": failed}))
"""


# ---------------------------------------------------------------------------
# Running one command: wall time and peak memory
# ---------------------------------------------------------------------------


@dataclass
class Run:
    seconds: float
    returncode: int
    maxrss_mb: float  # largest single process (wait4 rusage)
    tree_mb: float | None  # sampled sum over the process tree
    stdout: bytes
    stderr: bytes


def _descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except OSError:
            pass
    return out


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, IndexError, ValueError):
        return 0.0


class TreeSampler(threading.Thread):
    """Samples the summed RSS of a process and its descendants."""

    def __init__(self, pid: int, interval: float = 0.02, skip_root: bool = False) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.skip_root = skip_root
        self.interval = interval
        self.peak = 0.0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            pids = _descendants(self.pid)
            if self.skip_root:
                pids = pids[1:]  # GNU time itself
            total = sum(_rss_mb(p) for p in pids)
            self.peak = max(self.peak, total)
            self.stop.wait(self.interval)


# GNU time reports the peak RSS of the command itself. The rusage that wait4
# gives for a direct child is not enough on Linux: the peak survives execve, so
# every child would start at the RSS of this (forked) Python process.
GNU_TIME = "/usr/bin/time"


def _gnu_time_ok() -> bool:
    try:
        p = subprocess.run([GNU_TIME, "-f", "%M", "-o", os.devnull, "true"],
                           capture_output=True, timeout=10)
        return p.returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


USE_GNU_TIME = os.path.exists(GNU_TIME) and _gnu_time_ok()


def run_once(cmd: list[str], cwd: str | None, env: dict | None, timeout: float,
             sample_tree: bool) -> Run:
    fd, rss_file = tempfile.mkstemp(prefix="gk-bench-rss-")
    os.close(fd)
    try:
        return _run_once(cmd, cwd, env, timeout, sample_tree, rss_file)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(rss_file)


def _run_once(cmd: list[str], cwd: str | None, env: dict | None, timeout: float,
              sample_tree: bool, rss_file: str) -> Run:
    if USE_GNU_TIME:
        cmd = [GNU_TIME, "-f", "%M", "-o", rss_file, *cmd]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        try:
            proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                    stdout=out, stderr=err, start_new_session=True)
        except OSError as e:
            return Run(0.0, 127, 0.0, None, b"", str(e).encode())
        sampler = None
        if sample_tree and os.path.isdir("/proc"):
            sampler = TreeSampler(proc.pid, skip_root=USE_GNU_TIME)
        if sampler:
            sampler.start()
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            with contextlib.suppress(OSError):
                os.killpg(proc.pid, signal.SIGKILL)  # the group this call started

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        t1 = time.perf_counter()
        proc.returncode = os.waitstatus_to_exitcode(status)
        if sampler:
            sampler.stop.set()
            sampler.join()
        out.seek(0)
        err.seek(0)
        stderr = err.read()
        if timed_out.is_set():
            stderr = f"timed out after {timeout:.0f} s\n".encode() + stderr
        rss = usage.ru_maxrss / 1024 if sys.platform != "darwin" else usage.ru_maxrss / 2**20
        if USE_GNU_TIME:
            try:
                with open(rss_file) as f:
                    rss = int(f.read().strip().splitlines()[-1]) / 1024
            except (OSError, ValueError, IndexError):
                pass  # keep the wait4 figure (an upper bound)
        return Run(t1 - t0, proc.returncode if not timed_out.is_set() else -9, rss,
                   sampler.peak if sampler else None, out.read(), stderr)


TRACEBACK = b"Traceback (most recent call last)"


def head(data: bytes, lines: int = 3, width: int = 160) -> str:
    """The first lines of an error output; for a Python traceback, its last line."""
    text = [t for t in data.decode("utf-8", "replace").strip().splitlines() if t.strip()]
    if TRACEBACK in data and text:
        return f"Python traceback: {text[-1].strip()[:width]}"
    return " | ".join(line[:width] for line in text[:lines])


@dataclass
class Step:
    name: str
    command: str = ""
    best: float | None = None
    runs: list[float] = field(default_factory=list)
    peak_mb: float | None = None
    tree_mb: float | None = None
    returncode: int | None = None
    error: str | None = None
    note: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.best is not None and self.error is None


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.sample_tree = not args.no_tree_rss

    def measure(self, name: str, cmd: list[str] | None, *, repeat: int, cwd: str | None = None,
                env: dict | None = None, ok_codes: tuple[int, ...] = (0, 1),
                prepare=None, missing: str | None = None, keep_stdout: bool = False) -> Step:
        step = Step(name, " ".join(cmd) if cmd else "")
        if cmd is None:
            step.error = f"n/a: {missing or 'not available'}"
            self._progress(step)
            return step
        for i in range(repeat):
            if prepare:
                prepare(i)
            if not self._run_into(step, cmd, cwd, env, ok_codes, keep_stdout):
                break
        return self._finish(step)

    def measure_interleaved(self, steps: list[tuple[str, list[str]]], *, repeat: int,
                            cwd: str | None = None, env: dict | None = None,
                            prepare=None) -> list[Step]:
        """Several commands measured in turn (A B A B …), so that a machine whose speed
        drifts during the runs (other virtual machines, clock changes) favours none of them:
        for comparing two ways of doing the same work."""
        measured = [Step(name, " ".join(cmd)) for name, cmd in steps]
        for i in range(repeat):
            for step, (_name, cmd) in zip(measured, steps, strict=True):
                if step.error is not None:
                    continue
                if prepare:
                    prepare(i)
                self._run_into(step, cmd, cwd, env, (0, 1), False)
        return [self._finish(step) for step in measured]

    def measure_rounds(self, specs: list[dict], *, repeat: int) -> dict[str, Step]:
        """Every spec run once per round, for ``repeat`` rounds (a spec's ``rounds`` may be
        fewer): the steps whose times are compared in a ratio are measured side by side, so
        a machine whose speed drifts during the benchmark (these virtual machines change
        by 30 % and more within minutes) favours none of them. A spec: ``key``, ``name``,
        ``cmd`` (None: ``missing``), and optionally ``cwd``, ``env`` (a dict, read at each
        run), ``prepare`` (called with the round number first), ``ok_codes``,
        ``keep_stdout``, ``rounds``."""
        steps = {spec["key"]: Step(spec["name"], " ".join(spec["cmd"]) if spec["cmd"] else "")
                 for spec in specs}
        for spec in specs:
            if spec["cmd"] is None:
                steps[spec["key"]].error = f"n/a: {spec.get('missing') or 'not available'}"
        for i in range(repeat):
            for spec in specs:
                step = steps[spec["key"]]
                if step.error is not None or i >= spec.get("rounds", repeat):
                    continue
                if spec.get("prepare"):
                    spec["prepare"](i)
                self._run_into(step, spec["cmd"], spec.get("cwd"), spec.get("env"),
                               spec.get("ok_codes", (0, 1)), spec.get("keep_stdout", False))
        return {key: self._finish(step) for key, step in steps.items()}

    def _run_into(self, step: Step, cmd: list[str], cwd: str | None, env: dict | None,
                  ok_codes: tuple[int, ...], keep_stdout: bool) -> bool:
        """One run of ``cmd`` added to ``step``; False when it failed (recorded in ``step``)."""
        r = run_once(cmd, cwd, env, self.args.timeout, self.sample_tree)
        step.returncode = r.returncode
        if r.returncode not in ok_codes or TRACEBACK in r.stderr:
            step.error = f"exit {r.returncode}: {head(r.stderr) or head(r.stdout)}"
            step.extra["stdout"] = r.stdout[:2000].decode("utf-8", "replace")
            step.extra["stderr"] = r.stderr[-2000:].decode("utf-8", "replace")
            return False
        step.runs.append(r.seconds)
        step.peak_mb = max(step.peak_mb or 0.0, r.maxrss_mb)
        if r.tree_mb is not None:
            step.tree_mb = max(step.tree_mb or 0.0, r.tree_mb)
        if keep_stdout:
            step.extra.setdefault("stdouts", []).append(r.stdout)
        return True

    def _finish(self, step: Step) -> Step:
        if step.runs and step.error is None:
            step.best = min(step.runs)
        self._progress(step)
        return step

    def _progress(self, step: Step) -> None:
        if self.args.quiet:
            return
        if step.ok:
            print(f"  {step.name}: {step.best:.3f} s", file=sys.stderr, flush=True)
        else:
            print(f"  {step.name}: {step.error}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------
# Tools
# ---------------------------------------------------------------------------


def find_tool(name: str, explicit: str | None = None) -> str | None:
    if explicit:
        return explicit if os.path.exists(explicit) or shutil.which(explicit) else None
    found = shutil.which(name)
    if found:
        return found
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else None


def script_python(tool: str | None) -> str:
    """The interpreter of a Python console script (its shebang), else ours."""
    if tool:
        try:
            with open(tool, "rb") as f:
                first = f.readline(300).decode("utf-8", "replace")
            if first.startswith("#!"):
                interp = first[2:].strip().split()[0]
                if "python" in os.path.basename(interp) and os.path.exists(interp):
                    return interp
        except OSError:
            pass
    return sys.executable


def probe(cmd: list[str], timeout: float = 60) -> tuple[int, str, str]:
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)
        out, err = p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")
        return p.returncode, out, err
    except (OSError, subprocess.TimeoutExpired) as e:
        return 127, "", str(e)


def environment(gk: str | None, cj: str | None, yl: str | None, py: str) -> dict:
    info: dict = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": platform.machine(),
        "system": platform.platform(),
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "gk": gk,
        "check_jsonschema": cj,
        "yamllint": yl,
        "python_for_baselines": py,
    }
    if gk:
        rc, out, err = probe([gk, "--version"])
        info["gk_version"] = out.strip() if rc == 0 else f"n/a (exit {rc}: {head(err.encode())})"
    if cj:
        rc, out, _ = probe([cj, "--version"])
        info["check_jsonschema_version"] = out.strip() if rc == 0 else "n/a"
        cj_py = script_python(cj)
        rc, out, _ = probe([cj_py, "-c",
                            "import ruamel.yaml, _ruamel_yaml\n"
                            "print(ruamel.yaml.YAML(typ='safe').Parser.__name__)"])
        info["check_jsonschema_ruamel_clib"] = rc == 0
        info["check_jsonschema_parser"] = out.strip() if rc == 0 else "pure Python (no clib)"
    if yl:
        rc, out, _ = probe([yl, "--version"])
        info["yamllint_version"] = out.strip() if rc == 0 else "n/a"
    rc, out, _ = probe([py, "-c", "import yaml; print(yaml.__version__, yaml.__with_libyaml__)"])
    info["pyyaml"] = out.strip() if rc == 0 else "n/a"
    return info


# ---------------------------------------------------------------------------
# One size
# ---------------------------------------------------------------------------


def _load() -> float | None:
    """The 1-minute load average: other work on the machine skews timings."""
    try:
        return round(os.getloadavg()[0], 2)
    except (OSError, AttributeError):
        return None


def tree_stats(root: Path) -> tuple[int, int, int]:
    files = size = 0
    for dirpath, _, filenames in os.walk(root):
        for n in filenames:
            if n.endswith(".yaml"):
                files += 1
                size += os.path.getsize(os.path.join(dirpath, n))
    alliances = len(list((root / "alliances").glob("*.yaml")))
    return files, size, alliances


def chunks(paths: list[str], limit: int) -> list[list[str]]:
    out, cur, used = [], [], 0
    for p in paths:
        n = len(p.encode()) + 1 + 8  # the string, its NUL, its pointer
        if cur and used + n > limit:
            out.append(cur)
            cur, used = [], 0
        cur.append(p)
        used += n
    if cur:
        out.append(cur)
    return out


def bench_tree(bench: Bench, root: Path, tools: dict, work: Path, label: str,
               repeat: int, slow_repeat: int) -> dict:
    args = bench.args
    gk, cj, yl, py = tools["gk"], tools["check-jsonschema"], tools["yamllint"], tools["python"]
    files, size, n_alliances = tree_stats(root)
    load_before = _load()
    print(f"\n== {label}: {files:,} files, {n_alliances:,} alliances, "
          f"{size / 2**20:.1f} MB ==", file=sys.stderr, flush=True)
    steps: dict[str, Step] = {}
    base_env = dict(os.environ)
    base_env["NO_COLOR"] = "1"
    caches = work / f"caches-{label}"
    caches.mkdir(parents=True, exist_ok=True)
    counter = [0]

    def fresh_cache() -> dict:
        counter[0] += 1
        d = caches / f"c{counter[0]}"
        d.mkdir()
        env = dict(base_env)
        env["GK_CACHE_DIR"] = str(d)
        env["XDG_CACHE_HOME"] = str(d / "xdg")
        return env

    no_gk = "gk not found (use --gk PATH)"
    cwd = str(root)

    def gk_cmd(*a: str) -> list[str] | None:
        return [gk, *a] if gk else None

    # -- start-up -----------------------------------------------------------
    steps.update(bench.measure_rounds([
        {"key": "python -c pass", "name": "python -c pass", "cmd": [py, "-c", "pass"],
         "ok_codes": (0,)},
        {"key": "import click", "name": "python -c 'import click'",
         "cmd": [py, "-c", "import click"], "ok_codes": (0,)},
        {"key": "gk --version", "name": "gk --version", "cmd": gk_cmd("--version"),
         "ok_codes": (0,), "missing": no_gk, "env": fresh_cache()},
        {"key": "gk --help", "name": "gk --help", "cmd": gk_cmd("--help"), "ok_codes": (0,),
         "missing": no_gk, "env": fresh_cache()},
    ], repeat=max(repeat, 5)))

    # -- gk check, one core busy ------------------------------------------------
    cold_env: dict = {}

    def new_cold(_: int) -> None:
        cold_env.clear()
        cold_env.update(fresh_cache())

    new_cold(0)
    # With one core held by another program: two processes (the default) against one.
    # The two runs take turns: both may well do the same work (one process when the default
    # finds one core free), and a machine whose speed drifts must not favour either.
    with busy_core():
        if gk_cmd("check") is None:
            for name in ("default", "-j1"):
                steps[f"check busy {name}"] = bench.measure(
                    f"gk check ({name}, one core busy)", None, repeat=repeat, missing=no_gk)
        else:
            pair = bench.measure_interleaved(
                [("gk check --no-cache (one core busy)", gk_cmd("check", "--no-cache")),
                 ("gk check --no-cache -j1 (one core busy)", gk_cmd("check", "--no-cache", "-j1"))],
                repeat=repeat, cwd=cwd, env=cold_env, prepare=new_cold)
            steps["check busy default"], steps["check busy -j1"] = pair

    # -- gk check, summarize, gaps and the C parser, side by side -------------------
    # One run of each per round: the ratios compare steps of the same rounds.
    warm_env: dict = {}

    def new_fill(_: int) -> None:
        warm_env.clear()
        warm_env.update(fresh_cache())

    # "One file changed" runs on a copy of the tree, so that every other step sees the tree
    # unchanged (a warm run after a change would not be warm) and a given tree is never
    # written to.
    copy = work / f"changed-{label}"
    if copy.exists():
        shutil.rmtree(copy)
    shutil.copytree(root, copy, symlinks=True)
    services = sorted((copy / "services").glob("*/*.yaml"))
    target = services[len(services) // 2] if services else copy / "gk.yaml"
    changed_env = fresh_cache()
    # Caches are filled with file states older than gk's 2-second margin, as they would be
    # in use (younger states are verified by content, and no whole answer is remembered).
    time.sleep(2.5)
    if gk:
        run_once([gk, "check"], str(copy), changed_env, args.timeout, False)

    def touch(i: int) -> None:
        with open(target, "ab") as f:
            f.write(f"# benchmark: changed ({i + 1})\n".encode())

    specs: list[dict] = [
        # each run a new empty cache folder
        {"key": "check cold", "name": "gk check --no-cache (cold)",
         "cmd": gk_cmd("check", "--no-cache"), "cwd": cwd, "env": cold_env,
         "prepare": new_cold, "missing": no_gk},
        # each run fills a new empty cache folder, which the next two steps use
        {"key": "check fill", "name": "gk check (first run, fills cache)",
         "cmd": gk_cmd("check"), "cwd": cwd, "env": warm_env, "prepare": new_fill,
         "missing": no_gk},
        {"key": "check warm", "name": "gk check (warm)", "cmd": gk_cmd("check"), "cwd": cwd,
         "env": warm_env, "missing": no_gk},
        {"key": "check changed", "name": "gk check (one file changed)", "cmd": gk_cmd("check"),
         "cwd": str(copy), "env": changed_env, "prepare": touch, "missing": no_gk},
    ]
    for cmd_name in ("summarize", "gaps"):
        cenv: dict = {}

        def new_env(_: int, cenv: dict = cenv) -> None:
            cenv.clear()
            cenv.update(fresh_cache())

        cmd = gk_cmd(cmd_name, "--format", "json")
        wenv = fresh_cache()
        if cmd is not None:
            run_once(cmd, cwd, wenv, args.timeout, False)  # fills the cache for the warm runs
        specs += [
            {"key": f"{cmd_name} cold", "name": f"gk {cmd_name} --format json (cold)",
             "cmd": cmd, "cwd": cwd, "env": cenv, "prepare": new_env, "missing": no_gk},
            {"key": f"{cmd_name} warm", "name": f"gk {cmd_name} --format json (warm)",
             "cmd": cmd, "cwd": cwd, "env": wenv, "missing": no_gk},
        ]
    specs.append({"key": "lower bound", "name": "libyaml CSafeLoader, one process (wall)",
                  "cmd": [py, "-c", LOWER_BOUND_SCRIPT, str(root)], "ok_codes": (0,),
                  "keep_stdout": True})
    steps.update(bench.measure_rounds(specs, repeat=repeat))
    shutil.rmtree(copy, ignore_errors=True)
    steps["check changed"].note = "a comment line appended to one service file (of a copy)"
    steps["check changed"].extra["changed_file"] = str(target.relative_to(copy))

    # findings on this tree (one untimed run), to see that the data is what was meant
    findings: dict = {}
    if gk and steps["check cold"].ok:
        r = run_once([gk, "check", "--no-cache", "--format", "json"], cwd, fresh_cache(),
                     args.timeout, False)
        try:
            data = json.loads(r.stdout)
            codes: dict[str, int] = {}
            for f in data.get("findings", []):
                codes[f.get("code", "?")] = codes.get(f.get("code", "?"), 0) + 1
            findings = {"errors": data.get("errors"), "warnings": data.get("warnings"),
                        "codes": dict(sorted(codes.items()))}
        except (ValueError, AttributeError):
            findings = {"error": f"exit {r.returncode}: no JSON ({head(r.stderr)})"}

    # -- check-jsonschema -----------------------------------------------------
    steps["check-jsonschema"] = bench_check_jsonschema(bench, root, gk, cj, work, label,
                                                       slow_repeat, tools)

    # -- yamllint ---------------------------------------------------------------
    if "yamllint" in args.skip:
        steps["yamllint"] = bench.measure("yamllint (default rules)", None, repeat=0,
                                          missing="skipped (--skip)")
    else:
        steps["yamllint"] = bench.measure(
            "yamllint -d default -s . (default rules)",
            [yl, "-d", "default", "-s", "-f", "parsable", "."] if yl else None,
            repeat=slow_repeat, cwd=cwd, ok_codes=(0, 1, 2), missing="yamllint not found")

    # -- C-parser lower bound ---------------------------------------------------
    lb = steps.pop("lower bound")
    inner = Step("libyaml CSafeLoader, parse only (in process)", lb.command)
    if lb.ok:
        times = []
        for out in lb.extra.get("stdouts", []):
            try:
                d = json.loads(out)
                times.append(d["seconds"])
                inner.extra = d
            except (ValueError, KeyError):
                pass
        if times:
            inner.runs = times
            inner.best = min(times)
            inner.peak_mb = lb.peak_mb
            inner.note = "walk + read + parse, start-up excluded"
            if inner.extra.get("failed"):
                inner.note += f"; {inner.extra['failed']} file(s) failed to load"
        else:
            inner.error = "n/a: no timing printed"
    else:
        inner.error = lb.error
    lb.extra.pop("stdouts", None)
    steps["lower bound"] = lb
    steps["lower bound inner"] = inner

    return {
        "label": label,
        "load_average": [load_before, _load()],
        "files": files,
        "bytes": size,
        "alliances": n_alliances,
        "findings": findings,
        "steps": {k: asdict(v) for k, v in steps.items()},
        "_steps": steps,
    }


def bench_check_jsonschema(bench: Bench, root: Path, gk: str | None, cj: str | None,
                           work: Path, label: str, repeat: int, tools: dict) -> Step:
    name = "check-jsonschema, schemas from gk schema"
    if "check-jsonschema" in bench.args.skip:
        return bench.measure(name, None, repeat=0, missing="skipped (--skip)")
    if not cj:
        return bench.measure(name, None, repeat=0, missing="check-jsonschema not found")
    if not gk:
        return bench.measure(name, None, repeat=0, missing="gk not found: no schemas")
    schema_dir = work / f"schemas-{label}"
    schema_dir.mkdir(parents=True, exist_ok=True)
    jobs: list[list[str]] = []
    arg_max = os.sysconf("SC_ARG_MAX") if hasattr(os, "sysconf") else 131072
    env_size = sum(len(k) + len(v) + 2 for k, v in os.environ.items())
    limit = max(32768, (arg_max - env_size) // 2)
    rc, out, _ = probe([gk, "schema"])  # the list of kinds, one per line
    kinds = {line.split()[0] for line in out.splitlines() if line.strip()} if rc == 0 else set()
    groups = schema_groups(root, kinds)
    for kind, paths in groups.items():
        rc, out, err = probe([gk, "schema", kind])
        try:
            if rc != 0:
                raise ValueError(f"exit {rc}: {head(err.encode()) or head(out.encode())}")
            json.loads(out)
        except ValueError as e:
            step = bench.measure(name, None, repeat=0,
                                 missing=f"`gk schema {kind}` gave no JSON Schema ({e})")
            return step
        schema_file = schema_dir / f"{kind}.json"
        schema_file.write_text(out, encoding="utf-8")
        for part in chunks(paths, limit):
            jobs.append([cj, "--schemafile", str(schema_file), *part])
    step = Step(name, f"{cj} --schemafile <kind>.json <files>  ({len(jobs)} runs, summed)")
    step.extra["files_per_kind"] = {k: len(v) for k, v in groups.items()}
    for _ in range(repeat):
        total = 0.0
        for cmd in jobs:
            r = run_once(cmd, str(root), None, bench.args.timeout, bench.sample_tree)
            step.returncode = r.returncode
            if r.returncode not in (0, 1) or TRACEBACK in r.stderr:
                step.error = f"exit {r.returncode}: {head(r.stderr) or head(r.stdout)}"
                break
            total += r.seconds
            step.peak_mb = max(step.peak_mb or 0.0, r.maxrss_mb)
            if r.tree_mb is not None:
                step.tree_mb = max(step.tree_mb or 0.0, r.tree_mb)
            if r.returncode == 1:
                step.extra["invalid_files_reported"] = True
        if step.error:
            break
        step.runs.append(total)
    if step.runs and not step.error:
        step.best = min(step.runs)
    step.note = ("C extension: " + ("yes" if tools.get("cj_clib") else "NO (pure Python)")
                 + f"; {len(groups)} schema kinds, {len(jobs)} runs; gk.yaml not included")
    bench._progress(step)
    return step


# ---------------------------------------------------------------------------
# Ratios and report
# ---------------------------------------------------------------------------


@contextlib.contextmanager
def busy_core():
    """Another program spinning on one core for as long as the block runs."""
    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        yield
    finally:
        spinner.kill()
        spinner.wait()


def same_work_verdict(row: dict, default: Step | None, alone: Step | None) -> None:
    """The busy-core target says the default is never slower than one process. When the
    default ran as one process in every run (the process tree never held more memory than
    the process itself: no workers), it did exactly what ``-j1`` does, and the two times
    differ by the machine's noise alone; such a difference within ``-j1``'s own spread (its
    median over its best) is no failure, and the row says so."""
    if row["result"] != "FAIL" or default is None or alone is None or not alone.runs:
        return
    if default.tree_mb is None or default.peak_mb is None \
            or default.tree_mb > default.peak_mb * 1.15 + 5:
        return  # workers ran: the strict comparison stands
    runs = sorted(alone.runs)
    spread = runs[len(runs) // 2] / runs[0] - 1
    if row["value"] <= 1 + spread:
        row["result"] = "PASS"
        row["reason"] = (f"same work: the default ran as one process, as -j1 does (process "
                         f"tree {default.tree_mb:.0f} MB, no workers); {row['value']:.3f} is "
                         f"within -j1's own spread (median {spread:+.1%} over its best)")


def ratio_rows(result: dict) -> list[dict]:
    st: dict[str, Step] = result["_steps"]
    files = result["files"]

    def best(key: str) -> float | None:
        s = st.get(key)
        return s.best if s and s.ok else None

    rows = []
    # The issue sets the time ratios for a state-wide tree (about 10,000 files); on small
    # trees start-up dominates every run, and they are shown for information.
    state_wide = files >= 5000

    def add(name: str, num: float | None, den: float | None, target: float | None,
            why_num: str, why_den: str, any_size: bool = False) -> None:
        value = num / den if num is not None and den not in (None, 0) else None
        reason = ""
        if value is None:
            missing = [w for w, v in ((why_num, num), (why_den, den)) if v is None]
            verdict = "n/a"
            reason = "missing: " + ", ".join(missing)
        elif target is not None and not (state_wide or any_size):
            verdict = "info"
            reason = "target set for about 10,000 files"
        else:
            verdict = "info" if target is None else ("PASS" if value <= target else "FAIL")
        rows.append({"ratio": name, "value": value, "target": target, "result": verdict,
                     "reason": reason})

    cold = best("check cold")
    add("check cold / check-jsonschema", cold, best("check-jsonschema"), 0.25,
        "check cold", "check-jsonschema")
    add("check cold / libyaml parse (in process)", cold, best("lower bound inner"), 1.5,
        "check cold", "lower bound")
    add("check cold / libyaml process (wall)", cold, best("lower bound"), None,
        "check cold", "lower bound")
    add("check cold / yamllint", cold, best("yamllint"), None, "check cold", "yamllint")
    add("check fill / check cold", best("check fill"), cold, 1.1, "check fill", "check cold")
    add("check, one core busy: default / -j1", best("check busy default"),
        best("check busy -j1"), 1.0, "check busy default", "check busy -j1")
    same_work_verdict(rows[-1], st.get("check busy default"), st.get("check busy -j1"))
    add("check warm / check cold", best("check warm"), cold, 0.1, "check warm", "check cold")
    add("check one changed / check cold", best("check changed"), cold, 0.15,
        "check changed", "check cold")
    for c in ("summarize", "gaps"):
        add(f"{c} cold / check cold", best(f"{c} cold"), cold, 1.2, f"{c} cold", "check cold")
        add(f"{c} warm / check cold", best(f"{c} warm"), cold, 0.2, f"{c} warm", "check cold")
    click = best("import click")
    add("gk --version / import click", best("gk --version"), click, 2.0, "gk --version",
        "import click", any_size=True)
    add("gk --help / import click", best("gk --help"), click, 2.0, "gk --help", "import click",
        any_size=True)
    gk_steps = [s for k, s in st.items()
                if k.startswith(("check", "summarize", "gaps")) and s.ok]
    peak = max((max(s.peak_mb or 0, s.tree_mb or 0) for s in gk_steps), default=None)
    limit = 250.0 if files <= 15000 else 1024.0
    rows.append({
        "ratio": "gk peak RSS, MB (largest of all gk runs)",
        "value": peak, "target": limit,
        "result": "n/a" if peak is None else ("PASS" if peak <= limit else "FAIL"),
        "reason": "" if peak is not None else "no gk run",
    })
    return rows


def growth_rows(results: list[dict]) -> list[dict]:
    rows = []
    by_files = sorted(results, key=lambda r: r["files"])
    for small in by_files:
        for big in by_files:
            if not (8 <= big["files"] / max(small["files"], 1) <= 12):
                continue
            a = small["_steps"]["check cold"]
            b = big["_steps"]["check cold"]
            value = b.best / a.best if a.ok and b.ok else None
            target = 12.0 if small["files"] >= 5000 else None
            rows.append({
                "ratio": f"check cold {big['files']:,} / {small['files']:,} files",
                "value": value, "target": target,
                "result": "n/a" if value is None else (
                    "info" if target is None else ("PASS" if value <= target else "FAIL")),
                "reason": "" if value is not None else "check cold missing",
            })
    return rows


def _short(text: str, width: int = 100) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def fmt(v: float | None, digits: int = 3) -> str:
    return "" if v is None else f"{v:.{digits}f}"


def print_report(env: dict, results: list[dict], growth: list[dict]) -> None:
    from tabulate import tabulate

    print("Benchmark of gk")
    print(f"  machine: {env['machine']}, {env['cpus']} CPUs, Python {env['python']}")
    print(f"  gk: {env.get('gk') or 'not found'}  {env.get('gk_version', '')}")
    if env.get("check_jsonschema"):
        print(f"  check-jsonschema: {env.get('check_jsonschema_version', '')}; "
              f"ruamel.yaml.clib importable: "
              f"{'yes' if env.get('check_jsonschema_ruamel_clib') else 'NO'} "
              f"(parser {env.get('check_jsonschema_parser')})")
    if env.get("yamllint"):
        print(f"  yamllint: {env.get('yamllint_version', '')}")
    print(f"  PyYAML (version, libyaml): {env.get('pyyaml')}")
    for res in results:
        print()
        print(f"## {res['files']:,} files ({res['alliances']:,} alliances, "
              f"{res['bytes'] / 2**20:.1f} MB on disk)")
        if res.get("generated"):
            g = res["generated"]
            print(f"   generated with seed {g['seed']} in {g['seconds']:.1f} s")
        before, after = res.get("load_average", [None, None])
        if before is not None:
            busy = max(before, after or 0) > (os.cpu_count() or 1) * 0.75
            print(f"   load average before/after: {before} / {after}"
                  + ("  (the machine was busy: timings are unreliable)" if busy else ""))
        rows = []
        for s in res["_steps"].values():
            rows.append([
                s.name,
                fmt(s.best),
                " ".join(fmt(x, 2) for x in s.runs),
                fmt(s.peak_mb, 0),
                fmt(s.tree_mb, 0),
                _short(s.error or s.note),
            ])
        print(tabulate(rows, headers=["step", "best s", "runs s", "peak MB", "tree MB",
                                      "note"], disable_numparse=True))
        if res.get("findings"):
            print(f"\n   gk check on this tree: {json.dumps(res['findings'], ensure_ascii=False)}")
        print()
        rrows = [[r["ratio"], fmt(r["value"], 3 if r["value"] is not None and r["value"] < 10
                                  else 1),
                  "" if r["target"] is None else f"<= {r['target']:g}", r["result"], r["reason"]]
                 for r in res["ratios"]]
        print(tabulate(rrows, headers=["ratio", "value", "target", "result", ""],
                       disable_numparse=True))
    if growth:
        print("\n## growth")
        print(tabulate([[r["ratio"], fmt(r["value"]), "" if r["target"] is None
                         else f"<= {r['target']:g}", r["result"]] for r in growth],
                       headers=["ratio", "value", "target", "result"], disable_numparse=True))
    all_rows = [r for res in results for r in res["ratios"]] + growth
    counts = {k: sum(1 for r in all_rows if r["result"] == k) for k in ("PASS", "FAIL", "n/a")}
    print(f"\nPASS {counts['PASS']}, FAIL {counts['FAIL']}, n/a {counts['n/a']}")


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Benchmark gk against check-jsonschema, yamllint "
                                "and the libyaml parser on the same generated repository.")
    p.add_argument("--sizes", default="1000,10000",
                   help="comma-separated numbers of files (default 1000,10000)")
    p.add_argument("--huge", action="store_true", help="add 100,000 files")
    p.add_argument("--tree", metavar="DIR",
                   help="benchmark this existing data repository instead of generated ones")
    p.add_argument("--gk", metavar="PATH", help="the gk executable (default: gk on PATH)")
    p.add_argument("--repeat", type=int, default=3, help="runs per step, best is kept (3)")
    p.add_argument("--slow-repeat", type=int, default=None,
                   help="runs for check-jsonschema and yamllint (default: --repeat, "
                        "1 above 50,000 files)")
    p.add_argument("--seed", type=int, default=1, help="generator seed (1)")
    p.add_argument("--defects", type=int, default=0, metavar="K",
                   help="inject K defects per generated tree (default 0: valid data)")
    p.add_argument("--skip", default="", help="comma-separated: yamllint,check-jsonschema")
    p.add_argument("--workdir", metavar="DIR",
                   help="where trees, caches and schemas go (default: a temporary folder)")
    p.add_argument("--keep", action="store_true", help="keep the work folder")
    p.add_argument("--timeout", type=float, default=1800, help="seconds per command (1800)")
    p.add_argument("--no-tree-rss", action="store_true",
                   help="do not sample the memory of the whole process tree")
    p.add_argument("--json", metavar="OUT", help="also write the results as JSON")
    p.add_argument("--quiet", action="store_true", help="no progress on standard error")
    args = p.parse_args(argv)
    args.skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    if args.repeat < 1:
        p.error("--repeat must be at least 1")
    try:
        sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        p.error("--sizes takes numbers, e.g. 1000,10000")
    if args.huge and 100000 not in sizes:
        sizes.append(100000)
    if any(s < 26 for s in sizes):
        p.error("sizes must be at least 26 files")

    gk = find_tool("gk", args.gk)
    if args.gk and not gk:
        print(f"gk not found at {args.gk}", file=sys.stderr)
    gk_exe = shutil.which(gk) if gk and not os.path.exists(gk) else gk
    cj = find_tool("check-jsonschema")
    yl = find_tool("yamllint")
    py = script_python(gk_exe)
    rc, _, _ = probe([py, "-c", "import yaml, click; yaml.CSafeLoader"])
    if rc != 0:
        py = sys.executable
    tools = {"gk": gk_exe, "check-jsonschema": cj, "yamllint": yl, "python": py}
    env = environment(gk_exe, cj, yl, py)
    tools["cj_clib"] = env.get("check_jsonschema_ruamel_clib", False)

    bench = Bench(args)
    work = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="gk-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    results = []
    try:
        if args.tree:
            root = Path(args.tree).resolve()
            if not (root / "gk.yaml").is_file():
                print(f"{root} has no gk.yaml: not a data repository", file=sys.stderr)
                return 2
            files = tree_stats(root)[0]
            slow = args.slow_repeat or (args.repeat if files <= 50000 else 1)
            res = bench_tree(bench, root, tools, work, "tree", args.repeat, slow)
            results.append(res)
        else:
            for size in sizes:
                n = generate.alliances_for_files(size)
                root = work / f"tree-{size}"
                if root.exists():
                    shutil.rmtree(root)
                print(f"generating about {size:,} files ({n} alliances) in {root}",
                      file=sys.stderr, flush=True)
                g = generate.generate(str(root), n, args.seed, defects=args.defects)
                slow = args.slow_repeat or (args.repeat if size <= 50000 else 1)
                res = bench_tree(bench, root, tools, work, str(size), args.repeat, slow)
                res["generated"] = {"seed": args.seed, "alliances": n,
                                    "seconds": g["seconds"], "defects": g["defects"]}
                results.append(res)
                if not args.keep:
                    shutil.rmtree(root, ignore_errors=True)
        for res in results:
            res["ratios"] = ratio_rows(res)
        growth = growth_rows(results)
        print_report(env, results, growth)
        if args.json:
            out = {"environment": env, "args": {k: (sorted(v) if isinstance(v, set) else v)
                                                for k, v in vars(args).items()},
                   "results": [{k: v for k, v in r.items() if k != "_steps"} for r in results],
                   "growth": growth}
            with open(args.json, "w", encoding="utf-8") as f:
                json.dump(out, f, indent=2, ensure_ascii=False, default=str)
                f.write("\n")
    finally:
        if args.keep or args.workdir:
            print(f"\nwork folder kept: {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
