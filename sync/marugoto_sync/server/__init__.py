"""The 総合センター sync server (DESIGN §5, docs/sync-protocol.md, docs/operations.md).

- `app`: the HTTP API (`create_app`), with `models` (request and answer bodies), `errors`
  (every error as `{"code", "message"}`), `middleware` (body size, client versions) and
  `admission` (change format and clock skew before storage).
- `storage`: all SQL — users, devices, the change log and the merge state — over `tables`,
  `log_entries` and `database` (URLs, engines); `migrations` (Alembic) run at every start.
- `passwords`, `tokens`, `throttle`: credentials and slowing down failed logins.
- `cli`: the `marugoto-sync` command; `certs`: dev-cert; `vocabulary`, `versions`: codes.
"""
