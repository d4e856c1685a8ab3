#!/usr/bin/env python3
"""Writes the city maps the import tests read: tests/CommandCenter.Testing/Fixtures/*.geojson.

江洲市 (Jiangzhou, code 440399) is a small fictional city, not the demo city:
2 towns (江北街道, a Street; 河口镇, a Town) x 2 communities x 2-3 grids.

  river-city.geojson     valid; a grid in two parts either side of the river grid (MultiPolygon), a grid with a
                         lake in it (a hole) and the lake grid filling that hole exactly, and a sliver overlap of
                         about 0.5 m2 between two grids of 渔港村 (a warning, not an error). Kinds are left out
                         where the importer's defaults give them (the communities of 江北街道, the grids of 河口镇).
  river-city-v2.geojson  the same city re-divided: 稻田村第1网格 split into two new grids, 渔港村第3网格 retired
                         and merged into 渔港村第2网格 (reshaped), 沙洲社区第3网格 renamed.
  broken-city.geojson    river-city with an overlap (稻田村第1网格 widened over 第2网格), a gap (沙洲社区第3网格
                         narrowed), an orphan grid (its community 440399001009 does not exist) and a code used twice.

Standard library only; the same output every time. Run from the repository root:
    python3 seeds/tools/generate_import_fixtures.py
"""
import json
import os
import random
import re

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "CommandCenter.Testing", "Fixtures")

# One unit of the layout is 0.002 degrees; x grows east, y grows north. The city is 12 x 6 units.
LON0, LAT0, UNIT = 113.900, 22.500, 0.002
# The sliver: 渔港村第1网格's east edge bulges this many units into 第2网格 at its middle, a triangle of ~0.5 m2.
SLIVER = 0.0000075

CITY = "440399"
T1, T2 = CITY + "001", CITY + "002"
T1C1, T1C2, T2C1, T2C2 = T1 + "001", T1 + "002", T2 + "001", T2 + "002"


def rect(x0, y0, x1, y1):
    """Counter-clockwise corners of a rectangle (RFC 7946 exterior orientation)."""
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


def ring(corners, vertices, clockwise=False):
    """A closed ring through the corners, with every known vertex that lies on an axis-aligned edge inserted, so
    neighbours share their vertices and no edge of one ends in the middle of another's."""
    pts = list(reversed(corners)) if clockwise else list(corners)
    out = []
    for a, b in zip(pts, pts[1:] + pts[:1]):
        out.append(a)
        if a[0] == b[0]:
            lo, hi = sorted((a[1], b[1]))
            on = sorted((v for v in vertices if v[0] == a[0] and lo < v[1] < hi), key=lambda v: v[1], reverse=b[1] < a[1])
        elif a[1] == b[1]:
            lo, hi = sorted((a[0], b[0]))
            on = sorted((v for v in vertices if v[1] == a[1] and lo < v[0] < hi), key=lambda v: v[0], reverse=b[0] < a[0])
        else:
            on = []
        out.extend(on)
    out.append(out[0])
    return [[round(LON0 + x * UNIT, 9), round(LAT0 + y * UNIT, 9)] for x, y in out]


def signed_area(r):
    x0, y0 = r[0]
    return sum((xa - x0) * (yb - y0) - (xb - x0) * (ya - y0) for (xa, ya), (xb, yb) in zip(r, r[1:])) / 2.0


class People:
    """Made-up names and phones, drawn from a generator seeded with the node's code: a node keeps its people from
    one version of the city to the next, so only the intended changes show in a diff."""
    SURNAMES = "陈林黄张李王吴刘蔡杨许郑谢郭洪邱曾廖赖徐周叶苏庄"
    GIVEN = ["志强", "丽华", "建军", "秀英", "海波", "晓燕", "国栋", "美玲", "伟东", "淑芬", "振华", "慧敏"]

    def __init__(self, code):
        self.rng = random.Random("people-" + code)

    def next(self):
        return self.rng.choice(self.SURNAMES) + self.rng.choice(self.GIVEN), "139%08d" % self.rng.randrange(10 ** 8)


