"""Ledger rows for the generator: invoices, payments received and the
allocations that settle them, with their journal entries and lines, exactly
as the finance posting service would have written them — numbered per
journal and year without gaps, each entry extending the SHA-256 chain
(``plugins.finance.services.ledger.entry_hash``), so ``verify_chain`` passes
on a generated ledger.

Written month by month in date order through the bulk path.  Each invoice
is paid on time, late, half or never, so every aging bucket is populated.
"""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from types import SimpleNamespace

from sqlalchemy import text

from .bulk import bulk_insert
from .generate import AS_OF

MONTHS = 24
#: (product, unit price) — what a household-appliance dealer buys.
PRODUCTS = (
    ("海信 55 英寸液晶电视 55E3F", Decimal("2999.00")),
    ("创维 65 英寸智慧屏 65A3D", Decimal("3899.00")),
    ("美的 1.5 匹变频空调 KFR-35GW", Decimal("2599.00")),
    ("格力 大 1 匹壁挂空调 KFR-26GW", Decimal("2299.00")),
    ("海尔 470 升十字对开门冰箱", Decimal("3599.00")),
    ("小天鹅 10 公斤滚筒洗衣机", Decimal("1999.00")),
    ("方太 欧式油烟机 EMD2T", Decimal("3299.00")),
    ("老板 燃气灶 30B0X", Decimal("1499.00")),
    ("九阳 破壁料理机 L18-Y915S", Decimal("599.00")),
    ("苏泊尔 电饭煲 SF40FC875", Decimal("399.00")),
    ("TCL 43 英寸电视 43V8E", Decimal("1299.00")),
    ("长虹 电热水器 60 升", Decimal("899.00")),
)
#: Expected ledger lines per invoice: 2, plus 4 (payment + allocation) when paid.
LINES_PER_INVOICE = 5.5
KIND_ORDER = {"inv": 0, "pay": 1}


def _month_start(m: int) -> date:
    """First day of month ``m`` (0 = the oldest of the MONTHS before AS_OF)."""
    y, mo = AS_OF.year, AS_OF.month - (MONTHS - 1) + m
    while mo <= 0:
        mo += 12
        y -= 1
    return date(y, mo, 1)


def _month_index(d: date) -> int:
    first = _month_start(0)
    return (d.year - first.year) * 12 + d.month - first.month


#: Row triggers that re-check, per inserted row, what the generator builds
#: right by construction (a complete entry gets exactly ``line_count`` lines;
#: there is no lock date).  On PostgreSQL each is a PL/pgSQL call per row, so
#: they are switched off for the load — inside its transaction, as a restore
#: would — and on again before it commits.
#: The running totals' trigger goes too: one transaction upserting the same
#: 300,000 (account, customer) rows chunk after chunk leaves every version of
#: them in the table until it commits (scale L took over 25 minutes instead
#: of 17); the totals are summed from the lines once at the end instead, as
#: the migration that introduced them does.
PG_LOAD_TRIGGERS = (("finance_line", "finance_line_sealed"),
                    ("finance_entry", "finance_entry_lock_date"),
                    ("finance_line", "finance_line_balance"))


def _pg_triggers(conn, enable: bool) -> None:
    if conn.dialect.name != "postgresql":
        return
    if enable:
        from plugins.finance.models.triggers import BACKFILL

        conn.exec_driver_sql("DELETE FROM finance_balance")
        conn.exec_driver_sql(BACKFILL)
    for table, trigger in PG_LOAD_TRIGGERS:
        conn.exec_driver_sql(
            f"ALTER TABLE {table} {'ENABLE' if enable else 'DISABLE'} TRIGGER {trigger}")


class _Ledger:
    """Counters, the hash chain and row buffers flushed in FK order."""

    ORDER = ("finance_entry", "finance_line", "finance_invoice", "finance_invoice_line",
             "finance_payment", "finance_allocation")

    def __init__(self, conn, tables, accounts, journals, poster_id):
        from plugins.finance.services.ledger import GENESIS, entry_hash

        self.conn, self.tables = conn, tables
        self.acc, self.jrn, self.poster = accounts, journals, poster_id
        self.entry_hash = entry_hash
        self.prev_hash, self.chain = GENESIS, 0
        self.seq: dict[tuple[str, int], int] = {}
        self.ids = {t: 0 for t in self.ORDER}
        self.buf: dict[str, list[dict]] = {t: [] for t in self.ORDER}
        self.lines = 0

    def next_id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    def entry(self, journal: str, when: date, lines: list[tuple], memo: str, cust,
              source: str | None = None) -> tuple[int, str]:
        """``lines``: (account code, debit, credit, customer id or None, memo)."""
        year = when.year
        n = self.seq[(journal, year)] = self.seq.get((journal, year), 0) + 1
        number = f"{journal}/{year}/{n:05d}"
        self.chain += 1
        eid = self.next_id("finance_entry")
        cid, unit, owner = cust
        total = sum(ln[1] for ln in lines)
        e = SimpleNamespace(
            id=eid, journal_id=self.jrn[journal], number=number, year=year, seq=n, date=when,
            memo=memo[:255], customer_id=cid, unit_id=unit, salesperson_id=owner, source=source,
            reversal_of_id=None, total=total, line_count=len(lines), chain_seq=self.chain,
            prev_hash=self.prev_hash, posted_at=datetime.combine(when, time(10, 0)),
            posted_by=self.poster)
        ls = [SimpleNamespace(id=self.next_id("finance_line"), entry_id=eid, position=i,
                              account_id=self.acc[code], customer_id=lc, date=when, debit=d,
                              credit=c, memo=m[:255], unit_id=unit, salesperson_id=owner)
              for i, (code, d, c, lc, m) in enumerate(lines, start=1)]
        e.hash = self.entry_hash(e.prev_hash, e, ls)
        self.prev_hash = e.hash
        self.buf["finance_entry"].append(vars(e))
        self.buf["finance_line"].extend(vars(x) for x in ls)
        self.lines += len(ls)
        return eid, number

    def add(self, table: str, row: dict) -> None:
        self.buf[table].append(row)

    def flush(self, force: bool = False) -> None:
        if not force and len(self.buf["finance_line"]) < 40_000:
            return
        for t in self.ORDER:
            if self.buf[t]:
                bulk_insert(self.conn, self.tables[t], self.buf[t])
                self.buf[t] = []


