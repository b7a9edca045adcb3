"""The demo's signalements: commune outlines, a category tree and a few hundred reports spread
over the territory and over every status, replayed through the real services (see history.py).
"""

from __future__ import annotations

import datetime as dt

from guichet.cases.models import Status
from guichet.cases.services import case_change_status, case_close, case_reply
from guichet.lib.geo import bounds, contains
from guichet.organisations.services import boundary_set
from guichet.reports.models import Category, Report
from guichet.reports.services import report_follow, report_submit

from .history import HistoryLoader, office_time
from .territory import Territory

# Three neighbouring communes in the Orne valley (fictional outlines, WGS84).
OUTLINES = {
    "montfleury-sur-orne": [[5.960, 49.240], [6.010, 49.232], [6.040, 49.250], [6.035, 49.280],
                            [5.990, 49.288], [5.958, 49.270], [5.960, 49.240]],
    "breval-les-forges": [[6.040, 49.250], [6.095, 49.245], [6.110, 49.270], [6.090, 49.300],
                          [6.035, 49.280], [6.040, 49.250]],
    "lacroix-en-woevre": [[5.990, 49.288], [6.035, 49.280], [6.090, 49.300], [6.060, 49.330],
                          [6.000, 49.325], [5.990, 49.288]],
}

# (group, name, code, competence topic, public, moderated photos, SLA in business hours
#  (first, resolution; 24 per business day), questions)
CATEGORIES = [
    ("Propreté", "Dépôt sauvage", "depot-sauvage", "dechets", True, True, (24, 72),
     [{"code": "volume", "label": "Volume estimé (m³)", "datatype": "number",
       "required": False, "order": 1},
      {"code": "nature", "label": "Nature des déchets", "datatype": "singlevaluelist",
       "required": True, "order": 2,
       "values": [{"key": "encombrants", "name": "Encombrants"},
                  {"key": "gravats", "name": "Gravats"},
                  {"key": "vegetaux", "name": "Déchets verts"},
                  {"key": "autre", "name": "Autre"}]}]),
    ("Propreté", "Tag ou graffiti", "graffiti", "voirie", True, True, (48, 240), []),
    ("Collecte des déchets", "Bac non collecté", "bac-non-collecte", "dechets", False, True,
     (24, 48), []),
    ("Voirie", "Nid-de-poule", "nid-de-poule", "voirie", True, False, (48, 120),
     [{"code": "taille", "label": "Taille du trou", "datatype": "singlevaluelist",
       "required": True, "order": 1,
       "values": [{"key": "petit", "name": "Moins de 30 cm"},
                  {"key": "grand", "name": "Plus de 30 cm"}]}]),
    ("Voirie", "Trottoir abîmé", "trottoir", "voirie", True, False, (48, 240), []),
    ("Éclairage public", "Lampadaire éteint", "lampadaire", "voirie", True, False, (48, 120),
     [{"code": "numero", "label": "Numéro inscrit sur le mât", "datatype": "string",
       "required": False, "order": 1}]),
    ("Espaces verts", "Arbre ou branche dangereux", "arbre", "voirie", True, True, (24, 72),
     []),
]

STREETS = ["rue de la Gare", "rue Jean-Jaurès", "avenue de la Libération", "rue des Écoles",
           "place de la République", "rue du Moulin", "chemin des Vignes", "rue Pasteur",
           "rue de l'Orne", "impasse des Tilleuls", "rue Victor-Hugo", "route de Metz"]

DESCRIPTIONS = {
    "depot-sauvage": ["Un tas de sacs et un vieux matelas au pied du conteneur à verre.",
                      "Gravats déposés dans le fossé depuis ce week-end.",
                      "Des cartons et un frigo abandonnés sur le trottoir."],
    "graffiti": ["Tag sur le mur de l'école, côté cour.", "Graffitis sur l'abribus."],
    "bac-non-collecte": ["Le bac jaune n'a pas été vidé mardi.",
                         "Ordures ménagères non ramassées dans toute la rue."],
    "nid-de-poule": ["Trou profond dans la chaussée, dangereux pour les deux-roues.",
                     "Nid-de-poule qui s'agrandit devant le passage piéton."],
    "trottoir": ["Dalles soulevées par les racines, une poussette ne passe plus.",
                 "Bordure de trottoir cassée au niveau du croisement."],
    "lampadaire": ["Le lampadaire ne s'allume plus depuis trois soirs.",
                   "Éclairage qui clignote toute la nuit."],
    "arbre": ["Une grosse branche menace de tomber sur le chemin.",
              "Arbre penché après la tempête, au-dessus de l'aire de jeux."],
}

