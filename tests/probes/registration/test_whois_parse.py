from __future__ import annotations

from datetime import UTC, datetime

import pytest

from standby.probes.registration.record import RegistrationRecord
from standby.probes.registration.whois_parse import is_rate_limited, parse_whois

MARKETO_REGISTRY = """\
   Domain Name: MARKETO.COM
   Registry Domain ID: 96329451_DOMAIN_COM-VRSN
   Registrar WHOIS Server: whois.networksolutions.com
   Registrar URL: http://networksolutions.com
   Updated Date: 2017-07-26T04:12:33Z
   Creation Date: 2003-07-25T15:33:10Z
   Registry Expiry Date: 2018-07-25T04:00:00Z
   Registrar: Network Solutions, LLC
   Registrar IANA ID: 2
   Domain Status: autoRenewPeriod https://icann.org/epp#autoRenewPeriod
   Domain Status: clientTransferProhibited https://icann.org/epp#clientTransferProhibited
   Name Server: NS1.PENDINGRENEWALDELETION.COM
   Name Server: NS2.PENDINGRENEWALDELETION.COM
   DNSSEC: unsigned
>>> Last update of whois database: 2017-07-26T10:00:00Z <<<

NOTICE: The expiration date displayed in this record is the date the
registrar's sponsorship of the domain name registration in the registry is
currently set to expire.
"""


def _parse(
    text: str, domain: str = "marketo.com", server: str = "whois.verisign-grs.com"
) -> RegistrationRecord:
    return parse_whois(text, domain=domain, server=server)


def test_it_reads_a_marketo_style_registry_record_after_the_auto_renew() -> None:
    record = _parse(MARKETO_REGISTRY)
    assert record.source == "whois"
    assert record.domain == "marketo.com"
    assert record.expires_at == datetime(2018, 7, 25, 4, tzinfo=UTC)  # pushed a year on by the registry
    assert record.statuses == ["auto renew period", "client transfer prohibited"]
    assert record.raw_statuses == ["autoRenewPeriod", "clientTransferProhibited"]
    assert record.last_changed_at == datetime(
        2017, 7, 26, 4, 12, 33, tzinfo=UTC
    )  # the day after the old expiry
    assert record.created_at == datetime(2003, 7, 25, 15, 33, 10, tzinfo=UTC)
    assert record.registrar == "Network Solutions, LLC"
    assert record.nameservers == ["ns1.pendingrenewaldeletion.com", "ns2.pendingrenewaldeletion.com"]
    assert record.dnssec is False
    assert record.referral == "whois.networksolutions.com"
    assert record.registrar_expires_at is None
    assert not record.not_found and not record.rate_limited


def test_a_registrar_record_gives_its_own_expiry_as_both_dates() -> None:
    text = MARKETO_REGISTRY.replace(
        "Registry Expiry Date: 2018-07-25T04:00:00Z",
        "Registrar Registration Expiration Date: 2017-07-25T04:00:00Z",
    )
    record = _parse(text, server="whois.networksolutions.com")
    assert record.expires_at == datetime(2017, 7, 25, 4, tzinfo=UTC)
    assert record.registrar_expires_at == datetime(2017, 7, 25, 4, tzinfo=UTC)
    assert record.referral is None  # the record names the server that answered


def test_the_registry_expiry_wins_when_both_are_given() -> None:
    text = MARKETO_REGISTRY + "Registrar Registration Expiration Date: 2017-07-25T04:00:00Z\n"
    record = _parse(text)
    assert record.expires_at == datetime(2018, 7, 25, 4, tzinfo=UTC)
    assert record.registrar_expires_at == datetime(2017, 7, 25, 4, tzinfo=UTC)


@pytest.mark.parametrize(
    ("status", "phrase"),
    [
        (
            "clientTransferProhibited https://icann.org/epp#clientTransferProhibited",
            "client transfer prohibited",
        ),
        (
            "serverDeleteProhibited http://www.icann.org/epp#serverDeleteProhibited",
            "server delete prohibited",
        ),
        ("autoRenewPeriod", "auto renew period"),
        ("redemptionPeriod", "redemption period"),
        ("pendingDelete", "pending delete"),
        ("CLIENT_HOLD", "client hold"),
        ("ok", "active"),
        ("linked", "associated"),
        ("ok - Normal state.", "active"),
        ("client update prohibited", "client update prohibited"),
    ],
)
def test_it_normalizes_whois_statuses_to_rdap_phrases(status: str, phrase: str) -> None:
    record = _parse(f"Domain Name: example.com\nDomain Status: {status}\n", domain="example.com")
    assert record.statuses == [phrase]


def test_it_splits_statuses_listed_on_one_line() -> None:
    record = _parse("domain: GOOGLE.RU\nstate: REGISTERED, DELEGATED, VERIFIED\n", domain="google.ru")
    assert record.statuses == ["registered", "delegated", "verified"]


def test_it_keeps_contact_statuses_and_contact_states_out() -> None:
    text = "domain: example.fr\nstatus: ACTIVE\n\nnic-hdl: EX1-FRNIC\nstatus: linked\nstate: CA\n"
    assert _parse(text, domain="example.fr").statuses == ["active"]


