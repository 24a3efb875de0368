"""PostgreSQL as the store, for servers that share one database (issue 22); no Flask here.

The store writes its SQL once, in the dialect both engines read: `?` marks (or `?N` for a
value used twice), ON CONFLICT upserts, `[name]` for a quoted name, SQLite's json_extract()
and json_array_length(). This module is the one place that speaks PostgreSQL instead:

- `translate()` turns the marks into psycopg's `%s` (and `%` into `%%`), once per statement;
- `PgDatabase` gives the store's helpers (planner/store/sql.py) the part of the sqlite3
  connection they use (execute, executemany, in_transaction), on psycopg 3;
- `FUNCTIONS` defines SQLite's JSON functions in PostgreSQL, so a query reads the same on both;
- `begin_writer()` is SQLite's one-writer-at-a-time for a transaction: a transaction-scoped
  advisory lock, so that a check-then-write (a throttle's count, an invite used once) cannot
  be raced by another server. A lone statement (a tap) takes no lock: PostgreSQL's row locks
  and ON CONFLICT already make it atomic;
- `pool()` keeps one psycopg-pool per database URL and process, each connection checked as
  it is handed out, so that after the database restarts the app reconnects by itself.

psycopg 3 rather than SQLAlchemy Core: the store's SQL stays as it is (SQLAlchemy would have
us rewrite every statement as expressions, or pass text through it anyway), SQLite keeps its
hot path untouched, and psycopg-pool is the pool psycopg's authors keep.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
import psycopg_pool
from psycopg.pq import TransactionStatus

URL_SCHEMES = ("postgresql://", "postgres://")
# Any 64-bit number of our own: the one advisory lock every write transaction takes.
WRITERS_LOCK = 0x706C616E6E6572  # "planner"
POOL_SIZE = 16  # a waitress worker's threads (8) and the sender's, with room to spare
CONNECT_TIMEOUT_S = 5
# How long a request waits for a connection. A pool is larger than a worker's threads, so a
# request waits only while a new connection is being made: milliseconds, or the whole of this
# when the database is away, before its "could not save, try again" (a tap kept 5 s was a
# long wait with nothing said, and held one of the worker's threads meanwhile).
POOL_TIMEOUT_S = 2.0

# SQLite's JSON functions over text columns, in PostgreSQL. json_extract returns jsonb, which
# psycopg reads back as the Python value (a number stays a number), as SQLite's does.
FUNCTIONS = (
    "create or replace function json_path(path text) returns text[] language sql immutable"
    " as $$ select case when path = '$' then array[]::text[]"
    " else string_to_array(substr(path, 3), '.') end $$",
    "create or replace function json_extract(doc text, path text) returns jsonb"
    " language sql immutable as $$ select (doc::jsonb) #> json_path(path) $$",
    "create or replace function json_array_length(doc text, path text) returns integer"
    " language sql immutable as $$ select case when jsonb_typeof((doc::jsonb)"
    " #> json_path(path)) = 'array' then jsonb_array_length((doc::jsonb) #> json_path(path))"
    " end $$",
)


def is_url(target: object) -> bool:
    """Whether a database setting names a PostgreSQL server rather than an SQLite file."""
    return isinstance(target, str) and target.startswith(URL_SCHEMES)


def shown(target: object) -> str:
    """A database setting as it may be printed or logged: a URL's password hidden."""
    text = str(target)
    if not is_url(text):
        return text
    parts = urlsplit(text)
    if parts.password is None:
        return text
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


