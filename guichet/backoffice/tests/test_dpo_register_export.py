"""The register exported to CSV, XLSX and ODS."""

import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook


def url(slug, fmt):
    return reverse("backoffice:dpo_register_export", args=[slug, fmt])


def test_csv(client, dpo, canteen):
    client.force_login(dpo)
    response = client.get(url("hayange", "csv"))
    text = response.content.decode("utf-8-sig")
    assert response["Content-Disposition"].endswith('registre-des-traitements-hayange.csv"')
    assert "Traitement;Finalité;Base légale" in text
    assert "Démarche « Inscription à la cantine scolaire »" in text


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_spreadsheets(client, dpo, canteen, fmt):
    client.force_login(dpo)
    content = client.get(url("hayange", fmt)).content
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(content)).active
        assert sheet["A3"].value == "Traitement"
    else:
        xml = zipfile.ZipFile(io.BytesIO(content)).read("content.xml").decode()
        assert "Inscription à la cantine scolaire" in xml


def test_bad_input(client, dpo):
    client.force_login(dpo)
    assert client.get(url("hayange", "pdf")).status_code == 404
    assert client.get(url("inconnue", "csv")).status_code == 404


def test_it_checks_ownership(client, dpo, agent, resident, other_commune):
    client.force_login(dpo)
    assert client.get(url(other_commune.slug, "csv")).status_code == 404
    for user in (agent, resident):
        client.force_login(user)
        assert client.get(url("hayange", "csv")).status_code == 403
