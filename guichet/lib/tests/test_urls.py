"""Every absolute link starts with SITE_URL, which follows the port the demo serves on unless it
is given explicitly."""

import os
import subprocess
import sys

from django.conf import settings

from guichet.lib.urls import absolute_url, local_site_url


def site_url_with(**environment) -> str:
    """SITE_URL as a fresh `manage.py` process computes it from these environment variables."""
    env = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "HOST", "PORT")}
    env.update(environment)
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v0", "-c",
         "from django.conf import settings; print(settings.SITE_URL)"],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120, check=True)
    return result.stdout.strip()


def test_site_url_follows_the_port_given_to_the_demo():
    assert site_url_with(PORT="8123") == "http://127.0.0.1:8123"
    assert site_url_with(HOST="localhost", PORT="8123") == "http://localhost:8123"


def test_an_explicit_site_url_wins():
    assert site_url_with(PORT="8123", SITE_URL="https://guichet.example.fr/") == (
        "https://guichet.example.fr")


def test_without_anything_it_is_the_default_port():
    assert site_url_with() == "http://127.0.0.1:8000"


def test_a_server_on_every_interface_is_linked_through_loopback():
    assert local_site_url("0.0.0.0", 8102) == "http://127.0.0.1:8102"
    assert local_site_url("::1", "8102") == "http://[::1]:8102"


def test_absolute_url_starts_with_site_url(settings):
    settings.SITE_URL = "http://127.0.0.1:8123"
    assert absolute_url("/suivi/abc/") == "http://127.0.0.1:8123/suivi/abc/"


def test_make_demo_passes_its_port_to_the_loader_and_the_runner():
    """`make demo PORT=8123` (dry run): both the loader, which prints links, and the runner,
    whose web server and worker write emails, get PORT in their environment."""
    result = subprocess.run(["make", "-n", "demo", "PORT=8123"], cwd=settings.BASE_DIR,
                            capture_output=True, text=True, timeout=60, check=True)
    commands = [line for line in result.stdout.splitlines()
                if "load_demo" in line or "run_demo" in line]
    assert len(commands) == 2
    for command in commands:
        assert "PORT=8123 " in command
    assert "--port 8123" in commands[1]
