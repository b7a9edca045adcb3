"""`manage.py load_demo`: the demo territory and a few hundred cases, loaded idempotently."""

from django.conf import settings
from django.core.management.base import BaseCommand

from guichet.cases.models import Case
from guichet.demo.bookings import bookings_load
from guichet.demo.history import DEFAULT_CASES, DEFAULT_DAYS, HistoryLoader
from guichet.demo.procedures import procedures_load, submissions_load
from guichet.demo.reports import DEFAULT_REPORTS, reports_load
from guichet.demo.territory import logins, territory_load


class Command(BaseCommand):
    help = ("Charge le territoire de démonstration (intercommunalité, communes, services, élus, "
            "agents, usagers) et quelques centaines de demandes. Sans effet s'il est déjà là.")

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=DEFAULT_CASES,
                            help="nombre de demandes à créer la première fois (défaut : 300)")
        parser.add_argument("--days", type=int, default=DEFAULT_DAYS,
                            help="période couverte par les demandes, en jours (défaut : 180)")
        parser.add_argument("--no-bookings", dest="with_bookings", action="store_false",
                            help="sans rendez-vous, salles ni événements")
        parser.add_argument("--reports", type=int, default=DEFAULT_REPORTS,
                            help="nombre de signalements à créer la première fois (défaut : 240)")

    def handle(self, *args, cases, days, reports, with_bookings, **options):
        territory = territory_load()
        orgs = list(territory.organisations.values())
        if Case.objects.filter(organisation__in=orgs).exists():
            self.stdout.write("Territoire de démonstration à jour ; ses demandes sont déjà là.")
        else:
            count = HistoryLoader(territory, count=cases, days=days).load()
            self.stdout.write(f"Territoire de démonstration chargé : {count} demandes créées.")
        reports = reports_load(territory, count=reports)
        if reports:
            self.stdout.write(f"{reports} signalements créés.")
        from guichet.intake.models import RoutingModel

        if not RoutingModel.objects.exists() and Case.objects.filter(kind="contact").exists():
            from guichet.intake.routing import routing_train

            try:
                model = routing_train()
                self.stdout.write(f"Suggestion de service entraînée : {model.top1:.0%} au "
                                  "premier choix sur la part réservée.")
            except ValueError as exc:
                self.stdout.write(str(exc))
        if with_bookings:
            bookings = bookings_load(territory)
            if bookings:
                self.stdout.write(f"{bookings} rendez-vous, réservations et inscriptions "
                                  "créés.")
        files = submissions_load(territory, procedures_load(territory))
        if files:
            self.stdout.write(f"4 démarches en ligne publiées, {files} dossiers créés.")
        self.print_logins()

    def print_logins(self):
        rows = logins()
        width = max(len(role) for role, _, _ in rows)
        email_width = max(len(email) for _, email, _ in rows)
        out = self.stdout
        out.write("")
        out.write(self.style.SUCCESS("Comptes de démonstration"))
        out.write(f"  {'Rôle'.ljust(width)}  {'Identifiant'.ljust(email_width)}  Mot de passe")
        for role, email, password in rows:
            out.write(f"  {role.ljust(width)}  {email.ljust(email_width)}  {password}")
        out.write(f"  Espace agents : {settings.SITE_URL}/agents/ — administration : "
                  f"{settings.SITE_URL}/admin/")
        out.write("")
