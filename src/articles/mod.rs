//! Articles: original pieces, with their rights text as found (copyright line, permission
//! statement, what the permission rests on).

pub mod data_mining;
pub mod extract;
pub mod ingest;
pub mod routes;
pub mod schema_org;
pub mod service;
pub mod store;
pub mod tdm_routes;

use std::str::FromStr;

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::http::fields::Fields;
use crate::http::problem::ApiError;
use crate::types::{double_option, rfc3339, WebUrl};
use data_mining::DataMining;
use store::ArticleRow;

pub const MAX_TITLE: usize = 1000;
pub const MAX_TEXT_FIELD: usize = 10_000;

/// What a republication rests on (see API.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PermissionKind {
    ReproducedWithPermission,
    ReprintedWithPermission,
    RepublishedWithPermission,
    UsedWithPermission,
    UnderLicense,
    Syndicated,
    OriginallyPublished,
    AllRightsReserved,
    CopyrightNotice,
    PublicDomain,
}

impl PermissionKind {
    pub const ALL: [PermissionKind; 10] = [
        PermissionKind::ReproducedWithPermission,
        PermissionKind::ReprintedWithPermission,
        PermissionKind::RepublishedWithPermission,
        PermissionKind::UsedWithPermission,
        PermissionKind::UnderLicense,
        PermissionKind::Syndicated,
        PermissionKind::OriginallyPublished,
        PermissionKind::AllRightsReserved,
        PermissionKind::CopyrightNotice,
        PermissionKind::PublicDomain,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            PermissionKind::ReproducedWithPermission => "reproduced_with_permission",
            PermissionKind::ReprintedWithPermission => "reprinted_with_permission",
            PermissionKind::RepublishedWithPermission => "republished_with_permission",
            PermissionKind::UsedWithPermission => "used_with_permission",
            PermissionKind::UnderLicense => "under_license",
            PermissionKind::Syndicated => "syndicated",
            PermissionKind::OriginallyPublished => "originally_published",
            PermissionKind::AllRightsReserved => "all_rights_reserved",
            PermissionKind::CopyrightNotice => "copyright_notice",
            PermissionKind::PublicDomain => "public_domain",
        }
    }
}

impl FromStr for PermissionKind {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        PermissionKind::ALL
            .into_iter()
            .find(|k| k.as_str() == raw)
            .ok_or_else(|| format!("'{raw}' is not a permission kind"))
    }
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewArticleRequest {
    #[schema(example = "Ukrainian President Open To Resign In Exchange For NATO Membership")]
    pub title: String,
    #[schema(example = 1)]
    pub source_outlet_id: i64,
    pub url: Option<String>,
    #[schema(example = "Stefan J. Bos, Chief International Correspondent Worthy News")]
    pub byline: Option<String>,
    #[schema(example = "2025-02-23")]
    pub published_on: Option<String>,
    pub external_id: Option<String>,
    #[schema(example = "Copyright 1999-2025 Worthy News.")]
    pub copyright_line: Option<String>,
    #[schema(example = "Worthy News")]
    pub copyright_holder: Option<String>,
    #[schema(example = 1999)]
    pub copyright_year_from: Option<i32>,
    #[schema(example = 2025)]
    pub copyright_year_to: Option<i32>,
    #[schema(
        example = "This article was originally published on Worthy News and was reproduced with permission."
    )]
    pub permission_statement: Option<String>,
    #[schema(example = "Worthy News")]
    pub original_publisher: Option<String>,
    #[schema(example = "reproduced_with_permission")]
    pub permission_kind: Option<String>,
    pub license_name: Option<String>,
    /// RFC 3339 timestamp before which nothing covers the article
    pub embargo_until: Option<String>,
    /// The outlet the article was first published by: its rights holder when set
    #[schema(minimum = 1)]
    pub original_outlet_id: Option<i64>,
    /// IPTC PLUS data-mining value; default `prohibited` for an article held on permission,
    /// syndication or a licence, else `unspecified`
    #[schema(value_type = Option<DataMining>)]
    pub data_mining: Option<String>,
    /// The TDMRep policy of the rights holder
    pub tdm_policy_url: Option<String>,
}

/// A valid article, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct ArticleDraft {
    pub title: String,
    pub source_outlet_id: i64,
    pub url: Option<WebUrl>,
    pub byline: Option<String>,
    pub published_on: Option<NaiveDate>,
    pub external_id: Option<String>,
    pub copyright_line: Option<String>,
    pub copyright_holder: Option<String>,
    pub copyright_year_from: Option<i32>,
    pub copyright_year_to: Option<i32>,
    pub permission_statement: Option<String>,
    pub original_publisher: Option<String>,
    pub permission_kind: Option<PermissionKind>,
    pub license_name: Option<String>,
    pub embargo_until: Option<NaiveDateTime>,
    pub original_outlet_id: Option<i64>,
    /// None: the default from `permission_kind`
    pub data_mining: Option<DataMining>,
    pub tdm_policy_url: Option<WebUrl>,
}

