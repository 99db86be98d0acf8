"""The `backups:` section as people write it — and get it wrong: every mistake a file:line:col message,
secrets only from the environment, and a warning when the backups would live on this machine."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from standby.plan import backups_check
from standby.plan.issues import PlanError
from standby.plan.load import parse_plan

ENV = {"MKTO_SECRET": "s3cret", "BACKUP_KEY": "a long random passphrase", "S3_SECRET": "x"}
HEAD = """\
version: 1
organization: Acme
timezone: Europe/Berlin
people: [{id: dana, email: dana@example.org, notify: ["json://hooks.example.org/standby"]}]
backups:
"""
GOOD = """\
  - id: marketo-lists
    name: Marketo lists
    owner: dana
    source:
      marketo: {munchkin_id: 123-ABC-456, client_id: abc, client_secret: "${MKTO_SECRET}"}
    lists: [Webinar 2024-05 Registrants, 1204]
    leads: {updated_since: 2024-01-31}
    schedule: daily 02:00
    keep: {daily: 7, weekly: 4, monthly: 6}
    target:
      url: s3://backups-acme/standby
      options: {endpoint_url: "https://s3.eu-central-1.amazonaws.com", secret: "${S3_SECRET}"}
    encrypt: true
    key: ${BACKUP_KEY}
"""


def load(text: str) -> tuple[object, list[str]]:
    plan, found = parse_plan(HEAD + text, "plan.yaml", ENV)
    return plan, [str(i) for i in found]


def errors(text: str) -> list[str]:
    with pytest.raises(PlanError) as failed:
        parse_plan(HEAD + text, "plan.yaml", ENV)
    return [str(i) for i in failed.value.issues]


def test_a_good_backup_loads_and_is_an_asset_with_its_owner() -> None:
    plan, found = load(GOOD)
    assert found == []
    backup = plan.backups[0]  # type: ignore[attr-defined]
    assert str(backup.schedule) == "daily 02:00" and backup.keep.within == timedelta(days=1)
    assert (
        backup.lists == ["Webinar 2024-05 Registrants", "1204"] and backup.key == "a long random passphrase"
    )
    asset = next(a for a in plan.assets() if a.kind == "backup")  # type: ignore[attr-defined]
    assert (asset.id, asset.owner, asset.name, asset.target) == (
        "backup:marketo-lists",
        "dana",
        "Marketo lists",
        "s3://backups-acme/standby",
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("${MKTO_SECRET}", "s3cret-in-git"),
            "plan.yaml:10:74 backups[0].source.marketo.client_secret: client_secret is written in clear",
        ),
        (
            ("key: ${BACKUP_KEY}", "key: hunter2hunter2hunter2"),
            "plan.yaml:19:10 backups[0].key: key is written in clear",
        ),
        (
            ('secret: "${S3_SECRET}"', 'secret: "plain"'),
            "backups[0].target.options.secret: secret is written in clear",
        ),
        (("key: ${BACKUP_KEY}", ""), "backups[0]: encrypt: true needs key: ${VARIABLE}"),
        (
            ("    lists: [Webinar 2024-05 Registrants, 1204]\n", "    lists: [a]\n    all_lists: true\n"),
            "give lists: [...] or all_lists: true, not both",
        ),
        (("owner: dana", "owner: dnaa"), "backups[0].owner: unknown person 'dnaa' (did you mean 'dana'?)"),
        (
            ("daily 02:00", "nightly"),
            "backups[0].schedule: 'nightly' is not a schedule; write one like daily 02:00",
        ),
        (
            ("{daily: 7, weekly: 4, monthly: 6}", "{daily: 0, weekly: 0, monthly: 0}"),
            "keep at least one snapshot",
        ),
        (
            ("updated_since: 2024-01-31", "updated_since: yesterday"),
            "'yesterday' is neither a duration (90d) nor a date",
        ),
        (("munchkin_id: 123-ABC-456", "munchkin_id: 123ABC456"), "backups[0].source.marketo.munchkin_id"),
        (("id: marketo-lists", "id: Marketo Lists"), "backups[0].id"),
        (
            ("schedule: daily 02:00", "schedul: daily 02:00"),
            "unknown field 'schedul' (did you mean 'schedule'?)",
        ),
    ],
)
def test_mistakes_are_errors_that_say_where_and_what_to_do(change: tuple[str, str], message: str) -> None:
    found = errors(GOOD.replace(*change))
    assert any(message in line for line in found), found


def test_a_second_backup_with_the_same_id_is_refused() -> None:
    assert any("duplicate backup id 'marketo-lists' (already backups[0])" in e for e in errors(GOOD + GOOD))


def test_what_only_one_platform_can_do_is_refused_for_the_other() -> None:
    hubspot = GOOD.replace(
        'marketo: {munchkin_id: 123-ABC-456, client_id: abc, client_secret: "${MKTO_SECRET}"}',
        'hubspot: {token: "${MKTO_SECRET}"}',
    )
    assert load(hubspot)[1] == []
    assert any("method: bulk is Marketo's Bulk Extract" in e for e in errors(hubspot + "    method: bulk\n"))
    rest_all = GOOD.replace("leads: {updated_since: 2024-01-31}", "leads: all") + "    method: rest\n"
    assert any("leads: all on Marketo needs the Bulk Extract API" in e for e in errors(rest_all))


def test_a_target_on_this_machine_is_a_warning(tmp_path: Path) -> None:
    local = GOOD.replace("url: s3://backups-acme/standby", f"url: {tmp_path}/backups")
    assert any(
        "is a directory on this machine: if it fails, the backups go with it" in w for w in load(local)[1]
    )
    loopback = GOOD.replace("https://s3.eu-central-1.amazonaws.com", "http://127.0.0.1:9000")
    assert any("the backups go to 127.0.0.1, which is this machine" in w for w in load(loopback)[1])
    sftp = GOOD.replace("url: s3://backups-acme/standby", "url: sftp://localhost/srv/backups")
    assert any("the backups go to localhost" in w for w in load(sftp)[1])


def test_a_directory_on_a_network_mount_is_not_this_machine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mounts = tmp_path / "mounts"
    mounts.write_text(f"/dev/sda1 / ext4 rw 0 0\nnas:/export/backups {tmp_path}/nas nfs4 rw 0 0\n")
    monkeypatch.setattr(backups_check, "MOUNTS", mounts)
    on_nas = GOOD.replace("url: s3://backups-acme/standby", f"url: {tmp_path}/nas/standby")
    assert load(on_nas)[1] == []
    on_disk = GOOD.replace("url: s3://backups-acme/standby", f"url: {tmp_path}/disk")
    assert len(load(on_disk)[1]) == 1
