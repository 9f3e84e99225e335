"""The consultant's name on this laptop, as 設定 shows it."""

from __future__ import annotations

from marugoto_desktop.operations.profile import consultant_setting
from marugoto_desktop.operations.sync import SERVER_KEY
from marugoto_desktop.operations.visits import set_consultant, signed_in_consultant
from marugoto_desktop.vault import Vault
from marugoto_desktop.vault.replica import VaultReplica


def test_the_setting_is_the_name_set_here_not_the_enrolled_user(vault: Vault) -> None:
    VaultReplica(vault).set_setting(SERVER_KEY, {"user": "takamatsu01"})
    assert consultant_setting(vault) is None
    assert signed_in_consultant(vault) == "takamatsu01"
    set_consultant(vault, " 高松 花子 ")
    assert consultant_setting(vault) == "高松 花子"
    set_consultant(vault, "")
    assert consultant_setting(vault) is None
