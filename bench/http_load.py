"""Benchmark: every page under load through gunicorn, as a ratio to a bare Django view measured
in the same round.

    make bench-http          # or: .venv/bin/python bench/http_load.py --cases 100000

Creates a PostgreSQL database (dropped at the end unless --keep), migrates it, loads the demo
territory and generates cases, then starts gunicorn (2 sync workers, DEBUG off) on loopback and,
for each of --rounds rounds, runs wrk (2 threads × 16 connections × --duration seconds; Debian's
package, installed when missing and root) on the bare view, the bare one-row insert, then every
page. Prints requests per second, the ratio to the bare view (to the bare insert for writes) of
the same round, latency p50/p99 under load, and p50 and queries of one request in-process
(Django's test client, no load). Medians over rounds. Results go to bench/results/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from common import ROOT, analyze, bench_env, manage, percentile, recreate_database  # noqa: E402

AGENT = "thomas.keller@montfleury-sur-orne.example"
MANAGER = "marc.weber@montfleury-sur-orne.example"  # the statistics are a manager's


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True,
                       env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
        return shutil.which("wrk")
    sys.exit("wrk manque : apt-get install wrk")


def prepare(args, env) -> float:
    started = time.perf_counter()
    recreate_database(args.db)
    manage("migrate", "--noinput", "-v", "0", env=env)
    manage("load_demo", "--reports", "0", env=env)
    manage("gendata", "--cases", str(args.cases), "--reports", str(args.cases // 5), "-v", "0",
           env=env)
    analyze(args.db)
    return time.perf_counter() - started


class Target:
    def __init__(self, label, path, *, cookie="", post=None, write=False, bust=False):
        self.label, self.path, self.cookie, self.post, self.write = (label, path, cookie, post,
                                                                     write)
        self.bust = bust  # a query string of its own on every request: never from the cache


def targets() -> list[Target]:
    """The pages, found in the generated database (run inside Django)."""
    from urllib.parse import urlencode

    from django.db import connection
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from guichet.accounts.models import User
    from guichet.cases.models import Case
    from guichet.reports.models import ApiKey, Report
    from guichet.reports.services import reportable_categories

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_http_row "
                       "(id bigserial PRIMARY KEY, at timestamptz)")
    agent = User.objects.get(email=AGENT)
    resident = User.objects.filter(email__startswith="claire.dupont@").first()

    def cookie(user) -> str:
        client = Client()
        client.force_login(user)
        return f"sessionid={client.cookies['sessionid'].value}"

    agent_cookie = cookie(agent)
    manager_cookie = cookie(User.objects.get(email=MANAGER))
    units = agent.memberships.values_list("unit_id", flat=True)
    reference = Case.objects.filter(unit_id__in=units).order_by("-created_at").values_list(
        "reference", flat=True).first()
    key, _ = ApiKey.objects.get_or_create(name="bench http", defaults={
        "contact_email": "bench@example.org", "requests_per_minute": 10**9})
    category = next(c for c in reportable_categories()
                    if c.is_public and not any(q.get("required") for q in (c.questions or [])))
    place = Report.objects.exclude(lat=None).values("lat", "lon").first()
    body = urlencode({"api_key": key.key, "service_code": category.service_code,
                      "lat": place["lat"], "long": place["lon"], "email": "bench@example.org",
                      "description": "Lampadaire éteint devant le numéro 12"})
    found = [
        Target("vue nue", "/bench/bare/"),
        Target("vue nue qui insère une ligne (POST)", "/bench/insert/", post="", write=True),
        Target("accueil /", "/"),
        Target("« Mes demandes »", "/mes-demandes/", cookie=cookie(resident) if resident else ""),
        Target("corbeille agent /agents/", "/agents/", cookie=agent_cookie),
        Target("page d'une demande", f"/agents/demandes/{reference}/", cookie=agent_cookie),
        Target("/signalements/", "/signalements/"),
        Target("/open311/v2/services.json", "/open311/v2/services.json"),
        Target("/open311/v2/requests.json", "/open311/v2/requests.json"),
        Target("/open311/v2/requests.json hors cache", "/open311/v2/requests.json",
               bust=True),
        Target("Open311 POST requests.json", "/open311/v2/requests.json", post=body,
               write=True),
        Target("/actualites/", "/actualites/"),
        Target("/agents/statistiques/", "/agents/statistiques/", cookie=manager_cookie),
    ]
    for name, label in (("api-1:cases", "API /api/v1/cases"),):  # once the API exists
        try:
            found.append(Target(label, reverse(name), cookie=agent_cookie))
        except NoReverseMatch:
            pass
    return found


def in_process(target: Target, count: int) -> tuple[float, int, int]:
    """p50 in ms, queries, status of `count` requests through Django's test client."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    if target.cookie:
        client.cookies.load(target.cookie)
    millis, queries, status = [], 0, 0
    for _ in range(count):
        path = f"{target.path}?bust={time.time_ns()}" if target.bust else target.path
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            if target.post is not None:
                response = client.post(path, target.post,
                                       content_type="application/x-www-form-urlencoded")
            else:
                response = client.get(path)
            millis.append((time.perf_counter() - started) * 1000)
        queries, status = len(captured), response.status_code
    return percentile(millis, 50), queries, status


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _millis(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS[unit]


def run_wrk(wrk: str, base: str, target: Target, duration: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        if target.post is not None:
            script.write('wrk.method = "POST"\n')
            script.write(f"wrk.body = {target.post!r}\n".replace("'", '"'))
            script.write('wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n')
        if target.cookie:
            script.write(f'wrk.headers["Cookie"] = "{target.cookie}"\n')
        if target.bust:
            script.write('counter = 0\nrequest = function()\n  counter = counter + 1\n'
                         f'  return wrk.format(nil, "{target.path}?bust=" .. counter .. '
                         '"-" .. math.random(1000000000))\nend\n')
    command = [wrk, "-t2", "-c16", f"-d{duration}s", "--timeout", "30s", "--latency", "-s",
               script.name,
               base + target.path]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    os.unlink(script.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = _millis(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))
    p99 = _millis(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    failed = re.search(r"Socket errors: .*", output)
    return {"rps": rps, "p50": p50, "p99": p99, "bad": int(errors.group(1)) if errors else 0,
            "socket": failed.group(0) if failed else ""}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=20, help="secondes de wrk par page")
    parser.add_argument("--db", default="guichet_bench_http")
    parser.add_argument("--reuse", action="store_true", help="base déjà remplie")
    parser.add_argument("--keep", action="store_true", help="garder la base à la fin")
    args = parser.parse_args()

    wrk = ensure_wrk()
    env = {**bench_env(args.db), "OPEN311_POSTS_PER_IP_PER_MINUTE": str(10**9),
           "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver", "LOG_LEVEL": "ERROR"}
    lines = []

    def out(line=""):
        print(line, flush=True)
        lines.append(line)

    out(f"Guichet bench/http_load.py — {dt.datetime.now():%Y-%m-%d %H:%M} — "
        f"{os.cpu_count()} cœurs, PostgreSQL, gunicorn 2 workers sync, "
        f"wrk 2×16 × {args.duration} s, "
        f"{args.rounds} tours, {args.cases} demandes générées")
    if not args.reuse:
        out(f"Préparation : {prepare(args, env):.0f} s")

    http_env = {**env, "DJANGO_SETTINGS_MODULE": "settings",
                "PYTHONPATH": os.pathsep.join([str(HERE / "http_conf"), str(ROOT)])}
    os.environ.update(http_env)
    sys.path[:0] = [str(HERE / "http_conf"), str(ROOT)]
    import django

    django.setup()
    pages = targets()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "guichet.wsgi", "--workers", "2",
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning"], cwd=ROOT, env=http_env)
    try:
        import urllib.request

        for _ in range(300):  # until a worker has loaded Django and answers
            try:
                urllib.request.urlopen(base + "/bench/bare/", timeout=5).read()
                break
            except OSError:
                time.sleep(0.2)
        results: dict[str, list[dict]] = {page.label: [] for page in pages}
        for round_number in range(1, args.rounds + 1):
            for page in pages:
                run_wrk(wrk, base, page, 2)  # warm both workers
                result = run_wrk(wrk, base, page, args.duration)
                results[page.label].append(result)
                print(f"  {page.label}: {result['rps']:.0f} req/s, {result['bad']} hors 2xx/3xx",
                      flush=True)
            out(f"tour {round_number} terminé")
        local = {page.label: in_process(page, 30) for page in pages}
    finally:
        server.terminate()
        server.wait(timeout=30)

    bare = [r["rps"] for r in results[pages[0].label]]
    insert = [r["rps"] for r in results[pages[1].label]]
    out("")
    out(f"{'page':<40} {'req/s':>8} {'ratio':>7} {'p50':>9} {'p99':>9} {'en process':>11} "
        f"{'SQL':>4} {'HTTP':>4} {'erreurs':>8}")
    for page in pages:
        rows = results[page.label]
        yardstick = insert if page.write else bare
        ratio = statistics.median(r["rps"] / y if y else float("nan")
                                  for r, y in zip(rows, yardstick, strict=True))
        p50, queries, status = local[page.label]
        bad = sum(r["bad"] for r in rows)
        out(f"{page.label:<40} {statistics.median(r['rps'] for r in rows):8.0f} "
            f"{ratio:7.1%} {statistics.median(r['p50'] for r in rows):7.1f}ms "
            f"{statistics.median(r['p99'] for r in rows):7.1f}ms {p50:9.1f}ms {queries:4d} "
            f"{status:4d} {bad:8d}")
        for r in rows:
            if r["socket"]:
                out(f"    {r['socket']}")
    out("")
    out("ratio : req/s de la page ÷ req/s de la vue nue du même tour (écritures : ÷ l'insertion "
        "nue), médiane des tours ; « en process » : p50 d'une requête par le client de test, "
        "sans charge ; HTTP : statut de cette requête ; erreurs : réponses hors 2xx/3xx sous wrk.")

    if not args.keep:
        from common import drop_database

        drop_database(args.db)
    results_dir = ROOT / "bench" / "results"
    results_dir.mkdir(parents=True, exist_ok=True)
    path = results_dir / f"http-{dt.datetime.now():%Y%m%d-%H%M%S}.txt"
    path.write_text("\n".join(lines) + "\n")
    print(f"Résultats écrits dans {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
