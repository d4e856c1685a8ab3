#!/usr/bin/env python3
"""Deterministic seed-data generator for the Minghu (明湖市) grid-governance command centre.

Standard library only, fixed random seeds, no network.
Writes city.geojson, teams.json, categories.json and policies.json
next to this tool's parent directory (i.e. <repo>/seeds/), or into --out,
then re-reads them, runs self-checks (assertions) and prints a one-line summary.

Usage (from the repository root):
  python3 seeds/tools/generate_seeds.py                       # the demo city: 6 towns, 30 communities, 300 grids
  python3 seeds/tools/generate_seeds.py --towns 30 --communities-per-town 20 --grids-per-community 20 --out /tmp/big
"""
import argparse
import json
import math
import os
import random
import re
import sys

SEEDS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# --------------------------------------------------------------------------
# Constants
# --------------------------------------------------------------------------
DISTRICT_CODE = "330188"
CITY_NAME = "明湖市"

CELL_LON, CELL_LAT = 0.004, 0.003    # degrees
ORIGIN_LON, ORIGIN_LAT = 120.100, 30.300   # north-west corner
JITTER = 0.30                        # max jitter as a fraction of the cell size


class Layout:
    """How a city of a given size sits on the lattice (one cell per grid).

    Towns are laid out in columns x rows (the smallest divisor of the count not below its square root as columns),
    communities in a town likewise but with the largest divisor not above the square root as columns (a demo town
    is one column of 5 communities), grids in a community as towns. The demo city, 6 x 5 x 10, is 3 x 2 towns of
    1 x 5 communities of 5 x 2 grids: 15 x 20 cells."""

    def __init__(self, towns, communities_per_town, grids_per_community):
        assert towns >= 1 and communities_per_town >= 1 and grids_per_community >= 1
        assert towns <= 999 and communities_per_town <= 999 and grids_per_community <= 999, "3-digit codes per level"
        self.towns, self.communities, self.grids = towns, communities_per_town, grids_per_community
        self.town_cols = _divisor_at_least_root(towns)
        self.town_rows = towns // self.town_cols
        self.comm_cols = communities_per_town // _divisor_at_least_root(communities_per_town)
        self.comm_rows = communities_per_town // self.comm_cols
        self.grid_cols = _divisor_at_least_root(grids_per_community)
        self.grid_rows = grids_per_community // self.grid_cols
        self.comm_w, self.comm_h = self.grid_cols, self.grid_rows
        self.town_w, self.town_h = self.comm_cols * self.comm_w, self.comm_rows * self.comm_h
        self.nx, self.ny = self.town_cols * self.town_w, self.town_rows * self.town_h

    @property
    def is_demo(self):
        return (self.towns, self.communities, self.grids) == (6, 5, 10)

    def urban(self, town_row):
        """The northern half of the towns are streets (街道), the southern half towns (镇)."""
        return town_row < max(1, self.town_rows // 2)


def _divisor_at_least_root(n):
    return next(d for d in range(1, n + 1) if n % d == 0 and d * d >= n)

TOWN_NAMES_URBAN = ["湖滨街道", "望江街道", "东城街道"]
TOWN_NAMES_RURAL = ["青山镇", "柳塘镇", "石桥镇"]
COMMUNITY_NAMES = [
    # 湖滨街道
    ["翠苑社区", "荷风社区", "柳岸社区", "明珠社区", "湖光社区"],
    # 望江街道
    ["江畔社区", "观澜社区", "望月社区", "新塘社区", "锦绣社区"],
    # 东城街道
    ["朝晖社区", "东园社区", "文昌社区", "金桂社区", "和平社区"],
    # 青山镇
    ["荷花村", "竹林村", "青溪村", "云岭村", "松坞村"],
    # 柳塘镇
    ["柳塘村", "桃源村", "杏花村", "稻香村", "芦湾村"],
    # 石桥镇
    ["石桥村", "枫林村", "清泉村", "梅岭村", "南坞村"],
]

SEED_GEOMETRY = 20260101
SEED_PEOPLE = 20260102
SEED_TEAMS = 20260103

# Names for cities larger than the demo's lists: two characters from these, unique across the city.
NAME_CHARS = list("东西南北新安华兴和平永宁长乐福泰康富民丰茂盛嘉祥瑞金玉银河山水湖江溪桥岭塘湾洲园林竹松梅兰桂荷云星月阳春秋")


class PlaceNames:
    def __init__(self):
        self.used = set()
        self.next = 0

    def name(self, suffix):
        n = len(NAME_CHARS)
        while True:
            k = self.next
            self.next += 1
            a, b = NAME_CHARS[k % n], NAME_CHARS[(k // n + k) % n]
            name = a + b + suffix
            if a != b and name not in self.used:
                self.used.add(name)
                return name


# --------------------------------------------------------------------------
# People (fictional names / phones), all unique across the data set
# --------------------------------------------------------------------------
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方")
GIVEN_CHARS = list("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂华建国志红玲文斌宇浩凯晨欣怡佳琳婷雪梅兰晓峰海波辉亮鹏飞俊雅慧颖嘉宁思远航德淑珍春燕")
PHONE_PREFIXES = ["138", "139", "137", "136", "135", "158", "159", "150", "186", "189", "188", "177"]


class People:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.names = set()
        self.phones = set()

    def name(self):
        while True:
            n = self.rng.choice(SURNAMES) + "".join(
                self.rng.choice(GIVEN_CHARS) for _ in range(self.rng.choice((1, 2, 2))))
            if n not in self.names:
                self.names.add(n)
                return n

    def phone(self):
        while True:
            p = self.rng.choice(PHONE_PREFIXES) + "".join(self.rng.choice("0123456789") for _ in range(8))
            if p not in self.phones:
                self.phones.add(p)
                return p

    def person(self):
        return {"name": self.name(), "phone": self.phone()}


# --------------------------------------------------------------------------
# Geometry
# --------------------------------------------------------------------------
def build_lattice(rng, layout):
    """(nx+1) x (ny+1) vertices; interior ones jittered; all rounded to 6 dp once."""
    nx, ny = layout.nx, layout.ny
    verts = {}
    for j in range(ny + 1):
        for i in range(nx + 1):
            lon = ORIGIN_LON + i * CELL_LON
            lat = ORIGIN_LAT - j * CELL_LAT
            if 0 < i < nx and 0 < j < ny:
                lon += rng.uniform(-JITTER, JITTER) * CELL_LON
                lat += rng.uniform(-JITTER, JITTER) * CELL_LAT
            verts[(i, j)] = [round(lon, 6), round(lat, 6)]
    return verts


def block_ring(verts, i0, j0, i1, j1):
    """Closed CCW ring around the cell block [i0,i1) x [j0,j1) through every
    lattice vertex on its perimeter. j grows southward (latitude decreases), so
    W edge southward -> S edge eastward -> E edge northward -> N edge westward is CCW."""
    idx = []
    idx += [(i0, j) for j in range(j0, j1)]            # west edge, going south
    idx += [(i, j1) for i in range(i0, i1)]            # south edge, going east
    idx += [(i1, j) for j in range(j1, j0, -1)]        # east edge, going north
    idx += [(i, j0) for i in range(i1, i0, -1)]        # north edge, going west
    idx.append(idx[0])
    return [list(verts[k]) for k in idx]


def signed_area(ring):
    """Shoelace in (lon, lat) as (x, y), computed relative to the first vertex
    (translation-invariant; avoids catastrophic cancellation near lon 120)."""
    x0, y0 = ring[0]
    s = 0.0
    for (xa, ya), (xb, yb) in zip(ring, ring[1:]):
        s += (xa - x0) * (yb - y0) - (xb - x0) * (ya - y0)
    return s / 2.0


def point_in_ring(pt, ring):
    x, y = pt
    inside = False
    for (xa, ya), (xb, yb) in zip(ring, ring[1:]):
        if (ya > y) != (yb > y):
            xc = xa + (y - ya) * (xb - xa) / (yb - ya)
            if x < xc:
                inside = not inside
    return inside


def point_in_cell(verts, rng, i, j):
    """Random point well inside cell (i, j): bilinear interpolation of its corners,
    verified by ray casting against the cell polygon after rounding."""
    ring = block_ring(verts, i, j, i + 1, j + 1)
    nw, ne, sw, se = verts[(i, j)], verts[(i + 1, j)], verts[(i, j + 1)], verts[(i + 1, j + 1)]
    for _ in range(1000):
        u, v = rng.uniform(0.3, 0.7), rng.uniform(0.3, 0.7)
        lon = (1 - u) * (1 - v) * nw[0] + u * (1 - v) * ne[0] + (1 - u) * v * sw[0] + u * v * se[0]
        lat = (1 - u) * (1 - v) * nw[1] + u * (1 - v) * ne[1] + (1 - u) * v * sw[1] + u * v * se[1]
        p = [round(lon, 6), round(lat, 6)]
        if point_in_ring(p, ring):
            return p
    raise RuntimeError("could not place point in cell %r" % ((i, j),))


# --------------------------------------------------------------------------
# The city tree (written as city.geojson below)
# --------------------------------------------------------------------------
def build_city(verts, people, layout):
    """Returns (city dict, cell-block index: code -> (i0, j0, i1, j1))."""
    L = layout
    places = PlaceNames()
    blocks = {DISTRICT_CODE: (0, 0, L.nx, L.ny)}
    towns = []
    for trow in range(L.town_rows):
        for tcol in range(L.town_cols):
            tseq = trow * L.town_cols + tcol + 1
            urban = L.urban(trow)
            tcode = DISTRICT_CODE + "%03d" % tseq
            ti0, tj0 = tcol * L.town_w, trow * L.town_h
            blocks[tcode] = (ti0, tj0, ti0 + L.town_w, tj0 + L.town_h)
            if L.is_demo:
                tname = (TOWN_NAMES_URBAN if urban else TOWN_NAMES_RURAL)[tcol]
            else:
                tname = places.name("街道" if urban else "镇")
            communities = []
            cseq = 0
            for crow in range(L.comm_rows):
                for ccol in range(L.comm_cols):
                    cseq += 1
                    ccode = tcode + "%03d" % cseq
                    ci0, cj0 = ti0 + ccol * L.comm_w, tj0 + crow * L.comm_h
                    blocks[ccode] = (ci0, cj0, ci0 + L.comm_w, cj0 + L.comm_h)
                    cname = COMMUNITY_NAMES[tseq - 1][cseq - 1] if L.is_demo else places.name("社区" if urban else "村")
                    grids = []
                    for grow in range(L.grid_rows):          # north -> south
                        for gcol in range(L.grid_cols):      # west -> east
                            gseq = grow * L.grid_cols + gcol + 1
                            gcode = ccode + "%03d" % gseq
                            gi, gj = ci0 + gcol, cj0 + grow
                            blocks[gcode] = (gi, gj, gi + 1, gj + 1)
                            grids.append({
                                "code": gcode,
                                "name": "%s第%d网格" % (cname, gseq),
                                "kind": "Urban" if urban else "Rural",
                                "responsible": people.person(),
                                "workers": [people.person() for _ in range(people.rng.randint(1, 3))],
                                "boundary": block_ring(verts, gi, gj, gi + 1, gj + 1),
                            })
                    communities.append({
                        "code": ccode,
                        "name": cname,
                        "kind": "Community" if urban else "Village",
                        "responsible": people.person(),
                        "boundary": block_ring(verts, *blocks[ccode]),
                        "grids": grids,
                    })
            towns.append({
                "code": tcode,
                "name": tname,
                "kind": "Street" if urban else "Town",
                "responsible": people.person(),
                "boundary": block_ring(verts, *blocks[tcode]),
                "communities": communities,
            })
    city = {
        "city": {
            "code": DISTRICT_CODE,
            "name": CITY_NAME,
            "responsible": people.person(),
            "boundary": block_ring(verts, 0, 0, L.nx, L.ny),
            "towns": towns,
        }
    }
    return city, blocks


# --------------------------------------------------------------------------
# city.geojson: the same tree as a GeoJSON (RFC 7946) FeatureCollection
# --------------------------------------------------------------------------
CHILDREN = (("towns", "town"), ("communities", "community"), ("grids", "grid"))


def flatten_city(city):
    """(node, level, parent code) for every node, depth first: the order the app's seed reader uses."""
    out = []

    def walk(node, level, parent, depth):
        out.append((node, level, parent))
        if depth < len(CHILDREN):
            key, child_level = CHILDREN[depth]
            for child in node[key]:
                walk(child, child_level, node["code"], depth + 1)

    walk(city["city"], "city", None, 0)
    return out


def build_geojson(city):
    """One Feature per node. Properties as the city-map importer reads them; the city has no parentCode and,
    no kind. Rings are the same counter-clockwise exterior rings (RFC 7946 orientation)."""
    features = []
    for node, level, parent in flatten_city(city):
        props = {"code": node["code"], "name": node["name"], "level": level}
        if parent is not None:
            props["parentCode"] = parent
        if "kind" in node:
            props["kind"] = node["kind"]
        props["responsible"] = node["responsible"]["name"]
        props["responsiblePhone"] = node["responsible"]["phone"]
        if "workers" in node:
            props["workers"] = node["workers"]
        features.append({
            "type": "Feature",
            "properties": props,
            "geometry": {"type": "Polygon", "coordinates": [node["boundary"]]},
        })
    return {"type": "FeatureCollection", "features": features}


# --------------------------------------------------------------------------
# teams.json
# --------------------------------------------------------------------------
TEAM_TYPES = ["SecurityPatrol", "DisputeMediation", "Medical", "Culture", "GeneralService"]
TEAM_SUFFIX = {
    "SecurityPatrol":   {"City": "治安巡防大队", "Town": "治安巡防中队", "Community": "治安巡防队", "Grid": "治安巡防小组"},
    "DisputeMediation": {"City": "纠纷调解中心", "Town": "纠纷调解组", "Community": "纠纷调解室", "Grid": "纠纷调解小组"},
    "Medical":          {"City": "医疗应急队", "Town": "医疗卫生服务队", "Community": "医疗服务队", "Grid": "健康服务小组"},
    "Culture":          {"City": "文化志愿服务总队", "Town": "文化服务队", "Community": "文体队", "Grid": "文化志愿小组"},
    "GeneralService":   {"City": "综合服务总队", "Town": "综合服务队", "Community": "综合服务站", "Grid": "综合服务小组"},
}
# (lead roles: first member uses one of these) , (other roles)
TEAM_ROLES = {
    "SecurityPatrol":   (["PoliceOfficer"], ["Patroller", "Patroller", "PoliceOfficer", "Volunteer", "Cadre", "PartyRepresentative"]),
    "DisputeMediation": (["Cadre", "RetiredCadre"], ["RetiredCadre", "SocialWorker", "PartyRepresentative", "Deputy", "Volunteer", "Cadre"]),
    "Medical":          (["Cadre"], ["SocialWorker", "Volunteer", "Volunteer", "Cadre", "PartyRepresentative"]),
    "Culture":          (["Cadre", "RetiredCadre"], ["Volunteer", "Volunteer", "RetiredCadre", "PartyRepresentative", "SocialWorker"]),
    "GeneralService":   (["Cadre"], ["SocialWorker", "MigrantOfficer", "Volunteer", "Deputy", "PartyRepresentative", "Cadre"]),
}
ALL_ROLES = {"PartyRepresentative", "Deputy", "RetiredCadre", "Volunteer", "Cadre",
             "PoliceOfficer", "SocialWorker", "MigrantOfficer", "Patroller"}


def build_teams(city, blocks, verts, people, rng):
    c = city["city"]
    towns = c["towns"]
    communities = [cm for t in towns for cm in t["communities"]]
    grids = [g for cm in communities for g in cm["grids"]]

    plan = []  # (level, node code, node name, type)
    for t in TEAM_TYPES:
        plan.append(("City", c["code"], c["name"], t))
    # Town: 3 per town, rotating through the 5 types -> all types covered
    k = 0
    for town in towns:
        for _ in range(3):
            plan.append(("Town", town["code"], town["name"], TEAM_TYPES[k % 5]))
            k += 1
    # Community: five in six communities (25 of the demo's 30), rotating types
    picked = sorted(rng.sample(range(len(communities)), len(communities) * 5 // 6))
    for n, idx in enumerate(picked):
        cm = communities[idx]
        plan.append(("Community", cm["code"], cm["name"], TEAM_TYPES[(n + 2) % 5]))
    # Grid: one grid in 25 (12 of the demo's 300), rotating types
    picked = sorted(rng.sample(range(len(grids)), len(grids) // 25))
    for n, idx in enumerate(picked):
        g = grids[idx]
        plan.append(("Grid", g["code"], g["name"], TEAM_TYPES[(n + 1) % 5]))

    teams = []
    for n, (level, code, name, ttype) in enumerate(plan, start=1):
        i0, j0, i1, j1 = blocks[code]
        ci, cj = rng.randrange(i0, i1), rng.randrange(j0, j1)
        pos = point_in_cell(verts, rng, ci, cj)
        lead_roles, other_roles = TEAM_ROLES[ttype]
        size = rng.randint(3, 8)
        members = [{"name": people.name(), "role": rng.choice(lead_roles), "phone": people.phone()}]
        for _ in range(size - 1):
            members.append({"name": people.name(), "role": rng.choice(other_roles), "phone": people.phone()})
        teams.append({
            "code": "TM-%03d" % n if len(plan) < 1000 else "TM-%04d" % n,
            "name": name + TEAM_SUFFIX[ttype][level],
            "type": ttype,
            "level": level,
            "nodeCode": code,
            "position": pos,
            "members": members,
        })
    return {"teams": teams}


# --------------------------------------------------------------------------
# categories.json
# --------------------------------------------------------------------------
CATEGORIES = [
    ("01", "治安安全", ["盗窃诈骗", "黄赌毒", "可疑人员", "寻衅滋事", "校园周边安全"]),
    ("02", "矛盾纠纷", ["邻里纠纷", "劳资纠纷", "物业纠纷", "婚姻家庭纠纷", "土地山林纠纷", "征地拆迁纠纷"]),
    ("03", "安全隐患", ["消防隐患", "燃气隐患", "危房", "电动车违规充电", "危险化学品", "地质灾害隐患"]),
    ("04", "市容环境", ["乱堆乱放", "违章搭建", "占道经营", "垃圾积存", "小广告乱贴", "河道污染"]),
    ("05", "公共设施", ["井盖缺失", "路灯损坏", "道路破损", "供水管道破裂", "健身器材损坏"]),
    ("06", "突发事件", ["火灾", "交通事故", "群体性事件", "自然灾害", "公共卫生事件"]),
    ("07", "民生服务", ["特殊人群关爱", "低保救助", "独居老人探访", "就业帮扶", "流动人口服务"]),
]


def build_categories():
    return {"categories": [
        {"code": code, "name": name,
         "children": [{"code": "%s%02d" % (code, k), "name": child} for k, child in enumerate(children, 1)]}
        for code, name, children in CATEGORIES
    ]}


# --------------------------------------------------------------------------
# policies.json
# --------------------------------------------------------------------------
SEVERITIES = ["General", "Major", "Serious", "Critical"]
# category -> severity -> (acknowledge, dispatch, handle, verify) minutes
DEADLINES = {
    "01": [(30, 60, 1440, 240), (15, 30, 720, 120), (10, 20, 360, 90), (5, 10, 180, 60)],
    "02": [(60, 120, 4320, 480), (30, 60, 2880, 240), (15, 30, 1440, 120), (10, 20, 720, 60)],
    "03": [(30, 60, 2880, 240), (15, 30, 1440, 120), (10, 20, 480, 90), (5, 10, 240, 60)],
    "04": [(60, 240, 4320, 480), (30, 120, 2880, 240), (20, 60, 1440, 120), (15, 30, 720, 90)],
    "05": [(60, 180, 4320, 480), (30, 90, 2880, 240), (15, 45, 1440, 120), (10, 30, 480, 60)],
    "06": [(15, 30, 480, 120), (10, 20, 360, 90), (5, 15, 240, 60), (5, 10, 120, 60)],
    "07": [(120, 480, 7200, 1440), (60, 240, 4320, 720), (30, 120, 2880, 480), (15, 60, 1440, 240)],
}
# leaf-code overrides: leaf -> {severity: tuple}
OVERRIDES = {
    "0302": {"Serious": (5, 10, 240, 60), "Critical": (3, 5, 120, 30)},          # 燃气隐患
    "0601": {"General": (5, 10, 240, 60), "Major": (5, 10, 180, 60),
             "Serious": (3, 5, 120, 60), "Critical": (3, 5, 90, 30)},             # 火灾
    "0603": {"Serious": (5, 10, 180, 60), "Critical": (3, 5, 120, 30)},          # 群体性事件
}


def _deadline(cat, sev, t):
    a, d, h, v = t
    return {"category": cat, "severity": sev, "acknowledgeMinutes": a,
            "dispatchMinutes": d, "handleMinutes": h, "verifyMinutes": v}


def build_policies():
    deadlines = []
    for cat, _, _ in CATEGORIES:
        for sev, t in zip(SEVERITIES, DEADLINES[cat]):
            deadlines.append(_deadline(cat, sev, t))
    for leaf, per_sev in OVERRIDES.items():
        for sev in SEVERITIES:
            if sev in per_sev:
                deadlines.append(_deadline(leaf, sev, per_sev[sev]))
    return {"escalationPolicy": {
        "version": 1,
        "name": "明湖市事件处置时限 2026版",
        "effectiveFrom": "2026-01-01T00:00:00+08:00",
        "ladder": ["Grid", "Community", "Town", "City"],
        "lateReportLimitMinutes": {"General": 120, "Major": 60, "Serious": 30, "Critical": 15},
        "deadlines": deadlines,
        "petition": {"followUpCadenceMinutes": {"Brewing": 240, "Gathering": 30, "Moving": 15, "Arrived": 15}},
    }}


# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------
_PAIR = re.compile(r"\[\s*(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?),\s*(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)\s*\]")


def write_json(out_dir, name, obj):
    text = json.dumps(obj, ensure_ascii=False, indent=2)
    text = _PAIR.sub(r"[\1, \2]", text)   # keep [lon, lat] pairs on one line
    path = os.path.join(out_dir, name)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text + "\n")
    return path


# --------------------------------------------------------------------------
# Self-check
# --------------------------------------------------------------------------
def _edges(ring):
    return [(tuple(a), tuple(b)) for a, b in zip(ring, ring[1:])]


def _check_union(parent_ring, child_rings, what):
    """Children tile the parent: equal area, and directed edges cancel pairwise
    inside, leaving exactly the parent's perimeter edges."""
    pa = signed_area(parent_ring)
    ca = sum(signed_area(r) for r in child_rings)
    rel = abs(pa - ca) / abs(pa)
    assert rel < 1e-9, "%s: area mismatch rel=%g" % (what, rel)
    edges = {}
    for r in child_rings:
        for e in _edges(r):
            edges[e] = edges.get(e, 0) + 1
    for (a, b), n in list(edges.items()):
        if n and edges.get((b, a)):
            m = min(n, edges[(b, a)])
            edges[(a, b)] -= m
            edges[(b, a)] -= m
    remaining = sorted(e for e, n in edges.items() for _ in range(n))
    assert remaining == sorted(_edges(parent_ring)), "%s: boundary edges differ from union of children" % what
    return rel


def _segments_cross(p1, p2, p3, p4):
    def orient(a, b, c):
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
    d1, d2 = orient(p3, p4, p1), orient(p3, p4, p2)
    d3, d4 = orient(p1, p2, p3), orient(p1, p2, p4)
    return (d1 > 0) != (d2 > 0) and (d3 > 0) != (d4 > 0)


def _quad_is_simple(ring):
    a, b, c, d = ring[:4]
    return not _segments_cross(a, b, c, d) and not _segments_cross(b, c, d, a)


def _check_ring(ring, what):
    assert len(ring) >= 5 and ring[0] == ring[-1], "%s: ring not closed" % what
    assert len({tuple(p) for p in ring[:-1]}) == len(ring) - 1, "%s: repeated vertex" % what
    for p in ring:
        assert all(round(c, 6) == c for c in p), "%s: not rounded to 6 dp" % what
    assert signed_area(ring) > 0, "%s: ring not CCW" % what


def _check_geojson(city, geo, layout):
    """city.geojson holds exactly the nodes of the city tree, in the same order, with the same values."""
    assert geo["type"] == "FeatureCollection"
    nodes = flatten_city(city)
    L = layout
    expected = 1 + L.towns * (1 + L.communities * (1 + L.grids))
    assert len(geo["features"]) == len(nodes) == expected, "city.geojson: feature count"
    for feature, (node, level, parent) in zip(geo["features"], nodes):
        p, g = feature["properties"], feature["geometry"]
        what = "city.geojson " + node["code"]
        assert feature["type"] == "Feature", what
        assert (p["code"], p["name"], p["level"], p.get("parentCode"), p.get("kind")) == \
            (node["code"], node["name"], level, parent, node.get("kind")), what
        assert (p["responsible"], p["responsiblePhone"]) == (node["responsible"]["name"], node["responsible"]["phone"]), what
        assert p.get("workers") == node.get("workers"), what
        assert g == {"type": "Polygon", "coordinates": [node["boundary"]]}, what
    return len(nodes)


def self_check(city, layout, out_dir):
    """Checks the city tree as built and the files as written (city.geojson is the tree, feature by feature)."""
    L = layout
    load = lambda n: json.load(open(os.path.join(out_dir, n), encoding="utf-8"))
    teams, cats, pol = (load(n) for n in ("teams.json", "categories.json", "policies.json"))
    n_features = _check_geojson(city, load("city.geojson"), layout)
    c = city["city"]
    assert c["code"] == DISTRICT_CODE
    polys = {c["code"]: c["boundary"]}
    levels = {c["code"]: "City"}
    _check_ring(c["boundary"], c["code"])
    grid_codes, comm_codes, max_rel = [], [], 0.0
    assert len(c["towns"]) == L.towns
    for t in c["towns"]:
        assert re.fullmatch(DISTRICT_CODE + r"\d{3}", t["code"])
        assert t["name"].endswith("街道" if t["kind"] == "Street" else "镇")
        _check_ring(t["boundary"], t["code"])
        polys[t["code"]], levels[t["code"]] = t["boundary"], "Town"
        assert len(t["communities"]) == L.communities
        for cm in t["communities"]:
            assert cm["code"].startswith(t["code"]) and len(cm["code"]) == 12
            assert cm["kind"] == ("Community" if t["kind"] == "Street" else "Village")
            assert cm["name"].endswith("社区" if cm["kind"] == "Community" else "村")
            _check_ring(cm["boundary"], cm["code"])
            polys[cm["code"]], levels[cm["code"]] = cm["boundary"], "Community"
            comm_codes.append(cm["code"])
            assert len(cm["grids"]) == L.grids
            for n, g in enumerate(cm["grids"], 1):
                assert g["code"] == cm["code"] + "%03d" % n and len(g["code"]) == 15
                assert g["name"] == "%s第%d网格" % (cm["name"], n)
                assert g["kind"] == ("Urban" if t["kind"] == "Street" else "Rural")
                assert 1 <= len(g["workers"]) <= 3 and g["responsible"]["name"]
                _check_ring(g["boundary"], g["code"])
                assert len(g["boundary"]) == 5 and _quad_is_simple(g["boundary"]), g["code"]
                polys[g["code"]], levels[g["code"]] = g["boundary"], "Grid"
                grid_codes.append(g["code"])
            # west->east then north->south ordering of grid cells (by first ring vertex = NW corner)
            nw = [tuple(g["boundary"][0]) for g in cm["grids"]]
            for row in range(L.grid_rows):
                first = row * L.grid_cols
                assert all(nw[k][0] < nw[k + 1][0] for k in range(first, first + L.grid_cols - 1)), cm["code"]
            max_rel = max(max_rel, _check_union(cm["boundary"], [g["boundary"] for g in cm["grids"]], cm["code"]))
        max_rel = max(max_rel, _check_union(t["boundary"], [cm["boundary"] for cm in t["communities"]], t["code"]))
    max_rel = max(max_rel, _check_union(c["boundary"], [t["boundary"] for t in c["towns"]], c["code"]))
    assert len(grid_codes) == L.towns * L.communities * L.grids == len(set(grid_codes))
    assert all(re.fullmatch(r"\d{15}", g) for g in grid_codes)
    assert len(set(comm_codes)) == L.towns * L.communities

    # teams
    tl = teams["teams"]
    assert len({t["code"] for t in tl}) == len(tl)
    combos = set()
    for t in tl:
        assert t["type"] in TEAM_TYPES and t["level"] in ("City", "Town", "Community", "Grid")
        assert levels[t["nodeCode"]] == t["level"], t["code"]
        assert point_in_ring(t["position"], polys[t["nodeCode"]]), "%s position outside node" % t["code"]
        assert 3 <= len(t["members"]) <= 8
        assert all(m["role"] in ALL_ROLES for m in t["members"])
        combos.add((t["type"], t["level"]))
    if len(tl) - 5 - 3 * L.towns >= 10:  # at least 5 community and 5 grid teams: room for every type
        assert len(combos) == 20, "every type at every level"

    # categories
    top = cats["categories"]
    codes = set()
    for cat in top:
        assert re.fullmatch(r"\d{2}", cat["code"]) and 3 <= len(cat["children"]) <= 6
        codes.add(cat["code"])
        for ch in cat["children"]:
            assert re.fullmatch(cat["code"] + r"\d{2}", ch["code"])
            codes.add(ch["code"])

    # policies
    ep = pol["escalationPolicy"]
    dl = ep["deadlines"]
    keyed = {(d["category"], d["severity"]): d for d in dl}
    assert len(keyed) == len(dl)
    for cat in top:
        for sev in SEVERITIES:
            assert (cat["code"], sev) in keyed
    fields = ("acknowledgeMinutes", "dispatchMinutes", "handleMinutes", "verifyMinutes")
    for d in dl:
        assert d["category"] in codes and d["severity"] in SEVERITIES
        assert d["acknowledgeMinutes"] <= d["dispatchMinutes"] <= d["handleMinutes"]
        if len(d["category"]) == 4:  # override no looser than its parent
            p = keyed[(d["category"][:2], d["severity"])]
            assert all(d[f] <= p[f] for f in fields), d
    for cat in top:  # tighter (or equal) as severity rises
        for a, b in zip(SEVERITIES, SEVERITIES[1:]):
            assert all(keyed[(cat["code"], b)][f] <= keyed[(cat["code"], a)][f] for f in fields)
    n_top = sum(1 for d in dl if len(d["category"]) == 2)
    assert n_top == 28

    by_level = {lv: sum(1 for t in tl if t["level"] == lv) for lv in ("City", "Town", "Community", "Grid")}
    return ("OK: %d towns, %d communities, %d grids (15-digit, unique); rings closed+CCW; "
            "city.geojson matches (%d features); "
            "area max rel diff %.1e; %d teams (City %d/Town %d/Community %d/Grid %d) all inside node; "
            "%d categories/%d leaves; %d deadlines (%d top-level + %d overrides)"
            % (len(c["towns"]), len(comm_codes), len(grid_codes), n_features, max_rel, len(tl), by_level["City"], by_level["Town"],
               by_level["Community"], by_level["Grid"], len(top), len(codes) - len(top),
               len(dl), n_top, len(dl) - n_top))


def main(argv=None):
    parser = argparse.ArgumentParser(description="Writes the seed files of a generated city (the demo city by default).")
    parser.add_argument("--towns", type=int, default=6, help="towns and streets (镇街) in the city (default 6)")
    parser.add_argument("--communities-per-town", type=int, default=5, help="communities or villages per town (default 5)")
    parser.add_argument("--grids-per-community", type=int, default=10, help="grids per community (default 10)")
    parser.add_argument("--out", default=SEEDS_DIR, help="folder to write the four files into (default: seeds/)")
    args = parser.parse_args(argv)
    layout = Layout(args.towns, args.communities_per_town, args.grids_per_community)
    os.makedirs(args.out, exist_ok=True)
    verts = build_lattice(random.Random(SEED_GEOMETRY), layout)
    people = People(SEED_PEOPLE)
    city, blocks = build_city(verts, people, layout)
    teams = build_teams(city, blocks, verts, people, random.Random(SEED_TEAMS))
    write_json(args.out, "city.geojson", build_geojson(city))
    write_json(args.out, "teams.json", teams)
    write_json(args.out, "categories.json", build_categories())
    write_json(args.out, "policies.json", build_policies())
    print(self_check(city, layout, args.out))


if __name__ == "__main__":
    sys.exit(main())
