"""Demo data of the retail-client area: the branch's people and ~300 retail
customers with profiles, households, holdings, important dates, FABE cards
and a few lobby censuses.  Deterministic (seeded)."""
from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from core import services as core_services
from core.models import Role, User
from plugins.customers.api import ACTIVE, create_customer

from .models import BankHolding, BankHousehold, BankRetailProfile
from .models.clients import (AGENCY, CREDIT_CARD, DEPOSIT, EBANKING, FUND, INSURANCE, ORIENTATIONS,
                             TEMPERAMENTS, TERM_DEPOSIT, WEALTH)
from .models.retail import BankCensus, BankImportantDate, BankProductCard
from core import clock

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
         "超", "秀英", "霞", "平", "刚", "桂英", "建华", "玉兰", "志强", "海燕", "国强", "淑珍", "文博", "子涵"]
#: username, full name, roles, key in context["bank_people"]
PEOPLE = [
    ("bank_lobby", "郑晓燕", ["br_lobby"], "lobby"),
    ("bank_teller1", "冯佳", ["br_teller"], "teller"),
    ("bank_teller2", "蒋涛", ["br_teller"], "teller"),
    ("bank_wm2", "韩雪", ["br_wealth"], "wealth"),
    ("bank_wm3", "唐宁", ["br_wealth"], "wealth"),
]
PRODUCTS = {
    DEPOSIT: ["活期储蓄"],
    TERM_DEPOSIT: ["整存整取 1 年", "整存整取 3 年", "大额存单 2 年"],
    WEALTH: [("稳盈 90 天", "R2"), ("季季享 180 天", "R2"), ("睿享净值 1 年", "R3"), ("权益增强", "R4")],
    FUND: [("货币基金 A", "R1"), ("纯债基金", "R2"), ("沪深 300 指数", "R4"), ("科技成长混合", "R5")],
    INSURANCE: [("年金保险 10 年交", "R1"), ("分红型终身寿险", "R2")],
    EBANKING: ["手机银行"],
    CREDIT_CARD: ["白金信用卡", "金卡"],
    AGENCY: [("信托计划（代销）", "R3"), ("券商收益凭证（代销）", "R3")],
}
CARDS = [
    (WEALTH, "稳盈 90 天", "90 天封闭期，中低风险（R2），业绩比较基准 3.1%。",
     "期限短、到期自动回款，比活期多出可观收益。",
     "三个月内不用的钱有了安排，到期可以再决定怎么用。",
     "近 12 期全部达到业绩比较基准；本网点已有 80 多位客户连续购买。"),
    (TERM_DEPOSIT, "大额存单 2 年", "20 万元起存，可转让，存款保险保障。",
     "利率高于同期限定期存款，急用时可转让不损失利息。",
     "保本稳健，又不怕临时要用钱。",
     "存款保险条例保障 50 万元以内本息；上季度网点大额存单转让 12 笔均当日到账。"),
    (CREDIT_CARD, "白金信用卡", "首年免年费，机场贵宾厅、道路救援。",
     "刷卡积分可兑换里程，境外消费免货币转换费。",
     "出差旅行更省心，日常消费还能攒里程。",
     "持卡客户平均每年使用贵宾厅 4 次；积分兑换里程 1:1。"),
    (FUND, "纯债基金", "主投国债、政策性金融债，R2。",
     "波动小于股票基金，收益通常高于存款。",
     "想比存款多赚一点、又怕大起大落，正合适。",
     "近三年年化 3.8%，最大回撤 0.9%（基金定期报告）。"),
]


def _id_number(rnd: random.Random, born: date) -> str:
    body = "3201" + f"{rnd.randrange(1, 17):02d}" + born.strftime("%Y%m%d") + f"{rnd.randrange(1000):03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights)) % 11]
    return body + check


def _card(customer_id: int) -> str:
    """A 19-digit debit card number, derived from the id (the random draws stay as they were)."""
    return f"622202{customer_id * 7919 % 10**13:013d}"


def _mobile(rnd: random.Random) -> str:
    return rnd.choice(["138", "139", "135", "137", "158", "159", "186", "187"]) + f"{rnd.randrange(10**8):08d}"


def branch_people(session, context) -> dict:
    """The demo users bank_head and bank_rm (core's) get the branch roles;
    a lobby manager, two tellers and two more wealth managers join them."""
    from core.bootstrap import DEMO_PASSWORD

    users, bank = context["users"], context["bank"]
    roles = {r.name: r for r in session.scalars(select(Role))}
    people: dict = {"head": users["bank_head"], "lobby": None, "tellers": [],
                    "wealth": [users["bank_rm"]]}
    for username, extra in (("bank_head", "br_head"), ("bank_rm", "br_wealth")):
        u = users[username]
        if extra in roles and roles[extra] not in u.roles:
            core_services.set_user_roles(session, u, list(u.roles) + [roles[extra]], reason="demo data")
    for username, name, rs, key in PEOPLE:
        u = session.scalar(select(User).where(User.username == username))
        if u is None:
            u, _pw = core_services.create_user(session, username, DEMO_PASSWORD, rs, bank, name)
        users[username] = u
        if key == "lobby":
            people["lobby"] = u
        elif key == "teller":
            people["tellers"].append(u)
        else:
            people["wealth"].append(u)
    people["all"] = [people["head"], people["lobby"], *people["tellers"], *people["wealth"]]
    context["bank_people"] = people
    return people


