#!/usr/bin/env python3
"""RDKit's values for every distinct SMILES of the shared datasets, for tests/featurize_smiles.rs.

Usage: rdkit_reference.py DATA_DIR OUT.csv [descriptors | morgan RADIUS BITS COUNTS]

Reads the SMILES columns of DATA_DIR (normally $SIM2REAL_DATA): `polymer` and `solvent` of
chi/chi_*.csv, `polymer` of gas/gas_transport.csv, `smiles` of radonpy/pi1070_md.csv and of every
*_descriptors.csv. Writes one row per distinct SMILES, sorted, with column `smiles` followed by
`rd_<name>` for each descriptor below (RDKit's `Descriptors` functions, values printed with repr),
or by `fp_0000`... for a Morgan fingerprint from rdFingerprintGenerator (radius RADIUS, fpSize
BITS, countSimulation COUNTS = true|false; otherwise RDKit's defaults, as GetMorganFingerprintAsBitVect).
Nothing is written to the repository: the test runs this script at test time.
"""
import csv
import glob
import os
import sys

from rdkit import Chem, RDLogger
from rdkit.Chem import Descriptors, rdFingerprintGenerator

# The descriptors sim2real's `featurize smiles(COL) with descriptors` offers, in its column order.
DESCRIPTORS = [
    "MolWt", "HeavyAtomMolWt", "ExactMolWt", "HeavyAtomCount", "NumValenceElectrons", "NumHDonors",
    "NumHAcceptors", "NumRotatableBonds", "RingCount", "NumAromaticRings", "NumAliphaticRings", "FractionCSP3",
    "TPSA", "LabuteASA", "Chi0", "Chi0n", "Chi0v", "Chi1", "Chi1n", "Chi1v", "Chi2n", "Chi2v", "Chi3n", "Chi3v",
    "Chi4n", "Chi4v", "HallKierAlpha", "Kappa1", "Kappa2", "Kappa3", "MolLogP", "MolMR",
]


def distinct_smiles(data):
    columns = {"polymer", "solvent"}
    found = set()
    paths = glob.glob(os.path.join(data, "chi", "chi_*.csv")) + [os.path.join(data, "gas", "gas_transport.csv")]
    for path in paths:
        with open(path, newline="") as f:
            for row in csv.DictReader(f):
                found.update(row[c] for c in columns if c in row)
    paths = [os.path.join(data, "radonpy", "pi1070_md.csv")] + glob.glob(os.path.join(data, "*", "*_descriptors.csv"))
    for path in paths:
        with open(path, newline="") as f:
            found.update(row["smiles"] for row in csv.DictReader(f))
    return sorted(s for s in found if s)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    data, out, what = sys.argv[1], sys.argv[2], sys.argv[3:] or ["descriptors"]
    RDLogger.DisableLog("rdApp.*")
    smiles = distinct_smiles(data)
    if what[0] == "descriptors":
        funcs = dict(Descriptors._descList)
        header = ["rd_" + d for d in DESCRIPTORS]

        def row(mol):
            return [repr(float(v)) if isinstance(v, float) else str(v) for v in (funcs[d](mol) for d in DESCRIPTORS)]
    elif what[0] == "morgan" and len(what) == 4:
        radius, bits, counts = int(what[1]), int(what[2]), what[3] == "true"
        gen = rdFingerprintGenerator.GetMorganGenerator(radius=radius, fpSize=bits, countSimulation=counts)
        header = [f"fp_{i:04d}" for i in range(bits)]

        def row(mol):
            return [str(b) for b in gen.GetFingerprintAsNumPy(mol)]
    else:
        sys.exit(__doc__)
    with open(out, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["smiles"] + header)
        for s in smiles:
            mol = Chem.MolFromSmiles(s)
            if mol is None:
                sys.exit(f"RDKit cannot read {s!r}")
            w.writerow([s] + row(mol))
    print(f"{len(smiles)} SMILES, {len(header)} columns, RDKit {Chem.rdBase.rdkitVersion}", file=sys.stderr)


if __name__ == "__main__":
    main()
