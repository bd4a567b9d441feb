"""Reading a 1,000,000-message WeChatMsg CSV (two years of an active group) into the neutral chat
stream, vs a bare csv.reader pass over the same file in the same run: time, ratio, and peak
memory of each (tracemalloc, so the reader's own allocations; ru_maxrss for the process).

    .venv/bin/python bench/chat_parse.py [messages]
"""

from __future__ import annotations

import csv
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.chat import model as m  # noqa: E402
from core.chat.detect import open_chats  # noqa: E402
from core.chat.formats.wechatmsg import HEADER  # noqa: E402

START = 1_680_000_000  # 2023-03-28, two years before the samples
TWO_YEARS = 2 * 365 * 24 * 3600
KINDS = [(1, 0)] * 70 + [(3, 0)] * 8 + [(47, 0)] * 8 + [(34, 0), (43, 0), (49, 5), (49, 57)] * 3
KINDS += [(49, 53), (49, 2001)]
TEXTS = [
    "好的，谢谢",
    "今天的欧包还有吗？",
    "周六团购几点截止？",
    "报名+1",
    "刚提货，太香了，下次多做点全麦的",
]


def generate(path: Path, count: int) -> None:
    rng = random.Random(20250301)
    members = [f"wxid_bench{i:05d}" for i in range(800)]
    step = TWO_YEARS / count
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER.split(","))
        for i in range(count):
            created = int(START + i * step)
            stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(created))
            if i % 500 == 0:  # joins, renames and the like among the messages
                who, by = rng.choice(members), rng.choice(members)
                writer.writerow(
                    [
                        i,
                        3,
                        10000,
                        0,
                        0,
                        created,
                        3,
                        f'"会员{by[-5:]}"邀请"会员{who[-5:]}"加入了群聊',
                        stamp,
                        "",
                        "",
                        "",
                    ]
                )
                continue
            type_, sub = rng.choice(KINDS)
            sender = rng.choice(members)
            text = rng.choice(TEXTS) if type_ == 1 else ("" if type_ == 49 else "<msg/>")
            name = f"会员{sender[-5:]}"
            writer.writerow([i, 3, type_, sub, 0, created, 3, text, stamp, name, name, sender])


def bare(path: Path) -> int:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return sum(1 for _row in csv.reader(handle))


def ours(path: Path) -> int:
    [export] = open_chats(path).chats
    return sum(1 for event in export.events() if isinstance(event, m.Message))


def measure(function, path: Path) -> tuple[float, int, int]:
    tracemalloc.start()
    began = time.perf_counter()
    result = function(path)
    elapsed = time.perf_counter() - began
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, peak, result


def timed(function, path: Path) -> float:
    began = time.perf_counter()
    function(path)
    return time.perf_counter() - began


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "样例大群_utf8.csv"
        began = time.perf_counter()
        generate(path, count)
        size = path.stat().st_size
        print(
            f"generated {count:,} rows, {size / 1e6:.0f} MB in {time.perf_counter() - began:.1f} s"
        )
        # Interleaved runs, least of each: the machine is shared and noisy.
        bare_times, our_times = [], []
        for _ in range(2):
            bare_times.append(timed(bare, path))
            our_times.append(timed(ours, path))
        bare_time, our_time = min(bare_times), min(our_times)
        _, bare_peak, rows = measure(bare, path)
        _, our_peak, messages = measure(ours, path)
        print(f"bare csv.reader : {bare_time:6.2f} s  {rows:,} rows", end="")
        print(f"      peak {bare_peak / 1e6:6.1f} MB")
        print(f"chat stream     : {our_time:6.2f} s  {messages:,} messages", end="")
        print(f"  peak {our_peak / 1e6:6.1f} MB")
        print(f"ratio           : {our_time / bare_time:.2f}x")
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"process max RSS : {rss:.0f} MB (whole run, file {size / 1e6:.0f} MB)")


if __name__ == "__main__":
    main()
