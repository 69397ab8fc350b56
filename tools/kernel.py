#!/usr/bin/env python3
"""Writes and installs the course's two Jupyter kernelspecs.

"Java (attention course)" (attention-course, the default) is rapaio-jupyter-kernel 3.0.1 with the course's
fixes ahead of it on the class path (kernel/target/rapaio-fixes.jar: the start-up races and the interrupt; see
kernel/src). "Java (attention course, JJava)" (attention-course-jjava) is JJava, the maintained successor of
IJava, from its PyPI package `jjava` (pinned in environment.yml), started directly (without JJava's launcher,
which would start a second JVM that only sees JJAVA_JVM_OPTS) so that the same JVM flags reach it. Both put the
companion library and its dependencies on JShell's class path (RJK_CLASSPATH, JJAVA_CLASSPATH), so notebooks
import them like any class.

Everything the JVM would otherwise write to the user's home folder (DJL's native cache, JNA, font caches,
rapaio's dependency cache) is redirected into target/course/ of the checkout. Only the kernelspec itself
goes to Jupyter's own kernel folder, and only with --user or --sys-prefix.

Usage:
  kernel.py write DIR [--no-fix]       write DIR/attention-course/kernel.json and, when this Python has
                                        the jjava package, DIR/attention-course-jjava/kernel.json
                                        (--no-fix: rapaio without the course's fixes, to measure its bugs)
  kernel.py install [--user|--sys-prefix|--prefix P]
                                        install both into Jupyter's kernel folder (default: --sys-prefix
                                        inside a conda env or virtualenv, --user otherwise); replaces old copies
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
JJAVA_NAME = "attention-course-jjava"
JJAVA_DISPLAY_NAME = "Java (attention course, JJava)"
JJAVA_MAIN = "org.dflib.jjava.distro.JJava"
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
        files["kernel fixes"] = ROOT / "kernel" / "target" / "rapaio-fixes.jar"
    missing = [f"{what}: {path}" for what, path in files.items() if not path.exists()]
    if missing:
        raise InstallError("Build the project first (mvn -DskipTests package); missing:\n  " + "\n  ".join(missing))
    return files


def jvm_flags(java, conf_dir):
    """The JVM flags both kernels run with (heap, headless, DJL offline, nothing written to the home folder)."""
    version = java_feature_version(java)
    if version < 17:
        raise InstallError(f"{java} is Java {version}; the course needs Java 17 or newer.")
    heap = os.environ.get("COURSE_KERNEL_HEAP", DEFAULT_HEAP)
    offline = os.environ.get("COURSE_DJL_OFFLINE", "true")
    jvm = [
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
    return jvm


def library_class_path(files):
    """The lib jar and every run-time dependency, as the two entries JShell's class path needs."""
    return [str(files["library jar"]), str(files["library dependencies"] / "*")]


ENV = {
    # glibc makes one malloc arena per thread by default; libtorch's threads then hold memory.
    "MALLOC_ARENA_MAX": "2",
}


def kernel_json(java, conf_dir, with_fix=True):
    files = required_files(with_fix)
    class_path = [str(files["kernel jar"])]
    if with_fix:
        class_path.insert(0, str(files["kernel fixes"]))  # ahead of the jar: the fixed classes win
    # rapaio loads logging.properties from its class path (INFO to stderr); ours comes first and says WARNING.
    class_path.insert(0, str(conf_dir))
    argv = [str(java)] + jvm_flags(java, conf_dir) + [
        "-cp", os.pathsep.join(class_path), "org.rapaio.jupyter.kernel.MainApp", "{connection_file}"]
    lib = library_class_path(files)
    return {
        "argv": argv,
        "display_name": DISPLAY_NAME if with_fix else DISPLAY_NAME + " WITHOUT its fixes",
        "language": "java",
        "interrupt_mode": "message",
        "env": {
            # JShell's class path: the lib and every run-time dependency (';'-separated, globs of jars allowed).
            "RJK_CLASSPATH": ";".join([lib[0], lib[1] + ".jar"]),
            "RJK_MIMA_CACHE": str(WORK / "mima"),
            "RJK_TIMEOUT_MILLIS": "-1",
            **ENV,
        },
        "metadata": {"debugger": False},
    }


def find_jjava_jar():
    """jjava.jar of the `jjava` package installed in this Python's prefix (pip puts its kernelspec there)."""
    candidates = [Path(sys.prefix) / "share" / "jupyter" / "kernels" / "java" / "jjava.jar"]
    try:
        from jupyter_client.kernelspec import KernelSpecManager
        spec_dir = KernelSpecManager().find_kernel_specs().get("java")
        if spec_dir:
            candidates.append(Path(spec_dir) / "jjava.jar")
    except ImportError:
        pass
    for c in candidates:
        if c.is_file():
            return c
    raise InstallError(
        "JJava is not installed for this Python (no jjava.jar in " + str(candidates[0].parent) + ").\n"
        "  ./course sets up its own Python environment with it (target/course/venv); by hand: pip install the\n"
        "  jjava version that environment.yml pins.")


