"""course_run.py - what the course's scripts share: where the repository and
its build folder are, and running a command with its line echoed first."""
import os
import shlex
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(ROOT, os.environ.get("B", "build"))
TDSLC = os.path.join(BUILD, "tdslc")
CC = os.environ.get("CC", "cc")


def out_dir(lecture):
    """build/course/LECTURE/, made if missing: every generated file goes there."""
    path = os.path.join(BUILD, "course", lecture)
    os.makedirs(path, exist_ok=True)
    return path


def rel(path):
    return os.path.relpath(path, ROOT)


def run(*cmd, env=None):
    """Runs cmd from the repository root, echoing it as `$ cmd` with paths
    relative to the root; its output passes through. A failure ends the script."""
    print("$ " + " ".join(shlex.quote(c.replace(ROOT + os.sep, "")) for c in cmd), flush=True)
    full_env = dict(os.environ, **(env or {}))
    if subprocess.run(cmd, cwd=ROOT, env=full_env).returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}")


def need_tdslc():
    if not os.access(TDSLC, os.X_OK):
        sys.exit(f"{rel(TDSLC)} is missing: run `make` first")
