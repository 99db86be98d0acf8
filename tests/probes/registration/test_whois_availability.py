"""Free, registered, throttled or unknown, decided first and with the line read (whois_availability.py)."""

from __future__ import annotations

import pytest

from standby.probes.registration.record import Availability
from standby.probes.registration.whois_parse import parse_whois


def _read(text: str, domain: str = "example.hu") -> tuple[Availability, str | None]:
    record = parse_whois(text, domain=domain, server="whois.example")
    return record.availability, record.evidence


@pytest.mark.parametrize(
    ("reply", "line"),
    [
        (
            'Status: AVAILABLE (No match for domain "example.hu")\n',
            'Status: AVAILABLE (No match for domain "example.hu")',
        ),
        ("Domain Name: example.hu\nDomain Status: Available\n", "Domain Status: Available"),
        (
            "Domain name:           example.hu\nDomain status:         available\n",
            "Domain status:         available",
        ),
        ("Nincs találat / No match\n", "Nincs találat / No match"),
        ("Nincs tal\xe1lat\n", "Nincs tal\xe1lat"),  # read as Latin-1
        ("example.hu: no existe\n", "example.hu: no existe"),
        ("Available\nDomain: example.hu\n", "Available"),
        ('% Object "example.hu" NOT FOUND.\n', 'Object "example.hu" NOT FOUND.'),
        ("The domain example.hu was not found!\n", "The domain example.hu was not found!"),
        ("Domain example.hu is available for purchase\n", "Domain example.hu is available for purchase"),
        ("query_status: 220 Available\n", "query_status: 220 Available"),
        ("Die Domain ist nicht registriert.\n", "Die Domain ist nicht registriert."),
        (
            "El dominio no se encuentra registrado en NIC Argentina\n",
            "El dominio no se encuentra registrado en NIC Argentina",
        ),
        ("% Unfortunately, No Results Were Found\n", "Unfortunately, No Results Were Found"),
        ("%error 230 No Objects Found\n", "error 230 No Objects Found"),
        (
            "We could not find the requested domain on our system\n",
            "We could not find the requested domain on our system",
        ),
        (
            "This Domain is not available in our whois database\n",
            "This Domain is not available in our whois database",
        ),
        ("exampleNOT FOUND\n", "exampleNOT FOUND"),  # the verdict glued to the echoed query
    ],
)
def test_it_reads_a_free_name_from_the_line_that_says_so(reply: str, line: str) -> None:
    assert _read(reply) == (Availability.FREE, line)


def test_not_found_as_the_value_of_some_other_field_is_no_verdict() -> None:
    text = "Domain Name: example.hu\nRegistrar: Example Registrar\nRegistrant Email: not found\n"
    assert _read(text)[0] is Availability.REGISTERED


def test_not_available_for_registration_is_not_free() -> None:
    availability, line = _read("Not available for registration.\nSecond level domain name is reserved.\n")
    assert (availability, line) == (Availability.UNKNOWN, "Not available for registration.")


def test_a_free_phrase_loses_to_the_names_own_dates_and_name_servers() -> None:
    text = (
        "Domain Name: example.hu\nCreation Date: 2001-02-03\nName Server: ns1.example.net\n"
        "NOTE: failure to locate a record is not found to be indicative of availability\n"
    )
    assert _read(text) == (Availability.REGISTERED, "Creation Date: 2001-02-03")


def test_registered_needs_evidence_not_just_the_absence_of_not_found() -> None:
    assert _read("% This is a notice and nothing else.\nDomain: example.hu\n") == (Availability.UNKNOWN, None)
    assert _read("") == (Availability.UNKNOWN, None)