@functools.lru_cache(maxsize=4096)
def translate(sql: str) -> tuple[str, tuple[int, ...] | None]:
    """The statement with psycopg's marks, and for `?N` marks the order to pass the values in
    (None when the marks are plain `?`). Quoted text is copied as it is, but for `%`."""
    out: list[str] = []
    order: list[int] = []
    numbered = False
    i, n = 0, len(sql)
    while i < n:
        c = sql[i]
        if c == "'":  # a string literal, '' inside it included
            j = i + 1
            while j < n:
                if sql[j] == "'" and (j + 1 >= n or sql[j + 1] != "'"):
                    break
                j += 2 if sql[j] == "'" else 1
            out.append(sql[i : j + 1].replace("%", "%%"))
            i = j + 1
        elif c == "?":
            j = i + 1
            while j < n and sql[j].isdigit():
                j += 1
            if j > i + 1:
                numbered = True
                order.append(int(sql[i + 1 : j]) - 1)
            else:
                order.append(len(order))
            out.append("%s")
            i = j
        elif c == "[":  # SQLite's quoted name: [name] -> "name"
            j = sql.index("]", i)
            out.append('"' + sql[i + 1 : j] + '"')
            i = j + 1
        elif c == "%":
            out.append("%%")
            i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out), tuple(order) if numbered else None


def _values(order: tuple[int, ...] | None, params: Sequence | dict) -> Sequence:
    if order is None:
        return params  # type: ignore[return-value]
    return [params[k] for k in order]  # type: ignore[index]


NUMERIC = 1700  # the type PostgreSQL gives sums and averages (psycopg reads it as Decimal)


def _plain(value: Any) -> Any:
    # SQLite gives sums and averages back as int or float; so do we.
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


class Cursor:
    """What the store reads of a sqlite3 cursor: description, fetchone, fetchall, rowcount,
    lastrowid (the `id` a statement ending in RETURNING gave back)."""

    def __init__(self, cursor: psycopg.Cursor):
        self._cursor = cursor
        # Read once: psycopg makes the list anew at each read (bench/README.md, issue 22).
        self.description = cursor.description
        self.rowcount = cursor.rowcount
        self.lastrowid: int | None = None
        # Only numeric columns come back as Decimal: the rows of a read without one are
        # passed on as psycopg gives them, not value by value through _plain.
        self._numeric = any(c.type_code == NUMERIC for c in self.description or ())

    def fetchone(self) -> tuple | None:
        if self.description is None:
            return None
        row = self._cursor.fetchone()
        if row is None or not self._numeric:
            return row
        return tuple(_plain(v) for v in row)

    def fetchall(self) -> list[tuple]:
        if self.description is None:
            return []
        rows = self._cursor.fetchall()
        if not self._numeric:
            return rows
        return [tuple(_plain(v) for v in row) for row in rows]


class PgConnection:
    """One psycopg connection in autocommit mode, speaking to the store as sqlite3 does: a
    statement outside BEGIN ... COMMIT is its own transaction."""

    def __init__(self, conn: psycopg.Connection):
        self.raw = conn

    @property
    def in_transaction(self) -> bool:
        return self.raw.info.transaction_status != TransactionStatus.IDLE

    def execute(self, sql: str, params: Sequence | dict = ()) -> Cursor:
        text, order = translate(sql)
        return Cursor(self.raw.execute(text, _values(order, params) or None))  # type: ignore[arg-type]

    def executemany(self, sql: str, rows: Iterable[Sequence]) -> Cursor:
        text, order = translate(sql)
        with self.raw.cursor() as cursor:
            cursor.executemany(text, [_values(order, row) for row in rows])  # type: ignore[misc]
            return Cursor(cursor)

    def close(self) -> None:
        self.raw.close()


class PgDatabase:
    """The store's handle on PostgreSQL: `.conn` as above, and whether it came from a pool
    (then `close()` hands it back instead of closing it)."""

    engine = "postgresql"
    lock_path = None

    def __init__(
        self, conn: psycopg.Connection, url: str, pool: psycopg_pool.ConnectionPool | None
    ):
        self.conn = PgConnection(conn)
        self.url = url
        self._pool = pool

    def execute(self, sql: str, params: Sequence | dict = ()) -> Cursor:
        return self.conn.execute(sql, params)

    def close(self) -> None:
        if self._pool is None:
            self.conn.close()
            return
        if self.conn.in_transaction and not self.conn.raw.broken:
            self.conn.raw.rollback()  # never hand back an open transaction
        self._pool.putconn(self.conn.raw)

    def __enter__(self) -> PgDatabase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _configure(conn: psycopg.Connection) -> None:
    conn.autocommit = True


