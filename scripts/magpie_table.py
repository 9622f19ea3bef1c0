#!/usr/bin/env python3
"""Writes src/data/featurize/magpie_elements.csv: the 22 element properties of the Magpie preset.

Source: matminer's copy of the Magpie element-property tables
(matminer/utils/data_files/magpie_elementdata/*.table; matminer is distributed under a modified
BSD licence; the tables come from the Magpie project of Ward et al., npj Comput. Mater. 2, 16028
(2016), mostly from Mathematica's ElementData, sources per property in that folder's README.txt).
One row per element Z = 1..118; an empty cell is a value the table lacks (sim2real imputes it as
matminer does with impute_nan=True: the mean of the property over the elements that have it).

Run once with matminer installed: python3 scripts/magpie_table.py
"""
import csv
import os

import matminer

PROPS = [
    "Number", "MendeleevNumber", "AtomicWeight", "MeltingT", "Column", "Row", "CovalentRadius",
    "Electronegativity", "NsValence", "NpValence", "NdValence", "NfValence", "NValence",
    "NsUnfilled", "NpUnfilled", "NdUnfilled", "NfUnfilled", "NUnfilled", "GSvolume_pa",
    "GSbandgap", "GSmagmom", "SpaceGroupNumber",
]

here = os.path.dirname(os.path.abspath(__file__))
src = os.path.join(os.path.dirname(matminer.__file__), "utils", "data_files", "magpie_elementdata")
columns = {}
for p in PROPS:
    with open(os.path.join(src, p + ".table")) as f:
        lines = f.readlines()
    vals = []
    for z in range(1, 119):
        try:
            v = float(lines[z - 1])
            vals.append("" if v != v else repr(v))
        except (ValueError, IndexError):
            vals.append("")
    columns[p] = vals

out = os.path.join(here, "..", "src", "data", "featurize", "magpie_elements.csv")
with open(out, "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["Z"] + PROPS)
    for z in range(1, 119):
        w.writerow([z] + [columns[p][z - 1] for p in PROPS])
print(f"wrote {out} from matminer {matminer.__version__}")
