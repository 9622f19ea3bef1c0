#!/usr/bin/env python3
"""Writes src/data/featurize/smiles/elements.csv and isotopes.csv: RDKit's periodic table.

Source: RDKit's element data (Code/GraphMol/atomic_data.cpp, read here through
rdkit.Chem.GetPeriodicTable()); RDKit is distributed under the BSD 3-Clause licence
(Copyright (c) 2006-2015, Rational Discovery LLC, Greg Landrum, Julie Penzotti and others).
The SMILES featurizer uses these columns so that its masses, valences and radii are RDKit's:

elements.csv, one row per atomic number 0 (`*`, the dummy atom) to 118:
  z, symbol, atomic_weight (average, for MolWt), isotope_mass (of the most common isotope, for
  ExactMolWt), outer_electrons, rb0 (the bond radius of LabuteASA and HallKierAlpha), valences
  (the allowed valences, space-separated; -1: any).
isotopes.csv: z, isotope (mass number), mass, for every isotope RDKit knows.

Run once with rdkit installed: python3 scripts/rdkit_elements.py
"""
import csv
import os

from rdkit import Chem, rdBase

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "..", "src", "data", "featurize", "smiles")
pt = Chem.GetPeriodicTable()
with open(os.path.join(out, "elements.csv"), "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["z", "symbol", "atomic_weight", "isotope_mass", "outer_electrons", "rb0", "valences"])
    for z in range(0, 119):
        w.writerow([
            z, pt.GetElementSymbol(z), repr(pt.GetAtomicWeight(z)), repr(pt.GetMostCommonIsotopeMass(z)),
            pt.GetNOuterElecs(z), repr(pt.GetRb0(z)), " ".join(str(v) for v in pt.GetValenceList(z)),
        ])
with open(os.path.join(out, "isotopes.csv"), "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["z", "isotope", "mass"])
    for z in range(0, 119):
        for iso in range(1, 300):
            m = pt.GetMassForIsotope(z, iso)
            if m > 0:
                w.writerow([z, iso, repr(m)])
print("RDKit", rdBase.rdkitVersion)
