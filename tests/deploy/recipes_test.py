#!/usr/bin/python3
"""Checks the deployment recipes of installers/ with the tools that run
them (run by ctest, tests/deploy/CMakeLists.txt; docs/deploy/README.md):

  systemd UNIT PROMDIR        systemd-analyze verify (no message at all) and
                              security --offline (exposure at most 2.0, the
                              sandbox settings in force); the ExecStart line,
                              its variables expanded, serves a fixture
  kubernetes MANIFEST PROMDIR the manifest parses; the sidecar and the
                              application share the emptyDir at the path the
                              application's PROMETHEUS_MULTIPROC_DIR names and
                              promdir serves (read-only), the scrape
                              annotations name the port promdir listens on,
                              the pid-namespace choice matches
                              shareProcessNamespace; the container's command
                              serves a fixture
  prometheus CONFIG           promtool check config
  gunicorn CONF PROMDIR CLIENT_DIR
                              gunicorn with the config and the Python client
                              0.21.1: workers serve requests, a worker exits
                              and its live gauge files are removed (child_exit),
                              promdir render equals the client's rendering

Exit status 0 passed, 1 failed (why on stderr), 77 skipped (the Python
client 0.21.1 could not be fetched: offline).
"""

import copy
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FIXTURE = os.path.join(ROOT, "tests", "data", "client_python", "current", "metrics")


class Failed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failed(message)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url, timeout=10):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.status, r.read()


def wait_for(url, process=None, seconds=20):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if process is not None and process.poll() is not None:
            raise Failed(f"{process.args[0]} exited with {process.returncode} before answering {url}")
        try:
            return get(url)
        except OSError:
            time.sleep(0.1)
    raise Failed(f"no answer from {url} within {seconds} s")


def serves_fixture(argv, promdir, env=None):
    """Runs a `promdir serve` command line as given (on a free port against
    the fixture: the caller replaced those), checks /metrics is what
    `promdir render` prints for the fixture and that SIGTERM ends it with 0."""
    port = argv[argv.index("--listen") + 1].rsplit(":", 1)[1]
    expected = subprocess.run([promdir, "render", FIXTURE], check=True, capture_output=True).stdout
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        status, body = wait_for(f"http://127.0.0.1:{port}/metrics", process)
        check(status == 200, f"/metrics answered {status}")
        check(body == expected, "/metrics differs from promdir render of the fixture")
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=10)
        check(code == 0, f"promdir serve exited with {code} on SIGTERM: {process.stderr.read().decode()}")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


# --- systemd -----------------------------------------------------------------

def unit_settings(text):
    settings = {}
    for line in text.splitlines():
        if line and line[0] not in "#;[" and "=" in line:
            key, value = line.split("=", 1)
            settings.setdefault(key.strip(), []).append(value.strip())
    return settings


def test_systemd(unit, promdir):
    text = open(unit).read()
    settings = unit_settings(text)
    for key, value in (("ProtectSystem", "strict"), ("NoNewPrivileges", "yes"), ("PrivateTmp", "yes"),
                       ("ProtectHome", "yes"), ("DynamicUser", "yes")):
        check(settings.get(key) == [value], f"{unit}: {key}={value} is missing")
    check(not any(k in settings for k in ("ReadWritePaths", "StateDirectory", "RuntimeDirectory")),
          f"{unit}: the service must not get write access anywhere")
    with tempfile.TemporaryDirectory() as tmp:
        # The unit as installed names /usr/bin/promdir; this build's instead.
        copy_path = os.path.join(tmp, os.path.basename(unit))
        with open(copy_path, "w") as f:
            f.write(text.replace("/usr/bin/promdir", promdir))
        verify = subprocess.run(["systemd-analyze", "verify", "--man=no", copy_path], capture_output=True, text=True)
        check(verify.returncode == 0 and not (verify.stdout + verify.stderr).strip(),
              f"systemd-analyze verify: {verify.returncode} {verify.stdout}{verify.stderr}")
        security = subprocess.run(["systemd-analyze", "security", "--offline=yes", copy_path],
                                  capture_output=True, text=True)
        found = re.search(r"Overall exposure level for \S+: ([0-9.]+)", security.stdout)
        check(found, f"systemd-analyze security said: {security.stdout}{security.stderr}")
        check(float(found.group(1)) <= 2.0, f"exposure {found.group(1)} (more than 2.0)")
        print(f"systemd-analyze security: exposure {found.group(1)}")
    # ExecStart as systemd runs it: ${VAR} and $VAR from the Environment= lines.
    env = dict(line.split("=", 1) for line in settings["Environment"])
    env.update(PROMDIR_LISTEN=f"127.0.0.1:{free_port()}", PROMDIR_OPTIONS="", PROMETHEUS_MULTIPROC_DIR=FIXTURE)
    argv = []
    for word in shlex.split(settings["ExecStart"][0]):
        if re.fullmatch(r"\$\{?\w+\}?", word):
            argv += env[word.strip("${}")].split()  # $VAR splits at spaces, as systemd does
        else:
            argv.append(re.sub(r"\$\{(\w+)\}", lambda m: env[m.group(1)], word))
    check(argv[0] == "/usr/bin/promdir" and argv[1] == "serve", f"ExecStart runs {argv[:2]}")
    argv[0] = promdir
    serves_fixture(argv, promdir, env={**os.environ, **env})


