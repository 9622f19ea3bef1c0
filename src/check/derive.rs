//! `derive NAME = EXPR` expressions: numbers, columns, `+ - * /`, unary minus and the functions
//! `log`, `exp`, `sqrt`. Columns are checked against the data later.

use super::checker::Checker;
use super::values::RealRange;
use crate::ir::{Arith, ArithOp, Spanned};
use crate::syntax::ast;
use crate::syntax::names::DERIVE_FUNCTIONS;

impl Checker<'_> {
    /// A `derive` expression; every problem in it is reported.
    pub fn arith(&mut self, a: &ast::Arith) -> Option<Arith> {
        match a {
            ast::Arith::Num(n) => {
                let any = RealRange { min: f64::NEG_INFINITY, min_inclusive: false, max: None };
                self.real(n, "a number", any).map(Arith::Num)
            }
            ast::Arith::Col(c) => Some(Arith::Col(Spanned::new(c.name.clone(), c.span))),
            ast::Arith::Neg { expr, .. } => self.arith(expr).map(|e| Arith::Neg(Box::new(e))),
            ast::Arith::Bin { op, left, right, span } => {
                let (l, r) = (self.arith(left), self.arith(right));
                let op = match op {
                    '+' => ArithOp::Add,
                    '-' => ArithOp::Sub,
                    '*' => ArithOp::Mul,
                    _ => ArithOp::Div,
                };
                Some(Arith::Bin { op, left: Box::new(l?), right: Box::new(r?), span: (*span) })
            }
            ast::Arith::Call { name, arg, span } => {
                let func = self.choose(name, "function", DERIVE_FUNCTIONS);
                let arg = self.arith(arg);
                Some(Arith::Call { func: func?, arg: Box::new(arg?), span: (*span) })
            }
        }
    }
}
