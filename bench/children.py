"""The benchmark's child processes (bench/run.py starts them as ``run.py --_NAME-child ARG``): each measures one
figure in a process of its own — its imports done, its input already on disk — and prints its figures as one JSON
line that the parent reads."""

from __future__ import annotations

import json
import os
import statistics
import time
from pathlib import Path


def _score_child(frames: str, reps: int) -> None:
    import gc
    import resource
    import tracemalloc

    import pandas as pd

    from evaltools.scoring.indicators import composition, level1_totals, score_indicators, score_projects
    from evaltools.scoring.rules import load_rules

    rules = load_rules("mof")
    ind, proj = pd.read_pickle(frames)

    def once():  # as evaluate() does it: one grouping pass shared by project totals and composition
        scored = score_indicators(ind, rules)
        totals = level1_totals(scored)
        projects = score_projects(proj, scored, rules, rules.grade_bands, totals)
        comp = composition(scored, projects, totals)
        return scored, projects, comp

    small_ind, small_proj = ind.head(1000), proj.head(10)  # warm up imports and caches on a small table
    score_projects(small_proj, score_indicators(small_ind, rules), rules, rules.grade_bands)
    gc.collect()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        out = once()
        times.append(time.perf_counter() - t)
        del out
        gc.collect()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    tracemalloc.start()
    out = once()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        json.dumps(
            {
                "seconds": statistics.median(times),
                "runs": times,
                "tracemalloc_peak": peak,
                "maxrss_delta": rss_after - rss_before,
                "maxrss": rss_after,
                "scored_projects": int(len(out[1])),
            }
        )
    )


def _rss() -> int:
    """This process's resident memory now (Linux), else 0."""
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return 0


class _PeakRss:
    """The highest resident memory seen while the block runs (sampled every 5 ms on a thread)."""

    def __enter__(self):
        import threading

        self.start = self.peak = _rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self):
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, _rss())

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss())


def _eval_child(folder: str, reps: int) -> None:
    import gc
    import tracemalloc

    from evaltools.data.load import load_path
    from evaltools.run.synthetic import generate_units
    from evaltools.scoring.evaluation import evaluate
    from evaltools.scoring.rules import load_rules

    rules = load_rules("mof")
    data = load_path(folder, 2022)  # the year as a run gets it (not timed)
    evaluate(generate_units(20, 100, seed=1, year=2022), rules)  # warm up imports and caches on a small year
    gc.collect()
    times, cpu, findings, growth = [], [], 0, 0
    for _ in range(reps):
        t, c = time.perf_counter(), time.process_time()
        with _PeakRss() as rss:
            ev = evaluate(data, rules)
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
        growth = max(growth, rss.peak - rss.start)
        findings = len(ev.findings)
        del ev
        gc.collect()
    tracemalloc.start()
    ev = evaluate(data, rules)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    result = {
        "seconds": statistics.median(times),
        "runs": times,
        "cpu_seconds": statistics.median(cpu),
        "rows": len(data.indicators),
        "units": len(data),
        "projects": len(data.projects),
        "findings": findings,
        "tracemalloc_peak": peak,
        "rss_growth": growth,
        "units_evaluated": int(len(ev.totals)),
    }
    print(json.dumps(result))


def _load_child(folder: str, reps: int) -> None:
    import resource

    from evaltools.data.load import load_path

    times, cpu = [], []
    for _ in range(reps):
        t, c = time.perf_counter(), time.process_time()
        data = load_path(folder, 2022)
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
        rows = len(data.indicators)
        del data
    # the process's own peak (VmHWM): getrusage's max RSS carries, across exec, the high-water mark of the bench
    # process that forked this one (it holds the generated year, ~1.7 GB)
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    try:
        hwm = [line for line in Path("/proc/self/status").read_text().splitlines() if line.startswith("VmHWM:")]
        maxrss = int(hwm[0].split()[1]) * 1024 if hwm else maxrss
    except OSError:
        pass
    out = {"seconds": statistics.median(times), "cpu_seconds": statistics.median(cpu), "runs": times}
    print(json.dumps({**out, "rows": rows, "maxrss": maxrss}))


def _review_child(folder: str, reps: int) -> None:
    from evaltools.report.bureau.model import assemble
    from evaltools.report.bureau.summary import summary_lines, summary_tables
    from evaltools.report.bureau.view import build_view
    from evaltools.run.review import read_inputs
    from evaltools.scoring.review.rulebook import load_rulebook

    book = load_rulebook("bureau")
    parts: dict[str, list[float]] = {"read": [], "review": [], "summary": [], "total": []}
    for _ in range(reps):
        t0 = time.perf_counter()
        inputs = read_inputs([folder])
        t1 = time.perf_counter()
        result = assemble(inputs.evaluations, inputs.metas, book)
        t2 = time.perf_counter()
        build_view(result)
        summary_tables(result)
        t3 = time.perf_counter()
        for key, value in zip(parts, (t1 - t0, t2 - t1, t3 - t2, t3 - t0)):
            parts[key].append(value)
    figures = {k: statistics.median(v) for k, v in parts.items()}
    figures.update(forms=len(result.frames.forms), units=int(result.frames.forms["unit"].nunique()))
    figures.update(findings=len(result.frames.findings), sampled=len(result.sample.frame), lines=summary_lines(result))
    print(json.dumps(figures, ensure_ascii=False))


def _forms_child(path: str) -> None:
    """In a fresh process: imports, then one form read + scored + audited (first call, then the median of 10)."""
    started = time.perf_counter()
    from evaltools.run.audit import audit_files

    imports = time.perf_counter() - started
    started = time.perf_counter()
    result = audit_files([path])
    first = time.perf_counter() - started
    assert len(result["forms"]) == 1, result
    times, cpu = [], []
    for _ in range(10):
        started, used = time.perf_counter(), time.process_time()
        audit_files([path])
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - used)
    figures = {"imports": imports, "single_first": first, "single_warm": statistics.median(times)}
    print(json.dumps({**figures, "single_warm_cpu": statistics.median(cpu)}))
