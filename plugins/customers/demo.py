"""Demo data: a Hangzhou appliance office with about 200 customers across
kinds, grades and regions of northern Zhejiang, their contacts and the boss's
notes, visits over the last three months, today's route, follow-ups,
MAN checks, evaluations, loyalty types and account-opening applications.

Grades: the office's purchases of the last months as the previous system
reported them are recorded (``PurchaseHistory``) and the grades are computed
from them by ``grading.recompute`` — at once, and again when the demo is
committed, with the other plugins' demo orders added.  ``qudao customers
grade`` and the list's "recompute" button then find the same grades.
"""
from __future__ import annotations

import io
import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import event

from core.attachments import save as save_attachment

from .services import evaluation, grading, man, opening, master, uscc, visits
from .models import (
    ACTIVE,
    APPLYING,
    ELIMINATED,
    PROSPECT,
    SUBMITTED,
    SUSPENDED,
    Application,
    Contact,
    FollowUp,
    PurchaseHistory,
    Visit,
)
from core import clock

# province, city, county, towns
REGIONS = [
    ("浙江省", "杭州市", "西湖区", ["文新街道", "翠苑街道", "转塘街道"]),
    ("浙江省", "杭州市", "拱墅区", ["米市巷街道", "大关街道", "祥符街道"]),
    ("浙江省", "杭州市", "萧山区", ["城厢街道", "瓜沥镇", "临浦镇", "义桥镇"]),
    ("浙江省", "杭州市", "余杭区", ["五常街道", "仓前街道", "闲林街道"]),
    ("浙江省", "杭州市", "临安区", ["锦城街道", "於潜镇", "昌化镇"]),
    ("浙江省", "杭州市", "桐庐县", ["桐君街道", "分水镇", "富春江镇"]),
    ("浙江省", "绍兴市", "越城区", ["府山街道", "东湖街道"]),
    ("浙江省", "绍兴市", "柯桥区", ["柯桥街道", "钱清街道", "杨汛桥街道"]),
    ("浙江省", "绍兴市", "诸暨市", ["暨阳街道", "店口镇", "枫桥镇"]),
    ("浙江省", "湖州市", "德清县", ["武康街道", "新市镇", "乾元镇"]),
    ("浙江省", "湖州市", "长兴县", ["雉城街道", "泗安镇", "和平镇"]),
    ("浙江省", "嘉兴市", "海宁市", ["海洲街道", "许村镇", "长安镇"]),
    ("浙江省", "嘉兴市", "桐乡市", ["梧桐街道", "濮院镇", "乌镇镇"]),
]
#: The districts of the store's and the bank's customers, as the national
#: division list names them (浦东新区, not 浦东区).
COUNTIES = {"上海静安": "静安区", "上海徐汇": "徐汇区", "上海浦东": "浦东新区",
            "南京玄武": "玄武区", "南京鼓楼": "鼓楼区", "南京秦淮": "秦淮区"}
STREETS = ["人民路", "解放路", "建设路", "中山路", "文化路", "新华路", "商业街", "工业路",
           "市心路", "体育场路", "环城北路", "迎宾大道"]
TRADE_NAMES = ["永利", "恒通", "金鑫", "顺发", "华联", "大众", "百佳", "宏达", "联华", "家乐",
               "万家", "新时代", "长城", "富春", "江南", "东方", "天和", "众鑫", "荣昌", "兴隆",
               "佳美", "瑞丰", "通达", "惠民", "汇丰", "德胜", "鸿运", "四海", "良友", "安康"]
