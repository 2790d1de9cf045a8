"""A whole federation for end-to-end tests: `flotilla up` with a generated config.

Usage::

    from harness.federation import Federation, member_spec

    fed = Federation(workdir, [member_spec("m1", provider="aws", region="us-east-1"),
                               member_spec("m2", provider="gcp", region="us-central1", nodes=2)],
                     price_book=PRICE_BOOK_DICT).start()
    fed.host("apply", "-f", "-", input=yaml_text)        # harness.Kubectl on DIR/host.kubeconfig
    fed.member("m1").json("get", "deploy", "-n", "ns")   # harness.Kubectl per member
    fed.kill_member("m1")            # SIGKILL; the Cluster goes NotReady after the threshold
    fed.restart_member("m1")         # same data dir and port: apiEndpoint, certs, token still valid
    fed.kill_controller_manager(); fed.restart_controller_manager()
    fed.stop()                       # also stops whatever the Federation restarted itself

`Federation(workdir, members, price_book=None, probe_period="1s", failure_threshold="4s",
up_args=(), controller_manager_args=(), member_args=(), storage="sqlite")`:
  members            list of dicts in the `flotilla up` config format; member_spec() builds one
                     (name, provider, region, zones, nodes, nodeCPU, nodeMemory, nodeGPUs, labels)
  price_book         a PriceBook object (dict) or a list of them, applied after the joins
  probe_period       --cluster-probe-period of the controller manager
  failure_threshold  --cluster-failure-threshold
  controller_manager_args / member_args  extra flags passed through (--controller-manager-arg /
                     --member-arg of `flotilla up`)
  up_args            any other `flotilla up` flags

Attributes and methods after start():
  dir                      the `flotilla up --dir` (logs in dir/logs, pid files in dir/pids)
  host                     harness.Kubectl for dir/host.kubeconfig
  host_kubeconfig          path
  member(name)             harness.Kubectl for dir/<name>.kubeconfig
  member_kubeconfig(name)  path
  member_names             names in config order
  pid(name)                current pid of "host", "controller-manager" or a member
  alive(name)              whether that process runs
  kill(name) / restart(name, ready_timeout)   generic versions of the methods below
  kill_member(name), restart_member(name), kill_controller_manager(),
  restart_controller_manager(), kill_host(), restart_host()
  wait_cluster_ready(name, ready=True, timeout)  waits for the Cluster's Ready condition
  log_tail(name, n)        last lines of dir/logs/<name>.log (for assertion messages)
  stop()                   SIGTERM to `flotilla up` (which stops its children), then stops the
                           processes restarted by this object; safe to call twice

A process is restarted from dir/pids/<name>.cmdline, which `flotilla up` writes with the port
the server actually bound, so the restarted API server comes back on the same endpoint. Its
output is appended to dir/logs/<name>.log and its pid written to dir/pids/<name>.pid.
"""
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

import yaml

from harness import (Etcd, Kubectl, _OutputPump, dump_yaml, flotilla_binary, storage_backend,
                     wait_until)

CONTROLLER_MANAGER = "controller-manager"
HOST = "host"


def member_spec(name, provider=None, region=None, zones=None, nodes=3, node_cpu="8",
                node_memory="32Gi", node_gpus=None, labels=None):
    """One entry of the `members:` list of a `flotilla up` config."""
    m = {"name": name, "nodes": nodes, "nodeCPU": str(node_cpu), "nodeMemory": str(node_memory)}
    if provider:
        m["provider"] = provider
    if region:
        m["region"] = region
    if zones:
        m["zones"] = list(zones)
    if node_gpus is not None:
        m["nodeGPUs"] = str(node_gpus)
    if labels:
        m["labels"] = dict(labels)
    return m


