"""Real-client tests of `sim2real kernel` with jupyter_client, nbclient and nbformat (no ipykernel).

Driven by tests/kernel.rs (`cargo test`), which passes the binary in SIM2REAL_BIN. Each test can
fail: it asserts on what a real Jupyter client receives. Timings are printed for the report.
"""

import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path

import nbformat
from jupyter_client.manager import KernelManager
from jupyter_client.session import Session
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
BIN = os.environ.get("SIM2REAL_BIN", str(ROOT / "target" / "debug" / "sim2real"))
TIMEOUT = 900  # the first Rust cell that uses sim2real builds it once (minutes on 2 cores)

TINY = """%%study --quick
study tiny
seed 7
data sim = synthetic(part: source, rows: 1500, features: 8, bias: 0.3, noise: 0.05, seed: 1)
data exp = synthetic(part: target, rows: 120, features: 8, noise: 0.1, seed: 1)
source sim { x = f_*   y = y }
target exp { x = f_*   y = y }
transform x = standardize
transform y = standardize
model { hidden = [32, 16]  activation = relu }
pretrain { lr = 3e-3  batch = 32  epochs = 30  patience = 4 }
finetune { lr = 3e-3  batch = 16  epochs = 40  patience = 6 }
grid {
  n = logspace(100, all, 4)
  m = [1.0]
  trials = 4
}
baseline direct
fit power_law
"""

BROKEN = "%%study\nstudy broken\nsead 3\n"

TMP = None
WORK = None
# The kernel's test hook (debug builds): a study cell containing this text panics inside the
# engine's captured stderr, as a bug would (src/kernel/study_cell.rs, `injected_panic`).
PANIC_MARKER = "sim2real-test-panic-4f1c"
os.environ["SIM2REAL_KERNEL_TEST_PANIC"] = PANIC_MARKER


