"""The home page is the portal's front door: every entry point, a search box, the territory."""

import re

from django.urls import reverse

from guichet.organisations.context_processors import logo_url

from .test_organisation_logo import png_logo


def test_home_offers_every_entry_point(client, commune, epci, unit):
    html = client.get(reverse("portal:home")).content.decode()
    for name, label in [("report_start", "Signaler un problème"),
                        ("procedures", "Démarches en ligne"),
                        ("appointments", "Prendre rendez-vous"),
                        ("facilities", "Réserver une salle"),
                        ("events", "Événements"),
                        ("contact", "Contacter un service ou un élu"),
                        ("my_cases", "Mes demandes")]:
        link = f'<a href="{reverse("portal:" + name)}">{label}</a>'
        assert link in html, label


def test_home_has_a_search_box_that_works_without_javascript(client, db):
    html = client.get(reverse("portal:home")).content.decode()
    form = re.search(r'<form class="search-form" role="search" method="get" action="([^"]+)">'
                     r'(.*?)</form>', html, re.S)
    assert form and form.group(1) == reverse("portal:search")
    assert '<label for="recherche-q"' in form.group(2)
    assert 'type="search" id="recherche-q" name="q"' in form.group(2)
    assert '<button type="submit">Rechercher</button>' in form.group(2)


def test_home_keeps_the_directory_of_collectivites(client, commune, epci, unit):
    html = client.get(reverse("portal:home")).content.decode()
    assert "Les collectivités du territoire" in html
    assert reverse("portal:organisation", args=[epci.slug]) in html
    assert reverse("portal:organisation", args=[commune.slug]) in html


def test_home_wears_the_territory_name_logo_and_contact(client, settings, commune, epci):
    settings.TERRITORY_SLUG = epci.slug
    epci.logo.save("logo.png", png_logo(), save=True)
    html = client.get(reverse("portal:home")).content.decode()
    assert "<title>Accueil — Val de Fensch</title>" in html
    assert '<span class="brand-name">Val de Fensch</span>' in html
    assert f'<img src="{logo_url(epci)}" alt="" class="brand-logo">' in html
    assert "Joindre Val de Fensch" in html and 'href="tel:0387000000"' in html


def test_home_without_a_logo_shows_the_name_alone(client, epci):
    html = client.get(reverse("portal:home")).content.decode()
    assert "brand-logo" not in html and '<span class="brand-name">Val de Fensch</span>' in html


def test_mes_demandes_speaks_to_whoever_is_there(client, resident, epci):
    assert "Connectez-vous pour retrouver" in client.get(reverse("portal:home")).content.decode()
    client.force_login(resident)
    html = client.get(reverse("portal:home")).content.decode()
    assert "Connectez-vous pour retrouver" not in html
    assert "Toutes vos demandes" in html


def test_home_reads_a_fixed_number_of_queries(client, django_assert_max_num_queries, commune,
                                              epci, unit, other_unit, official):
    from conftest import make_org, make_unit

    for i in range(5):
        make_unit(make_org(f"Commune {i}", prefix=f"CX{chr(65 + i)}", epci=epci), f"Mairie {i}")
    with django_assert_max_num_queries(8):
        assert client.get(reverse("portal:home")).status_code == 200


def test_it_checks_ownership(client, resident, case, commune, epci):
    """The home page is public: nothing of anyone's requests appears on it, even signed in
    as someone else; an inactive collectivité is not offered."""
    commune.is_active = False
    commune.save()
    html = client.get(reverse("portal:home")).content.decode()
    assert case.reference not in html and case.subject not in html
    assert reverse("portal:organisation", args=[commune.slug]) not in html
