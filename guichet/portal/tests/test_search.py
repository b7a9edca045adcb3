"""GET /recherche/?q= : the portal's catalogue found by the words residents type."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from guichet.portal.search import GROUP_SIZE, normalise, query_words


def search(client, query: str) -> str:
    response = client.get(reverse("portal:search"), {"q": query})
    assert response.status_code == 200
    return response.content.decode()


def group_links(html: str, key: str) -> list[str]:
    """The result links of one group, in order."""
    section = re.search(rf'<section class="search-group" aria-labelledby="groupe-{key}">(.*?)'
                        r"</section>", html, re.S)
    return re.findall(r'<li>\s*<a href="([^"]+)">', section.group(1)) if section else []


def test_words_lose_accents_case_plurals_and_small_words():
    assert normalise("Œuvre d'ÉTAT-civil") == "oeuvre d etat civil"
    assert query_words("Les salles des fêtes") == ["salle", "fete"]
    assert query_words("de la") == ["de", "la"]  # only small words: kept, or nothing is searched


def test_it_finds_each_kind_with_a_link_to_its_page(client, canteen, pothole, passport, hall,
                                                    workshop, official):
    html = search(client, "cantine")
    assert group_links(html, "demarches") == [canteen.get_absolute_url()]
    html = search(client, "nid de poule")
    assert group_links(html, "signalements") == [
        reverse("portal:report_location", args=["nid-de-poule"])]
    html = search(client, "passeport")
    assert group_links(html, "rendez-vous") == [
        reverse("portal:appointment_slots", args=["titres", "passeport"])]
    html = search(client, "salle")
    assert reverse("portal:facility", args=[hall.slug]) in group_links(html, "salles")
    html = search(client, "atelier velo")
    assert group_links(html, "evenements") == [reverse("portal:event", args=[workshop.slug])]
    html = search(client, "voirie")
    assert reverse("portal:contact_unit", args=["hayange", "voirie"]) in group_links(
        html, "contacts")
    html = search(client, "affaires generales")
    assert group_links(html, "contacts") == [
        reverse("portal:contact_official", args=["hayange", official.pk])]


def test_accents_and_case_do_not_matter(client, other_unit, workshop):
    for query in ("etat civil", "ÉTAT CIVIL", "État-civil"):
        assert reverse("portal:contact_unit", args=["hayange", "etat-civil"]) in group_links(
            search(client, query), "contacts"), query
    assert group_links(search(client, "VÉLO"), "evenements")


def test_a_plural_finds_the_singular(client, hall):
    assert reverse("portal:facility", args=[hall.slug]) in group_links(
        search(client, "salles des fêtes"), "salles")


def test_report_keywords_are_searched(client, dumping):
    dumping.keywords = "encombrants, gravats"
    dumping.save()
    assert group_links(search(client, "gravats"), "signalements") == [
        reverse("portal:report_location", args=["depot-sauvage"])]


def test_the_portal_sections_are_found_by_their_usual_words(client, db):
    html = search(client, "rdv")
    assert group_links(html, "rubriques") == [reverse("portal:appointments")]


def test_results_are_grouped_with_titles_and_totals(client, canteen, passport, unit):
    html = search(client, "hayange")  # the place, the unit's collectivité, the procedure's
    assert "résultats pour «&nbsp;hayange&nbsp;»" in html
    assert re.search(r'<h2 id="groupe-rendez-vous">Rendez-vous <span class="search-group__count">'
                     r"\(1\)</span></h2>", html)


def test_a_title_match_comes_first(client, unit, other_unit):
    from conftest import make_unit

    make_unit(unit.organisation, "Accueil", description="Tout, y compris la voirie.")
    links = group_links(search(client, "voirie"), "contacts")
    assert links[0] == reverse("portal:contact_unit", args=["hayange", "voirie"])
    assert reverse("portal:contact_unit", args=["hayange", "accueil"]) in links


def test_every_word_must_match_else_some_are_offered(client, unit, other_unit):
    html = search(client, "voirie civil")
    assert "Aucun résultat ne contient tous les mots" in html
    assert len(group_links(html, "contacts")) == 2
    html = search(client, "voirie hayange")
    assert "Aucun résultat ne contient tous les mots" not in html
    assert group_links(html, "contacts") == [
        reverse("portal:contact_unit", args=["hayange", "voirie"])]


def test_a_group_is_capped_and_says_how_many_more(client, commune):
    from conftest import make_unit

    for i in range(GROUP_SIZE + 3):
        make_unit(commune, f"Pôle jeunesse {i:02d}")
    html = search(client, "jeunesse")
    assert len(group_links(html, "contacts")) == GROUP_SIZE
    assert "Et 3 autres&nbsp;: précisez votre recherche." in html


def test_nothing_found_says_so_and_offers_to_write(client, unit):
    html = search(client, "zzzz")
    assert "Aucun résultat pour «&nbsp;zzzz&nbsp;»." in html
    assert f'href="{reverse("portal:contact")}"' in html


def test_an_empty_query_shows_the_form_alone(client, unit):
    html = client.get(reverse("portal:search")).content.decode()
    assert 'name="q" value=""' in html
    assert "résultat" not in html


def test_the_query_is_kept_in_the_box_and_escaped(client, unit):
    html = search(client, '<b>voirie</b> "x"')
    assert 'value="&lt;b&gt;voirie&lt;/b&gt; &quot;x&quot;"' in html
    assert "<b>voirie</b>" not in html


def test_a_very_long_query_is_cut_with_a_notice(client, unit):
    html = search(client, "voirie " * 100)
    assert "seuls ses 200 premiers caractères sont pris en compte" in html
    assert group_links(html, "contacts")


def test_search_reads_a_fixed_number_of_queries(client, django_assert_max_num_queries,
                                                canteen, pothole, passport, hall, workshop,
                                                official):
    from conftest import make_unit

    for i in range(10):
        make_unit(canteen.organisation, f"Service {i}")
    with django_assert_max_num_queries(12):
        search(client, "service hayange")


def test_it_checks_ownership(client, unit, case, canteen, pothole, passport, hall, workshop,
                             other_commune):
    """Only what residents may use: no request of anyone, nothing unpublished, closed,
    past, inactive, not contactable or not bookable online."""
    from conftest import make_unit
    from guichet.procedures.tests.fixtures import make_procedure

    assert "Aucun résultat" in search(client, case.reference)
    assert "Aucun résultat" in search(client, "trou profond")  # the case's message
    make_procedure(unit, title="Permis de végétaliser", slug="vegetaliser")  # never published
    canteen.closes_on = timezone.localdate() - dt.timedelta(days=1)
    canteen.save()
    pothole.is_active = False
    pothole.save()
    passport.bookable_online = False
    passport.save()
    hall.is_active = False
    hall.save()
    workshop.starts_at = timezone.now() - dt.timedelta(days=1)
    workshop.save()
    make_unit(unit.organisation, "Police municipale", is_contactable=False)
    make_unit(other_commune, "Piscine")
    other_commune.is_active = False
    other_commune.save()
    for query, key in [("végétaliser", "demarches"), ("cantine", "demarches"),
                       ("nid de poule", "signalements"), ("passeport", "rendez-vous"),
                       ("salle des fêtes", "salles"), ("atelier vélo", "evenements"),
                       ("police", "contacts"), ("piscine", "contacts"), ("ailleurs", "contacts")]:
        html = search(client, query)
        assert f'id="groupe-{key}"' not in html, query


@pytest.mark.parametrize("query", ["", " ", "!!!", "'", "a" * 5000, "%", "\\", "é" * 10])
def test_odd_queries_never_fail(client, unit, query):
    assert client.get(reverse("portal:search"), {"q": query}).status_code == 200
