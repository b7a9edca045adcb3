from django.core.management.base import BaseCommand, CommandError

from guichet.intake.routing import routing_train


class Command(BaseCommand):
    help = ("Entraîne la suggestion de service sur l'historique des demandes (sur ce serveur) "
            "et affiche son exactitude sur une part réservée.")

    def add_arguments(self, parser):
        parser.add_argument("--holdout", type=float, default=0.2,
                            help="part des demandes réservée à la mesure (défaut : 0,2)")

    def handle(self, *args, holdout, **options):
        try:
            model = routing_train(holdout=holdout)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{model.samples} demandes, {model.units} services ; exactitude sur la part "
            f"réservée : {model.top1:.1%} au premier choix, {model.top3:.1%} dans les trois "
            f"premiers ; entraînement en {model.seconds:.1f} s.")
