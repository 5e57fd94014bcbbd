//! Whether enough repositories agree on a target (TAP 4): pure functions over the answers
//! each repository gave.
//!
//! Two repositories agree when their target info is identical in what verification uses:
//! the same length and the same hashes (the same set of algorithms, each with the same
//! digest, in any order; hex digits compare without regard to case, as verification compares
//! digests as bytes). `custom` data and the role that listed the target may differ; the
//! caller can read each repository's.

use crate::error::ErrorKind;
use crate::verify::TargetInfo;

/// What one repository answered for a target path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// Its trusted metadata lists the target.
    Found(TargetInfo),
    /// Its trusted metadata does not list the target.
    NotFound,
    /// It could not answer: its refresh or the lookup failed (the error's kind and message).
    Failed { kind: ErrorKind, message: String },
}

/// A repository's answer, as reported to the caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RepositoryAnswer {
    /// The repository's name in the map file.
    pub name: String,
    /// What it answered.
    pub answer: Answer,
    /// Whether it is one of the repositories that agreed on the accepted target info.
    pub agreed: bool,
}

impl RepositoryAnswer {
    /// The target info this repository's metadata gives, if it lists the target.
    pub fn info(&self) -> Option<&TargetInfo> {
        match &self.answer {
            Answer::Found(info) => Some(info),
            _ => None,
        }
    }
}

/// A target enough repositories agree on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgreedTarget {
    /// The agreed target info: that of the first agreeing repository (in the mapping's
    /// order). Its length and hashes are those of every agreeing repository; its `custom`
    /// and role are that repository's own.
    pub info: TargetInfo,
    /// The index in the map file's `mapping` of the mapping that decided.
    pub mapping: usize,
    /// The threshold of that mapping.
    pub threshold: usize,
    /// The answer of every repository of that mapping, in the mapping's order.
    pub answers: Vec<RepositoryAnswer>,
}

impl AgreedTarget {
    /// The names of the repositories that agreed, in the mapping's order (at least
    /// `threshold` of them).
    pub fn agreed(&self) -> impl Iterator<Item = &str> {
        self.answers
            .iter()
            .filter(|a| a.agreed)
            .map(|a| a.name.as_str())
    }
}

/// Whether two target infos describe the same file: same length, same hashes.
pub fn same_file(a: &TargetInfo, b: &TargetInfo) -> bool {
    if a.target.length != b.target.length {
        return false;
    }
    let (ha, hb) = (&a.target.hashes, &b.target.hashes);
    // Digests compare as bytes (hex case aside), as verification compares them.
    ha.iter().count() == hb.iter().count()
        && ha
            .iter()
            .all(|(alg, d)| hb.get(alg).is_some_and(|o| o.eq_ignore_ascii_case(&d)))
}

/// The repositories (indices into `answers`) that agree on one target info, in order, if at
/// least `threshold` of them do. When more than one set of identical answers reaches the
/// threshold (only possible when the threshold is at most half the repositories), the set
/// that reaches it first, going through the answers in order, wins.
pub(crate) fn agreeing(answers: &[Answer], threshold: usize) -> Option<Vec<usize>> {
    // Groups of identical answers: each a list of indices.
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut winner: Option<usize> = None;
    for (i, answer) in answers.iter().enumerate() {
        let Answer::Found(info) = answer else {
            continue;
        };
        let g = match groups.iter().position(|g| match &answers[g[0]] {
            Answer::Found(first) => same_file(first, info),
            _ => false,
        }) {
            Some(g) => g,
            None => {
                groups.push(Vec::new());
                groups.len() - 1
            }
        };
        groups[g].push(i);
        if winner.is_none() && groups[g].len() >= threshold {
            winner = Some(g);
        }
    }
    winner.map(|g| groups.swap_remove(g))
}

/// Describes why `answers` (of repositories `names`) did not reach `threshold`: the largest
/// set of identical answers, the repositories that disagree with it, those that do not list
/// the target and those that failed.
pub(crate) fn describe_disagreement(
    names: &[String],
    answers: &[Answer],
    threshold: usize,
) -> String {
    // The largest group, by its first member.
    let mut best: Vec<usize> = Vec::new();
    for (i, a) in answers.iter().enumerate() {
        let Answer::Found(info) = a else { continue };
        let group: Vec<usize> = (0..answers.len())
            .filter(|&j| matches!(&answers[j], Answer::Found(o) if same_file(info, o)))
            .collect();
        if group.len() > best.len() && group.first() == Some(&i) {
            best = group;
        }
    }
    let list = |idx: &mut dyn Iterator<Item = usize>| -> String {
        let v: Vec<&str> = idx.map(|i| names[i].as_str()).collect();
        if v.is_empty() {
            "none".into()
        } else {
            v.join(", ")
        }
    };
    let disagreeing = list(
        &mut (0..answers.len())
            .filter(|i| matches!(answers[*i], Answer::Found(_)) && !best.contains(i)),
    );
    let missing = list(&mut (0..answers.len()).filter(|i| answers[*i] == Answer::NotFound));
    let failed: Vec<String> = answers
        .iter()
        .enumerate()
        .filter_map(|(i, a)| match a {
            Answer::Failed { message, .. } => Some(format!("{} ({message})", names[i])),
            _ => None,
        })
        .collect();
    format!(
        "{} of {threshold} required repositories agree ({}); disagreeing: {disagreeing}; not \
         listing it: {missing}; failed: {}",
        best.len(),
        list(&mut best.iter().copied()),
        if failed.is_empty() {
            "none".into()
        } else {
            failed.join(", ")
        }
    )
}
