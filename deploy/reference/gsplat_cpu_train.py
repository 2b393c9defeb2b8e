#!/usr/bin/env python3
"""CPU reference trainer built on gsplat 1.5.3's own pure-PyTorch code paths.

It follows gsplat 1.5.3's ``examples/simple_trainer.py`` (defaults, 3DGS "classic" mode,
DefaultStrategy, ``steps_scaler = 7000/30000``) on a COLMAP text dataset such as
``gs-lab world-dataset`` writes, without CUDA:

imported from gsplat 1.5.3 (not copied):
  * ``gsplat.strategy.DefaultStrategy`` and its ops (densification, pruning, Adam-state surgery),
  * ``gsplat.cuda._torch_impl._quat_scale_to_covar_preci`` (3D covariances),
  * ``gsplat.cuda._torch_impl._fully_fused_projection`` (world→camera, EWA perspective
    projection, +eps2d blur, conics, depths, near/far cull),
  * ``gsplat.cuda._torch_impl._spherical_harmonics`` (SH evaluation, Sloan's bases).

written here (gsplat does these in CUDA kernels):
  * the opacity-aware screen radii of gsplat's CUDA projection kernel (1.5.3's ``rasterization``
    passes the opacities to ``fully_fused_projection``; the torch implementation does not take them),
  * tile binning (16×16 tiles, box from the radii, as ``isect_tiles``) and the front-to-back
    compositing of ``rasterize_to_pixels`` (alpha = min(0.999, o·exp(−σ)), skipped if σ < 0 or
    alpha < 1/255, stop before the Gaussian that would take T to ≤ 1e-4), differentiated by autograd,
  * ``fused_ssim(..., padding="valid")`` as a torch SSIM (11×11 Gaussian window, σ 1.5),
  * the COLMAP text / 3DGS PLY readers, the loop of ``Runner.train`` and ``Runner.eval``.

Evaluation uses torchmetrics' PSNR and SSIM as simple_trainer's ``eval`` does.
"""

import argparse
import csv
import math
import os
import sys
import time

# On a shared, loaded machine OpenMP's spin-waiting makes a 2-thread torch 10-30x slower than
# 1 thread (measured here); passive waiting removes that. Must be set before torch loads.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

import gsplat
from gsplat.cuda._torch_impl import (
    _fully_fused_projection,
    _quat_scale_to_covar_preci,
    _spherical_harmonics,
)
from gsplat.strategy import DefaultStrategy

ALPHA_THRESHOLD = 1.0 / 255.0  # gsplat csrc/include/Common.h
TILE = 16
LOG_T_MIN = math.log(1e-4)

# --------------------------------------------------------------------------------------------
# Data


def _qvec2rotmat(q):
    w, x, y, z = q
    return np.array(
        [
            [1 - 2 * y * y - 2 * z * z, 2 * x * y - 2 * w * z, 2 * z * x + 2 * w * y],
            [2 * x * y + 2 * w * z, 1 - 2 * x * x - 2 * z * z, 2 * y * z - 2 * w * x],
            [2 * z * x - 2 * w * y, 2 * y * z + 2 * w * x, 1 - 2 * x * x - 2 * y * y],
        ]
    )


def _find_sparse(data):
    for d in (os.path.join(data, "sparse", "0"), os.path.join(data, "sparse"), data):
        if os.path.exists(os.path.join(d, "cameras.txt")):
            return d
    raise FileNotFoundError(f"no COLMAP text model (cameras.txt) under {data}")


def _find_image(data, sparse, name):
    for d in (os.path.join(data, "images"), data, sparse):
        p = os.path.join(d, name)
        if os.path.exists(p):
            return p
    raise FileNotFoundError(name)


