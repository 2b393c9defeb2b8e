#!/usr/bin/env python3
"""Tabulate gs-lab train logs beside gsplat_cpu_train.py CSVs.

For gs-lab runs it also re-scores the saved held-out renders (model-renders/itN/*.png, 8-bit)
with the same torchmetrics PSNR/SSIM the reference script uses, so that SSIM is compared with
one implementation.

usage: summarize.py --ours DIR[,DIR...] --ref CSV[,CSV...]
"""
import argparse
import csv
import glob
import os
import re

import numpy as np
import torch
from PIL import Image

EVAL = re.compile(r"eval it (\d+): held-out PSNR ([\d.]+) dB\s+SSIM ([\d.]+)\s+L1 ([\d.]+)\s+\(\d+ views, (\d+) Gaussians")


def rescore(render_dir):
    from torchmetrics.image import PeakSignalNoiseRatio, StructuralSimilarityIndexMeasure
    psnr, ssim = PeakSignalNoiseRatio(data_range=1.0), StructuralSimilarityIndexMeasure(data_range=1.0)
    ps, ss = [], []
    for gt in sorted(glob.glob(os.path.join(render_dir, "*-gt.png"))):
        r = gt.replace("-gt.png", ".png")
        load = lambda p: torch.from_numpy(np.asarray(Image.open(p).convert("RGB")).astype(np.float32) / 255).permute(2, 0, 1)[None]
        a, b = load(r), load(gt)
        ps.append(float(psnr(a, b)))
        ss.append(float(ssim(a, b)))
    return (float(np.mean(ps)), float(np.mean(ss))) if ps else (float("nan"), float("nan"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ours", default="")
    ap.add_argument("--ref", default="")
    a = ap.parse_args()
    print("| run | step | PSNR | SSIM | L1 | Gaussians | PSNR / SSIM of the 8-bit renders (torchmetrics) |")
    print("|---|---|---|---|---|---|---|")
    for d in [x for x in a.ours.split(",") if x]:
        log = open(os.path.join(d, "log.txt")).read()
        for m in EVAL.finditer(log):
            it = int(m.group(1))
            p8, s8 = rescore(os.path.join(d, "model-renders", f"it{it}"))
            print(f"| ours {d} | {it} | {float(m.group(2)):.2f} | {float(m.group(3)):.4f} | {float(m.group(4)):.4f} | "
                  f"{int(m.group(5)):,} | {p8:.2f} / {s8:.4f} |")
    for f in [x for x in a.ref.split(",") if x]:
        for r in csv.DictReader(open(f)):
            print(f"| ref {os.path.basename(f)} seed {r['seed']} | {r['step']} | {float(r['psnr']):.2f} | "
                  f"{float(r['ssim']):.4f} | {float(r['l1']):.4f} | {int(r['gaussians']):,} | "
                  f"({float(r['seconds_per_step']):.2f} s/step) |")


if __name__ == "__main__":
    main()