def insert_ledger(app, rng: random.Random, ds, target_lines: int) -> int:
    """About ``target_lines`` ledger lines over the 24 months up to AS_OF."""
    from core.db import Base
    from plugins.finance.services import chart

    ext = app.extensions["qudao"]
    with ext.db.session() as s:
        chart.ensure_setup(s)
    tables = {t: Base.metadata.tables[t] for t in _Ledger.ORDER}
    engine = ext.db.engine
    with engine.begin() as conn:
        accounts = dict(conn.execute(text("SELECT code, id FROM finance_account")).all())
        journals = dict(conn.execute(text("SELECT code, id FROM finance_journal")).all())
        trading = [tuple(r) for r in conn.execute(text(
            "SELECT id, org_unit_id, owner_id FROM customers_customer "
            "WHERE status IN ('active', 'suspended', 'eliminated') ORDER BY id")).all()]
        if not trading:
            return 0
        terms = {}
        profiles = []
        for cid, _u, _o in trading:
            days = rng.choice((0, 30, 30, 30, 60, 60, 90))
            terms[cid] = days
            profiles.append({"customer_id": cid, "credit_limit": Decimal(rng.choice(
                (0, 50_000, 100_000, 200_000, 500_000))) if days else Decimal(0),
                "terms": "net" if days else "prepayment", "term_days": days,
                "created_at": datetime(2024, 1, 1), "updated_at": datetime(2024, 1, 1)})
        bulk_insert(conn, Base.metadata.tables["finance_credit_profile"], profiles)

        _pg_triggers(conn, enable=False)
        led = _Ledger(conn, tables, accounts, journals, ds.people.finance_id)
        rate = target_lines / (len(trading) * MONTHS * LINES_PER_INVOICE)
        pending: dict[int, list[tuple]] = {}
        numbers: dict[int, str] = {}
        for m in range(MONTHS):
            start = _month_start(m)
            end = min(_month_start(m + 1) - timedelta(days=1) if m + 1 < MONTHS else AS_OF,
                      AS_OF)
            span = (end - start).days
            events = []
            for cust in trading:
                k = int(rate) + (1 if rng.random() < rate - int(rate) else 0)
                for _ in range(k):
                    day = start + timedelta(days=rng.randint(0, span))
                    product, price = rng.choice(PRODUCTS)
                    qty = rng.randint(1, 40)
                    amount = price * qty
                    due = day + timedelta(days=terms[cust[0]])
                    inv_id = led.next_id("finance_invoice")
                    events.append((day, 0, cust[0], inv_id, "inv", cust, product, qty, price,
                                   amount, due))
                    r = rng.random()
                    if r < 0.72:
                        paid, amt = day + timedelta(days=rng.randint(0, terms[cust[0]])), amount
                    elif r < 0.90:
                        paid, amt = due + timedelta(days=rng.randint(1, 90)), amount
                    elif r < 0.95:
                        paid = due + timedelta(days=rng.randint(0, 30))
                        amt = (amount / 2).quantize(Decimal("0.01"))
                    else:
                        continue
                    if paid <= AS_OF:
                        pending.setdefault(_month_index(paid), []).append(
                            (paid, 1, cust[0], inv_id, "pay", cust, amt))
            events.extend(pending.pop(m, []))
            events.sort(key=lambda e: e[:4])
            for ev in events:
                if ev[4] == "inv":
                    _invoice(led, ev, numbers)
                else:
                    _payment(led, ev, numbers, rng)
                led.flush()
        led.flush(force=True)
        _finish(conn, led)
        _pg_triggers(conn, enable=True)
    return led.lines


