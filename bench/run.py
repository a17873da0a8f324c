"""Benchmark: evaltools against the papermill + nbconvert floor. Not a test — it prints a table.

    python bench/run.py [--reps N] [--quick] [--json PATH]

Figures (each the median of ``--reps`` repetitions; ``--quick`` = one repetition):

* floor — the ``papermill`` command on an empty parameterised notebook (one parameters cell
  ``year = 2022``, kernel python3) plus ``jupyter nbconvert --to html --no-input`` on its output;
* the 2022 report to HTML (``evaltools run 2022 --to html``), then HTML + PDF, as ratios to the floor;
* 8 synthetic years of one unit: ``evaltools run --all --jobs 1`` vs ``--jobs 2`` (HTML): the
  speed-up, and the cost per report inside the batch (total / 8) as a ratio to the floor;
* a finance bureau's year (``bureau``; ``--bureau-units N``, default 1,000): the README's demo, every unit's HTML
  report by one ``evaltools run --all --jobs 2`` (the batch reads and evaluates the year once per worker and keeps
  one kernel per worker: issue 23) — wall time against 20 min, and per report against the floor; run once;
  ``--bureau-executor dask`` runs the same command on a dask LocalCluster of 2 workers (the year read and evaluated
  once in the command and scattered to both workers);
* scoring 10,000 units × 100 indicators = 1,000,000 rows (``generate_frames``): wall time of
  score_indicators + score_projects + composition, peak memory (tracemalloc peak and the
  ``getrusage`` max-RSS growth), in a child process so that the measurement is clean;
* ``evaluate()`` end to end — rates, indicator and project scores, totals and the whole audit — on a synthetic
  finance bureau's year (``generate_units``: 100 indicators and 10 projects per unit) of 10,000 / 100,000 /
  1,000,000 indicator rows, from loaded data (written as Parquet, read by ``load_path``), in a child process:
  wall time, findings, tracemalloc peak and max-RSS growth; the growth from 100k to 1M shows it is linear;
* loading that 1,000,000-row year (``load_path``: parse, validate, cross-check) from CSV (streamed in chunks)
  and from Parquet, each in a child process: wall time and max RSS;
* PDF export alone for the 2022 report (``evaltools.report.exporters.html_to_pdf`` on its HTML);
* filled-in forms (``--only forms``): a bureau of 1,000 forms (tests/formkit.py: 12 units, xlsx and docx, four
  layouts, both kinds, a third with a planted defect) read and audited by one ``evaltools audit DIR`` with
  ``--jobs 1`` and ``--jobs 2`` (the whole command: process start, imports, workers, writing the findings); the
  four files of examples/forms with ``--jobs 1`` and ``--jobs 2`` (few files: ``--jobs 2`` must not be slower);
  and one form read + scored + audited in a process that has done its imports (the first call, then warm): a
  generated form, a shipped one (examples/forms) and a real published one (tests/corpus); beside each wall time
  its CPU time (the --jobs 1 audit command's, the warm form's in its process), which other work on the machine
  skews far less;
* the bureau's review (``--only review``): a synthetic bureau of 1,000 units × 10 projects = 10,000 forms
  (``generate_units``, written as a dataset folder) triaged and summarised in a child process — read and evaluated
  (one pass), reviewed (frames, red flags, 偏离度, tiers, risk, the sample: ``assemble``), summarised (the
  report's view with its charts, the 复核汇总 tables) — wall time against the goal of 60 s; and the whole
  ``evaltools review DIR --formats html --worksheets none`` command (also the lists, the notebook, the HTML);
* the real-form corpus (``--only corpus``; tests/corpus/forms: published 自评表 typed into their layouts):
  forms read, field accuracy, audit recall and precision on the expected problems (tests/corpus/measure.py);
* the fidelity suite (``--only fidelity``; tests/fidelity/tables: real published tables in the data format, the
  corpus forms through ``evaltools import``): audit recall and precision, totals and grades right, and grades
  given where the table cannot give one (tests/fidelity/measure.py).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from children import _eval_child, _forms_child, _load_child, _review_child, _score_child  # bench/children.py
from table import print_table, table  # bench/table.py, beside this script

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"


def tool(name: str) -> list[str]:
    """A command-line tool of the project's venv (as a user runs it), else the one on PATH."""
    path = VENV_BIN / name
    if path.exists():
        return [str(path)]
    found = shutil.which(name)
    if found:
        return [found]
    if name == "evaltools":
        return [sys.executable, "-m", "evaltools.cli"]
    raise SystemExit(f"bench: {name} not found (run `make setup` first)")


