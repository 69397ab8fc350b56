"""Tests of the course's tools, run against the real Jupyter and the real course kernel.

Run with: cd tools && python3 -m unittest discover -s tests -t .   (./course test does this)
Needs the built project (mvn package) and the kernelspec in target/course/jupyter (./course test writes it).
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

TOOLS = Path(__file__).resolve().parent.parent
ROOT = TOOLS.parent
sys.path.insert(0, str(TOOLS))

import check_notebooks  # noqa: E402
import kernel  # noqa: E402
import python_env  # noqa: E402


def notebook(*sources, kernel_name="attention-course"):
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": kernel_name, "display_name": "Java (attention course)",
                                 "language": "java"}
    nb.cells = [new_markdown_cell("# Fixture")] + [new_code_cell(s) for s in sources]
    return nb


JJAVA = "attention-course-jjava"


def run_course(tmp, nb, *args, env=None):
    path = Path(tmp) / "nb" / "99_fixture.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    out = Path(tmp) / "out"
    proc = subprocess.run([sys.executable, str(TOOLS / "run_course.py"), str(path), "--out", str(out), *args],
                          capture_output=True, text=True, env=env or os.environ.copy(), timeout=300)
    summary = json.loads((out / "summary.json").read_text())
    return proc, summary["notebooks"][0], out


class CheckNotebooksTest(unittest.TestCase):

    def write(self, tmp, name, nb):
        path = Path(tmp) / name
        nbformat.write(nb, path)
        return path

    def test_clean_notebook_passes_and_dirty_ones_fail(self):
        with tempfile.TemporaryDirectory() as tmp:
            clean = self.write(tmp, "01_clean.ipynb", notebook("int x = 1;"))
            self.assertEqual([], check_notebooks.problems(clean))

            dirty = notebook("int x = 1;", "%maven org.foo:bar:1.0\nint y = 2;")
            dirty.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="1")]
            dirty.cells[1].execution_count = 3
            found = check_notebooks.problems(self.write(tmp, "02_dirty.ipynb", dirty))
            text = "\n".join(found)
            self.assertIn("cell 1: has 1 output(s)", text)
            self.assertIn("cell 1: execution_count is 3", text)
            self.assertIn("cell 2, line 1: kernel magic '%maven org.foo:bar:1.0'", text)

            other = self.write(tmp, "Bad Name.ipynb", notebook("1", kernel_name="java"))
            text = "\n".join(check_notebooks.problems(other))
            self.assertIn("NN_lower_case_title", text)
            self.assertIn("expected 'attention-course'", text)

    def test_fix_strips_outputs_and_duplicate_numbers_fail(self):
        with tempfile.TemporaryDirectory() as tmp:
            nb = notebook("1 + 1")
            nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="2")]
            nb.cells[1].execution_count = 1
            a = self.write(tmp, "03_a.ipynb", nb)
            b = self.write(tmp, "03_b.ipynb", notebook("2"))
            self.assertEqual(1, check_notebooks.main([str(a), str(b)]))
            self.assertEqual(1, check_notebooks.main(["--fix", str(a), str(b)]))  # numbers still clash
            self.assertEqual([], check_notebooks.problems(a))
            self.assertEqual(0, check_notebooks.main([str(a)]))


class KernelSpecTest(unittest.TestCase):

    def test_spec_has_the_fix_first_and_keeps_state_in_the_build_folder(self):
        with tempfile.TemporaryDirectory() as tmp:
            spec = json.loads((kernel.write(tmp) / "kernel.json").read_text())
            argv = spec["argv"]
            cp = argv[argv.index("-cp") + 1].split(os.pathsep)
            self.assertTrue(cp[1].endswith("rapaio-fixes.jar"), cp)
            self.assertTrue(cp[2].endswith("rapaio-jupyter-kernel.jar"), cp)
            for flag in ("-Djava.awt.headless=true", "-Dai.djl.offline=true", "-Xmx768m"):
                self.assertIn(flag, argv)
            work = str(ROOT / "target" / "course")
            self.assertIn(f"-Duser.home={work}/home", argv)
            self.assertTrue(any(a.startswith(f"-DDJL_CACHE_DIR={work}") for a in argv))
            self.assertIn("attention-course-lib.jar", spec["env"]["RJK_CLASSPATH"])
            self.assertEqual("Java (attention course)", spec["display_name"])
            # writing twice is harmless
            again = json.loads((kernel.write(tmp) / "kernel.json").read_text())
            self.assertEqual(spec, again)

    def test_jjava_spec_starts_the_kernel_jvm_itself_with_the_same_flags(self):
        # JJava's own kernel.json starts a launcher JVM that starts the kernel's JVM with JJAVA_JVM_OPTS only: the
        # flags in argv would never reach the kernel. The course's spec starts JJava's main class directly.
        with tempfile.TemporaryDirectory() as tmp:
            spec_dir = kernel.write_jjava(tmp)
            spec = json.loads((spec_dir / "kernel.json").read_text())
            argv = spec["argv"]
            self.assertTrue((spec_dir / "jjava.jar").is_file())
            self.assertEqual(kernel.JJAVA_MAIN, argv[-2])
            self.assertNotIn("-jar", argv)
            self.assertIn("{resource_dir}/jjava.jar", argv[argv.index("-cp") + 1])
            rapaio = json.loads((kernel.write(tmp) / "kernel.json").read_text())["argv"]
            flags = [a for a in rapaio[1:rapaio.index("-cp")]]
            self.assertEqual(flags, argv[1:1 + len(flags)], "both kernels run with the same JVM flags")
            self.assertIn("attention-course-lib.jar", spec["env"]["JJAVA_CLASSPATH"])
            self.assertEqual(kernel.JJAVA_DISPLAY_NAME, spec["display_name"])

    def test_a_jre_without_jshell_gets_a_clear_message(self):
        with tempfile.TemporaryDirectory() as tmp:
            fake = Path(tmp) / "jre" / "bin"
            fake.mkdir(parents=True)
            (fake / "java").write_text("#!/bin/sh\n")
            (fake / "java").chmod(0o755)
            old = dict(os.environ)
            try:
                os.environ["JAVA_HOME"] = str(fake.parent)
                os.environ["PATH"] = tmp
                with self.assertRaises(kernel.InstallError) as e:
                    kernel.find_java()
                self.assertIn("no jshell", str(e.exception))
                self.assertIn("openjdk-17-jdk", str(e.exception))
            finally:
                os.environ.clear()
                os.environ.update(old)


class EnvironmentFileTest(unittest.TestCase):

    def test_the_committed_file_is_pinned_and_complete(self):
        self.assertEqual([], python_env.problems())

    def test_unpinned_missing_and_unreadable_are_named(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "environment.yml"
            path.write_text("name: x\nchannels: [conda-forge]\ndependencies:\n  - openjdk\n  - pip:\n"
                            "      - jupyterlab>=4\n")
            self.assertIn("is not pinned as name==version", "\n".join(python_env.problems(path)))
            path.write_text("name: x\nchannels: [conda-forge]\ndependencies:\n  - openjdk\n  - pip:\n"
                            "      - jupyterlab==4.6.6\n")
            text = "\n".join(python_env.problems(path, installed={"jupyterlab": "4.0.0"}))
            self.assertIn("conda package 'openjdk' has no version", text)
            self.assertIn("pip part lacks jjava", text)
            self.assertIn("jupyterlab: environment.yml pins 4.6.6, this environment has 4.0.0", text)
            path.write_text("dependencies: [unclosed\n")
            self.assertIn("cannot be read as YAML", "\n".join(python_env.problems(path)))


class RunnerTest(unittest.TestCase):
    """The notebook runner against the real kernel: failures are named, output is shown, home stays clean."""

    def test_a_failing_cell_is_named_with_its_traceback(self):
        with tempfile.TemporaryDirectory() as tmp:
            nb = notebook("int x = 41;", "if (x == 41) throw new IllegalStateException(\"boom at \" + x);",
                          "System.out.println(\"never runs\");")
            proc, r, out = run_course(tmp, nb)
            self.assertEqual(1, proc.returncode, proc.stdout + proc.stderr)
            self.assertFalse(r["ok"])
            self.assertEqual(2, r["failed_cell"])
            self.assertIn("boom at 41", r["error"])
            self.assertIn("99_fixture.ipynb: cell 2 failed", proc.stdout)
            self.assertIn("IllegalStateException", proc.stdout)
            self.assertTrue((out / "99_fixture.ipynb").exists(), "the executed copy is kept on failure")
            self.assertTrue((out / "index.html").exists())

    def test_a_compile_error_and_a_timeout_are_reported(self):
        with tempfile.TemporaryDirectory() as tmp:
            proc, r, _ = run_course(tmp, notebook("int y = \"not a number\";"))
            self.assertEqual(1, proc.returncode)
            self.assertEqual(1, r["failed_cell"])
            self.assertIn("incompatible types", r["error"])
        with tempfile.TemporaryDirectory() as tmp:
            proc, r, _ = run_course(tmp, notebook("1 + 1", "Thread.sleep(120_000);"), "--timeout", "8")
            self.assertEqual(1, proc.returncode)
            self.assertEqual(2, r["failed_cell"])
            self.assertIn("CellTimeoutError", r["error"])
            self.assertLess(r["seconds"], 60)

    def test_jobs_run_notebooks_side_by_side_and_report_each(self):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "nb"
            folder.mkdir()
            paths = []
            for i, src in enumerate(["int a = 1;", "Thread.sleep(3000); int b = 2;",
                                     "throw new IllegalStateException(\"third fails\");",
                                     "Thread.sleep(3000); int d = 4;"]):
                path = folder / f"9{i}_fixture.ipynb"
                nbformat.write(notebook(src), path)
                paths.append(str(path))
            out = Path(tmp) / "out"
            proc = subprocess.run([sys.executable, str(TOOLS / "run_course.py"), *paths, "--out", str(out),
                                   "--jobs", "2"], capture_output=True, text=True, timeout=300)
            self.assertEqual(1, proc.returncode, proc.stdout + proc.stderr)
            summary = json.loads((out / "summary.json").read_text())
            names = [r["notebook"] for r in summary["notebooks"]]
            self.assertEqual([Path(p).name for p in paths], names, "the summary keeps the notebooks' order")
            self.assertEqual([True, True, False, True], [r["ok"] for r in summary["notebooks"]])
            self.assertIn("third fails", summary["notebooks"][2]["error"])
            self.assertIn("92_fixture.ipynb: cell 1 failed", proc.stdout)
            self.assertEqual(2, summary["jobs"])
            # two kernels side by side: the two 3-second notebooks overlap, so the wall time is below their sum
            self.assertLess(summary["wall_seconds"], summary["total_seconds"], proc.stdout)
            for p in paths:
                self.assertTrue((out / Path(p).name).exists())
            bad = subprocess.run([sys.executable, str(TOOLS / "run_course.py"), paths[0], "--out", str(out),
                                  "--jobs", "0"], capture_output=True, text=True, timeout=60)
            self.assertEqual(2, bad.returncode)
            self.assertIn("--jobs must be at least 1", bad.stderr)

    def test_display_layer_in_the_real_kernel_and_no_writes_to_home(self):
        cells = [
            "import org.attentioncourse.display.*;\nSystem.out.println(\"host=\" + Show.hostName());",
            "try (Progress p = Progress.start(\"loop\", 4)) { for (int i = 0; i < 4; i++) { Thread.sleep(300);"
            " p.step(\"i \" + i); } }",
            "import tech.tablesaw.api.*;\nShow.table(Table.create(\"t\", IntColumn.create(\"n\", 1, 2, 3)));",
            "Show.chart(Charts.attention(\"a\", new double[][] {{1, 0}, {0.5, 0.5}}, Charts.indexLabels(2),"
            " Charts.indexLabels(2)));",
            "import ai.djl.ndarray.*;\ntry (NDManager m = NDManager.newBaseManager()) {"
            " System.out.println(m.ones(new ai.djl.ndarray.types.Shape(2)).sum().getFloat()); }",
        ]
        for name, host in ((kernel.KERNEL_NAME, "rapaio"), (JJAVA, "jjava")):
            with self.subTest(kernel=name), tempfile.TemporaryDirectory() as tmp:
                home = Path(tmp) / "home"
                home.mkdir()
                env = os.environ.copy()
                env["HOME"] = str(home)
                proc, r, out = run_course(tmp, notebook(*cells), "--kernel", name, env=env)
                self.assertEqual(0, proc.returncode, proc.stdout + proc.stderr)
                nb = nbformat.read(out / "99_fixture.ipynb", as_version=4)
                outputs = [c.outputs for c in nb.cells if c.cell_type == "code"]
                self.assertEqual(f"host={host}\n", outputs[0][0]["text"])
                # one progress output, updated in place to its final state
                self.assertEqual(1, len(outputs[1]), outputs[1])
                self.assertIn("100%", outputs[1][0]["data"]["text/plain"])
                self.assertNotIn("<script", outputs[1][0]["data"]["text/html"])
                self.assertIn("<table", outputs[2][0]["data"]["text/html"])
                self.assertIn("n", outputs[2][0]["data"]["text/plain"])
                self.assertIn("image/png", outputs[3][0]["data"])
                self.assertEqual("2.0\n", outputs[4][0]["text"])
                page = (out / "99_fixture.html").read_text()
                self.assertGreater(len(page), 10_000)
                self.assertIn('src="mathjax/MathJax.js', page, "the book's math comes from its own folder")
                self.assertTrue((out / "mathjax" / "MathJax.js").is_file())
                self.assertNotIn("cdnjs", page)
                self.assertEqual([], [str(p.relative_to(home)) for p in home.rglob("*")],
                                 "the kernel and the runner must not write to the home folder")


class KernelBugsTest(unittest.TestCase):
    """The two kernels' bugs that the course works around or watches, each reproduced in the real kernel."""

    def test_jjava_keeps_variables_when_a_later_cell_repeats_an_import(self):
        # JJava 1.0-a7 dropped an overwritten import snippet, and with it reset every variable of that type to null
        # (dflib/jjava #119); the pinned 1.0a8 does not: this fails if an upgrade brings the bug back.
        cells = ["import java.util.Map;\nimport java.util.List;\nList<String> a = List.of(\"x\");",
                 "import java.util.List;",
                 "if (a == null) throw new IllegalStateException(\"JJava import bug: a is null\");\n"
                 "System.out.println(\"a=\" + a);"]
        for name in (kernel.KERNEL_NAME, JJAVA):
            with self.subTest(kernel=name), tempfile.TemporaryDirectory() as tmp:
                proc, r, out = run_course(tmp, notebook(*cells), "--kernel", name)
                self.assertEqual(0, proc.returncode, proc.stdout + proc.stderr)
                nb = nbformat.read(out / "99_fixture.ipynb", as_version=4)
                self.assertEqual("a=[x]\n", nb.cells[3].outputs[0]["text"])

    def test_rapaio_without_the_course_fix_loses_an_interrupted_cell(self):
        # rapaio 3.0.1 as released: the interrupted cell never gets its reply (and the kernel stops running cells);
        # interrupt_test.py, which passes with the fixes, must fail here, or the fix is no longer needed.
        kernel.write(ROOT / "target" / "course" / "jupyter" / "kernels", with_fix=False)
        with tempfile.TemporaryDirectory() as tmp:
            proc = subprocess.run(
                [sys.executable, str(TOOLS / "interrupt_test.py"), "--kernel", "attention-course-nofix", "--case",
                 "sleep", "--wait", "15", "--start-attempts", "6", "--out", tmp],
                capture_output=True, text=True, timeout=600)
            self.assertEqual(1, proc.returncode, proc.stdout + proc.stderr)
            self.assertIn("never got its execute_reply", proc.stdout)


if __name__ == "__main__":
    unittest.main()
