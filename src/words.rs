//! How counts are said to people: "1 episode", "3 episodes", never "3 episode(s)".

/// `n` and the noun in the number it takes: `count(1, "pair", "pairs")` is "1 pair".
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_is_singular_and_every_other_count_plural() {
        assert_eq!(super::count(1, "copy", "copies"), "1 copy");
        assert_eq!(super::count(0, "pair", "pairs"), "0 pairs");
        assert_eq!(super::count(3, "episode", "episodes"), "3 episodes");
    }
}
