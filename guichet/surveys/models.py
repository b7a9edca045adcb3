"""Questionnaires (pages of questions in the procedure builder's JSON format), the ways they
reach residents (public link, email invitations, kiosks in facilities), the responses, and the
satisfaction asked after every closed case.

Each answered question is also one or more `Answer` rows (one per chosen item) carrying the
response's channel, place and date, so that results are aggregated by the database in one
GROUP BY, filtered without joins, even at 100,000 responses."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Survey(models.Model):
    class Audience(models.TextChoices):
        ANONYMOUS = "anonymous", "Anonyme (sans compte)"
        SIGNED_IN = "signed_in", "Usagers connectés (une réponse par personne)"

    class Status(models.TextChoices):
        DRAFT = "draft", "Brouillon"
        OPEN = "open", "Ouvert"
        CLOSED = "closed", "Clos"

    organisation = models.ForeignKey("organisations.Organisation", verbose_name="collectivité",
                                     on_delete=models.PROTECT, related_name="surveys")
    unit = models.ForeignKey("organisations.Unit", verbose_name="service",
                             on_delete=models.PROTECT, related_name="surveys")
    title = models.CharField("titre", max_length=200)
    slug = models.SlugField("identifiant", max_length=80, unique=True)
    intro = models.TextField("présentation", blank=True)
    audience = models.CharField("qui peut répondre", max_length=10, choices=Audience.choices,
                                default=Audience.ANONYMOUS)
    status = models.CharField("état", max_length=10, choices=Status.choices,
                              default=Status.DRAFT)
    opens_at = models.DateTimeField("ouverture", null=True, blank=True)
    closes_at = models.DateTimeField("clôture", null=True, blank=True)
    definition = models.JSONField("questions", default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # The published synthesis.
    synthesis_intro = models.TextField("synthèse", blank=True)
    changes = models.TextField("ce que nous avons changé", blank=True)
    shown_questions = models.JSONField("questions dont les résultats sont publiés",
                                       default=list, blank=True)
    synthesis_published_at = models.DateTimeField("synthèse publiée le", null=True, blank=True)

    class Meta:
        verbose_name = "questionnaire"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("portal:survey", args=[self.slug])

    def accepting(self, now=None) -> bool:
        """Whether an answer given now is on time."""
        now = now or timezone.now()
        if self.status != self.Status.OPEN:
            return False
        if self.opens_at and now < self.opens_at:
            return False
        return not (self.closes_at and now >= self.closes_at)


class Kiosk(models.Model):
    """A tablet in a facility, shown one questionnaire without login; its key is its URL."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="kiosks")
    place = models.CharField("lieu", max_length=120)
    key = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    is_active = models.BooleanField("active", default=True)

    class Meta:
        verbose_name = "borne"

    def __str__(self) -> str:
        return self.place

    def get_absolute_url(self) -> str:
        return reverse("portal:kiosk", args=[self.key])


