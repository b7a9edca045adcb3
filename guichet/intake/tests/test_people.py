from conftest import make_user
from guichet.contact.services import contact_submit
from guichet.intake.people import people_search, plain


def test_plain_drops_accents_and_punctuation():
    assert plain("  Lefèvre-HÉNON ") == "lefevre henon"


def test_a_misspelt_name_finds_the_account(db):
    user = make_user("j.lefevre@exemple.fr", first_name="Jeanne", last_name="Lefèvre")
    user.profile.phone = "03 87 12 34 56"
    user.profile.save()
    make_user("paul@exemple.fr", first_name="Paul", last_name="Martin")
    assert [p.user_id for p in people_search("jeane lefevbre")] == [user.pk]
    assert [p.user_id for p in people_search("LEFEVRE")] == [user.pk]
    assert [p.user_id for p in people_search("0387123456")] == [user.pk]


def test_people_without_an_account_are_found_through_their_requests(unit):
    contact_submit(unit=unit, subject="Bruit", message="…", name="Marcel Hénault",
                   email="", phone="06 11 22 33 44")
    [person] = people_search("marcel henaut")
    assert person.user_id is None and person.phone == "06 11 22 33 44"


def test_odd_queries_answer_nothing_quickly(db):
    assert people_search("") == []
    assert people_search("a") == []
    assert people_search("'; DROP TABLE accounts_user; --") == []
    assert people_search("x" * 5000) == []