impl ArticleDraft {
    /// The outlet whose grants need no upstream: the original outlet, else the source.
    pub fn rights_holder(&self) -> i64 {
        self.original_outlet_id.unwrap_or(self.source_outlet_id)
    }

    /// The data-mining value in force: the one set, else the default from the permission kind.
    pub fn data_mining(&self) -> DataMining {
        self.data_mining
            .unwrap_or_else(|| DataMining::default_for(self.permission_kind))
    }
}

fn check_original(f: &mut Fields, original: Option<i64>) {
    if original.is_some_and(|id| id <= 0) {
        f.error("original_outlet_id", "must be the id of an outlet");
    }
}

fn check_years(f: &mut Fields, from: Option<i32>, to: Option<i32>) {
    for (field, year) in [("copyright_year_from", from), ("copyright_year_to", to)] {
        if let Some(y) = year {
            if !(1000..=9999).contains(&y) {
                f.error(field, "must be a four-digit year");
            }
        }
    }
    if let (Some(a), Some(b)) = (from, to) {
        if a > b {
            f.error(
                "copyright_year_to",
                "must not be before copyright_year_from",
            );
        }
    }
}

impl NewArticleRequest {
    pub fn parse(self) -> Result<ArticleDraft, ApiError> {
        let mut f = Fields::new();
        if self.source_outlet_id <= 0 {
            f.error("source_outlet_id", "must be the id of an outlet");
        }
        check_years(&mut f, self.copyright_year_from, self.copyright_year_to);
        let draft = ArticleDraft {
            title: f.text("title", &self.title, MAX_TITLE),
            source_outlet_id: self.source_outlet_id,
            url: f.parse("url", self.url.as_deref()),
            byline: f.optional_text("byline", self.byline.as_deref(), MAX_TITLE),
            published_on: f.date("published_on", self.published_on.as_deref()),
            external_id: f.optional_text("external_id", self.external_id.as_deref(), 300),
            copyright_line: f.optional_text(
                "copyright_line",
                self.copyright_line.as_deref(),
                MAX_TEXT_FIELD,
            ),
            copyright_holder: f.optional_text(
                "copyright_holder",
                self.copyright_holder.as_deref(),
                MAX_TITLE,
            ),
            copyright_year_from: self.copyright_year_from,
            copyright_year_to: self.copyright_year_to,
            permission_statement: f.optional_text(
                "permission_statement",
                self.permission_statement.as_deref(),
                MAX_TEXT_FIELD,
            ),
            original_publisher: f.optional_text(
                "original_publisher",
                self.original_publisher.as_deref(),
                MAX_TITLE,
            ),
            permission_kind: f.parse("permission_kind", self.permission_kind.as_deref()),
            license_name: f.optional_text("license_name", self.license_name.as_deref(), 200),
            embargo_until: f.timestamp("embargo_until", self.embargo_until.as_deref()),
            original_outlet_id: self.original_outlet_id,
            data_mining: f.parse("data_mining", self.data_mining.as_deref()),
            tdm_policy_url: f.parse("tdm_policy_url", self.tdm_policy_url.as_deref()),
        };
        check_original(&mut f, draft.original_outlet_id);
        f.finish(draft)
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ArticlePatch {
    pub title: Option<String>,
    pub source_outlet_id: Option<i64>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub url: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub byline: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub published_on: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub external_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub copyright_line: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub copyright_holder: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i32>)]
    pub copyright_year_from: Option<Option<i32>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i32>)]
    pub copyright_year_to: Option<Option<i32>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub permission_statement: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub original_publisher: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub permission_kind: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub license_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub embargo_until: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub original_outlet_id: Option<Option<i64>>,
    /// null: back to the default from `permission_kind`
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<DataMining>)]
    pub data_mining: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub tdm_policy_url: Option<Option<String>>,
}