class Dataset:
    """COLMAP text model. Views sorted by name (as gsplat's Parser); held-out views from
    test_list.txt when present, else every 8th (gsplat's test_every=8)."""

    def __init__(self, data):
        sparse = _find_sparse(data)
        cams = {}
        for line in open(os.path.join(sparse, "cameras.txt")):
            if not line.strip() or line.startswith("#"):
                continue
            t = line.split()
            cid, model, w, h = int(t[0]), t[1], int(t[2]), int(t[3])
            p = [float(v) for v in t[4:]]
            if model == "PINHOLE":
                fx, fy, cx, cy = p[:4]
            elif model in ("SIMPLE_PINHOLE",):
                fx = fy = p[0]
                cx, cy = p[1], p[2]
            else:
                raise ValueError(f"camera model {model} not supported")
            cams[cid] = (w, h, np.array([[fx, 0, cx], [0, fy, cy], [0, 0, 1]], dtype=np.float64))
        lines = [l for l in open(os.path.join(sparse, "images.txt")) if not l.startswith("#")]
        views = []
        i = 0
        while i < len(lines):
            if not lines[i].strip():
                i += 1
                continue
            t = lines[i].split()
            q = [float(v) for v in t[1:5]]
            tv = np.array([float(v) for v in t[5:8]])
            cid, name = int(t[8]), t[9]
            w2c = np.eye(4)
            w2c[:3, :3] = _qvec2rotmat(q)
            w2c[:3, 3] = tv
            views.append((name, cid, w2c))
            i += 2  # the POINTS2D line (may be empty)
        views.sort(key=lambda v: v[0])
        pts, rgb = [], []
        for line in open(os.path.join(sparse, "points3D.txt")):
            if not line.strip() or line.startswith("#"):
                continue
            t = line.split()
            pts.append([float(v) for v in t[1:4]])
            rgb.append([float(v) for v in t[4:7]])
        self.points = torch.tensor(pts, dtype=torch.float32)
        self.points_rgb = torch.tensor(rgb, dtype=torch.float32) / 255.0
        test_list = os.path.join(data, "test_list.txt")
        if os.path.exists(test_list):
            test = {l.strip() for l in open(test_list) if l.strip()}
        else:
            test = {v[0] for k, v in enumerate(views) if k % 8 == 0}
        self.names, self.viewmats, self.Ks, self.images, self.is_test = [], [], [], [], []
        for name, cid, w2c in views:
            w, h, K = cams[cid]
            img = np.asarray(Image.open(_find_image(data, sparse, name)).convert("RGB"))
            assert img.shape[:2] == (h, w), (name, img.shape, w, h)
            self.names.append(name)
            self.viewmats.append(torch.tensor(w2c, dtype=torch.float32))
            self.Ks.append(torch.tensor(K, dtype=torch.float32))
            self.images.append(torch.from_numpy(img.astype(np.float32) / 255.0))  # [H, W, 3]
            self.is_test.append(name in test)
        self.train_ids = [k for k, t in enumerate(self.is_test) if not t]
        self.test_ids = [k for k, t in enumerate(self.is_test) if t]
        # gsplat Parser: scene_scale = max distance of ALL camera centres from their mean
        centres = np.stack([np.linalg.inv(v.double().numpy())[:3, 3] for v in self.viewmats])
        self.scene_scale = float(np.max(np.linalg.norm(centres - centres.mean(0), axis=1)))
        self.c2w = np.stack([np.linalg.inv(v.double().numpy()) for v in self.viewmats])


def normalization_scale(c2w):
    """The scale factor of simple_trainer's normalize_world_space=True (examples/datasets/
    normalize.py similarity_from_cameras(strict_scaling=False, center_method="focus"); the later
    align_principal_axes and up-side-down flip are rigid). Written here because the examples are
    not part of the gsplat wheel. The whole recipe is equivariant under that similarity except the
    absolute near/far planes, so training in the original frame with near_plane = 0.01 / scale is
    the same as gsplat's training in the normalised frame."""
    t, R = c2w[:, :3, 3], c2w[:, :3, :3]
    world_up = (-R[:, :, 1]).mean(0)
    world_up /= np.linalg.norm(world_up)
    up_cam = np.array([0.0, -1.0, 0.0])
    c = float(up_cam @ world_up)
    cr = np.cross(world_up, up_cam)
    skew = np.array([[0.0, -cr[2], cr[1]], [cr[2], 0.0, -cr[0]], [-cr[1], cr[0], 0.0]])
    R_align = np.eye(3) + skew + skew @ skew / (1 + c) if c > -1 else np.diag([-1.0, 1.0, 1.0])
    fwds = (R_align @ R)[:, :, 2]
    t = t @ R_align.T
    nearest = t + (fwds * -t).sum(-1)[:, None] * fwds
    translate = -np.median(nearest, axis=0)
    return 1.0 / float(np.median(np.linalg.norm(t + translate, axis=-1)))


