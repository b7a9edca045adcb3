"""The register of processing activities is generated from the configuration."""

from guichet.privacy.register import (
    DEFAULT_RETENTION,
    dpo_contact,
    register_for,
    register_rows,
    retention_text,
)


def test_a_published_procedure_is_an_entry_with_its_fields_and_their_purpose(canteen, dpo):
    register = register_for(canteen.organisation)
    entry = next(p for p in register.processings if p.code == "procedure-cantine")
    assert entry.name == "Démarche « Inscription à la cantine scolaire »"
    assert entry.purpose == "Inscription à la restauration scolaire."
    data = {d.label: d.purpose for d in entry.data}
    assert data["Numéro d'allocataire"] == "Calculer le tarif"
    assert data["Date de naissance"] == "Vérifier l'âge"
    assert "Pièce : Justificatif de domicile de moins de 3 mois" in data
    assert entry.recipients == ["Voirie"]
    assert "Brouillons : 30 jours" in entry.retention
    assert "pièces d'identité" in " ".join(entry.extra)


def test_fixed_processings_and_dpo(commune, unit, dpo):
    register = register_for(commune)
    codes = [p.code for p in register.processings]
    for code in ("contact", "report", "appointment", "booking", "subscription", "survey",
                 "privacy", "statistics", "journal", "account"):
        assert code in codes
    contact = register.processings[codes.index("contact")]
    assert contact.recipients == ["Voirie"]
    assert contact.retention == DEFAULT_RETENTION["contact"]
    assert register.dpo.startswith("Denis Garnier, délégué à la protection des données")
    assert "contact@hay.fr" in register.dpo
    assert "Hayange" in register.controller


def test_an_unpublished_procedure_is_not_listed(unit, procedure_admin):
    from guichet.procedures.tests.fixtures import make_procedure

    make_procedure(unit)
    assert not any(p.code.startswith("procedure-")
                   for p in register_for(unit.organisation).processings)


def test_dpo_contact_falls_back_to_the_procedures_then_the_address(commune, canteen):
    assert dpo_contact(commune) == "dpo@hayange.fr"
    canteen.dpo_contact = ""
    canteen.save()
    assert dpo_contact(commune) == "Délégué à la protection des données — contact@hay.fr"


def test_the_dpo_of_the_epci_serves_its_communes(commune, epci):
    from conftest import make_agent, make_unit
    from guichet.accounts.models import Membership

    make_agent("dpo@vf.fr", make_unit(epci, "Direction"), Membership.Role.DPO,
               first_name="Jean", last_name="Becker")
    assert dpo_contact(commune).startswith("Jean Becker")


def test_rows_for_the_spreadsheets(commune, dpo):
    rows = list(register_rows(register_for(commune)))
    assert rows[0] == ["Registre des traitements — Hayange"]
    assert rows[2][0] == "Traitement"
    assert rows[3][0] == "Messages aux services et aux élus"
    assert len(rows[3]) == len(rows[2])


def test_retention_default_texts():
    assert retention_text("unknown") == "Durée nécessaire au traitement de la demande."
    assert retention_text("journal") == DEFAULT_RETENTION["journal"]