class Federation:
    def __init__(self, workdir, members, price_book=None, probe_period="1s",
                 failure_threshold="4s", up_args=(), controller_manager_args=(),
                 member_args=(), storage="sqlite", etcd_endpoint=None):
        self.workdir = workdir
        self.dir = os.path.join(workdir, "federation")
        self.members_cfg = list(members)
        self.member_names = [m["name"] for m in self.members_cfg]
        self.price_books = ([price_book] if isinstance(price_book, dict) else
                            list(price_book or []))
        self.probe_period = probe_period
        self.failure_threshold = failure_threshold
        self.up_args = list(up_args)
        self.controller_manager_args = list(controller_manager_args)
        self.member_args = list(member_args)
        self.storage = storage
        self.etcd_endpoint = etcd_endpoint  # the host's etcd when storage is "etcd"
        self.proc = None
        self.pump = None
        self.restarted = {}  # name -> Popen of processes this object restarted
        self._kubectls = {}
        self.host = None

    # ---- start / stop -------------------------------------------------------------------------
    def write_config(self):
        os.makedirs(self.workdir, exist_ok=True)
        host = {"storage": self.storage}
        if self.storage == "etcd":
            host["etcdEndpoints"] = [self.etcd_endpoint]
        cfg = {"apiVersion": "flotilla.io/v1alpha1", "kind": "Federation",
               "host": host, "members": self.members_cfg}
        if self.price_books:
            pb_path = os.path.join(self.workdir, "pricebooks.yaml")
            with open(pb_path, "w") as f:
                f.write(dump_yaml(*self.price_books))
            cfg["bootstrap"] = [pb_path]
        path = os.path.join(self.workdir, "federation.yaml")
        with open(path, "w") as f:
            yaml.safe_dump(cfg, f, sort_keys=False)
        return path

    def start(self, timeout=240):
        cfg = self.write_config()
        argv = [flotilla_binary(), "up", "--config", cfg, "--dir", self.dir,
                "--cluster-probe-period", self.probe_period,
                "--cluster-failure-threshold", self.failure_threshold]
        for a in self.controller_manager_args:
            argv += ["--controller-manager-arg", a]
        for a in self.member_args:
            argv += ["--member-arg", a]
        argv += self.up_args
        os.makedirs(self.dir, exist_ok=True)
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        self.pump = _OutputPump(self.proc.stdout, os.path.join(self.workdir, "up.log"))
        self.pump.start()
        line = self.pump.wait_for("flotilla federation ready", 0, timeout)
        if line is None:
            tail = self.pump.tail(40)
            self.stop()
            raise AssertionError(f"flotilla up did not become ready within {timeout}s:\n{tail}"
                                 + self._logs_tail())
        self.host_kubeconfig = os.path.join(self.dir, "host.kubeconfig")
        self.host = Kubectl(self.host_kubeconfig, os.path.join(self.workdir, "kubectl-host"))
        for name in self.member_names:
            wait_until(lambda n=name: self._cluster_ready(n), timeout=120,
                       what=f"Cluster {name} Ready")
        return self

    def stop(self, timeout=30):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for name, p in list(self.restarted.items()):
            self._stop_popen(p)
            self.restarted.pop(name, None)
        # `up` may have been killed before it could stop its children: stop whatever the pid
        # files still name, if it still runs the recorded command line.
        for name in [HOST, CONTROLLER_MANAGER, *self.member_names]:
            pid = self._pid_if_ours(name)
            if pid:
                self._terminate_pid(pid)
        if self.pump:
            self.pump.join(5)
            if not self.pump.is_alive() and self.proc is not None and self.proc.stdout:
                self.proc.stdout.close()

    # ---- access -------------------------------------------------------------------------------
    def member_kubeconfig(self, name):
        return os.path.join(self.dir, f"{name}.kubeconfig")

    def member(self, name):
        if name not in self._kubectls:
            self._kubectls[name] = Kubectl(self.member_kubeconfig(name),
                                           os.path.join(self.workdir, f"kubectl-{name}"))
        return self._kubectls[name]

    def pid(self, name):
        try:
            with open(os.path.join(self.dir, "pids", f"{name}.pid")) as f:
                return int(f.read().strip())
        except (OSError, ValueError):
            return None

    def cmdline(self, name):
        with open(os.path.join(self.dir, "pids", f"{name}.cmdline")) as f:
            return [line.rstrip("\n") for line in f if line.rstrip("\n") != ""]

    def alive(self, name):
        return self._pid_if_ours(name) is not None

    def log_tail(self, name, n=40):
        try:
            with open(os.path.join(self.dir, "logs", f"{name}.log"), errors="replace") as f:
                return "".join(f.readlines()[-n:])
        except OSError:
            return ""

    # ---- kill / restart -----------------------------------------------------------------------
    def kill(self, name):
        """SIGKILL the process and wait until it is gone."""
        pid = self._pid_if_ours(name)
        if pid is None:
            return
        os.kill(pid, signal.SIGKILL)
        p = self.restarted.pop(name, None)
        if p is not None:
            p.wait()
        wait_until(lambda: not self._running(pid), timeout=30, what=f"{name} ({pid}) to exit")

    def restart(self, name, ready_timeout=120):
        """Starts the process again from its recorded command line (it must not be running)."""
        if self.alive(name):
            raise AssertionError(f"{name} is still running")
        argv = self.cmdline(name)
        log_path = os.path.join(self.dir, "logs", f"{name}.log")
        with open(log_path, "ab") as log:
            log.write(b"\n--- restarted by the e2e harness ---\n")
            log.flush()
            start = os.path.getsize(log_path)
            p = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT,
                                 stdin=subprocess.DEVNULL, start_new_session=True)
        self.restarted[name] = p
        with open(os.path.join(self.dir, "pids", f"{name}.pid"), "w") as f:
            f.write(f"{p.pid}\n")
        if name == CONTROLLER_MANAGER:
            needle = b"metrics port"
        else:
            needle = b"ready"

        def started():
            if p.poll() is not None:
                raise AssertionError(f"{name} exited with {p.returncode} after restart:\n"
                                     + self.log_tail(name))
            with open(log_path, "rb") as f:
                f.seek(start)
                return needle in f.read()
        try:
            wait_until(started, timeout=ready_timeout, what=f"{name} to start again")
        except AssertionError as e:
            raise AssertionError(f"{e}\n{self.log_tail(name)}") from None
        return p.pid

    def kill_member(self, name):
        self.kill(name)

    def pause_member(self, name):
        """SIGSTOP: the process keeps its socket (connections are accepted by the kernel) but
        answers nothing, like a frozen node or a black-holed network."""
        pid = self._pid_if_ours(name)
        if pid is None:
            raise AssertionError(f"{name} is not running")
        os.kill(pid, signal.SIGSTOP)

    def resume_member(self, name):
        pid = self._pid_if_ours(name)
        if pid is not None:
            os.kill(pid, signal.SIGCONT)

    def restart_member(self, name, ready_timeout=120):
        return self.restart(name, ready_timeout)

    def kill_controller_manager(self):
        self.kill(CONTROLLER_MANAGER)

    def restart_controller_manager(self, ready_timeout=60):
        return self.restart(CONTROLLER_MANAGER, ready_timeout)

    def kill_host(self):
        self.kill(HOST)

    def restart_host(self, ready_timeout=120):
        return self.restart(HOST, ready_timeout)

    # ---- cluster readiness --------------------------------------------------------------------
    def cluster(self, name):
        return self.host.json("get", "cluster", name)

    def _cluster_ready(self, name, want="True"):
        c = self.cluster(name)
        for cond in c.get("status", {}).get("conditions", []):
            if cond.get("type") == "Ready":
                return cond.get("status") == want
        return False

    def wait_cluster_ready(self, name, ready=True, timeout=90):
        want = "True" if ready else "False"
        wait_until(lambda: self._cluster_ready(name, want) or
                   (not ready and self._cluster_ready(name, "Unknown")),
                   timeout=timeout, what=f"Cluster {name} Ready={want}")

    # ---- internals ----------------------------------------------------------------------------
    def _logs_tail(self):
        out = ""
        for name in [HOST, *self.member_names, CONTROLLER_MANAGER]:
            tail = self.log_tail(name, 15)
            if tail:
                out += f"\n--- {name}.log ---\n{tail}"
        return out

    @staticmethod
    def _running(pid):
        try:
            with open(f"/proc/{pid}/stat") as f:
                return f.read().split(") ", 1)[1][0] != "Z"
        except (OSError, IndexError):
            return False

    def _pid_if_ours(self, name):
        pid = self.pid(name)
        if not pid or not self._running(pid):
            return None
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                actual = [a.decode(errors="replace") for a in f.read().split(b"\0")]
            expected = self.cmdline(name)
        except OSError:
            return None
        # `up` pins the --listen port in the cmdline file after the first start (port 0 before).
        return pid if _mask_listen(actual[:len(expected)]) == _mask_listen(expected) else None

    def _terminate_pid(self, pid, timeout=15):
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + timeout
        while self._running(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if self._running(pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    @staticmethod
    def _stop_popen(p, timeout=15):
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(timeout)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def _mask_listen(argv):
    return [("LISTEN" if i > 0 and argv[i - 1] == "--listen" else a) for i, a in enumerate(argv)]


class FederationTestCase(unittest.TestCase):
    """Base class: one federation per test class (set `members`, optionally `price_book`,
    `controller_manager_args`, ... as class attributes). Tests get cls.fed and cls.host."""

    members = ()
    price_book = None
    probe_period = "1s"
    failure_threshold = "4s"
    controller_manager_args = ()
    member_args = ()
    up_args = ()
    _ns_counter = 0

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.workdir = temp_workdir(cls.__name__)
        # FLOTILLA_STORAGE=etcd: the host keeps its objects in a real etcd the test starts.
        storage = storage_backend()
        cls.etcd = None
        if storage == "etcd":
            cls.etcd = Etcd(cls.workdir).start()
        cls.fed = Federation(cls.workdir, cls.members, price_book=cls.price_book,
                             probe_period=cls.probe_period,
                             failure_threshold=cls.failure_threshold, up_args=cls.up_args,
                             controller_manager_args=cls.controller_manager_args,
                             member_args=cls.member_args, storage=storage,
                             etcd_endpoint=cls.etcd.endpoint if cls.etcd else None)
        cls.addClassCleanup(cls._cleanup_federation)
        cls.fed.start()
        cls.host = cls.fed.host

    @classmethod
    def _cleanup_federation(cls):
        cls.fed.stop()
        if cls.etcd:
            cls.etcd.stop()
        remove_workdir(cls.workdir)

    def new_namespace(self, prefix=None):
        """Creates a fresh namespace on the host (propagated to the members by Flotilla)."""
        type(self)._ns_counter += 1
        base = prefix or self._testMethodName.replace("_", "-")[5:][:40] or "ns"
        name = f"{base}-{type(self)._ns_counter}".strip("-").lower()
        self.host("create", "namespace", name)
        return name

    def apply(self, *objs, kubectl=None):
        (kubectl or self.host)("apply", "-f", "-", input=dump_yaml(*objs))

    def member_json(self, member, *args):
        """kubectl get ... -o json on a member, or None when the object does not exist."""
        p = self.fed.member(member)(*args, "-o", "json", check=False)
        if p.returncode != 0:
            if "NotFound" in p.stderr or "not found" in p.stderr:
                return None
            raise AssertionError(f"kubectl {' '.join(args)} on {member}: {p.stderr.strip()}")
        return json.loads(p.stdout)


def temp_workdir(prefix):
    return tempfile.mkdtemp(prefix=f"flotilla-e2e-{prefix}-")


def remove_workdir(path):
    if os.environ.get("FLOTILLA_E2E_KEEP"):
        print(f"kept {path}")
    else:
        shutil.rmtree(path, ignore_errors=True)


def objects_yaml(*objs):
    """YAML text for kubectl apply -f - (Go-YAML-safe quoting)."""
    return dump_yaml(*objs)


def as_json(obj):
    return json.dumps(obj)
