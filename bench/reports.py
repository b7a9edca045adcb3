"""Benchmark of signalements on 200 000 reports in PostgreSQL.

    .venv/bin/python bench/reports.py [--reports 200000] [--keep] [--reuse]

- the duplicate check (`reports_nearby`, what the reporting form shows before sending) at
  random points of random categories, and the whole details page that shows it;
- the public map's GeoJSON for each commune;
- Open311 `POST requests` through gunicorn with several processes: sustained requests per
  second and latency, from concurrent clients on the same machine.
"""

import argparse
import http.client
import os
import random
import socket
import subprocess
import sys
import threading
import time
from urllib.parse import urlencode

sys.path.insert(0, os.path.dirname(__file__))
from common import (  # noqa: E402
    ROOT,
    Output,
    analyze,
    bench_env,
    drop_database,
    manage,
    percentile,
    recreate_database,
    setup_django,
    summary,
)


def timed(call, rounds):
    millis = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        millis.append((time.perf_counter() - started) * 1000)
    return millis


def measure_reads(out, rounds):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from guichet.demo.reports import OUTLINES
    from guichet.lib.geo import bounds, contains
    from guichet.reports.models import Report
    from guichet.reports.services import reportable_categories, reports_nearby

    out(f"Signalements en base : {Report.objects.count()}")
    rng = random.Random(7)
    categories = list(reportable_categories())
    outlines = [{"type": "Polygon", "coordinates": [ring]} for ring in OUTLINES.values()]

    def point():
        outline = rng.choice(outlines)
        min_lat, min_lon, max_lat, max_lon = bounds(outline)
        while True:
            lat, lon = rng.uniform(min_lat, max_lat), rng.uniform(min_lon, max_lon)
            if contains(outline, lat, lon):
                return lat, lon

    samples = [(rng.choice(categories), *point()) for _ in range(rounds * 10)]
    found, millis = [], []
    with CaptureQueriesContext(connection) as ctx:
        for category, lat, lon in samples:
            started = time.perf_counter()
            found.append(len(reports_nearby(category=category, lat=lat, lon=lon)))
            millis.append((time.perf_counter() - started) * 1000)
    out(summary("Doublons à 50 m (reports_nearby)", millis, [len(ctx) // len(samples)])
        + f"   trouvés en moyenne {sum(found) / len(found):.1f}")

    client = Client()
    millis = []
    for category, lat, lon in samples[:rounds * 2]:
        url = f"/signaler/{category.service_code}/details/?lat={lat:.6f}&lon={lon:.6f}"
        started = time.perf_counter()
        response = client.get(url)
        millis.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    out(summary("Page « Décrire le problème » (avec les doublons)", millis))

    for slug in OUTLINES:
        url = "/signalements/carte.geojson?" + urlencode({"commune": slug})
        features = len(client.get(url).json()["features"])
        with CaptureQueriesContext(connection) as ctx:
            millis = timed(lambda url=url: client.get(url), rounds)
        out(summary(f"GeoJSON de la carte : {slug} ({features} points)", millis,
                    [len(ctx) // rounds]))


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def measure_open311(out, env, seconds, clients, workers):
    from guichet.demo.reports import OUTLINES
    from guichet.reports.models import ApiKey

    key = ApiKey.objects.create(name="Mesure", requests_per_minute=10**7).key
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "guichet.wsgi", "--workers", str(workers),
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        # Every client posts from 127.0.0.1: the per-address limit is not what is measured.
        cwd=ROOT, env={**env, "ALLOWED_HOSTS": "127.0.0.1",
                       "OPEN311_POSTS_PER_IP_PER_MINUTE": str(10**7)})
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), 0.5).close()
                break
            except OSError:
                time.sleep(0.3)
        ring = OUTLINES["montfleury-sur-orne"]
        lat = sum(p[1] for p in ring[:-1]) / (len(ring) - 1)
        lon = sum(p[0] for p in ring[:-1]) / (len(ring) - 1)
        latencies, errors, lock = [], [], threading.Lock()
        stop = time.monotonic() + seconds

        def client(n):
            rng = random.Random(n)
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            while time.monotonic() < stop:
                body = urlencode({
                    "api_key": key, "service_code": "lampadaire",
                    "lat": f"{lat + rng.uniform(-0.003, 0.003):.6f}",
                    "long": f"{lon + rng.uniform(-0.003, 0.003):.6f}",
                    "description": "Lampadaire éteint (mesure)", "email": "app@example.net"})
                started = time.perf_counter()
                try:
                    conn.request("POST", "/open311/v2/requests.json", body, {
                        "Content-Type": "application/x-www-form-urlencoded"})
                    response = conn.getresponse()
                    response.read()
                    ok = response.status == 200
                except OSError as exc:
                    ok = False
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                    response = exc
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    (latencies if ok else errors).append(elapsed if ok else str(response))

        threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        out(summary(f"Open311 POST requests ({workers} processus, {clients} clients)",
                    latencies)
            + f"   {len(latencies) / elapsed:.0f} requêtes/s sur {elapsed:.0f} s"
            + (f"   ERREURS : {len(errors)}" if errors else ""))
        return percentile(latencies, 95)
    finally:
        server.terminate()
        server.wait(timeout=20)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--seconds", type=int, default=20, help="durée de la charge Open311")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--db", default="guichet_bench_reports")
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    env = bench_env(args.db)
    out = Output("signalements")
    out(f"Guichet bench signalements — {os.cpu_count()} cœurs, PostgreSQL, "
        f"{args.reports} signalements générés")
    if not args.reuse:
        recreate_database(args.db)
        started = time.perf_counter()
        manage("migrate", "--noinput", "-v", "0", env=env)
        manage("load_demo", "--cases", "20", "--reports", "0", "-v", "0", env=env)
        manage("gendata", "--reports", str(args.reports), "-v", "0", env=env)
        analyze(args.db)
        out(f"Préparation (migrate, load_demo, gendata) : {time.perf_counter() - started:.0f} s")
    setup_django(env)
    try:
        measure_reads(out, args.rounds)
        measure_open311(out, env, args.seconds, args.clients, args.workers)
    finally:
        if not args.keep:
            drop_database(args.db)
    out.save()


if __name__ == "__main__":
    main()