def jjava_kernel_json(java, conf_dir, spec_dir):
    """JJava started directly: its own launcher would start a second JVM that sees only JJAVA_JVM_OPTS."""
    files = required_files(with_fix=False)
    argv = [str(java)] + jvm_flags(java, conf_dir) + [
        # JJava's launcher adds this opening (JJava reaches into JShell's internals); so do we.
        "--add-opens", "jdk.jshell/jdk.jshell=ALL-UNNAMED",
        "-cp", os.pathsep.join([str(conf_dir), "{resource_dir}/jjava.jar"]), JJAVA_MAIN, "{connection_file}"]
    return {
        "argv": argv,
        "display_name": JJAVA_DISPLAY_NAME,
        "language": "java",
        "interrupt_mode": "message",
        "env": {
            # JShell's class path (os.pathsep-separated; dir/* takes every jar in a folder)
            "JJAVA_CLASSPATH": os.pathsep.join(library_class_path(files)),
            **ENV,
        },
        "metadata": {"debugger": False},
    }


def write(dest, with_fix=True):
    """Writes the rapaio kernelspec folder dest/<name>/ and returns it."""
    name = KERNEL_NAME if with_fix else KERNEL_NAME + "-nofix"
    spec_dir = Path(dest).resolve() / name
    spec_dir.mkdir(parents=True, exist_ok=True)
    conf_dir = prepare_work()
    spec = kernel_json(find_java(), conf_dir, with_fix)
    write_atomic(spec_dir / "kernel.json", json.dumps(spec, indent=2) + "\n")
    return spec_dir


def write_jjava(dest):
    """Writes the JJava kernelspec folder dest/attention-course-jjava/ (kernel.json and a copy of jjava.jar)."""
    jar = find_jjava_jar()
    spec_dir = Path(dest).resolve() / JJAVA_NAME
    spec_dir.mkdir(parents=True, exist_ok=True)
    conf_dir = prepare_work()
    copy = spec_dir / "jjava.jar"
    if not copy.exists() or copy.read_bytes() != jar.read_bytes():
        tmp = spec_dir / ".jjava.jar.tmp"
        shutil.copyfile(jar, tmp)
        os.replace(tmp, copy)
    spec = jjava_kernel_json(find_java(), conf_dir, spec_dir)
    write_atomic(spec_dir / "kernel.json", json.dumps(spec, indent=2) + "\n")
    return spec_dir


def write_all(dest, with_fix=True):
    """Both kernelspecs into dest; JJava only when this Python has it (it says so otherwise)."""
    dirs = [write(dest, with_fix)]
    try:
        dirs.append(write_jjava(dest))
    except InstallError as e:
        print(f"kernel install: skipping JJava: {e}", file=sys.stderr)
    return dirs


def prepare_work():
    for sub in ("djl", "home", "tmp", "mima", "kernel-conf"):
        (WORK / sub).mkdir(parents=True, exist_ok=True)
    conf_dir = WORK / "kernel-conf"
    write_atomic(conf_dir / "logging.properties", LOGGING_PROPERTIES)
    return conf_dir


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
            "This Python has no Jupyter (jupyter_client). Run ./course, which builds its own environment from\n"
            "environment.yml (target/course/venv), or: conda env create -f environment.yml")
    if where is None:
        in_env = sys.prefix != sys.base_prefix or "CONDA_PREFIX" in os.environ
        where = ("sys-prefix", None) if in_env else ("user", None)
    installed = []
    with tempfile.TemporaryDirectory() as tmp:
        ksm = KernelSpecManager()
        kind, prefix = where
        for spec_dir in write_all(tmp):
            dest = ksm.install_kernel_spec(
                str(spec_dir), spec_dir.name, user=(kind == "user"),
                prefix=(str(Path(sys.prefix)) if kind == "sys-prefix" else prefix))  # replaces an older copy
            display = json.loads((spec_dir / "kernel.json").read_text())["display_name"]
            print(f"Installed kernel '{display}' ({spec_dir.name}) in {dest}")
            installed.append(dest)
    return installed


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("write")
    w.add_argument("dest")
    w.add_argument("--no-fix", action="store_true",
                   help="write only rapaio, without the course's fixes (to measure its bugs)")
    i = sub.add_parser("install")
    g = i.add_mutually_exclusive_group()
    g.add_argument("--user", action="store_true")
    g.add_argument("--sys-prefix", action="store_true")
    g.add_argument("--prefix")
    args = p.parse_args(argv)
    try:
        if args.cmd == "write":
            dirs = [write(args.dest, with_fix=False)] if args.no_fix else write_all(args.dest)
            print("\n".join(str(d) for d in dirs))
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
