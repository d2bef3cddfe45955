//! The rights rules, pure: does a license cover a use of an article, and if not, why not? Do two
//! licenses overlap? No storage, no HTTP: the store and the routes are thin around these.

use chrono::NaiveDate;
use serde::Serialize;

use crate::types::Country;

pub mod chain;
mod coverage;
mod exclusivity;
#[cfg(test)]
mod tests;

pub use coverage::{best, credit_given, explain, reasons, ArticleFacts, Use};
pub use exclusivity::{exclusivity_conflict, overlap};

macro_rules! word_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(&self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;

            fn from_str(raw: &str) -> Result<Self, Self::Err> {
                match raw.trim().to_ascii_lowercase().as_str() {
                    $($text => Ok($name::$variant),)+
                    _ => Err(format!(
                        "'{raw}' is not one of: {}",
                        [$($text),+].join(", ")
                    )),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

word_enum!(
    /// What a partner does with an article. `sublicense` lets the licensee grant the other
    /// actions on; `text_data_mining` and `ai_training` are the uses TDMRep and IPTC PLUS name.
    Action {
        Republish = "republish",
        Excerpt = "excerpt",
        Translate = "translate",
        Adapt = "adapt",
        Archive = "archive",
        Sublicense = "sublicense",
        TextDataMining = "text_data_mining",
        AiTraining = "ai_training",
    }
);

word_enum!(
    /// Where a partner publishes it.
    Medium { Web = "web", Print = "print", App = "app", Newsletter = "newsletter", Broadcast = "broadcast", Social = "social" }
);

word_enum!(
    /// A license's standing, as set by the desk.
    LicenseStatus { Active = "active", Suspended = "suspended", Revoked = "revoked" }
);

word_enum!(
    /// A license's standing as answers show it and lists filter it: the desk's status, with
    /// `expired` for an active license whose last day has passed.
    LicenseState {
        Active = "active",
        Expired = "expired",
        Suspended = "suspended",
        Revoked = "revoked",
    }
);

impl LicenseState {
    /// The state of a license with this stored status and last day, on `today`.
    pub fn of(status: &str, valid_until: Option<NaiveDate>, today: NaiveDate) -> LicenseState {
        match status {
            "suspended" => LicenseState::Suspended,
            "revoked" => LicenseState::Revoked,
            _ if valid_until.is_some_and(|until| until < today) => LicenseState::Expired,
            _ => LicenseState::Active,
        }
    }
}

word_enum!(
    /// Why a license does not cover a use.
    Reason {
        Expired = "expired",
        NotYetValid = "not_yet_valid",
        Revoked = "revoked",
        Suspended = "suspended",
        ActionNotGranted = "action_not_granted",
        MediumNotGranted = "medium_not_granted",
        TerritoryNotGranted = "territory_not_granted",
        ArticleNotInFeed = "article_not_in_feed",
        Embargoed = "embargoed",
        UseLimitReached = "use_limit_reached",
        NoLicense = "no_license",
        CreditLineMissing = "credit_line_missing",
        UpstreamNotInForce = "upstream_not_in_force",
        NoUpstreamRight = "no_upstream_right",
        DataMiningReserved = "data_mining_reserved",
    }
);

/// Where a license applies: every country, or a list of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Territories {
    World,
    Countries(Vec<Country>),
}

impl Territories {
    /// Parses `["US", "CA"]` or `["WORLD"]`; WORLD stands alone.
    pub fn parse(raw: &[String]) -> Result<Territories, String> {
        if raw.is_empty() {
            return Err("name at least one territory (ISO 3166-1 alpha-2, or WORLD)".into());
        }
        if raw.iter().any(|t| t.trim().eq_ignore_ascii_case("WORLD")) {
            return if raw.len() == 1 {
                Ok(Territories::World)
            } else {
                Err("WORLD already covers every country; give it alone".into())
            };
        }
        let mut countries = raw
            .iter()
            .map(|t| t.parse::<Country>())
            .collect::<Result<Vec<_>, _>>()?;
        countries.sort();
        countries.dedup();
        Ok(Territories::Countries(countries))
    }

    pub fn contains(&self, country: Country) -> bool {
        match self {
            Territories::World => true,
            Territories::Countries(list) => list.contains(&country),
        }
    }

    pub fn intersects(&self, other: &Territories) -> bool {
        match (self, other) {
            (Territories::World, _) | (_, Territories::World) => true,
            (Territories::Countries(a), Territories::Countries(b)) => {
                a.iter().any(|c| b.contains(c))
            }
        }
    }

    pub fn codes(&self) -> Vec<String> {
        match self {
            Territories::World => vec!["WORLD".to_string()],
            Territories::Countries(list) => list.iter().map(|c| c.code().to_string()).collect(),
        }
    }
}

/// An inclusive date range; no end means open-ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateWindow {
    pub from: NaiveDate,
    pub until: Option<NaiveDate>,
}

impl DateWindow {
    pub fn new(from: NaiveDate, until: Option<NaiveDate>) -> Result<DateWindow, String> {
        match until {
            Some(until) if until < from => Err("must not end before it starts".into()),
            _ => Ok(DateWindow { from, until }),
        }
    }

    pub fn contains(&self, day: NaiveDate) -> bool {
        day >= self.from && self.until.is_none_or(|u| day <= u)
    }

    pub fn intersects(&self, other: &DateWindow) -> bool {
        let starts_before_other_ends = other.until.is_none_or(|u| self.from <= u);
        let other_starts_before_self_ends = self.until.is_none_or(|u| other.from <= u);
        starts_before_other_ends && other_starts_before_self_ends
    }
}

/// An optional, inclusive range of publication dates (a feed license's articles).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PublishedRange {
    pub from: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
}

impl PublishedRange {
    /// An article with no publication date is only in an unbounded range.
    pub fn contains(&self, published_on: Option<NaiveDate>) -> bool {
        match published_on {
            Some(day) => self.from.is_none_or(|f| day >= f) && self.until.is_none_or(|u| day <= u),
            None => self.from.is_none() && self.until.is_none(),
        }
    }

    pub fn intersects(&self, other: &PublishedRange) -> bool {
        let a_from = self.from.unwrap_or(NaiveDate::MIN);
        let b_from = other.from.unwrap_or(NaiveDate::MIN);
        let a_until = self.until.unwrap_or(NaiveDate::MAX);
        let b_until = other.until.unwrap_or(NaiveDate::MAX);
        a_from <= b_until && b_from <= a_until
    }
}

/// What a license is for: one article, or the grantor's feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coverage {
    Article(i64),
    Feed(PublishedRange),
}

/// A license's terms, as the rules need them.
#[derive(Debug, Clone)]
pub struct Terms {
    pub id: i64,
    pub grantor: i64,
    pub licensee: i64,
    pub coverage: Coverage,
    pub actions: Vec<Action>,
    pub media: Vec<Medium>,
    pub territories: Territories,
    pub window: DateWindow,
    pub exclusive: bool,
    pub status: LicenseStatus,
    pub max_reprints: Option<i32>,
}
