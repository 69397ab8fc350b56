#!/usr/bin/env python3
"""Writes and installs the course's Jupyter kernelspec, "Java (attention course)".

The kernel is rapaio-jupyter-kernel 3.0.1 with a one-class start-up fix ahead of it on the class path
(see kernel/src/main/java/org/rapaio/jupyter/kernel/channels/LoopThread.java). The companion library and
its dependencies go on JShell's class path (RJK_CLASSPATH), so notebooks import them like any class.

Everything the JVM would otherwise write to the user's home folder (DJL's native cache, JNA, font caches,
rapaio's dependency cache) is redirected into target/course/ of the checkout. Only the kernelspec itself
goes to Jupyter's own kernel folder, and only with --user or --sys-prefix.

Usage:
  kernel.py write DIR [--no-fix]       write DIR/attention-course/kernel.json
  kernel.py install [--user|--sys-prefix|--prefix P]
                                        install into Jupyter's kernel folder (default: --sys-prefix inside
                                        a conda env or virtualenv, --user otherwise); replaces an old copy
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

KERNEL_NAME = "attention-course"
DISPLAY_NAME = "Java (attention course)"
ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "target" / "course"

# A 2 GB Binder must hold Jupyter (~150 MB) plus this JVM: heap + libtorch (~200 MB native) + JShell's
# compiler and metaspace. The heap bound leaves the kernel's whole footprint under 1.5 GB.
DEFAULT_HEAP = "768m"

LOGGING_PROPERTIES = """\
# java.util.logging for the course kernel: warnings and errors only (Tribuo logs progress at INFO).
handlers = java.util.logging.ConsoleHandler
.level = WARNING
java.util.logging.ConsoleHandler.level = WARNING
java.util.logging.ConsoleHandler.formatter = java.util.logging.SimpleFormatter
java.util.logging.SimpleFormatter.format = [%4$s] %3$s: %5$s%6$s%n
"""


class InstallError(Exception):
    pass


def find_java():
    """The java launcher of a full JDK (one that has jshell beside it)."""
    candidates = []
    if os.environ.get("JAVA_HOME"):
        candidates.append(Path(os.environ["JAVA_HOME"]) / "bin" / "java")
    on_path = shutil.which("java")
    if on_path:
        candidates.append(Path(on_path).resolve())
    if not candidates:
        raise InstallError(
            "No Java found. Install a JDK 17 or newer, for example\n"
            "  sudo apt-get install openjdk-17-jdk-headless      (Debian/Ubuntu)\n"
            "  conda install -c conda-forge openjdk=17           (conda)\n"
            "and make sure 'java' is on PATH or JAVA_HOME is set.")
    for java in candidates:
        if java.exists() and (java.parent / "jshell").exists():
            return java
    raise InstallError(
        f"Java at {candidates[0]} has no jshell beside it: it is a JRE, but the Java kernel needs a full JDK.\n"
        "  sudo apt-get install openjdk-17-jdk-headless      (Debian/Ubuntu)\n"
        "  conda install -c conda-forge openjdk=17           (conda)")


def java_feature_version(java):
    out = subprocess.run([str(java), "-version"], capture_output=True, text=True).stderr
    first = out.splitlines()[0] if out else ""
    try:
        version = first.split('"')[1]
        major = version.split(".")[0]
        return int(major if major != "1" else version.split(".")[1])
    except (IndexError, ValueError):
        raise InstallError(f"Could not read the Java version from: {first!r}")


def required_files(with_fix):
    files = {
        "kernel jar": ROOT / "kernel" / "target" / "rapaio-jupyter-kernel.jar",
        "library jar": ROOT / "lib" / "target" / "attention-course-lib.jar",
        "library dependencies": ROOT / "lib" / "target" / "dependency",
    }
    if with_fix:
        files["start-up fix"] = ROOT / "kernel" / "target" / "kernel-startup-fix.jar"
    missing = [f"{what}: {path}" for what, path in files.items() if not path.exists()]
    if missing:
        raise InstallError("Build the project first (mvn -DskipTests package); missing:\n  " + "\n  ".join(missing))
    return files


def kernel_json(java, conf_dir, with_fix=True):
    files = required_files(with_fix)
    version = java_feature_version(java)
    if version < 17:
        raise InstallError(f"{java} is Java {version}; the course needs Java 17 or newer.")
    heap = os.environ.get("COURSE_KERNEL_HEAP", DEFAULT_HEAP)
    offline = os.environ.get("COURSE_DJL_OFFLINE", "true")
    jvm = [
        str(java),
        "-Xms64m", f"-Xmx{heap}",
        # Serial GC: the smallest footprint for one notebook's single-threaded allocations.
        "-XX:+UseSerialGC", "-XX:MaxMetaspaceSize=384m", "-XX:ReservedCodeCacheSize=128m",
        "-Djava.awt.headless=true",
        f"-Dai.djl.offline={offline}",
        f"-DDJL_CACHE_DIR={WORK / 'djl'}", f"-DENGINE_CACHE_DIR={WORK / 'djl'}",
        # Keep the user's home folder clean: fonts, JNA and anything else keyed on user.home.
        f"-Duser.home={WORK / 'home'}", f"-Djna.tmpdir={WORK / 'tmp'}",
        f"-Djava.util.logging.config.file={conf_dir / 'logging.properties'}",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=error",
        f"-Dcourse.home={ROOT}",
        # One libtorch thread by default: with two, every operation waits for the second thread, and when anything
        # else runs on a 2-core machine that wait was measured at ~50 ms per call (a T=256 attention: 51 ms with
        # two threads under load, 1.3 ms with one). COURSE_TORCH_THREADS raises it on bigger machines.
        f"-Dai.djl.pytorch.num_threads={os.environ.get('COURSE_TORCH_THREADS', '1')}",
    ]
    if version >= 22:
        jvm.append("--enable-native-access=ALL-UNNAMED")  # libtorch via JNA, without warnings
    class_path = [str(files["kernel jar"])]
    if with_fix:
        class_path.insert(0, str(files["start-up fix"]))  # ahead of the jar: this LoopThread wins
    # rapaio loads logging.properties from its class path (INFO to stderr); ours comes first and says WARNING.
    class_path.insert(0, str(conf_dir))
    argv = jvm + ["-cp", os.pathsep.join(class_path), "org.rapaio.jupyter.kernel.MainApp", "{connection_file}"]
    return {
        "argv": argv,
        "display_name": DISPLAY_NAME if with_fix else DISPLAY_NAME + " WITHOUT start-up fix",
        "language": "java",
        "interrupt_mode": "message",
        "env": {
            # JShell's class path: the lib and every run-time dependency (';'-separated, globs allowed).
            "RJK_CLASSPATH": ";".join([str(files["library jar"]), str(files["library dependencies"] / "*.jar")]),
            "RJK_MIMA_CACHE": str(WORK / "mima"),
            "RJK_TIMEOUT_MILLIS": "-1",
            # glibc makes one malloc arena per thread by default; libtorch's threads then hold memory.
            "MALLOC_ARENA_MAX": "2",
        },
        "metadata": {"debugger": False},
    }


def write(dest, with_fix=True):
    """Writes the kernelspec folder dest/<name>/ and returns it."""
    name = KERNEL_NAME if with_fix else KERNEL_NAME + "-nofix"
    spec_dir = Path(dest).resolve() / name
    spec_dir.mkdir(parents=True, exist_ok=True)
    for sub in ("djl", "home", "tmp", "mima", "kernel-conf"):
        (WORK / sub).mkdir(parents=True, exist_ok=True)
    conf_dir = WORK / "kernel-conf"
    write_atomic(conf_dir / "logging.properties", LOGGING_PROPERTIES)
    spec = kernel_json(find_java(), conf_dir, with_fix)
    write_atomic(spec_dir / "kernel.json", json.dumps(spec, indent=2) + "\n")
    return spec_dir


def write_atomic(path, text):
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix="." + path.name)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def install(where):
    try:
        from jupyter_client.kernelspec import KernelSpecManager
    except ImportError:
        raise InstallError(
            "This Python has no Jupyter (jupyter_client). Run ./course, which finds or installs it, or\n"
            "  sudo apt-get install jupyter-client jupyter-nbconvert python3-nbclient python3-ipykernel\n"
            "  conda env create -f environment.yml")
    if where is None:
        in_env = sys.prefix != sys.base_prefix or "CONDA_PREFIX" in os.environ
        where = ("sys-prefix", None) if in_env else ("user", None)
    with tempfile.TemporaryDirectory() as tmp:
        ksm = KernelSpecManager()
        kind, prefix = where
        spec_dir = write(tmp)
        dest = ksm.install_kernel_spec(
            str(spec_dir), KERNEL_NAME, user=(kind == "user"),
            prefix=(str(Path(sys.prefix)) if kind == "sys-prefix" else prefix))  # replaces an older copy
    print(f"Installed kernel '{DISPLAY_NAME}' ({KERNEL_NAME}) in {dest}")
    return dest


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("write")
    w.add_argument("dest")
    w.add_argument("--no-fix", action="store_true", help="leave out the start-up fix (to measure the bug)")
    i = sub.add_parser("install")
    g = i.add_mutually_exclusive_group()
    g.add_argument("--user", action="store_true")
    g.add_argument("--sys-prefix", action="store_true")
    g.add_argument("--prefix")
    args = p.parse_args(argv)
    try:
        if args.cmd == "write":
            print(write(args.dest, with_fix=not args.no_fix))
        else:
            where = ("user", None) if args.user else ("sys-prefix", None) if args.sys_prefix else \
                ("prefix", args.prefix) if args.prefix else None
            install(where)
    except InstallError as e:
        print(f"kernel install: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
