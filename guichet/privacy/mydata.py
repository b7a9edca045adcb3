"""Everything Guichet holds about one person, gathered for « Mes données » (RGPD art. 15 and
20): a dictionary ready for JSON, and the files to put beside it in the archive.

Read section by section with one query per table (never one per row), so that a resident with
hundreds of cases gets their archive in a few seconds. What an agent wrote for their colleagues
(internal notes, annotations) goes in only when the DPO prepares the archive: they read it
before handing it over, as the CNIL advises for comments about a person."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from guichet.cases.models import Attachment, Case, Event


def _when(value):
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


@dataclass
class PersonData:
    sections: dict = field(default_factory=dict)
    # (path in the archive, storage file) of every file kept about the person
    files: list = field(default_factory=list)

    def add_file(self, folder: str, name: str, stored) -> str | None:
        if not stored or not stored.name:
            return None
        path = f"fichiers/{folder}/{len(self.files) + 1:04d}-{_safe(name)}"
        self.files.append((path, stored))
        return path


def _safe(name: str) -> str:
    keep = "".join(c if c.isalnum() or c in "._-" else "_" for c in (name or "fichier"))
    return keep[-100:] or "fichier"


def person_cases(person):
    """Their cases: by account, or sent without an account from their address."""
    return Case.objects.filter(
        Q(requester=person) | Q(requester__isnull=True, requester_email__iexact=person.email))


def person_data(person, *, for_dpo: bool = False) -> PersonData:
    data = PersonData()
    data.sections["profil"] = _profile(person)
    data.sections["demandes"] = _cases(person, data, for_dpo=for_dpo)
    data.sections["coffre_fort"] = _vault(person, data)
    data.sections["abonnements"] = _subscriptions(person)
    data.sections["preferences_de_notification"] = _preferences(person)
    data.sections["notifications_dans_l_espace"] = _inapp(person)
    data.sections["questionnaires"] = _survey_answers(person)
    data.sections["signalements_suivis"] = _followed(person)
    data.sections["journal"] = _journal(person, for_dpo=for_dpo)
    return data


def _profile(person) -> dict:
    from guichet.accounts.models import ResidentProfile, UserSession
    from guichet.accounts.two_factor import has_second_factor

    profile = ResidentProfile.objects.filter(user=person).first()
    return {
        "adresse_electronique": person.email,
        "prenom": person.first_name, "nom": person.last_name,
        "inscrit_le": _when(person.date_joined),
        "adresse_verifiee_le": _when(person.email_verified_at),
        "derniere_connexion": _when(person.last_login),
        "civilite": profile.civility if profile else "",
        "telephone": profile.phone if profile else "",
        "adresse_postale": profile.postal_address if profile else "",
        "canal_prefere": profile.get_preferred_channel_display() if profile else "",
        "double_authentification": has_second_factor(person),
        "sessions": [{"ouverte_le": _when(s.created_at), "vue_le": _when(s.last_seen_at),
                      "navigateur": s.user_agent}
                     for s in UserSession.objects.filter(user=person)],
    }


def _cases(person, data: PersonData, *, for_dpo: bool) -> list[dict]:
    from guichet.bookings.models import Payment
    from guichet.surveys.models import SatisfactionRequest

    cases = list(person_cases(person).select_related(
        "organisation", "unit", "report__category", "appointment__type",
        "facility_booking__facility", "registration__event", "submission__procedure",
        "satisfaction").order_by("created_at", "pk"))
    ids = [c.pk for c in cases]
    events = Event.objects.filter(case_id__in=ids).order_by("created_at", "pk")
    if not for_dpo:
        events = events.exclude(kind__in=Event.INTERNAL_KINDS)
    by_case: dict[int, list] = {}
    for event in events:
        by_case.setdefault(event.case_id, []).append(event)
    attachments: dict[int, list] = {}
    for attachment in Attachment.objects.filter(case_id__in=ids).select_related("event"):
        if for_dpo or not attachment.event.is_internal:
            attachments.setdefault(attachment.case_id, []).append(attachment)
    payments: dict[int, list] = {}
    for payment in Payment.objects.filter(case_id__in=ids).order_by("created_at"):
        payments.setdefault(payment.case_id, []).append(payment)
    out = []
    for case in cases:
        row = {
            "reference": case.reference, "type": case.kind_info.label,
            "canal": case.get_channel_display(), "collectivite": case.organisation.name,
            "service": case.unit.name, "objet": case.subject,
            "statut": case.get_status_display(), "recue_le": _when(case.created_at),
            "resolue_le": _when(case.resolved_at), "close_le": _when(case.closed_at),
            "nom_donne": case.requester_name, "courriel_donne": case.requester_email,
            "telephone_donne": case.requester_phone,
            "fil": [{"date": _when(e.created_at), "etape": e.get_kind_display(),
                     "texte": e.body if e.has_text else ""} for e in by_case.get(case.pk, [])],
            "pieces_jointes": [
                {"nom": a.original_name, "taille": a.size,
                 "fichier": data.add_file(case.reference, a.original_name, a.file)}
                for a in attachments.get(case.pk, [])],
            "paiements": [{"libelle": p.label, "montant_centimes": p.amount_cents,
                           "statut": p.get_status_display(), "paye_le": _when(p.paid_at)}
                          for p in payments.get(case.pk, [])],
        }
        row.update(_kind_details(case, data, for_dpo=for_dpo))
        try:
            satisfaction = case.satisfaction
        except SatisfactionRequest.DoesNotExist:
            satisfaction = None
        if satisfaction and satisfaction.answered_at:
            row["satisfaction"] = {"note": satisfaction.score,
                                   "commentaire": satisfaction.comment,
                                   "donnee_le": _when(satisfaction.answered_at)}
        out.append(row)
    return out


def _related(case, name):
    try:
        return getattr(case, name)
    except Exception:  # RelatedObjectDoesNotExist of each kind's one-to-one
        return None


def _kind_details(case, data: PersonData, *, for_dpo: bool) -> dict:
    details = {}
    report = _related(case, "report")
    if report:
        details["signalement"] = {
            "categorie": report.category.name, "adresse": report.address,
            "latitude": report.lat, "longitude": report.lon,
            "description": report.description, "reponses": report.answers,
            "photos": [data.add_file(case.reference, f"photo-{p.pk}.jpg", p.image)
                       for p in report.photos.all() if p.kind == p.Kind.BEFORE]}
    submission = _related(case, "submission")
    if submission:
        details["demarche"] = {
            "demarche": submission.procedure.title, "etat": submission.get_state_display(),
            "deposee_le": _when(submission.submitted_at), "reponses": submission.answers,
            "pieces": [{"piece": f.slot, "nom": f.original_name,
                        "fichier": data.add_file(case.reference, f.original_name, f.file)}
                       for f in submission.files.all()]}
        if for_dpo:
            details["demarche"]["annotations_des_agents"] = submission.annotations
    appointment = _related(case, "appointment")
    if appointment:
        details["rendez_vous"] = {
            "motif": appointment.type.name, "debut": _when(appointment.starts_at),
            "fin": _when(appointment.ends_at), "statut": appointment.get_status_display(),
            "reponses": appointment.answers}
    booking = _related(case, "facility_booking")
    if booking:
        details["reservation"] = {
            "equipement": booking.facility.name, "debut": _when(booking.starts_at),
            "fin": _when(booking.ends_at), "objet": booking.purpose,
            "participants": booking.attendees, "statut": booking.get_status_display()}
    registration = _related(case, "registration")
    if registration:
        details["inscription"] = {
            "evenement": registration.event.title, "participants": registration.attendees,
            "reponses": registration.answers, "statut": registration.get_status_display()}
    return details


def _vault(person, data: PersonData) -> list[dict]:
    from guichet.documents.models import Document

    return [{"intitule": d.title, "type": d.type, "ajoute_le": _when(d.created_at),
             "valable_jusqu_au": d.valid_until.isoformat() if d.valid_until else None,
             "verifie_le": _when(d.verified_at),
             "image_supprimee_le": _when(d.purged_at),
             "fichier": None if d.purged_at else data.add_file("coffre-fort", d.original_name,
                                                               d.file)}
            for d in Document.objects.filter(owner=person).order_by("created_at")]


def _subscriptions(person) -> list[dict]:
    from guichet.news.models import Subscription

    subscriptions = (Subscription.objects.filter(Q(user=person) | Q(email__iexact=person.email))
                     .prefetch_related("topics", "communes").order_by("created_at"))
    return [{"adresse_electronique": s.email, "themes": [t.name for t in s.topics.all()],
             "communes": [c.name for c in s.communes.all()], "adresse": s.address,
             "rayon_metres": s.radius_m, "canal": s.get_channel_display(),
             "frequence": s.get_frequency_display(), "telephone": s.phone,
             "cree_le": _when(s.created_at), "confirme_le": _when(s.confirmed_at),
             "desabonne_le": _when(s.unsubscribed_at)} for s in subscriptions]


def _preferences(person) -> list[dict]:
    from guichet.notifications.models import Preference

    return [{"categorie": p.get_category_display(), "canal": p.get_channel_display(),
             "active": p.enabled} for p in Preference.objects.filter(user=person)]


def _inapp(person) -> list[dict]:
    from guichet.notifications.models import InAppItem

    return [{"date": _when(i.created_at), "titre": i.title, "texte": i.body,
             "lu_le": _when(i.read_at)}
            for i in InAppItem.objects.filter(user=person).order_by("created_at")]


def _survey_answers(person) -> list[dict]:
    from guichet.surveys.models import Response

    return [{"questionnaire": r.survey.title, "recue_le": _when(r.submitted_at),
             "reponses": r.answers}
            for r in Response.objects.filter(user=person).select_related("survey")
            .order_by("submitted_at")]


def _followed(person) -> list[dict]:
    from guichet.reports.models import Follower

    return [{"signalement": f.report.case.reference, "depuis": _when(f.created_at)}
            for f in Follower.objects.filter(Q(user=person) | Q(email__iexact=person.email))
            .select_related("report__case")]


def _journal(person, *, for_dpo: bool) -> list[dict]:
    """Who saw or did what about them. The resident reads the service, the DPO the agent."""
    from guichet.journal.models import Entry

    case_ids = list(person_cases(person).values_list("pk", flat=True))
    entries = (Entry.objects.filter(Q(person=person) | Q(case_id__in=case_ids))
               .select_related("actor", "case").order_by("at", "pk"))
    rows = []
    for entry in entries:
        if entry.actor_id == person.pk:
            who = "Vous"
        elif entry.actor is None:
            who = "Guichet (traitement automatique)"
        else:
            who = entry.actor.get_full_name() or entry.actor.email if for_dpo else \
                "Un agent de la collectivité"
        rows.append({"date": _when(entry.at), "qui": who, "action": entry.get_action_display(),
                     "demande": entry.case.reference if entry.case else None})
    return rows
