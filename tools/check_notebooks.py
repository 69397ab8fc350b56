#!/usr/bin/env python3
"""Checks that committed notebooks are clean, and cleans them with --fix.

A committed notebook must have: no outputs, no execution counts, no execution timing metadata, no kernel
magics (%maven, %jars, %load, %%time, ...: the course is plain Java so that it runs under rapaio, IJava
and JJava and cells can be pasted into a project), the course kernel in its metadata, and a name
NN_title.ipynb with a number no other notebook uses.
"""
import argparse
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NAME = re.compile(r"^(\d\d)_[a-z0-9_]+\.ipynb$")
MAGIC = re.compile(r"^\s*%{1,2}[A-Za-z]")
KERNEL = "attention-course"


def problems(path):
    found = []
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as e:  # unreadable JSON or schema: that is the problem to report
        return [f"cannot be read as a notebook: {e}"]
    if not NAME.match(path.name):
        found.append("file name must look like NN_lower_case_title.ipynb")
    ks = nb.metadata.get("kernelspec", {})
    if ks.get("name") != KERNEL:
        found.append(f"metadata.kernelspec.name is {ks.get('name')!r}, expected {KERNEL!r}")
    if "widgets" in nb.metadata:
        found.append("metadata holds widget state")
    for i, cell in enumerate(nb.cells):
        where = f"cell {i}"
        if "execution" in cell.get("metadata", {}):
            found.append(f"{where}: execution timing in metadata")
        if cell.cell_type != "code":
            continue
        if cell.get("outputs"):
            found.append(f"{where}: has {len(cell.outputs)} output(s)")
        if cell.get("execution_count") is not None:
            found.append(f"{where}: execution_count is {cell.execution_count}")
        for n, line in enumerate(cell.source.splitlines(), 1):
            if MAGIC.match(line):
                found.append(f"{where}, line {n}: kernel magic {line.strip()!r}; use plain Java")
    return found


def clean(path):
    nb = nbformat.read(path, as_version=4)
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.get("metadata", {}).pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    nbformat.write(nb, path)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("notebooks", nargs="*", help="default: notebooks/*.ipynb")
    p.add_argument("--fix", action="store_true", help="strip outputs, counts and timing in place")
    args = p.parse_args(argv)
    paths = [Path(n) for n in args.notebooks] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    if not paths:
        print("no notebooks found", file=sys.stderr)
        return 1
    if args.fix:
        for path in paths:
            clean(path)
    bad = 0
    numbers = {}
    for path in paths:
        found = problems(path)
        m = NAME.match(path.name)
        if m:
            if m.group(1) in numbers:
                found.append(f"number {m.group(1)} is also used by {numbers[m.group(1)]}")
            numbers[m.group(1)] = path.name
        for f in found:
            print(f"{path}: {f}")
        bad += bool(found)
    if bad:
        print(f"{bad} notebook(s) not clean; './course clean-notebooks' strips outputs", file=sys.stderr)
        return 1
    print(f"{len(paths)} notebook(s) clean")
    return 0


if __name__ == "__main__":
    sys.exit(main())
