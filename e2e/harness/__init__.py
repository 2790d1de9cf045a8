"""Shared machinery of the Flotilla end-to-end suites.

Starts real processes (`flotilla apiserver`, etcd) on free loopback ports, parses the admin
kubeconfig the server writes, and wraps the real clients: kubectl (`/usr/bin/kubectl`, with a fresh
KUBECACHEDIR per test class), helm (the repository's `.tools/bin/helm`) and raw HTTPS requests
carrying the admin token. Test modules run under `/usr/bin/python3` because that interpreter sees
Debian's python3-kubernetes.

Environment (set by e2e/CMakeLists.txt):
  FLOTILLA_BIN      path of the flotilla binary (default: build/bin/flotilla in the repo)
  FLOTILLA_STORAGE  sqlite (default) or etcd; etcd is started by the harness from /usr/bin/etcd
  FLOTILLA_E2E_KEEP keep temporary directories when set (for debugging)
"""
import base64
import http.client
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.request

import yaml

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
KUBECTL = "/usr/bin/kubectl"
ETCD = "/usr/bin/etcd"
HELM = os.path.join(REPO, ".tools", "bin", "helm")
PYTHON = "/usr/bin/python3"


def flotilla_binary():
    return os.environ.get("FLOTILLA_BIN") or os.path.join(REPO, "build", "bin", "flotilla")


def storage_backend():
    backend = os.environ.get("FLOTILLA_STORAGE", "sqlite")
    if backend not in ("sqlite", "etcd"):
        raise ValueError(f"FLOTILLA_STORAGE must be sqlite or etcd, not {backend!r}")
    return backend


def free_port():
    """A loopback port that was free a moment ago (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout=30.0, interval=0.1, what="condition"):
    """Polls predicate() until it returns a truthy value; returns it or raises AssertionError."""
    deadline = time.monotonic() + timeout
    last_exc = None
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except Exception as e:  # noqa: BLE001 - the predicate may fail while things settle
            last_exc = e
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}"
                         + (f" (last error: {last_exc!r})" if last_exc else ""))


class _OutputPump(threading.Thread):
    """Copies a child's merged stdout/stderr into a log file and remembers the lines."""

    def __init__(self, stream, log_path):
        super().__init__(daemon=True)
        self.stream = stream
        self.log_path = log_path
        self.lines = []
        self.cond = threading.Condition()

    def run(self):
        with open(self.log_path, "ab") as log:
            for raw in iter(self.stream.readline, b""):
                log.write(raw)
                log.flush()
                with self.cond:
                    self.lines.append(raw.decode(errors="replace").rstrip("\n"))
                    self.cond.notify_all()
        with self.cond:
            self.lines.append(None)  # EOF marker
            self.cond.notify_all()

    def wait_for(self, needle, start_index, timeout):
        deadline = time.monotonic() + timeout
        i = start_index
        with self.cond:
            while True:
                while i < len(self.lines):
                    line = self.lines[i]
                    if line is None:
                        return None
                    if needle in line:
                        return line
                    i += 1
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self.cond.wait(remaining)

    def tail(self, n=30):
        with self.cond:
            return "\n".join(line for line in self.lines[-n:] if line is not None)


