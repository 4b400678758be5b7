"""Work shared between this process and forked worker processes on large trees.

Workers claim blocks from the back while this process works from the front, so every
process keeps busy however fast the others are (a machine's cores are seldom equally free).
The result is the same however the work was shared: a block a worker does not deliver is
done here.
"""

from __future__ import annotations

import marshal
import os
import time
from collections.abc import Callable, Sequence
from typing import Any

# Items below which a second process does not pay for its start-up.
POOL_THRESHOLD = 1500


def may_spread(jobs: int | None, items: int, threshold: int | None = None) -> bool:
    """Whether worker processes may help: on large inputs (``POOL_THRESHOLD`` items unless
    told), where fork exists, unless asked for one process."""
    least = POOL_THRESHOLD if threshold is None else threshold
    return items >= least and os.name == "posix" and (jobs is None or jobs > 1)


def workers_for(jobs: int | None, items: int, threshold: int | None = None) -> int:
    """How many processes to use: one on small inputs, where fork is missing, or when asked;
    by default one per core that no other program keeps busy right now (a worker on a busy
    core costs more than it saves: the default must never be slower than one process)."""
    if not may_spread(jobs, items, threshold):
        return 1
    return jobs if jobs is not None else free_cores()


class RunQueue:
    """The programs running besides this one, sampled while this process works (Linux: the
    run queue in /proc/stat, which counts this process too), at their fewest, so that a
    program that runs only now and then does not count."""

    def __init__(self) -> None:
        self.others: int | None = None
        self.failed = False

    def sample(self) -> None:
        if self.failed:
            return
        try:
            with open("/proc/stat", "rb") as handle:
                for line in handle:
                    if line.startswith(b"procs_running "):
                        running = int(line.split()[1]) - 1
                        self.others = running if self.others is None else min(self.others,
                                                                              running)
                        return
        except (OSError, ValueError):
            pass
        self.failed = True  # no such file (not Linux): every core counts as free

    def free_cores(self) -> int:
        """Cores not taken by other programs (every core when nothing could be sampled);
        remembered for a few seconds, for the next step of the same run."""
        global _decided
        cores = os.cpu_count() or 1
        free = cores if self.others is None else max(1, cores - max(0, self.others))
        _decided = (time.monotonic(), free)
        return free


# The last decision of this process: (when, free cores).
_decided: tuple[float, int] | None = None


def free_cores(samples: int = 25) -> int:
    """Cores not taken by other running programs, the run queue sampled over about 30 ms;
    a decision of the last ten seconds (the check's, for the positions of its findings) is
    taken as it is. Asked only for large trees."""
    if _decided is not None and time.monotonic() - _decided[0] < 10:
        return _decided[1]
    queue = RunQueue()
    for _sample in range(samples):
        queue.sample()
        if queue.failed:
            break
        time.sleep(0.001)
    return queue.free_cores()


class _Blocks:
    """Blocks of files claimed from both ends: this process takes them from the front,
    workers from the back, until they meet. Shared through ``fork``, so every process
    keeps busy however fast the others are (a machine's cores are seldom equally free)."""

    def __init__(self, context: Any, count: int) -> None:
        self.ends = context.RawArray("i", [0, count])  # [next from the front, end of the back]
        self.lock = context.Lock()

    def front(self) -> int | None:
        with self.lock:
            first, end = self.ends
            if first >= end:
                return None
            self.ends[0] = first + 1
            return int(first)

    def back(self) -> int | None:
        with self.lock:
            first, end = self.ends
            if first >= end:
                return None
            self.ends[1] = end - 1
            return int(end - 1)


def _worker(conn: Any, blocks: _Blocks, chunks: Sequence[Sequence[Any]],
            remote: Callable[[Sequence[Any]], Any]) -> None:
    """Do blocks from the back and send each back as soon as it is done."""
    try:
        while (number := blocks.back()) is not None:
            conn.send_bytes(marshal.dumps((number, remote(chunks[number]))))
    except (Exception, KeyboardInterrupt):
        # Interrupted, the main process stopped listening, or a block cannot be sent: the
        # main process does what is missing itself (and shows any error from there).
        pass
    finally:
        conn.close()


# Bytes a pipe from a worker may hold. This process reads results only between its own
# blocks; with the default 64 kB a worker that has sent one block waited for the next to be
# taken (filling the cache of 10,031 files: 0.3–0.55 s of a worker's 2.5–3.2 s spent blocked
# on sending, a core left idle). Linux allows 1 MB to any process (fs/pipe-max-size).
_PIPE_BYTES = 1 << 20


def _widen(conn: Any) -> None:
    """Let the pipe behind ``conn`` hold ``_PIPE_BYTES`` where the system allows it."""
    try:
        import fcntl

        fcntl.fcntl(conn.fileno(), fcntl.F_SETPIPE_SZ, _PIPE_BYTES)
    except (ImportError, AttributeError, OSError):
        pass  # another system, or a lower limit: the workers wait now and then, nothing else


def spread(chunks: Sequence[Sequence[Any]], workers: int,
           local: Callable[[Sequence[Any]], list[Any]],
           remote: Callable[[Sequence[Any]], Any],
           restore: Callable[[Sequence[Any], Any], list[Any]],
           progress: Callable[[int], None] | None = None) -> list[Any]:
    """``local`` over every chunk, the results in order, with ``workers - 1`` forked
    processes helping: they run ``remote`` (plain data for ``marshal``), which ``restore``
    turns into what ``local`` gives. A chunk a worker does not deliver (it died) is done
    here; the output is the same however the work was shared. ``progress`` is called with
    the number of chunks done so far."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    blocks = _Blocks(context, len(chunks))
    slots: list[list[Any] | None] = [None] * len(chunks)
    pipes = []
    for _n in range(workers - 1):
        ours, theirs = context.Pipe(duplex=False)
        _widen(ours)
        process = context.Process(target=_worker, daemon=True,
                                  args=(theirs, blocks, chunks, remote))
        process.start()
        theirs.close()
        pipes.append((process, ours))
    open_pipes = [conn for _proc, conn in pipes]
    done = [0]  # chunks finished, here or by a worker

    def receive(conn: Any) -> None:
        """One chunk from a worker; at the end of its pipe the worker is done."""
        try:
            number, data = marshal.loads(conn.recv_bytes())
        except (EOFError, OSError, ValueError):
            open_pipes.remove(conn)
            return
        slots[number] = restore(chunks[number], data)
        done[0] += 1

    def report() -> None:
        if progress is not None:
            progress(done[0])

    try:
        while (number := blocks.front()) is not None:
            slots[number] = local(chunks[number])
            done[0] += 1
            for conn in list(open_pipes):
                while conn in open_pipes and conn.poll():
                    receive(conn)
            report()
        from multiprocessing.connection import wait

        while open_pipes:
            for ready in wait(open_pipes):
                receive(ready)
            report()
        for process, _conn in pipes:
            process.join()
    finally:
        for process, conn in pipes:
            conn.close()
            if process.is_alive():
                process.kill()
                process.join()
    out: list[Any] = []
    for number, slot in enumerate(slots):
        out.extend(slot if slot is not None else local(chunks[number]))
    return out


