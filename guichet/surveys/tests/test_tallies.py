"""The tallies the results page adds up stay equal to the answer items they count."""

# The back-office's one-page questionnaire, whose answers answer() fills.
from guichet.backoffice.tests.survey_fixtures import answer, draft_survey, open_survey  # noqa: F401
from guichet.surveys.models import AnswerTally, Channel
from guichet.surveys.selectors import Filters, survey_results
from guichet.surveys.services import kiosk_create, response_submit, tallies_rebuild


def _tallies(survey):
    return sorted(AnswerTally.objects.filter(survey=survey).values_list(
        "question", "row", "choice", "channel", "place", "day", "late", "n", "firsts",
        "number_sum", "number_n"))


def test_tallies_kept_on_each_answer_equal_a_rebuild_from_the_items(open_survey, agent):  # noqa: F811
    kiosk = kiosk_create(survey=open_survey, place="Piscine", acting_user=agent)
    for note in (1, 4, 4, 5):
        response_submit(survey=open_survey, channel=Channel.LINK, answers=answer(note))
    response_submit(survey=open_survey, channel=Channel.KIOSK, kiosk=kiosk, answers=answer(2))
    kept = _tallies(open_survey)
    note = next(t for t in kept if t[0] == "votre_note" and t[2] == "4")
    assert note[7] == 2 and note[9] == 8.0 and note[10] == 2
    assert tallies_rebuild(survey=open_survey) == len(kept)
    assert _tallies(open_survey) == kept
    result = survey_results(open_survey, Filters(place="Piscine"))[0]
    assert result.respondents == 1 and result.average == 2
