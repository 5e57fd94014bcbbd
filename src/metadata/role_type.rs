//! The four top-level roles (digest 1.1) and their names.

/// The top-level roles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RoleType {
    Root,
    Timestamp,
    Snapshot,
    Targets,
}

impl RoleType {
    /// The role's name, which is also its `_type` and its file stem.
    pub fn as_str(self) -> &'static str {
        match self {
            RoleType::Root => "root",
            RoleType::Timestamp => "timestamp",
            RoleType::Snapshot => "snapshot",
            RoleType::Targets => "targets",
        }
    }

    /// All four, in the order of the client workflow.
    pub const ALL: [RoleType; 4] = [
        RoleType::Root,
        RoleType::Timestamp,
        RoleType::Snapshot,
        RoleType::Targets,
    ];

    /// Whether `name` is a top-level role name.
    pub fn is_top_level(name: &str) -> bool {
        RoleType::ALL.iter().any(|r| r.as_str() == name)
    }
}
