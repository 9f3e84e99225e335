"""The sync client: push the outbox, then pull the server's log, over HTTPS (DESIGN §5).

Safe to interrupt anywhere: outbox rows leave only after the server acknowledged them (a
retry resends the same change ids, which the server acknowledges again without applying
them twice), and each pulled page is applied together with its cursor.
"""

from __future__ import annotations

import ssl
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import truststore

from .audit_chain import MAX_ENTRIES_PER_UPLOAD, AuditLink, LocalChainBroken, upload_batch
from .authors import Authors, read_authors
from .changes import MAX_CHANGES_PER_PUSH, ChangeInvalid
from .log_page import LogPage, read_page
from .record_types import SHARED_TYPES
from .replica import Replica
from .transfer_notes import Moved, read_transfers, transfer_notes
from .trust import certificates_in, issuer_presented

SCHEMA_VERSION = "1"
# Bigger pages mean fewer round trips; measured: 5,000 is ~15% faster than 1,000 for an
# initial sync of 10,000 households (bench sync.peer), and a page is still one transaction.
PAGE_SIZE = 5000
# Pages fetched at once ahead of the one being applied (ranges of the committed log).
FETCH_AHEAD = 2
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}

Progress = Callable[[str, int, int | None], None]


class SyncError(Exception):
    """The server refused, or could not be reached.

    `code` is the protocol's error code (or the client's: `unreachable`, `insecure_url`,
    `bad_answer`), `message` what the server said, if anything, and `details` what the
    client found: the faces put these into their own words.
    """

    def __init__(self, code: str, message: str = "", status: int = 0, **details: Any) -> None:
        super().__init__(message or code)
        self.code = code
        self.message = message
        self.status = status
        self.details: dict[str, Any] = details


class DeviceRevoked(SyncError):
    """The device's token opens nothing any more; the replica was wiped."""


class DeviceRetired(DeviceRevoked):
    """The device retired: it sent everything it had not sent (`pushed` in details, when
    this sync did it), gave up its token and wiped its replica, as the office asked."""


class UpgradeRequired(SyncError):
    pass


class Cancelled(Exception):
    pass


@dataclass(frozen=True)
class Enrollment:
    server: str
    device_id: str
    token: str
    user: str
    role: str
    areas: list[str]


@dataclass
class SyncReport:
    pushed: int = 0
    pulled: int = 0  # changes others made (this device's own come back from the log too)
    conflicts: int = 0
    backfilled: dict[str, int] = field(default_factory=dict)
    removed_areas: list[str] = field(default_factory=list)
    held_back: int = 0  # changes of areas this user may no longer write
    restamped: int = 0  # unsent changes re-stamped after the laptop's clock ran ahead
    replayed: int = 0  # fields sent again because the server was restored from a backup
    retire_cancelled: bool = False  # asked to retire, the office took it back during this sync
    audit_sent: int = 0  # audit trail entries the server did not have
    # Why the audit trail could not be sent: a refusal's code (audit_chain_rewound…), or
    # audit_broken_locally. The records synced all the same.
    audit_refused: str | None = None


@dataclass(frozen=True)
class _Fetched:
    """A pull answer, checked."""

    page: LogPage
    next: int
    has_more: bool
    areas: list[str]
    authors: Authors  # who wrote the page's changes, by site
    # Where each household the page moves came from, by the `_area` entry's change id.
    transfers: dict[str, Moved] = field(default_factory=dict)


def ssl_context(ca_file: Path | str | None = None, ca_pem: str | None = None) -> ssl.SSLContext:
    """The OS certificate store (truststore), plus the city's own CA when given (a file, or
    its PEM text)."""
    context = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if ca_file is not None:
        context.load_verify_locations(cafile=str(ca_file))
    if ca_pem is not None:
        context.load_verify_locations(cadata=ca_pem)
    return context


def check_server_url(url: str) -> str:
    """HTTPS only; plain HTTP is accepted for a loopback development server alone."""
    parts = urlsplit(url)
    if parts.scheme == "https":
        return url.rstrip("/")
    if parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS:
        return url.rstrip("/")
    raise SyncError("insecure_url", url=url)


