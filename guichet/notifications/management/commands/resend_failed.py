from django.core.management.base import BaseCommand

from guichet.notifications.services import notifications_resend_failed


class Command(BaseCommand):
    help = ("Remet en file les notifications en échec définitif (par défaut les avis à valeur "
            "légale seulement ; jamais les liens expirés ni les adresses refusées par le "
            "serveur destinataire). send_notifications le fait de lui-même dès qu'un envoi "
            "réussit de nouveau après une panne.")

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true",
                            help="aussi les notifications sans valeur légale")
        parser.add_argument("--channel", choices=["email", "sms"])

    def handle(self, *args, **options):
        count = notifications_resend_failed(channel=options["channel"],
                                            only_legal=not options["all"])
        self.stdout.write(f"{count} notification(s) remise(s) en file.")
