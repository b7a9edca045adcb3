import datetime as dt

from django import forms
from django.utils import timezone

from guichet.bookings.models import Audience
from guichet.lib.business_time import PARIS
from guichet.lib.forms import Form
from guichet.lib.phones import PhoneField


class ContactFieldsMixin:
    def _contact(self, user):
        if user is not None and user.is_authenticated:
            del self.fields["email"]
            self.fields["name"].initial = user.get_full_name()
            profile = getattr(user, "profile", None)
            if profile:
                self.fields["phone"].initial = profile.phone


def _contact_fields():
    return {
        "name": forms.CharField(label="Vos prénom et nom", max_length=200,
                                widget=forms.TextInput(attrs={"autocomplete": "name"})),
        "email": forms.EmailField(label="Votre adresse électronique",
                                  help_text="Pour la confirmation et le suivi.",
                                  widget=forms.EmailInput(attrs={"autocomplete": "email"})),
        "phone": PhoneField(label="Votre téléphone", max_length=30, required=False,
                                 help_text="Facultatif.",
                                 widget=forms.TextInput(attrs={"autocomplete": "tel",
                                                               "type": "tel"})),
    }


class FacilityBookingForm(ContactFieldsMixin, Form):
    day = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"},
                                                               format="%Y-%m-%d"),
                          input_formats=["%Y-%m-%d", "%d/%m/%Y"], help_text="jj/mm/aaaa")
    starts = forms.TimeField(label="De", widget=forms.TimeInput(attrs={"type": "time"},
                                                                format="%H:%M"))
    ends = forms.TimeField(label="À", widget=forms.TimeInput(attrs={"type": "time"},
                                                             format="%H:%M"))
    audience = forms.ChoiceField(label="Vous réservez en tant que", choices=[],
                                 widget=forms.RadioSelect)
    purpose = forms.CharField(label="Pour quoi faire ?", max_length=250,
                              help_text="Par exemple : assemblée générale de l'association.")
    attendees = forms.IntegerField(label="Nombre de participants", min_value=1)

    def __init__(self, *args, facility, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(_contact_fields())
        labels = dict(Audience.choices)
        self.fields["audience"].choices = [(a, labels[a]) for a in facility.audiences]
        self._contact(user)

    def clean(self):
        data = super().clean()
        if data.get("day") and data.get("starts") and data.get("ends"):
            data["starts_at"] = dt.datetime.combine(data["day"], data["starts"], PARIS)
            data["ends_at"] = dt.datetime.combine(data["day"], data["ends"], PARIS)
            if data["ends_at"] <= data["starts_at"]:
                self.add_error("ends", "L'heure de fin doit être après l'heure de début.")
            elif data["starts_at"] < timezone.now():
                self.add_error("day", "Cette date est passée.")
        return data


class RegistrationForm(ContactFieldsMixin, Form):
    def __init__(self, *args, event, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, event.max_attendees + 1):
            self.fields[f"attendee_{n}"] = forms.CharField(
                label=f"{event.attendee_label} {n}" if event.max_attendees > 1
                else event.attendee_label, max_length=150, required=n == 1,
                help_text="Prénom et nom." if n == 1 else "Facultatif.")
        for question in event.questions or []:
            self.fields[f"q_{question['code']}"] = forms.CharField(
                label=question.get("label", question["code"]), max_length=500,
                required=bool(question.get("required")))
        self.fields.update(_contact_fields())
        self._contact(user)
        self.event = event

    def answers(self) -> dict:
        return {name[2:]: value for name, value in self.cleaned_data.items()
                if name.startswith("q_") and value}

    def question_fields(self):
        return [self[name] for name in self.fields if name.startswith("q_")]

    def attendees(self) -> list[dict]:
        return [{"name": self.cleaned_data[f"attendee_{n}"].strip()}
                for n in range(1, self.event.max_attendees + 1)
                if self.cleaned_data.get(f"attendee_{n}", "").strip()]

    def attendee_fields(self):
        return [self[f"attendee_{n}"] for n in range(1, self.event.max_attendees + 1)]