def test_it_follows_the_iana_refer_line_to_the_registry() -> None:
    text = "% IANA WHOIS server\n\ndomain:       COM\nrefer:        whois.verisign-grs.com\n"
    assert _parse(text, domain="com", server="whois.iana.org").referral == "whois.verisign-grs.com"


def test_it_skips_the_look_alike_names_old_verisign_answers_list_first() -> None:
    text = (
        "   Server Name: EXAMPLE.COM.EVIL.NET\n   Registrar: SOMEONE ELSE\n   Whois Server: whois.evil.net\n\n"
        "   Domain Name: EXAMPLE.COM\n   Registrar: MARKMONITOR INC.\n   Whois Server: whois.markmonitor.com\n"
        "   Expiration Date: 14-sep-2011\n"
    )
    record = _parse(text, domain="example.com")
    assert record.registrar == "MARKMONITOR INC."
    assert record.referral == "whois.markmonitor.com"
    assert record.expires_at == datetime(2011, 9, 14, tzinfo=UTC)


def test_it_reads_nominet_sections() -> None:
    text = """
    Domain name:
        google.uk

    Registrar:
        Markmonitor Inc. t/a MarkMonitor Inc. [Tag = MARKMONITOR]
        URL: http://www.markmonitor.com

    Relevant dates:
        Registered on: 11-Jun-2014
        Expiry date:  11-Jun-2020
        Last updated:  10-May-2019

    Name servers:
        ns1.googledomains.com
        ns2.googledomains.com
"""
    record = _parse(text, domain="google.uk", server="whois.nic.uk")
    assert record.registrar == "Markmonitor Inc. t/a MarkMonitor Inc. [Tag = MARKMONITOR]"
    assert record.created_at == datetime(2014, 6, 11, tzinfo=UTC)
    assert record.expires_at == datetime(2020, 6, 11, tzinfo=UTC)
    assert record.last_changed_at == datetime(2019, 5, 10, tzinfo=UTC)
    assert record.nameservers == ["ns1.googledomains.com", "ns2.googledomains.com"]


def test_it_reads_the_jprs_layout_and_its_expiry_in_the_state_line() -> None:
    text = (
        "a. [Domain Name]                GOOGLE.CO.JP\n"
        "p. [Name Server]                ns1.google.com\n"
        "[State]                         Connected (2024/03/31)\n"
        "[Registered Date]               2001/03/22\n"
        "[Last Update]                   2023/04/01 01:05:57 (JST)\n"
    )
    record = _parse(text, domain="google.co.jp", server="whois.jprs.jp")
    assert record.expires_at == datetime(2024, 3, 31, tzinfo=UTC)
    assert record.created_at == datetime(2001, 3, 22, tzinfo=UTC)
    assert record.last_changed_at == datetime(2023, 3, 31, 16, 5, 57, tzinfo=UTC)
    assert record.statuses == ["connected"]
    assert record.nameservers == ["ns1.google.com"]


@pytest.mark.parametrize(
    ("expiry", "expected"),
    [("[有効期限]                      2026/05/31\n", datetime(2026, 5, 31, tzinfo=UTC)),
     ("[状態]                          Connected (2026/09/30)\n", datetime(2026, 9, 30, tzinfo=UTC))],
)  # fmt: skip
def test_it_reads_the_jprs_japanese_output_as_its_english_one(expiry: str, expected: datetime) -> None:
    """JPRS answers in Japanese unless asked with `/e`: the same fields under Japanese labels."""
    text = (
        "a. [ドメイン名]                 EXAMPLE.JP\n"
        "p. [ネームサーバ]               ns1.example.net\n"
        "p. [ネームサーバ]               ns2.example.net\n"
        f"{expiry}"
        "[登録年月日]                    2003/09/11\n"
    )
    record = _parse(text, domain="example.jp", server="whois.jprs.jp")
    assert record.expires_at == expected
    assert record.created_at == datetime(2003, 9, 11, tzinfo=UTC)
    assert record.nameservers == ["ns1.example.net", "ns2.example.net"]


@pytest.mark.parametrize(
    "reply",
    [
        'No match for "EXAMPLE.COM".\n>>> Last update of whois database: 2022-07-03T03:50:56Z <<<\n',
        "Domain not found.\n",
        "NOT FOUND\n",
        "No entries found for the selected source(s).\n",
        "Domain: example.de\nStatus: free\n",
        "Domain: example.eu\nScript: LATIN\nStatus: AVAILABLE\n",
        "example.nl is free\n",
        "%% NOT FOUND\n",
        ">>> Domain example.love is available for registration\n",
        "Domain Name: example.ai\nDomain Status: No Object Found\n",
        "The queried object does not exist: DOMAIN NOT FOUND\n",
        "%ERROR:103: Domain is not registered\n",
    ],
)
def test_it_recognizes_a_not_found_reply(reply: str) -> None:
    record = _parse(reply, domain="example.com")
    assert record.not_found is True
    assert record.rate_limited is False
    assert record.expires_at is None


