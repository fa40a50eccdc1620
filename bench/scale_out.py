"""Stateless web processes scaled out behind a proxy, with and without PgBouncer (issue 14,
"Past one machine"): order intake at 16 clients through HAProxy to one or two gunicorn groups.

    .venv/bin/python bench/scale_out.py --json OUT.json             # 16 clients, 15 s per setup
    .venv/bin/python bench/scale_out.py --json OUT.json --quick     # 4 clients, 5 s per setup

The setups, each driven by the client of bench/order_intake.py (`POST /api/v1/orders/` with
`submit: true`, three lines, one customer per client) through HAProxy (deploy/haproxy.cfg, the
compose profile's config) on 127.0.0.1:8200:
  1 web group:                 one gunicorn (3 sync workers) behind the proxy, PostgreSQL direct
  2 web groups:                two gunicorns (3 sync workers each), round robin, PostgreSQL direct
  2 web groups + PgBouncer:    the same through PgBouncer in transaction mode (O2C_PGBOUNCER=true)
Besides orders/s, median and p99 ms and failed requests, the CPU seconds per order of the gunicorn
processes and of this database's PostgreSQL backends (from /proc) say which resource one more
order costs where: on a machine whose cores are all busy, a second group cannot add throughput,
but the per-process figures show what each extra machine would carry.

Needs `haproxy` and `pgbouncer` (apt; scripts/system-deps.sh installs them). Its own database `o2c_bench_scale` (built as bench/order_intake.py builds `o2c_bench`).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("BENCH_DATABASE", "o2c_bench_scale")
sys.path.insert(0, str(Path(__file__).resolve().parent))
import legacy_server as order_intake  # its DATABASE comes from BENCH_DATABASE, set above

ROOT = Path(__file__).resolve().parent.parent
PROXY_PORT, WEB_PORTS, PGBOUNCER_PORT = 8200, (8201, 8202), 6433
TABLE = "scale_out"
COMMAND = ".venv/bin/python bench/scale_out.py --json OUT.json"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def cpu_seconds(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])) / ticks
        except (FileNotFoundError, ProcessLookupError):
            pass
    return total


def tree(pid: int) -> list[int]:
    children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [pid, *(int(child) for child in children)]


def backends() -> list[int]:
    out = subprocess.run(
        ["psql", f"{order_intake.SERVER_URL}/postgres", "-tAc",
         f"SELECT pid FROM pg_stat_activity WHERE datname = '{order_intake.DATABASE}'"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return [int(pid) for pid in out.split()]


def wait_http(port: int, path: str = "/healthz") -> None:
    for _ in range(150):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", path, headers={"Host": "localhost"})
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"nothing healthy on port {port}")


def gunicorn_start(port: int, database_url: str, pgbouncer: bool) -> subprocess.Popen:
    env = {
        **order_intake.env(),
        "DATABASE_URL": database_url,
        "O2C_PGBOUNCER": "true" if pgbouncer else "false",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "o2c.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "3", "--worker-class", "sync", "--keep-alive", "30", "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    wait_http(port)
    return server


def haproxy_start(web: list[int], directory: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "O2C_PROXY_BIND": f"127.0.0.1:{PROXY_PORT}",
        "O2C_WEB_1": f"127.0.0.1:{web[0]}",
        "O2C_WEB_2": f"127.0.0.1:{web[-1]}",  # one group: the same server twice
    }
    proxy = subprocess.Popen(
        [shutil.which("haproxy") or "/usr/sbin/haproxy", "-db", "-f", str(ROOT / "deploy" / "haproxy.cfg")],
        env=env, cwd=directory, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    wait_http(PROXY_PORT)
    return proxy


def pgbouncer_start(directory: Path) -> subprocess.Popen:
    ini = directory / "pgbouncer.ini"
    ini.write_text(
        f"[databases]\n{order_intake.DATABASE} = host=127.0.0.1 port=5432 dbname={order_intake.DATABASE}\n"
        f"[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = {PGBOUNCER_PORT}\nauth_type = trust\n"
        f"auth_file = {directory / 'userlist.txt'}\npool_mode = transaction\nmax_client_conn = 200\n"
        f"default_pool_size = 8\nserver_reset_query =\nignore_startup_parameters = extra_float_digits\n"
        f"unix_socket_dir = {directory}\nlogfile = {directory / 'pgbouncer.log'}\n"
    )
    (directory / "userlist.txt").write_text('"postgres" ""\n')
    directory.chmod(0o777)
    command = [shutil.which("pgbouncer") or "/usr/sbin/pgbouncer", str(ini)]
    if os.geteuid() == 0:  # PgBouncer refuses to run as root
        command[1:1] = ["-u", "postgres"]
    bouncer = subprocess.Popen(
        command, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    time.sleep(1)
    if bouncer.poll() is not None:
        raise RuntimeError("pgbouncer did not start: " + (directory / "pgbouncer.log").read_text()[-500:])
    return bouncer


def stop(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, 15)
        process.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(process.pid, 9)


def setup_run(name: str, groups: int, pgbouncer: bool, fixture: dict, clients: int, seconds: float) -> dict:
    with tempfile.TemporaryDirectory(prefix="o2c-scale-") as tmp:
        directory = Path(tmp)
        processes = []
        try:
            url = order_intake.DATABASE_URL
            if pgbouncer:
                processes.append(pgbouncer_start(directory))
                url = f"postgresql://postgres@127.0.0.1:{PGBOUNCER_PORT}/{order_intake.DATABASE}"
            webs = [gunicorn_start(port, url, pgbouncer) for port in WEB_PORTS[:groups]]
            processes += webs
            processes.append(haproxy_start(list(WEB_PORTS[:groups]), directory))
            order_intake.PORT = PROXY_PORT
            order_intake.run_level(fixture, clients, 2)  # warm-up: connections, imports
            web_pids = [pid for web in webs for pid in tree(web.pid)]
            db_pids = backends()
            web_before, db_before = cpu_seconds(web_pids), cpu_seconds(db_pids)
            result = order_intake.run_level(fixture, clients, seconds)
            web_cpu, db_cpu = cpu_seconds(web_pids) - web_before, cpu_seconds(db_pids) - db_before
        finally:
            for process in reversed(processes):
                stop(process)
    orders = max(1, result["orders"])
    failed = sum(count for status, count in result["statuses"].items() if int(status) != 201)
    log(
        f"  {name}: {result['orders_per_second']} orders/s, median {result['median_ms']} ms, p99 "
        f"{result['p99_ms']} ms, {failed} failed; CPU per order: web {web_cpu / orders * 1000:.1f} ms, "
        f"PostgreSQL {db_cpu / orders * 1000:.1f} ms"
    )
    return {
        "orders/s": result["orders_per_second"],
        "median ms": result["median_ms"],
        "p99 ms": result["p99_ms"],
        "failed requests": failed,
        "web CPU ms per order": web_cpu / orders * 1000,
        "PostgreSQL CPU ms per order": db_cpu / orders * 1000,
    }


UNITS = {"orders/s": ("orders/s", "higher"), "median ms": ("ms", "lower"), "p99 ms": ("ms", "lower"),
         "failed requests": ("requests", "lower"), "web CPU ms per order": ("ms", "lower"),
         "PostgreSQL CPU ms per order": ("ms", "lower")}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, help="write the measurements here (bench protocol)")
    parser.add_argument("--quick", action="store_true", default=os.environ.get("O2C_BENCH_QUICK") == "1")
    parser.add_argument("--base-url", help="ignored: this benchmark starts its own processes")
    parser.add_argument("--clients", type=int, help="default 16 (4 with --quick)")
    parser.add_argument("--seconds", type=float, help="per setup: default 15 (5 with --quick)")
    options = parser.parse_args()
    clients = options.clients or (4 if options.quick else 16)
    seconds = options.seconds or (5 if options.quick else 15)

    log(f"building {order_intake.DATABASE}")
    fixture = order_intake.prepare(clients)
    setups = [("1 web group", 1, False), ("2 web groups", 2, False), ("2 web groups + PgBouncer", 2, True)]
    results = []
    for name, groups, pgbouncer in setups:
        log(f"{name}: {clients} clients, {seconds:.0f} s")
        figures = setup_run(name, groups, pgbouncer, fixture, clients, seconds)
        results += [(f"{name}, {clients} clients", metric, value) for metric, value in figures.items()]
    measurements = [
        {"table": TABLE, "row": row, "metric": metric, "value": round(value, 1), "unit": UNITS[metric][0],
         "better": UNITS[metric][1], "command": COMMAND}
        for row, metric, value in results
    ]  # fmt: skip
    for item in measurements:
        print(f"{item['row']:40s} {item['metric']:28s} {item['value']:8.1f} {item['unit']}")
    if options.json:
        options.json.write_text(json.dumps(measurements, indent=2))


if __name__ == "__main__":
    main()
