import re
import time

import pyotp
import pytest
from django.urls import reverse

from guichet.accounts.models import RecoveryCode, TotpDevice, UserSession

PASSWORD = "motdepasse-solide-42"


@pytest.fixture(autouse=True)
def required(settings):
    settings.AGENT_2FA_REQUIRED = True


def login(client, email):
    return client.post(reverse("portal:login"), {"username": email, "password": PASSWORD})


def test_an_agent_must_set_up_the_second_factor_then_enter_it(client, agent):
    login(client, "agent.voirie@hayange.fr")
    response = client.get("/agents/")
    assert response["Location"].startswith(reverse("portal:otp_setup"))
    page = client.get(response["Location"]).content.decode()
    assert "<svg" in page
    secret = TotpDevice.objects.get(user=agent).secret
    bad = client.post(reverse("portal:otp_setup"), {"code": "000000"})
    assert bad.status_code == 400 and "ne correspond pas" in bad.content.decode()
    html = client.post(reverse("portal:otp_setup"),
                       {"code": pyotp.TOTP(secret).now(), "next": "/agents/"}).content.decode()
    codes = re.findall(r"<code>([0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4})</code>", html)
    assert len(codes) == 10 and RecoveryCode.objects.filter(user=agent).count() == 10
    assert client.get("/agents/").status_code == 200
    # A new session asks for the code; a recovery code works once.
    client.logout()
    login(client, "agent.voirie@hayange.fr")
    assert client.get("/agents/")["Location"].startswith(reverse("portal:otp_verify"))
    assert client.post(reverse("portal:otp_verify"), {"code": "123456"}).status_code == 400
    assert client.post(reverse("portal:otp_verify"),
                       {"code": codes[0], "next": "/agents/"})["Location"] == "/agents/"
    client.logout()
    login(client, "agent.voirie@hayange.fr")
    assert client.post(reverse("portal:otp_verify"), {"code": codes[0]}).status_code == 400


def test_an_agent_who_signs_in_with_the_second_factor_lands_on_the_inbox(client, agent):
    from guichet.accounts.two_factor import totp_confirm, totp_start

    device = totp_start(user=agent)
    totp = pyotp.TOTP(device.secret)
    codes = totp_confirm(device=device, code=totp.now())
    response = login(client, "agent.voirie@hayange.fr")
    verify = client.get(response["Location"])  # the inbox asks for the second factor first
    assert verify["Location"] == f"{reverse('portal:otp_verify')}?next=%2Fagents%2F"
    page = client.get(verify["Location"]).content.decode()
    assert 'name="next" value="/agents/"' in page
    # The next 30-second code (the current one was used to confirm the device).
    code = totp.at(time.time() + 30)
    response = client.post(reverse("portal:otp_verify"), {"code": code, "next": "/agents/"})
    assert response["Location"] == "/agents/"
    # Without a `next` (the form posted on its own), an agent still gets the inbox.
    client.logout()
    login(client, "agent.voirie@hayange.fr")
    assert client.post(reverse("portal:otp_verify"),
                       {"code": codes[0]})["Location"] == "/agents/"


def test_a_code_is_accepted_once(client, agent):
    from guichet.accounts.two_factor import totp_confirm, totp_start, totp_verify

    device = totp_start(user=agent)
    totp = pyotp.TOTP(device.secret)
    totp_confirm(device=device, code=totp.now())
    assert not totp_verify(user=agent, code=totp.now())  # the same 30-second code again


def test_residents_choose(client, resident):
    login(client, "alice@exemple.fr")
    assert client.get(reverse("portal:my_cases")).status_code == 200  # no second factor
    client.get(reverse("portal:otp_setup"))
    secret = TotpDevice.objects.get(user=resident).secret
    client.post(reverse("portal:otp_setup"), {"code": pyotp.TOTP(secret).now()})
    assert "est activée" in client.get(reverse("portal:profile")).content.decode()
    client.post(reverse("portal:otp_disable"))
    assert not TotpDevice.objects.filter(user=resident).exists()


def test_agents_sessions_end_after_inactivity(client, agent, settings):
    settings.AGENT_2FA_REQUIRED = False
    client.force_login(agent)
    assert client.get("/agents/").status_code == 200
    session = client.session
    session["last_seen"] = time.time() - 31 * 60
    session.save()
    response = client.get("/agents/")
    assert response["Location"].startswith(reverse("portal:login"))


