//! Who is calling, and what they may do. Roles and the permission table live here, in one place;
//! the [`Caller`] extractor gives every handler the authenticated caller.

pub mod key_cache;
pub mod keys;
pub mod password;
pub mod records;
pub mod routes;
pub mod session;
pub mod sign_in;
pub mod store;
pub mod throttle;
pub mod token;
pub mod users;

use std::future::Future;
use std::pin::Pin;
use std::str::FromStr;

use actix_web::http::header;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use serde::Serialize;

use crate::db::{Db, StoreError};
use crate::http::problem::ApiError;
use token::TokenKeys;

/// Prefix of every API key, so a leaked key is recognisable (and scannable) as ours.
pub const API_KEY_PREFIX: &str = "rdk_";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Desk,
    Viewer,
    Partner,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Admin, Role::Desk, Role::Viewer, Role::Partner];

    pub fn as_str(&self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Desk => "desk",
            Role::Viewer => "viewer",
            Role::Partner => "partner",
        }
    }
}

impl FromStr for Role {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == raw)
            .ok_or_else(|| format!("'{raw}' is not a role: use admin, desk, viewer or partner"))
    }
}

/// What an endpoint needs. Every route names one; [`allows`] is the whole rule book.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Outlets, articles, licenses, reprints, notices (partners: their own world only).
    ReadRecords,
    /// Create or change outlets, articles, licenses.
    WriteRecords,
    /// Record a reprint (partners: their own).
    RecordReprints,
    /// Ask the rights check (partners: for themselves).
    CheckRights,
    /// Run or preview a notice pass.
    RunNotices,
    /// Users, everyone's keys, the audit log, restoring deleted records.
    Administer,
    /// One's own API keys.
    OwnKeys,
}

/// The permission table (see docs/security.md).
pub fn allows(role: Role, permission: Permission) -> bool {
    use Permission::*;
    match role {
        Role::Admin => true,
        Role::Desk => !matches!(permission, Administer),
        Role::Viewer => matches!(permission, ReadRecords | CheckRights | OwnKeys),
        Role::Partner => matches!(
            permission,
            ReadRecords | CheckRights | RecordReprints | OwnKeys
        ),
    }
}

/// Which records a caller may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    All,
    /// A partner: only the world of this outlet.
    Outlet(i64),
}

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user_id: i64,
    pub role: Role,
    pub outlet_id: Option<i64>,
    /// The API key used, when the caller came with one.
    pub api_key_id: Option<i64>,
    pub request_id: Option<String>,
}

impl Caller {
    /// Refuses what the role may not do: 403 for staff, 404 for partners (who must not learn
    /// that a thing exists).
    pub fn require(&self, permission: Permission) -> Result<(), ApiError> {
        if allows(self.role, permission) {
            Ok(())
        } else if self.role == Role::Partner {
            Err(ApiError::NotFound)
        } else {
            Err(ApiError::Forbidden(format!(
                "the {} role may not do this",
                self.role.as_str()
            )))
        }
    }

    pub fn scope(&self) -> Scope {
        match (self.role, self.outlet_id) {
            (Role::Partner, Some(outlet)) => Scope::Outlet(outlet),
            // A partner without an outlet sees nothing: no outlet has id 0.
            (Role::Partner, None) => Scope::Outlet(0),
            _ => Scope::All,
        }
    }

    /// How the audit log names this caller.
    /// Who this caller is in the audit log.
    pub fn actor(&self) -> crate::audit::Actor {
        let label = match self.api_key_id {
            Some(key) => format!("user:{} key:{}", self.user_id, key),
            None => format!("user:{}", self.user_id),
        };
        crate::audit::Actor {
            user_id: Some(self.user_id),
            label,
            request_id: self.request_id.clone(),
        }
    }
}

