from django import forms

from guichet.lib.forms import Form
from guichet.lib.phones import PhoneField


class AppointmentForm(Form):
    name = forms.CharField(label="Vos prénom et nom", max_length=200,
                           widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(
        label="Votre adresse électronique",
        help_text="Pour la confirmation, le rappel et le lien d'annulation.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    phone = PhoneField(label="Votre téléphone portable", max_length=30, required=False,
                            help_text="Facultatif : pour recevoir le rappel par SMS.",
                            widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}))

    def __init__(self, *args, user=None, type_=None, **kwargs):
        super().__init__(*args, **kwargs)
        for question in (type_.questions if type_ else []):
            self.fields[f"q_{question['code']}"] = forms.CharField(
                label=question.get("label", question["code"]), max_length=500,
                required=bool(question.get("required")))
        if user is not None and user.is_authenticated:
            del self.fields["email"]
            self.fields["name"].initial = user.get_full_name()
            profile = getattr(user, "profile", None)
            if profile:
                self.fields["phone"].initial = profile.phone

    def answers(self) -> dict:
        return {name[2:]: value for name, value in self.cleaned_data.items()
                if name.startswith("q_") and value}


class WaitlistForm(Form):
    email = forms.EmailField(label="Votre adresse électronique",
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    before = forms.DateField(label="Je voudrais un rendez-vous avant le",
                             widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                             input_formats=["%Y-%m-%d", "%d/%m/%Y"],
                             help_text="Format : jj/mm/aaaa.")
