"""The forms a resident answers a questionnaire with: one page at a time (public link and
invitation, progress kept in the session), or every page on one screen (a kiosk, whose
answers may be taken offline and sent later). Conditions are evaluated on the server, so both
work without JavaScript."""

from __future__ import annotations

from django import forms

from guichet.surveys import questions as q
from guichet.surveys.questions import SurveyPageForm

CONTACT_LABEL = "Votre adresse électronique, pour être prévenu(e) de la publication des résultats"


def add_contact_field(form: SurveyPageForm) -> None:
    """The optional address asked on the last page (never on a kiosk: no personal data)."""
    form.fields["contact_email"] = forms.EmailField(
        label=CONTACT_LABEL, required=False, max_length=254,
        help_text="Facultatif. Elle ne sert qu'à cela et n'est pas jointe à vos réponses "
                  "dans les résultats.",
        error_messages={"invalid": "Saisissez une adresse électronique valide, par exemple "
                                   "prenom.nom@exemple.fr."})
    form.fields["contact_email"].widget.attrs.update({"autocomplete": "email"})


def shown_keys(form: SurveyPageForm) -> list[str]:
    return [question["key"] for _kind, question, names in form.layout if names]


class WholeSurvey:
    """Every visible page of a questionnaire as one form (the kiosk's single screen).

    Page and question conditions depend on answers of the same screen: the forms are built on
    the answers so far, validated, and built again on what was answered until nothing new
    appears (a few rounds at most). `appeared` lists questions that were not on the screen the
    respondent saw (the hidden `_shown` input) and must now be answered."""

    ROUNDS = 5

    def __init__(self, definition: dict, data=None, *, lenient: bool = False,
                 initial_answers: dict | None = None):
        self.definition = definition
        self.data = data
        self.lenient = lenient
        self.answers: dict = initial_answers or {}
        self.forms: list[tuple[dict, SurveyPageForm]] = []
        self._build()

    def _forms_for(self, answers: dict) -> list[tuple[dict, SurveyPageForm]]:
        pages = q.pages(self.definition)
        built = [(pages[i], SurveyPageForm(self.data, page=pages[i], answers=answers,
                                           initial=q.initial_for(pages[i], answers)))
                 for i in q.visible_pages(self.definition, answers)]
        if self.lenient:
            # A replayed offline answer: a question the respondent never saw is not required.
            shown = set(self.posted_shown())
            for _page, form in built:
                for _kind, question, names in form.layout:
                    if names and question["key"] not in shown:
                        for name in names:
                            form.fields[name].required = False
        return built

    def _build(self) -> None:
        answers: dict = dict(self.answers)
        self.forms = self._forms_for(answers)
        if self.data is None:
            return
        for _ in range(self.ROUNDS):
            for _page, form in self.forms:
                form.is_valid()
                answers.update(form.page_answers())
            again = self._forms_for(answers)
            if [shown_keys(f) for _p, f in again] == [shown_keys(f) for _p, f in self.forms]:
                break
            self.forms = again
        self.answers = answers

    def _keys(self) -> list[str]:
        return [key for _page, form in self.forms for key in shown_keys(form)]

    def posted_shown(self) -> list[str]:
        if self.data is None:
            return []
        return [k for k in str(self.data.get("_shown", "")).split(",") if k]

    def is_valid(self) -> bool:
        return all(form.is_valid() for _page, form in self.forms)

    @property
    def appeared(self) -> list[str]:
        """Questions now shown that the respondent did not see."""
        shown = set(self.posted_shown())
        return [key for key in self._keys() if key not in shown]

    @property
    def errors(self) -> bool:
        return any(form.errors for _page, form in self.forms)

    def error_summary(self) -> list[tuple[str, str]]:
        return [item for _page, form in self.forms for item in form.error_summary()]

    def shown(self) -> str:
        return ",".join(self._keys())

    def cleaned_answers(self) -> dict:
        answers: dict = {}
        for _page, form in self.forms:
            answers.update(form.page_answers())
        return answers
