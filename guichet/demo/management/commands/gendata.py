"""`manage.py gendata --cases N`: a large, realistic dataset for benchmarks (bulk inserts)."""

from django.core.management.base import BaseCommand, CommandError

from guichet.demo.generator import generate, generate_reports


class Command(BaseCommand):
    help = ("Ajoute N demandes réalistes au territoire de démonstration, par insertions groupées "
            "(pour les mesures de performance).")

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=0, help="nombre de demandes")
        parser.add_argument("--reports", type=int, default=0, help="nombre de signalements")
        parser.add_argument("--batch", type=int, default=5000,
                            help="demandes insérées par transaction (défaut : 5000)")
        parser.add_argument("--days", type=int, default=730,
                            help="période couverte, en jours (défaut : 730)")
        parser.add_argument("--seed", type=int, default=100_000)

    def handle(self, *args, cases, reports, batch, days, seed, verbosity, **options):
        if cases < 0 or reports < 0 or cases + reports < 1 or batch < 1 or days < 1:
            raise CommandError("--cases ou --reports, --batch et --days doivent être positifs.")

        def progress(done: int, seconds: float) -> None:
            if verbosity:
                self.stdout.write(f"  {done:>9,} / {cases:,} demandes ({seconds:.0f} s)"
                                  .replace(",", "\u202f"))

        if cases:
            done = generate(cases=cases, batch=batch, days=days, seed=seed, progress=progress)
            self.stdout.write(self.style.SUCCESS(f"{done} demandes générées."))
        if reports:
            done = generate_reports(reports=reports, batch=batch, days=days, seed=seed + 1,
                                    progress=progress)
            self.stdout.write(self.style.SUCCESS(f"{done} signalements générés."))