def division(version):
    """The nodes of the city as (code, name, level, parent, kind, shape) where shape is a list of polygons, each a
    list of rings given as (corners, clockwise)."""
    grids = []  # (code, name, parent, kind, polygons)
    # 江北街道 滨江社区 (x 0-6, y 3-6): the river grid runs north-south through the middle; 第1网格 lies either side.
    grids.append((T1C1 + "001", "滨江社区第1网格", T1C1, "Urban", [[rect(0, 3, 2, 6)], [rect(4, 3, 6, 6)]]))
    grids.append((T1C1 + "002", "滨江社区江心网格", T1C1, "Urban", [[rect(2, 3, 4, 6)]]))
    # 江北街道 沙洲社区 (x 0-6, y 0-3): 第1网格 has a lake (a hole); the lake is its own grid.
    lake = rect(1.5, 1, 2.5, 2)
    grids.append((T1C2 + "001", "沙洲社区第1网格", T1C2, "Urban", [[rect(0, 0, 4, 3), (lake, True)]]))
    grids.append((T1C2 + "002", "沙洲社区湖区网格", T1C2, "Urban", [[lake]]))
    east = "沙洲社区东片网格" if version == 2 else "沙洲社区第3网格"
    grids.append((T1C2 + "003", east, T1C2, "Urban", [[rect(4, 0, 6, 3)]]))
    # 河口镇 渔港村 (x 6-12, y 3-6): 第1网格 bulges into 第2网格 by a sliver; in v2 第3网格 is merged into 第2网格.
    bulge = [(6, 3), (8, 3), (8 + SLIVER, 4.5), (8, 6), (6, 6)]
    grids.append((T2C1 + "001", "渔港村第1网格", T2C1, None, [[bulge]]))
    if version == 2:
        grids.append((T2C1 + "002", "渔港村第2网格", T2C1, None, [[rect(8, 3, 12, 6)]]))
    else:
        grids.append((T2C1 + "002", "渔港村第2网格", T2C1, None, [[rect(8, 3, 10, 6)]]))
        grids.append((T2C1 + "003", "渔港村第3网格", T2C1, None, [[rect(10, 3, 12, 6)]]))
    # 河口镇 稻田村 (x 6-12, y 0-3): in v2 第1网格 is split into a southern and a northern grid.
    if version == 2:
        grids.append((T2C2 + "003", "稻田村南片网格", T2C2, None, [[rect(6, 0, 9, 1.5)]]))
        grids.append((T2C2 + "004", "稻田村北片网格", T2C2, None, [[rect(6, 1.5, 9, 3)]]))
    else:
        grids.append((T2C2 + "001", "稻田村第1网格", T2C2, None, [[rect(6, 0, 9, 3)]]))
    grids.append((T2C2 + "002", "稻田村第2网格", T2C2, None, [[rect(9, 0, 12, 3)]]))
    grids.sort(key=lambda g: g[0])

    upper = [
        (CITY, "江洲市", "city", None, None, [[rect(0, 0, 12, 6)]]),
        (T1, "江北街道", "town", CITY, "Street", [[rect(0, 0, 6, 6)]]),
        (T1C1, "滨江社区", "community", T1, None, [[rect(0, 3, 6, 6)]]),
        (T1C2, "沙洲社区", "community", T1, None, [[rect(0, 0, 6, 3)]]),
        (T2, "河口镇", "town", CITY, "Town", [[rect(6, 0, 12, 6)]]),
        (T2C1, "渔港村", "community", T2, "Village", [[rect(6, 3, 12, 6)]]),
        (T2C2, "稻田村", "community", T2, "Village", [[rect(6, 0, 12, 3)]]),
    ]
    return upper + [(code, name, "grid", parent, kind, shape) for code, name, parent, kind, shape in grids]


def feature(code, name, level, parent, kind, polygons, vertices, people):
    props = {"code": code, "name": name, "level": level}
    if parent:
        props["parentCode"] = parent
    if kind:
        props["kind"] = kind
    props["responsible"], props["responsiblePhone"] = people.next()
    if level == "grid":
        props["workers"] = [dict(zip(("name", "phone"), people.next())) for _ in range(people.rng.randint(1, 3))]
    rings = [[ring(r[0], vertices, clockwise=True) if isinstance(r, tuple) else ring(r, vertices) for r in p] for p in polygons]
    for p in rings:
        assert signed_area(p[0]) > 0 and all(signed_area(h) < 0 for h in p[1:]), code
    geometry = {"type": "MultiPolygon", "coordinates": rings} if len(rings) > 1 else {"type": "Polygon", "coordinates": rings[0]}
    return {"type": "Feature", "properties": props, "geometry": geometry}


def collection(nodes):
    """One feature per node, in the order given. Every grid vertex is a known vertex for the rings."""
    vertices = {pt for _, _, level, _, _, shape in nodes if level == "grid"
                for p in shape for r in p for pt in (r[0] if isinstance(r, tuple) else r)}
    return {"type": "FeatureCollection",
            "features": [feature(*node, vertices, People(node[0])) for node in nodes]}


def broken():
    """river-city with one of each: overlap, gap, orphan, duplicate code."""
    nodes = []
    for code, name, level, parent, kind, shape in division(1):
        if code == T2C2 + "001":
            shape = [[rect(6, 0, 10, 3)]]          # 1 x 3 units over 稻田村第2网格
        if code == T1C2 + "003":
            shape = [[rect(4, 0, 5.5, 3)]]         # leaves 0.5 x 3 units of 沙洲社区 uncovered
        nodes.append((code, name, level, parent, kind, shape))
    nodes.append((T1 + "009001", "无主网格", "grid", T1 + "009", "Urban", [[rect(1, 4, 1.5, 4.5)]]))
    nodes.append((T2C1 + "002", "渔港村重复网格", "grid", T2C1, None, [[rect(8, 3, 10, 6)]]))
    return nodes


_PAIR = re.compile(r"\[\s*(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?),\s*(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)\s*\]")


def write(name, obj):
    text = _PAIR.sub(r"[\1, \2]", json.dumps(obj, ensure_ascii=False, indent=2))
    with open(os.path.join(OUT, name), "w", encoding="utf-8", newline="\n") as f:
        f.write(text + "\n")


def main():
    os.makedirs(OUT, exist_ok=True)
    v1, v2 = collection(division(1)), collection(division(2))
    write("river-city.geojson", v1)
    write("river-city-v2.geojson", v2)
    write("broken-city.geojson", collection(broken()))
    people = lambda fc: {f["properties"]["code"]: (f["properties"]["responsible"], f["properties"].get("workers")) for f in fc["features"]}
    p1, p2 = people(v1), people(v2)
    assert all(p1[c] == p2[c] for c in p1.keys() & p2.keys()), "a kept node changed its people"
    print("OK: river-city %d features, river-city-v2 %d, broken-city %d" % (len(v1["features"]), len(v2["features"]), len(broken())))


if __name__ == "__main__":
    main()