# --- Kubernetes --------------------------------------------------------------

def test_kubernetes(manifest, promdir):
    documents = [d for d in yaml.safe_load_all(open(manifest)) if d]
    check(len(documents) == 1 and documents[0]["kind"] == "Deployment", "expected one Deployment")
    pod = documents[0]["spec"]["template"]
    spec = pod["spec"]
    containers = {c["name"]: c for c in spec["containers"]}
    sidecar, app = containers["promdir"], containers["app"]
    argv = sidecar["command"] + sidecar.get("args", [])
    check(argv[:2] == ["promdir", "serve"], f"the sidecar runs {argv[:2]}")
    listen_port = argv[argv.index("--listen") + 1].rsplit(":", 1)[1]
    annotations = pod["metadata"]["annotations"]
    check(annotations.get("prometheus.io/scrape") == "true", "no prometheus.io/scrape: \"true\"")
    check(annotations.get("prometheus.io/port") == listen_port, "prometheus.io/port is not the port promdir listens on")
    check(annotations.get("prometheus.io/path") == "/metrics", "prometheus.io/path is not /metrics")
    check(int(listen_port) in [p["containerPort"] for p in sidecar["ports"]], "the sidecar does not expose its port")
    # One emptyDir, where the application writes and promdir reads.
    volumes = {v["name"]: v for v in spec["volumes"]}
    served = argv[-1]
    app_env = {e["name"]: e["value"] for e in app["env"]}
    check(app_env.get("PROMETHEUS_MULTIPROC_DIR") == served, "the application writes elsewhere than promdir reads")
    mounts = {}
    for name, container in containers.items():
        for m in container["volumeMounts"]:
            if m["mountPath"] == served:
                mounts[name] = m
    check(set(mounts) == {"app", "promdir"}, f"{served} is mounted in {sorted(mounts)}")
    check(mounts["app"]["name"] == mounts["promdir"]["name"] and "emptyDir" in volumes[mounts["app"]["name"]],
          "the two containers do not share one emptyDir")
    check(mounts["promdir"].get("readOnly") is True, "promdir's mount is not read-only")
    # The trust issue: pids are this namespace's only when it is shared.
    mode = argv[argv.index("--pid-namespace") + 1]
    shared = spec.get("shareProcessNamespace", False)
    check(mode == ("shared" if shared else "separate"),
          f"--pid-namespace {mode} with shareProcessNamespace {shared}")
    # The command line itself, on a free port against the fixture.
    run = copy.copy(argv)
    run[0] = promdir
    run[run.index("--listen") + 1] = f"127.0.0.1:{free_port()}"
    run[-1] = FIXTURE
    serves_fixture(run, promdir)


# --- Prometheus ----------------------------------------------------------------

def test_prometheus(config):
    parsed = yaml.safe_load(open(config))
    jobs = {j["job_name"]: j for j in parsed["scrape_configs"]}
    check({"promdir", "kubernetes-pods", "pushgateway"} <= set(jobs), f"jobs: {sorted(jobs)}")
    check(jobs["pushgateway"].get("honor_labels") is True, "the pushgateway job must honor the pushed labels")
    with tempfile.TemporaryDirectory() as tmp:
        # Debian's promtool is built without Kubernetes service discovery
        # (it rejects kubernetes_sd_configs): that job is checked with a
        # static target instead, its relabelling as written.
        for job in parsed["scrape_configs"]:
            if job.pop("kubernetes_sd_configs", None) is not None:
                job["static_configs"] = [{"targets": ["10.0.0.1:8000"]}]
        checked = os.path.join(tmp, "prometheus.yml")
        with open(checked, "w") as f:
            yaml.safe_dump(parsed, f)
        result = subprocess.run(["promtool", "check", "config", checked], capture_output=True, text=True)
        check(result.returncode == 0, f"promtool check config: {result.stdout}{result.stderr}")


# --- gunicorn ------------------------------------------------------------------

def live_files(directory, pid):
    return sorted(n for n in os.listdir(directory) if n.startswith("gauge_live") and n.endswith(f"_{pid}.db"))