class Etcd:
    """A single-member etcd on free loopback ports with a temporary data dir."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.data_dir = os.path.join(workdir, "etcd-data")
        self.client_port = None
        self.proc = None
        self.pump = None

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.client_port}"

    def start(self, timeout=30):
        for _attempt in range(3):
            self.client_port, peer_port = free_port(), free_port()
            client = f"http://127.0.0.1:{self.client_port}"
            peer = f"http://127.0.0.1:{peer_port}"
            args = [ETCD, "--name", "e2e", "--data-dir", self.data_dir,
                    "--listen-client-urls", client, "--advertise-client-urls", client,
                    "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                    "--initial-cluster", f"e2e={peer}", "--initial-cluster-state", "new",
                    "--log-level", "warn"]
            self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                         start_new_session=True)
            self.pump = _OutputPump(self.proc.stdout, os.path.join(self.workdir, "etcd.log"))
            self.pump.start()
            try:
                wait_until(self._healthy, timeout=timeout, what="etcd /health")
                return self
            except AssertionError:
                if self.proc.poll() is None:
                    raise AssertionError("etcd did not become healthy:\n" + self.pump.tail())
                # port race: another process took a port; try again with new ports
                shutil.rmtree(self.data_dir, ignore_errors=True)
        raise AssertionError("etcd failed to start:\n" + self.pump.tail())

    def _healthy(self):
        if self.proc.poll() is not None:
            raise AssertionError("etcd exited")
        with urllib.request.urlopen(self.endpoint + "/health", timeout=2) as r:
            return json.loads(r.read()).get("health") == "true"

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return f"<HTTP {self.status} {self.body[:300]!r}>"


class Server:
    """One `flotilla apiserver` process.

    The contract: `flotilla apiserver --listen 127.0.0.1:0 --data-dir DIR [--storage sqlite|etcd]
    [--etcd-endpoints URL,...]` writes DIR/admin.kubeconfig (https, CA + bearer token by default)
    and prints a line containing `ready` once it accepts requests; SIGTERM stops it.
    """

    def __init__(self, workdir, storage=None, etcd_endpoint=None, data_dir=None, extra_args=()):
        self.workdir = workdir
        self.storage = storage or storage_backend()
        self.etcd_endpoint = etcd_endpoint
        self.data_dir = data_dir or os.path.join(workdir, "data")
        self.extra_args = list(extra_args)
        self.proc = None
        self.pump = None
        self.kubeconfig = os.path.join(self.data_dir, "admin.kubeconfig")
        self.server_url = None
        self.token = None
        self.ca_pem = None
        self._ssl = None

    def args(self):
        a = [flotilla_binary(), "apiserver", "--listen", "127.0.0.1:0",
             "--data-dir", self.data_dir, "--storage", self.storage]
        if self.storage == "etcd":
            a += ["--etcd-endpoints", self.etcd_endpoint]
        return a + self.extra_args

    def start(self, timeout=60):
        binary = flotilla_binary()
        if not os.access(binary, os.X_OK):
            raise AssertionError(f"flotilla binary not found or not executable: {binary}")
        os.makedirs(self.data_dir, exist_ok=True)
        # A stale kubeconfig from a previous run must not be mistaken for the new one.
        if os.path.exists(self.kubeconfig):
            os.unlink(self.kubeconfig)
        self.proc = subprocess.Popen(self.args(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        log = os.path.join(self.workdir, "apiserver.log")
        self.pump = _OutputPump(self.proc.stdout, log)
        start_index = len(self.pump.lines)
        self.pump.start()
        line = self.pump.wait_for("ready", start_index, timeout)
        if line is None:
            rc = self.proc.poll()
            self.stop()
            raise AssertionError(
                f"flotilla apiserver did not print 'ready' within {timeout}s "
                f"(exit code {rc}); args {' '.join(self.args())}; output:\n{self.pump.tail()}")
        wait_until(lambda: os.path.exists(self.kubeconfig), timeout=10,
                   what=f"{self.kubeconfig} to be written")
        self._load_kubeconfig()
        return self

    def _load_kubeconfig(self):
        with open(self.kubeconfig) as f:
            cfg = yaml.safe_load(f)
        ctx_name = cfg.get("current-context")
        ctx = next((c["context"] for c in cfg.get("contexts", []) if c["name"] == ctx_name),
                   cfg["contexts"][0]["context"])
        cluster = next(c["cluster"] for c in cfg["clusters"] if c["name"] == ctx["cluster"])
        user = next((u["user"] for u in cfg.get("users", []) if u["name"] == ctx.get("user")), {})
        self.server_url = cluster["server"].rstrip("/")
        self.token = user.get("token")
        if "certificate-authority-data" in cluster:
            self.ca_pem = base64.b64decode(cluster["certificate-authority-data"]).decode()
        elif "certificate-authority" in cluster:
            with open(cluster["certificate-authority"]) as f:
                self.ca_pem = f.read()
        self._ssl = None
        if self.server_url.startswith("https://"):
            self._ssl = ssl.create_default_context(cadata=self.ca_pem) if self.ca_pem else \
                ssl._create_unverified_context()  # noqa: SLF001 - insecure-skip-tls-verify

    @property
    def host_port(self):
        rest = self.server_url.split("://", 1)[1]
        host, port = rest.rsplit(":", 1)
        return host, int(port)

    def stop(self, timeout=20):
        """SIGTERM, then SIGKILL after timeout. Returns the exit code."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.pump:
            self.pump.join(5)
        if self.proc.stdout and not self.pump.is_alive():
            self.proc.stdout.close()
        return self.proc.returncode

    def kill9(self):
        if self.proc and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def connection(self, timeout=30):
        host, port = self.host_port
        if self._ssl is not None:
            return http.client.HTTPSConnection(host, port, timeout=timeout, context=self._ssl)
        return http.client.HTTPConnection(host, port, timeout=timeout)

    def request(self, method, path, body=None, headers=None, timeout=30, auth=True):
        """One raw HTTP request with the admin token. body may be bytes, str or a JSON value."""
        hdrs = {"Accept": "application/json"}
        if auth and self.token:
            hdrs["Authorization"] = f"Bearer {self.token}"
        if body is not None and not isinstance(body, (bytes, str)):
            body = json.dumps(body)
            hdrs.setdefault("Content-Type", "application/json")
        if isinstance(body, str):
            body = body.encode()
        hdrs.update(headers or {})
        conn = self.connection(timeout)
        try:
            conn.request(method, path, body=body, headers=hdrs)
            r = conn.getresponse()
            return Response(r.status, dict(r.getheaders()), r.read())
        finally:
            conn.close()

    def readyz(self):
        try:
            return self.request("GET", "/readyz", timeout=5).status == 200
        except OSError:
            return False


