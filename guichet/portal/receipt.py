"""The registration receipt as a PDF the resident can keep (fpdf2, core fonts)."""

from django.conf import settings
from fpdf import FPDF

from guichet.lib.pdf import _line, _text, _when, label_rows


def receipt_pdf_bytes(case) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_title(_text(f"Accusé d'enregistrement {case.reference}"))
    pdf.set_author(_text(case.organisation.name))
    pdf.set_lang("fr")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    _line(pdf, 9, _text(case.organisation.name))
    pdf.set_font("Helvetica", "", 11)
    if case.organisation.address:
        _line(pdf, 6, _text(case.organisation.address))
    pdf.ln(6)
    pdf.set_font("Helvetica", "B", 14)
    _line(pdf, 8, _text("Accusé d'enregistrement de votre demande"))
    pdf.ln(2)
    rows = [
        ("Référence", case.reference),
        ("Reçue le", _when(case.created_at)),
        ("Objet", case.subject),
        ("Demandeur", case.requester_name),
        ("Service chargé de la demande", case.unit.name),
    ]
    contact = ", ".join(p for p in (case.unit.email, case.unit.phone) if p)
    if contact:
        rows.append(("Contact du service", contact))
    if case.unit.address:
        rows.append(("Adresse du service", " ".join(case.unit.address.split())))
    if case.first_response_due_at:
        rows.append(("Première réponse au plus tard le", _when(case.first_response_due_at)))
    label_rows(pdf, rows)
    pdf.ln(4)
    _line(pdf, 6, _text(
        "Suivez votre demande et répondez au service à l'adresse : "
        f"{settings.SITE_URL}{case.get_absolute_url()}"
    ))
    pdf.ln(2)
    pdf.set_font("Helvetica", "I", 9)
    _line(pdf, 5, _text(
        "Ce document atteste l'enregistrement de votre demande. Il ne préjuge pas de la "
        "réponse qui y sera apportée."
    ))
    return bytes(pdf.output())


def payment_receipt_pdf_bytes(payment) -> bytes:
    """The receipt of an online payment (CRPA L112-11 asks for an acknowledgement of every
    payment made by electronic means)."""
    case = payment.case
    pdf = FPDF(format="A4")
    pdf.set_title(_text(f"Reçu de paiement {case.reference}"))
    pdf.set_author(_text(case.organisation.name))
    pdf.set_lang("fr")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    _line(pdf, 9, _text(case.organisation.name))
    pdf.set_font("Helvetica", "", 11)
    if case.organisation.address:
        _line(pdf, 6, _text(case.organisation.address))
    pdf.ln(6)
    pdf.set_font("Helvetica", "B", 14)
    _line(pdf, 8, _text("Reçu de paiement en ligne"))
    pdf.ln(2)
    pdf.set_font("Helvetica", "", 11)
    for label, value in [
        ("Objet", payment.label), ("Montant", f"{payment.amount_euros} EUR"),
        ("Payé le", _when(payment.paid_at) if payment.paid_at else "non payé"),
        ("Transaction", payment.provider_transaction or "-"),
        ("Référence du paiement", payment.reference), ("Demande", case.reference),
        ("Payeur", case.requester_name),
    ]:
        _line(pdf, 6, _text(f"{label} : {value}"))
    if payment.refund_needed:
        pdf.ln(4)
        _line(pdf, 6, _text("Ce paiement est arrivé après l'expiration de la réservation : il "
                            "vous sera remboursé."))
    return bytes(pdf.output())
