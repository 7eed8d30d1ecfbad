"""Benchmark: tag a million comments, half Chinese and half English, against a 50-theme codeframe.

Generates, from a fixed seed, a codeframe of 50 themes (each with four
English keywords — words, a phrase and a prefix ``word*`` — and two Chinese
ones) and a stream of comments: half Chinese sentences of 8–20 words, half
English ones of 8–25 words, each with 0–2 theme keywords among common
filler words, one in twenty with a phone number or e-mail address to mask,
one in fifty mixing both languages. The comments are generated as they are
tagged (never held in memory), so peak RSS is the tagger's own.

Steps, each in its own process:

* ``tag``: `cxframe_text.Tagger.tag` on every comment (masking included);
* ``mask``: `cxframe.mask_personal_data` alone, for scale.

Rates are given per wall-clock second and per CPU second of the step's
process (``comments_per_cpu_second``): on a machine shared with other work
(``load_average`` says how busy it was) the first falls, the second does not.
The comment generator's own time is in both.

The issue's target: at least 20,000 comments/s on the project's 2-core
machine, peak RSS at most 500 MB. Prints JSON and writes it to ``--out``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

EN_FILLER = [
    "the",
    "order",
    "was",
    "and",
    "it",
    "with",
    "for",
    "this",
    "that",
    "very",
    "my",
    "they",
    "we",
    "store",
    "staff",
    "time",
    "day",
    "again",
    "really",
    "just",
    "service",
    "when",
    "after",
    "before",
    "about",
    "would",
    "could",
    "should",
    "new",
    "old",
    "first",
    "last",
    "good",
    "bad",
    "great",
    "slow",
    "fast",
    "small",
    "big",
    "price",
]
ZH_FILLER = [
    "我们",
    "今天",
    "这次",
    "已经",
    "还是",
    "觉得",
    "有点",
    "非常",
    "一下",
    "时候",
    "东西",
    "问题",
    "服务",
    "然后",
    "因为",
    "所以",
    "但是",
    "可以",
    "没有",
    "感觉",
    "的",
    "了",
    "很",
]
EN_STEMS = [
    "delivery",
    "courier",
    "parcel",
    "refund",
    "invoice",
    "billing",
    "password",
    "login",
    "checkout",
    "basket",
    "coupon",
    "voucher",
    "warranty",
    "repair",
    "install",
    "battery",
    "screen",
    "charger",
    "signal",
    "network",
    "router",
    "manual",
    "branch",
    "queue",
    "cashier",
    "parking",
    "lift",
    "stairs",
    "toilet",
    "menu",
    "waiter",
    "kitchen",
    "booking",
    "seat",
    "ticket",
    "luggage",
    "gate",
    "boarding",
    "upgrade",
    "contract",
    "tariff",
    "roaming",
    "porting",
    "sim",
    "cancel",
    "renewal",
    "membership",
    "points",
    "loyalty",
    "receipt",
]
ZH_WORDS = [
    "快递",
    "物流",
    "退款",
    "发票",
    "账单",
    "密码",
    "登录",
    "结账",
    "购物车",
    "优惠券",
    "保修",
    "维修",
    "安装",
    "电池",
    "屏幕",
    "充电器",
    "信号",
    "网络",
    "路由器",
    "说明书",
    "网点",
    "排队",
    "收银",
    "停车",
    "电梯",
    "楼梯",
    "厕所",
    "菜单",
    "服务员",
    "厨房",
    "预订",
    "座位",
    "车票",
    "行李",
    "登机",
    "升级",
    "合同",
    "资费",
    "漫游",
    "携号转网",
    "销户",
    "续费",
    "会员",
    "积分",
    "小票",
    "客服",
    "态度",
    "送货",
    "破损",
    "闪退",
    "卡顿",
    "价格",
    "太贵",
    "包装",
    "售后",
    "退货",
    "换货",
    "效率",
]


def codeframe(themes: int = 50) -> list[dict[str, Any]]:
    """The 50-theme codeframe: four English keywords (a word, a prefix, a phrase, another word), two Chinese."""
    found = []
    for index in range(themes):
        stem = EN_STEMS[index % len(EN_STEMS)]
        other = EN_STEMS[(index * 7 + 3) % len(EN_STEMS)]
        keywords = [f"{stem}{index}", f"{stem}*", f"slow {other}", f"{other}{index}x"]
        keywords += [ZH_WORDS[index % len(ZH_WORDS)], ZH_WORDS[(index * 3 + 1) % len(ZH_WORDS)] + "慢"]
        found.append({"id": f"theme-{index:02d}", "keywords": keywords})
    return found


def comments(count: int, seed: int = 2026) -> Iterator[str]:
    """``count`` comments, alternately Chinese and English, from ``seed``."""
    rng = random.Random(seed)
    for index in range(count):
        chinese = index % 2 == 0
        if chinese:
            words = rng.choices(ZH_FILLER, k=rng.randint(8, 20))
            for _ in range(rng.randint(0, 2)):
                words.insert(rng.randrange(len(words) + 1), rng.choice(ZH_WORDS))
            text = "".join(words) + rng.choice(("。", "！", "", "，谢谢"))
        else:
            words = rng.choices(EN_FILLER, k=rng.randint(8, 25))
            for _ in range(rng.randint(0, 2)):
                stem = rng.choice(EN_STEMS)
                words.insert(rng.randrange(len(words) + 1), rng.choice((stem, stem + "s", "slow " + stem)))
            text = " ".join(words).capitalize() + "."
        if index % 20 == 7:
            text += rng.choice((" 电话13812345678", " mail me at jo@example.com", " call +44 20 7946 0958"))
        if index % 50 == 11:
            text += " " + rng.choice(ZH_WORDS) if not chinese else " the " + rng.choice(EN_STEMS) + " was slow"
        yield text


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def step_tag(count: int) -> dict[str, Any]:
    from cxframe_text import Codeframe, Tagger, Theme
    from cxframe_text.settings import parse_keyword

    problems: list[str] = []
    themes = tuple(
        Theme(
            entry["id"],
            entry["id"],
            tuple(k for k in (parse_keyword(word, entry["id"], problems) for word in entry["keywords"]) if k),
        )
        for entry in codeframe()
    )
    assert not problems, problems
    tagger = Tagger(Codeframe(themes))
    started = time.perf_counter()
    tagger.tag(f"预热{ZH_WORDS[0]}")  # jieba's dictionary: loaded once, timed apart
    warm = time.perf_counter() - started
    tagged = mentions = 0
    started, cpu = time.perf_counter(), time.process_time()
    for comment in comments(count):
        found = tagger.tag(comment)
        tagged += bool(found)
        mentions += len(found)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {
        "comments": count,
        "seconds": round(seconds, 2),
        "comments_per_second": round(count / seconds),
        "cpu_seconds": round(cpu, 2),
        "comments_per_cpu_second": round(count / cpu),
        "segmenter_load_seconds": round(warm, 2),
        "tagged_share": round(tagged / count, 4),
        "mentions": mentions,
        "peak_rss_mb": round(_peak_rss_mb(), 1),
    }


def step_mask(count: int) -> dict[str, Any]:
    from cxframe import mask_personal_data as mask

    started, cpu = time.perf_counter(), time.process_time()
    changed = sum(mask(comment) != comment for comment in comments(count))
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {
        "comments": count,
        "seconds": round(seconds, 2),
        "comments_per_second": round(count / seconds),
        "cpu_seconds": round(cpu, 2),
        "comments_per_cpu_second": round(count / cpu),
        "masked": changed,
        "peak_rss_mb": round(_peak_rss_mb(), 1),
    }


STEPS = {"tag": step_tag, "mask": step_mask}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument("--folder", type=Path, default=Path(__file__).parent / "data", help="unused: no files")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--step", choices=sorted(STEPS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:  # one step in this process
        print(json.dumps(STEPS[args.step](args.comments)))
        return
    # the machine's load before the run: on a shared machine, wall-clock rates fall with it, CPU-time rates do not
    results: dict[str, Any] = {"comments": args.comments, "themes": 50, "load_average": list(os.getloadavg())}
    for name in STEPS:
        done = subprocess.run(
            [sys.executable, __file__, "--comments", str(args.comments), "--step", name],
            check=True,
            capture_output=True,
            text=True,
        )
        results[name] = json.loads(done.stdout.strip().splitlines()[-1])
    text = json.dumps(results, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