class Kubectl:
    """Runs /usr/bin/kubectl against one server with its own discovery cache."""

    def __init__(self, kubeconfig, workdir):
        self.kubeconfig = kubeconfig
        self.cache_dir = os.path.join(workdir, "kubecache")
        self.home = os.path.join(workdir, "home")
        os.makedirs(self.cache_dir, exist_ok=True)
        os.makedirs(self.home, exist_ok=True)

    def env(self, extra=None):
        env = dict(os.environ)
        env.pop("KUBECONFIG", None)
        env.update({"KUBECACHEDIR": self.cache_dir, "HOME": self.home})
        env.update(extra or {})
        return env

    def argv(self, *args):
        return [KUBECTL, "--kubeconfig", self.kubeconfig, *args]

    def __call__(self, *args, input=None, check=True, timeout=60, env=None):
        """Runs kubectl; returns CompletedProcess (text). With check, a non-zero exit raises."""
        p = subprocess.run(self.argv(*args), input=input, capture_output=True, text=True,
                           timeout=timeout, env=self.env(env))
        if check and p.returncode != 0:
            raise AssertionError(
                f"kubectl {' '.join(args)} exited {p.returncode}\nstdout: {p.stdout.strip()}\n"
                f"stderr: {p.stderr.strip()}")
        return p

    def json(self, *args, **kw):
        return json.loads(self(*args, "-o", "json", **kw).stdout)

    def popen(self, *args, env=None):
        """Starts kubectl in the background (e.g. `get -w`); stdout/stderr are pipes."""
        return subprocess.Popen(self.argv(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, env=self.env(env), start_new_session=True)


class Helm:
    """Runs the repository's helm binary against one server with private helm directories."""

    def __init__(self, kubeconfig, workdir):
        self.kubeconfig = kubeconfig
        self.base = os.path.join(workdir, "helm")
        for d in ("cache", "config", "data"):
            os.makedirs(os.path.join(self.base, d), exist_ok=True)

    def __call__(self, *args, check=True, timeout=120):
        if not os.access(HELM, os.X_OK):
            raise AssertionError(f"helm not found at {HELM}; run scripts/install-deps.sh")
        env = dict(os.environ)
        env.pop("KUBECONFIG", None)
        env.update({"HELM_CACHE_HOME": os.path.join(self.base, "cache"),
                    "HELM_CONFIG_HOME": os.path.join(self.base, "config"),
                    "HELM_DATA_HOME": os.path.join(self.base, "data"),
                    "HOME": self.base})
        p = subprocess.run([HELM, "--kubeconfig", self.kubeconfig, *args], capture_output=True,
                           text=True, timeout=timeout, env=env)
        if check and p.returncode != 0:
            raise AssertionError(f"helm {' '.join(args)} exited {p.returncode}\n"
                                 f"stdout: {p.stdout.strip()}\nstderr: {p.stderr.strip()}")
        return p


class ServerTestCase(unittest.TestCase):
    """Base class: one server (and etcd when the backend is etcd) per test class.

    Subclasses get cls.server, cls.kubectl, cls.helm and cls.workdir. Tests should create their
    objects in their own namespace (see new_namespace) so they do not see each other.
    """

    server = None
    etcd = None
    server_args = ()  # extra `flotilla apiserver` flags for this class

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.workdir = tempfile.mkdtemp(prefix=f"flotilla-e2e-{cls.__name__}-")
        # Class cleanups also run when a subclass's setUpClass fails after this point, so no
        # server or etcd outlives its test class.
        cls.addClassCleanup(cls._cleanup)
        cls.start_backend()
        cls.server = Server(cls.workdir, etcd_endpoint=cls.etcd.endpoint if cls.etcd
                            else None, extra_args=cls.server_args).start()
        cls.kubectl = Kubectl(cls.server.kubeconfig, cls.workdir)
        cls.helm = Helm(cls.server.kubeconfig, cls.workdir)

    @classmethod
    def start_backend(cls):
        if storage_backend() == "etcd":
            cls.etcd = Etcd(cls.workdir).start()

    @classmethod
    def _cleanup(cls):
        if cls.server:
            cls.server.stop()
        if cls.etcd:
            cls.etcd.stop()
        if not os.environ.get("FLOTILLA_E2E_KEEP"):
            shutil.rmtree(cls.workdir, ignore_errors=True)
        else:
            print(f"kept {cls.workdir}")

    _ns_counter = 0

    def new_namespace(self, prefix=None):
        """Creates a fresh namespace (raw API, so it works even where kubectl generators fail)."""
        type(self)._ns_counter += 1
        name = f"{prefix or self._testMethodName.replace('_', '-')[5:][:40] or 'ns'}-" \
               f"{type(self)._ns_counter}".strip("-").lower()
        r = self.server.request("POST", "/api/v1/namespaces",
                                {"apiVersion": "v1", "kind": "Namespace",
                                 "metadata": {"name": name}})
        self.assertEqual(r.status, 201, f"creating namespace {name}: {r}")
        return name

    def server_log_tail(self):
        return self.server.pump.tail() if self.server and self.server.pump else ""

    def assert_server_alive(self):
        self.assertTrue(self.server.alive(),
                        "flotilla apiserver died; last output:\n" + self.server_log_tail())


class LineReader:
    """Collects the stdout lines of a background process (e.g. `kubectl get -w`) in a thread."""

    def __init__(self, proc):
        self.proc = proc
        self.lines = []
        self.cond = threading.Condition()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        for line in iter(self.proc.stdout.readline, ""):
            with self.cond:
                self.lines.append(line.rstrip("\n"))
                self.cond.notify_all()

    def wait_for(self, predicate, timeout=20, what="output"):
        """Waits until predicate(lines) is true; returns the lines or raises AssertionError."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while not predicate(list(self.lines)):
                remaining = deadline - time.monotonic()
                if remaining <= 0 or (self.proc.poll() is not None and not self.thread.is_alive()):
                    err = ""
                    if self.proc.poll() is not None and self.proc.stderr:
                        err = self.proc.stderr.read()
                    raise AssertionError(f"timed out waiting for {what}; lines so far: "
                                         f"{self.lines!r}; stderr: {err.strip()!r}")
                self.cond.wait(min(remaining, 0.5))
            return list(self.lines)

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


class _GoYamlDumper(yaml.SafeDumper):
    """Quotes strings that Go's YAML 1.1 decoder (sigs.k8s.io/yaml) reads as booleans."""


_GO_YAML_BOOLS = {"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True",
                  "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF"}


def _go_str(dumper, value):
    style = '"' if value in _GO_YAML_BOOLS else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_GoYamlDumper.add_representer(str, _go_str)


def dump_yaml(*docs):
    return "---\n".join(yaml.dump(d, Dumper=_GoYamlDumper, sort_keys=False) for d in docs)


def configmap(name, namespace=None, data=None, labels=None, **meta):
    md = {"name": name}
    if namespace:
        md["namespace"] = namespace
    if labels:
        md["labels"] = labels
    md.update(meta)
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": md, "data": data or {}}


def deployment(name, namespace=None, replicas=1, image="nginx:1.25", labels=None):
    sel = {"app": name}
    md = {"name": name}
    if namespace:
        md["namespace"] = namespace
    if labels:
        md["labels"] = labels
    return {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": md,
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": sel},
            "template": {"metadata": {"labels": sel},
                         "spec": {"containers": [{"name": "main", "image": image}]}},
        },
    }


