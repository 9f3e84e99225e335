"""All SQL of the sync server, one module per concept: users and logins (accounts), devices,
pushes and the merge state (push), households moved to another area (transfers, and
transfer_history to list them), pulls (pull), who wrote a pulled page (authors), restores
from a backup (restores), audit trails (audit), and what PostgreSQL does its own way
(postgresql).

Every method is one transaction. Writes on SQLite begin IMMEDIATE (the write lock is taken at
BEGIN, so two writers queue instead of failing);
pushes on PostgreSQL merge under transaction-scoped advisory locks on the records they touch,
and take the one lock all pushes share only to write their log rows and commit, so log
sequence numbers are handed out in commit order (storage/push.py).
"""

from __future__ import annotations

from .accounts import Accounts, LoginCandidate, UserInfo
from .audit import (
    AdminEntry,
    AuditEntryInfo,
    AuditFilter,
    AuditRefused,
    AuditTrails,
    ChainCheck,
    DeviceAudit,
)
from .authors import AuthorMap, Authors
from .base import AreaForbidden, StorageError, UnknownDevice, UnknownUser, UserExists
from .devices import DeviceEnded, DeviceIdentity, DeviceInfo, Devices, SuccessorRefused
from .postgresql import LOGIN_LOCK, PUSH_LOCK
from .pull import Page, PullAnswer, Pulls
from .push import Pushes, PushResult
from .restores import RestoreInfo, Restores
from .transfer_history import TransferFilter, TransferHistory, TransferListed


class Storage(Accounts, Devices, Pushes, Pulls, Restores, Authors, AuditTrails, TransferHistory):
    """The server's database. Open with `Storage.open(url)`; close when done."""


__all__ = [
    "LOGIN_LOCK",
    "PUSH_LOCK",
    "AdminEntry",
    "AreaForbidden",
    "AuditEntryInfo",
    "AuditFilter",
    "AuditRefused",
    "AuthorMap",
    "ChainCheck",
    "DeviceAudit",
    "DeviceEnded",
    "DeviceIdentity",
    "DeviceInfo",
    "LoginCandidate",
    "Page",
    "PullAnswer",
    "PushResult",
    "RestoreInfo",
    "Storage",
    "StorageError",
    "SuccessorRefused",
    "TransferFilter",
    "TransferListed",
    "UnknownDevice",
    "UnknownUser",
    "UserExists",
    "UserInfo",
]
