"""Display conditions on earlier answers, evaluated on the server (the tunnel works without
JavaScript). A condition is data written by an administrator, never code:

    {"field": "has_children", "op": "eq", "value": "oui"}
    {"all": [cond, cond]}  {"any": [cond, cond]}
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

OPERATORS = {
    "eq": "est égal à",
    "ne": "est différent de",
    "contains": "contient",
    "empty": "est vide",
    "not_empty": "est rempli",
    "gt": "est supérieur à",
    "lt": "est inférieur à",
}


def _number(value):
    try:
        return Decimal(str(value).replace(",", ".").replace(" ", ""))
    except (InvalidOperation, ValueError):
        return None


def _is_empty(value) -> bool:
    return value in (None, "", [], {})


def _compare(answer, op: str, expected) -> bool:
    if op == "empty":
        return _is_empty(answer)
    if op == "not_empty":
        return not _is_empty(answer)
    if op in ("gt", "lt"):
        left, right = _number(answer), _number(expected)
        if left is None or right is None:
            # Dates in ISO form compare as text in the right order.
            if isinstance(answer, str) and isinstance(expected, str) and answer and expected:
                return answer > expected if op == "gt" else answer < expected
            return False
        return left > right if op == "gt" else left < right
    if op == "contains":
        if isinstance(answer, list):
            return str(expected) in [str(item) for item in answer]
        return str(expected).casefold() in str(answer or "").casefold()
    equal = (answer if isinstance(answer, list) else str(answer if answer is not None else "")
             ) == str(expected)
    if isinstance(answer, bool):
        equal = ("oui" if answer else "non") == str(expected)
    return equal if op == "eq" else not equal


def holds(condition: dict | None, answers: dict) -> bool:
    """Whether a field, page or document with this condition applies to these answers. No
    condition always holds; an unknown operator never does (fail closed, shown in preview)."""
    if not condition:
        return True
    if "all" in condition:
        return all(holds(part, answers) for part in condition["all"])
    if "any" in condition:
        return any(holds(part, answers) for part in condition["any"])
    op = condition.get("op", "eq")
    if op not in OPERATORS:
        return False
    return _compare(answers.get(condition.get("field", "")), op, condition.get("value", ""))


def describe(condition: dict | None, labels: dict[str, str]) -> str:
    """The condition in French, for the builder and the preview."""
    if not condition:
        return ""
    if "all" in condition:
        return " et ".join(f"({describe(part, labels)})" for part in condition["all"])
    if "any" in condition:
        return " ou ".join(f"({describe(part, labels)})" for part in condition["any"])
    field = labels.get(condition.get("field", ""), condition.get("field", ""))
    op = OPERATORS.get(condition.get("op", "eq"), "?")
    if condition.get("op") in ("empty", "not_empty"):
        return f"« {field} » {op}"
    return f"« {field} » {op} « {condition.get('value', '')} »"
