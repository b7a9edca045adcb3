"""`manage.py send_stats_reports [--mois AAAA-MM]`: each unit's monthly PDF to its managers."""

from django.core.management.base import BaseCommand, CommandError

from guichet.stats.selectors import current_month, parse_month
from guichet.stats.services import monthly_reports_send


class Command(BaseCommand):
    help = ("Envoie aux responsables de chaque service le rapport PDF du mois écoulé (une seule "
            "fois par mois et par service).")

    def add_arguments(self, parser):
        parser.add_argument("--mois", default="", help="mois au format AAAA-MM (défaut : le "
                                                       "mois précédent)")

    def handle(self, *args, mois, **options):
        period = parse_month(mois) if mois else current_month().previous()
        if period is None:
            raise CommandError("Indiquez le mois au format AAAA-MM, par exemple 2026-03.")
        sent = monthly_reports_send(period=period)
        self.stdout.write(f"{sent} rapport{'s' if sent > 1 else ''} envoyé{'s' if sent > 1 else ''}"
                          f" pour {period.label}.")