SUFFIXES = ["电器商行", "家电城", "电器有限公司", "家电经营部", "电器城", "家电商场",
            "五金电器店", "数码家电广场"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余"
GIVEN = ["建华", "国强", "海峰", "志明", "晓东", "丽娟", "美玲", "伟", "磊", "军", "敏", "静",
         "建国", "永强", "秀英", "春燕", "文杰", "金龙", "桂芳", "小平", "卫东", "红梅"]
HOBBIES = ["钓鱼", "打麻将", "喝茶", "爬山", "下象棋", "打羽毛球", "唱越剧", "收藏紫砂壶"]
PERSONALITY = ["爽快，讲义气", "精打细算，重视利润", "谨慎多疑，要多沟通", "好面子，喜欢被尊重",
               "急性子，决策快", "稳重，重视长期合作"]
FAMILY = ["儿子在杭州读大学", "女儿刚结婚", "妻子管账", "父亲身体不好", "两个孩子在读初中",
          "兄弟一起经营"]
ROLES = ["老板", "老板娘", "店长", "采购", "财务", "导购组长"]
COMPETITORS = ["海信在搞以旧换新，力度不小", "TCL 样机上了两台新款", "格力空调旺季压货 30 万",
               "美的给了 3 个点的年返", "竞品业务员每周来两次", "长虹在做乡镇巡展"]


def _person(rnd: random.Random) -> str:
    return rnd.choice(SURNAMES) + rnd.choice(GIVEN)


def _phone(rnd: random.Random) -> str:
    return rnd.choice(["138", "139", "135", "137", "158", "159", "186", "187"]) + \
        f"{rnd.randrange(10**8):08d}"


def _uscc(rnd: random.Random, division: str) -> str:
    alphabet = uscc.ALPHABET
    body = "".join(rnd.choice(alphabet) for _ in range(9))
    return uscc.make("92" + division + body if rnd.random() < .4 else "91" + division + body)


def _kind_plan(session) -> list[str]:
    codes = {k for k, _label in master.kinds(session)}
    dealer = [k for k in ("member", "traditional", "chain_national", "chain_local") if k in codes]
    if dealer:
        weights = {"member": 5, "traditional": 8, "chain_local": 2, "chain_national": 1}
        return [k for k in dealer for _ in range(weights[k])]
    return ["general"]


def load(session, context: dict) -> None:
    rnd = random.Random(2026)
    users = context["users"]
    office = context["office"]
    today = clock.today()
    kinds = _kind_plan(session)
    owners = [users["sales1"]] * 9 + [users["sales2"]] * 9 + [users["manager"]] * 2
    statuses = [ACTIVE] * 150 + [PROSPECT] * 22 + [APPLYING] * 6 + [SUSPENDED] * 7 + \
        [ELIMINATED] * 5
    rnd.shuffle(statuses)
    used_names: set[str] = set()
    created = []
    for i, status in enumerate(statuses):
        province, city, county, towns = REGIONS[i % len(REGIONS)] if i < 26 else rnd.choice(REGIONS)
        town = rnd.choice(towns)
        while True:
            place = (town[:2] if rnd.random() < .5 else county[:2])
            name = place + rnd.choice(TRADE_NAMES) + rnd.choice(SUFFIXES)
            if name not in used_names:
                used_names.add(name)
                break
        owner = rnd.choice(owners)
        boss = _person(rnd)
        licence = _uscc(rnd, "330" + f"{rnd.randrange(100, 999)}")
        fields = dict(
            province=province, city=city, county=county, town=town,
            address=f"{town}{rnd.choice(STREETS)}{rnd.randrange(1, 400)}号",
            phone="0571-" + f"{rnd.randrange(10**7, 10**8)}", legal_person=boss,
            licence_no=licence if status != PROSPECT or rnd.random() < .3 else None,
            tax_no=licence if status not in (PROSPECT,) else None,
            tags=rnd.choice(["", "乡镇网点", "县城旗舰", "以旧换新", "会员店", ""]),
            boss_family=rnd.choice(FAMILY) if rnd.random() < .7 else None,
            boss_hobbies=rnd.choice(HOBBIES) if rnd.random() < .7 else None,
            boss_personality=rnd.choice(PERSONALITY) if rnd.random() < .7 else None,
            real_decider=rnd.choice([boss, f"老板娘（{_person(rnd)}）", boss]),
        )
        c = master.create_customer(session, name=name, kind=rnd.choice(kinds),
                                     org_unit_id=office.id, owner_id=owner.id, **fields)
        c.contacts.append(Contact(name=boss, role="老板", phone=_phone(rnd),
                                  wechat="wx_" + f"{rnd.randrange(10**6):06d}", is_decider=True,
                                  birthday=date(rnd.randrange(1962, 1990), rnd.randrange(1, 13),
                                                rnd.randrange(1, 28))))
        for _ in range(rnd.randrange(0, 3)):
            c.contacts.append(Contact(name=_person(rnd), role=rnd.choice(ROLES[1:]),
                                      phone=_phone(rnd)))
        c.status = status
        if status in (SUSPENDED, ELIMINATED):
            c.status_reason = rnd.choice(["连续两个季度未提货", "拖欠货款", "经营不善已关店",
                                          "窜货被查实"])
        created.append(c)
    session.flush()
    _grades(session, [c for c in created if c.status in grading.GRADED_STATUSES], rnd,
            office, today)
    _loyalty(session, [c for c in created if c.status == ACTIVE], rnd)
    _visits(session, created, rnd, today, users)
    _prospects(session, [c for c in created if c.status == PROSPECT], rnd, users)
    _applications(session, [c for c in created if c.status == APPLYING], rnd, users)
    _evaluations(session, [c for c in created if c.status == ACTIVE], rnd, users, today)
    _others(session, context, rnd)
    context.setdefault("customers", {})["office"] = [c.id for c in created]
    session.flush()


def _grades(session, graded, rnd, office, today) -> None:
    # Last year's purchases (yuan), long-tailed: a few big dealers make most of
    # the sales (seed: A ≥ 60 %, B 20–30 %, C < 10 %).  They are recorded as
    # purchases before the platform (PurchaseHistory, spread over the last
    # ten months) and the grades are computed from them by the grading
    # itself, so "recompute" keeps them (issue 21 #8); the other plugins'
    # demo orders are added by one more recompute when the demo is committed.
    for c in graded:
        total = Decimal(int(min(rnd.lognormvariate(11.5, 1.6), 5_000_000)))
        parts = rnd.randrange(1, 5)
        for i in range(parts):
            amount = (total / parts).quantize(Decimal("1")) if i < parts - 1 else \
                total - (total / parts).quantize(Decimal("1")) * (parts - 1)
            session.add(PurchaseHistory(customer_id=c.id, amount=amount,
                                        on=today - timedelta(days=rnd.randrange(15, 300)),
                                        note="上一系统购货额"))
    if graded:
        c = graded[-1]
        c.grade_override = "B"
        c.grade_override_reason = "新开乡镇旗舰店，潜力大，按 B 类维护"
    session.flush()
    grading.recompute(session, [office.id], today)

    def regrade(sess):
        if sess is session:
            grading.recompute(session, [office.id], today)

    # Once more when the whole demo is committed: dealers' and the other
    # plugins' demo orders are purchases too.
    event.listen(session, "before_commit", regrade, once=True)


def _loyalty(session, active, rnd) -> None:
    weights = [("strong_loyal", 4), ("weak_loyal", 5), ("decadent", 2), ("disdainful", 2),
               ("wait_and_see", 3), ("desperate", 1)]
    codes = [c for c, w in weights for _ in range(w)]
    for c in active:
        if rnd.random() < .6:
            c.loyalty_type = rnd.choice(codes)


def _visits(session, customers, rnd, today, users) -> None:
    # Seed 003: A 2–3 a week, B 1–2 a week, C 2–3 a month (the middle of each).
    per_week = {"A": 2.5, "B": 1.5, "C": 2.5 * 7 / 30}
    start = today - timedelta(days=91)
    sellers = {users["sales1"].id, users["sales2"].id}
    for c in customers:
        if c.status not in (ACTIVE, SUSPENDED):
            continue
        rate = per_week[c.grade or "C"] * rnd.choice([1, 1, 1, .8, .5])
        lag = rnd.choice([0, 0, 0, 1, 3, 9, 20])  # some customers drift out of the rhythm
        day = start + timedelta(days=rnd.randrange(0, 5))
        visitor = c.owner_id
        while day < today - timedelta(days=lag):
            if day.weekday() < 6:
                objectives = rnd.sample(visits.OBJECTIVES, rnd.randrange(1, 3))
                t_in = datetime.combine(day, time(rnd.randrange(8, 17), rnd.choice([0, 15, 30, 45])))
                v = Visit(customer_id=c.id, user_id=visitor, visit_date=day, state="done",
                          purpose="service" if rnd.random() < .8 else "special",
                          objectives=objectives, time_in=t_in,
                          time_out=t_in + timedelta(minutes=rnd.randrange(20, 90)),
                          found_stock=f"库存约 {rnd.randrange(10, 120)} 台",
                          competitor_notes=rnd.choice(COMPETITORS) if rnd.random() < .3 else None,
                          agreed_actions=rnd.choice(["下周补货 20 台", "月底前回款", "周末做门口促销",
                                                     "更换两台新样机", "对账后落实返利", None]),
                          objective_met=rnd.random() < .75)
                session.add(v)
                if c.last_visit_on is None or c.last_visit_on < day:
                    c.last_visit_on = day
            day += timedelta(days=max(1, round(7 / rate + rnd.uniform(-1, 1))))
        if c.owner_id in sellers and c.status == ACTIVE and rnd.random() < .15:
            session.add(FollowUp(customer_id=c.id, user_id=c.owner_id,
                                 title=rnd.choice(["催收上月货款", "送新品宣传资料", "确认年返利金额",
                                                   "安排导购培训", "回复样机更换申请"]),
                                 due_on=today + timedelta(days=rnd.randrange(-3, 8))))
    # Today's route for both salespeople: a few customers, each with objectives.
    for username in ("sales1", "sales2"):
        u = users[username]
        mine = [c for c in customers if c.owner_id == u.id and c.status == ACTIVE]
        for c in rnd.sample(mine, min(6, len(mine))):
            session.add(Visit(customer_id=c.id, user_id=u.id, visit_date=today, state="planned",
                              purpose="service",
                              objectives=rnd.sample(visits.OBJECTIVES, rnd.randrange(1, 3))))
        for c in rnd.sample(mine, min(8, len(mine))):
            session.add(Visit(customer_id=c.id, user_id=u.id,
                              visit_date=today + timedelta(days=rnd.randrange(1, 7)),
                              state="planned", purpose="service",
                              objectives=rnd.sample(visits.OBJECTIVES, 1)))


def _prospects(session, prospects, rnd, users) -> None:
    for c in prospects:
        m, a, n = rnd.random() < .6, rnd.random() < .5, rnd.random() < .7
        man.record(session, c, money=m, authority=a, need=n, user_id=c.owner_id,
                   credit_status=rnd.choice(["信用良好", "有少量拖欠记录", "新开店，无记录"]),
                   payment_plan=rnd.choice(["现款现货", "首批全款，后续月结", "分两期付款"]),
                   interest_product=rnd.random() < .7, interest_buying=rnd.random() < .5,
                   needs_met=rnd.random() < .6, trust_product=rnd.random() < .6,
                   good_impression=rnd.random() < .7)


_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _applications(session, applying, rnd, users) -> None:
    labels = {opening.LICENCE: "营业执照.pdf", opening.TAX: "税务登记证.pdf",
              opening.LEGAL_ID: "法人身份证.pdf", opening.FORM: "立户申请表.pdf"}
    for i, c in enumerate(applying):
        if not c.licence_no:
            c.licence_no = c.tax_no = _uscc(rnd, "330106")
        app = Application(customer_id=c.id, state=SUBMITTED, submitted_by=c.owner_id,
                          submitted_at=clock.utcnow().replace(microsecond=0)
                          - timedelta(days=rnd.randrange(0, 5)))
        session.add(app)
        session.flush()
        docs = opening.DOCUMENTS if i % 3 else opening.DOCUMENTS[:3]  # one waits for its form
        for d in docs:
            save_attachment(session, io.BytesIO(_PDF), labels[d], res_table=opening.TABLE,
                            res_id=app.id, purpose=d, org_unit_id=c.org_unit_id,
                            user_id=c.owner_id)


def _evaluations(session, active, rnd, users, today) -> None:
    q = (today.month - 1) // 3
    year, prev = (today.year, q) if q else (today.year - 1, 4)
    period = f"{year}-Q{prev}"
    for c in active:
        if rnd.random() < .5:
            base = {"A": 4, "B": 3, "C": 2}[c.grade or "C"]
            scores = {k: max(1, min(5, base + rnd.choice([-1, 0, 0, 1])))
                      for k in evaluation.CRITERIA}
            evaluation.evaluate(session, c, period, scores, users["manager"].id)


def _others(session, context, rnd) -> None:
    """A handful of customers for the store and the bank branch; their own
    plugins add the kinds and business that fit them."""
    users = context["users"]
    plan = [("store", "store_sales", ["上海静安", "上海徐汇", "上海浦东"],
             ["恒隆贵宾", "嘉里会员", "新天地珠宝俱乐部"]),
            ("bank", "bank_rm", ["南京玄武", "南京鼓楼", "南京秦淮"],
             ["新街口商户", "鼓楼私行客户", "秦淮个体户"])]
    for unit_key, username, places, names in plan:
        unit, owner = context[unit_key], users[username]
        ids = []
        for i in range(6):
            place = places[i % len(places)]
            person = _person(rnd)
            c = master.create_customer(
                session, name=f"{person}（{names[i % len(names)]}）", kind="general",
                org_unit_id=unit.id, owner_id=owner.id,
                province="上海市" if unit_key == "store" else "江苏省",
                city="上海市" if unit_key == "store" else "南京市",
                county=COUNTIES[place], phone=_phone(rnd))
            c.status = ACTIVE
            c.contacts.append(Contact(name=person, role="本人", phone=_phone(rnd)))
            ids.append(c.id)
        context.setdefault("customers", {})[unit_key] = ids
