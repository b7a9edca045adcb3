"""Every table of the statistics page as rows of cells, for the CSV/XLSX/ODS exports: the same
figures as on screen, small groups hidden the same way."""

from __future__ import annotations

BREAKDOWN_HEADER = ["Demandes reçues", "Premières réponses", "Délai médian de première réponse",
                    "Première réponse (9 sur 10)", "Dans le délai annoncé", "En 48 h ouvrées",
                    "En 96 h ouvrées", "Traitées", "Délai médian de traitement",
                    "Traitement (9 sur 10)", "Traitées dans le délai", "Transférées",
                    "Rouvertes"]
BREAKDOWN_CELLS = ["created", "answered", "first_median", "first_p90", "in_sla", "in_48",
                   "in_96", "closed", "close_median", "close_p90", "closed_in_sla",
                   "transferred", "reopened"]

BREAKDOWNS = {
    "canaux": ("channel", "Par canal", "Canal"),
    "types": ("kind", "Par type de demande", "Type"),
    "services": ("unit", "Par service", "Service"),
    "communes": ("commune", "Par commune", "Commune"),
    "categories": ("category", "Par catégorie, démarche ou motif", "Catégorie"),
    "signalements": ("report_category", "Signalements par catégorie", "Catégorie"),
    "signalements-communes": ("report_commune", "Signalements par commune", "Commune"),
}
SATISFACTION = {"satisfaction-services": "par service", "satisfaction-types": "par type de demande",
                "satisfaction-canaux": "par canal", "satisfaction-mois": "par mois de réception"}
TABLES = ("chiffres", "evolution", "stock", "retards", *BREAKDOWNS, "rendez-vous", "demarches",
          *SATISFACTION)


def table(name: str, data: dict) -> tuple[str, list[list[str]]]:
    """(title, rows with the header first) of one table of `dashboard()`'s data."""
    period, compare = data["period"], data["compare"]
    if name == "chiffres":
        return "Chiffres clés", [["Indicateur", period.label, compare.label, "Évolution"]] + [
            [f["label"], f["value"], f["before"], f["evolution"]] for f in data["key_figures"]]
    if name == "evolution":
        return "Demandes reçues par mois", [
            ["Mois", "Demandes reçues", "Même mois l'année précédente", "Évolution"]] + [
            [line["period"].label, line["shown"], line["shown_before"], line["evolution"]]
            for line in data["last_year"]]
    if name == "stock":
        return "Demandes en cours par ancienneté", [["Ancienneté", "Demandes en cours"]] + [
            [b["label"], str(b["count"])] for b in data["backlog"]]
    if name == "retards":
        return "Demandes en retard maintenant", [["Service", "Demandes en retard"]] + [
            [str(line["unit"].name), str(line["count"])] for line in data["overdue_by_unit"]]
    if name in BREAKDOWNS:
        key, title, first = BREAKDOWNS[name]
        return title, [[first, *BREAKDOWN_HEADER]] + [
            [line.label, *[line.cells[c] for c in BREAKDOWN_CELLS]]
            for line in data["breakdowns"][key]]
    if name == "rendez-vous":
        return "Rendez-vous", [["Rendez-vous", "Nombre"]] + [
            [c["label"], c["shown"]] for c in data["appointments"]]
    if name == "demarches":
        return "Démarches en ligne", [["Dossiers", "Nombre"]] + [
            [c["label"], c["shown"]] for c in data["procedures"]]
    if name in SATISFACTION:
        sat = data["satisfaction"]
        found = [t for t in (sat["tables"] if sat else []) if t[3] == name]
        title, first, lines = (found[0][:3] if found else (SATISFACTION[name], "", []))
        return f"Satisfaction {title}", [
            [first or "Groupe", "Réponses", "Taux de réponse", "Satisfaits (4 ou 5 sur 5)",
             "Note moyenne"]] + [
            [line.label, *[line.cells()[c] for c in ("answered", "rate", "satisfied", "mean")]]
            for line in lines]
    raise KeyError(name)
