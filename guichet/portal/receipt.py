"""The registration receipt and the payment receipt as PDFs the resident can keep."""


from guichet.lib.business_time import BUSINESS_DAYS_NOTE, deadline_day
from guichet.lib.dates import long_date
from guichet.lib.pdf import render_pdf, when
from guichet.lib.urls import absolute_url


def receipt_pdf_bytes(case) -> bytes:
    rows = [
        ("Référence", case.reference),
        ("Reçue le", when(case.created_at)),
        ("Objet", case.subject),
        ("Demandeur", case.requester_name),
        ("Service chargé de la demande", case.unit.name),
    ]
    contact = ", ".join(p for p in (case.unit.email, case.unit.phone) if p)
    if contact:
        rows.append(("Contact du service", contact))
    if case.unit.address:
        rows.append(("Adresse du service", " ".join(case.unit.address.split())))
    state = case.resident_state()
    if state.due:
        rows.append((f"{state.due_label} d'ici le", long_date(deadline_day(state.due))))
    else:
        rows.append(("Situation", f"{state.label}. {state.next_step}"))
    return render_pdf("pdf/receipt.html", {
        "organisation": case.organisation, "rows": rows,
        "business_days_note": BUSINESS_DAYS_NOTE if state.due else "",
        "heading": "Accusé d'enregistrement de votre demande",
        "follow_url": absolute_url(case.get_absolute_url()),
    }, title=f"Accusé d'enregistrement {case.reference}",
        author=case.organisation.name)


def payment_receipt_pdf_bytes(payment) -> bytes:
    """The receipt of an online payment (CRPA L112-11 asks for an acknowledgement of every
    payment made by electronic means)."""
    case = payment.case
    rows = [
        ("Objet", payment.label), ("Montant", f"{payment.amount_euros}\u00a0€"),
        ("Payé le", when(payment.paid_at) if payment.paid_at else "non payé"),
        ("Transaction", payment.provider_transaction or "-"),
        ("Référence du paiement", payment.reference), ("Demande", case.reference),
        ("Payeur", case.requester_name),
    ]
    return render_pdf("pdf/payment_receipt.html", {
        "organisation": case.organisation, "payment": payment, "rows": rows,
        "heading": "Reçu de paiement en ligne",
    }, title=f"Reçu de paiement {case.reference}", author=case.organisation.name)
