"""The WSGI application of the gunicorn recipe's test (recipes_test.py
gunicorn): prometheus_client metrics in multiprocess mode, as an
application would have them. GET /exit answers, then ends its worker
(SIGTERM to itself: gunicorn's worker finishes the request and exits)."""
import os
import signal

from prometheus_client import Counter, Gauge, Histogram

REQUESTS = Counter("app_requests", "Requests served.", ["path"])
IN_FLIGHT = Gauge("app_in_flight", "Requests being served.", multiprocess_mode="livesum")
STARTED = Gauge("app_worker_started_seconds", "When the worker started.", multiprocess_mode="liveall")
BIGGEST = Gauge("app_biggest_request_bytes", "Largest request body.", multiprocess_mode="max")
LATENCY = Histogram("app_latency_seconds", "Time to answer.", buckets=(0.001, 0.01, 0.1, 1.0))

STARTED.set(os.getpid())  # a value per worker, stable (not a time)


def application(environ, start_response):
    path = environ.get("PATH_INFO", "/")
    with IN_FLIGHT.track_inprogress(), LATENCY.time():
        REQUESTS.labels(path).inc()
        BIGGEST.set(max(len(path), 0))
        body = str(os.getpid()).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    if path == "/exit":
        os.kill(os.getpid(), signal.SIGTERM)
    return [body]
