"""Demo key accounts of the Shanghai boutique: ~60 accounts across the five
kinds and the 13 stages, with profiles, introducers, stage histories and
contact logs, owned by ``store_mgr`` and ``store_sales``; the first-contact
templates of the department."""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import update

from .declarations import KINDS, KIND_GROUP, KIND_IMPORTANT, KIND_STRATEGIC
from .models.accounts import (CHANNELS, LEAD_SOURCES, LEVELS, STAGES, StoresDemoAccount,
                              StoresDemoStageMove)
from core import clock

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程"
GIVEN = ["女士", "先生", "太太", "总"]
ORGS = {
    KIND_IMPORTANT: ["静安区机关工会", "徐汇区政协办公室", "某部队后勤处", "市妇联活动中心"],
    KIND_GROUP: ["恒隆广场物业工会", "浦发银行静安支行工会", "东方航空乘务部", "瑞金医院护理部",
                 "华东师大校友会", "汽车4S店联盟"],
    KIND_STRATEGIC: ["陆家嘴私人银行俱乐部", "上海新天地商会", "长三角婚庆协会", "高尔夫球会会员部"],
}
HOBBIES = ["高尔夫", "茶道", "收藏翡翠", "瑜伽", "旅行", "钢琴", "书法", "马术", "红酒品鉴", "摄影"]
WORK = ["外企高管", "私营企业主", "三甲医院主任医师", "大学教授", "律师事务所合伙人", "金融机构理财经理",
        "影视公司制片人", "房地产开发商"]
FAMILY = ["已婚，一子在英国读书", "新婚，明年结婚周年", "已婚，两个女儿", "单身，注重自我奖励",
          "三代同堂，重视传承", "已婚二十年，珍珠婚将至"]
NEEDS = ["结婚周年克拉钻", "女儿成人礼项链", "母亲生日金镯", "自用高级定制胸针", "商务礼品", "投资金条",
         "婚戒翻新", "翡翠手镯保养"]
PIECES = ["钻戒 1 枚（约 5 万）", "黄金手镯 2 只（约 3 万）", "珍珠项链 1 条（约 2 万）",
          "翡翠挂件 1 件（约 8 万）", "铂金对戒 1 对（约 1.5 万）"]
PURPOSES = ["婚庆", "周年纪念", "送礼", "自用", "投资"]
BRANDS = ["周大福", "老凤祥", "卡地亚", "蒂芙尼", "周生生"]
NOTES = ["聊了最近的天气和展会，留下联系方式", "对克拉钻感兴趣，约下周看货", "电话未接，已发短信",
         "寄送了新品画册", "询问了以旧换新政策", "客户出差，下月再联系", "在商场偶遇，交换微信"]

TEMPLATES = [
    ("sms", "雨天问候（短信/微信）", None,
     "{称呼}您好，今天上海降温有雨，出门记得添衣带伞。我们店里新到一批适合周年纪念的克拉钻，"
     "您有空路过南京西路时欢迎进来喝杯茶。——{姓名} {电话}"),
    ("phone", "初次电话话术", None,
     "1. 自我介绍并说明是谁介绍的；2. 从天气、近期展会等公众话题切入，不直接推销；"
     "3. 了解对方近期是否有纪念日或送礼需要；4. 提出可以寄送品鉴会邀请；5. 结束时留下个人联系方式。"),
    ("email", "品鉴会邀请（电子邮件）", "诚邀您出席本月珠宝品鉴会",
     "尊敬的{称呼}：\n\n本月底我们将在南京西路门店商务室举办小型珠宝品鉴会，由资深鉴定师讲解钻石四C与翡翠鉴赏。"
     "名额有限，期待您的光临。\n\n如需安排接送，请直接回复本邮件或致电 {电话}。\n\n{姓名}"),
    ("sms", "节日祝福（短信/微信）", None,
     "{称呼}，节日快乐！感谢您一直以来的信任，祝您和家人安康。我们为老朋友准备了免费清洗保养服务，欢迎随时预约。"),
]


def _mobile(rnd: random.Random) -> str:
    return "1" + rnd.choice("35789") + "".join(rnd.choice("0123456789") for _ in range(9))


