#!/usr/bin/env python3
"""Interrupts the course's kernels the way Jupyter's Stop button does, and checks that they keep working.

For each kernel (default: both course kernels) three cases, each through jupyter_client as a front end sends them:

  sleep     Thread.sleep(60 s), interrupted after 3 s; then a cell that writes a file must really run.
  training  Training.run on Reverse for far more steps than it will get, interrupted once it is training; the
            cell must end within one batch with "training stopped ... after step N"; the next cells evaluate
            the partly trained model and train it further from where it stopped.
  cli       Main.execute("train", ...) on a small config, interrupted while it trains; there must be a checkpoint
            at the step where it stopped, and Main.execute(..., "--resume") must continue from it and finish.

  busy      a loop that never checks the interrupt (last, since a kernel may be left with it spinning); the
            cell must get a reply and the next cell must run; reports whether the loop still burns a core.

For every case it reports the seconds from the interrupt to the cell's reply and to the kernel's "idle". A case
fails when the interrupted cell gets no reply within --wait seconds, when the kernel is idle before the cell has
answered, or when the cell after it does not run. Exit status 1 when any case failed.

  interrupt_test.py                          both kernels, all cases
  interrupt_test.py --kernel attention-course-nofix --case sleep --start-attempts 5
                                             rapaio 3.0.1 without the course's fixes: fails
"""
import argparse
import json
import os
import queue
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "target" / "course"
os.environ["JUPYTER_PATH"] = str(WORK / "jupyter")
os.environ.setdefault("JUPYTER_RUNTIME_DIR", str(WORK / "jupyter" / "runtime"))

KERNELS = ("attention-course", "attention-course-jjava")
CASES = ("sleep", "training", "cli", "busy")


class Failure(Exception):
    pass


class Session:
    """One kernel, and cells sent to it the way a notebook front end sends them."""

    def __init__(self, name, log):
        from jupyter_client.manager import KernelManager
        self.km = KernelManager(kernel_name=name)
        self.km.start_kernel(stdout=log, stderr=log)
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=90)

    def close(self):
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)

    def send(self, code):
        return self.kc.execute(code, store_history=True, allow_stdin=False)

    def iopub_until(self, msg_id, deadline, stop=None):
        """Collects msg_id's iopub messages until its idle (or until stop(text) says so); returns (text, idle time)."""
        text = []
        while time.monotonic() < deadline:
            try:
                msg = self.kc.get_iopub_msg(timeout=max(0.05, min(1.0, deadline - time.monotonic())))
            except queue.Empty:
                continue
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream":
                text.append(content["text"])
            elif kind == "error":
                text.append(f"{content['ename']}: {content['evalue']}\n")
            elif kind in ("execute_result", "display_data"):
                text.append(content["data"].get("text/plain", ""))
            elif kind == "status" and content["execution_state"] == "idle":
                return "".join(text), time.monotonic()
            if stop is not None and stop("".join(text)):
                return "".join(text), None
        raise Failure(f"no idle for the cell within the wait; output so far: {''.join(text)[-800:]!r}")

    def reply(self, msg_id, deadline):
        while time.monotonic() < deadline:
            try:
                msg = self.kc.get_shell_msg(timeout=max(0.05, deadline - time.monotonic()))
            except queue.Empty:
                break
            if msg["parent_header"].get("msg_id") == msg_id:
                return msg["content"], time.monotonic()
        raise Failure("the interrupted cell never got its execute_reply (the front end would wait forever)")

    def run(self, code, wait):
        """Runs a cell to its end; returns (reply status, output text)."""
        deadline = time.monotonic() + wait
        msg_id = self.send(code)
        content, _ = self.reply(msg_id, deadline)
        text, _ = self.iopub_until(msg_id, deadline)
        return content["status"], text

    def interrupted(self, code, started, wait, after=None):
        """Sends code, interrupts it once started(output) is true (or after `after` s); times reply and idle."""
        deadline = time.monotonic() + wait
        msg_id = self.send(code)
        if after is not None:
            time.sleep(after)
            head = ""
        else:
            head, _ = self.iopub_until(msg_id, deadline, stop=started)
            if not started(head):
                raise Failure(f"the cell ended before it could be interrupted: {head[-500:]!r}")
        t0 = time.monotonic()
        self.km.interrupt_kernel()
        content, t_reply = self.reply(msg_id, deadline)
        tail, t_idle = self.iopub_until(msg_id, deadline)
        if t_idle < t_reply - 0.5:
            raise Failure("the kernel reported idle before the interrupted cell had answered")
        return content, head + tail, round(t_reply - t0, 2), round(t_idle - t0, 2)


SETUP = """\
import java.nio.file.Files;
import java.nio.file.Path;
import org.attentioncourse.attention.TransformerModel;
import org.attentioncourse.data.Reverse;
import org.attentioncourse.data.Splits;
import org.attentioncourse.train.Evaluation;
import org.attentioncourse.train.TrainConfig;
import org.attentioncourse.train.TrainResult;
import org.attentioncourse.train.Training;
Reverse task = Reverse.defaults();
Splits data = Splits.generate(task, 2_000, 50, 100, 7);
TransformerModel model = TransformerModel.forTask(task, TransformerModel.builder().dModel(32).heads(2).layers(1));
"""