# Reference §3 "Rate limiting: real messages", word for word, then other common wordings.
THROTTLED = [
    "% Error: 55000000002 Connection refused; access control limit reached.",
    "WHOIS LIMIT EXCEEDED - SEE WWW.PIR.ORG/WHOIS FOR DETAILS",
    "The WHOIS query quota for 2001:db8::1 has been exceeded and will be replenished in 50 seconds.",
    "You have exceeded your quota of queries.",
    "only 1 request per second allowed, try again later",
    "Your connection limit exceeded. Please slow down and try again later.",
    "request limit exceeded for 192.0.2.1",
    "%% Too many requests...",
    "-1: Still in grace period, wait 7777777 seconds",
    "Rate limit exceeded. Try again after: 24h0m0s",
    "Maximum query rate reached",
    "Your IP address is contained within a list of IP addresses that may have failed to abide by "
    "Network Solutions' Whois policy",
    "Maximum daily connection limit reached. Lookup refused.",
    "WHOIS lookup refused for this IP range",
    "Query rate limit exceeded. Please try again later.",
    "Number of allowed queries exceeded.",
    "Your request can temporarily not be answered.",
    "Please go away for 13 Seconds",
    "Please wait 5 seconds before your next query",
    "Service temporarily unavailable.",
    "% You have exceeded allowed connection rate.",  # RIPN
]


@pytest.mark.parametrize("message", THROTTLED)
def test_it_recognizes_a_throttled_reply(message: str) -> None:
    assert is_rate_limited(message)
    record = _parse(message + "\n", domain="example.com")
    assert record.rate_limited is True
    assert record.not_found is False


def test_a_throttled_reply_is_never_read_as_not_found() -> None:
    reply = (
        "Domain not found? Not so fast: WHOIS LIMIT EXCEEDED - SEE WWW.PIR.ORG/WHOIS FOR DETAILS\nNOT FOUND\n"
    )
    record = _parse(reply, domain="example.org")
    assert record.rate_limited is True
    assert record.not_found is False


def test_terms_of_use_that_talk_about_limits_do_not_make_a_reply_throttled() -> None:
    text = MARKETO_REGISTRY + (
        "Queries to the Whois services are throttled. If too many queries are received from a single IP\n"
        "address within a specified time, the service will begin to reject further queries; access may be\n"
        "restricted for excessive querying of the WHOIS database.\n"
    )
    record = _parse(text)
    assert record.rate_limited is False
    assert record.expires_at == datetime(2018, 7, 25, 4, tzinfo=UTC)


def test_a_reply_with_nothing_in_it_is_neither_found_nor_throttled() -> None:
    record = _parse("% This is a notice and nothing else.\n", domain="example.com")
    assert (record.not_found, record.rate_limited, record.expires_at) == (False, False, None)


@pytest.mark.parametrize(
    ("value", "signed"),
    [("signedDelegation", True), ("yes", True), ("Unsigned delegation", False), ("no", False), ("", None)],
)
def test_it_reads_dnssec(value: str, signed: bool | None) -> None:
    text = f"Domain Name: example.com\nRegistrar: Example Registrar\nDNSSEC: {value}\n"
    assert _parse(text, domain="example.com").dnssec is signed


@pytest.mark.parametrize(
    "line",
    [
        "renewal:      21-March-2027",
        "Valid-date          2027-03-21",
        "expires at: 21/03/2027 00:00:00 EET",
        "Domain Currently Expires: 2027-03-21",
        "Expiration:........ 2027-03-21",
        "Expiry date (dd/mm/yyyy): 21/03/2027",
        "status: OK-UNTIL 20270321000000",
        "Domain Expiration On: 2027-03-21",
        "paid-until: 2027.03.21",
    ],
)
def test_it_reads_expiry_labels_of_every_kind(line: str) -> None:
    record = _parse(f"domain: example.ie\nregistrar: Example\n{line}\n", domain="example.ie")
    assert record.expires_at is not None and record.expires_at.date().isoformat() in (
        "2027-03-21",
        "2027-03-20",
    )


def test_an_empty_jprs_field_opens_no_section() -> None:
    text = "[Domain Name]  EXAMPLE.JP\n[Expires on]\n[Last Updated]  2001/02/21 00:00:00 (JST)\n"
    record = _parse(text, domain="example.jp")
    assert (record.expires_at, record.last_changed_at) == (None, datetime(2001, 2, 20, 15, tzinfo=UTC))


def test_it_reads_letter_labelled_brackets_and_rwhois_records() -> None:
    mynic = "a [Domain Name]                 example.my\nd [Record Expired]              13-MAY-2014\n"
    assert _parse(mynic, domain="example.my").expires_at == datetime(2014, 5, 13, tzinfo=UTC)
    rwhois = (
        "%rwhois V-1.5:003fff:00 whois.example.ma\ndomain:Domain-Name:example.ma\n"
        "domain:Primary-Server;I:111.example.ma\ndomain:Created:20090324\n%ok\n"
    )
    record = _parse(rwhois, domain="example.ma")
    assert (record.availability.value, record.created_at, record.nameservers) == (
        "registered",
        datetime(2009, 3, 24, tzinfo=UTC),
        [],
    )
