"""`fetch_mail` against a real IMAP server on loopback: Debian's Dovecot, started for the test
with its own configuration (`make test-imap`; `.ci/run` installs dovecot-imapd)."""

import imaplib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from email.message import EmailMessage
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from guichet.cases.models import Case, Event

pytestmark = [pytest.mark.imap, pytest.mark.django_db]
USER, PASSWORD = "voirie", "mot-de-passe-imap"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def imap_server(settings):
    dovecot = shutil.which("dovecot") or "/usr/sbin/dovecot"
    # Dovecot's own processes (and "nobody", below) must reach these files: not under pytest's
    # private temporary directory.
    tmp_path = Path(tempfile.mkdtemp(prefix="guichet-dovecot-"))
    tmp_path.chmod(0o755)
    port = _free_port()
    home = tmp_path / "home"
    for folder in ("run", "state", "home"):
        (tmp_path / folder).mkdir()
    # Dovecot never gives mail access as root: as root, the mailbox belongs to "nobody".
    uid = 65534 if os.getuid() == 0 else os.getuid()
    gid = 65534 if os.getgid() == 0 else os.getgid()
    if os.getuid() == 0:
        os.chown(home, uid, gid)
    (tmp_path / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    config = tmp_path / "dovecot.conf"
    config.write_text(f"""
protocols = imap
listen = 127.0.0.1
base_dir = {tmp_path}/run
state_dir = {tmp_path}/state
log_path = {tmp_path}/dovecot.log
ssl = no
disable_plaintext_auth = no
first_valid_uid = 1
mail_location = maildir:{home}/%u/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {tmp_path}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={home}/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
""")
    process = subprocess.Popen([dovecot, "-F", "-c", str(config)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.STDOUT)
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.1):
                break
        except OSError:
            time.sleep(0.05)
    settings.INBOUND_IMAP_HOST, settings.INBOUND_IMAP_PORT = "127.0.0.1", port
    settings.INBOUND_IMAP_SSL = False
    settings.INBOUND_IMAP_USER, settings.INBOUND_IMAP_PASSWORD = USER, PASSWORD

    def deliver(msg: EmailMessage) -> None:
        with imaplib.IMAP4("127.0.0.1", port) as client:
            client.login(USER, PASSWORD)
            client.append("INBOX", None, None, msg.as_bytes())

    def unseen() -> int:
        with imaplib.IMAP4("127.0.0.1", port) as client:
            client.login(USER, PASSWORD)
            client.select("INBOX")
            return len(client.search(None, "UNSEEN")[1][0].split())

    yield deliver, unseen
    process.terminate()
    process.wait(timeout=10)
    shutil.rmtree(tmp_path, ignore_errors=True)


def _message(subject, body, sender="Jeanne Roy <jeanne@exemple.fr>", **headers):
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, "voirie@hay.fr", subject
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(body)
    return msg


def test_fetch_mail_files_unseen_messages_once_and_marks_them_seen(imap_server, unit):
    deliver, unseen = imap_server
    deliver(_message("Trottoir défoncé", "Devant le 8 rue Foch."))
    deliver(_message("Absence", "Je suis absente.", Auto_Submitted="auto-replied"))
    assert unseen() == 2
    out = StringIO()
    call_command("fetch_mail", stdout=out)
    case = Case.objects.get()
    assert case.unit == unit and case.subject == "Trottoir défoncé"
    assert case.channel == "email"
    assert unseen() == 0  # both read; the auto-reply is recognised and not filed
    deliver(_message(f"Re: {case.reference}", "C'est toujours là."))
    call_command("fetch_mail", stdout=StringIO())
    call_command("fetch_mail", stdout=StringIO())  # nothing unseen: nothing filed twice
    assert Case.objects.count() == 1
    assert case.events.filter(kind=Event.Kind.RESIDENT_MESSAGE,
                              body__contains="toujours là").count() == 1