TRAIN = """\
TrainResult run = Training.run(model, task, data, TrainConfig.defaults().steps(1_000_000).batchSize(16)
    .evalEvery(1_000_000).progress(false).listener((step, loss, trainer) -> {
        if (step == 30) System.out.println("TRAINING step 30, loss " + loss);
    }));
"""

EVALUATE = """\
try (var manager = ai.djl.ndarray.NDManager.newBaseManager()) {
    System.out.println("EVALUATED accuracy " + Evaluation.of(model, task, data.test(), manager, 16).accuracy());
}
"""

TRAIN_FURTHER = """\
java.util.List<Double> further = new java.util.ArrayList<>();
try (TrainResult more = Training.run(model, task, data, TrainConfig.defaults().steps(20).batchSize(16)
        .evalEvery(1_000).progress(false).quiet(true).listener((step, loss, trainer) -> further.add(loss)))) {
    System.out.println("FURTHER first loss " + further.get(0) + ", steps " + more.steps());
}
"""

CLI_CONFIG = """\
# interrupt_test.py: a small reverse model that trains for about a minute
[model]
mechanism = softmax
layers = 1
width = 32
heads = 2
[task]
type = reverse
n = 8
alphabet = 10
train_examples = 2000
validation_examples = 50
test_examples = 100
[training]
steps = 3000
batch = 16
lr = 3e-3
checkpoint_every = 1000
eval_every = 1000
log_every = 10
device = cpu
"""


def case_sleep(s, tmp, wait):
    content, text, to_reply, to_idle = s.interrupted("Thread.sleep(60_000);", None, wait, after=3)
    if content["status"] != "error":
        raise Failure(f"the interrupted sleep replied {content['status']!r}, not an error")
    marker = Path(tmp) / "after-interrupt.txt"
    status, out = s.run(f'Files.writeString(Path.of("{marker}"), "ran"); System.out.println("WROTE");', wait)
    if status != "ok" or not marker.is_file() or marker.read_text() != "ran":
        raise Failure(f"the cell after the interrupt did not run (reply {status!r}, output {out!r})")
    return {"reply_s": to_reply, "idle_s": to_idle, "error": content.get("ename", "") + ": "
            + (content.get("evalue") or "")[:120]}


def case_training(s, tmp, wait):
    content, text, to_reply, to_idle = s.interrupted(TRAIN, lambda t: "TRAINING step 30" in t, wait)
    if content["status"] != "error":
        raise Failure(f"the interrupted training replied {content['status']!r}: {text[-400:]!r}")
    m = re.search(r"training stopped by an interrupt after step (\d+)", text + str(content.get("evalue")))
    # JJava answers an interrupt at once with its own message; the training thread then stops at the next batch
    stopped_at = int(m.group(1)) if m else None
    status, out = s.run(EVALUATE, wait)
    if status != "ok" or "EVALUATED accuracy" not in out:
        raise Failure(f"the partly trained model could not be evaluated: {status} {out[-600:]!r}")
    status, out2 = s.run(TRAIN_FURTHER, wait)
    m2 = re.search(r"FURTHER first loss ([0-9.eE-]+), steps 20", out2)
    if status != "ok" or not m2:
        raise Failure(f"the partly trained model could not be trained further: {status} {out2[-600:]!r}")
    first = re.search(r"TRAINING step 30, loss ([0-9.eE-]+)", text)
    loss30, further = float(first.group(1)), float(m2.group(1))
    if not further < loss30:
        raise Failure(f"training further started from scratch: first loss {further} vs {loss30} at step 30")
    return {"reply_s": to_reply, "idle_s": to_idle, "stopped_after_step": stopped_at,
            "loss_at_step_30": round(loss30, 4), "first_loss_trained_further": round(further, 4),
            "evaluated": out.strip().splitlines()[-1]}


def case_cli(s, tmp, wait):
    cfg = Path(tmp) / "interrupt-demo.ini"
    cfg.write_text(CLI_CONFIG)
    run_dir = Path(tmp) / "cli-run"
    call = (f'import org.attentioncourse.cli.Main;\n'
            f'int status = Main.execute("train", "--config", "{cfg}", "--out", "{run_dir}");\n'
            f'System.out.println("STATUS " + status);\n')
    content, text, to_reply, to_idle = s.interrupted(call, lambda t: re.search(r"step\s+\d+", t) is not None, wait)
    stopped = re.search(r"Stopped after step (\d+) of 3000", text)
    ckpts = run_dir / "checkpoints"
    deadline = time.monotonic() + 20  # a kernel that answers before the thread stops: the save follows shortly
    while not stopped and time.monotonic() < deadline and not any(ckpts.glob("*.ckpt")):
        time.sleep(0.2)
    saved = sorted(int(re.sub(r"\D", "", p.stem)) for p in ckpts.glob("*.ckpt"))
    if not saved:
        raise Failure(f"no checkpoint after the interrupt: {text[-600:]!r}")
    if stopped and int(stopped.group(1)) not in saved:
        raise Failure(f"stopped after step {stopped.group(1)} but the checkpoints are {saved}")
    if stopped and "STATUS 130" not in text:
        raise Failure(f"Main.execute did not return 130 (stopped): {text[-400:]!r}")
    resume = call.replace(f'"{run_dir}");', f'"{run_dir}", "--resume");').replace("import org.attentioncourse.cli.Main;\n", "").replace("int status", "status")
    status, out = s.run(resume, max(wait, 180))
    m = re.search(r"Resuming from \S+ \(step (\d+)", out)
    if status != "ok" or not m or "STATUS 0" not in out:
        raise Failure(f"--resume did not continue and finish: {status} {out[-800:]!r}")
    return {"reply_s": to_reply, "idle_s": to_idle, "stopped_after_step": int(stopped.group(1)) if stopped else None,
            "checkpoint_steps": saved, "resumed_from_step": int(m.group(1)), "exit_status_reported": bool(stopped)}