def setUpModule():
    global TMP, WORK
    TMP = Path(tempfile.mkdtemp(prefix="sim2real-kernel-test-"))
    WORK = TMP / "work"
    WORK.mkdir()
    out = subprocess.run([BIN, "kernel", "install", "--prefix", str(TMP)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    spec = TMP / "share" / "jupyter" / "kernels" / "sim2real"
    assert (spec / "kernel.json").is_file() and (spec / "logo-64x64.png").is_file()
    os.environ["JUPYTER_PATH"] = str(TMP / "share" / "jupyter")
    # Keep Jupyter's runtime files (connection files) inside the temp dir too.
    os.environ["JUPYTER_RUNTIME_DIR"] = str(TMP / "runtime")


def tearDownModule():
    if TMP is not None:
        shutil.rmtree(TMP, ignore_errors=True)


def execute(kc, code, timeout=TIMEOUT):
    """Run code; return (reply content, iopub messages of this request, seconds to first output)."""
    t0 = time.monotonic()
    msg_id = kc.execute(code)
    outputs, first = [], None
    while True:
        msg = kc.get_iopub_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind = msg["msg_type"]
        if kind in ("stream", "execute_result", "display_data", "error") and first is None:
            first = time.monotonic() - t0
        outputs.append(msg)
        if kind == "status" and msg["content"]["execution_state"] == "idle":
            break
    reply = kc.get_shell_msg(timeout=timeout)
    assert reply["parent_header"]["msg_id"] == msg_id, reply
    return reply["content"], outputs, first


class KernelSession(unittest.TestCase):
    """One kernel for the protocol tests (started by jupyter_client from the installed kernelspec)."""

    @classmethod
    def setUpClass(cls):
        cls.km = KernelManager(kernel_name="sim2real")
        cls.km.start_kernel(cwd=str(WORK))
        cls.kc = cls.km.client()
        cls.kc.start_channels()
        cls.kc.wait_for_ready(timeout=60)

    @classmethod
    def tearDownClass(cls):
        cls.kc.stop_channels()
        cls.km.shutdown_kernel(now=False)
        assert not cls.km.is_alive()

    def test_kernel_info(self):
        self.kc.kernel_info()
        reply = self.kc.get_shell_msg(timeout=30)
        self.assertEqual(reply["content"]["implementation"], "sim2real")
        self.assertEqual(reply["content"]["language_info"]["name"], "sim2real")

    def test_study_error_then_next_cell_answers(self):
        reply, outputs, _ = execute(self.kc, BROKEN)
        self.assertEqual(reply["status"], "error")
        errors = [m for m in outputs if m["msg_type"] == "error"]
        self.assertEqual(len(errors), 1)
        text = "\n".join(errors[0]["content"]["traceback"])
        self.assertIn("sead", text)
        self.assertNotIn("\x1b", text, "diagnostics must not carry ANSI escapes")
        reply, _, _ = execute(self.kc, "%%study --bogus\n")
        self.assertEqual(reply["status"], "error")
        self.kc.kernel_info()
        self.assertEqual(self.kc.get_shell_msg(timeout=30)["msg_type"], "kernel_info_reply")

    def test_hundred_failing_cells_leave_it_answering(self):
        t0 = time.monotonic()
        for i in range(100):
            reply, _, _ = execute(self.kc, BROKEN if i % 2 else "%%study\nstudy x\ngrid {")
            self.assertEqual(reply["status"], "error")
        print(f"\n[timing] 100 failing study cells: {time.monotonic() - t0:.2f} s", file=sys.stderr)
        reply, outputs, _ = execute(self.kc, "%%study\nstudy still_alive\nseed 1\n")
        self.assertEqual(reply["status"], "error")  # still checked (no source/target), so the kernel answers
        self.assertTrue(any("source" in "\n".join(m["content"].get("traceback", [])) for m in outputs))

    def test_a_panic_in_a_cell_is_an_error_and_the_kernel_goes_on(self):
        cell = TINY.replace("study tiny", "study panics") + f"# {PANIC_MARKER}\n"
        # The hook fires before any training: seconds, so a kernel that died fails here soon.
        reply, outputs, _ = execute(self.kc, cell, timeout=120)
        self.assertEqual(reply["status"], "error", reply)
        self.assertEqual(reply["ename"], "Panic", reply)
        self.assertIn("injected by the test hook", reply["evalue"])
        errors = [m for m in outputs if m["msg_type"] == "error"]
        self.assertEqual(len(errors), 1, outputs)
        self.assertIn("still running", "\n".join(errors[0]["content"]["traceback"]))
        # The panic message printed while the cell's stderr was captured reached the notebook.
        streamed = "".join(m["content"]["text"] for m in outputs if m["msg_type"] == "stream")
        self.assertIn("panicked", streamed)
        # The kernel answers, and the next study cell streams its progress through a fresh
        # capture of stderr and runs to the end.
        self.kc.kernel_info()
        self.assertEqual(self.kc.get_shell_msg(timeout=30)["msg_type"], "kernel_info_reply")
        reply, outputs, _ = execute(self.kc, TINY.replace("study tiny", "study after_panic"))
        self.assertEqual(reply["status"], "ok", reply)
        streams = "".join(m["content"]["text"] for m in outputs if m["msg_type"] == "stream")
        self.assertIn("jobs", streams)
        self.assertNotIn("panicked", streams)
        self.assertTrue((WORK / "runs" / "after_panic" / "results.json").is_file())

    def test_complete_and_inspect(self):
        code = "%%study\ndata sim = csv(\"a.csv\")\nsour"
        self.kc.complete(code, len(code))
        reply = self.kc.get_shell_msg(timeout=30)["content"]
        self.assertIn("source", reply["matches"])
        self.assertEqual(reply["cursor_end"] - reply["cursor_start"], 4)
        code = "%%study\nfinetune { lr = 1e-3 }"
        self.kc.inspect(code, code.index("finetune") + 2)
        reply = self.kc.get_shell_msg(timeout=30)["content"]
        self.assertTrue(reply["found"])
        self.assertIn("finetune", reply["data"]["text/plain"])

    def test_study_streams_then_displays_and_rust_reads_it(self):
        reply, outputs, first = execute(self.kc, TINY.replace("study tiny", "study streamed"))
        self.assertEqual(reply["status"], "ok", reply)
        print(f"\n[timing] study cell: first output after {first:.2f} s", file=sys.stderr)
        streams = [m for m in outputs if m["msg_type"] == "stream"]
        self.assertTrue(any("jobs" in m["content"]["text"] for m in streams), streams)
        results = [m for m in outputs if m["msg_type"] in ("execute_result", "display_data")]
        self.assertEqual(len(results), 1)
        data = results[0]["content"]["data"]
        self.assertIn("<svg", data["image/svg+xml"])
        self.assertIn("<table", data["text/html"])
        self.assertIn("transfer", data["text/plain"])
        self.assertTrue((WORK / "runs" / "streamed" / "results.json").is_file())
        # A plain Rust cell's value comes back.
        t0 = time.monotonic()
        reply, outputs, _ = execute(self.kc, "let answer = 40 + 2;\nanswer")
        print(f"[timing] first Rust cell (evcxr start): {time.monotonic() - t0:.2f} s", file=sys.stderr)
        self.assertEqual(reply["status"], "ok", outputs)
        values = [m["content"]["data"]["text/plain"] for m in outputs if m["msg_type"] == "execute_result"]
        self.assertEqual(values, ["42"])
        # A Rust compile error is an error output, and the kernel goes on.
        reply, outputs, _ = execute(self.kc, "let x: u8 = \"no\";")
        self.assertEqual(reply["status"], "error")
        reply, _, _ = execute(self.kc, "answer + 1")
        self.assertEqual(reply["status"], "ok")

    def test_wrong_key_is_not_executed(self):
        marker = WORK / "pwned.txt"
        bad = Session(key=b"not-the-connection-key", username="attacker")
        code = f'std::fs::write({json.dumps(str(marker))}, "x").unwrap();'
        content = {"code": code, "silent": False, "store_history": True, "user_expressions": {}, "allow_stdin": False}
        sent = bad.send(self.kc.shell_channel.socket, "execute_request", content)
        bad_id = sent["header"]["msg_id"]
        # Also a study cell that would write a run directory, with a bad signature.
        study = TINY.replace("study tiny", "study forged")
        bad.send(self.kc.shell_channel.socket, "execute_request", dict(content, code=study))
        # Shell requests are handled in order: once this good one is answered, the bad ones were seen.
        reply, _, _ = execute(self.kc, "%%study\nstudy after\n")
        self.assertEqual(reply["status"], "error")
        time.sleep(0.5)
        self.assertFalse(marker.exists(), "a message signed with the wrong key was executed")
        self.assertFalse((WORK / "runs" / "forged").exists(), "a forged study cell was run")
        while True:
            try:
                msg = self.kc.get_shell_msg(timeout=0.5)
            except queue.Empty:
                break
            self.assertNotEqual(msg["parent_header"].get("msg_id"), bad_id)


class Interrupt(unittest.TestCase):
    SLOW = (
        TINY.replace("%%study --quick", "%%study")
        .replace("study tiny", "study interrupted")
        .replace("rows: 1500", "rows: 6000")
        .replace("trials = 4", "trials = 40")
    )

    def run_until(self, kc, km, code, should_interrupt):
        """Execute; interrupt once `should_interrupt(stream texts so far)` holds. Returns (reply, texts)."""
        msg_id = kc.execute(code)
        texts, t_int = [], None
        while True:
            msg = kc.get_iopub_msg(timeout=TIMEOUT)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "stream":
                texts.append(msg["content"]["text"])
                if t_int is None and should_interrupt(texts):
                    km.interrupt_kernel()
                    t_int = time.monotonic()
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                break
        reply = kc.get_shell_msg(timeout=60)["content"]
        self.assertIsNotNone(t_int, f"the study finished before it could be interrupted: {texts}")
        print(f"\n[timing] interrupt honoured after {time.monotonic() - t_int:.2f} s", file=sys.stderr)
        return reply, texts

    def test_interrupt_stops_a_study_and_a_rerun_resumes(self):
        km = KernelManager(kernel_name="sim2real")
        km.start_kernel(cwd=str(WORK))
        kc = km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=60)
            # Interrupt after the header line and two finished ensembles.
            reply, texts = self.run_until(kc, km, self.SLOW, lambda t: len(t) >= 3)
            self.assertEqual((reply["status"], reply["ename"]), ("error", "Interrupted"), texts)
            # The rerun resumes from the store (then is interrupted again to keep the test short).
            reply, texts = self.run_until(kc, km, self.SLOW, lambda t: any("resuming" in x for x in t))
            self.assertTrue(any("resuming" in x for x in texts), texts)
            self.assertEqual(reply["status"], "error")
            # And the kernel still answers.
            reply, _, _ = execute(kc, BROKEN)
            self.assertEqual(reply["status"], "error")
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=False)


class Notebook(unittest.TestCase):
    def test_example_notebook_runs_headless(self):
        nb = nbformat.read(ROOT / "examples" / "quickstart.ipynb", as_version=4)
        work = TMP / "notebook"
        work.mkdir()
        t0 = time.monotonic()
        NotebookClient(nb, kernel_name="sim2real", timeout=TIMEOUT, resources={"metadata": {"path": str(work)}}).execute()
        print(f"\n[timing] examples/quickstart.ipynb: {time.monotonic() - t0:.1f} s", file=sys.stderr)
        outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
        rich = [o for o in outputs if o.output_type in ("display_data", "execute_result")]
        self.assertTrue(any("image/svg+xml" in o.data and "text/html" in o.data for o in rich), rich)
        printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
        self.assertIn("points; transfer MAE by n", printed)
        self.assertFalse([o for o in outputs if o.output_type == "error"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
