# gunicorn configuration for an application that uses prometheus_client in
# multiprocess mode, its metrics served by `promdir serve` (or pushed by
# `promdir push`); see docs/deploy/README.md.
#
#     PROMETHEUS_MULTIPROC_DIR=/run/gunicorn/metrics gunicorn -c gunicorn.conf.py app:wsgi
#
# The directory must be known before the application imports
# prometheus_client, in every worker: set it in the environment that starts
# gunicorn (systemd Environment=, Kubernetes env). This file sets a default
# only when it is missing: gunicorn reads its configuration in the master
# before it imports the application or forks a worker.
import glob
import os

from prometheus_client import multiprocess

os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", "/run/gunicorn/metrics")

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))


def on_starting(server):
    """Before any worker: an empty directory, as the Python client asks
    (files of an earlier run would be merged with this run's)."""
    directory = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    os.makedirs(directory, exist_ok=True)
    for path in glob.glob(os.path.join(directory, "*.db")):
        os.remove(path)


def child_exit(server, worker):
    """A worker is gone (it exited, was killed or recycled by max_requests):
    its live gauges (livesum, liveall, livemax, ...) must not count any more."""
    multiprocess.mark_process_dead(worker.pid)
