#!/usr/bin/env python3
"""Writes polygons.json: COCO polygons and the RLE pycocotools gives them.

pycocotools is not installable here (no PyPI), so this is a line-by-line Python transcription of its C code
(common/maskApi.c: rleFrPoly, rleToString, rleArea, rleToBbox), independent of the C# under test, written
with C's integer semantics: (int) truncates toward zero, (uint) wraps. Run: python3 make-expected.py
"""
import json
import math
import random


def c_int(x):
    """C's (int) cast of a double: truncation toward zero."""
    return int(x)  # Python's int() of a float truncates toward zero too


def fr_poly(xy, h, w):
    k = len(xy) // 2
    scale = 5.0
    x = [c_int(scale * xy[j * 2] + .5) for j in range(k)] + [0]
    y = [c_int(scale * xy[j * 2 + 1] + .5) for j in range(k)] + [0]
    x[k] = x[0]
    y[k] = y[0]
    u, v = [], []
    for j in range(k):
        xs, xe, ys, ye = x[j], x[j + 1], y[j], y[j + 1]
        dx, dy = abs(xe - xs), abs(ys - ye)
        flip = (dx >= dy and xs > xe) or (dx < dy and ys > ye)
        if flip:
            xs, xe = xe, xs
            ys, ye = ye, ys
        if dx >= dy:
            s = (ye - ys) / dx if dx != 0 else float('nan')
            for d in range(dx + 1):
                t = dx - d if flip else d
                u.append(t + xs)
                # C: (int)(ys + s*t + .5); a NaN here (repeated vertex) is never read later
                val = ys + s * t + .5
                v.append(c_int(val) if not math.isnan(val) else -2147483648)
        else:
            s = (xe - xs) / dy
            for d in range(dy + 1):
                t = dy - d if flip else d
                v.append(t + ys)
                u.append(c_int(xs + s * t + .5))
    xs_, ys_ = [], []
    for j in range(1, len(u)):
        if u[j] != u[j - 1]:
            xd = float(u[j] if u[j] < u[j - 1] else u[j] - 1)
            xd = (xd + .5) / scale - .5
            if math.floor(xd) != xd or xd < 0 or xd > w - 1:
                continue
            yd = float(v[j] if v[j] < v[j - 1] else v[j - 1])
            yd = (yd + .5) / scale - .5
            if yd < 0:
                yd = 0
            elif yd > h:
                yd = h
            yd = math.ceil(yd)
            xs_.append(int(xd))
            ys_.append(int(yd))
    a = [(xs_[j] * h + ys_[j]) & 0xFFFFFFFF for j in range(len(xs_))]
    a.append(h * w)
    a.sort()
    p = 0
    for j in range(len(a)):
        t = a[j]
        a[j] = (a[j] - p) & 0xFFFFFFFF
        p = t
    b = []
    j = 0
    b.append(a[j])
    j += 1
    while j < len(a):
        if a[j] > 0:
            b.append(a[j])
            j += 1
        else:
            j += 1
            if j < len(a):
                b[-1] += a[j]
                j += 1
    return b


def to_string(cnts):
    out = []
    for i, c in enumerate(cnts):
        x = c
        if i > 2:
            x -= cnts[i - 2]
        more = True
        while more:
            ch = x & 0x1f
            x >>= 5  # arithmetic shift, as C's >> on a negative long
            more = (x != -1) if (ch & 0x10) else (x != 0)
            if more:
                ch |= 0x20
            out.append(chr(ch + 48))
    return ''.join(out)


def area(cnts):
    return sum(cnts[1::2])


def to_bbox(cnts, h, w):
    m = (len(cnts) // 2) * 2
    if m == 0:
        return [0, 0, 0, 0]
    xs, ys, xe, ye, cc, xp = w, h, 0, 0, 0, 0
    for j in range(m):
        cc += cnts[j]
        t = cc - j % 2
        y = t % h
        x = (t - y) // h
        if j % 2 == 0:
            xp = x
        elif xp < x:
            ys, ye = 0, h - 1
        xs, xe, ys, ye = min(xs, x), max(xe, x), min(ys, y), max(ye, y)
    return [xs, ys, xe - xs + 1, ye - ys + 1]


def main():
    cases = [
        ("square", 30, 30, [10, 10, 20, 10, 20, 20, 10, 20]),
        ("triangle", 40, 50, [5, 5, 45, 10, 20, 35]),
        ("fractional", 32, 32, [3.3, 4.7, 27.25, 2.5, 29.9, 28.4, 6.1, 25.55]),
        ("concave", 40, 40, [5, 5, 35, 5, 35, 35, 20, 15, 5, 35]),
        ("self-intersecting bow tie", 30, 30, [5, 5, 25, 25, 25, 5, 5, 25]),
        ("repeated vertex", 30, 30, [5, 5, 5, 5, 25, 5, 25, 25, 5, 25]),
        ("on the border", 20, 20, [0, 0, 20, 0, 20, 20, 0, 20]),
        ("slightly outside", 20, 24, [-0.8, -0.5, 24.6, 0, 24.9, 20.7, 0, 20.3]),
        ("thin sliver", 30, 30, [2, 2, 28, 3, 2, 4]),
        ("tiny", 10, 10, [4.2, 4.2, 5.1, 4.3, 4.6, 5.2]),
        ("wide image", 12, 200, [1, 1, 199, 2, 150, 11, 3, 10]),
    ]
    rng = random.Random(20261124)
    for n in range(40):
        h, w = rng.randint(8, 60), rng.randint(8, 60)
        points = rng.randint(3, 12)
        xy = []
        for _ in range(points):
            xy += [round(rng.uniform(-0.5, w + 0.5), rng.choice([0, 1, 2])), round(rng.uniform(-0.5, h + 0.5), rng.choice([0, 1, 2]))]
        cases.append((f"random {n}", h, w, xy))
    out = []
    for name, h, w, xy in cases:
        cnts = fr_poly([float(v) for v in xy], h, w)
        assert sum(cnts) == h * w, name
        out.append({"name": name, "height": h, "width": w, "polygon": xy, "counts": cnts,
                    "rle": to_string(cnts), "area": area(cnts), "bbox": to_bbox(cnts, h, w)})
    with open("polygons.json", "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
