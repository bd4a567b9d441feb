"""Bulk personalised posters: the real pipeline vs. a bare Pillow loop, and the pool speed-up.

1000 posters of 1080×1920 from the built-in 邀请好友裂变 template (avatar initial, nickname,
per-member QR code, invite code; every QR decoded back before writing). The bare loop does the
least a poster needs: open the background once, then per member copy it, make the QR with
`qrcode`, paste it, draw two text lines and encode a PNG (Pillow's default compression, and
again at the batch's compression level so the two effects can be told apart).

Goals: single-process posters/s ≥ 0.8 × bare; all cores ≥ 1.7× single on 2 cores.
Run: .venv/bin/python bench/posters.py [--count 1000]
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import tempfile
import time
from pathlib import Path

import qrcode
from common import OUT
from PIL import Image, ImageDraw

from core.common.fonts import pil_font
from core.posters.batch import PNG_COMPRESS_LEVEL, render_batch
from core.posters.builtin import SAMPLE_DATA, load_builtin
from core.posters.render import PosterRenderer


def members(count: int) -> list[dict]:
    return [
        {
            "昵称": f"会员{i:04d}号",
            "邀请码": f"MX{i:05d}",
            "邀请链接": f"https://example.com/i/MX{i:05d}",
        }
        for i in range(count)
    ]


def bare_loop(background: Path, people: list[dict], compress_level: int | None) -> float:
    started = time.perf_counter()
    base = Image.open(background).convert("RGB")
    big, small = pil_font(44, True), pil_font(40, True)
    for person in people:
        poster = base.copy()
        code = qrcode.make(person["邀请链接"], border=4).get_image().convert("RGB")
        code = code.resize((440, 440), Image.Resampling.NEAREST)
        poster.paste(code, (320, 1040))
        draw = ImageDraw.Draw(poster)
        draw.text((540, 300), person["昵称"], font=big, fill="white", anchor="mm")
        draw.text(
            (540, 1542), "邀请码 " + person["邀请码"], font=small, fill="#d93a1f", anchor="mm"
        )
        buffer = io.BytesIO()
        options = {} if compress_level is None else {"compress_level": compress_level}
        poster.save(buffer, "PNG", **options)
    return time.perf_counter() - started


CPU_SECONDS = {1: 0.0, 2: 0.0}  # per run kind: CPU time this process + its workers got


def _cpu() -> float:
    try:
        import resource
    except ImportError:  # Windows: no figure
        return 0.0
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def batch(people: list[dict], jobs: int, shared: dict) -> float:
    template, assets = load_builtin("invite")
    folder = Path(tempfile.mkdtemp(prefix="posters-bench-"))
    try:
        started, cpu = time.perf_counter(), _cpu()
        result = render_batch(template, people, folder, assets=assets, shared=shared, jobs=jobs)
        elapsed = time.perf_counter() - started
        CPU_SECONDS[min(jobs, 2)] += _cpu() - cpu
        assert len(result.written) == len(people), result.failed[:3]
        return elapsed
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument(
        "--rounds",
        type=int,
        default=2,
        help="the posters are split into rounds that interleave the four runs, so a burst of "
        "load from other programs hits all of them alike",
    )
    args = parser.parse_args()
    people = members(args.count)
    shared = {k: SAMPLE_DATA[k] for k in ("活动名", "截止日期", "社群名")}
    cores = os.cpu_count() or 1

    # The bare loop's background: the template's layers that are the same for everyone.
    template, assets = load_builtin("invite")
    renderer = PosterRenderer(template, assets, shared)
    OUT.mkdir(parents=True, exist_ok=True)
    background = OUT / "poster-background.png"
    renderer._base_image([]).save(background)

    load_before = os.getloadavg()[0]
    runs = {
        "bare6": lambda part: bare_loop(background, part, None),
        "bare3": lambda part: bare_loop(background, part, PNG_COMPRESS_LEVEL),
        "single": lambda part: batch(part, 1, shared),
        "multi": lambda part: batch(part, cores, shared),
    }
    seconds = dict.fromkeys(runs, 0.0)
    size = -(-len(people) // args.rounds)
    order = list(runs)
    for round_number in range(args.rounds):
        part = people[round_number * size : (round_number + 1) * size]
        if not part:
            break
        for key in order[round_number % 4 :] + order[: round_number % 4]:
            seconds[key] += runs[key](part)
    load_after = os.getloadavg()[0]

    n = len(people)
    print(
        f"posters: {n} × {template.width}×{template.height}, {cores} cores, "
        f"{args.rounds} interleaved rounds, load average {load_before:.1f} → {load_after:.1f}"
    )
    print(f"bare Pillow loop (PNG level 6):     {n / seconds['bare6']:7.1f} posters/s")
    print(
        f"bare Pillow loop (PNG level {PNG_COMPRESS_LEVEL}):     "
        f"{n / seconds['bare3']:7.1f} posters/s"
    )
    print(f"render_batch, 1 process (verified): {n / seconds['single']:7.1f} posters/s")
    print(f"render_batch, {cores} processes:         {n / seconds['multi']:7.1f} posters/s")
    print(
        f"ratio single / bare (level 6):        "
        f"{seconds['bare6'] / seconds['single']:.2f}  (goal ≥ 0.80)"
    )
    print(f"ratio single / bare (same PNG level): {seconds['bare3'] / seconds['single']:.2f}")
    print(
        f"speed-up with {cores} cores: {seconds['single'] / seconds['multi']:.2f}×  "
        "(goal ≥ 1.7× on 2 cores; meaningless when the load average exceeds the cores)"
    )
    if CPU_SECONDS[2]:
        # How many cores the pool really got: with other programs busy it may be far below
        # the number of workers, and the speed-up can be no better than that.
        print(
            f"cores obtained: 1 process {CPU_SECONDS[1] / seconds['single']:.2f}, "
            f"{cores} processes {CPU_SECONDS[2] / seconds['multi']:.2f}"
        )


if __name__ == "__main__":
    main()