DEFAULT_REPORTS = 240


def _answers(rng, questions):
    answers = {}
    for question in questions:
        if question["datatype"] == "singlevaluelist":
            answers[question["code"]] = rng.choice(question["values"])["key"]
        elif question["datatype"] == "number":
            answers[question["code"]] = str(rng.choice([0.5, 1, 2, 3]))
    return answers


def categories_load() -> dict[str, Category]:
    parents: dict[str, Category] = {}
    categories = {}
    for order, (group, name, code, topic, public, moderated, sla, questions) in enumerate(
            CATEGORIES):
        if group not in parents:
            parents[group], _ = Category.objects.update_or_create(
                service_code=group.lower().replace(" ", "-").replace("é", "e"),
                defaults={"name": group, "order": len(parents)})
        categories[code], _ = Category.objects.update_or_create(
            service_code=code,
            defaults={"parent": parents[group], "name": name, "competence_topic": topic,
                      "is_public": public, "moderate_photos": moderated, "order": order,
                      "first_response_hours": sla[0], "resolution_hours": sla[1],
                      "questions": questions})
    return categories


class ReportsLoader(HistoryLoader):
    def _point(self, commune_slug: str) -> tuple[float, float]:
        outline = {"type": "Polygon", "coordinates": [OUTLINES[commune_slug]]}
        min_lat, min_lon, max_lat, max_lon = bounds(outline)
        while True:
            lat = self.rng.uniform(min_lat, max_lat)
            lon = self.rng.uniform(min_lon, max_lon)
            if contains(outline, lat, lon):
                return round(lat, 6), round(lon, 6)

    def load_reports(self, categories: dict[str, Category]) -> int:
        territory = self.territory
        residents = territory.residents or [None]
        communes = list(OUTLINES)
        weights = [5, 3, 2]
        codes = list(categories)
        for _ in range(self.count):
            code = self.rng.choice(codes)
            category = categories[code]
            commune = self.rng.choices(communes, weights)[0]
            lat, lon = self._point(commune)
            created = self._created_at()
            office = office_time(created, self.rng)  # Saturday night → Monday morning…
            created = office if office < self.now - dt.timedelta(minutes=15) else created
            resident = self.rng.choice(residents)
            address = f"{self.rng.randint(1, 60)} {self.rng.choice(STREETS)}"
            case = self._run(
                created, report_submit, category=category, lat=lat, lon=lon, address=address,
                description=self.rng.choice(DESCRIPTIONS[code]),
                answers=_answers(self.rng, category.questions), requester=resident,
                name="" if resident else "Habitant de passage",
                email="" if resident else "passant@example.org")
            self._progress(case, created)
        self._drop_delivery_tasks()
        return self.count

    def _progress(self, case, created: dt.datetime) -> None:
        """Older reports are further along: in progress, resolved, closed, some followed."""
        age_days = (self.now - created).days
        agents = self.territory.handlers(case.unit) or [self.territory.admin]
        agent = self.rng.choice(agents)
        step = created
        for _ in range(self.rng.randint(0, 2)):
            step = step + dt.timedelta(hours=self.rng.uniform(2, 30))
            if step < self.now:
                others = [r for r in self.territory.residents if r != case.requester]
                if others:
                    follower = self.rng.choice(others)
                    self._run(step, report_follow, report=case.report, email=follower.email,
                              user=follower)
        if age_days < 2 or self.rng.random() < 0.2:
            return
        step = step + dt.timedelta(hours=self.rng.uniform(1, 24))
        if step >= self.now:
            return
        self._run(step, case_reply, case=case, agent=agent,
                  body="Merci pour votre signalement : une équipe va intervenir.")
        if age_days < 10 or self.rng.random() < 0.3:
            return
        step = step + dt.timedelta(days=self.rng.uniform(1, 8))
        if step >= self.now:
            return
        if self.rng.random() < 0.6:
            self._run(step, case_close, case=case, acting_user=agent,
                      message="L'intervention a eu lieu. Merci de votre signalement.")
        else:
            self._run(step, case_change_status, case=case, status=Status.RESOLVED,
                      acting_user=agent, reason="Intervention terminée.")


def reports_load(territory: Territory, *, count: int = DEFAULT_REPORTS) -> int:
    """Outlines and categories every time (idempotent); reports only the first time."""
    for slug, ring in OUTLINES.items():
        boundary_set(organisation=territory.organisations[slug],
                     geojson={"type": "Polygon", "coordinates": [ring]})
    categories = categories_load()
    if Report.objects.exists():
        return 0
    return ReportsLoader(territory, count=count, days=120, seed=311).load_reports(categories)
