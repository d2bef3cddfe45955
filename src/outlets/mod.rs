//! Outlets: news organisations that grant licenses (sources) and republish (partners).

pub mod routes;
pub mod service;
pub mod store;

use serde::{Deserialize, Serialize};

use crate::http::fields::Fields;
use crate::http::problem::ApiError;
use crate::types::{double_option, rfc3339, Country, Email, WebUrl};
use store::OutletRow;

pub const MAX_NAME: usize = 300;
pub const MAX_NOTES: usize = 10_000;
pub const MAX_CONTACTS: usize = 50;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOutletRequest {
    #[schema(example = "Worthy News")]
    pub name: String,
    #[schema(example = "https://www.worthynews.com")]
    pub website: Option<String>,
    #[schema(example = "US")]
    pub country: Option<String>,
    #[serde(default)]
    #[schema(example = json!(["syndication@worthynews.com"]))]
    pub contact_emails: Vec<String>,
    pub notes: Option<String>,
    pub active: Option<bool>,
    /// People who receive this outlet's notices, with a role; an opted-out contact receives none
    pub contacts: Option<Vec<Contact>>,
    /// A staff user copied on this outlet's notices
    #[schema(minimum = 1)]
    pub account_manager_user_id: Option<i64>,
}

/// A person to notify at an outlet.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    #[schema(example = "rights@gazette.example")]
    pub email: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// e.g. licensing, legal, billing
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "licensing")]
    pub role: Option<String>,
    #[serde(default)]
    pub opted_out: bool,
}

fn parse_people(f: &mut Fields, raw: &[Contact]) -> Vec<Contact> {
    if raw.len() > MAX_CONTACTS {
        f.error("contacts", format!("at most {MAX_CONTACTS} contacts"));
    }
    let mut out: Vec<Contact> = Vec::new();
    for (i, c) in raw.iter().enumerate() {
        let email: Option<Email> = f.parse(&format!("contacts[{i}].email"), Some(&c.email));
        let name = f.optional_text(&format!("contacts[{i}].name"), c.name.as_deref(), MAX_NAME);
        let role = f.optional_text(&format!("contacts[{i}].role"), c.role.as_deref(), 100);
        if let Some(email) = email {
            let email = email.as_str().to_string();
            if out.iter().any(|o| o.email == email) {
                f.error(&format!("contacts[{i}].email"), "listed twice");
            }
            out.push(Contact {
                email,
                name,
                role,
                opted_out: c.opted_out,
            });
        }
    }
    out
}

fn check_manager(f: &mut Fields, id: Option<i64>) -> Option<i64> {
    if id.is_some_and(|m| m <= 0) {
        f.error("account_manager_user_id", "must be the id of a staff user");
    }
    id
}

/// A valid outlet, ready to store.
#[derive(Debug, Clone)]
pub struct OutletDraft {
    pub name: String,
    pub website: Option<WebUrl>,
    pub country: Option<Country>,
    pub contact_emails: Vec<Email>,
    pub notes: Option<String>,
    pub active: bool,
    pub contacts: Vec<Contact>,
    pub account_manager_user_id: Option<i64>,
}

fn parse_contacts(fields: &mut Fields, raw: &[String]) -> Vec<Email> {
    if raw.len() > MAX_CONTACTS {
        fields.error(
            "contact_emails",
            format!("at most {MAX_CONTACTS} addresses"),
        );
    }
    let mut emails: Vec<Email> = raw
        .iter()
        .enumerate()
        .filter_map(|(i, e)| fields.parse(&format!("contact_emails[{i}]"), Some(e)))
        .collect();
    emails.sort();
    emails.dedup();
    emails
}