@pytest.mark.parametrize(
    ("reply", "line"),
    [
        ("Invalid input\n", "Invalid input"),
        (
            "whois.nic.bo solo acepta consultas con dominios .bo\n",
            "whois.nic.bo solo acepta consultas con dominios .bo",
        ),
        ("Domain: example.hu\nStatus: NOT ALLOWED\n", "Status: NOT ALLOWED"),
        ("Reserved by ICM Registry\n", "Reserved by ICM Registry"),
        ("% WHOIS _example.eu\n-7: %Invalid pattern\n", "7: %Invalid pattern"),  # EURid (marks stripped)
    ],
)
def test_errors_and_names_that_cannot_be_registered_are_unknown_with_the_line(reply: str, line: str) -> None:
    assert _read(reply) == (Availability.UNKNOWN, line)


@pytest.mark.parametrize(
    "reply",
    [
        "% Maximum queries per hour reached (100)\n",
        "-3: IP address blocked\n",
        "% Excessive querying, grace period of 2 seconds\n",
        "Please maintain at least 10-second time before starting another enquiry.\n",
        "query_status: 440 Request Denied\n",
        "% Query rate limit exceeded. Reduced information.\ndomain: example.hu\nowner: Someone\n",
    ],
)
def test_throttled_replies_are_throttled_even_with_a_partial_record(reply: str) -> None:
    availability, line = _read(reply)
    assert availability is Availability.THROTTLED and line and line in reply


def test_the_evidence_of_a_registration_is_the_expiry_line_when_there_is_one() -> None:
    text = "Domain Name: example.hu\nRegistrar: Example\nRegistry Expiry Date: 2027-01-02T00:00:00Z\n"
    assert _read(text) == (Availability.REGISTERED, "Registry Expiry Date: 2027-01-02T00:00:00Z")


def test_a_record_in_an_unknown_layout_is_registered_by_its_holder_or_its_dates() -> None:
    assert _read("domain: example.hu\nholder-name: Example Kft.\n")[0] is Availability.REGISTERED
    assert _read("domain: example.hu\nDomain Activation: 2001-02-03\n")[0] is Availability.REGISTERED


def test_the_answers_own_timestamps_are_no_evidence_of_a_registration() -> None:
    text = "query_datetime: 2012-05-03T13:18:06+12:00\ndomain_name: example.hu\n"
    assert _read(text) == (Availability.UNKNOWN, None)


def test_a_status_that_says_reserved_outweighs_a_change_date_but_not_a_registration() -> None:
    reserved = "[Domain Name]  EXAMPLE.JP\n[Created on]\n[Expires on]\n[Status]  Reserved\n[Last Updated]  2001/02/21\n"
    assert _read(reserved, "example.jp") == (Availability.UNKNOWN, "[Status]  Reserved")
    held = "Domain: wiki.pt\nDomain Status: Reserved\nCreation Date: 07/05/2015\n"
    assert _read(held, "wiki.pt")[0] is Availability.REGISTERED


def test_a_placeholder_organisation_is_no_holder() -> None:
    assert _read("domain: EH\norganisation: Not assigned\n", "eh")[0] is Availability.UNKNOWN


def test_a_line_that_ends_in_a_colon_is_no_verdict() -> None:
    """EURid's terms: "By submitting a query you agree not to use the information made" / "available to:"."""
    text = "% By submitting a query you agree not to use the information made\n% available to:\n"
    assert _read(text, "example.eu") == (Availability.UNKNOWN, None)
    assert _read("Domain: example.eu\nAvailable\n", "example.eu")[0] is Availability.FREE


def test_the_isle_of_man_domain_managers_block_is_evidence_of_a_registration() -> None:
    """The IM registry's layout with each label alone on its line and the value below it."""
    text = "\nDomain Name:\tnic.im\nDomain Managers\nName\nThe IM Registry\nAddress\nBallasalla\n"
    assert _read(text, "nic.im") == (Availability.REGISTERED, "domain managers: The IM Registry")


def test_numbered_dns_server_labels_are_evidence_and_name_servers() -> None:
    text = "Date Created:   Tue Aug 2000 00:00:00\nDNS servers1:    ns2.tldns.vu : 37.209.194.6\n"
    record = parse_whois(text, domain="example.vu", server="whois.example")
    assert record.availability is Availability.REGISTERED
    assert record.nameservers == ["ns2.tldns.vu"]
