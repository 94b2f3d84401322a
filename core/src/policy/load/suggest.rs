//! "Did you mean": the closest known word to a misspelt one.

/// Optimal-string-alignment distance: insertions, deletions, substitutions
/// and adjacent transpositions each cost 1 (so `form` is 1 from `from`).
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    let at = |i: usize, j: usize| i * w + j;
    for i in 0..=a.len() {
        if let Some(c) = d.get_mut(at(i, 0)) {
            *c = i;
        }
    }
    for j in 0..=b.len() {
        if let Some(c) = d.get_mut(at(0, j)) {
            *c = j;
        }
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let (ai, bj) = (a.get(i - 1), b.get(j - 1));
            let cost = usize::from(ai != bj);
            let get = |i, j| d.get(at(i, j)).copied().unwrap_or(usize::MAX / 2);
            let mut best = (get(i - 1, j) + 1)
                .min(get(i, j - 1) + 1)
                .min(get(i - 1, j - 1) + cost);
            if i > 1 && j > 1 && ai == b.get(j - 2) && a.get(i - 2) == bj {
                best = best.min(get(i - 2, j - 2) + 1);
            }
            if let Some(c) = d.get_mut(at(i, j)) {
                *c = best;
            }
        }
    }
    d.last().copied().unwrap_or(0)
}

pub(super) fn suggest<'a>(word: &str, options: impl IntoIterator<Item = &'a str>) -> String {
    options
        .into_iter()
        .map(|o| (edit_distance(word, o), o))
        .filter(|(d, o)| *d <= 2.max(o.len() / 4))
        .min()
        .map_or(String::new(), |(_, o)| format!(" (did you mean `{o}`?)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_prefer_transpositions() {
        assert_eq!(edit_distance("form", "from"), 1);
        assert_eq!(edit_distance("form", "format"), 2);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(
            suggest("form", ["format", "from"]),
            " (did you mean `from`?)"
        );
        assert_eq!(suggest("zzzzzz", ["from"]), "");
    }
}