def load_accounts(session, context) -> list:
    """Returns the accounts' Customer rows."""
    from core.models import User

    from .services import accounts as svc
    from .services import contacts as contact_svc

    rnd = random.Random(2026)
    users = context["users"]
    owners = [users["store_mgr"], users["store_sales"]]
    store = context["store"]
    today = clock.today()
    for channel, name, subject, body in TEMPLATES:
        contact_svc.save_template(session, None, channel=channel, name=name, subject=subject or "",
                                  body=body)
    created = []
    for i in range(60):
        kind = KINDS[i % len(KINDS)]
        stage = 1 + (i * 7) % len(STAGES)  # every stage, spread over kinds
        owner = owners[0] if i % 3 == 0 else owners[1]
        is_org = kind in ORGS and i % 2 == 0
        if is_org:
            name = ORGS[kind][(i // 2) % len(ORGS[kind])] + ("" if i < 30 else "（二部）")
        else:
            name = rnd.choice(SURNAMES) + rnd.choice(GIVEN) + f"（{rnd.choice(WORK)[:4]}）"
        intro = None
        if created and i % 4 == 1:
            intro = rnd.choice(created[:20]).id
        profile = {
            "mobile": _mobile(rnd), "is_organisation": "y" if is_org else "",
            "lead_source": rnd.choice(LEAD_SOURCES[:7]), "introducer_id": intro,
            "competitor_brands": "、".join(rnd.sample(BRANDS, 2)),
            "economy": rnd.choice(["年收入百万以上", "家庭资产稳健", "企业现金流充足", "中高收入"]),
            "health": rnd.choice(["良好", "注重养生", "常去健身房"]),
            "family": rnd.choice(FAMILY), "work": rnd.choice(WORK),
            "social_circle": rnd.choice(["商会会员", "高尔夫球友圈", "校友会", "太太圈"]),
            "hobbies": "、".join(rnd.sample(HOBBIES, 2)),
            "culture": rnd.choice(["研究生", "本科", "海外留学"]),
            "aspirations": rnd.choice(["低调有品位", "彰显身份", "为家人留传承"]),
            "personality": rnd.choice(["果断", "谨慎细致", "热情健谈", "注重细节"]),
            "pieces_owned": "；".join(rnd.sample(PIECES, 2)),
            "needs": rnd.choice(NEEDS), "buying_habits": rnd.choice(
                ["节假日集中购买", "喜欢先看证书再决定", "习惯带朋友一起挑选", "只在熟悉的顾问处购买"]),
            "purchase_purposes": "、".join(rnd.sample(PURPOSES, 2)),
            "price_sensitivity": rnd.choice(LEVELS), "product_sensitivity": rnd.choice(LEVELS),
            "environment_sensitivity": rnd.choice(LEVELS), "spend_to_income": rnd.choice(LEVELS),
            "uniqueness_need": rnd.choice(LEVELS), "purchase_complexity": rnd.choice(LEVELS),
        }
        if is_org:
            profile.update(decision_maker=rnd.choice(["工会主席", "总经理", "办公室主任"]),
                           buyer=rnd.choice(["行政部采购", "工会干事"]), end_user="全体会员/员工",
                           need_department=rnd.choice(["工会", "行政部"]),
                           deciding_department=rnd.choice(["总经理办公会", "党委会"]))
        c = svc.create_account(session, owner, name=name, kind=kind, org_unit_id=store.id,
                               owner_id=owner.id, stage=stage, **profile)
        created.append(c)
        # Stage history: one move per stage passed, spread over the last months.
        start = today - timedelta(days=20 + 12 * stage + rnd.randint(0, 20))
        day = start
        for n in range(1, stage):
            spent = rnd.randint(3, 15)
            session.add(StoresDemoStageMove(
                customer_id=c.id, from_stage=n, to_stage=n + 1, moved_on=day + timedelta(days=spent),
                moved_at=datetime.combine(day + timedelta(days=spent), time(10, 0)),
                user_id=owner.id, owner_id=owner.id, days_in_stage=spent,
                note=rnd.choice(NOTES) if rnd.random() < .5 else None))
            day += timedelta(days=spent)
        session.execute(update(StoresDemoAccount).where(StoresDemoAccount.customer_id == c.id)
                        .values(stage_since=datetime.combine(min(day, today), time(10, 0))))
        # Contact log: 1–4 contacts, the last one agreeing the next date
        # (some overdue, some due this week, some later).
        when = start
        for k in range(rnd.randint(1, 4)):
            when = min(today - timedelta(days=1), when + timedelta(days=rnd.randint(4, 20)))
            last = k == 3 or when >= today - timedelta(days=1) or rnd.random() < .3
            nxt = (today + timedelta(days=rnd.randint(-6, 21))) if last else when + timedelta(days=7)
            if nxt <= when:
                nxt = when + timedelta(days=1)
            contact_svc.log_contact(session, session.get(User, owner.id), c,
                                    channel=rnd.choice(CHANNELS), contacted_on=when,
                                    outcome=rnd.choice(["reached", "interested", "no_answer",
                                                        "meeting_set"]),
                                    next_contact_on=nxt, note=rnd.choice(NOTES))
            if last:
                break
    session.flush()
    return created
