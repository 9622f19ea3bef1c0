//! `with descriptors`: RDKit's 2-D descriptors of a molecule, named as RDKit's `Descriptors`
//! module names them (the column is `rd_` + the name), computed by RDKit's definitions
//! (sources named in each file). `cargo test` compares every one with RDKit 2026.09.1 on the
//! distinct SMILES of the shared datasets (tests/featurize_smiles.rs).

pub mod connectivity;
pub mod crippen;
pub mod lipinski;
pub mod mass;
pub mod surface;

use super::hybridization::{Hybridization, conjugated_bonds, hybridizations};
use super::molecule::Molecule;
use super::rings::{Rings, perceive};

/// The descriptors, in column order.
pub const NAMES: [&str; 32] = [
    "MolWt",
    "HeavyAtomMolWt",
    "ExactMolWt",
    "HeavyAtomCount",
    "NumValenceElectrons",
    "NumHDonors",
    "NumHAcceptors",
    "NumRotatableBonds",
    "RingCount",
    "NumAromaticRings",
    "NumAliphaticRings",
    "FractionCSP3",
    "TPSA",
    "LabuteASA",
    "Chi0",
    "Chi0n",
    "Chi0v",
    "Chi1",
    "Chi1n",
    "Chi1v",
    "Chi2n",
    "Chi2v",
    "Chi3n",
    "Chi3v",
    "Chi4n",
    "Chi4v",
    "HallKierAlpha",
    "Kappa1",
    "Kappa2",
    "Kappa3",
    "MolLogP",
    "MolMR",
];

/// A molecule with what several descriptors read: its rings and hybridizations.
pub struct Perceived<'a> {
    pub mol: &'a Molecule,
    pub rings: Rings,
    pub hybridization: Vec<Hybridization>,
}

impl<'a> Perceived<'a> {
    pub fn new(mol: &'a Molecule) -> Self {
        let rings = perceive(mol);
        let conjugated = conjugated_bonds(mol);
        let hybridization = hybridizations(mol, &conjugated);
        Perceived { mol, rings, hybridization }
    }
}

/// The column names: `rd_<name>`.
pub fn column_names() -> Vec<String> {
    NAMES.iter().map(|n| format!("rd_{n}")).collect()
}

/// Every descriptor of `mol`, in the order of [`NAMES`].
pub fn features(mol: &Molecule) -> Vec<f64> {
    let p = Perceived::new(mol);
    let paths = connectivity::paths(mol);
    let chi = connectivity::chi(mol, &paths);
    let kappa = connectivity::kappa(&p, &paths);
    let count = |n: usize| n as f64;
    let mut out = vec![
        mass::mol_wt(mol),
        mass::heavy_atom_mol_wt(mol),
        mass::exact_mol_wt(mol),
        count(mol.heavy_atoms()),
        mass::valence_electrons(mol),
        count(lipinski::h_donors(mol)),
        count(lipinski::h_acceptors(&p)),
        count(lipinski::rotatable_bonds(&p)),
        count(p.rings.bonds.len()),
        count(lipinski::aromatic_rings(&p)),
        count(p.rings.bonds.len() - lipinski::aromatic_rings(&p)),
        lipinski::fraction_csp3(mol),
        surface::tpsa(&p),
        surface::labute_asa(mol),
    ];
    out.extend(chi);
    out.extend(kappa);
    let (logp, mr) = crippen::logp_mr(mol);
    out.extend([logp, mr]);
    debug_assert_eq!(out.len(), NAMES.len());
    out
}
