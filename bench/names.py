"""Deterministic Chinese names, companies and places for generated data.

Everything comes from a ``random.Random`` the caller seeds, so the same seed
gives byte-identical data sets on every machine.
"""
from __future__ import annotations

import random

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
    "苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉建国红梅飞鑫波宁琳雪"
    "晨浩宇欣怡子涵思远俊杰文博雨轩嘉怡梓萱婷颖"
)
#: 字号 (trade names) and trades for company names.
TRADE_NAMES = (
    "华联", "恒泰", "鑫源", "金诚", "永盛", "德隆", "百汇", "新世纪", "宏达", "瑞丰",
    "嘉和", "富华", "天元", "聚鑫", "长虹", "美佳", "万家", "福满", "兴业", "广源",
    "众信", "利群", "国美", "苏宁", "五星", "大中", "鸿运", "丰泽", "锦程", "盛世",
)
TRADES = (
    "电器", "家电", "商贸", "电子", "五金交电", "百货", "数码", "家居", "贸易", "实业",
)
COMPANY_FORMS = ("有限公司", "有限责任公司", "商行", "经营部", "连锁有限公司")

#: province → city → counties (real administrative names).
REGIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "浙江省": {
        "杭州市": ("西湖区", "拱墅区", "萧山区", "余杭区", "桐庐县", "淳安县"),
        "宁波市": ("海曙区", "鄞州区", "余姚市", "慈溪市", "象山县"),
        "温州市": ("鹿城区", "瑞安市", "乐清市", "永嘉县"),
        "金华市": ("婺城区", "义乌市", "东阳市", "永康市"),
    },
    "江苏省": {
        "南京市": ("玄武区", "秦淮区", "鼓楼区", "江宁区", "溧水区"),
        "苏州市": ("姑苏区", "吴中区", "昆山市", "常熟市", "张家港市"),
        "无锡市": ("梁溪区", "滨湖区", "江阴市", "宜兴市"),
        "徐州市": ("云龙区", "铜山区", "沛县", "睢宁县"),
    },
    "上海市": {
        "上海市": ("黄浦区", "徐汇区", "静安区", "浦东新区", "闵行区", "嘉定区"),
    },
    "广东省": {
        "广州市": ("天河区", "越秀区", "海珠区", "番禺区", "花都区"),
        "深圳市": ("福田区", "南山区", "宝安区", "龙岗区"),
        "佛山市": ("禅城区", "南海区", "顺德区"),
        "东莞市": ("莞城街道", "虎门镇", "长安镇"),
    },
    "山东省": {
        "济南市": ("历下区", "市中区", "章丘区", "平阴县"),
        "青岛市": ("市南区", "黄岛区", "即墨区", "胶州市"),
        "临沂市": ("兰山区", "罗庄区", "沂水县", "郯城县"),
    },
    "四川省": {
        "成都市": ("锦江区", "武侯区", "双流区", "都江堰市", "金堂县"),
        "绵阳市": ("涪城区", "江油市", "三台县"),
    },
    "湖北省": {
        "武汉市": ("江岸区", "武昌区", "洪山区", "黄陂区"),
        "宜昌市": ("西陵区", "夷陵区", "宜都市"),
    },
    "河南省": {
        "郑州市": ("金水区", "二七区", "中原区", "新郑市"),
        "洛阳市": ("涧西区", "洛龙区", "偃师区", "孟津区"),
    },
    "安徽省": {
        "合肥市": ("蜀山区", "包河区", "肥东县", "长丰县"),
        "芜湖市": ("镜湖区", "鸠江区", "无为市"),
    },
    "福建省": {
        "福州市": ("鼓楼区", "台江区", "仓山区", "福清市"),
        "厦门市": ("思明区", "湖里区", "集美区", "同安区"),
    },
}
TOWNS = ("城关镇", "新华街道", "人民路街道", "东城街道", "西湖镇", "江南镇", "开发区", "工业园区")
STREETS = ("人民路", "解放路", "中山路", "建设路", "新华路", "文化路", "胜利路", "和平路", "长江路", "黄河路")

#: GB/T 2260 prefixes used in generated licence numbers, one per province.
DIVISION = {
    "浙江省": "330100", "江苏省": "320100", "上海市": "310100", "广东省": "440100",
    "山东省": "370100", "四川省": "510100", "湖北省": "420100", "河南省": "410100",
    "安徽省": "340100", "福建省": "350100",
}
_PROVINCES = tuple(REGIONS)


def person(rng: random.Random) -> str:
    n = 1 if rng.random() < 0.35 else 2
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(n))


def place(rng: random.Random) -> tuple[str, str, str, str]:
    province = rng.choice(_PROVINCES)
    city = rng.choice(tuple(REGIONS[province]))
    county = rng.choice(REGIONS[province][city])
    return province, city, county, rng.choice(TOWNS)


def company(rng: random.Random, city: str) -> str:
    short_city = city.removesuffix("市")
    return short_city + rng.choice(TRADE_NAMES) + rng.choice(TRADES) + rng.choice(COMPANY_FORMS)


def address(rng: random.Random, city: str, county: str) -> str:
    return f"{city}{county}{rng.choice(STREETS)}{rng.randint(1, 999)}号"


def mobile(rng: random.Random) -> str:
    return rng.choice(("138", "139", "137", "136", "150", "151", "186", "189")) + \
        f"{rng.randint(0, 99_999_999):08d}"


# -- unified social credit code (GB 32100-2015) ----------------------------
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def _org_code(serial: int) -> str:
    """A 9-character organisation code (GB 11714) with its check character."""
    body = f"{serial:08d}"
    total = sum(int(c) * w for c, w in zip(body, _ORG_WEIGHTS))
    c9 = 11 - total % 11
    return body + ("X" if c9 == 10 else "0" if c9 == 11 else str(c9))


def licence_number(serial: int, province: str) -> str:
    """A valid 18-character unified social credit code, unique per serial."""
    head = "91" + DIVISION.get(province, "110100") + _org_code(serial)
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(head, _USCC_WEIGHTS))
    check = (31 - total % 31) % 31
    return head + USCC_CHARS[check]
