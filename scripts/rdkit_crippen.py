#!/usr/bin/env python3
"""Writes src/data/featurize/smiles/crippen.tsv: RDKit's Crippen atom types (SMARTS, logP, MR).

Source: the parameter table RDKit compiles into CalcCrippenDescriptors (MolLogP, MolMR):
`defaultParamData` in Code/GraphMol/Descriptors/Crippen.cpp of the RDKit sources (BSD 3-Clause
licence, Copyright (c) 2006-2015 Rational Discovery LLC, Greg Landrum, Julie Penzotti and others).
It differs from rdkit/Data/Crippen.txt in two H2 patterns; the compiled table is the one RDKit uses.

Usage: python3 scripts/rdkit_crippen.py PATH/TO/rdkit/Code/GraphMol/Descriptors/Crippen.cpp
"""
import os
import re
import sys

if len(sys.argv) != 2:
    sys.exit(__doc__)
src = open(sys.argv[1]).read()
body = src[src.index("const std::string defaultParamData ="):]
body = body[: body.index(";\n")]
data = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', body)).encode().decode("unicode_escape")
out = [
    "# RDKit's Crippen atom types (Wildman & Crippen, J. Chem. Inf. Comput. Sci. 39:868 (1999)) as RDKit",
    "# 2026.09 compiles them in (Code/GraphMol/Descriptors/Crippen.cpp, defaultParamData), copied by",
    "# scripts/rdkit_crippen.py. RDKit: BSD 3-Clause licence, Copyright (c) 2006-2015 Rational Discovery LLC,",
    "# Greg Landrum, Julie Penzotti and others. Columns: type, SMARTS, logP, MR (empty MR: 0); the first",
    "# pattern (in file order) that matches an atom as its first atom gives that atom's type.",
]
for line in data.splitlines():
    if line.startswith("#") or not line.strip():
        continue
    out.append("\t".join(line.split("\t")[:4]))
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "..", "src", "data", "featurize", "smiles", "crippen.tsv"), "w") as f:
    f.write("\n".join(out) + "\n")
print(len(out) - 5, "atom types")
