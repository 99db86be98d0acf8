"""Checks of the `backups:` section that need the whole plan or the machine: unique ids, owners and
playbooks that exist, secrets written as `${VAR}` (never in the plan file kept in git), and a target
that is not only this machine (a warning: a backup on the disk of the server that dies with it is no
backup)."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator, Set
from pathlib import Path as FsPath
from urllib.parse import urlsplit

from standby.plan.issues import Path, suggest
from standby.plan.model import Plan
from standby.plan.refs import Problem
from standby.plan.status_page import protocol_of

SECRETS = (("source", "marketo", "client_secret"), ("source", "hubspot", "token"), ("key",))
_SECRET_OPTIONS = ("secret", "password", "passwd", "token", "passphrase", "credential")
_LOCAL = {"file", "local"}
# Filesystems whose files live on another machine: a directory on one of these is off this machine.
NETWORK_FS = {
    "nfs", "nfs4", "cifs", "smb3", "smbfs", "ceph", "glusterfs", "fuse.sshfs", "fuse.s3fs",
    "fuse.rclone", "fuse.gcsfuse", "fuse.juicefs", "fuse.glusterfs", "lustre", "beegfs", "9p", "virtiofs",
}  # fmt: skip
MOUNTS = FsPath("/proc/mounts")


def backup_problems(plan: Plan, substituted: Set[Path]) -> list[Problem]:
    people = {p.id for p in plan.people}
    playbooks = {p.id for p in plan.playbooks}
    out: list[Problem] = []
    seen: dict[str, int] = {}
    for i, backup in enumerate(plan.backups):
        here: Path = ("backups", i)
        if backup.id in seen:
            first = f"already backups[{seen[backup.id]}]"
            out.append(Problem((*here, "id"), f"duplicate backup id {backup.id!r} ({first})"))
        seen.setdefault(backup.id, i)
        if backup.owner is None:
            why = "no owner: nobody is told when it fails; add owner: <person id>"
            out.append(Problem(here, why, "warning"))
        elif backup.owner not in people:
            out.append(
                Problem(
                    (*here, "owner"),
                    f"unknown person {backup.owner!r}{suggest(backup.owner, people)}; "
                    "owner must be a person id",
                )
            )
        if backup.playbook is not None and backup.playbook not in playbooks:
            out.append(
                Problem(
                    (*here, "playbook"),
                    f"unknown playbook {backup.playbook!r}{suggest(backup.playbook, playbooks)}; "
                    "define it under playbooks",
                )
            )
        out += _clear_secrets(plan, i, substituted)
        out += _same_machine(backup.target.url, backup.target.options, (*here, "target"))
    return out


def _clear_secrets(plan: Plan, i: int, substituted: Set[Path]) -> Iterator[Problem]:
    backup = plan.backups[i]
    found: list[Path] = []
    for parts in SECRETS:
        value: object = backup
        for part in parts:
            value = getattr(value, part, None)
        if value:
            found.append(("backups", i, *parts))
    for name, value in backup.target.options.items():
        if isinstance(value, str) and value and any(w in name.lower() for w in _SECRET_OPTIONS):
            found.append(("backups", i, "target", "options", name))
    for path in found:
        if path not in substituted:
            yield Problem(
                path,
                f"{path[-1]} is written in clear; write it as ${{VARIABLE}} and export the variable: the "
                "plan file lives in git, secrets must not",
            )


def _same_machine(url: str, options: dict[str, object], path: Path) -> Iterator[Problem]:
    protocol = protocol_of(url)
    if protocol in _LOCAL:
        local = url.partition("://")[2] if "://" in url else url
        fs = network_filesystem(FsPath(local).expanduser())
        if fs is None:
            yield Problem(
                (*path, "url"),
                f"{url} is a directory on this machine: if it fails, the backups go with it; write them to "
                "storage elsewhere (s3://bucket/prefix, sftp://host/path) or to a network mount",
                "warning",
            )
        return
    hosts = [urlsplit(url).hostname]
    endpoint = options.get("endpoint_url")
    if isinstance(endpoint, str):
        hosts.append(urlsplit(endpoint).hostname)
    for host in hosts:
        if host and is_this_machine(host):
            yield Problem(
                (*path, "url" if host == hosts[0] else "options"),
                f"the backups go to {host}, which is this machine: if it fails, the backups go with it; "
                "use storage on another machine",
                "warning",
            )


def is_this_machine(host: str) -> bool:
    name = host.strip("[]").lower()
    if name in ("localhost", socket.gethostname().lower(), socket.getfqdn().lower()):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return name.endswith(".localhost")


def network_filesystem(path: FsPath) -> str | None:
    """The type of the network filesystem `path` lies on, or None if it is local (or unknown)."""
    try:
        lines = MOUNTS.read_text().splitlines()
    except OSError:
        return None
    target = path.resolve() if path.is_absolute() else (FsPath.cwd() / path).resolve()
    best: tuple[int, str] | None = None
    for line in lines:
        fields = line.split()
        if len(fields) < 3:
            continue
        point = fields[1].replace("\\040", " ")
        inside = target == FsPath(point) or FsPath(point) in target.parents
        if inside and (best is None or len(point) > best[0]):
            best = (len(point), fields[2])
    return best[1] if best is not None and best[1] in NETWORK_FS else None