def widget_crd(group="e2e.flotilla.io", plural="widgets", kind="Widget", scope="Namespaced",
               short_names=("wdg",)):
    """A small CRD with printer columns, a status subresource and typed fields."""
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": f"{plural}.{group}"},
        "spec": {
            "group": group,
            "names": {"plural": plural, "singular": kind.lower(), "kind": kind,
                      "listKind": kind + "List", "shortNames": list(short_names)},
            "scope": scope,
            "versions": [{
                "name": "v1",
                "served": True,
                "storage": True,
                "subresources": {"status": {}, "scale": {
                    "specReplicasPath": ".spec.replicas",
                    "statusReplicasPath": ".status.replicas"}},
                "additionalPrinterColumns": [
                    {"name": "Size", "type": "integer", "jsonPath": ".spec.size"},
                    {"name": "Color", "type": "string", "jsonPath": ".spec.color"},
                    {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"},
                ],
                "schema": {"openAPIV3Schema": {
                    "type": "object",
                    "description": "A widget used by the Flotilla e2e suite.",
                    "properties": {
                        "apiVersion": {"type": "string"},
                        "kind": {"type": "string"},
                        "metadata": {"type": "object"},
                        "spec": {
                            "type": "object",
                            "description": "Desired widget.",
                            "properties": {
                                "size": {"type": "integer", "minimum": 0,
                                         "description": "How big the widget is, in units."},
                                "color": {"type": "string", "enum": ["red", "green", "blue"],
                                          "default": "red", "description": "Paint colour."},
                                "tags": {"type": "array", "items": {"type": "string"}},
                                "replicas": {"type": "integer", "format": "int32"},
                            },
                        },
                        "status": {"type": "object",
                                   "properties": {"phase": {"type": "string"},
                                                  "replicas": {"type": "integer"}}},
                    },
                }},
            }],
        },
    }