def machine() -> dict:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor() or "unknown"
    try:
        nproc = len(os.sched_getaffinity(0))
    except AttributeError:
        nproc = os.cpu_count()
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    return {
        "nproc": nproc,
        "cpu": model,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_before": [round(x, 2) for x in load],
    }


def run(cmd: list[str], cwd: Path = ROOT, ok: tuple[int, ...] = (0,)) -> float:
    """Seconds a command takes; raises with its stderr when it fails (exits with a code not in ``ok``)."""
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    started = time.perf_counter()
    res = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - started
    if res.returncode not in ok:
        raise RuntimeError(f"{' '.join(cmd[:4])} … exited {res.returncode}: {res.stderr.strip()[-800:]}")
    return seconds


def median(fn, reps: int) -> tuple[float, list[float]]:
    times = [fn() for _ in range(reps)]
    return statistics.median(times), times


# ----------------------------------------------------------------------------- the figures


def empty_notebook(path: Path) -> Path:
    import nbformat

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("year = 2022")
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell]
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    nbformat.write(nb, path)
    return path


def floor(tmp: Path, reps: int) -> dict:
    src = empty_notebook(tmp / "empty.ipynb")
    out = tmp / "empty-out.ipynb"
    parts = {"papermill": [], "nbconvert": []}

    def once() -> float:
        a = run(
            tool("papermill") + [str(src), str(out), "-p", "year", "2022", "-k", "python3", "--no-progress-bar"], tmp
        )
        b = run(tool("jupyter") + ["nbconvert", "--to", "html", "--no-input", str(out)], tmp)
        parts["papermill"].append(a)
        parts["nbconvert"].append(b)
        return a + b

    once()  # warm-up, not counted: OS file cache, kernel spec lookup, font cache
    parts["papermill"].clear()
    parts["nbconvert"].clear()
    total, times = median(once, reps)
    return {
        "floor": total,
        "floor_runs": times,
        "papermill": statistics.median(parts["papermill"]),
        "nbconvert": statistics.median(parts["nbconvert"]),
    }


def report(tmp: Path, reps: int, formats: str, warm_up: bool = False) -> float:
    def once() -> float:
        out = Path(tempfile.mkdtemp(prefix="out-", dir=tmp))
        return run(
            tool("evaltools")
            + ["run", "2022", "--data-dir", str(ROOT / "data"), "--output-dir", str(out), "--to", formats]
        )

    if warm_up:
        once()  # not counted, as for the floor
    return median(once, reps)[0]


def batch(tmp: Path, reps: int, years: int = 8) -> dict:
    sys.path.insert(0, str(ROOT))
    from evaltools.run.synthetic import generate

    data = tmp / "batch-data"
    generate(data, units=1, years=years, indicators=12, seed=0)

    def jobs(n: int) -> float:
        out = Path(tempfile.mkdtemp(prefix=f"batch{n}-", dir=tmp))
        return run(
            tool("evaltools")
            + [
                "run",
                "--all",
                "--data-dir",
                str(data),
                "--output-dir",
                str(out),
                "--jobs",
                str(n),
                "--to",
                "html",
                "--no-progress",
            ]
        )

    one = median(lambda: jobs(1), reps)[0]
    two = median(lambda: jobs(2), reps)[0]
    return {"years": years, "jobs1": one, "jobs2": two, "speedup": one / two}


