#!/usr/bin/env python3
"""Reads and checks environment.yml, the one list of the course's Python packages.

Binder (and conda) build the environment from environment.yml; ./course builds its own virtual environment
(target/course/venv) from the pip part of the same file, so what the test command runs is what Binder installs.

  python_env.py pip-requirements    print the pip part, one requirement a line (for pip install -r)
  python_env.py check               fail unless the file parses, every conda and pip package is pinned, the
                                    packages the course needs are there, and this Python has exactly those pins
"""
import argparse
import sys
from importlib import metadata
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
ENV_FILE = ROOT / "environment.yml"
# What the course itself imports or starts: Jupyter's front ends, the runner's libraries, the JJava kernel,
# the local MathJax for the book, and the YAML reader this script needs.
NEEDED = ("jupyterlab", "notebook", "jjava", "nbclient", "nbconvert", "nbformat", "jupyter_client",
          "jupyter-server-mathjax", "pyyaml")


class EnvError(Exception):
    pass


def norm(name):
    return name.lower().replace("_", "-").replace(".", "-")


def load(path=ENV_FILE):
    try:
        env = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise EnvError(f"{path} cannot be read as YAML: {e}")
    if not isinstance(env, dict) or not isinstance(env.get("dependencies"), list):
        raise EnvError(f"{path}: no 'dependencies' list")
    return env


def split(env):
    """(conda specs, pip requirements) of a loaded environment."""
    conda, pip = [], []
    for dep in env["dependencies"]:
        if isinstance(dep, dict) and "pip" in dep:
            pip.extend(str(r) for r in dep["pip"])
        else:
            conda.append(str(dep))
    return conda, pip


def pins(pip):
    """{normalised name: version} of 'name==version' lines; raises on any other form."""
    out = {}
    for req in pip:
        name, sep, version = req.partition("==")
        if not sep or not version.strip() or any(c in name for c in "<>=!~;[ "):
            raise EnvError(f"pip requirement {req!r} is not pinned as name==version")
        if norm(name) in out:
            raise EnvError(f"pip requirement {name!r} is listed twice")
        out[norm(name)] = version.strip()
    return out


def problems(path=ENV_FILE, installed=None):
    """What is wrong with the file (and, given installed {name: version}, with the environment built from it)."""
    try:
        env = load(path)
        conda, pip = split(env)
        pinned = pins(pip)
    except EnvError as e:
        return [str(e)]
    found = []
    if "conda-forge" not in (env.get("channels") or []):
        found.append("channels must include conda-forge")
    for spec in conda:
        if spec != "pip" and "=" not in spec:
            found.append(f"conda package {spec!r} has no version")
    if not pip:
        found.append("no pip part: the Python side of Jupyter belongs there")
    for need in NEEDED:
        if norm(need) not in pinned:
            found.append(f"pip part lacks {need}, which the course needs")
    if installed is not None:
        for name, version in sorted(pinned.items()):
            have = installed.get(name)
            if have != version:
                found.append(f"{name}: environment.yml pins {version}, this environment has {have or 'nothing'}")
    return found


def installed_versions():
    return {norm(d.metadata["Name"]): d.version for d in metadata.distributions()}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("command", choices=("pip-requirements", "check"))
    p.add_argument("--file", default=str(ENV_FILE))
    args = p.parse_args(argv)
    if args.command == "pip-requirements":
        try:
            print("\n".join(split(load(args.file))[1]))
        except EnvError as e:
            print(f"environment: {e}", file=sys.stderr)
            return 2
        return 0
    found = problems(args.file, installed_versions())
    for f in found:
        print(f"environment.yml: {f}", file=sys.stderr)
    if not found:
        print(f"environment.yml: parses, every package pinned; this Python ({sys.prefix}) has all "
              f"{len(pins(split(load(args.file))[1]))} pip pins")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
