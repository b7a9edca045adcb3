"""Demo news and alerts: three news items and two alerts per commune, topics, and two
subscriptions of the demo resident (her street, and her commune's news in a daily digest)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from guichet.news.models import Alert, News, Subscription, Topic
from guichet.news.services import alert_save, news_save
from guichet.organisations.models import Organisation

from .territory import DEMO_RESIDENT, Territory

TOPICS = [("Travaux et voirie", "travaux"), ("Culture et loisirs", "culture"),
          ("Environnement et déchets", "environnement"), ("Vie municipale", "vie-municipale")]

NEWS = [
    ("Le marché de Noël revient sur la place de la mairie", "culture",
     "Chalets, vin chaud et animations pour les enfants pendant trois week-ends.",
     "<p>Les artisans du territoire vous attendent <strong>chaque week-end de décembre</strong>"
     ", de 10 h à 19 h.</p><ul><li>Samedi : atelier de décorations</li><li>Dimanche : "
     "concert de la chorale</li></ul>"),
    ("Collecte des sapins après les fêtes", "environnement",
     "Déposez votre sapin naturel, sans décoration, aux points de collecte.",
     "<p>Les sapins sont broyés et le paillage est offert aux habitants au printemps.</p>"),
    ("Conseil municipal du mois", "vie-municipale",
     "L'ordre du jour et la retransmission en direct.",
     "<p>La séance est publique. L'ordre du jour est affiché en mairie.</p>"),
]


def _centre(org: Organisation) -> tuple[float, float]:
    boundary = getattr(org, "boundary", None)
    if boundary is not None:
        return (boundary.min_lat + boundary.max_lat) / 2, (boundary.min_lon + boundary.max_lon) / 2
    return 49.33, 6.06


def news_load(territory: Territory) -> int:
    """Idempotent: does nothing when the demo news are there."""
    if News.objects.exists():
        return 0
    topics = {slug: Topic.objects.get_or_create(slug=slug, defaults={"name": name})[0]
              for name, slug in TOPICS}
    author = territory.agents.get("ines.lambert") or territory.admin
    now = timezone.now()
    communes = [o for o in territory.organisations.values()
                if o.kind == Organisation.Kind.COMMUNE]
    created = 0
    for org in communes:
        for i, (title, topic, summary, body) in enumerate(NEWS):
            item = News(organisation=org, title=f"{title} à {org.name}", summary=summary,
                        body_html=body, status=News.Status.PUBLISHED,
                        publish_at=now - dt.timedelta(days=2 + 5 * i),
                        announced_at=now - dt.timedelta(days=2 + 5 * i))
            news_save(news=item, topics=[topics[topic]], acting_user=author)
            created += 1
        lat, lon = _centre(org)
        works = Alert(organisation=org, kind=Alert.Kind.WORKS, status=Alert.Status.PUBLISHED,
                      title=f"Travaux de voirie rue de la Gare ({org.name})",
                      description="Réfection de la chaussée : circulation alternée, "
                                  "stationnement interdit.", address="rue de la Gare",
                      lat=lat, lon=lon, radius_m=200, starts_at=now - dt.timedelta(days=1),
                      ends_at=now + dt.timedelta(days=10), announced_at=now)
        alert_save(alert=works, topics=[topics["travaux"]], acting_user=author)
        water = Alert(organisation=org, kind=Alert.Kind.EMERGENCY, status=Alert.Status.PUBLISHED,
                      title=f"Coupure d'eau programmée ({org.name})",
                      description="Intervention sur le réseau : l'eau sera coupée de 8 h à "
                                  "12 h. Prévoyez des réserves.", address="centre-ville",
                      lat=lat + 0.002, lon=lon + 0.002, radius_m=500,
                      starts_at=now + dt.timedelta(days=2),
                      ends_at=now + dt.timedelta(days=2, hours=4), announced_at=now)
        alert_save(alert=water, acting_user=author)
    resident = next((u for u in territory.residents if u.email.startswith(DEMO_RESIDENT)), None)
    if resident is not None and communes:
        home = communes[0]
        lat, lon = _centre(home)
        street = Subscription.objects.create(
            user=resident, email=resident.email, address=f"rue de la Gare, {home.name}",
            lat=lat, lon=lon, radius_m=300, confirmed_at=now, sms_emergencies=True,
            phone=getattr(getattr(resident, "profile", None), "phone", ""))
        street.topics.set([topics["travaux"]])
        digest = Subscription.objects.create(user=resident, email=resident.email,
                                             frequency=Subscription.Frequency.DAILY,
                                             confirmed_at=now)
        digest.communes.set([home])
    return created