def live_workers(directory):
    """The pids with a gauge_liveall file: the workers running (child_exit removes an exited one's)."""
    return sorted({n[len("gauge_liveall_"):-len(".db")] for n in os.listdir(directory)
                   if n.startswith("gauge_liveall_") and n.endswith(".db")})


def test_gunicorn(conf, promdir, client_dir):
    conf = os.path.abspath(conf)
    fetch = subprocess.run([os.path.join(ROOT, "scripts", "fetch-python-client"), "--quiet", client_dir],
                           capture_output=True, text=True)
    if fetch.returncode != 0:
        print(f"skipped: the Python client 0.21.1 could not be fetched: {fetch.stderr}", file=sys.stderr)
        sys.exit(77)
    with tempfile.TemporaryDirectory() as tmp:
        metrics = os.path.join(tmp, "metrics")
        os.makedirs(metrics)
        stale = os.path.join(metrics, "counter_1.db")
        open(stale, "wb").close()  # from "an earlier run": on_starting removes it
        port = free_port()
        env = dict(os.environ, PROMETHEUS_MULTIPROC_DIR=metrics, GUNICORN_BIND=f"127.0.0.1:{port}",
                   GUNICORN_WORKERS="2", PYTHONPATH=fetch.stdout.strip() + os.pathsep + HERE)
        gunicorn = subprocess.Popen(["/usr/bin/python3", "-m", "gunicorn", "--config", conf, "gunicorn_app:application"],
                                    env=env, cwd=tmp, start_new_session=True,
                                    stdout=subprocess.DEVNULL, stderr=open(os.path.join(tmp, "gunicorn.log"), "w"))
        try:
            run_gunicorn_checks(gunicorn, port, metrics, stale, promdir, env)
        except Failed:
            print(open(os.path.join(tmp, "gunicorn.log")).read()[-3000:], file=sys.stderr)
            raise
        finally:
            stop_group(gunicorn)


def stop_group(process):
    """SIGTERM to gunicorn and its workers, SIGKILL after 10 s."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=10)
            break
        except subprocess.TimeoutExpired:
            continue
    process.wait()


def run_gunicorn_checks(gunicorn, port, metrics, stale, promdir, env):
    base = f"http://127.0.0.1:{port}"
    wait_for(base + "/", gunicorn)
    check(not os.path.exists(stale), "on_starting did not empty the directory")
    pids = set()
    for i in range(40):
        pids.add(int(get(base + ("/a" if i % 2 else "/b"))[1]))
    gone = int(get(base + "/exit")[1])
    check(live_files(metrics, gone), f"worker {gone} had no live gauge files")
    end = time.monotonic() + 15
    while live_files(metrics, gone) and time.monotonic() < end:
        time.sleep(0.1)
    check(not live_files(metrics, gone), f"child_exit left {live_files(metrics, gone)}")
    check(os.path.exists(os.path.join(metrics, f"counter_{gone}.db")), "the exited worker's counts are gone")
    # Requests go on; gunicorn starts a worker in place of the one that
    # exited, and that worker writes its gauge_liveall file as it imports the
    # application, maybe after these requests: wait for it, so that the
    # directory is still while both render it.
    for _ in range(10):
        get(base + "/c")
    end = time.monotonic() + 15
    while len(live_workers(metrics)) < 2 and time.monotonic() < end:
        time.sleep(0.1)
    check(len(live_workers(metrics)) == 2, f"gunicorn did not replace worker {gone}: {live_workers(metrics)}")
    ours = subprocess.run([promdir, "render", metrics], capture_output=True)
    check(ours.returncode == 0, f"promdir render: {ours.stderr.decode()}")
    reference = subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "tests", "interop", "render_reference.py"),
                                metrics], capture_output=True, env=env)
    check(reference.returncode == 0, f"render_reference.py: {reference.stderr.decode()}")
    check(ours.stdout == reference.stdout, "promdir render differs from the Python client's rendering:\n"
          + ours.stdout.decode() + "\n---\n" + reference.stdout.decode())
    check(b'app_requests_total{path="/a"} 20.0' in ours.stdout, "the requests were not counted")
    print(f"gunicorn: {len(pids)} workers answered, worker {gone} exited, its live gauges removed; "
          f"{len(ours.stdout)} bytes rendered as the client does")


def main():
    what, args = sys.argv[1], sys.argv[2:]
    try:
        {"systemd": test_systemd, "kubernetes": test_kubernetes, "prometheus": test_prometheus,
         "gunicorn": test_gunicorn}[what](*args)
    except Failed as e:
        print(f"FAILED: {e}", file=sys.stderr)
        return 1
    print("passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
