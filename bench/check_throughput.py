"""How close `standby check` gets to the latency-bound ceiling on a large plan.

2,000 domains (RDAP + parent-zone NS and DS queries each) and 2,000 web endpoints, against local peers
that add 50 ms to every answer. With `concurrency` operations allowed in flight, no client can finish
faster than (operations × latency ÷ concurrency): that ceiling is computed from the operations the
peers actually served in this run, and the figure is wall time ÷ ceiling (1.0 is perfect). The check
runs as the real command in a child process; its peak memory (max RSS) is reported too.

    uv run python -m bench.check_throughput                 # the documented figure
    uv run python -m bench.check_throughput --domains 200 --endpoints 200   # a quick look
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml
from tests.peers.dns import DnsPeer
from tests.peers.http import HttpPeer, Reply
from tests.peers.rdap import RdapPeer, domain_object

NS = ["ns1.dnshost.example", "ns2.dnshost.example"]


def main() -> int:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--domains", type=int, default=2000)
    args.add_argument("--endpoints", type=int, default=2000)
    args.add_argument("--latency", type=float, default=0.05, help="seconds added to every answer")
    args.add_argument("--concurrency", type=int, default=64)
    opts = args.parse_args()
    now = datetime.now(UTC)
    with (
        RdapPeer(tlds=["example"], latency=opts.latency) as rdap,
        DnsPeer(latency=opts.latency) as parent,
        HttpPeer(latency=opts.latency) as web,
        tempfile.TemporaryDirectory() as tmp,
    ):
        parent.zone("example", nameservers=["ns1.nic.example"])
        web.route("/", Reply(200, "<h1>Request a demo</h1>"))
        domains = [f"d{i}.example" for i in range(opts.domains)]
        for name in domains:
            rdap.domains[name] = domain_object(name, expires=now + timedelta(days=200), nameservers=NS)
            parent.delegate(name, NS)
        plan = {
            "version": 1,
            "organization": "Bench",
            "settings": {
                "timeout": "30s",
                "rdap_bootstrap": rdap.bootstrap_url,
                "parent_servers": {"example": [parent.address]},
                "concurrency": opts.concurrency,
                "per_server_concurrency": opts.concurrency,
                "cache_dir": tmp,
            },
            "domains": [{"name": n, "expected_nameservers": NS} for n in domains],
            "endpoints": [
                {"id": f"e{i}", "url": f"http://site{i}.example:{web.port}/", "address": "127.0.0.1"}
                for i in range(opts.endpoints)
            ],
        }
        plan_path = Path(tmp) / "plan.yaml"
        plan_path.write_text(yaml.safe_dump(plan))
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "standby", "check", str(plan_path), "--format", "json"],
            capture_output=True,
            text=True,
            check=False,
        )
        wall = time.perf_counter() - started
        operations = len(rdap.http.requests) + len(parent.queries) + len(web.requests)
    findings = json.loads(result.stdout)["findings"]
    not_ok = [f for f in findings if f["status"] != "ok"]
    if result.returncode != 0 or not_ok:
        print(f"check exited {result.returncode}; first problem: {not_ok[:1]} {result.stderr[-2000:]}")
        return 1
    ceiling = operations * opts.latency / opts.concurrency
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak_mib, cpu = usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime
    print(f"targets: {opts.domains} domains + {opts.endpoints} endpoints -> {len(findings)} findings, all ok")
    print(f"operations served: {operations} at {opts.latency * 1000:.0f} ms, concurrency {opts.concurrency}")
    print(f"ceiling (operations x latency / concurrency): {ceiling:.2f} s")
    print(f"wall time of `standby check` (whole process):  {wall:.2f} s")
    print(f"ratio wall / ceiling: {wall / ceiling:.2f}")
    print(f"CPU time of the check process: {cpu:.2f} s ({cpu / wall:.0%} of its wall time)")
    print(f"peak memory of the check process: {peak_mib:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
