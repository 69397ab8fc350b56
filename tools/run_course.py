#!/usr/bin/env python3
"""Executes the course's notebooks in real Jupyter with the course's Java kernel and builds a browsable book.

For every notebook (in name order, or the ones given): runs all cells with nbclient, writes the executed
copy and an HTML page under OUT (never into notebooks/), and records the time, the kernel's peak resident
memory (VmHWM of the kernel process) and the first error with its cell and traceback. Then writes
OUT/index.html (the course as a book), OUT/summary.json and prints a summary table.

A failing notebook stops at its first failing cell (later cells depend on it); the other notebooks still
run, so one run shows every broken notebook. The exit status is 1 when any notebook failed.

--jobs N runs N notebooks at a time, each with its own kernel (the test command uses 2: each kernel computes on
one libtorch thread, so a 2-core machine runs two about as fast as one). The first notebook runs alone first,
so that DJL unpacks its native library once; the others start longest-first (the higher numbers are the longer
notebooks). Notebooks must not share files they write; they report in the order they finish.

--kernel NAME picks the kernel (default attention-course, rapaio; attention-course-jjava is JJava); the
notebooks are run unmodified under either (their metadata names attention-course; the runner overrides it).

The size knob: COURSE_SCALE (ci, default, full) is passed to the kernel through the environment.
"""
import argparse
import concurrent.futures
import html
import json
import os
import re
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "target" / "course"

# Keep every bit of Jupyter state inside the build folder, and find the course kernel there.
for var, sub in (("JUPYTER_DATA_DIR", "jupyter"), ("JUPYTER_RUNTIME_DIR", "jupyter/runtime"),
                 ("JUPYTER_CONFIG_DIR", "jupyter/config"), ("IPYTHONDIR", "ipython")):
    os.environ.setdefault(var, str(WORK / sub))
os.environ["JUPYTER_PATH"] = os.pathsep.join(
    [str(WORK / "jupyter")] + [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p])
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")

import nbformat  # noqa: E402
from nbclient import NotebookClient  # noqa: E402
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError  # noqa: E402

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
KERNEL = "attention-course"


def strip_ansi(s):
    return ANSI.sub("", s)


def kernel_peak_kib(client):
    """Peak resident memory of the kernel process so far (VmHWM), in KiB, or None."""
    try:
        pid = client.km.provisioner.process.pid
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (AttributeError, OSError, ValueError):
        return None
    return None


def title_of(nb, fallback):
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


# The book's pages load MathJax from the book's own folder, never from the network, so equations render
# offline. The copy comes from the jupyter-server-mathjax package (MathJax 2.7, as nbconvert's pages expect).
MATHJAX_DIR = "mathjax"
MATHJAX_CONFIG = "TeX-AMS-MML_HTMLorMML-full,Safe"
MATHJAX_FONTS = ('<script type="text/x-mathjax-config">MathJax.Hub.Config({"HTML-CSS": {availableFonts: ["STIX-Web"], '
                 'preferredFont: "STIX-Web", webFont: "STIX-Web", imageFont: null}});</script>\n')


def local_mathjax(out_dir):
    """Copies MathJax into out_dir/mathjax once (atomically) and returns the pages' relative URL for it."""
    import shutil
    import jupyter_server_mathjax
    src = Path(jupyter_server_mathjax.__file__).parent / "static"
    if not (src / "MathJax.js").is_file():
        raise RuntimeError(f"jupyter-server-mathjax has no MathJax.js in {src}")
    dest = out_dir / MATHJAX_DIR
    if not (dest / "MathJax.js").is_file():
        tmp = out_dir / (".mathjax.tmp-" + str(os.getpid()))
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.copytree(src, tmp)
        try:
            os.replace(tmp, dest)
        except OSError:  # another runner put it there first
            shutil.rmtree(tmp, ignore_errors=True)
    return f"{MATHJAX_DIR}/MathJax.js?config={MATHJAX_CONFIG}"


def export_html(nb, path, title):
    from nbconvert import HTMLExporter
    # require.js (for widgets) and mermaid are not used by the course's outputs: empty scripts instead of CDN links
    nothing = "data:text/javascript,"
    exporter = HTMLExporter(template_name="lab", mathjax_url=local_mathjax(path.parent), require_js_url=nothing,
                            mermaid_js_url=nothing, mermaid_layout_elk_js_url=nothing)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    # jupyter-server-mathjax ships only the STIX-Web fonts; without this MathJax asks for its TeX fonts, finds
    # none and falls back to system fonts (upright variables, a broken root sign)
    script = f'<script src="{MATHJAX_DIR}/MathJax.js'
    if script not in body:
        raise RuntimeError("the page does not load the local MathJax")
    body = body.replace(script, MATHJAX_FONTS + script, 1)
    if "cdnjs" in body or "cdn.jsdelivr" in body:
        raise RuntimeError("the page still loads scripts from a CDN; it would not render offline")
    write_atomic(path, body)


