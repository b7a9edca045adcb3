"""Agendas and appointments. A slot row exists for every start time that has been booked at
least once; its `booked` counter can never exceed its capacity (a database CHECK and a
conditional UPDATE), whatever the concurrency."""

from __future__ import annotations

import secrets
from dataclasses import replace

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Place(models.Model):
    organisation = models.ForeignKey("organisations.Organisation", verbose_name="collectivité",
                                     on_delete=models.CASCADE, related_name="places")
    name = models.CharField("nom", max_length=150)
    address = models.TextField("adresse")
    access = models.TextField("accès", blank=True, help_text="Transports, stationnement…")
    accessibility = models.TextField("accessibilité", blank=True,
                                     help_text="Accès en fauteuil, boucle magnétique…")

    class Meta:
        verbose_name = "lieu"
        verbose_name_plural = "lieux"

    def __str__(self) -> str:
        return self.name


class Agenda(models.Model):
    unit = models.ForeignKey("organisations.Unit", verbose_name="service",
                             on_delete=models.CASCADE, related_name="agendas")
    place = models.ForeignKey(Place, verbose_name="lieu", on_delete=models.PROTECT,
                              related_name="agendas")
    name = models.CharField("nom", max_length=150)
    slug = models.SlugField("identifiant d'adresse", unique=True)
    description = models.TextField("présentation", blank=True)
    is_active = models.BooleanField("actif", default=True)
    feed_token = models.CharField(max_length=40, unique=True, default=new_token,
                                  editable=False)

    class Meta:
        verbose_name = "agenda"

    def __str__(self) -> str:
        return self.name


class AppointmentType(models.Model):
    class Mode(models.TextChoices):
        ON_SITE = "on_site", "Sur place"
        PHONE = "phone", "Par téléphone"
        VIDEO = "video", "En visio"

    agenda = models.ForeignKey(Agenda, on_delete=models.CASCADE, related_name="types")
    name = models.CharField("motif", max_length=150)
    slug = models.SlugField("identifiant d'adresse")
    description = models.TextField("à savoir", blank=True,
                                   help_text="Pièces à apporter, déroulement…")
    duration_minutes = models.PositiveSmallIntegerField("durée (minutes)", default=15)
    buffer_minutes = models.PositiveSmallIntegerField("battement entre deux (minutes)",
                                                      default=0)
    desks = models.PositiveSmallIntegerField("guichets en parallèle", default=1)
    mode = models.CharField("modalité", max_length=10, choices=Mode.choices,
                            default=Mode.ON_SITE)
    bookable_online = models.BooleanField("réservable en ligne par les usagers", default=True)
    min_delay_hours = models.PositiveIntegerField("délai minimum (heures)", default=2)
    max_delay_days = models.PositiveIntegerField("réservable jusqu'à (jours)", default=60)
    max_per_person = models.PositiveSmallIntegerField(
        "rendez-vous par personne", default=2,
        help_text="Au plus, sur la période ci-dessous (0 : sans limite).")
    limit_period_days = models.PositiveSmallIntegerField("période (jours)", default=30)
    cancel_delay_hours = models.PositiveSmallIntegerField(
        "annulation en ligne jusqu'à (heures avant)", default=2)
    questions = models.JSONField("questions", default=list, blank=True)
    is_active = models.BooleanField("actif", default=True)

    class Meta:
        verbose_name = "motif de rendez-vous"
        verbose_name_plural = "motifs de rendez-vous"
        constraints = [models.UniqueConstraint(fields=["agenda", "slug"],
                                               name="type_slug_per_agenda")]

    def __str__(self) -> str:
        return f"{self.name} ({self.agenda})"

    @property
    def step_minutes(self) -> int:
        return self.duration_minutes + self.buffer_minutes


class OpeningRule(models.Model):
    """A weekly recurring opening of an agenda, between two optional dates."""

    agenda = models.ForeignKey(Agenda, on_delete=models.CASCADE, related_name="rules")
    weekday = models.PositiveSmallIntegerField("jour", choices=[
        (0, "lundi"), (1, "mardi"), (2, "mercredi"), (3, "jeudi"), (4, "vendredi"),
        (5, "samedi"), (6, "dimanche")])
    starts = models.TimeField("de")
    ends = models.TimeField("à")
    valid_from = models.DateField("à partir du", null=True, blank=True)
    valid_until = models.DateField("jusqu'au", null=True, blank=True)

    class Meta:
        verbose_name = "ouverture hebdomadaire"
        constraints = [models.CheckConstraint(condition=Q(ends__gt=F("starts")),
                                              name="rule_ends_after_start")]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts:%H:%M}–{self.ends:%H:%M}"


class OneOffOpening(models.Model):
    agenda = models.ForeignKey(Agenda, on_delete=models.CASCADE, related_name="one_offs")
    date = models.DateField()
    starts = models.TimeField("de")
    ends = models.TimeField("à")

    class Meta:
        verbose_name = "ouverture exceptionnelle"

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.starts:%H:%M}–{self.ends:%H:%M}"


