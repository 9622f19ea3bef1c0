//! Kekulé form of the aromatic atoms as written: which aromatic bonds are double. An aromatic
//! atom takes one double bond when its default valence leaves room for it (a `c`, a pyridine
//! `n`; not `[nH]`, `o`, `s` or a `c` with an exocyclic `=O`), as RDKit's Kekulize does; every
//! such atom must get exactly one, else the SMILES is refused ("cannot kekulize").

use super::SmilesError;
use super::molecule::Molecule;
use super::valence::allowed_above;

/// Steps of the backtracking search before giving up (never reached by real molecules).
const MAX_STEPS: usize = 200_000;

/// Sets `kekule` = 2 on one aromatic bond of every aromatic atom that needs a double bond.
pub fn kekulize(mol: &mut Molecule) -> Result<(), SmilesError> {
    let n = mol.atoms.len();
    let mut needs = vec![false; n];
    for (i, atom) in mol.atoms.iter().enumerate() {
        if !atom.aromatic || atom.z == 0 {
            continue;
        }
        let bonds: u32 =
            mol.adjacency[i].iter().map(|&(_, b)| u32::from(mol.bonds[b].order.integer().unwrap_or(1))).sum();
        let used = bonds + u32::from(atom.explicit_h);
        if let Some(target) = allowed_above(atom, used) {
            needs[i] = target > used;
        }
    }
    if !needs.iter().any(|&x| x) {
        return Ok(());
    }
    // Candidate partners of each atom that needs a double bond: aromatic bonds to other such atoms.
    let options: Vec<Vec<(usize, usize)>> = (0..n)
        .map(|i| {
            if !needs[i] {
                return vec![];
            }
            mol.adjacency[i].iter().filter(|&&(j, b)| needs[j] && mol.bonds[b].aromatic()).copied().collect()
        })
        .collect();
    let mut partner: Vec<Option<usize>> = vec![None; n];
    let mut steps = 0;
    if !assign(&options, &needs, &mut partner, &mut steps) {
        let stuck = (0..n).find(|&i| needs[i] && partner[i].is_none()).unwrap_or(0);
        let atom = &mol.atoms[stuck];
        return Err(SmilesError {
            message: format!(
                "cannot kekulize the aromatic system of `{}` (no alternating single and double bonds fit; an aromatic N with H is written `[nH]`)",
                atom.symbol()
            ),
            at: atom.at,
        });
    }
    for b in partner.into_iter().flatten() {
        mol.bonds[b].kekule = 2;
    }
    Ok(())
}

/// Backtracking perfect matching of the atoms that need a double bond: the unmatched atom with
/// the fewest free partners first. `partner[i]` is the bond given to atom `i`.
fn assign(options: &[Vec<(usize, usize)>], needs: &[bool], partner: &mut [Option<usize>], steps: &mut usize) -> bool {
    *steps += 1;
    if *steps > MAX_STEPS {
        return false;
    }
    let next = {
        let p: &[Option<usize>] = partner;
        (0..needs.len())
            .filter(|&i| needs[i] && p[i].is_none())
            .min_by_key(|&i| options[i].iter().filter(|&&(j, _)| p[j].is_none()).count())
    };
    let Some(i) = next else { return true };
    for &(j, b) in &options[i] {
        if partner[j].is_some() {
            continue;
        }
        partner[i] = Some(b);
        partner[j] = Some(b);
        if assign(options, needs, partner, steps) {
            return true;
        }
        partner[i] = None;
        partner[j] = None;
    }
    false
}