def bureau(tmp: Path, reps: int, units: int = 1000, executor: str = "process") -> dict:
    """A finance bureau's year (issue 23): the README's demo (``generate_units(units)``: 100 indicators and 10
    projects a unit, written as a dataset folder), every unit's HTML report by ``evaltools run --all --jobs 2
    --executor EXECUTOR`` (``process``, or ``dask``: a LocalCluster of 2 workers, the year shared with them once) —
    the whole command once (it takes minutes: ``reps`` is not applied); wall time, and per report (total / units)."""
    sys.path.insert(0, str(ROOT))
    from evaltools.run.synthetic import generate_units, write_units

    data = tmp / "bureau-data"
    write_units(generate_units(units, year=2022), data / "2022")
    out = Path(tempfile.mkdtemp(prefix="bureau-", dir=tmp))
    args = ["run", "--all", "--data-dir", str(data), "--output-dir", str(out), "--jobs", "2", "--to", "html"]
    seconds = run(tool("evaltools") + args + ["--executor", executor, "--no-progress"])
    made = len(list(out.glob("*/2022/report.html")))
    return {"units": units, "executor": executor, "seconds": seconds, "reports": made, "per_report": seconds / units}


def scoring(tmp: Path, reps: int, units: int = 10_000, per_unit: int = 100) -> dict:
    """Frames are made and pickled here; the child only loads them (a small, steady peak) and then
    measures scoring alone: max-RSS growth, wall time (untraced), then the tracemalloc peak."""
    sys.path.insert(0, str(ROOT))
    import pandas as pd

    from evaltools.run.synthetic import generate_frames

    ind, proj = generate_frames(units, per_unit, seed=0)
    frames = tmp / "frames.pkl"
    pd.to_pickle((ind, proj), frames)
    rows = len(ind)
    del ind, proj
    res = subprocess.run(
        [sys.executable, __file__, "--_score-child", str(frames), "--reps", str(reps)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if res.returncode != 0:
        raise RuntimeError(res.stderr.strip()[-800:])
    return {"rows": rows, **json.loads(res.stdout.strip().splitlines()[-1])}


EVAL_SIZES = (10_000, 100_000, 1_000_000)


def _child(args: list[str]) -> dict:
    res = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, cwd=ROOT)
    if res.returncode != 0:
        raise RuntimeError(res.stderr.strip()[-800:])
    return json.loads(res.stdout.strip().splitlines()[-1])


def evaluate_scale(tmp: Path, reps: int, sizes: tuple[int, ...] = EVAL_SIZES) -> dict:
    """evaluate() on a bureau's year at each size, each in a child process that first loads the year as a user's
    run does (``load_path`` of the year written as Parquet: text columns as the loader hands them over)."""
    sys.path.insert(0, str(ROOT))
    from evaltools.data.folder import write_units
    from evaltools.run.synthetic import generate_units

    out = {}
    for rows in sizes:
        data = generate_units(rows // 100, 100, seed=0, year=2022, projects_per_unit=10)
        folder = write_units(data, tmp / f"eval-{rows}" / "2022", "parquet")
        del data
        out[str(rows)] = _child(["--_eval-child", str(folder), "--reps", str(reps)])
    return out


def loading(tmp: Path, reps: int, rows: int = 1_000_000) -> dict:
    """load_path() on a bureau's year written as CSV and as Parquet, each form in a child process."""
    sys.path.insert(0, str(ROOT))
    from evaltools.data.folder import write_units
    from evaltools.run.synthetic import generate_units

    data = generate_units(rows // 100, 100, seed=0, year=2022, projects_per_unit=10)
    out = {"rows": len(data.indicators)}
    for form in ("csv", "parquet"):
        folder = write_units(data, tmp / f"load-{form}" / "2022", form)
        size = sum(f.stat().st_size for f in folder.iterdir())
        out[form] = {"bytes": size, **_child(["--_load-child", str(folder), "--reps", str(reps)])}
    return out


def pdf_export(tmp: Path, reps: int) -> dict:
    out = tmp / "pdf-src"
    run(tool("evaltools") + ["run", "2022", "--data-dir", str(ROOT / "data"), "--output-dir", str(out), "--to", "html"])
    html = out / "2022" / "report.html"
    code = (
        "import json, sys, time\n"
        "t = time.perf_counter()\n"
        "from evaltools.report.exporters import html_to_pdf\n"
        "imports = time.perf_counter() - t\n"
        "html = open(sys.argv[1], encoding='utf-8').read()\n"
        "times = []\n"
        f"for _ in range({max(reps, 1) + 1}):\n"
        "    s = time.perf_counter(); pdf = html_to_pdf(html); times.append(time.perf_counter() - s)\n"
        "warm = sorted(times[1:])[len(times[1:]) // 2]\n"
        "print(json.dumps({'imports': imports, 'first': times[0], 'warm': warm, 'bytes': len(pdf)}))\n"
    )
    res = subprocess.run([sys.executable, "-c", code, str(html)], capture_output=True, text=True, cwd=ROOT)
    if res.returncode != 0:
        raise RuntimeError(res.stderr.strip()[-800:])
    return json.loads(res.stdout.strip().splitlines()[-1])


# ----------------------------------------------------------------------------- filled-in forms


def forms(tmp: Path, reps: int, n: int = 1000) -> dict:
    """``evaltools audit`` over ``n`` generated forms with --jobs 1 and --jobs 2, over the four files of
    examples/forms with --jobs 1 and --jobs 2 (few files: no worker should start), and one form read + audited in
    a process that has done its imports: a generated form, a shipped one (examples/forms) and a real published
    one typed into its layout (tests/corpus, built as tests/corpus/measure.py writes it)."""
    sys.path.insert(0, str(ROOT / "tests"))
    sys.path.insert(0, str(ROOT))
    from formkit import bureau

    folder = tmp / "forms"
    made = bureau(folder, n=n, seed=1, broken=False)
    audit = [*tool("evaltools"), "audit", "--output-dir", str(tmp / "audit"), "--no-progress"]
    out: dict = {"forms": len(made.forms)}
    for jobs in (1, 2):
        cpu: list[float] = []
        out[f"audit_jobs{jobs}"], out[f"runs_jobs{jobs}"] = median(
            lambda j=jobs, c=cpu: _with_cpu(c, [*audit, str(folder), "--jobs", str(j)]), reps
        )
        if jobs == 1:  # one process: its CPU is the work's (workers started by a forkserver are not reaped here)
            out["audit_jobs1_cpu"] = statistics.median(cpu)
        out[f"examples_jobs{jobs}"], _ = median(
            lambda j=jobs: run([*audit, str(ROOT / "examples" / "forms"), "--jobs", str(j)], ok=(0, 2)), reps
        )
    out["runs"] = out["runs_jobs2"]
    singles = {"generated": next(p for p in sorted(folder.rglob("*.xlsx")))}
    singles["shipped"] = next(p for p in sorted((ROOT / "examples" / "forms").rglob("*.xlsx")))
    singles["corpus"] = _corpus_form(tmp)
    for name, path in singles.items():
        child = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--_forms-child", str(path)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        figures = json.loads(child.stdout.strip().splitlines()[-1])
        prefix = "" if name == "generated" else f"{name}_"
        out.update({f"{prefix}{k}": v for k, v in figures.items()})
    return out


REVIEW_UNITS = 1_000


def review(tmp: Path, reps: int) -> dict:
    """The 10,000-form review: triage and summary in a child process, then the whole command once."""
    sys.path.insert(0, str(ROOT))
    from evaltools.data.folder import write_units
    from evaltools.run.synthetic import generate_units

    data = generate_units(REVIEW_UNITS, 100, seed=0, year=2022, projects_per_unit=10)
    folder = tmp / "review-data" / "2022"
    write_units(data, folder)
    del data
    out = _child(["--_review-child", str(folder), "--reps", str(reps)])
    cmd = [*tool("evaltools"), "review", str(folder), "--to", str(tmp / "review-out"), "--formats", "html"]
    out["command"] = run([*cmd, "--worksheets", "none"])
    return out


def _with_cpu(cpu: list[float], cmd: list[str]) -> float:
    """Seconds an audit command takes; its CPU seconds (the process's, as a reaped child) appended to ``cpu`` — a
    figure that other work on the machine skews far less than the wall time."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    seconds = run(cmd, ok=(0, 2))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    return seconds


def _corpus_form(tmp: Path) -> Path:
    """The first real published form of the corpus that is read (a Word document typed into its layout)."""
    from evaltools.data.forms import read_file
    from tests.corpus.measure import load, write_forms

    for stem, data in load():
        path = Path(write_forms([(stem, data)], tmp)[stem])
        if read_file(path)[0]:
            return path
    raise RuntimeError("no corpus form is read")


def corpus(tmp: Path, reps: int) -> dict:
    """The real-form corpus measured once (its figures do not vary between runs): tests/corpus/measure.py."""
    sys.path.insert(0, str(ROOT))
    from tests.corpus.measure import measure

    return measure().summary()


def fidelity(tmp: Path, reps: int) -> dict:
    """The fidelity suite measured once (its figures do not vary between runs): tests/fidelity/measure.py."""
    sys.path.insert(0, str(ROOT))
    from tests.fidelity.measure import measure

    return measure().summary()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=3, help="repetitions per figure (median); default 3")
    ap.add_argument("--quick", action="store_true", help="one repetition of everything")
    ap.add_argument("--json", type=Path, help="also save the figures as JSON here")
    ap.add_argument(
        "--only",
        help="comma-separated subset: floor,html,html_pdf,batch,bureau,scoring,evaluate,load,pdf,forms,review,corpus,"
        "fidelity",
    )
    ap.add_argument(
        "--bureau-units", type=int, default=1000, help="units of the bureau row's demo year (default 1000, issue 23)"
    )
    ap.add_argument(
        "--bureau-executor",
        choices=("process", "dask"),
        default="process",
        help="how the bureau row runs its reports: process pool (default) or a dask LocalCluster of 2 workers",
    )
    ap.add_argument("--_score-child", dest="score_child", help=argparse.SUPPRESS)
    ap.add_argument("--_eval-child", dest="eval_child", help=argparse.SUPPRESS)
    ap.add_argument("--_load-child", dest="load_child", help=argparse.SUPPRESS)
    ap.add_argument("--_forms-child", dest="forms_child", help=argparse.SUPPRESS)
    ap.add_argument("--_review-child", dest="review_child", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    reps = 1 if args.quick else max(1, args.reps)
    if args.score_child:
        _score_child(args.score_child, reps)
        return 0
    if args.eval_child:
        _eval_child(args.eval_child, reps)
        return 0
    if args.load_child:
        _load_child(args.load_child, reps)
        return 0
    if args.forms_child:
        _forms_child(args.forms_child)
        return 0
    if args.review_child:
        _review_child(args.review_child, reps)
        return 0
    info = machine()
    print(f"machine: {info['nproc']} CPU(s), {info['cpu']}, Python {info['python']} ({info['platform']})")
    print(
        f"load average before: {' '.join(map(str, info['load_before']))} (other work on the machine skews every figure)"
    )
    print(f"repetitions per figure: {reps} (median)\n", flush=True)
    everything = "floor,html,html_pdf,batch,bureau,scoring,evaluate,load,pdf,forms,review,corpus,fidelity"
    wanted = set((args.only or everything).split(","))
    figures: dict = {}
    steps = [
        ("floor", lambda t: floor(t, reps)),
        ("html", lambda t: report(t, reps, "html", warm_up=True)),
        ("html_pdf", lambda t: report(t, reps, "html,pdf")),
        ("batch", lambda t: batch(t, reps)),
        ("bureau", lambda t: bureau(t, reps, args.bureau_units, args.bureau_executor)),
        ("scoring", lambda t: scoring(t, reps)),
        ("evaluate", lambda t: evaluate_scale(t, reps)),
        ("load", lambda t: loading(t, reps)),
        ("pdf", lambda t: pdf_export(t, reps)),
        ("forms", lambda t: forms(t, reps)),
        ("review", lambda t: review(t, reps)),
        ("corpus", lambda t: corpus(t, reps)),
        ("fidelity", lambda t: fidelity(t, reps)),
    ]
    with tempfile.TemporaryDirectory(prefix="evaltools-bench-") as tmp:
        for name, step in steps:
            if name not in wanted:
                continue
            print(f"… {name}", file=sys.stderr, flush=True)
            started = time.perf_counter()
            try:
                figures[name] = step(Path(tmp))
            except Exception as exc:  # noqa: BLE001 - report the failure in the table and go on
                figures[name] = f"failed: {type(exc).__name__}: {exc}"
            print(f"  {name}: {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    print_table(table(figures))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps({"machine": info, "reps": reps, "figures": figures}, ensure_ascii=False, indent=2) + "\n",
            encoding="utf-8",
        )
        print(f"\nsaved: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
