"""Collectivités (communes and EPCI), their units, elected officials, competences and calendars."""

from __future__ import annotations

import re

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from guichet.lib.business_time import BusinessCalendar, holiday_subdivision

hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Saisissez une couleur au format #RRVVBB.")


class Organisation(models.Model):
    class Kind(models.TextChoices):
        COMMUNE = "commune", "Commune"
        EPCI = "epci", "Intercommunalité (EPCI)"

    kind = models.CharField("type", max_length=10, choices=Kind.choices)
    name = models.CharField("nom", max_length=200)
    slug = models.SlugField("identifiant d'adresse", unique=True)
    reference_prefix = models.CharField(
        "préfixe des références", max_length=6, unique=True,
        validators=[RegexValidator(r"^[A-Z]{2,6}$", "De 2 à 6 lettres majuscules.")],
        help_text="Début des références des demandes, par exemple VF pour VF-2026-000123.",
    )
    insee_code = models.CharField(
        "code INSEE", max_length=5, blank=True,
        validators=[RegexValidator(r"^(\d{5}|2[AB]\d{3})$", "Un code INSEE a 5 caractères.")],
        help_text="Pour une commune ; pour un EPCI, celui de la commune siège.",
    )
    postcodes = models.CharField(
        "codes postaux", max_length=200, blank=True,
        validators=[RegexValidator(r"^\s*(\d{5}[\s,;]*)*$",
                                   "Des codes postaux à 5 chiffres, séparés par des espaces.")],
        help_text="Pour une commune : ses codes postaux, séparés par des espaces. Ils servent à "
                  "reconnaître la commune d'une adresse saisie quand le service d'adresses ne "
                  "répond pas.",
    )
    siren = models.CharField("SIREN", max_length=9, blank=True,
                             validators=[RegexValidator(r"^\d{9}$", "Un SIREN a 9 chiffres.")])
    epci = models.ForeignKey(
        "self", verbose_name="intercommunalité", null=True, blank=True,
        on_delete=models.PROTECT, related_name="member_communes",
        limit_choices_to={"kind": "epci"},
    )
    address = models.TextField("adresse postale", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    email = models.EmailField("courriel", blank=True)
    website = models.URLField("site internet", blank=True)
    logo = models.ImageField("logo", upload_to="logos/", blank=True)
    primary_colour = models.CharField("couleur principale", max_length=7, default="#1d4e89",
                                      validators=[hex_colour])
    is_active = models.BooleanField("active", default=True)

    class Meta:
        verbose_name = "collectivité"
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(epci__isnull=True) | Q(kind="commune"),
                name="only_communes_belong_to_an_epci",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def postcode_list(self) -> list[str]:
        return re.findall(r"\d{5}", self.postcodes)

    @property
    def holiday_subdivision(self) -> str | None:
        return holiday_subdivision(self.insee_code)

    def territory(self) -> list[Organisation]:
        """This organisation and those it may exchange cases with (EPCI ↔ member communes)."""
        if self.kind == self.Kind.EPCI:
            return [self, *self.member_communes.filter(is_active=True)]
        return [self, self.epci] if self.epci_id else [self]

    def calendar(self) -> BusinessCalendar:
        """Business days for deadlines: Monday to Friday, less public holidays and this
        organisation's exceptional closures (see guichet.lib.business_time). Opening periods
        are reception hours: they do not change what « 2 jours ouvrés » means."""
        closures = tuple(self.closures.values_list("start_date", "end_date"))
        return BusinessCalendar(closures=closures, subdivision=self.holiday_subdivision)


class Unit(models.Model):
    """A service or pôle, with a generic address so that absences never stall its queue."""

    organisation = models.ForeignKey(Organisation, verbose_name="collectivité",
                                     on_delete=models.PROTECT, related_name="units")
    name = models.CharField("nom", max_length=200)
    slug = models.SlugField("identifiant d'adresse")
    description = models.TextField("ce que fait ce service", blank=True)
    email = models.EmailField("adresse générique", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    address = models.TextField("adresse", blank=True)
    opening_hours = models.TextField("horaires d'accueil", blank=True,
                                     help_text="Texte affiché aux usagers.")
    first_response_hours = models.PositiveIntegerField(
        "délai de première réponse (heures ouvrées)", default=48)
    resolution_hours = models.PositiveIntegerField(
        "délai de traitement (heures ouvrées)", default=96)
    is_contactable = models.BooleanField("reçoit les messages des usagers", default=True)
    is_active = models.BooleanField("actif", default=True)

    class Meta:
        verbose_name = "service"
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "slug"], name="unit_slug_per_org"),
        ]

    def __str__(self) -> str:
        return f"{self.name} — {self.organisation.name}"


