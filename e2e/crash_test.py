"""Crash safety: every acknowledged write survives `kill -9`, and watches resume afterwards.

Several threads create ConfigMaps as fast as they can and record each 201 (name and
resourceVersion). The server is killed with SIGKILL in the middle of the burst and restarted on
the same data dir (same etcd for the etcd backend). Every acknowledged object must be there with
at least the acknowledged resourceVersion, and a watch from the last acknowledged
resourceVersion must resume (no 410, new events delivered).
"""
import json
import os
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, ServerTestCase, wait_until  # noqa: E402

NS = "crash"
WRITERS = 4


class CrashTest(ServerTestCase):

    def burst(self, prefix, duration_before_kill):
        acked = {}
        lock = threading.Lock()
        stop = threading.Event()
        errors = []

        def writer(idx):
            conn = self.server.connection(timeout=10)
            i = 0
            while not stop.is_set():
                name = f"{prefix}-{idx}-{i}"
                i += 1
                body = json.dumps({"metadata": {"name": name, "labels": {"burst": prefix}},
                                   "data": {"i": str(i), "pad": "p" * 512}})
                try:
                    conn.request("POST", f"/api/v1/namespaces/{NS}/configmaps", body=body,
                                 headers={"Content-Type": "application/json",
                                          "Authorization": f"Bearer {self.server.token}"})
                    r = conn.getresponse()
                    data = r.read()
                except OSError:
                    return  # the server died; anything not acknowledged does not count
                if r.status == 201:
                    rv = json.loads(data)["metadata"]["resourceVersion"]
                    with lock:
                        acked[name] = int(rv)
                elif r.status >= 500:
                    continue
                else:
                    errors.append((name, r.status, data[:200]))
                    return

        threads = [threading.Thread(target=writer, args=(k,), daemon=True)
                   for k in range(WRITERS)]
        for t in threads:
            t.start()
        wait_until(lambda: len(acked) >= 20, timeout=30, what="the first 20 acknowledged creates")
        time.sleep(duration_before_kill)
        self.server.kill9()
        stop.set()
        for t in threads:
            t.join(15)
        self.assertFalse(errors, f"unexpected non-201 responses during the burst: {errors[:3]}")
        return acked

    def restart(self):
        old = self.server
        new = Server(self.workdir, storage=old.storage, etcd_endpoint=old.etcd_endpoint,
                     data_dir=old.data_dir)
        type(self).server = new
        new.start()
        return new

    def test_acknowledged_writes_survive_kill9_and_watch_resumes(self):
        r = self.server.request("POST", "/api/v1/namespaces", {"metadata": {"name": NS}})
        self.assertIn(r.status, (201, 409), f"namespace: {r}")
        acked = self.burst("b1", duration_before_kill=1.0)
        self.assertGreater(len(acked), 20, "the burst acknowledged too few writes to be useful")
        server = self.restart()

        lst = server.request("GET", f"/api/v1/namespaces/{NS}/configmaps?labelSelector=burst%3Db1")
        self.assertEqual(lst.status, 200, f"list after restart: {lst}")
        present = {i["metadata"]["name"]: int(i["metadata"]["resourceVersion"])
                   for i in lst.json()["items"]}
        missing = sorted(set(acked) - set(present))
        self.assertFalse(missing, f"{len(missing)} of {len(acked)} acknowledged creates lost "
                         f"after kill -9, e.g. {missing[:5]}")
        for name, rv in acked.items():
            self.assertEqual(present[name], rv,
                             f"{name}: resourceVersion changed across the crash")
        list_rv = int(lst.json()["metadata"]["resourceVersion"])
        last_rv = max(acked.values())
        self.assertGreaterEqual(list_rv, last_rv,
                                "the store's revision must not go backwards after a crash")

        # A watch from the last acknowledged RV resumes: no 410, and new writes are delivered.
        conn = server.connection(timeout=20)
        conn.request("GET", f"/api/v1/namespaces/{NS}/configmaps?watch=true&resourceVersion="
                     f"{last_rv}&timeoutSeconds=15",
                     headers={"Authorization": f"Bearer {server.token}"})
        resp = conn.getresponse()
        if resp.status != 200:  # read the body only on failure: it is the watch stream
            self.fail(f"watch from RV {last_rv} after restart: {resp.status} "
                      f"{resp.read()[:300]!r}")
        r = server.request("POST", f"/api/v1/namespaces/{NS}/configmaps",
                           {"metadata": {"name": "after-restart"}})
        self.assertEqual(r.status, 201, f"create after restart: {r}")
        new_rv = int(r.json()["metadata"]["resourceVersion"])
        self.assertGreater(new_rv, last_rv, "revisions after restart must exceed acknowledged")
        seen = []
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            line = resp.readline()
            if not line:
                break
            ev = json.loads(line)
            self.assertNotEqual(ev["type"], "ERROR", f"watch resumed with an error: {ev}")
            seen.append((ev["type"], ev["object"]["metadata"]["name"],
                         int(ev["object"]["metadata"]["resourceVersion"])))
            if seen[-1][1] == "after-restart":
                break
        conn.close()
        self.assertIn(("ADDED", "after-restart", new_rv), seen,
                      f"the resumed watch must deliver the new create; got {seen[-5:]}")
        for _type, name, rv in seen:
            self.assertGreater(rv, last_rv, f"watch replayed {name}@{rv} <= start RV {last_rv}")

    def mixed_burst(self, prefix):
        """Each writer creates an object, updates it, and deletes every third one; returns
        {name: acknowledged state} and {name: state it may have if the in-flight write landed}.
        States are "v0", "v1" (data.v after create / update) or None (deleted)."""
        acked, inflight = {}, {}
        lock = threading.Lock()
        stop = threading.Event()
        errors = []
        base = f"/api/v1/namespaces/{NS}/configmaps"

        def send(conn, method, path, body):
            conn.request(method, path, body=None if body is None else json.dumps(body),
                         headers={"Content-Type": "application/merge-patch+json"
                                  if method == "PATCH" else "application/json",
                                  "Authorization": f"Bearer {self.server.token}"})
            r = conn.getresponse()
            return r.status, r.read()

        def writer(idx):
            conn = self.server.connection(timeout=10)
            i = 0
            while not stop.is_set():
                name = f"{prefix}-{idx}-{i}"
                ops = [("POST", base, {"metadata": {"name": name, "labels": {"burst": prefix}},
                                       "data": {"v": "v0"}}, (201,), "v0"),
                       ("PATCH", f"{base}/{name}", {"data": {"v": "v1"}}, (200,), "v1")]
                if i % 3 == 0:
                    ops.append(("DELETE", f"{base}/{name}", None, (200, 202), None))
                i += 1
                for method, path, body, ok, state in ops:
                    with lock:
                        inflight[name] = state
                    try:
                        status, data = send(conn, method, path, body)
                    except OSError:
                        return  # server killed: the in-flight write may or may not have landed
                    if status not in ok:
                        if status >= 500 and stop.is_set():
                            return
                        errors.append((method, name, status, data[:200]))
                        return
                    with lock:
                        acked[name] = state
                        inflight.pop(name, None)

        threads = [threading.Thread(target=writer, args=(k,), daemon=True)
                   for k in range(WRITERS)]
        for t in threads:
            t.start()
        wait_until(lambda: len(acked) >= 30, timeout=30, what="30 acknowledged objects")
        time.sleep(0.7)
        self.server.kill9()
        stop.set()
        for t in threads:
            t.join(15)
        self.assertFalse(errors, f"unexpected responses during the burst: {errors[:3]}")
        return acked, inflight

    def test_updates_and_deletes_survive_repeated_kill9(self):
        r = self.server.request("POST", "/api/v1/namespaces", {"metadata": {"name": NS}})
        self.assertIn(r.status, (201, 409), f"namespace: {r}")
        for cycle in range(3):
            prefix = f"m{cycle}"
            acked, inflight = self.mixed_burst(prefix)
            server = self.restart()
            lst = server.request("GET", f"/api/v1/namespaces/{NS}/configmaps?labelSelector="
                                 f"burst%3D{prefix}")
            self.assertEqual(lst.status, 200, f"cycle {cycle}: list after restart: {lst}")
            stored = {i["metadata"]["name"]: i.get("data", {}).get("v")
                      for i in lst.json()["items"]}
            bad = []
            for name, state in acked.items():
                allowed = {state}
                if name in inflight:
                    allowed.add(inflight[name])
                got = stored.get(name)  # None when absent
                if got not in allowed:
                    bad.append(f"{name}: stored {got!r}, acknowledged {state!r}"
                               + (f" (in flight {inflight[name]!r})" if name in inflight else ""))
            self.assertFalse(bad, f"cycle {cycle}: {len(bad)} of {len(acked)} objects lost "
                             f"acknowledged writes after kill -9: {bad[:5]}")
            unknown = set(stored) - set(acked) - set(inflight)
            self.assertFalse(unknown, f"cycle {cycle}: objects nobody wrote: {sorted(unknown)[:5]}")

    def test_clean_shutdown_on_sigterm(self):
        r = self.server.request("POST", "/api/v1/namespaces", {"metadata": {"name": "term"}})
        self.assertIn(r.status, (201, 409))
        r = self.server.request("POST", "/api/v1/namespaces/term/configmaps",
                                {"metadata": {"name": "kept"}})
        self.assertEqual(r.status, 201)
        rc = self.server.stop()
        self.assertEqual(rc, 0, "SIGTERM must stop the server with exit code 0")
        server = self.restart()
        self.assertEqual(server.request("GET", "/api/v1/namespaces/term/configmaps/kept").status,
                         200, "data written before SIGTERM must survive")


if __name__ == "__main__":
    unittest.main()