def start(name, log, attempts):
    """A started session; rapaio without its fixes hangs at start-up about one time in six, so it may retry."""
    for attempt in range(1, attempts + 1):
        try:
            return Session(name, log)
        except RuntimeError as e:
            if attempt == attempts:
                raise Failure(f"the kernel did not start: {e}")
            print(f"  {name}: start {attempt} hung; starting again", flush=True)


def cpu_seconds(pid):
    """User + system CPU time of a process, from /proc (clock ticks converted to seconds)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def case_busy(s, tmp, wait):
    code = "long spins = 0;\nwhile (spins >= 0) { spins++; if (spins == Long.MAX_VALUE) spins = 0; }\n"
    content, text, to_reply, to_idle = s.interrupted(code, None, wait, after=2)
    if content["status"] != "error":
        raise Failure(f"the interrupted loop replied {content['status']!r}")
    status, out = s.run('System.out.println("NEXT CELL RAN");', wait)
    if status != "ok" or "NEXT CELL RAN" not in out:
        raise Failure(f"the cell after the interrupted loop did not run: {status} {out!r}")
    pid = s.km.provisioner.process.pid
    c0 = cpu_seconds(pid)
    time.sleep(2)
    spinning = cpu_seconds(pid) - c0 > 1.0
    return {"reply_s": to_reply, "idle_s": to_idle, "loop_still_running": spinning,
            "error": (content.get("ename") or "") + ": " + (content.get("evalue") or "")[:160]}


def run_kernel(name, cases, wait, out_dir, attempts=1):
    results = {}
    log_path = out_dir / f"interrupt-{name}.kernel.log"
    with open(log_path, "w") as log, tempfile.TemporaryDirectory() as tmp:
        s = start(name, log, attempts)
        try:
            status, out = s.run(SETUP, 120)
            if status != "ok":
                raise Failure(f"set-up cell failed: {out[-600:]}")
            for case in cases:
                t = time.monotonic()
                try:
                    r = globals()["case_" + case](s, tmp, wait)
                    r["ok"] = True
                except Failure as e:
                    r = {"ok": False, "error": str(e)}
                r["seconds"] = round(time.monotonic() - t, 1)
                results[case] = r
                print(f"  {name:24s} {case:9s} {'ok' if r['ok'] else 'FAILED'}"
                      + (f"  interrupt to reply {r['reply_s']} s, to idle {r['idle_s']} s" if r["ok"] else
                         f"  {r['error']}"), flush=True)
        except Failure as e:
            for case in cases:
                results.setdefault(case, {"ok": False, "error": str(e)})
            print(f"  {name}: FAILED {e}", flush=True)
        finally:
            s.close()
    return results


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--kernel", action="append", help="kernel name (repeatable; default: both course kernels)")
    p.add_argument("--case", action="append", choices=CASES, help="case (repeatable; default: all)")
    p.add_argument("--wait", type=float, default=60, help="seconds an interrupted cell may take to answer")
    p.add_argument("--out", default=str(WORK / "interrupt"), help="folder for summary.json and kernel logs")
    p.add_argument("--start-attempts", type=int, default=1,
                   help="kernel starts to try (rapaio without its start-up fix needs a few)")
    args = p.parse_args(argv)
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    kernels, cases = args.kernel or list(KERNELS), args.case or list(CASES)
    print(f"Interrupting {', '.join(kernels)}: {', '.join(cases)}", flush=True)
    summary = {k: run_kernel(k, cases, args.wait, out_dir, args.start_attempts) for k in kernels}
    tmp = out_dir / ".summary.json.tmp"
    tmp.write_text(json.dumps(summary, indent=2) + "\n")
    os.replace(tmp, out_dir / "summary.json")
    failed = [f"{k}/{c}" for k, r in summary.items() for c, v in r.items() if not v["ok"]]
    if failed:
        print(f"FAILED: {', '.join(failed)}", file=sys.stderr)
        return 1
    print(f"All interrupts answered; the kernels kept working ({out_dir / 'summary.json'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