def connect(url: str) -> PgDatabase:
    """A connection of its own (the CLI, a backup, a test), not one from the pool."""
    conn = psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S)
    return PgDatabase(conn, url, None)


thread_local = threading.local()  # each thread's own connections (sql.thread_db)
_pools: dict[str, psycopg_pool.ConnectionPool] = {}
_pools_lock = threading.Lock()
_pool_size = POOL_SIZE


def size_pools_for(threads: int) -> None:
    """Pools opened from now on hold a connection for each of `threads` serving threads and
    the reminders' sender (`planner serve --threads`): a thread that had to wait for another's
    connection would be answered "could not save" after POOL_TIMEOUT_S under load."""
    global _pool_size
    _pool_size = max(POOL_SIZE, threads + 2)


def pool(url: str) -> psycopg_pool.ConnectionPool:
    """This process's pool for `url`, opened on first use. Each connection is checked when it
    is handed out: one that died with the server is replaced instead of failing a request."""
    with _pools_lock:
        kept = _pools.get(url)
        if kept is None:
            kept = psycopg_pool.ConnectionPool(
                url,
                min_size=1,
                max_size=_pool_size,
                kwargs={"autocommit": True, "connect_timeout": CONNECT_TIMEOUT_S},
                configure=_configure,
                check=psycopg_pool.ConnectionPool.check_connection,
                timeout=POOL_TIMEOUT_S,
                # No retrying in the background while the server is away (0 gives up a
                # failed reconnection at its second try): a request that finds no
                # connection asks for a new one itself, so requests are served again as
                # soon as the server is back (tests/test_pg_faults.py).
                reconnect_timeout=0,
                open=True,
                name="planner",
            )
            _pools[url] = kept
        return kept


def pooled(url: str) -> PgDatabase:
    """A connection from the process's pool; `close()` hands it back."""
    the_pool = pool(url)
    return PgDatabase(the_pool.getconn(), url, the_pool)


def close_pools() -> None:
    """Close every pool of this process (server shutdown, before a fork, tests)."""
    with _pools_lock:
        for each in _pools.values():
            each.close()
        _pools.clear()


def begin_writer(conn: PgConnection) -> None:
    """BEGIN, then wait for the writers' lock (let go at COMMIT or ROLLBACK)."""
    conn.execute("BEGIN")
    conn.execute(f"select pg_advisory_xact_lock({WRITERS_LOCK})")


def end(conn: PgConnection, commit: bool) -> None:
    """COMMIT or ROLLBACK; a rollback on a connection the server dropped is not needed."""
    if commit:
        conn.execute("COMMIT")
    elif not conn.raw.broken:
        conn.execute("ROLLBACK")


def table_names(db: PgDatabase) -> list[str]:
    return [
        row[0]
        for row in db.conn.execute(
            "select table_name from information_schema.tables"
            " where table_schema = current_schema() and table_type = 'BASE TABLE'"
        ).fetchall()
    ]


def tables_with_column(db: PgDatabase, column: str) -> list[str]:
    return [
        row[0]
        for row in db.conn.execute(
            "select c.table_name from information_schema.columns c"
            " join information_schema.tables t on t.table_name = c.table_name"
            " and t.table_schema = c.table_schema and t.table_type = 'BASE TABLE'"
            " where c.table_schema = current_schema() and c.column_name = ?"
            " order by c.table_name",
            [column],
        ).fetchall()
    ]


def defer_foreign_keys(db: PgDatabase) -> None:
    """Check foreign keys at COMMIT (every one is made DEFERRABLE, see schema_pg)."""
    db.conn.execute("set constraints all deferred")


OperationalErrors: tuple[type[BaseException], ...] = (
    psycopg.OperationalError,
    psycopg_pool.PoolTimeout,
)