class ElectedOfficial(models.Model):
    organisation = models.ForeignKey(Organisation, verbose_name="collectivité",
                                     on_delete=models.PROTECT, related_name="officials")
    civility = models.CharField("civilité", max_length=10, blank=True)
    first_name = models.CharField("prénom", max_length=100)
    last_name = models.CharField("nom", max_length=100)
    role = models.CharField("fonction", max_length=200, help_text="Par exemple : maire, adjointe.")
    delegation = models.CharField("délégation", max_length=300, blank=True)
    is_contactable = models.BooleanField("peut être contacté en ligne", default=False)
    handling_unit = models.ForeignKey(
        Unit, verbose_name="service qui traite son courrier", on_delete=models.PROTECT,
        related_name="officials_handled",
    )

    class Meta:
        verbose_name = "élu"
        ordering = ["organisation__name", "last_name"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.civility, self.first_name, self.last_name) if p)


class Competence(models.Model):
    """Which organisation holds a topic (waste: the EPCI; civil status: the commune)."""

    organisation = models.ForeignKey(Organisation, verbose_name="collectivité",
                                     on_delete=models.CASCADE, related_name="competences")
    topic = models.SlugField("thème", max_length=50)
    label = models.CharField("libellé", max_length=200)
    unit = models.ForeignKey(Unit, verbose_name="service compétent", null=True, blank=True,
                             on_delete=models.SET_NULL)

    class Meta:
        verbose_name = "compétence"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "topic"], name="competence_once"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.organisation})"


class OpeningPeriod(models.Model):
    class Weekday(models.IntegerChoices):
        MONDAY = 0, "lundi"
        TUESDAY = 1, "mardi"
        WEDNESDAY = 2, "mercredi"
        THURSDAY = 3, "jeudi"
        FRIDAY = 4, "vendredi"
        SATURDAY = 5, "samedi"
        SUNDAY = 6, "dimanche"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="opening_periods")
    weekday = models.PositiveSmallIntegerField("jour", choices=Weekday.choices)
    opens = models.TimeField("ouverture")
    closes = models.TimeField("fermeture")

    class Meta:
        verbose_name = "plage d'ouverture"
        verbose_name_plural = "plages d'ouverture"
        ordering = ["weekday", "opens"]
        constraints = [
            models.CheckConstraint(condition=Q(closes__gt=models.F("opens")),
                                   name="opening_period_closes_after_it_opens"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class Closure(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="closures")
    start_date = models.DateField("du")
    end_date = models.DateField("au (inclus)")
    reason = models.CharField("motif", max_length=200, blank=True)

    class Meta:
        verbose_name = "fermeture exceptionnelle"
        verbose_name_plural = "fermetures exceptionnelles"
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")),
                                   name="closure_ends_after_it_starts"),
        ]

    def __str__(self) -> str:
        return f"{self.start_date:%d/%m/%Y} – {self.end_date:%d/%m/%Y} {self.reason}"


class Boundary(models.Model):
    """A commune's outline (GeoJSON, WGS84), to tell which commune a reported place is in.
    The bounding box is stored so that candidates are found by an indexed query."""

    organisation = models.OneToOneField(Organisation, verbose_name="collectivité",
                                        on_delete=models.CASCADE, related_name="boundary")
    geojson = models.JSONField("contour (GeoJSON Polygon ou MultiPolygon)")
    min_lat = models.FloatField(editable=False)
    min_lon = models.FloatField(editable=False)
    max_lat = models.FloatField(editable=False)
    max_lon = models.FloatField(editable=False)

    class Meta:
        verbose_name = "contour"
        indexes = [models.Index(fields=["min_lat", "max_lat", "min_lon", "max_lon"])]

    def __str__(self) -> str:
        return f"Contour de {self.organisation}"

    def contains(self, lat: float, lon: float) -> bool:
        from guichet.lib.geo import contains

        return (self.min_lat <= lat <= self.max_lat and self.min_lon <= lon <= self.max_lon
                and contains(self.geojson, lat, lon))