def _error_from(response: httpx.Response) -> SyncError:
    try:
        body = response.json()
        code, message = str(body.get("code", "error")), str(body.get("message", ""))
    except ValueError:
        code, message = "error", response.text[:200]
    if code == "device_retired":
        return DeviceRetired(code, message, response.status_code)
    if code == "device_revoked":
        return DeviceRevoked(code, message, response.status_code)
    if response.status_code == 426 or code == "upgrade_required":
        return UpgradeRequired(code, message, response.status_code)
    return SyncError(code, message, response.status_code)


UNTRUSTED_CERTIFICATE = "untrusted_certificate"
PLAIN_HTTP = "plain_http"
NETWORK = "network"


def _unreachable(server: str, exc: httpx.HTTPError, ca_pem: str | None) -> SyncError:
    """The server could not be reached, with why (`reason`): a certificate this computer
    does not trust, HTTP spoken to an HTTPS server, or the network.

    For a certificate not trusted, also what was tried (`ca`: the office CA certificates
    given, besides the computer's store) and who issued the one the server presented
    (`issuer`, None if that cannot be told)."""
    if "CERTIFICATE_VERIFY_FAILED" in str(exc):
        return SyncError(
            "unreachable",
            server=server,
            reason=UNTRUSTED_CERTIFICATE,
            error=str(exc),
            ca=[asdict(c) for c in certificates_in(ca_pem)] if ca_pem else [],
            issuer=issuer_presented(server),
        )
    reason = NETWORK
    if server.startswith("http://") and isinstance(exc, httpx.RemoteProtocolError):
        reason = PLAIN_HTTP
    return SyncError("unreachable", server=server, reason=reason, error=str(exc))