def _invoice(led: _Ledger, ev, numbers: dict[int, str]) -> None:
    day, _k, cid, inv_id, _kind, cust, product, qty, price, amount, due = ev
    eid, number = led.entry("INV", day, [
        ("1122", amount, Decimal(0), cid, product),
        ("6001", Decimal(0), amount, cid, product),
    ], product, cust)
    numbers[inv_id] = number
    led.add("finance_invoice", {
        "id": inv_id, "number": number, "kind": "sale", "customer_id": cid, "date": day,
        "due_date": due, "amount": amount, "description": product, "source": None,
        "external_ref": None, "state": "posted", "entry_id": eid, "created_by": led.poster,
        "created_at": datetime.combine(day, time(10, 0))})
    led.add("finance_invoice_line", {
        "id": led.next_id("finance_invoice_line"), "invoice_id": inv_id, "description": product,
        "quantity": Decimal(qty), "unit_price": price, "amount": amount})


def _payment(led: _Ledger, ev, numbers: dict[int, str], rng: random.Random) -> None:
    day, _k, cid, inv_id, _kind, cust, amount = ev
    ref = f"银行回单 {rng.randint(10**9, 10**10 - 1)}"
    eid, pay_number = led.entry("REC", day, [
        ("1002", amount, Decimal(0), None, ref),
        ("2203", Decimal(0), amount, cid, ""),
    ], ref, cust)
    pay_id = led.next_id("finance_payment")
    at = datetime.combine(day, time(10, 0))
    led.add("finance_payment", {
        "id": pay_id, "number": pay_number, "customer_id": cid, "date": day, "amount": amount,
        "method": "bank", "reference": ref, "memo": "", "state": "posted", "entry_id": eid,
        "created_by": led.poster, "created_at": at})
    inv_number = numbers[inv_id]
    aid, _n = led.entry("ALC", day, [
        ("2203", amount, Decimal(0), cid, pay_number),
        ("1122", Decimal(0), amount, cid, inv_number),
    ], f"{pay_number} → {inv_number}", cust, source=f"finance.invoice:{inv_id}")
    led.add("finance_allocation", {
        "id": led.next_id("finance_allocation"), "customer_id": cid, "invoice_id": inv_id,
        "payment_id": pay_id, "credit_note_id": None, "amount": amount, "date": day,
        "entry_id": aid, "undo_of_id": None, "created_by": led.poster, "created_at": at})


def _finish(conn, led: _Ledger) -> None:
    """Sequences continue after the generated numbers; the ledger state
    holds the head of the chain."""
    for (journal, year), n in led.seq.items():
        conn.execute(text("INSERT INTO core_sequence (key, year, last_value) VALUES (:k, :y, :n)"),
                     {"k": f"finance.{journal}", "y": year, "n": n})
    conn.execute(text("UPDATE finance_ledger_state SET chain_seq = :c, last_hash = :h WHERE id = 1"),
                 {"c": led.chain, "h": led.prev_hash})


def insert_statement_month(app, ds, plan: dict[int, int], year: int, month: int,
                           rng: random.Random) -> int:
    """For each ``customer id: rows``, that many statement movements in the
    month (invoices and payments taking turns; each payment settles the
    invoice before it, and its allocation is not a movement), plus one
    invoice the month before for an opening balance.  Returns lines written."""
    from core.db import Base
    from plugins.finance.services import chart

    ext = app.extensions["qudao"]
    with ext.db.session() as s:
        chart.ensure_setup(s)
    tables = {t: Base.metadata.tables[t] for t in _Ledger.ORDER}
    first = date(year, month, 1)
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1))
    with ext.db.engine.begin() as conn:
        accounts = dict(conn.execute(text("SELECT code, id FROM finance_account")).all())
        journals = dict(conn.execute(text("SELECT code, id FROM finance_journal")).all())
        custs = {r[0]: tuple(r) for r in conn.execute(text(
            "SELECT id, org_unit_id, owner_id FROM customers_customer")).all()}
        _pg_triggers(conn, enable=False)
        led = _Ledger(conn, tables, accounts, journals, ds.people.finance_id)
        numbers: dict[int, str] = {}
        for cid, n_rows in plan.items():
            cust = custs[cid]
            product, price = rng.choice(PRODUCTS)
            opening_day = first - timedelta(days=10)
            _invoice(led, (opening_day, 0, cid, led.next_id("finance_invoice"), "inv", cust,
                           product, 3, price, price * 3, opening_day + timedelta(days=30)),
                     numbers)
            days = sorted(first + timedelta(days=rng.randint(0, (last - first).days))
                          for _ in range(n_rows))
            last_invoice = None
            for i, day in enumerate(days):
                if i % 2 == 0:
                    product, price = rng.choice(PRODUCTS)
                    qty = rng.randint(1, 20)
                    last_invoice = (led.next_id("finance_invoice"), price * qty)
                    _invoice(led, (day, 0, cid, last_invoice[0], "inv", cust, product, qty,
                                   price, price * qty, day + timedelta(days=30)), numbers)
                else:
                    _payment(led, (day, 1, cid, last_invoice[0], "pay", cust, last_invoice[1]),
                             numbers, rng)
                led.flush()
        led.flush(force=True)
        _finish(conn, led)
        _pg_triggers(conn, enable=True)
    return led.lines
