"""The login throttles key on the client's address, and a client cannot choose it: X-Forwarded-For
counts only as far as O2C_TRUSTED_PROXY_COUNT proxies wrote it (decision 0034)."""

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.test import Client, override_settings
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

from o2c.client_ip import client_ip

LIMIT = 10  # AXES_FAILURE_LIMIT in the test settings


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def proxies():
    """Set O2C_TRUSTED_PROXY_COUNT for the app and for DRF's throttle, which reads NUM_PROXIES."""

    def trust(count: int):
        from django.conf import settings

        rest = {**settings.REST_FRAMEWORK, "NUM_PROXIES": count}
        override = override_settings(O2C_TRUSTED_PROXY_COUNT=count, REST_FRAMEWORK=rest)
        override.enable()
        api_settings.reload()
        overrides.append(override)

    overrides = []
    yield trust
    for override in overrides:
        override.disable()
    api_settings.reload()


def login(client, n: int, **headers):
    return client.post(
        "/login/",
        {"username": "sam", "password": f"wrong-{n}"},
        REMOTE_ADDR="10.0.0.7",
        **headers,
    )


@pytest.mark.django_db
def test_failed_logins_with_a_new_x_forwarded_for_each_time_are_locked_out(make_user):
    make_user("sales", "sam")
    client = Client()
    codes = [login(client, n, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(LIMIT)]
    assert codes == [200] * (LIMIT - 1) + [429]  # the form with its error, then the lock-out
    # the right password from yet another "address" is refused: the account is locked for 10.0.0.7
    response = client.post(
        "/login/",
        {"username": "sam", "password": "pw-not-used"},
        REMOTE_ADDR="10.0.0.7",
        HTTP_X_FORWARDED_FOR="198.51.100.99",
    )
    assert response.status_code == 429
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["10.0.0.7"]


@pytest.mark.django_db
def test_the_api_token_throttle_ignores_a_rotating_x_forwarded_for():
    client = APIClient()
    codes = [
        client.post(
            "/api/v1/auth/token/",
            {"username": f"nobody-{n}", "password": "x"},
            REMOTE_ADDR="10.0.0.8",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        ).status_code
        for n in range(32)
    ]
    assert codes[:30] == [400] * 30
    assert codes[30:] == [429, 429]


@pytest.mark.django_db
def test_behind_one_trusted_proxy_the_right_most_forwarded_address_is_the_client(make_user, proxies):
    proxies(1)
    make_user("sales", "sam")
    client = Client()
    # the client forges a left part; our proxy appends the address it saw (192.0.2.10)
    for n in range(LIMIT):
        login(client, n, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}, 192.0.2.10")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"192.0.2.10"}
    response = login(client, 99, HTTP_X_FORWARDED_FOR="1.2.3.4, 192.0.2.10")
    assert response.status_code == 429
    # another client behind the same proxy is not locked out
    response = client.post(
        "/login/",
        {"username": "sam", "password": "pw-not-used"},
        REMOTE_ADDR="10.0.0.7",
        HTTP_X_FORWARDED_FOR="192.0.2.11",
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_behind_one_trusted_proxy_the_api_throttle_keys_on_the_right_most_address(proxies):
    proxies(1)
    client = APIClient()

    def attempt(forwarded):
        return client.post(
            "/api/v1/auth/token/",
            {"username": "nobody", "password": "x"},
            REMOTE_ADDR="10.0.0.8",
            HTTP_X_FORWARDED_FOR=forwarded,
        ).status_code

    assert [attempt(f"203.0.113.{n}, 192.0.2.10") for n in range(31)][-1] == 429
    assert attempt("192.0.2.11") == 400  # another client, its own budget


class FakeRequest:
    def __init__(self, remote="10.0.0.1", forwarded=None):
        self.META = {"REMOTE_ADDR": remote}
        if forwarded is not None:
            self.META["HTTP_X_FORWARDED_FOR"] = forwarded


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "203.0.113.5", "10.0.0.1"),  # no proxy trusted: the header is ignored
        (0, None, "10.0.0.1"),
        (1, None, "10.0.0.1"),
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "6.6.6.6, 203.0.113.5", "203.0.113.5"),  # the forged left part is not believed
        (2, "6.6.6.6, 203.0.113.5, 192.0.2.1", "203.0.113.5"),
        (2, "203.0.113.5", "203.0.113.5"),  # fewer entries than proxies: the left-most there is
        (1, "2001:db8::1", "2001:db8::1"),
        (1, "not-an-address", "10.0.0.1"),  # garbage never reaches the axes table
        (1, "1.2.3.4, ", "10.0.0.1"),
        (1, "1.2.3.4\x00", "10.0.0.1"),
    ],
)
def test_client_ip(settings, count, forwarded, expected):
    settings.O2C_TRUSTED_PROXY_COUNT = count
    assert client_ip(FakeRequest(forwarded=forwarded)) == expected
