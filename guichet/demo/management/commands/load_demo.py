"""`manage.py load_demo`: the demo territory and a few hundred cases, loaded idempotently."""

from io import StringIO

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db.models import Max

from guichet.cases.models import Case
from guichet.demo.bookings import bookings_load
from guichet.demo.history import (
    DEFAULT_CASES,
    DEFAULT_DAYS,
    HistoryLoader,
    notifications_settle,
)
from guichet.demo.news import news_load
from guichet.demo.privacy import privacy_load
from guichet.demo.procedures import procedures_load, submissions_load
from guichet.demo.reports import DEFAULT_REPORTS, reports_load
from guichet.demo.surveys import surveys_load
from guichet.demo.territory import logins_table, territory_load
from guichet.notifications.models import Notification

# The periodic jobs that act on the seeded history (reminders, "est-ce réparé ?", the managers'
# digest…): run once here, so that what they send is part of the history, delivered silently.
CATCH_UP = ("expire_holds", "send_reminders", "ask_if_fixed", "send_digest",
            "record_implicit_decisions", "expire_drafts", "stats_refresh")
# Older, bulk-generated messages so that the statistics show two years of trends.
HISTORY_CASES = 3000
HISTORY_DAYS = 730


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
        parser.add_argument("--history", type=int, default=0,
                            help="demandes plus anciennes générées en masse sur deux ans, pour "
                                 f"les tendances des statistiques (make demo : {HISTORY_CASES})")
        parser.add_argument("--no-logins", dest="with_logins", action="store_false",
                            help="sans le tableau des comptes (run_demo l'affiche au démarrage)")

    def handle(self, *args, cases, days, reports, with_bookings, with_logins, history,
               **options):
        # Whatever this command writes to the outbox is history: recorded as sent, never
        # delivered (the demo's terminal would otherwise print every one of these emails).
        outbox_mark = Notification.objects.aggregate(m=Max("pk"))["m"] or 0
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
        news = news_load(territory)
        if news:
            self.stdout.write(f"{news} actualités et deux alertes par commune publiées.")
        if history:
            self.two_years(orgs, history)
        surveys = surveys_load(territory)
        if surveys:
            self.stdout.write("Un questionnaire de satisfaction (300 réponses, synthèse publiée) "
                              "et celui de la borne de la médiathèque créés ; "
                              f"{surveys['scores']} notes de satisfaction sur des demandes "
                              "closes.")
        privacy = privacy_load(territory)
        if privacy["rules"]:
            self.stdout.write(f"{privacy['rules']} règles de conservation créées"
                              + (f" ; un bordereau d'élimination de {privacy['proposed']} "
                                 "dossiers attend le visa de l'archiviste." if privacy["proposed"]
                                 else "."))
        for command in CATCH_UP:
            call_command(command, stdout=StringIO())
        notifications_settle(after=outbox_mark)
        if with_logins:
            self.print_logins()

    def two_years(self, orgs, count):
        """Two years of messages (bulk, see guichet.demo.generator), once."""
        import datetime as dt

        from django.utils import timezone

        from guichet.demo.generator import generate

        old = timezone.now() - dt.timedelta(days=300)
        if Case.objects.filter(organisation__in=orgs, created_at__lt=old).exists():
            return
        done = generate(cases=count, days=HISTORY_DAYS, seed=730)
        self.stdout.write(f"{done} demandes plus anciennes générées (deux ans d'historique pour "
                          "les statistiques).")

    def print_logins(self):
        lines = logins_table(settings.SITE_URL)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Comptes de démonstration"))
        for line in lines:
            self.stdout.write(line)
        self.stdout.write("")
