"""Sessions cannot be forged (audit hole 4): the demo's portal signs its
session cookies with a secret generated for the installation, so a cookie
signed with the key that used to be committed in ``demo.ini`` opens
nothing; the same cookie signed with the installation's key opens the
sysadmin pages (which shows that the forgery itself is right, and that
the test would see a committed key)."""
from __future__ import annotations

import configparser
from pathlib import Path

import flask
import requests
from flask.sessions import SecureCookieSessionInterface

#: The key ``demo.ini`` carried before this was fixed (git history).
OLD_COMMITTED_KEY = "sektoral-demo-secret-change-me"


def _cookie(secret: str, user_id: str) -> str:
    app = flask.Flask("forgery")
    app.secret_key = secret
    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    assert serializer is not None
    return serializer.dumps({"_user_id": user_id, "_fresh": True})


def _installation_key(ini: str) -> str:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(ini)
    return parser["app:main"]["SECRET_KEY"]


def _admin_page(base: str, cookie: str) -> requests.Response:
    return requests.get(base + "/ckan-admin/", cookies={"ckan": cookie},
                        allow_redirects=False, timeout=60)


def test_the_committed_configurations_hold_no_serving_secret():
    root = Path(__file__).resolve().parents[2]
    demo = configparser.ConfigParser(interpolation=None)
    demo.read(root / "demo.ini")
    assert demo["app:main"]["SECRET_KEY"] == ""
    assert demo["app:main"]["WTF_CSRF_SECRET_KEY"] == ""


def test_a_session_signed_with_a_known_key_is_refused(live_portal):
    key = _installation_key(live_portal["ini"])
    assert key and key != OLD_COMMITTED_KEY and len(key) >= 32
    admin = "admin"  # CKAN's user loader takes an id or a name
    base = live_portal["url"]
    forged = _admin_page(base, _cookie(OLD_COMMITTED_KEY, admin))
    assert forged.status_code in (302, 403), forged.status_code
    # control: the same forgery with the installation's own key works
    genuine = _admin_page(base, _cookie(key, admin))
    assert genuine.status_code == 200, genuine.status_code