class Unavailability(models.Model):
    """A closure of the agenda (imported from .ics or typed), or an agent's absence that
    removes some desks."""

    agenda = models.ForeignKey(Agenda, on_delete=models.CASCADE,
                               related_name="unavailabilities")
    starts_at = models.DateTimeField("du")
    ends_at = models.DateTimeField("au")
    desks = models.PositiveSmallIntegerField(
        "guichets fermés", null=True, blank=True,
        help_text="Vide : tout l'agenda est fermé ; un nombre : absence d'agents.")
    summary = models.CharField("motif", max_length=200, blank=True)
    uid = models.CharField("identifiant iCalendar", max_length=255, blank=True)

    class Meta:
        verbose_name = "fermeture ou absence"
        verbose_name_plural = "fermetures et absences"
        indexes = [models.Index(fields=["agenda", "starts_at"])]

    def __str__(self) -> str:
        return self.summary or f"{self.starts_at:%d/%m/%Y}"


class Slot(models.Model):
    type = models.ForeignKey(AppointmentType, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField()
    capacity = models.PositiveSmallIntegerField()
    booked = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["type", "starts_at"], name="one_slot_per_time"),
            models.CheckConstraint(condition=Q(booked__lte=F("capacity")),
                                   name="slot_never_overbooked"),
        ]

    def __str__(self) -> str:
        return f"{self.type_id} {self.starts_at:%Y-%m-%d %H:%M} {self.booked}/{self.capacity}"


class Appointment(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", "Réservé"
        SEEN = "seen", "Venu"
        NO_SHOW = "no_show", "Absent"
        CANCELLED_RESIDENT = "cancelled_resident", "Annulé par l'usager"
        CANCELLED_SERVICE = "cancelled_service", "Annulé par le service"

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE,
                                related_name="appointment")
    type = models.ForeignKey(AppointmentType, on_delete=models.PROTECT,
                             related_name="appointments")
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="appointments")
    starts_at = models.DateTimeField("début")
    ends_at = models.DateTimeField("fin")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.BOOKED)
    answers = models.JSONField(default=dict, blank=True)
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="appointments_to_see")
    # Hours-before of the reminders already sent (see APPOINTMENT_REMINDER_HOURS).
    reminders_sent = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "rendez-vous"
        verbose_name_plural = "rendez-vous"
        indexes = [models.Index(fields=["type", "starts_at"]),
                   models.Index(fields=["status", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.case.reference} {self.starts_at:%d/%m/%Y %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.BOOKED

    def resident_state(self, now=None):
        """What the resident sees in « Mes demandes » (reads type, agenda and place: select
        them with the appointment)."""
        from django.urls import reverse

        from guichet.cases.kinds import ResidentState

        from .services import can_cancel_online, when

        now = now or timezone.now()
        moment = when(self.starts_at)
        if self.status == self.Status.BOOKED and self.starts_at > now:
            place = self.type.agenda.place
            if self.type.mode == AppointmentType.Mode.PHONE:
                step = f"Le service vous appelle le {moment}."
            elif self.type.mode == AppointmentType.Mode.VIDEO:
                step = f"Rendez-vous en visio le {moment} : le lien vous est envoyé par courriel."
            else:
                address = ", ".join(line.strip() for line in place.address.splitlines()
                                    if line.strip())
                step = f"Présentez-vous le {moment} à {place.name}, {address}."
            if can_cancel_online(self):
                step += (f" Vous pouvez annuler ou déplacer ce rendez-vous jusqu'à "
                         f"{self.type.cancel_delay_hours} heures avant.")
                return ResidentState(
                    f"Rendez-vous confirmé le {moment}", step, tone="resolved",
                    action_label="Annuler ou déplacer le rendez-vous",
                    action_url=reverse("portal:appointment_manage", args=[self.token]))
            return ResidentState(f"Rendez-vous confirmé le {moment}",
                                 step + " Pour l'annuler, appelez le service.", tone="resolved")
        if self.status == self.Status.BOOKED:
            return ResidentState(f"Rendez-vous du {moment}", "Ce rendez-vous est passé.",
                                 tone="closed")
        if self.status == self.Status.SEEN:
            return ResidentState("Rendez-vous honoré",
                                 f"Ce rendez-vous a eu lieu le {moment}.", tone="closed")
        if self.status == self.Status.NO_SHOW:
            return ResidentState("Absent au rendez-vous",
                                 f"Personne ne s'est présenté au rendez-vous du {moment}. "
                                 "Prenez un nouveau rendez-vous si besoin.", tone="rejected")
        if self.status == self.Status.CANCELLED_SERVICE:
            state = ResidentState("Rendez-vous annulé par le service",
                                  f"Le rendez-vous du {moment} est annulé. Prenez un nouveau "
                                  "rendez-vous si besoin.", tone="rejected")
            if self.type.is_active and self.type.bookable_online:
                state = replace(state, action_label="Prendre un nouveau rendez-vous",
                                action_url=reverse("portal:appointment_slots",
                                                   args=[self.type.agenda.slug,
                                                         self.type.slug]))
            return state
        return ResidentState("Rendez-vous annulé",
                             f"Vous avez annulé le rendez-vous du {moment}.", tone="closed")


class AgentFeed(models.Model):
    """An agent's private iCalendar feed: the token is the only key, and can be revoked."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="appointment_feed")
    token = models.CharField(max_length=40, unique=True, default=new_token)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Flux de {self.user}"


class WaitlistEntry(models.Model):
    """Someone who wants an earlier slot than the ones offered: told when one frees up."""

    type = models.ForeignKey(AppointmentType, on_delete=models.CASCADE,
                             related_name="waitlist")
    email = models.EmailField()
    name = models.CharField(max_length=200, blank=True)
    before = models.DateField("avant le")
    created_at = models.DateTimeField(default=timezone.now)
    offered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["type", "email"],
                                               name="waitlist_once")]

    def __str__(self) -> str:
        return f"{self.email} avant le {self.before}"
