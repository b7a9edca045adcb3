from django.http import Http404


def _todo(*args, **kwargs):
    raise Http404


inbox = case = case_reply = case_note = case_assign = case_transfer = _todo
case_status = case_close = person = journal = _todo
