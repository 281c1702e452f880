"""Serve the whole system on one machine: web (gunicorn), a Celery worker and Celery beat.

``make run`` calls this after migrating and seeding. Ctrl-C (or SIGTERM) stops all three; if any
of them dies, the others are stopped too and the exit status says so.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

DEMO_USERS = (
    ("coordinator", "task force coordinator (coordination office)"),
    ("investigator", "detective, city police department"),
    ("sheriff_investigator", "investigator, county sheriff's office"),
    ("fed_agent", "special agent, HSI field office"),
    ("prosecutor", "assistant district attorney"),
    ("ausa", "assistant U.S. attorney"),
    ("advocate", "survivor advocate, general service provider"),
    ("legal_advocate", "immigration attorney, legal services provider"),
    ("community", "community coalition member"),
    ("admin", "system administrator (Django admin; no access to compartmented data)"),
)


def commands(port: str) -> dict[str, list[str]]:
    bindir = Path(sys.executable).parent
    var = os.environ.get("TASKFORCE_VAR_DIR", "var")
    return {
        "web": [
            str(bindir / "gunicorn"),
            "taskforce.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            os.environ.get("WEB_CONCURRENCY", "2"),
            "--access-logfile",
            "-",
        ],
        "worker": [
            str(bindir / "celery"),
            "-A",
            "taskforce",
            "worker",
            "--loglevel",
            "INFO",
            "--concurrency",
            "1",
            "--without-gossip",
            "--without-mingle",
        ],
        "beat": [
            str(bindir / "celery"),
            "-A",
            "taskforce",
            "beat",
            "--loglevel",
            "INFO",
            "--pidfile",
            str(Path(var) / "celerybeat.pid"),
        ],
    }


def serving(port: str) -> bool:
    try:
        socket.create_connection(("127.0.0.1", int(port)), timeout=1).close()
    except OSError:
        return False
    return True


def catch_up() -> None:
    """Queue one reminder scan now. Beat's first tick comes only after REMINDER_SCAN_SECONDS;
    what fell due while the system was stopped goes out at the start instead."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taskforce.settings")
    try:
        from taskforce.celery import app

        app.send_task("taskforce.tasks.send_due_reminders")
    except Exception as error:  # noqa: BLE001 - beat's next tick scans anyway
        print(f"Could not queue the first reminder scan ({error}); beat will.", flush=True)
    else:
        print("Queued a reminder scan for what fell due while stopped.", flush=True)


def main() -> int:
    port = os.environ.get("PORT", "8000")
    procs = {
        name: subprocess.Popen(argv, start_new_session=True)  # noqa: S603 - our own argv
        for name, argv in commands(port).items()
    }
    password = os.environ.get("DEMO_PASSWORD", "demo-taskforce-2026")
    print(f"\nServing on http://127.0.0.1:{port}/ (web, worker and beat). Ctrl-C stops all.")
    print(f"Demo logins (password: {password}):")
    for username, who in DEMO_USERS:
        print(f"  {username:<22} {who}")
    print(flush=True)

    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    status = 0
    caught_up = False
    while not stopping:
        for name, proc in procs.items():
            if proc.poll() is not None:
                print(f"{name} exited with status {proc.returncode}; stopping.", flush=True)
                status = proc.returncode or 1
                stopping = True
                break
        if not stopping and not caught_up and serving(port):
            # All three are running and the site answers: the worker takes the scan from the
            # broker as soon as it is ready.
            catch_up()
            caught_up = True
        time.sleep(0.5)
    for proc in procs.values():
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    for proc in procs.values():
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
    return status


if __name__ == "__main__":
    sys.exit(main())