class Invitation(models.Model):
    """One email invitation, its token the only way in (one response per token)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    segment = models.CharField("segment", max_length=120, blank=True)
    sent_at = models.DateTimeField(default=timezone.now)
    reminded_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "invitation"
        constraints = [models.UniqueConstraint(fields=["survey", "email"],
                                               name="one_invitation_per_address")]

    def __str__(self) -> str:
        return self.email

    def get_absolute_url(self) -> str:
        return reverse("portal:survey_invited", args=[self.token])


class Channel(models.TextChoices):
    LINK = "link", "Lien public"
    EMAIL = "email", "Invitation par courriel"
    KIOSK = "kiosk", "Borne"


class Response(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    channel = models.CharField("canal", max_length=10, choices=Channel.choices)
    kiosk = models.ForeignKey(Kiosk, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="responses")
    place = models.CharField("lieu", max_length=120, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="survey_responses")
    invitation = models.OneToOneField(Invitation, null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="response")
    # Made by the browser (a kiosk that was offline replays it): the same answer counts once.
    client_uuid = models.UUIDField(null=True, blank=True, unique=True)
    answers = models.JSONField(default=dict)
    submitted_at = models.DateTimeField("reçue le", default=timezone.now, db_index=True)
    # Given after the questionnaire closed (kept, never counted unless asked for).
    late = models.BooleanField("tardive", default=False)
    # Left by the respondent to hear about the published synthesis.
    contact_email = models.EmailField("courriel pour la synthèse", blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "réponse"
        constraints = [models.UniqueConstraint(fields=["survey", "user"],
                                               condition=models.Q(user__isnull=False),
                                               name="one_response_per_person")]
        indexes = [models.Index(fields=["survey", "-submitted_at"])]

    def __str__(self) -> str:
        return f"{self.survey} — {self.submitted_at:%d/%m/%Y %H:%M}"


class Answer(models.Model):
    """One item of one answer, ready for GROUP BY: `choice` is the option chosen (or the score
    as text), `row` the matrix row, `number` the score/number/rank, `text` an open answer.
    `first` is 1 on the first item of a question (or matrix row) in a response, so that the sum
    of `first` counts the respondents of that question."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="items")
    question = models.CharField(max_length=40)
    row = models.CharField(max_length=200, blank=True)
    choice = models.CharField(max_length=200, blank=True)
    number = models.FloatField(null=True, blank=True)
    text = models.TextField(blank=True)
    first = models.PositiveSmallIntegerField(default=1)
    # Copied from the response for filters without joins.
    channel = models.CharField(max_length=10, choices=Channel.choices)
    place = models.CharField(max_length=120, blank=True)
    submitted_at = models.DateTimeField()
    late = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["survey", "question", "row", "choice"],
                         name="survey_answer_group"),
            models.Index(fields=["survey", "submitted_at"], name="survey_answer_date"),
            # The open answers of one question, newest first, searched: on PostgreSQL read
            # from the index alone (the texts are among a million other items on disk).
            models.Index(fields=["survey", "question", "-submitted_at"],
                         include=["id", "text", "channel", "place", "late"],
                         condition=~models.Q(text=""), name="survey_answer_open"),
        ]

    def __str__(self) -> str:
        return f"{self.question} : {self.choice or self.text[:40]}"


class SatisfactionRequest(models.Model):
    """« Êtes-vous satisfait ? » after a case ended: one per case, answered from a signed link
    (no login) or from the resident's space. A low score opens a follow-up for the manager."""

    class FollowUp(models.TextChoices):
        NONE = "none", "Aucun"
        OPEN = "open", "À traiter"
        DONE = "done", "Traité"

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE,
                                related_name="satisfaction")
    unit = models.ForeignKey("organisations.Unit", on_delete=models.CASCADE,
                             related_name="satisfaction_requests")
    kind = models.CharField(max_length=30)
    channel = models.CharField(max_length=10)
    created_at = models.DateTimeField(default=timezone.now)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    follow_up = models.CharField(max_length=5, choices=FollowUp.choices, default=FollowUp.NONE)
    follow_up_note = models.TextField(blank=True)
    follow_up_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "satisfaction"
        indexes = [models.Index(fields=["unit", "created_at"]),
                   models.Index(fields=["unit", "follow_up"])]

    LOW = 2

    def __str__(self) -> str:
        return f"{self.case_id} : {self.score or '—'}"


class AnswerTally(models.Model):
    """The answer items counted per question, option, channel, place and day: what the
    results page adds up (a few thousand rows at most) instead of grouping every item (over a
    million at 100,000 responses). Kept by `response_submit` in the response's transaction
    (one INSERT … ON CONFLICT DO UPDATE), rebuilt from the items by `tallies_rebuild`."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    question = models.CharField(max_length=40)
    row = models.CharField(max_length=200, blank=True)
    choice = models.CharField(max_length=200, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    place = models.CharField(max_length=120, blank=True)
    day = models.DateField()
    late = models.BooleanField(default=False)
    n = models.PositiveIntegerField(default=0)
    firsts = models.PositiveIntegerField(default=0)
    number_sum = models.FloatField(default=0)
    number_n = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["survey", "question", "row", "choice", "channel", "place", "day", "late"],
            name="one_tally_per_group")]

    def __str__(self) -> str:
        return f"{self.question} {self.row} {self.choice}: {self.n}"
