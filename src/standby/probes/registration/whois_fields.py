"""Which WHOIS keys carry which fact (keys as `whois_lines.normalize_key` writes them).

Gathered from the 2013 RAA format, the per-registry spellings in the reference (§3) and the
registries of the conformance corpus. Dates are taken in answer order under any of their keys (the
domain's own object comes first); registrar, DNSSEC and referral from the first key of their list
that the answer has; statuses from the paragraph of that key; name servers from all their keys.
"""

from __future__ import annotations

# The registry's own expiry. A registrar-side expiry is a separate fact (REGISTRAR_EXPIRES) and is
# used for `expires_at` only when the answer has nothing else: then the answer is a registrar's.
EXPIRES = (
    "registry expiry date",
    "expiry date",
    "expiration date",
    "expiration time",
    "expire date",
    "expires on",
    "expires",
    "expire",
    "paid till",
    "renewal date",
    "valid until",
    "validity",
    "record expires on",
    "record will expire on",
    "domain expires",
    "domain expires on",
    "domain expiration date",
    "fecha de vencimiento",
    "fecha de expiracion",
    "fecha de expiración",
    "data de expiracao",
    "data de expiração",
    "data scadenza",
    "scadenza",
    "ablaufdatum",
    "vervaldatum",
    "date d'expiration",
    "domain datebilleduntil",
    "ok until",
    "exp date",
    "expiry",
    "relevant dates expiry date",  # Nominet
    "expiration",  # `Expiration:........ 2020-01-01`
    "expires at",  # Register.bg
    "expired",  # .ly: the date it expires (or did)
    "valid date",  # SK-NIC `Valid-date`
    "domain currently expires",  # .ws
    "renewal",  # IEDR `renewal:`
    "date renewal",  # .co.ca
    "有効期限",  # JPRS's Japanese output: `[有効期限]` (expiry date)
)
REGISTRAR_EXPIRES = ("registrar registration expiration date",)

CREATED = (
    "creation date",
    "registered",  # before "created": NIC Argentina / Costa Rica put "created" on contacts only
    "created",
    "created on",
    "created date",
    "registered on",
    "registered date",
    "registration date",
    "registration time",
    "record created",
    "record created on",
    "domain created",
    "domain record activated",
    "domain registered",
    "domain registration date",
    "first registration date",
    "fecha de creación",
    "fecha de creacion",
    "fecha de registro",
    "data de criacao",
    "data de criação",
    "data registrazione",
    "domain name commencement date",
    "registration",
    "登録年月日",  # JPRS's Japanese output: `[登録年月日]` (registration date)
    "relevant dates registered on",  # Nominet, Island Networks
    "date de creation",  # JWhoisServer (.dz)
    "create date",
    "domain create date",  # .me
    "entry created",  # Jisc (.ac.uk, .gov.uk)
    "activated on",  # Register.bg
    "domain dateregistered",  # .nz
    "date approved",  # .co.ca
    "date registered",
)

CHANGED = (
    "updated date",
    "last updated",
    "last updated on",
    "last updated date",
    "last update",
    "last modified",
    "last changed",
    "changed",
    "modified",
    "modification date",
    "update date",
    "updated",
    "domain record last updated",
    "record last updated on",
    "domain datelastmodified",
    "relevant dates last updated",
)

REGISTRAR = (
    "registrar",
    "registrar organization",  # .it: the handle is the "Name"
    "registrar organization name",  # NIC.tr
    "registrar name",
    "sponsoring registrar",
    "registration service provider",
    "authorised registrar",
    "current registar",
    "authorized agency",
    "sponsoring registrar organization",
    "registered by",
)

# A name in the answer other than the registry's own: evidence that someone holds the name.
REGISTRANT = (
    "registrant",
    "registrant name",
    "registrant organization",
    "registrant organisation",
    "owner",
    "holder",
    "titular",
    # The Isle of Man registry: `Domain Managers` alone on a line, then `Name` and the reseller's name
    # on the lines below (go-whois im__case3), or `Name: Reseller - Mark Monitor` (weppos google.im)
    "domain managers",
    # RIPE-style handles of the domain object's contacts
    "admin c",
    "tech c",
    "holder c",
    "registrant c",
)

STATUS = (
    "domain status",
    "status",
    "eppstatus",
    "state",
    "registration status",
    "estatus del dominio",
    "状態",
)

# Keys and headings under which name servers are listed; `whois_nameservers.is_nameserver_key` also
# knows the numbered and qualified spellings (`NS 1`, `Primary Server Hostname`, `Name Server (DB)`).
NAMESERVERS = (
    "name server",
    "ネームサーバ",  # JPRS's Japanese output
    "name servers",
    "nameserver",
    "nameservers",
    "nserver",
    "domain nameservers",
    "domain servers in listed order",
    "domain servers",
    "ns name",
    "primary server",
    "secondary server",
    "host name",
    "nameservers hostname",
    "domain name servers",
    "name servers information",
    "name server information",
    "name servers in the listed order",
    "nameservers in the listed order",
    "dns servers",
    "dns server",
    "dns",
    "ns",
    "current nameservers",
    "servidores de nombre",
    "servidor de nombres de dominio",  # NIC-Uruguay, NIC-Venezuela: `Servidor(es) de Nombres de Dominio:`
    "dns name",
)

DNSSEC = ("dnssec", "domain signed", "signing key")

# Where the fuller record lives: registry → registrar (`Registrar WHOIS Server`), IANA → registry.
REFERRAL = ("registrar whois server", "whois server", "refer", "whois")

DOMAIN = ("domain name", "domain", "nom de domaine")

# Keys some registries write without a colon, in a sentence before the date.
PHRASES = (
    "record expires on",
    "record will expire on",
    "record created on",
    "domain expires on",
    "registered on",
    "expires on",
    "created on",
)

KNOWN = frozenset(
    EXPIRES
    + REGISTRAR_EXPIRES
    + CREATED
    + CHANGED
    + REGISTRAR
    + REGISTRANT
    + STATUS
    + NAMESERVERS
    + DNSSEC
    + REFERRAL
    + DOMAIN
)
