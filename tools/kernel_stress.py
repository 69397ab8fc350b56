#!/usr/bin/env python3
"""Starts the course kernel N times in a row and counts the starts that hang.

rapaio-jupyter-kernel 3.0.1 has a start-up race (see kernel/src/.../LoopThread.java): a loop thread can exit
before it runs, and the kernel then never answers. Each start here waits for the kernel to answer
kernel_info and to evaluate one expression; one that does not answer within --wait seconds is a hang.
Prints the time from start to first result (min / median / max) and the number of hangs; exits 1 on any hang.

  kernel_stress.py 50                 the installed course kernel (target/course/jupyter)
  kernel_stress.py 50 --without-fix   the same kernel without the fix, to see the bug
"""
import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "target" / "course"
sys.path.insert(0, str(Path(__file__).resolve().parent))

import kernel as course_kernel  # noqa: E402


RACE2_MARK = "before the kernel's handlers were ready"


def one_start(kernel_name, wait, log_path):
    from jupyter_client.manager import KernelManager
    km = KernelManager(kernel_name=kernel_name)
    t0 = time.monotonic()
    with open(log_path, "w") as log:
        km.start_kernel(stdout=log, stderr=log)
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=wait)
        reply = kc.execute_interactive("6 * 7", timeout=wait, output_hook=lambda msg: None)
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"evaluation failed: {reply['content']}")
        return time.monotonic() - t0
    except (RuntimeError, TimeoutError) as e:
        return e
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("starts", type=int, nargs="?", default=50)
    p.add_argument("--wait", type=float, default=30.0, help="seconds before a start counts as a hang")
    p.add_argument("--without-fix", action="store_true", help="run the kernel without the start-up fix")
    args = p.parse_args(argv)

    spec_root = WORK / "jupyter" / "kernels"
    name = course_kernel.KERNEL_NAME
    if args.without_fix:
        course_kernel.write(spec_root, with_fix=False)
        name += "-nofix"
    elif not (spec_root / name / "kernel.json").exists():
        course_kernel.write(spec_root)
    os.environ["JUPYTER_PATH"] = str(WORK / "jupyter")
    os.environ.setdefault("JUPYTER_RUNTIME_DIR", str(WORK / "jupyter" / "runtime"))

    times, hangs, race2 = [], 0, 0
    log_path = WORK / "stress-kernel.log"
    print(f"Starting kernel '{name}' {args.starts} times (a start that does not answer in {args.wait:.0f} s is a hang)")
    for i in range(1, args.starts + 1):
        r = one_start(name, args.wait, log_path)
        if RACE2_MARK in log_path.read_text(errors="replace"):
            race2 += 1  # the fix caught the second race: without it this start would have hung
        if isinstance(r, Exception):
            hangs += 1
            print(f"  start {i:3d}: HANG ({type(r).__name__}: {r})", flush=True)
        else:
            times.append(r)
            if i % 10 == 0 or i == args.starts:
                print(f"  {i:3d} starts, {hangs} hangs so far; last start to first result {r:.2f} s", flush=True)
    summary = f"{args.starts} starts, {hangs} hangs"
    if not args.without_fix:
        summary += f" (the fix caught the handler-map race in {race2} of them)"
    if times:
        summary += (f"; start to first result: min {min(times):.2f} s, median {statistics.median(times):.2f} s,"
                    f" max {max(times):.2f} s")
    print(summary)
    return 1 if hangs else 0


if __name__ == "__main__":
    sys.exit(main())
