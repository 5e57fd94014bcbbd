//! The delegation search of spec 5.6.7: which trusted targets role describes a target.

use super::TrustedSet;
use crate::error::Result;
use crate::metadata::{TargetFile, Targets};

/// A target found in trusted metadata by [`TrustedSet::find_target`] (and so by the updater's
/// lookup).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TargetInfo {
    /// The target path, as looked up.
    pub path: String,
    /// Length, hashes and custom data from trusted metadata.
    pub target: TargetFile,
    /// The role whose metadata lists the target.
    pub role: String,
}

/// Python-tuf's default limit of delegated roles visited in one search (5.6.7.1).
pub const DEFAULT_MAX_DELEGATIONS: usize = 32;

impl TrustedSet {
    /// Finds `target_path` by a pre-order depth-first search of the delegation graph, starting
    /// at the top-level targets (5.6.7), exactly as python-tuf's `_preorder_depth_first_walk`:
    ///
    /// - delegations are searched in their listed order, and only those whose paths cover the
    ///   target, so the target lies within the delegated paths of every role on the chain
    ///   (digest 6.29);
    /// - the first role that lists the target wins (digest 6.27);
    /// - a matching terminating delegation drops every delegation not yet searched, later
    ///   siblings and pending ones higher up (5.6.7.2.1); succinct bins count as terminating;
    /// - a role already visited is skipped (cycles), and at most `max_delegations` delegated
    ///   roles are visited (5.6.7.1).
    ///
    /// `load(set, role, delegator)` must make `role` trusted in `set` when it is not yet,
    /// typically by fetching its bytes and calling
    /// [`update_delegated_targets`](Self::update_delegated_targets). Roles are loaded only as
    /// the search reaches them. A role already trusted but reached through another delegator
    /// is checked against that delegator's keys and threshold (digest 6.34).
    ///
    /// Returns `Ok(None)` when no role lists the target (5.7.2); errors from `load` stop the
    /// search (python-tuf's behaviour).
    pub fn find_target(
        &mut self,
        target_path: &str,
        max_delegations: usize,
        load: &mut dyn FnMut(&mut TrustedSet, &str, &str) -> Result<()>,
    ) -> Result<Option<TargetInfo>> {
        let mut stack: Vec<(String, String)> = vec![("targets".into(), "root".into())];
        let mut visited: Vec<String> = Vec::new();
        while visited.len() <= max_delegations {
            let Some((role, delegator)) = stack.pop() else {
                break;
            };
            if visited.contains(&role) {
                continue;
            }
            match self.delegator_of(&role) {
                None => load(self, &role, &delegator)?,
                Some(d) if d != delegator => self.check_delegation(&role, &delegator)?,
                Some(_) => {}
            }
            let Some(md) = self.get_targets(&role) else {
                return Err(crate::Error::State(format!("{role} was not loaded")));
            };
            if let Some(t) = md.targets.get(target_path) {
                return Ok(Some(TargetInfo {
                    path: target_path.to_string(),
                    target: t.clone(),
                    role,
                }));
            }
            let mut children = Vec::new();
            if let Some(d) = &md.delegations {
                for (child, terminating) in d.roles_for_target(target_path) {
                    children.push((child.into_owned(), role.clone()));
                    if terminating {
                        stack.clear();
                        break;
                    }
                }
            }
            visited.push(role);
            stack.extend(children.into_iter().rev());
        }
        Ok(None)
    }

    /// The role [`find_target`](Self::find_target)'s search for `target_path` loads right
    /// after `role`, were `candidate` trusted as `role`'s metadata: `role`'s first delegated
    /// role that covers the target (5.6.7.2), when `candidate` does not list the target itself
    /// and that role is neither `role` nor trusted yet. `None` otherwise, and when the search
    /// would go on elsewhere (no delegation covers the target: a pending role higher up).
    ///
    /// `candidate` may be unverified: the answer only says what the search would ask for
    /// next, so that it can be fetched while `role` is verified; whatever is fetched is
    /// verified when the search reaches it, as any role.
    pub fn next_role_to_load(
        &self,
        role: &str,
        candidate: &Targets,
        target_path: &str,
    ) -> Option<String> {
        if candidate.targets.contains_key(target_path) {
            return None;
        }
        let (child, _) = candidate
            .delegations
            .as_ref()?
            .roles_for_target(target_path)
            .next()?;
        // A role delegating to itself is not searched again (visited).
        (child != role && self.delegator_of(&child).is_none()).then(|| child.into_owned())
    }
}
