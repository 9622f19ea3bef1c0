//! The sim2real command line.
pub fn main() -> i32 {
    0
}