class SyncClient:
    def __init__(
        self,
        server: str,
        *,
        token: str | None = None,
        ca_file: Path | str | None = None,
        ca_pem: str | None = None,
        app_version: str = "0.0.0",
        timeout: float = 60.0,
        http: httpx.Client | None = None,
        proxy: str | None = None,
    ) -> None:
        """`ca_file` or `ca_pem` (its text): the office's own CA, trusted besides the
        computer's store. `http` lets tests talk to an in-process server; real use always
        builds its own. `proxy` (http://host:port) carries every request, HTTPS through
        CONNECT; without it, the proxy the environment names (HTTPS_PROXY, NO_PROXY) is used,
        if any."""
        self.server = server.rstrip("/") if http is not None else check_server_url(server)
        self._ca_pem = ca_pem if ca_file is None else Path(ca_file).read_text("ascii", "replace")
        self._headers = {"X-Marugoto-Schema": SCHEMA_VERSION, "X-Marugoto-App": app_version}
        if token:
            self._headers["Authorization"] = f"Bearer {token}"
        # trust_env: proxies come from the environment, as on any office PC, unless one is
        # named here (the desktop app's 設定).
        self._http = http or httpx.Client(
            base_url=self.server,
            verify=ssl_context(ca_pem=self._ca_pem),
            timeout=timeout,
            trust_env=True,
            proxy=proxy or None,
        )
        self._owns_http = http is None

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> SyncClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = self._http.request(method, path, headers=self._headers, **kwargs)
        except httpx.HTTPError as exc:
            raise _unreachable(self.server, exc, self._ca_pem) from exc
        if response.status_code >= 400:
            raise _error_from(response)
        return response.json()

    # -- the calls -------------------------------------------------------------------------

    def enroll(
        self, user: str, password: str, device_name: str, totp: str | None = None
    ) -> Enrollment:
        """`totp`: the one-time code of the user's authenticator app, for a user the office
        set TOTP up for (without it such a user's enrollment fails with `totp_required`)."""
        request = {"user": user, "password": password, "device_name": device_name}
        if totp is not None:
            request["totp"] = totp
        body = self._call("POST", "/v1/enroll", json=request)
        return Enrollment(
            self.server,
            str(body["device_id"]),
            str(body["token"]),
            str(body["user"]),
            str(body["role"]),
            [str(a) for a in body["areas"]],
        )

    def status(self, seen: tuple[int, str] | None = None) -> dict[str, Any]:
        """The server's view of this device; with `seen` (seq, change id of a log entry this
        device applied), also whether the log still holds it (`log_intact`)."""
        params = {} if seen is None else {"seen_seq": seen[0], "seen_id": seen[1]}
        result: dict[str, Any] = self._call("GET", "/v1/status", params=params)
        return result

    def retire(self, *, as_asked: bool = False, successor: str | None = None) -> None:
        """Give up this device's token: from now on it opens nothing. `as_asked`: because
        the office asked; if it took the request back meanwhile, SyncError retire_cancelled
        and the token stays valid. `successor`: the device this vault enrolled as again,
        which takes over this one's place in the server's log."""
        body: dict[str, Any] = {}
        if as_asked:
            body["as_asked"] = True
        if successor is not None:
            body["successor"] = successor
        if body:
            self._call("POST", "/v1/retire", json=body)
        else:
            self._call("POST", "/v1/retire")

    def audit_head(self) -> tuple[int, str]:
        """Where this device's audit trail ends on the server: (entry, its link hash)."""
        return self._read_head(self._call("GET", "/v1/audit"))

    def upload_audit(self, links: Sequence[AuditLink]) -> tuple[int, str]:
        """Send audit trail entries; the server's new head."""
        body = {"entries": [item.to_wire() for item in links]}
        return self._read_head(self._call("POST", "/v1/audit", json=body))

    @staticmethod
    def _read_head(answer: Any) -> tuple[int, str]:
        try:
            return int(answer["seq"]), str(answer["hash"])
        except (KeyError, TypeError, ValueError) as exc:
            raise SyncError("bad_answer", error=str(exc)) from exc

    def push(self, changes: Sequence[Any]) -> dict[str, Any]:
        result: dict[str, Any] = self._call(
            "POST", "/v1/push", json={"changes": [c.to_wire() for c in changes]}
        )
        return result

    def pull(
        self,
        after: int,
        limit: int = PAGE_SIZE,
        area: str | None = None,
        until: int | None = None,
        directory: bool = False,
    ) -> dict[str, Any]:
        params: dict[str, Any] = {"after": after, "limit": limit}
        if area is not None:
            params["area"] = area
        if until is not None:
            params["until"] = until
        if directory:
            params["directory"] = "true"
        result: dict[str, Any] = self._call("GET", "/v1/changes", params=params)
        return result

    # -- the whole sync --------------------------------------------------------------------

    def sync(
        self,
        replica: Replica,
        progress: Progress | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> SyncReport:
        """Push everything pending, settle the areas, then pull to the head of the log."""

        def step(stage: str, done: int, total: int | None = None) -> None:
            if cancelled is not None and cancelled():
                raise Cancelled(stage)
            if progress is not None:
                progress(stage, done, total)

        report = SyncReport()
        seen = replica.last_seen()
        try:
            status = self.status(seen)
        except DeviceRevoked:
            replica.wipe()
            raise
        if status.get("log_intact") is False or replica.cursor() > int(status["head"]):
            # The server was restored from a backup and lost what came after it. Send it
            # everything this laptop holds again and read its log from the start: nothing
            # anyone synced since the backup is lost while one laptop still has it.
            report.replayed = replica.restart_after_server_restore()
        granted = set(status["areas"])
        known = replica.synced_areas()
        # Judged by what the laptop holds, not only by what it finished syncing: an area whose
        # backfill was interrupted is on the laptop too and must go if it is withdrawn.
        lost = sorted((set(known or []) | set(replica.stored_areas())) - granted)
        # Unsent work of areas this user may not write stays in the outbox, reported; sending
        # it would have the whole push refused and block everything else.
        refused = sorted(set(replica.outbox_areas()) - granted)
        if refused:
            # A transfer out of such an area waits: what followed it waits with it.
            replica.hold_with_transfers(refused)
            held = replica.pending_changes(1_000_000_000)
            report.held_back = sum(
                1 for c in held if c.area in refused and c.type not in SHARED_TYPES
            )
        step("push", 0)
        push_error: SyncError | None = None
        try:
            try:
                self._push_all(replica, refused, report, step)
            except SyncError as exc:
                if exc.code != "clock_skew":
                    raise
                # This laptop's clock ran ahead and its unsent changes carry stamps from the
                # future. Nobody has seen them yet: re-stamp them from the server's time.
                report.restamped = replica.restamp_unsent(int(self.status()["server_time"]))
                self._push_all(replica, refused, report, step)
        except (DeviceRevoked, UpgradeRequired):
            raise
        except SyncError as exc:
            if exc.code == "unreachable" or status.get("retiring"):
                raise
            # The server refused this push: still receive what others wrote, then report it.
            push_error = exc
        # Before a retiring device erases itself: its trail too must reach the office.
        self._send_audit(replica, report, step)
        if status.get("retiring"):
            self._retire(replica, report)
        for area in lost:
            replica.remove_area(area)
            report.removed_areas.append(area)
        cursor = replica.cursor()
        # Areas gained after the first sync: their history lies before our cursor.
        gained = sorted(granted - set(known)) if known is not None else []
        for area in gained:
            report.backfilled[area] = self._pull_range(
                replica, f"backfill:{area}", step, area=area, until=cursor
            )
        if known is None or gained or lost:
            replica.set_synced_areas(sorted(granted))
        if not replica.directory_synced():
            # The shared directory (agencies of every area) came to this laptop only from the
            # version that shares it: what of it lies before the cursor is fetched once. A
            # laptop that has never pulled gets it with everything else below.
            if cursor > 0:
                report.pulled += self._pull_range(
                    replica, "backfill:directory", step, until=cursor, directory=True
                )
            replica.set_directory_synced()

        appeared: set[str] = set()

        def areas_changed(areas: Sequence[str]) -> set[str]:
            """The areas an answer names differ from those synced: the grants changed during
            this sync. A withdrawn area is left out of the page: forget it before the cursor
            passes its entries, so that granting it again backfills it. A newly granted one
            is in the page: leave its entries out (returned), so that it arrives whole by
            its backfill below, or not at all if it is withdrawn again meanwhile."""
            synced = set(replica.synced_areas() or [])
            gone = sorted(synced - set(areas))
            if gone:
                replica.set_synced_areas(sorted(synced - set(gone)))
                for area in gone:
                    replica.remove_area(area)
                    report.removed_areas.append(area)
            appeared.update(set(areas) - synced)
            return set(areas) - synced

        report.pulled = self._pull_range(
            replica, "main", step, head=int(status["head"]), areas_changed=areas_changed
        )
        for area in sorted(appeared):
            report.backfilled[area] = self._pull_range(
                replica, f"backfill:{area}", step, area=area, until=replica.cursor()
            )
            replica.set_synced_areas(sorted({*(replica.synced_areas() or []), area}))
        if push_error is not None:
            raise push_error
        return report

    def _send_audit(
        self,
        replica: Replica,
        report: SyncReport,
        step: Callable[[str, int, int | None], None],
    ) -> None:
        """Send the audit trail entries the server lacks, a batch at a time, each batch
        remembered once the server has it (an interrupted sync resumes from the server's
        head). A refusal is reported, not raised: the records synced all the same, and the
        office sees the device flagged (docs/sync-protocol.md)."""
        try:
            seq, digest = self.audit_head()
            while True:
                links = upload_batch(replica.audit_links(seq, digest, MAX_ENTRIES_PER_UPLOAD))
                if not links:
                    return
                before = seq
                seq, digest = self.upload_audit(links)
                if seq <= before:
                    return  # nothing new was taken: nothing more to send
                replica.audit_sent(seq, digest)
                report.audit_sent += seq - before
                step("audit", report.audit_sent, None)
        except DeviceRevoked:
            replica.wipe()
            raise
        except LocalChainBroken:
            report.audit_refused = "audit_broken_locally"
        except SyncError as exc:
            if exc.status == 404:
                return  # a server older than audit uploads: the trail waits for its upgrade
            if exc.status not in (400, 409, 413):
                raise
            # Refused (or an entry too large to send): reported; the records synced.
            report.audit_refused = exc.code

    def _retire(self, replica: Replica, report: SyncReport) -> None:
        """The office asked this device to retire and everything it could send is sent: give
        up the token, wipe the replica and say so (DeviceRetired). Changes that could not be
        sent (areas no longer granted) would be lost: then nothing is erased (retire_blocked)
        until the office grants the area again or revokes the device."""
        if report.held_back:
            raise SyncError("retire_blocked", unsent=report.held_back, pushed=report.pushed)
        try:
            self.retire(as_asked=True)
        except SyncError as exc:
            if exc.code != "retire_cancelled":
                raise
            # The office took its request back while this sync ran: nothing is erased, and
            # the sync goes on as any other.
            report.retire_cancelled = True
            return
        replica.wipe()
        raise DeviceRetired("device_retired", pushed=report.pushed)

    def _push_all(
        self,
        replica: Replica,
        held_back_areas: Sequence[str],
        report: SyncReport,
        step: Callable[[str, int, int | None], None],
    ) -> None:
        while True:
            batch = replica.pending_changes(MAX_CHANGES_PER_PUSH, exclude_areas=held_back_areas)
            if not batch:
                return
            try:
                answer = self.push(batch)
            except DeviceRevoked:
                replica.wipe()
                raise
            replica.acknowledge([str(cid) for cid in answer["acknowledged"]])
            report.pushed += len(batch)
            report.conflicts += int(answer.get("conflicts", 0))
            step("push", report.pushed, None)

    def _pull_range(
        self,
        replica: Replica,
        cursor_name: str,
        step: Callable[[str, int, int | None], None],
        area: str | None = None,
        until: int | None = None,
        head: int | None = None,
        areas_changed: Callable[[Sequence[str]], set[str]] | None = None,
        directory: bool = False,
    ) -> int:
        """Pull everything after the cursor up to the head (or `until`), page by page.

        The log up to a head the server has reported (or up to `until`) is committed and
        stays as it is (sequence numbers follow commit order), so it is cut into ranges of
        sequence numbers that are fetched ahead, several at once, while earlier pages are
        applied: the server's work, the network and the laptop's work overlap. Pages are
        still applied strictly in order, each with its cursor. Whatever was written after
        that head is then pulled page after page.
        """
        stage = "pull" if area is None else f"backfill:{area}"  # the directory: as a pull
        pulled = 0
        end = until if until is not None else head

        def fetch(after: int, upto: int | None) -> _Fetched:
            answer = self.pull(after, PAGE_SIZE, area, upto, directory)
            try:
                page = read_page(answer.get("log"))
                next_cursor = int(answer["next"])
                areas = [str(a) for a in answer["areas"]]
                authors = read_authors(answer.get("authors"))
                moved = read_transfers(answer.get("transfers"))
            except (ChangeInvalid, KeyError, TypeError, ValueError) as exc:
                raise SyncError("bad_answer", error=str(exc)) from exc
            has_more = bool(answer.get("has_more"))
            return _Fetched(page, next_cursor, has_more, areas, authors, moved)

        def apply(fetched: _Fetched, after: int) -> None:
            nonlocal pulled
            page, next_cursor = fetched.page, fetched.next
            if areas_changed is not None:
                page = page.without_areas(areas_changed(fetched.areas))
            if fetched.authors:
                replica.remember_authors(fetched.authors)
            notes = transfer_notes(page, fetched.transfers)
            if notes:  # before the page: a page applied again finds them there
                replica.remember_transfers(notes)
            if len(page) or next_cursor != after:
                replica.apply_page(page, next_cursor, cursor_name)
            # Received: the changes others made. This device's own come back too (they are
            # in the log it reads), and are not news.
            own, sites = replica.site, page.site
            pulled += sum(1 for i in page.change_rows() if sites[i] != own)
            step(stage, pulled, None)

        after = replica.cursor(cursor_name)
        with ThreadPoolExecutor(FETCH_AHEAD, thread_name_prefix="marugoto-pull") as pool:
            ranges: deque[tuple[int, Future[_Fetched]]] = deque()
            next_start = after
            span = PAGE_SIZE
            try:
                while True:
                    while end is not None and next_start < end and len(ranges) < FETCH_AHEAD:
                        stop = min(next_start + span, end)
                        ranges.append((stop, pool.submit(fetch, next_start, stop)))
                        next_start = stop
                    if not ranges:
                        break
                    stop, future = ranges.popleft()
                    fetched = future.result()
                    # Where this user sees few of the log's entries (other areas), wider
                    # ranges keep pages full and requests few.
                    density = len(fetched.page) / max(1, stop - after)
                    span = max(PAGE_SIZE, min(int(PAGE_SIZE / max(density, 0.05)), 20 * PAGE_SIZE))
                    apply(fetched, after)
                    after = fetched.next
                    while fetched.has_more and after < stop:  # denser than a page: the rest
                        fetched = fetch(after, stop)
                        apply(fetched, after)
                        after = fetched.next
                # Written after the head we started from (or the whole log when no head
                # was given): page after page.
                if until is None or after < until:
                    while True:
                        fetched = fetch(after, until)
                        apply(fetched, after)
                        moved = fetched.next != after
                        after = fetched.next
                        if not (fetched.has_more and moved):
                            break
            except BaseException as exc:
                for _, future in ranges:
                    future.cancel()
                if isinstance(exc, DeviceRevoked):
                    replica.wipe()
                raise
        return pulled
