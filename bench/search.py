"""Benchmark: Chinese search over a generated corpus of evidence pages.

Builds docgen's index (character bigrams + jieba words, 2 writer processes) and a plain Whoosh
index with its default analyzer on the same pages, in the same run; prints build speed, index
size, and p50/p95 latency of 50 queries (top 10 with snippets, searcher kept open), 3 rounds.

    .venv/bin/python bench/search.py [--pages 100000] [--procs 2]
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from whoosh import index as whoosh_index  # noqa: E402
from whoosh.fields import ID, TEXT, Schema  # noqa: E402
from whoosh.qparser import QueryParser  # noqa: E402

from index.store import EvidenceIndex, PageDoc  # noqa: E402

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = "建国秀英伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红梅鹏飞浩宇欣怡子涵梓萱俊杰"
OCCUPATIONS = [
    "数控车工",
    "数控铣工",
    "焊工",
    "电工",
    "钳工",
    "工业机器人系统操作员",
    "智能制造工程技术人员",
    "汽车维修工",
    "美容师",
    "中式烹调师",
    "电子商务师",
    "网络与信息安全管理员",
    "育婴员",
    "养老护理员",
    "茶艺师",
]
LEVELS = ["初级工", "中级工", "高级工", "技师", "高级技师"]
EQUIPMENT = [
    "数控车床",
    "立式加工中心",
    "卧式加工中心",
    "数控铣床",
    "六轴工业机器人",
    "逆变式氩弧焊机",
    "二氧化碳保护焊机",
    "电工实训考核装置",
    "PLC实训台",
    "三坐标测量机",
    "激光切割机",
    "注塑机",
    "车身校正仪",
    "示波器",
]
UNITS = [
    "昆山精工数控技术有限公司",
    "昆山市鹿城职业技术学校",
    "昆山巨匠职业培训学校",
    "昆山华阳新材料股份有限公司",
    "杭州钱江智能制造技工学校",
    "杭州云栖数字技能培训有限公司",
    "苏州远航精密机械有限公司",
    "昆山开发区职业培训中心",
]
RULES = [
    "为规范实训管理，保障实训安全，制定本制度。",
    "实训设备由专人负责日常维护保养，建立设备台账。",
    "学员进入实训场地须穿戴劳动防护用品，遵守安全操作规程。",
    "每年将高技能人才实训计划、相关实训数据及总结材料报市人社局。",
    "建筑面积原则在1000平方米以上，有满足实训要求的消防、通风、照明、控温等设备。",
]


def name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def model(rng: random.Random) -> str:
    return rng.choice(["CK", "VMC", "XK", "HMC", "IRB", "WS", "TH", "MIG"]) + str(rng.randint(100, 9999))


def page(rng: random.Random, i: int) -> tuple[str, str, str]:
    kind = rng.choice(
        ["teacher_certificates", "equipment_list", "teacher_certificates", "management_rules", "training_records"]
    )
    unit = rng.choice(UNITS)
    if kind == "teacher_certificates":
        lines = [
            f"职业资格证书 姓名：{name(rng)} 职业：{rng.choice(OCCUPATIONS)} 等级：{rng.choice(LEVELS)} "
            f"证书编号：S{rng.randint(10**17, 10**18 - 1)} 发证机关：昆山市人力资源和社会保障局"
            f" 发证日期：{rng.randint(2010, 2024)}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日"
        ]
        lines += [
            f"师资 {name(rng)} {rng.choice(LEVELS)} {rng.choice(OCCUPATIONS)} "
            f"证书编号S{rng.randint(10**17, 10**18 - 1)}"
            for _ in range(14)
        ]
    elif kind == "equipment_list":
        lines = [f"教学实训设备清单 单位：{unit}"]
        lines += [
            f"{rng.choice(EQUIPMENT)} 型号{model(rng)} 数量{rng.randint(1, 20)}台 单价{rng.randint(5, 900)}000元"
            for _ in range(9)
        ]
    elif kind == "management_rules":
        lines = [f"{unit}实训管理制度"] + rng.sample(RULES, 5) * 3
    else:
        lines = [f"{rng.randint(2019, 2024)}年度培训情况 单位：{unit}"]
        lines += [
            f"{rng.choice(OCCUPATIONS)}培训{rng.randint(10, 90)}人 取证{rng.randint(5, 80)}人 学员{name(rng)}"
            for _ in range(8)
        ]
    return kind, unit, "\n".join(lines)[:560]


def corpus(count: int) -> list[PageDoc]:
    rng = random.Random(7)
    docs = []
    for i in range(count):
        kind, unit, text = page(rng, i)
        year = 2019 + i % 6
        docs.append(
            PageDoc(
                f"KSRSJ-WS·{year}-D30-{i % 9999 + 1:04d}x{i // 9999}",
                year,
                unit,
                unit,
                kind,
                kind,
                1,
                f"/archive/{i}.pdf",
                text,
            )
        )
    return docs


QUERIES = [
    *[
        "高级技师",
        "数控车床",
        "立式加工中心",
        "工业机器人",
        "人力资源和社会保障局",
        "养老护理员",
        "氩弧焊机",
        "实训管理制度",
        "消防",
        "培训情况",
    ],  # words
    *["控车", "技师", "加工", "护理", "资格", "机器", "证书", "实训", "焊机", "取证"],  # two-character substrings
    *["CK6150", "VMC850", "IRB1200", "S123456789012345678", "2019年6月", "王建国", "李秀英", "张伟", "陈静", "刘洋"],
    *[
        '"数控车床 型号CK"',
        '"职业资格证书 姓名"',
        "数控车工 高级技师",
        "焊工 技师 -高级技师",
        "电工 OR 钳工",
        "钳工 OR 焊工 证书",
        "设备清单 加工中心",
        '"单价"',
        "茶艺师 中级工",
        "育婴员 -初级工",
    ],  # phrases, boolean
    *["技师", "数控车床", "加工中心", "证书编号", "培训", "高级工", "CK", "昆山", "实训", "王"],  # with filters
]
FILTERED_FROM = 40


def measure(search, rounds: int = 3) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(rounds):
        for i, text in enumerate(QUERIES):
            start = time.perf_counter()
            search(text, filtered=i >= FILTERED_FROM)
            times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95)]


def size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=100_000)
    parser.add_argument("--procs", type=int, default=2)
    args = parser.parse_args()
    docs = corpus(args.pages)
    print(f"{len(docs)} pages, {sum(len(d.text) for d in docs) / len(docs):.0f} characters each on average")
    tmp = Path(tempfile.mkdtemp())
    try:
        ours = EvidenceIndex(tmp / "docgen")
        start = time.perf_counter()
        ours.rebuild(docs, procs=args.procs)
        ours_build = time.perf_counter() - start
        print(
            f"docgen index: built in {ours_build:.0f} s ({len(docs) / ours_build:.0f} pages/s), "
            f"{size_mb(tmp / 'docgen'):.0f} MB",
            flush=True,
        )

        plain_schema = Schema(key=ID(stored=True), year=ID(stored=True), text=TEXT(stored=True))
        (tmp / "plain").mkdir()
        plain = whoosh_index.create_in(str(tmp / "plain"), plain_schema)
        start = time.perf_counter()
        for batch in range(0, len(docs), 5000):
            with plain.writer(limitmb=256) as writer:
                for d in docs[batch : batch + 5000]:
                    writer.add_document(key=d.key, year=str(d.year), text=d.text)
        plain_build = time.perf_counter() - start
        print(
            f"plain index: built in {plain_build:.0f} s ({len(docs) / plain_build:.0f} pages/s), "
            f"{size_mb(tmp / 'plain'):.0f} MB",
            flush=True,
        )

        def ours_search(text: str, filtered: bool) -> None:
            for hit in ours.search(text, year=2021 if filtered else None, limit=10):
                assert hit.snippet is not None

        plain_searcher = plain.searcher()
        qp = QueryParser("text", plain_schema)

        def plain_search(text: str, filtered: bool) -> None:
            from whoosh.query import Term

            results = plain_searcher.search(qp.parse(text), limit=10, filter=Term("year", "2021") if filtered else None)
            for hit in results:
                hit.highlights("text")

        ours_p50, ours_p95 = measure(ours_search)
        plain_p50, plain_p95 = measure(plain_search)
        found = sum(1 for text in QUERIES if ours.search(text, limit=1))
        plain_found = sum(1 for text in QUERIES if len(plain_searcher.search(qp.parse(text), limit=1)))
        print(f"{'':<24} {'docgen (bigrams+jieba)':>24} {'plain Whoosh default':>22}")
        print(f"{'build pages/s':<24} {len(docs) / ours_build:>24.0f} {len(docs) / plain_build:>22.0f}")
        print(f"{'index size MB':<24} {size_mb(tmp / 'docgen'):>24.0f} {size_mb(tmp / 'plain'):>22.0f}")
        print(f"{'latency p50 ms':<24} {ours_p50:>24.1f} {plain_p50:>22.1f}")
        print(f"{'latency p95 ms':<24} {ours_p95:>24.1f} {plain_p95:>22.1f}")
        print(f"{'queries with a hit /50':<24} {found:>24} {plain_found:>22}")
        print(
            f"ratio build {(len(docs) / ours_build) / (len(docs) / plain_build):.2f}x, p95 {ours_p95 / plain_p95:.2f}x"
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
