//! Who may do what (权限). The core checks every permission itself, whatever
//! calls it (a Tauri command, the CLI), so no entry point can skip a check.
use serde::{Deserialize, Serialize};

/// The four roles of the office's staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 管理员: users, dictionaries, settings, sync key, everything.
    Admin,
    /// 街道工作人员: every community's records.
    StreetStaff,
    /// 社区工作人员: only their own community's records, reading and writing.
    CommunityStaff,
    /// 只读: viewing, no export of full ID numbers.
    ReadOnly,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Admin, Role::StreetStaff, Role::CommunityStaff, Role::ReadOnly];

    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "管理员",
            Role::StreetStaff => "街道工作人员",
            Role::CommunityStaff => "社区工作人员",
            Role::ReadOnly => "只读",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::StreetStaff => "street_staff",
            Role::CommunityStaff => "community_staff",
            Role::ReadOnly => "read_only",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code || r.label() == code)
    }
}

/// What an action needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Change registers' records (in scope).
    Write,
    /// See a full ID number or phone, export them unmasked.
    Unmask,
    /// Users, dictionaries, settings, communities, the audit trail.
    Administer,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccessError {
    #[error("无权限：{0}。如确需办理，请联系管理员调整您的权限")]
    Denied(&'static str),
    #[error("无权限：这条记录属于其他社区，您只能查看和办理本社区的记录")]
    OtherCommunity,
}

/// Who acts: recorded with every change, and checked before every action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user: String,
    pub role: Role,
    /// The community of a community worker (社区工作人员); none otherwise.
    pub community_id: Option<String>,
    /// The account logged in as, when the actor is one (not the OS
    /// administrator or a test's actor).
    pub login: Option<String>,
}

impl crate::store::Author for Actor {
    fn user_name(&self) -> &str {
        &self.user
    }
}

impl crate::store::WriteTx<'_> {
    /// Who this write acts for: the registers check permissions against it.
    pub fn actor(&self) -> &Actor {
        let author: &dyn std::any::Any = self.author();
        // Every write is begun with an `Actor` (`Store::write` is only ever
        // given one); anything else is a programming error caught by every test.
        author.downcast_ref().expect("a write is made for an Actor")
    }
}

impl Actor {
    pub fn new(user: impl Into<String>, role: Role, community_id: Option<String>) -> Self {
        Actor { user: user.into(), role, community_id, login: None }
    }

    /// An administrator; tests and the first-start setup act as one.
    pub fn admin(user: impl Into<String>) -> Self {
        Actor::new(user, Role::Admin, None)
    }

    /// The operating-system account running the CLI's `init`, `check` and
    /// restore: whoever can read the data folder already holds everything.
    pub fn system() -> Self {
        let os = std::env::var("USER").or_else(|_| std::env::var("USERNAME")).unwrap_or_else(|_| "本机".into());
        Actor::admin(format!("系统管理员({os})"))
    }

    pub fn may(&self, p: Permission) -> bool {
        match p {
            Permission::Write | Permission::Unmask => self.role != Role::ReadOnly,
            Permission::Administer => self.role == Role::Admin,
        }
    }

    pub fn require(&self, p: Permission) -> Result<(), AccessError> {
        if self.may(p) {
            return Ok(());
        }
        Err(AccessError::Denied(match p {
            Permission::Write => "只读账号不能修改台账",
            Permission::Unmask => "只读账号不能查看完整的身份证号和电话",
            Permission::Administer => "只有管理员可以管理用户、字典、社区和设置",
        }))
    }

    /// The community a community worker is confined to; `None` for roles
    /// that see every community.
    pub fn scope(&self) -> Option<&str> {
        match self.role {
            Role::CommunityStaff => Some(self.community_id.as_deref().unwrap_or("")),
            _ => None,
        }
    }

    /// A record of `community` (none for records without one) is in reach.
    pub fn require_community(&self, community: Option<&str>) -> Result<(), AccessError> {
        match self.scope() {
            Some(own) if community != Some(own) => Err(AccessError::OtherCommunity),
            _ => Ok(()),
        }
    }
}