def write_atomic(path, text):
    tmp = path.with_name("." + path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def run_one(src, out_dir, timeout, startup_timeout, kernel=KERNEL):
    nb = nbformat.read(src, as_version=4)
    title = title_of(nb, src.stem)
    result = {"notebook": src.name, "title": title, "ok": False, "seconds": None,
              "kernel_peak_mb": None, "failed_cell": None, "error": None, "kernel": kernel}
    peak = {"kib": None}
    current = {"index": None}

    def on_cell_execute(cell, cell_index, **kwargs):
        current["index"] = cell_index

    def on_cell_executed(**kwargs):
        kib = kernel_peak_kib(client)
        if kib is not None:
            peak["kib"] = max(peak["kib"] or 0, kib)

    client = NotebookClient(
        nb, kernel_name=kernel, timeout=timeout, startup_timeout=startup_timeout,
        allow_errors=False, record_timing=True, on_cell_executed=on_cell_executed,
        on_cell_execute=on_cell_execute,
        resources={"metadata": {"path": str(src.parent)}})
    start = time.monotonic()
    log_path = out_dir / "logs" / f"{src.stem}.kernel.log"
    log_path.parent.mkdir(exist_ok=True)
    result["kernel_log"] = str(log_path)
    log = open(log_path, "w")
    try:
        # the kernel's own stdout/stderr (JVM warnings, native crashes) go to a log, not the terminal
        client.execute(stdout=log, stderr=log)
        result["ok"] = True
    except (CellExecutionError, CellTimeoutError, DeadKernelError, RuntimeError, TimeoutError) as e:
        index = current["index"]  # the cell that was running: an error, a timeout or a dead kernel
        kind = type(e).__name__
        result["failed_cell"] = index
        result["error"] = f"{kind}: {strip_ansi(str(e)).strip()}"
    except Exception as e:  # anything else is a bug of this runner or of Jupyter: keep the whole trace
        result["error"] = "runner error: " + "".join(traceback.format_exception(e))
    finally:
        log.close()
    result["seconds"] = round(time.monotonic() - start, 1)
    if peak["kib"] is not None:
        result["kernel_peak_mb"] = round(peak["kib"] / 1024, 1)
    stem = src.stem
    out_nb = out_dir / f"{stem}.ipynb"
    write_atomic(out_nb, nbformat.writes(nb))
    try:
        export_html(nb, out_dir / f"{stem}.html", title)
    except Exception as e:  # the executed notebook is already saved; report and go on
        result.setdefault("warnings", []).append(f"HTML export failed: {e}")
    return result


def write_index(results, out_dir, scale, kernel=KERNEL):
    rows = []
    for r in results:
        stem = Path(r["notebook"]).stem
        status = "ok" if r["ok"] else "FAILED at " + (
            "kernel start-up" if r["failed_cell"] is None else f"cell {r['failed_cell']}")
        rows.append(
            f"<tr><td><a href=\"{html.escape(stem)}.html\">{html.escape(r['title'])}</a></td>"
            f"<td>{html.escape(r['notebook'])}</td><td class=\"{'ok' if r['ok'] else 'bad'}\">{status}</td>"
            f"<td>{r['seconds']}</td><td>{r['kernel_peak_mb'] if r['kernel_peak_mb'] is not None else ''}</td>"
            f"<td><a href=\"{html.escape(stem)}.ipynb\">ipynb</a></td></tr>")
    page = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Attention in Java: the course</title>
<style>
body {{ font-family: sans-serif; max-width: 60em; margin: 2em auto; padding: 0 1em; }}
table {{ border-collapse: collapse; }} td, th {{ border: 1px solid #ccc; padding: .3em .6em; text-align: left; }}
.ok {{ color: #2a7d2a; }} .bad {{ color: #b00020; font-weight: bold; }}
</style></head><body>
<h1>Attention in Java: the course</h1>
<p>Executed {time.strftime('%Y-%m-%d %H:%M')} at scale <b>{html.escape(scale)}</b> with the kernel
<code>{html.escape(kernel)}</code>. Each page holds the notebook with all its figures and tables.</p>
<table><tr><th>Notebook</th><th>File</th><th>Status</th><th>Seconds</th><th>Kernel peak (MB)</th><th></th></tr>
{chr(10).join(rows)}
</table></body></html>
"""
    write_atomic(out_dir / "index.html", page)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("notebooks", nargs="*", help="notebooks to run (default: notebooks/[0-9]*.ipynb)")
    p.add_argument("--out", default=str(WORK / "book"), help="output folder (default: target/course/book)")
    p.add_argument("--timeout", type=int, default=int(os.environ.get("COURSE_CELL_TIMEOUT", "900")),
                   help="seconds a cell may run (default 900, or COURSE_CELL_TIMEOUT)")
    p.add_argument("--startup-timeout", type=int, default=60, help="seconds the kernel may take to start")
    p.add_argument("--kernel", default=os.environ.get("COURSE_KERNEL", KERNEL),
                   help=f"kernel to run the notebooks with (default {KERNEL}, or COURSE_KERNEL)")
    p.add_argument("--jobs", type=int, default=int(os.environ.get("COURSE_JOBS", "1")),
                   help="notebooks run at a time, each with its own kernel (default 1, or COURSE_JOBS)")
    args = p.parse_args(argv)
    if args.jobs < 1:
        p.error(f"--jobs must be at least 1, got {args.jobs}")

    notebooks = [Path(n).resolve() for n in args.notebooks] or sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
    if not notebooks:
        print("no notebooks found", file=sys.stderr)
        return 2
    for n in notebooks:
        if not n.is_file():
            print(f"no such notebook: {n}", file=sys.stderr)
            return 2
    out_dir = Path(args.out).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    scale = os.environ.get("COURSE_SCALE", "default")
    print(f"Running {len(notebooks)} notebook(s) at COURSE_SCALE={scale} with kernel {args.kernel} into {out_dir}",
          flush=True)

    def report(r):
        mem = f", kernel peak {r['kernel_peak_mb']} MB" if r["kernel_peak_mb"] is not None else ""
        print(f" {'ok' if r['ok'] else 'FAILED'} in {r['seconds']} s{mem}", flush=True)
        for w in r.get("warnings", []):
            print(f"    warning: {w}")
        if not r["ok"]:
            where = "kernel start-up" if r["failed_cell"] is None else f"cell {r['failed_cell']}"
            print(f"\n---- {r['notebook']}: {where} failed ----\n{r['error']}", flush=True)
            log = Path(r["kernel_log"])
            tail = log.read_text(errors="replace").splitlines()[-15:] if log.is_file() else []
            if tail:
                print(f"---- last lines of the kernel's log ({r['kernel_log']}) ----\n" + "\n".join(tail))
            print("----\n", flush=True)

    by_name = {}
    wall = time.monotonic()
    first, rest = (notebooks[:1], notebooks[1:]) if args.jobs > 1 else (notebooks, [])
    for n in first:
        print(f"  {n.name} ...", end="", flush=True)
        by_name[n] = run_one(n, out_dir, args.timeout, args.startup_timeout, args.kernel)
        report(by_name[n])
    if rest:
        print(f"  the other {len(rest)} notebooks, {args.jobs} at a time:", flush=True)
        # separate processes (not threads): each nbclient run owns its event loop and its kernel
        import multiprocessing
        with concurrent.futures.ProcessPoolExecutor(
                max_workers=args.jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
            futures = {pool.submit(run_one, n, out_dir, args.timeout, args.startup_timeout, args.kernel): n
                       for n in sorted(rest, reverse=True)}
            for f in concurrent.futures.as_completed(futures):
                n = futures[f]
                try:
                    r = f.result()
                except Exception as e:  # the worker process itself died
                    r = {"notebook": n.name, "title": n.stem, "ok": False, "seconds": None, "kernel_peak_mb": None,
                         "failed_cell": None, "kernel_log": str(out_dir / "logs" / f"{n.stem}.kernel.log"),
                         "error": "runner error: " + "".join(traceback.format_exception(e))}
                by_name[n] = r
                print(f"  {n.name} ...", end="", flush=True)
                report(r)
    results = [by_name[n] for n in notebooks]
    wall = time.monotonic() - wall

    write_index(results, out_dir, scale, args.kernel)
    write_atomic(out_dir / "summary.json", json.dumps(
        {"scale": scale, "kernel": args.kernel, "notebooks": results,
         "total_seconds": round(sum(r["seconds"] or 0 for r in results), 1), "wall_seconds": round(wall, 1),
         "jobs": args.jobs,
         "kernel_peak_mb": max((r["kernel_peak_mb"] or 0 for r in results), default=None)}, indent=2) + "\n")
    failed = [r["notebook"] for r in results if not r["ok"]]
    print(f"\nBook: {out_dir / 'index.html'}")
    print(f"Total {sum(r['seconds'] or 0 for r in results):.1f} s ({wall:.1f} s wall, {args.jobs} at a time); "
          f"highest kernel peak "
          f"{max((r['kernel_peak_mb'] or 0 for r in results), default=0)} MB")
    if failed:
        print(f"FAILED: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
