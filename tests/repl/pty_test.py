#!/usr/bin/env python3
"""tests/repl/pty_test.py TDSL - drives the REPL's interactive mode through a
pseudo-terminal: the prompt, a multi-line block, history recall (Up arrow) and
the history file, tab completion of names and commands, Ctrl-C at the prompt,
during a long call (back to the prompt while the call finishes in the
background) and during :time, and Ctrl-D. Run in a scratch directory that has
examples/; HOME is set to it. Prints one line per check; exits 1 on a failure."""
import os
import pty
import re
import select
import sys
import time

tdsl = sys.argv[1]
home = os.getcwd()
env = dict(os.environ, HOME=home, TERM="xterm")
pid, fd = pty.fork()
if pid == 0:
    os.execve(tdsl, [tdsl, "examples/matmul.tdsl"], env)

buf = b""
checks = 0
slow = 1 if "asan" not in tdsl else 3


def fail(what):
    print("FAIL: %s" % what)
    print("---- terminal output so far ----")
    print(buf.decode("utf-8", "replace"))
    try:
        os.kill(pid, 9)
    except OSError:
        pass
    sys.exit(1)


def expect(pattern, timeout=20, what=None, must=True):
    """Reads until the text since the last match matches pattern (None when
    it does not in time and must is False)."""
    global buf, checks
    start = len(buf) if not hasattr(expect, "mark") else expect.mark
    end = time.time() + timeout * slow
    rx = re.compile(pattern.encode(), re.S)
    while True:
        m = rx.search(buf, start)
        if m:
            expect.mark = m.end()
            checks += 1
            return m
        left = end - time.time()
        if left <= 0:
            if not must:
                return None
            fail(what or "expected %r" % pattern)
        r, _, _ = select.select([fd], [], [], min(left, 0.1))
        if r:
            try:
                data = os.read(fd, 4096)
            except OSError:
                data = b""
            if not data:
                fail((what or "expected %r" % pattern) + " (tdsl exited)")
            buf += data


def send(s):
    os.write(fd, s.encode())


PROMPT = r"tdsl> "
expect(r"loaded examples/matmul\.tdsl: matmul.*?" + PROMPT, what="the first prompt")
send("A = arange(f32[2, 2])\r")
expect(PROMPT)
send("A\r")
expect(r"f32\[2, 2\]\r\n\[\[0\.0, 1\.0\],\r\n \[2\.0, 3\.0\]\]\r\n" + PROMPT, what="A printed")

# history: Up recalls the last line (A), Up again the one before
send("\x1b[A\r")
expect(r"\[2\.0, 3\.0\]\]\r\n" + PROMPT, what="Up + Enter runs A again")
send("\x1b[A\x1b[A")
expect(r"= arange\(f32\[2, 2\]\)", what="Up twice shows the line before")
send("\x05 # again\r")               # Ctrl-E: end of line, then edit
expect(PROMPT)

# completion: a unique fn name, then a command
send("matm\t")
expect(r"matm[^\n]*?ul", what="tab completes matm to matmul")
send("(A, A)\r")
expect(r"\[\[ 2\.0,  3\.0\],\r\n \[ 6\.0, 11\.0\]\]\r\n" + PROMPT, what="the completed call runs")
send(":he\t\r")
expect(r":quit +leave.*?rfactor\(r, F\).*?" + PROMPT, what=":he<TAB> completes to :help, which lists the primitives")
send("schedule matmul { C.spl\t")
expect(r"C\.spl[^\n]*?it", what="tab completes C.spl to C.split (a schedule primitive)")
send("(i, io, ii, 2) }\r")
expect(PROMPT, what="the completed schedule is taken")
# the keyword use, then a module on the search path (the in-tree stdlib/nn.tdsl);
# Ctrl-C drops the line (nn's matmul would clash with examples/matmul.tdsl's)
send("us\t")
expect(r"us[^\n]*?e", what="tab completes us to use")
send(" n\t")
expect(r" n[^\n]*?n", what="tab completes use n to use nn (a module)")
send("\x03")
expect(PROMPT, what="a fresh prompt after Ctrl-C")

# Ctrl-C at the prompt drops the line
send("garbage(")
expect(r"garbage\(", what="the typed line echoed")   # libedit has it before Ctrl-C comes
send("\x03")
expect(PROMPT, what="a fresh prompt after Ctrl-C")
send("A[1, 1]\r")
expect(r"f32 3\.0\r\n" + PROMPT, what="the line before Ctrl-C was dropped")

# a bad line with open brackets is reported at once: a fresh prompt, not "  ... "
send("this is not a line of tdsl ((\r")
expect(r"error: expected the end of the statement, found 'is'.*?\r\n" + PROMPT, what="a bad line ends its statement")
send("A[0, 0]\r")
expect(r"f32 0\.0\r\n" + PROMPT, what="the line after a bad line runs")
# a call over two lines: the open bracket reads on
send("A[1,\r")
expect(r"  \.\.\. ", what="the continuation prompt after an open bracket")
send("0]\r")
expect(r"f32 2\.0\r\n" + PROMPT, what="the call over two lines runs")

# a block over several lines, with the continuation prompt
send("fn slow(A: f32[n, n]) -> C: f32[n, n] {\r")
expect(r"  \.\.\. ", what="the continuation prompt")
send("C[i, j] = sum(A[i, r] * A[r, j] over r)\r}\r")
expect(r"defined slow.*?" + PROMPT)

# Ctrl-C during a long call: back to the prompt at once, the call finishes
# in the background and says so at a later prompt
send("L = rand(f32[1000, 1000])\r")
expect(PROMPT)
send("slow(L)\r")
time.sleep(0.3)
t0 = time.time()
send("\x03")
expect(r"interrupted: slow goes on in the background.*?" + PROMPT, timeout=5, what="Ctrl-C interrupts a call")
if time.time() - t0 > 3 * slow:
    fail("Ctrl-C took %.1f s to return to the prompt" % (time.time() - t0))
send("A[0, 1]\r")
expect(r"f32 1\.0\r\n" + PROMPT, what="the session works while the call runs")
deadline = time.time() + 120 * slow
while True:
    send("\r")
    if expect(r"note: the interrupted call to slow returned after", timeout=1, must=False):
        break
    if time.time() > deadline:
        fail("the interrupted call never reported its end")

# Ctrl-C during :time stops the runs and reports what ran
send("fn inc(A: f32[n]) -> B: f32[n] { B[i] = A[i] + 1.0 }\r")
expect(r"defined inc.*?" + PROMPT)
send("V = rand(f32[100000])\r")
expect(PROMPT)
send(":time inc(V)\r")
time.sleep(0.2)
send("\x03")
expect(r"(time inc: median .*?|interrupted.*?)" + PROMPT, what=":time after Ctrl-C")

# Ctrl-D leaves (typed once the prompt is up: Ctrl-D before the terminal is
# in raw mode would be a cooked-mode end-of-file); the history file keeps the lines
time.sleep(0.2)
send("\x04")
_, status = os.waitpid(pid, 0)
if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
    fail("tdsl exited with status %r after Ctrl-D" % status)
hist = open(os.path.join(home, ".tdsl_history"), encoding="utf-8", errors="replace").read()
if "arange(f32[2," not in hist.replace("\\040", " ") or "slow(L)" not in hist.replace("\\040", " "):
    fail("~/.tdsl_history lacks the lines entered:\n" + hist)
checks += 1
if os.environ.get("PTY_SHOW"):          # PTY_SHOW=1: the end of the session too
    print(buf.decode("utf-8", "replace")[-2000:])
print("%d checks" % checks)