impl NewOutletRequest {
    pub fn parse(self) -> Result<OutletDraft, ApiError> {
        let mut f = Fields::new();
        let draft = OutletDraft {
            name: f.text("name", &self.name, MAX_NAME),
            website: f.parse("website", self.website.as_deref()),
            country: f.parse("country", self.country.as_deref()),
            contact_emails: parse_contacts(&mut f, &self.contact_emails),
            notes: f.optional_lines("notes", self.notes.as_deref(), MAX_NOTES),
            active: self.active.unwrap_or(true),
            contacts: parse_people(&mut f, self.contacts.as_deref().unwrap_or_default()),
            account_manager_user_id: check_manager(&mut f, self.account_manager_user_id),
        };
        f.finish(draft)
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OutletPatch {
    pub name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub website: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub country: Option<Option<String>>,
    pub contact_emails: Option<Vec<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub notes: Option<Option<String>>,
    pub active: Option<bool>,
    pub contacts: Option<Vec<Contact>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub account_manager_user_id: Option<Option<i64>>,
}

impl OutletPatch {
    /// Applies the patch to the current outlet, giving the outlet as it will be.
    pub fn apply(self, current: &OutletRow) -> Result<OutletDraft, ApiError> {
        let mut f = Fields::new();
        let mut draft = current.draft();
        if let Some(name) = &self.name {
            draft.name = f.text("name", name, MAX_NAME);
        }
        if let Some(website) = self.website {
            draft.website = f.parse("website", website.as_deref());
        }
        if let Some(country) = self.country {
            draft.country = f.parse("country", country.as_deref());
        }
        if let Some(contacts) = &self.contact_emails {
            draft.contact_emails = parse_contacts(&mut f, contacts);
        }
        if let Some(notes) = self.notes {
            draft.notes = f.optional_lines("notes", notes.as_deref(), MAX_NOTES);
        }
        if let Some(active) = self.active {
            draft.active = active;
        }
        if let Some(people) = &self.contacts {
            draft.contacts = parse_people(&mut f, people);
        }
        if let Some(manager) = self.account_manager_user_id {
            draft.account_manager_user_id = check_manager(&mut f, manager);
        }
        f.finish(draft)
    }
}

/// An outlet as answers show it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OutletView {
    pub id: i64,
    pub name: String,
    pub website: Option<String>,
    pub country: Option<String>,
    pub contact_emails: Vec<String>,
    pub notes: Option<String>,
    pub active: bool,
    pub created_at: String,
    pub updated_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deleted_at: Option<String>,
    pub contacts: Vec<Contact>,
    pub account_manager_user_id: Option<i64>,
}

impl From<&OutletRow> for OutletView {
    fn from(row: &OutletRow) -> Self {
        OutletView {
            id: row.id,
            name: row.name.clone(),
            website: row.website.clone(),
            country: row.country.clone(),
            contact_emails: row.contacts(),
            notes: row.notes.clone(),
            active: row.active,
            created_at: rfc3339(&row.created_at),
            updated_at: rfc3339(&row.updated_at),
            deleted_at: row.deleted_at.as_ref().map(rfc3339),
            contacts: row.people(),
            account_manager_user_id: row.account_manager_user_id,
        }
    }
}

/// Outlets are deleted softly, not while a live license or article refers to them.
pub struct Outlets;

impl crate::audit::soft_delete::SoftDelete for Outlets {
    const ENTITY: crate::audit::Entity = crate::audit::Entity::Outlet;
    type Row = store::OutletRow;
    type View = OutletView;

    crate::soft_delete_through_store!(crate::outlets::store);

    fn guard_delete(
        conn: &mut crate::db::DbConnection,
        row: &store::OutletRow,
    ) -> Result<(), ApiError> {
        let (license_count, article_count) = store::references(conn, row.id)?;
        if license_count + article_count > 0 {
            return Err(ApiError::Conflict(format!(
                "outlet {} is still referred to by {license_count} license(s) and {article_count} article(s)",
                row.id
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_collects_every_field_error() {
        let req = NewOutletRequest {
            name: "  ".into(),
            website: Some("not a url".into()),
            country: Some("XX".into()),
            contact_emails: vec!["ok@worthy.news".into(), "nope".into()],
            notes: None,
            active: None,
            contacts: None,
            account_manager_user_id: None,
        };
        let Err(ApiError::Validation(errors)) = req.parse() else {
            panic!("expected validation errors")
        };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "website", "country", "contact_emails[1]"]);
    }
}