fn bearer(req: &HttpRequest) -> Result<String, ApiError> {
    let value = req.headers().get(header::AUTHORIZATION).ok_or_else(|| {
        ApiError::Unauthorized("send Authorization: Bearer <token or API key>".into())
    })?;
    let value = value
        .to_str()
        .map_err(|_| ApiError::Unauthorized("the Authorization header is not readable".into()))?;
    let (scheme, credential) = value.split_once(' ').ok_or_else(|| {
        ApiError::Unauthorized("use Authorization: Bearer <token or API key>".into())
    })?;
    if !scheme.eq_ignore_ascii_case("bearer") || credential.trim().is_empty() {
        return Err(ApiError::Unauthorized(
            "use Authorization: Bearer <token or API key>".into(),
        ));
    }
    Ok(credential.trim().to_string())
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Caller, ApiError>>>>;

    fn from_request(req: &HttpRequest, _payload: &mut actix_web::dev::Payload) -> Self::Future {
        let db = req.app_data::<web::Data<Db>>().cloned();
        let tokens = req.app_data::<web::Data<TokenKeys>>().cloned();
        let credential = bearer(req);
        let request_id = req
            .extensions()
            .get::<crate::http::RequestIdValue>()
            .map(|id| id.0.clone());
        let request = req.clone();
        Box::pin(async move {
            let (Some(db), Some(tokens)) = (db, tokens) else {
                return Err(ApiError::Internal(anyhow::anyhow!(
                    "the App does not register the database and the token keys"
                )));
            };
            let credential = credential?;
            let refused = || ApiError::InvalidToken;
            let mut caller = if credential.starts_with(API_KEY_PREFIX) {
                let digest = store::key_digest(&credential);
                if let Some(mut caller) = key_cache::get(&digest) {
                    caller.request_id = request_id;
                    request
                        .extensions_mut()
                        .insert(crate::http::CallerLabel(caller.actor().label));
                    return Ok(caller);
                }
                let lookup = digest.clone();
                let (caller, stale) = db
                    .read_point(move |conn| store::caller_for_key(conn, &lookup))
                    .await?
                    .ok_or_else(refused)?;
                key_cache::put(digest, &caller);
                if stale {
                    // last_used_at is kept to the minute, off the request's path.
                    if let Some(key_id) = caller.api_key_id {
                        let db = db.clone();
                        actix_web::rt::spawn(async move {
                            let touched: Result<usize, StoreError> = db
                                .write_touching(crate::db::Touches::Nothing, move |conn| {
                                    Ok(store::touch_key(conn, key_id)?)
                                })
                                .await;
                            if let Err(err) = touched {
                                tracing::debug!(error = %err, "could not note an API key's last use");
                            }
                        });
                    }
                }
                caller
            } else {
                let claims = tokens.verify(&credential).map_err(|why| match why {
                    token::Refusal::Expired => ApiError::TokenExpired,
                    token::Refusal::Invalid => ApiError::InvalidToken,
                })?;
                let user_id: i64 = claims.sub.parse().map_err(|_| refused())?;
                let user = db
                    .read_point(move |conn| {
                        Ok::<_, StoreError>(diesel::OptionalExtension::optional(store::find_user(
                            conn, user_id,
                        ))?)
                    })
                    .await?
                    .ok_or_else(refused)?;
                if !user.active || user.token_generation != claims.gen {
                    return Err(refused());
                }
                user.caller(None)?
            };
            caller.request_id = request_id;
            request
                .extensions_mut()
                .insert(crate::http::CallerLabel(caller.actor().label));
            Ok(caller)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Permission::*;

    /// The access table of DESIGN.md, row by row.
    #[test]
    fn permission_table() {
        let table: &[(Role, &[Permission], &[Permission])] = &[
            (
                Role::Admin,
                &[
                    ReadRecords,
                    WriteRecords,
                    RecordReprints,
                    CheckRights,
                    RunNotices,
                    Administer,
                    OwnKeys,
                ],
                &[],
            ),
            (
                Role::Desk,
                &[
                    ReadRecords,
                    WriteRecords,
                    RecordReprints,
                    CheckRights,
                    RunNotices,
                    OwnKeys,
                ],
                &[Administer],
            ),
            (
                Role::Viewer,
                &[ReadRecords, CheckRights, OwnKeys],
                &[WriteRecords, RecordReprints, RunNotices, Administer],
            ),
            (
                Role::Partner,
                &[ReadRecords, CheckRights, RecordReprints, OwnKeys],
                &[WriteRecords, RunNotices, Administer],
            ),
        ];
        for (role, allowed, refused) in table {
            for p in *allowed {
                assert!(allows(*role, *p), "{role:?} should have {p:?}");
            }
            for p in *refused {
                assert!(!allows(*role, *p), "{role:?} should not have {p:?}");
            }
        }
    }

    #[test]
    fn partners_get_404_staff_403() {
        let partner = Caller {
            user_id: 1,
            role: Role::Partner,
            outlet_id: Some(2),
            api_key_id: None,
            request_id: None,
        };
        assert!(matches!(
            partner.require(WriteRecords),
            Err(ApiError::NotFound)
        ));
        let viewer = Caller {
            role: Role::Viewer,
            outlet_id: None,
            ..partner.clone()
        };
        assert!(matches!(
            viewer.require(WriteRecords),
            Err(ApiError::Forbidden(_))
        ));
        assert_eq!(partner.scope(), Scope::Outlet(2));
        assert_eq!(viewer.scope(), Scope::All);
    }
}
