"""Typed vault errors. Each carries a plain Japanese message for people (`message_ja`)."""

from __future__ import annotations


class VaultError(Exception):
    message_ja = "記録の保管庫でエラーが発生しました。"


class WrongPassphrase(VaultError):
    message_ja = "パスフレーズが違います。"


class VaultCorrupted(VaultError):
    """Ciphertext, a key slot or the database failed an integrity check."""

    message_ja = "保管庫のデータが壊れているか、改ざんされています。管理者に連絡してください。"


class VaultLocked(VaultError):
    message_ja = "保管庫はロックされています。パスフレーズで開いてください。"


class VaultNotFound(VaultError):
    message_ja = "指定したフォルダに保管庫がありません。"


class VaultExists(VaultError):
    message_ja = "そのフォルダにはすでに保管庫があります。"
