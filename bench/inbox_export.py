"""Benchmark of the inbox's background export on generated cases in PostgreSQL: time and peak
memory (maximum resident set size of this process) for every case of every unit, in CSV, XLSX
and ODS. Target: < 300 MB at 1,000,000 cases.

    .venv/bin/python bench/inbox_export.py [--cases 1000000] [--db guichet_stats]
"""

import argparse
import os
import resource
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from common import (  # noqa: E402
    Output,
    analyze,
    bench_env,
    drop_database,
    manage,
    recreate_database,
    setup_django,
)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--db", default="guichet_bench_inbox_export")
    parser.add_argument("--formats", default="csv,xlsx,ods")
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    env = bench_env(args.db)
    out = Output("inbox-export")
    out(f"Guichet bench export de la boîte — {os.cpu_count()} cœurs, PostgreSQL, "
        f"{args.cases} demandes générées")
    if not args.reuse:
        recreate_database(args.db)
        manage("migrate", "--noinput", "-v", "0", env=env)
        manage("load_demo", "--reports", "0", "--no-bookings", "-v", "0", env=env)
        manage("gendata", "--cases", str(args.cases), "--batch", "10000", "-v", "0", env=env)
        analyze(args.db)
    setup_django(env)
    try:
        import datetime as dt

        from django.utils import timezone

        from guichet.accounts.models import User
        from guichet.stats.models import InboxExport
        from guichet.stats.services import inbox_export_run

        admin = User.objects.filter(memberships__role="admin").first()
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        out(f"Mémoire avant les exports : {before:.0f} Mo")
        for fmt in args.formats.split(","):
            export = InboxExport.objects.create(
                requested_by=admin, filters={"tab": "all"}, fmt=fmt,
                expires_at=timezone.now() + dt.timedelta(days=1))
            started = time.perf_counter()
            export = inbox_export_run(export_id=export.pk)
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            out(f"{fmt.upper():<5} {export.rows:>9} lignes  {time.perf_counter() - started:7.1f} s"
                f"  fichier {export.file.size / 1e6:7.1f} Mo  pic mémoire du processus "
                f"{peak:.0f} Mo")
            export.file.delete(save=False)
    finally:
        if not args.keep:
            drop_database(args.db)
    out.save()


if __name__ == "__main__":
    main()
