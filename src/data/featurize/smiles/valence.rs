//! Hydrogens and valences by RDKit's default valence model: an organic-subset atom gets implicit
//! hydrogens up to the smallest allowed valence that its bonds reach (C 4; N 3; O 2; P 3, 5;
//! S 2, 4, 6; B 3; halogens 1), a bracket atom has exactly the hydrogens written, `*` none.
//! A charged atom follows the valences of its isoelectronic element (`[N+]` as C, `[O-]` as F).
//! An atom whose bonds exceed every allowed valence is refused; a bracket atom below its valence
//! keeps unpaired electrons (radicals), as RDKit assigns them.

use super::SmilesError;
use super::elements::{Element, element};
use super::molecule::{Atom, Molecule};

/// The element whose valence list applies to `atom` (charge-adjusted), or `None` where any
/// valence is allowed.
fn valence_element(atom: &Atom) -> Option<&'static Element> {
    let own = element(atom.z);
    if atom.z == 0 || own.open {
        return None;
    }
    let z = i32::from(atom.z) - i32::from(atom.charge);
    let e = u8::try_from(z).ok().filter(|z| (1..=118).contains(z)).map(element)?;
    (!e.open && !e.valences.is_empty()).then_some(e)
}

/// The smallest allowed valence of `atom` that is at least `used`; `Some(used)` where any
/// valence is allowed; `None` when `used` exceeds them all.
pub fn allowed_above(atom: &Atom, used: u32) -> Option<u32> {
    match valence_element(atom) {
        None => Some(used),
        Some(e) => e.valences.iter().map(|&v| u32::from(v)).find(|&v| v >= used),
    }
}

/// Implicit hydrogens of organic-subset atoms and radicals of bracket atoms, after the Kekulé
/// form is known; refuses atoms over their valence.
pub fn assign(mol: &mut Molecule) -> Result<(), SmilesError> {
    for i in 0..mol.atoms.len() {
        let used = mol.explicit_valence(i) + u32::from(mol.atoms[i].explicit_h);
        let atom = &mol.atoms[i];
        if atom.z == 0 {
            continue;
        }
        let Some(target) = allowed_above(atom, used) else {
            let e = valence_element(atom).map(|e| e.valences.clone()).unwrap_or_default();
            let allowed: Vec<String> = e.iter().map(u8::to_string).collect();
            let charge = if atom.charge != 0 { format!(" with charge {:+}", atom.charge) } else { String::new() };
            return Err(SmilesError {
                message: format!(
                    "`{}`{charge} has valence {used}, more than allowed ({})",
                    atom.symbol(),
                    allowed.join(" or ")
                ),
                at: atom.at,
            });
        };
        let extra = u8::try_from(target - used).unwrap_or(0);
        let atom = &mut mol.atoms[i];
        if atom.bracket {
            if atom.charge == 0 {
                atom.radicals = extra;
            }
        } else {
            atom.implicit_h = extra;
        }
    }
    Ok(())
}
