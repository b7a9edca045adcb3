"""The subscription form (residents and anyone with an email address)."""

from __future__ import annotations

import json

from django import forms
from django.core.exceptions import ValidationError

from guichet.lib import geo
from guichet.lib.forms import Form
from guichet.lib.geocoding import GeocoderUnavailable, geocode
from guichet.lib.phones import PhoneField
from guichet.news.models import Subscription, Topic
from guichet.news.services import radius_choices
from guichet.organisations.models import Organisation


class SubscriptionForm(Form):
    email = forms.EmailField(label="Adresse électronique",
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}),
                             error_messages={"required": "Indiquez votre adresse électronique.",
                                             "invalid": "Cette adresse électronique n'est pas "
                                                        "valide (exemple : nom@exemple.fr)."})
    topics = forms.ModelMultipleChoiceField(label="Thèmes", required=False,
                                            queryset=Topic.objects.order_by("name"),
                                            widget=forms.CheckboxSelectMultiple)
    communes = forms.ModelMultipleChoiceField(
        label="Communes", required=False, widget=forms.CheckboxSelectMultiple,
        queryset=Organisation.objects.filter(kind=Organisation.Kind.COMMUNE, is_active=True
                                             ).order_by("name"))
    address = forms.CharField(label="Ma rue ou mon adresse", required=False, max_length=250,
                              help_text="Pour les travaux, fermetures et signalements autour de "
                                        "chez vous. Par exemple : 12 rue de la Fontaine, Hayange.",
                              widget=forms.TextInput(attrs={"autocomplete": "street-address"}))
    radius_m = forms.TypedChoiceField(label="Autour de cette adresse", coerce=int,
                                      choices=radius_choices(), initial=300)
    lat = forms.FloatField(label="Latitude", required=False,
                           help_text="Facultatif : si l'adresse n'est pas trouvée.")
    lon = forms.FloatField(label="Longitude", required=False)
    # Filled by the map (static/js/reports.js): the [lon, lat] points of a zone drawn by clicks.
    area = forms.CharField(label="Zone tracée sur la carte", widget=forms.HiddenInput,
                           required=False, max_length=20000)
    area.error_anchor = "zone-aide"
    include_reports = forms.BooleanField(label="Les signalements ouverts ou résolus près de chez "
                                               "moi", required=False, initial=True)
    channel = forms.ChoiceField(label="Recevoir", choices=Subscription.Channel.choices,
                                initial=Subscription.Channel.EMAIL, widget=forms.RadioSelect)
    frequency = forms.ChoiceField(label="Fréquence", choices=Subscription.Frequency.choices,
                                  initial=Subscription.Frequency.IMMEDIATE,
                                  widget=forms.RadioSelect,
                                  help_text="Les urgences partent toujours tout de suite.")
    sms_emergencies = forms.BooleanField(label="Les urgences aussi par SMS", required=False)
    phone = PhoneField(label="Téléphone portable (pour les SMS)", required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user is None:
            # Without an account there is no personal space to show items in.
            self.fields["channel"].choices = [Subscription.Channel.choices[0]]

    def clean_area(self):
        text = (self.cleaned_data.get("area") or "").strip()
        if not text:
            return None
        try:
            return geo.polygon_from_points(json.loads(text))
        except (ValueError, TypeError) as exc:
            message = str(exc) if isinstance(exc, ValueError) and not isinstance(
                exc, json.JSONDecodeError) else "Le tracé n'a pas pu être lu."
            raise ValidationError(f"{message} Effacez le tracé et recommencez, ou indiquez "
                                  "une adresse.") from exc

    def clean(self):
        data = super().clean()
        address = (data.get("address") or "").strip()
        lat, lon = data.get("lat"), data.get("lon")
        if data.get("area") or self.has_error("area"):
            # The drawn zone wins over the address's circle: nothing to look up (and a zone to
            # redraw is the one thing to fix).
            self._check_chosen(data)
            return data
        if (lat is None) != (lon is None) or (lat is not None and not geo.valid_point(lat, lon)):
            self.add_error("lat", "Indiquez une latitude et une longitude valides, ou aucune.")
        elif address and lat is None:
            try:
                place = geocode(address)
            except GeocoderUnavailable:
                place = None
                self.add_error("address", "La recherche d'adresses est indisponible : indiquez "
                                          "la latitude et la longitude, ou réessayez plus tard.")
            else:
                if place is None:
                    self.add_error("address", "Cette adresse est introuvable : vérifiez-la "
                                              "(numéro, rue, commune).")
            if place is not None:
                data["lat"], data["lon"] = place.lat, place.lon
        if not (data.get("topics") or data.get("communes") or address or lat is not None) \
                and not self.errors:
            raise ValidationError("Choisissez au moins un thème, une commune ou une adresse.")
        self._check_chosen(data)
        return data

    def _check_chosen(self, data):
        if data.get("sms_emergencies") and not data.get("phone"):
            self.add_error("phone", "Indiquez un téléphone portable pour recevoir les SMS.")