def test_an_administrator_sees_and_ends_an_agents_session(client, agent, unit, settings):
    from conftest import make_agent
    from guichet.accounts.models import Membership

    settings.AGENT_2FA_REQUIRED = False
    agent_client = client.__class__()
    agent_client.force_login(agent)
    agent_client.get("/agents/")
    session = UserSession.objects.get(user=agent)
    admin = make_agent("admin@hayange.fr", unit, Membership.Role.ADMIN)
    client.force_login(admin)
    assert "Paul Lemoine" in client.get(reverse("backoffice:sessions")).content.decode()
    client.post(reverse("backoffice:session_revoke", args=[session.pk]))
    assert agent_client.get("/agents/").status_code == 302  # signed out


def test_it_checks_ownership(client, agent, resident, settings):
    """Only administrators see sessions; a resident never reaches the agents' set-up."""
    settings.AGENT_2FA_REQUIRED = False
    client.force_login(agent)
    assert client.get(reverse("backoffice:sessions")).status_code == 403
    client.force_login(resident)
    assert client.get("/agents/").status_code == 403


def test_an_agent_with_his_password_alone_has_no_agent_rights_anywhere(client, agent, unit,
                                                                       resident):
    """Before, only /agents/ and /admin/ waited for the second factor: the attachments of the
    unit's cases were served at /pieces/<key>/ to an agent signed in with his password."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from guichet.contact.services import contact_submit
    from guichet.lib.files import check_upload

    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    case = contact_submit(unit=unit, subject="Plan", message="…", requester=resident,
                          files=[check_upload(SimpleUploadedFile("plan.pdf", pdf))])
    piece = reverse("portal:attachment", args=[case.attachments.get().key])
    login(client, "agent.voirie@hayange.fr")
    assert client.get(piece).status_code == 404
    assert client.get("/agents/")["Location"].startswith(reverse("portal:otp_setup"))
    assert client.get(reverse("portal:my_cases")).status_code == 200  # his resident pages
    # Once the second factor is entered, the same link works.
    client.get(reverse("portal:otp_setup"))
    secret = TotpDevice.objects.get(user=agent).secret
    client.post(reverse("portal:otp_setup"), {"code": pyotp.TOTP(secret).now()})
    assert client.get(piece).status_code == 200
    # The agent's rights are in the permission checks themselves, whatever the URL.
    from guichet.accounts.two_factor import agent_rights_suspended_for
    from guichet.cases.selectors import agent_can_handle, has_role

    with agent_rights_suspended_for(agent):
        assert not agent_can_handle(agent, case) and not has_role(agent, "agent")
    assert agent_can_handle(agent, case)


def test_staff_need_the_second_factor_for_the_admin(client, db):
    from guichet.accounts.models import User

    User.objects.create_superuser(email="tech@hayange.fr", password=PASSWORD)
    login(client, "tech@hayange.fr")
    assert client.get("/admin/")["Location"].startswith(reverse("portal:otp_setup"))


def test_the_code_check_locks_after_five_wrong_codes(client, agent, settings):
    """Before, the right code was accepted after any number of wrong ones."""
    from datetime import timedelta

    from django.utils import timezone

    from guichet.accounts.two_factor import totp_confirm, totp_start
    from guichet.journal.models import Entry

    device = totp_start(user=agent)
    totp = pyotp.TOTP(device.secret)
    totp_confirm(device=device, code=totp.at(time.time() - 30))
    login(client, "agent.voirie@hayange.fr")
    verify = reverse("portal:otp_verify")
    for _ in range(4):
        assert client.post(verify, {"code": "000000"}).status_code == 400
    locked = client.post(verify, {"code": "000000"})
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "Trop de codes erronés" in html and "bloquée jusqu&#x27;à" in html
    assert "Vérification bloquée" in html
    # Even the right code is refused while locked, and the agent stays outside.
    assert client.post(verify, {"code": totp.now()}).status_code == 429
    assert client.get("/agents/")["Location"].startswith(verify)
    entry = Entry.objects.get(action=Entry.Action.SECOND_FACTOR_LOCKED)
    assert entry.actor == agent and entry.details["failures"] == 5
    # Fifteen minutes later, the right code works and the count starts again.
    TotpDevice.objects.filter(user=agent).update(
        locked_until=timezone.now() - timedelta(seconds=1))
    assert client.post(verify, {"code": totp.now(), "next": "/agents/"})["Location"] == \
        "/agents/"
    assert TotpDevice.objects.get(user=agent).failed_attempts == 0