def load_clients(session, context, n: int = 300) -> list:
    rnd = random.Random(20261206)
    today = clock.today()
    people = branch_people(session, context)
    bank = context["bank"]
    wealth = people["wealth"]
    out = []
    households: list[tuple[int, int]] = []  # (household id, owner id)
    for i in range(n):
        owner = wealth[i % len(wealth)]
        surname = rnd.choice(SURNAMES)
        name = surname + rnd.choice(GIVEN)
        age = rnd.choice([rnd.randint(25, 45), rnd.randint(40, 64), rnd.randint(60, 82)])
        born = date(today.year - age, rnd.randint(1, 12), rnd.randint(1, 28))
        c = create_customer(session, name=name, kind="retail", org_unit_id=bank.id, owner_id=owner.id,
                            province="江苏省", city="南京市",
                            county=rnd.choice(["玄武区", "鼓楼区", "秦淮区", "建邺区"]),
                            phone=_mobile(rnd))
        c.status = ACTIVE
        wealthy = rnd.random() < .3
        household_id, role = None, None
        if households and rnd.random() < .3:
            hid, hown = rnd.choice(households)
            if hown == owner.id:
                household_id, role = hid, rnd.choice(["spouse", "child", "parent"])
        elif rnd.random() < .25:
            hh = BankHousehold(name=f"{surname}家")
            session.add(hh)
            session.flush()
            households.append((hh.id, owner.id))
            household_id, role = hh.id, "self"
        level = rnd.choice(["C1", "C2", "C3", "C3", "C4", "C5"]) if rnd.random() < .85 else None
        assessed = today - timedelta(days=rnd.randint(5, 420)) if level else None
        session.add(BankRetailProfile(
            customer_id=c.id, potential="high" if rnd.random() < .4 else "low",
            orientation=rnd.choice(ORIENTATIONS) if rnd.random() < .8 else None,
            temperament=rnd.choice(TEMPERAMENTS) if rnd.random() < .7 else None,
            birthday=born, id_number=_id_number(rnd, born), risk_level=level,
            risk_assessed_on=assessed, household_id=household_id, household_role=role,
            stage="acquainted", card_number=_card(c.id)))
        if rnd.random() < .15:
            session.add(BankImportantDate(customer_id=c.id, label=rnd.choice(
                ["结婚纪念日", "孩子高考", "公司周年庆", "乔迁纪念"]),
                on=date(today.year, rnd.randint(1, 12), rnd.randint(1, 28))))
        _holdings(session, rnd, c.id, owner.id, level, wealthy, age >= 65, today)
        out.append(c)
    _cards_and_census(session, people, today)
    session.flush()
    return out


def _holdings(session, rnd, customer_id, owner_id, level, wealthy, elderly, today) -> None:
    kinds = [DEPOSIT]
    extra = rnd.choices([0, 1, 2, 3, 4], weights=[30, 30, 20, 12, 8])[0]
    kinds += rnd.sample([TERM_DEPOSIT, WEALTH, FUND, INSURANCE, EBANKING, CREDIT_CARD, AGENCY], extra)
    scale = 10 if wealthy else 1
    max_risk = int(level[1]) if level else 0
    for kind in kinds:
        start = today - timedelta(days=rnd.randint(10, 700))
        maturity, rate, risk, ref = None, None, None, None
        choice = rnd.choice(PRODUCTS[kind])
        product = choice[0] if isinstance(choice, tuple) else choice
        if isinstance(choice, tuple):
            risk = choice[1]
            if int(risk[1]) > max_risk:  # suitability: only what the customer's level allows
                if max_risk == 0:
                    continue
                risk = f"R{max_risk}"
            ref = f"SL{start:%Y%m%d}{rnd.randrange(10000):04d}"
        amount = Decimal(rnd.randrange(1, 60) * 1000 * scale)
        if kind == DEPOSIT:
            amount = Decimal(rnd.randrange(500, 90000 * scale)) + Decimal(rnd.randrange(100)) / 100
        if kind in (TERM_DEPOSIT, WEALTH, AGENCY):
            # about one in six matures in the coming month (the care area's reminders)
            maturity = (today + timedelta(days=rnd.randint(1, 30)) if rnd.random() < .17
                        else today + timedelta(days=rnd.randint(31, 400)))
            if maturity <= start:
                maturity = start + timedelta(days=90)
            rate = Decimal(rnd.choice(["0.0175", "0.0210", "0.0260", "0.0310", "0.0345"]))
        if kind in (EBANKING, CREDIT_CARD):
            # not assets: e-banking has no amount, a credit card its limit
            amount = Decimal(0) if kind == EBANKING else Decimal(rnd.choice([20000, 50000, 100000]))
        session.add(BankHolding(customer_id=customer_id, kind=kind, product_name=product,
                                amount=amount, start_on=start, maturity_on=maturity,
                                yield_rate=rate, risk_level=risk, recording_ref=ref,
                                sold_by=owner_id, elderly=bool(risk and elderly), status="open"))


def _cards_and_census(session, people, today) -> None:
    head = people["head"]
    for kind, title, f, a, b, e in CARDS:
        session.add(BankProductCard(kind=kind, title=title, feature=f, advantage=a, benefit=b,
                                    evidence=e, updated_by=head.id))
    lobby = people["lobby"]
    for days_ago, kind, present, holders in ((1, CREDIT_CARD, 18, 7), (3, EBANKING, 22, 15),
                                             (8, FUND, 15, 3)):
        session.add(BankCensus(day=today - timedelta(days=days_ago), kind=kind, present=present,
                               holders=holders, taken_by=lobby.id))
