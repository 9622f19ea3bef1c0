#!/usr/bin/env python3
"""Writes tests/fixtures/featurize/magpie_reference.csv: matminer's Magpie features of 320 formulas.

The test `featurize::magpie_matches_matminer` (tests/featurize.rs) featurizes the `formula`
column with sim2real and compares every value with matminer's to 1e-6 relative.

The formulas are of varied difficulty: real compounds, random binaries to quinaries over
Z = 1..118 (elements whose Magpie properties are missing, which matminer imputes, included),
decimal and fractional amounts (doping), nested () and [] brackets, hydrates written with `·`
and `*`, ties for the mode. `pymatgen_formula` is the same composition written so that
pymatgen's parser reads it (brackets as (), hydrates as (H2O)n); the test parses `formula`.

Run once with matminer installed (pip install matminer): python3 scripts/magpie_reference.py
"""
import csv
import os
import random
import re

import matminer
from matminer.featurizers.composition import ElementProperty
from pymatgen.core import Composition, Element

REAL = [
    "Fe2O3", "NaCl", "Al2O3", "SiO2", "TiO2", "ZnO", "GaAs", "CdTe", "Bi2Te3", "PbTe", "SnSe", "Mg2Si",
    "CoSb3", "LiFePO4", "LiCoO2", "LiMn2O4", "Li7La3Zr2O12", "BaTiO3", "SrTiO3", "CaTiO3", "YBa2Cu3O7",
    "MgB2", "Nb3Sn", "CuInGaSe2", "Cu2ZnSnS4", "CH3NH3PbI3", "CsPbBr3", "KNbO3", "LaFeO3", "NiO", "MnO2",
    "WC", "TiN", "SiC", "BN", "AlN", "GaN", "InP", "ZrO2", "HfO2", "CeO2", "UO2", "PuO2", "ThO2",
    "Bi0.5Sb1.5Te3", "BiSb(Se0.92Br0.08)3", "Li0.5La0.5TiO3", "Mg3(PO4)2·8H2O", "CuSO4·5H2O",
    "[Cu(NH3)4]SO4", "K4[Fe(CN)6]", "Ca10(PO4)6(OH)2", "Na2CO3*10H2O", "Mg(OH)2", "Ca(NO3)2·4H2O",
    "Al2(SO4)3", "(NH4)2SO4", "Fe0.5Co0.5", "Ti0.5Zr0.25Hf0.25NiSn", "Nd2Fe14B", "SmCo5", "He", "Ne2Ar",
    "XeF2", "KrF2", "Og", "TsCl", "FeS2", "Cu1.8S", "Ag2Se", "Zn4Sb3", "Yb14MnSb11", "Mo3Sb7", "Ba8Ga16Ge30",
    "La3Te4", "Pr2O3", "Eu2O3", "Gd3Ga5O12", "Er2O3", "Lu2O3", "AcH2", "Pa2O5", "NpO2", "AmO2", "Cm2O3",
]


def to_pymatgen(f):
    """The same composition in a form pymatgen reads: [] as (), `·n` and `*n` hydrates as (…)n."""
    f = f.replace("[", "(").replace("]", ")")
    parts = re.split(r"[·*]", f)
    out = parts[0]
    for p in parts[1:]:
        m = re.match(r"(\d*\.?\d*)(.*)", p)
        n, rest = m.group(1), m.group(2)
        out += f"({rest}){n}" if n else f"({rest})"
    return out


def amount(rng):
    r = rng.random()
    if r < 0.45:
        return str(rng.randint(1, 12))
    if r < 0.6:
        return ""
    if r < 0.9:
        return f"{rng.uniform(0.01, 4):.2f}".rstrip("0").rstrip(".") or "1"
    return f"{rng.randint(1, 5)}/{rng.randint(2, 6)}"


def random_formula(rng):
    k = rng.choice([1, 2, 2, 3, 3, 3, 4, 5])
    zs = rng.sample(range(1, 119), k)
    parts = [Element.from_Z(z).symbol + amount(rng) for z in zs]
    if k >= 3 and rng.random() < 0.3:
        i = rng.randrange(k - 1)
        o, c = rng.choice([("(", ")"), ("[", "]")])
        parts[i:i + 2] = [o + parts[i] + parts[i + 1] + c + str(rng.randint(2, 4))]
    f = "".join(parts)
    if rng.random() < 0.1:
        f += rng.choice(["·", "*"]) + str(rng.randint(1, 9)) + "H2O"
    return f


def main():
    rng = random.Random(20261126)
    formulas = list(REAL)
    while len(formulas) < 320:
        f = random_formula(rng)
        if "/" in f:  # pymatgen has no fractions: give it the decimal value
            pass
        formulas.append(f)
    ep = ElementProperty.from_preset("magpie")  # impute_nan=True, matminer's default
    labels = ep.feature_labels()
    here = os.path.dirname(os.path.abspath(__file__))
    out = os.path.join(here, "..", "tests", "fixtures", "featurize", "magpie_reference.csv")
    with open(out, "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["formula", "pymatgen_formula"] + [
            "mp_" + l.split(" ")[1] + "_" + l.split(" ")[2] for l in labels
        ])
        for f in formulas:
            pf = to_pymatgen(f)
            pf = re.sub(r"(\d+)/(\d+)", lambda m: repr(int(m.group(1)) / int(m.group(2))), pf)
            values = ep.featurize(Composition(pf))
            w.writerow([f, pf] + [f"{v:.12g}" for v in values])
    print(f"wrote {len(formulas)} formulas to {out} with matminer {matminer.__version__}")


main()
