"""Rebuild the page's vendored assets: ``make page-assets`` (npm and pycountry needed only for this).

Fetches pinned packages with ``npm pack`` (npm checks their integrity), copies ECharts' minified build with
its licence, and turns world-atlas' Natural Earth 1:110m TopoJSON into ``world.json``: GeoJSON whose
features carry the ISO 3166-1 alpha-3 code (from pycountry, a build-time tool only) and a label point.
Nothing is fetched at run time; the page serves the committed files.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
ECHARTS = "echarts@5.6.0"
WORLD_ATLAS = "world-atlas@2.0.2"
# Natural Earth shapes without an ISO numeric code in world-atlas: name -> the code the store uses.
UNNUMBERED = {"Kosovo": "XKX", "N. Cyprus": "CYP", "Somaliland": "SOM"}
DIGITS = 2
LEFT_OUT = {"ATA"}  # Antarctica: no events, and its ring spans the whole width of a flat map


def npm_pack(spec: str, into: Path) -> tarfile.TarFile:
    """The package tarball of ``spec`` fetched with npm into ``into``."""
    out = subprocess.run(
        ["npm", "pack", spec, "--silent"], cwd=into, check=True, capture_output=True, text=True
    )
    return tarfile.open(into / out.stdout.strip().splitlines()[-1])


def decode_arcs(topology: dict[str, Any]) -> list[list[list[float]]]:
    """Absolute lon/lat points of every quantized, delta-encoded arc."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append([round(x * sx + tx, DIGITS), round(y * sy + ty, DIGITS)])
        arcs.append(points)
    return arcs


def ring(indexes: list[int], arcs: list[list[list[float]]]) -> list[list[float]]:
    """A closed ring from arc indexes (a negative index ~i is arc i reversed)."""
    points: list[list[float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def unwrap(points: list[list[float]]) -> list[list[float]]:
    """A ring crossing the antimeridian (Chukotka, Fiji) moved east past 180 so a flat map draws no band."""
    lons = [x for x, _ in points]
    if max(lons) - min(lons) <= 180:
        return points
    return [[x + 360 if x < 0 else x, y] for x, y in points]


def area_centroid(points: list[list[float]]) -> tuple[float, float, float]:
    """Signed area-weighted centroid of a ring: (|area|, lon, lat)."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(area) < 1e-12:
        return 0.0, points[0][0], points[0][1]
    return abs(area) / 2, cx / (3 * area), cy / (3 * area)


def world_geojson(topology: dict[str, Any]) -> dict[str, Any]:
    """GeoJSON countries with ``iso_a3``, ``name`` and ``label`` (the centroid of the largest polygon)."""
    import pycountry

    arcs = decode_arcs(topology)
    features = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        name = geometry["properties"]["name"]
        found = pycountry.countries.get(numeric=geometry["id"]) if "id" in geometry else None
        code = found.alpha_3 if found else UNNUMBERED.get(name)
        if code is None or code in LEFT_OUT:
            print(f"left out {name}: {'no ISO code' if code is None else 'not drawn'}", file=sys.stderr)
            continue
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        coordinates = [[unwrap(ring(r, arcs)) for r in polygon] for polygon in polygons]
        largest = max((area_centroid(polygon[0]) for polygon in coordinates), key=lambda c: c[0])
        label = [round(largest[1], 2), round(largest[2], 2)]
        features.append({
            "type": "Feature",
            "id": code,
            "properties": {"name": name, "iso_a3": code, "label": label},
            "geometry": {"type": "MultiPolygon", "coordinates": coordinates},
        })  # fmt: skip
    return {"type": "FeatureCollection", "features": features}


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        with npm_pack(ECHARTS, folder) as pack:
            for member, target in (
                ("package/dist/echarts.min.js", "echarts.min.js"),
                ("package/LICENSE", "ECHARTS-LICENSE"),
                ("package/NOTICE", "ECHARTS-NOTICE"),
            ):
                data = pack.extractfile(member)
                assert data is not None
                (HERE / target).write_bytes(data.read())
        with npm_pack(WORLD_ATLAS, folder) as pack:
            topo = pack.extractfile("package/countries-110m.json")
            licence = pack.extractfile("package/LICENSE")
            assert topo is not None and licence is not None
            world = world_geojson(json.loads(topo.read()))
            (HERE / "WORLD-ATLAS-LICENSE").write_bytes(licence.read())
        (HERE / "world.json").write_text(json.dumps(world, separators=(",", ":")), encoding="utf-8")
    print(f"wrote {ECHARTS} and {WORLD_ATLAS} ({len(world['features'])} countries) to {HERE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