impl ArticlePatch {
    /// The article as it will be once the patch applies.
    pub fn apply(self, current: &ArticleRow) -> Result<ArticleDraft, ApiError> {
        let mut f = Fields::new();
        let mut d = current.draft();
        if let Some(title) = &self.title {
            d.title = f.text("title", title, MAX_TITLE);
        }
        if let Some(source) = self.source_outlet_id {
            if source <= 0 {
                f.error("source_outlet_id", "must be the id of an outlet");
            }
            d.source_outlet_id = source;
        }
        macro_rules! text {
            ($field:ident, $max:expr) => {
                if let Some(v) = self.$field {
                    d.$field = f.optional_text(stringify!($field), v.as_deref(), $max);
                }
            };
        }
        text!(byline, MAX_TITLE);
        text!(external_id, 300);
        text!(copyright_line, MAX_TEXT_FIELD);
        text!(copyright_holder, MAX_TITLE);
        text!(permission_statement, MAX_TEXT_FIELD);
        text!(original_publisher, MAX_TITLE);
        text!(license_name, 200);
        if let Some(v) = self.url {
            d.url = f.parse("url", v.as_deref());
        }
        if let Some(v) = self.published_on {
            d.published_on = f.date("published_on", v.as_deref());
        }
        if let Some(v) = self.permission_kind {
            d.permission_kind = f.parse("permission_kind", v.as_deref());
        }
        if let Some(v) = self.embargo_until {
            d.embargo_until = f.timestamp("embargo_until", v.as_deref());
        }
        if let Some(v) = self.original_outlet_id {
            d.original_outlet_id = v;
            check_original(&mut f, v);
        }
        if let Some(v) = self.data_mining {
            d.data_mining = f.parse("data_mining", v.as_deref());
        }
        if let Some(v) = self.tdm_policy_url {
            d.tdm_policy_url = f.parse("tdm_policy_url", v.as_deref());
        }
        if let Some(v) = self.copyright_year_from {
            d.copyright_year_from = v;
        }
        if let Some(v) = self.copyright_year_to {
            d.copyright_year_to = v;
        }
        check_years(&mut f, d.copyright_year_from, d.copyright_year_to);
        f.finish(d)
    }
}

/// An article as answers show it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ArticleView {
    pub id: i64,
    pub title: String,
    pub source_outlet_id: i64,
    pub url: Option<String>,
    pub byline: Option<String>,
    pub published_on: Option<NaiveDate>,
    pub external_id: Option<String>,
    pub copyright_line: Option<String>,
    pub copyright_holder: Option<String>,
    pub copyright_year_from: Option<i32>,
    pub copyright_year_to: Option<i32>,
    pub permission_statement: Option<String>,
    pub original_publisher: Option<String>,
    pub permission_kind: Option<String>,
    pub license_name: Option<String>,
    pub embargo_until: Option<String>,
    pub original_outlet_id: Option<i64>,
    /// The original outlet, else the source outlet
    pub rights_holder_outlet_id: i64,
    pub data_mining: DataMining,
    /// e.g. `http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED`
    pub data_mining_uri: String,
    pub tdm_policy_url: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deleted_at: Option<String>,
}

impl From<&ArticleRow> for ArticleView {
    fn from(r: &ArticleRow) -> Self {
        ArticleView {
            id: r.id,
            title: r.title.clone(),
            source_outlet_id: r.source_outlet_id,
            url: r.url.clone(),
            byline: r.byline.clone(),
            published_on: r.published_on,
            external_id: r.external_id.clone(),
            copyright_line: r.copyright_line.clone(),
            copyright_holder: r.copyright_holder.clone(),
            copyright_year_from: r.copyright_year_from,
            copyright_year_to: r.copyright_year_to,
            permission_statement: r.permission_statement.clone(),
            original_publisher: r.original_publisher.clone(),
            permission_kind: r.permission_kind.clone(),
            license_name: r.license_name.clone(),
            embargo_until: r.embargo_until.as_ref().map(rfc3339),
            original_outlet_id: r.original_outlet_id,
            rights_holder_outlet_id: r.rights_holder(),
            data_mining: r.data_mining(),
            data_mining_uri: r.data_mining().uri(),
            tdm_policy_url: r.tdm_policy_url.clone(),
            created_at: rfc3339(&r.created_at),
            updated_at: rfc3339(&r.updated_at),
            deleted_at: r.deleted_at.as_ref().map(rfc3339),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permission_kinds_round_trip() {
        for kind in PermissionKind::ALL {
            assert_eq!(kind.as_str().parse::<PermissionKind>().unwrap(), kind);
        }
        assert!("maybe".parse::<PermissionKind>().is_err());
    }

    #[test]
    fn years_must_be_ordered() {
        let req = NewArticleRequest {
            title: "T".into(),
            source_outlet_id: 1,
            copyright_year_from: Some(2025),
            copyright_year_to: Some(1999),
            ..Default::default()
        };
        assert!(matches!(req.parse(), Err(ApiError::Validation(_))));
    }
}