def read_3dgs_ply(path):
    """Binary little-endian 3DGS PLY → dict of raw parameters (log scales, logit opacity)."""
    with open(path, "rb") as f:
        props, n = [], 0
        while True:
            line = f.readline().decode("ascii").strip()
            if line.startswith("element vertex"):
                n = int(line.split()[2])
            elif line.startswith("property"):
                _, typ, name = line.split()
                props.append((name, {"float": "<f4", "double": "<f8", "uchar": "u1"}[typ]))
            elif line == "end_header":
                break
        arr = np.frombuffer(f.read(), dtype=np.dtype(props), count=n)
    g = lambda *names: torch.tensor(np.stack([arr[k].astype(np.float32) for k in names], -1))
    n_rest = len([p for p, _ in props if p.startswith("f_rest_")])
    sh0 = g("f_dc_0", "f_dc_1", "f_dc_2")[:, None, :]
    shN = g(*[f"f_rest_{i}" for i in range(n_rest)]).reshape(n, 3, n_rest // 3).transpose(1, 2)
    return {
        "means": g("x", "y", "z"),
        "scales": g("scale_0", "scale_1", "scale_2"),
        "quats": g("rot_0", "rot_1", "rot_2", "rot_3"),
        "opacities": g("opacity")[:, 0],
        "sh0": sh0,
        "shN": shN.contiguous(),
    }


# --------------------------------------------------------------------------------------------
# Rendering: gsplat's torch projection + SH, our torch tile compositor


def render(params, viewmat, K, width, height, sh_degree, near_plane=0.01, far_plane=1e10, eps2d=0.3):
    """One camera. Returns colours [1, H, W, 3] (black background) and an info dict shaped as
    gsplat 1.5.3's non-packed ``rasterization`` meta ([C, N, 2] means2d, int32 [C, N, 2] radii)."""
    means = params["means"]
    N = means.shape[0]
    quats = params["quats"]
    scales = torch.exp(params["scales"])
    opacities = torch.sigmoid(params["opacities"])
    viewmats = viewmat[None]
    Ks = K[None]

    covars, _ = _quat_scale_to_covar_preci(quats, scales, compute_covar=True, compute_preci=False)
    _, means2d, depths, conics, _ = _fully_fused_projection(
        means, covars, viewmats, Ks, width, height,
        eps2d=eps2d, near_plane=near_plane, far_plane=far_plane, calc_compensations=False,
        camera_model="pinhole",
    )  # means2d [1, N, 2], depths [1, N], conics [1, N, 3]

    # Screen radii as gsplat 1.5.3's CUDA projection kernel computes them (opacity-aware extent).
    with torch.no_grad():
        a, b, c = conics[0].unbind(-1)
        detc = a * c - b * b
        cov_xx, cov_yy = c / detc, a / detc  # the blurred 2D covariance's diagonal
        op = opacities.detach()
        extend = torch.clamp(torch.sqrt(2.0 * torch.log(op.clamp_min(1e-30) / ALPHA_THRESHOLD)), max=3.33)
        rx = torch.ceil(extend * torch.sqrt(cov_xx))
        ry = torch.ceil(extend * torch.sqrt(cov_yy))
        m = means2d[0].detach()
        d = depths[0].detach()
        valid = (d >= near_plane) & (d <= far_plane) & (detc > 0) & (op >= ALPHA_THRESHOLD)
        valid &= torch.isfinite(rx) & torch.isfinite(ry) & ~((rx <= 0) & (ry <= 0))
        valid &= (m[:, 0] + rx > 0) & (m[:, 0] - rx < width) & (m[:, 1] + ry > 0) & (m[:, 1] - ry < height)
        radii = torch.stack([rx, ry], -1)
        radii[~valid] = 0
        radii = radii.to(torch.int32)[None]  # [1, N, 2]
        vis = torch.nonzero(valid).squeeze(1)

    # Colours of the visible Gaussians: gsplat's torch SH, then +0.5, clamp_min 0 (rendering.py)
    campos = torch.inverse(viewmat)[:3, 3]
    coeffs = torch.cat([params["sh0"], params["shN"]], 1)[vis]  # [V, K, 3]
    dirs = means[vis] - campos[None]
    colors = _spherical_harmonics(sh_degree, dirs, coeffs)
    colors = torch.clamp_min(colors + 0.5, 0.0)  # [V, 3]

    img = composite(means2d[0, vis], conics[0, vis], opacities[vis], colors,
                    depths[0, vis].detach(), radii[0, vis], width, height)

    info = {
        "batch_ids": None,
        "camera_ids": None,
        "gaussian_ids": None,
        "radii": radii,
        "means2d": means2d,
        "depths": depths,
        "conics": conics,
        "opacities": opacities[None],
        "width": width,
        "height": height,
        "tile_size": TILE,
        "n_batches": 1,
        "n_cameras": 1,
    }
    return img[None], info


@torch.no_grad()
def _contributions(m, con, op, depth, radii, width, height, k_chunk=4096):
    """Which (pixel, Gaussian) pairs the CUDA rasteriser would blend, in blending order.
    Returns flat pixel ids and indices into the visible set, grouped by pixel, front to back."""
    V = m.shape[0]
    tw, th = (width + TILE - 1) // TILE, (height + TILE - 1) // TILE
    r = radii.float()
    tmin = torch.floor((m - r) / TILE).long()
    tmax = torch.ceil((m + r) / TILE).long()
    tmin[:, 0].clamp_(0, tw); tmax[:, 0].clamp_(0, tw)
    tmin[:, 1].clamp_(0, th); tmax[:, 1].clamp_(0, th)
    nx, ny = tmax[:, 0] - tmin[:, 0], tmax[:, 1] - tmin[:, 1]
    cnt = nx * ny
    gid = torch.repeat_interleave(torch.arange(V), cnt)
    if gid.numel() == 0:
        e = torch.empty(0, dtype=torch.long)
        return e, e
    start = torch.cumsum(cnt, 0) - cnt
    local = torch.arange(gid.numel()) - start[gid]
    tx = tmin[gid, 0] + local % nx[gid]
    ty = tmin[gid, 1] + local // nx[gid]
    tile = ty * tw + tx
    rank = torch.empty(V, dtype=torch.long)
    rank[torch.argsort(depth, stable=True)] = torch.arange(V)
    order = torch.argsort(tile * V + rank[gid])
    tile, gid = tile[order], gid[order]
    tcount = torch.bincount(tile, minlength=tw * th)
    tstart = torch.cumsum(tcount, 0) - tcount
    thr = torch.log(op / ALPHA_THRESHOLD) + 1e-4  # slightly loose; the exact alpha test follows
    # gather everything per (tile, Gaussian) pair once; tiles and chunks are then slices
    mx_s, my_s = m[gid, 0].contiguous(), m[gid, 1].contiguous()
    a_s, b_s, c_s = con[gid, 0].contiguous(), con[gid, 1].contiguous(), con[gid, 2].contiguous()
    thr_s, op_s = thr[gid], op[gid]
    out_pix, out_g = [], []
    for t in range(tw * th):
        if tcount[t] == 0:
            continue
        t0, t1 = int(tstart[t]), int(tstart[t] + tcount[t])
        g = gid[t0:t1]
        x0, y0 = (t % tw) * TILE, (t // tw) * TILE
        ys, xs = torch.meshgrid(torch.arange(y0, min(y0 + TILE, height)),
                                torch.arange(x0, min(x0 + TILE, width)), indexing="ij")
        pix = (ys * width + xs).reshape(-1)
        px = xs.reshape(-1).float() + 0.5
        py = ys.reshape(-1).float() + 0.5
        logT = torch.zeros(pix.numel(), dtype=torch.float64)  # log transmittance so far
        k0, chunk = 0, 256
        while k0 < g.numel():
            sl = slice(t0 + k0, t0 + min(k0 + chunk, g.numel()))
            gk = g[k0: k0 + chunk]
            k0 += chunk
            chunk = min(2 * chunk, k_chunk)  # small first chunks: opaque tiles finish early
            dx = mx_s[sl][None] - px[:, None]
            dy = my_s[sl][None] - py[:, None]
            sigma = 0.5 * (a_s[sl][None] * dx * dx + c_s[sl][None] * dy * dy) + b_s[sl][None] * dx * dy
            # cheap dense pre-test (alpha >= 1/255 <=> sigma <= ln(255 o)), exact test on the survivors
            flat = torch.nonzero(((sigma >= 0) & (sigma <= thr_s[sl][None])).view(-1)).squeeze(1)
            pi, ki = torch.div(flat, gk.numel(), rounding_mode="floor"), flat % gk.numel()  # pixel-major
            alpha = torch.clamp(op_s[sl][ki] * torch.exp(-sigma.view(-1)[flat]), max=0.999)
            ok = alpha >= ALPHA_THRESHOLD
            pi, ki, alpha = pi[ok], ki[ok], alpha[ok]
            if pi.numel() == 0:
                continue
            L = torch.log1p(-alpha.double())
            cs = torch.cumsum(L, 0)
            _, cnt = torch.unique_consecutive(pi, return_counts=True)
            first = torch.cumsum(cnt, 0) - cnt
            incl = cs - torch.repeat_interleave(cs[first] - L[first], cnt) + logT[pi]
            keep = incl > LOG_T_MIN  # "next_T <= 1e-4: done (exclusive)"; T is non-increasing
            out_pix.append(pix[pi[keep]])
            out_g.append(gk[ki[keep]])
            logT = logT.index_add(0, pi, L)
            live = logT > LOG_T_MIN  # pixels still blending
            if not bool(live.all()):
                if not bool(live.any()):
                    break
                pix, px, py, logT = pix[live], px[live], py[live], logT[live]
    pix = torch.cat(out_pix)
    g = torch.cat(out_g)
    # chunks of one tile produce pixel-major runs per chunk: a stable sort by pixel regroups them
    # while keeping depth order within a pixel (chunks are in depth order).
    o = torch.sort(pix, stable=True).indices
    return pix[o], g[o]


def composite(m, con, op, colors, depth, radii, width, height):
    """Front-to-back alpha blending of gsplat's rasterize_to_pixels (classic), black background,
    differentiable in m (means2d), con (conics), op (opacities) and colors."""
    pix, g = _contributions(m.detach(), con.detach(), op.detach(), depth, radii, width, height)
    img = torch.zeros(height * width, 3, dtype=colors.dtype)
    if pix.numel() == 0:
        return img.reshape(height, width, 3) + 0 * (m.sum() + con.sum() + op.sum() + colors.sum())
    px = (pix % width).float() + 0.5
    py = torch.div(pix, width, rounding_mode="floor").float() + 0.5
    mg = m[g]
    cg = con[g]
    dx = mg[:, 0] - px
    dy = mg[:, 1] - py
    sigma = 0.5 * (cg[:, 0] * dx * dx + cg[:, 2] * dy * dy) + cg[:, 1] * dx * dy
    alpha = torch.clamp(op[g] * torch.exp(-sigma), max=0.999)
    # transmittance before each pair, per pixel: exp of a segmented exclusive cumsum of log(1-alpha)
    L = torch.log1p(-alpha.double())
    cs = torch.cumsum(L, 0)
    excl = cs - L
    _, counts = torch.unique_consecutive(pix, return_counts=True)
    seg_start = torch.repeat_interleave(torch.cumsum(counts, 0) - counts, counts)
    T = torch.exp(excl - excl[seg_start]).float()
    w = alpha * T
    img = img.index_add(0, pix, w[:, None] * colors[g])
    return img.reshape(height, width, 3)


# --------------------------------------------------------------------------------------------
# Losses / metrics


def _gauss_window(size=11, sigma=1.5):
    x = torch.arange(size, dtype=torch.float32) - (size - 1) / 2
    g = torch.exp(-(x ** 2) / (2 * sigma ** 2))
    return g / g.sum()


_W1 = _gauss_window()


def ssim_valid(x, y, C1=0.01 ** 2, C2=0.03 ** 2):
    """SSIM as fused_ssim(x, y, padding="valid"): [B, C, H, W], 11×11 Gaussian σ 1.5, mean over
    the valid-convolution map."""
    C = x.shape[1]
    wx = _W1.view(1, 1, 1, -1).repeat(C, 1, 1, 1)
    wy = _W1.view(1, 1, -1, 1).repeat(C, 1, 1, 1)
    f = lambda z: F.conv2d(F.conv2d(z, wx, groups=C), wy, groups=C)
    mu1, mu2 = f(x), f(y)
    s11 = f(x * x) - mu1 * mu1
    s22 = f(y * y) - mu2 * mu2
    s12 = f(x * y) - mu1 * mu2
    m = ((2 * mu1 * mu2 + C1) * (2 * s12 + C2)) / ((mu1 * mu1 + mu2 * mu2 + C1) * (s11 + s22 + C2))
    return m.mean()


def psnr(a, b):
    return float(10 * torch.log10(1.0 / F.mse_loss(a, b)))


# --------------------------------------------------------------------------------------------
# Training (simple_trainer.py 1.5.3 Runner.train / Runner.eval, batch size 1, one rank)


def knn_dist(points, K=4, chunk=1024):
    out = []
    for i in range(0, points.shape[0], chunk):
        d = torch.cdist(points[i: i + chunk].double(), points.double())
        out.append(torch.topk(d, K, dim=1, largest=False).values.float())
    return torch.cat(out)  # [N, K], first column the point itself (sklearn's kneighbors on fit data)


def create_splats_with_optimizers(ds, scene_scale, args):
    points, rgbs = ds.points, ds.points_rgb
    dist2_avg = (knn_dist(points, 4)[:, 1:] ** 2).mean(dim=-1)
    dist_avg = torch.sqrt(dist2_avg)
    scales = torch.log(dist_avg * 1.0).unsqueeze(-1).repeat(1, 3)
    N = points.shape[0]
    quats = torch.rand((N, 4))
    opacities = torch.logit(torch.full((N,), 0.1))
    colors = torch.zeros((N, (3 + 1) ** 2, 3))
    colors[:, 0, :] = (rgbs - 0.5) / 0.28209479177387814  # rgb_to_sh
    params = [
        ("means", torch.nn.Parameter(points), 1.6e-4 * scene_scale),
        ("scales", torch.nn.Parameter(scales), 5e-3),
        ("quats", torch.nn.Parameter(quats), 1e-3),
        ("opacities", torch.nn.Parameter(opacities), 5e-2),
        ("sh0", torch.nn.Parameter(colors[:, :1, :].clone()), 2.5e-3),
        ("shN", torch.nn.Parameter(colors[:, 1:, :].clone()), 2.5e-3 / 20),
    ]
    splats = torch.nn.ParameterDict({n: v for n, v, _ in params})
    BS = 1
    optimizers = {
        name: torch.optim.Adam(
            [{"params": splats[name], "lr": lr * math.sqrt(BS), "name": name}],
            eps=1e-15 / math.sqrt(BS),
            betas=(1 - BS * (1 - 0.9), 1 - BS * (1 - 0.999)),
        )
        for name, _, lr in params
    }
    return splats, optimizers


@torch.no_grad()
def evaluate(splats, ds, ssim_metric, psnr_metric, near_plane):
    ps, ss, l1s = [], [], []
    t0 = time.time()
    for k in ds.test_ids:
        img = ds.images[k]
        H, W = img.shape[:2]
        colors, _ = render(splats, ds.viewmats[k], ds.Ks[k], W, H, sh_degree=3, near_plane=near_plane)
        colors = torch.clamp(colors, 0.0, 1.0)
        cp = colors.permute(0, 3, 1, 2)
        pp = img[None].permute(0, 3, 1, 2)
        ps.append(float(psnr_metric(cp, pp)))
        ss.append(float(ssim_metric(cp, pp)))
        l1s.append(float(F.l1_loss(cp, pp)))
    return float(np.mean(ps)), float(np.mean(ss)), float(np.mean(l1s)), time.time() - t0


def train(args):
    from torchmetrics import PeakSignalNoiseRatio, StructuralSimilarityIndexMeasure

    ds = Dataset(args.data)
    scene_scale = ds.scene_scale * 1.1  # Runner: parser.scene_scale * 1.1 * global_scale
    print(f"{len(ds.train_ids)} training + {len(ds.test_ids)} held-out views, "
          f"{ds.points.shape[0]} points, scene_scale {scene_scale:.4f}", flush=True)

    sc = normalization_scale(ds.c2w)
    near_plane = args.near_plane if args.near_plane is not None else 0.01 / sc
    print(f"near plane {near_plane:.4f} (gsplat's 0.01 in its normalised world: scale {sc:.4f})", flush=True)

    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    splats, optimizers = create_splats_with_optimizers(ds, scene_scale, args)

    # Config.adjust_steps(steps_scaler) on DefaultStrategy's defaults
    f = args.steps_scaler
    strategy = DefaultStrategy()
    strategy.refine_start_iter = int(strategy.refine_start_iter * f)
    strategy.refine_stop_iter = int(strategy.refine_stop_iter * f)
    strategy.reset_every = int(strategy.reset_every * f)
    strategy.refine_every = int(strategy.refine_every * f)
    sh_degree_interval = int(1000 * f)
    max_steps = args.max_steps if args.max_steps else int(30_000 * f)
    print(f"strategy: start {strategy.refine_start_iter} stop {strategy.refine_stop_iter} "
          f"reset_every {strategy.reset_every} every {strategy.refine_every}; sh interval "
          f"{sh_degree_interval}; means lr schedule over max_steps {max_steps}", flush=True)
    strategy.check_sanity(splats, optimizers)
    state = strategy.initialize_state(scene_scale=scene_scale)
    schedulers = [torch.optim.lr_scheduler.ExponentialLR(optimizers["means"], gamma=0.01 ** (1.0 / max_steps))]

    ssim_metric = StructuralSimilarityIndexMeasure(data_range=1.0)
    psnr_metric = PeakSignalNoiseRatio(data_range=1.0)

    gen = torch.Generator().manual_seed(args.seed)
    order = []
    rows = []
    train_time = 0.0
    first_step = 0
    if args.resume:
        ck = torch.load(args.resume, weights_only=False)
        for name, v in ck["splats"].items():
            splats[name] = torch.nn.Parameter(v)
        for name, opt in optimizers.items():
            opt.param_groups[0]["params"] = [splats[name]]
            opt.load_state_dict(ck["optimizers"][name])
        schedulers[0].load_state_dict(ck["scheduler"])
        state.update(ck["strategy_state"])
        torch.set_rng_state(ck["torch_rng"])
        gen.set_state(ck["gen_rng"])
        order, first_step, train_time = ck["order"], ck["step"], ck["train_time"]
        print(f"resumed from {args.resume} at step {first_step} with {len(splats['means'])} Gaussians", flush=True)
    tic_log = time.time()
    eval_at = set(args.eval_at)
    for step in range(first_step, args.iterations):
        t_step = time.time()
        if not order:
            order = [ds.train_ids[i] for i in torch.randperm(len(ds.train_ids), generator=gen).tolist()]
        k = order.pop(0)
        pixels = ds.images[k][None]
        H, W = pixels.shape[1:3]
        sh_degree_to_use = min(step // sh_degree_interval, 3)
        colors, info = render(splats, ds.viewmats[k], ds.Ks[k], W, H, sh_degree=sh_degree_to_use,
                              near_plane=near_plane)

        strategy.step_pre_backward(params=splats, optimizers=optimizers, state=state, step=step, info=info)
        l1loss = F.l1_loss(colors, pixels)
        ssimloss = 1.0 - ssim_valid(colors.permute(0, 3, 1, 2), pixels.permute(0, 3, 1, 2))
        loss = l1loss * 0.8 + ssimloss * 0.2
        loss.backward()

        if step == 0 or args.check_grads:
            g = info["means2d"].grad
            nz = int((g.abs().sum(-1) > 0).sum()) if g is not None else 0
            print(f"step {step}: means2d.grad {'present' if g is not None else 'MISSING'}, "
                  f"{nz} of {g.shape[1] if g is not None else 0} Gaussians with a non-zero 2D gradient, "
                  f"{int((info['radii'] > 0).all(-1).sum())} visible", flush=True)

        for opt in optimizers.values():
            opt.step()
            opt.zero_grad(set_to_none=True)
        for s in schedulers:
            s.step()
        strategy.step_post_backward(params=splats, optimizers=optimizers, state=state, step=step,
                                    info=info, packed=False)
        train_time += time.time() - t_step

        if (step + 1) % args.log_every == 0:
            now = time.time()
            print(f"step {step + 1}: loss {loss.item():.4f} l1 {l1loss.item():.4f} "
                  f"N {len(splats['means'])} sh {sh_degree_to_use} "
                  f"{args.log_every / (now - tic_log):.2f} it/s", flush=True)
            tic_log = now
        if step + 1 in eval_at:
            p, s, l1, et = evaluate(splats, ds, ssim_metric, psnr_metric, near_plane)
            n = len(splats["means"])
            print(f"EVAL step {step + 1}: PSNR {p:.3f} SSIM {s:.4f} L1 {l1:.4f} Gaussians {n} "
                  f"train time {train_time:.1f}s ({train_time / (step + 1):.3f} s/step) eval {et:.1f}s",
                  flush=True)
            rows.append(dict(seed=args.seed, step=step + 1, psnr=round(p, 4), ssim=round(s, 5),
                             l1=round(l1, 5), gaussians=n, train_seconds=round(train_time, 1),
                             seconds_per_step=round(train_time / (step + 1), 4), max_steps=max_steps,
                             near_plane=round(near_plane, 4)))
            if args.out_csv:
                new = not os.path.exists(args.out_csv)
                with open(args.out_csv, "a", newline="") as fh:
                    w = csv.DictWriter(fh, fieldnames=list(rows[-1].keys()))
                    if new:
                        w.writeheader()
                    w.writerow(rows[-1])
    if args.checkpoint:
        torch.save(dict(splats={k: v.detach() for k, v in splats.items()},
                        optimizers={k: o.state_dict() for k, o in optimizers.items()},
                        scheduler=schedulers[0].state_dict(), strategy_state=state,
                        torch_rng=torch.get_rng_state(), gen_rng=gen.get_state(), order=order,
                        step=args.iterations, train_time=train_time), args.checkpoint)
        print(f"checkpoint at step {args.iterations} -> {args.checkpoint}", flush=True)
    return rows


@torch.no_grad()
def check_ground_truth(args):
    ds = Dataset(args.data)
    gt = read_3dgs_ply(args.ground_truth)
    print(f"ground truth: {gt['means'].shape[0]} Gaussians, SH coeffs {1 + gt['shN'].shape[1]}")
    ids = list(range(len(ds.names)))[:: max(1, len(ds.names) // args.check_views)][: args.check_views]
    vals = []
    for k in ids:
        img = ds.images[k]
        H, W = img.shape[:2]
        t0 = time.time()
        colors, info = render(gt, ds.viewmats[k], ds.Ks[k], W, H, sh_degree=3)
        colors = torch.clamp(colors[0], 0, 1)
        q = torch.round(colors * 255) / 255  # the dataset's PNGs are 8-bit
        p, pq = psnr(colors, img), psnr(q, img)
        maxd = float((q - img).abs().max() * 255)
        vals.append(p)
        print(f"{ds.names[k]}: PSNR {p:.2f} dB (8-bit quantised {pq:.2f} dB), max |diff| {maxd:.0f}/255, "
              f"{time.time() - t0:.2f}s", flush=True)
        if args.save_renders:
            os.makedirs(args.save_renders, exist_ok=True)
            Image.fromarray((q.numpy() * 255).astype(np.uint8)).save(os.path.join(args.save_renders, ds.names[k]))
    print(f"mean PSNR over {len(vals)} views: {np.mean(vals):.2f} dB")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True)
    ap.add_argument("--iterations", type=int, default=500, help="steps to run")
    ap.add_argument("--max-steps", type=int, default=0,
                    help="length of the means-lr schedule (simple_trainer's max_steps); "
                         "default 30000*steps_scaler = 7000")
    ap.add_argument("--steps-scaler", type=float, default=7000 / 30000)
    ap.add_argument("--eval-at", type=lambda s: [int(v) for v in s.split(",") if v], default=[500])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--near-plane", type=float, default=None,
                    help="default: 0.01 / gsplat's world-normalisation scale (normalize_world_space=True)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out-csv", default=None)
    ap.add_argument("--log-every", type=int, default=50)
    ap.add_argument("--checkpoint", default=None, help="write the full training state here at the end")
    ap.add_argument("--resume", default=None, help="continue from a --checkpoint (same data, seed, options)")
    ap.add_argument("--check-grads", action="store_true", help="report means2d gradients every step")
    ap.add_argument("--ground-truth", default=None,
                    help="instead of training, render this 3DGS PLY from dataset views and compare")
    ap.add_argument("--check-views", type=int, default=6)
    ap.add_argument("--save-renders", default=None)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass
    print(f"gsplat {gsplat.__version__}, torch {torch.__version__}, threads {torch.get_num_threads()}", flush=True)
    if args.ground_truth:
        check_ground_truth(args)
    else:
        train(args)


if __name__ == "__main__":
    main()
