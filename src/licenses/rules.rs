//! The rights rules, pure: does a license cover a use of an article, and if not, why not? Do two
//! licenses overlap? No storage, no HTTP: the store and the routes are thin around these.

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

use crate::types::Country;

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
    /// What a partner does with an article.
    Action { Republish = "republish", Excerpt = "excerpt", Translate = "translate", Adapt = "adapt", Archive = "archive" }
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

/// The facts of an article the rules need.
#[derive(Debug, Clone, Copy)]
pub struct ArticleFacts {
    pub id: i64,
    pub source_outlet: i64,
    pub published_on: Option<NaiveDate>,
    pub embargo_until: Option<NaiveDateTime>,
}

/// One intended use: an action in a medium (and territory), on a day, seen at a moment.
#[derive(Debug, Clone, Copy)]
pub struct Use {
    pub action: Action,
    pub medium: Medium,
    /// None: the use names no territory, so territory is not checked.
    pub territory: Option<Country>,
    pub on: NaiveDate,
    /// The moment compared with an embargo: now when `on` is today, else the start of `on`.
    pub at: NaiveDateTime,
}

impl Use {
    /// A use on `on`, seen from `now` (the embargo moment follows the rule above).
    pub fn new(
        action: Action,
        medium: Medium,
        territory: Option<Country>,
        on: NaiveDate,
        now: NaiveDateTime,
    ) -> Use {
        let at = if on == now.date() {
            now
        } else {
            on.and_time(chrono::NaiveTime::MIN)
        };
        Use {
            action,
            medium,
            territory,
            on,
            at,
        }
    }
}

/// Every reason the license does not cover the use; empty when it does. `uses` is how many
/// covered reprints the license already has.
pub fn reasons(terms: &Terms, article: &ArticleFacts, wanted: &Use, uses: i64) -> Vec<Reason> {
    let mut out = Vec::new();
    match terms.coverage {
        Coverage::Article(id) if id != article.id => out.push(Reason::ArticleNotInFeed),
        Coverage::Feed(range)
            if terms.grantor != article.source_outlet || !range.contains(article.published_on) =>
        {
            out.push(Reason::ArticleNotInFeed)
        }
        _ => {}
    }
    match terms.status {
        LicenseStatus::Revoked => out.push(Reason::Revoked),
        LicenseStatus::Suspended => out.push(Reason::Suspended),
        LicenseStatus::Active => {}
    }
    if wanted.on < terms.window.from {
        out.push(Reason::NotYetValid);
    }
    if terms.window.until.is_some_and(|until| wanted.on > until) {
        out.push(Reason::Expired);
    }
    if !terms.actions.contains(&wanted.action) {
        out.push(Reason::ActionNotGranted);
    }
    if !terms.media.contains(&wanted.medium) {
        out.push(Reason::MediumNotGranted);
    }
    if wanted
        .territory
        .is_some_and(|t| !terms.territories.contains(t))
    {
        out.push(Reason::TerritoryNotGranted);
    }
    if article.embargo_until.is_some_and(|lifts| wanted.at < lifts) {
        out.push(Reason::Embargoed);
    }
    if terms.max_reprints.is_some_and(|max| uses >= i64::from(max)) {
        out.push(Reason::UseLimitReached);
    }
    out
}

/// Of the licenses that cover a use, the one to name: the one that runs longest (open-ended
/// first), then the oldest.
pub fn best<'a>(covering: impl IntoIterator<Item = &'a Terms>) -> Option<&'a Terms> {
    covering.into_iter().max_by(|a, b| {
        let end = |t: &Terms| t.window.until.unwrap_or(NaiveDate::MAX);
        end(a).cmp(&end(b)).then(b.id.cmp(&a.id))
    })
}

/// Do two licenses of one grantor reach the same use? Same article (or an article inside a
/// feed's range, or two intersecting feed ranges), and intersecting territories, media and
/// windows. `published_on` gives the publication date of an article-scoped license's article.
pub fn overlap(a: &Terms, b: &Terms, published_on: impl Fn(i64) -> Option<NaiveDate>) -> bool {
    if a.grantor != b.grantor {
        return false;
    }
    let same_articles = match (a.coverage, b.coverage) {
        (Coverage::Article(x), Coverage::Article(y)) => x == y,
        (Coverage::Article(x), Coverage::Feed(range))
        | (Coverage::Feed(range), Coverage::Article(x)) => range.contains(published_on(x)),
        (Coverage::Feed(r1), Coverage::Feed(r2)) => r1.intersects(&r2),
    };
    same_articles
        && a.territories.intersects(&b.territories)
        && a.media.iter().any(|m| b.media.contains(m))
        && a.window.intersects(&b.window)
}

/// Does a license stand in the way of exclusivity? Another licensee, not revoked, overlapping,
/// and one of the two exclusive.
pub fn exclusivity_conflict(
    new: &Terms,
    existing: &Terms,
    published_on: impl Fn(i64) -> Option<NaiveDate>,
) -> bool {
    new.id != existing.id
        && new.licensee != existing.licensee
        && existing.status != LicenseStatus::Revoked
        && new.status != LicenseStatus::Revoked
        && (new.exclusive || existing.exclusive)
        && overlap(new, existing, published_on)
}

/// A credit line for comparison: lower case, letters and digits only.
fn credit_key(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Does the credit used contain the required one (ignoring case, punctuation and spacing)?
pub fn credit_given(required: &str, used: Option<&str>) -> bool {
    let required = credit_key(required);
    required.is_empty() || used.is_some_and(|u| credit_key(u).contains(&required))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn us() -> Country {
        "US".parse().unwrap()
    }

    /// The Worthy News feed license of the story: web, US and CA, 2025.
    fn feed_2025() -> Terms {
        Terms {
            id: 1,
            grantor: 10,
            licensee: 20,
            coverage: Coverage::Feed(PublishedRange::default()),
            actions: vec![Action::Republish],
            media: vec![Medium::Web],
            territories: Territories::parse(&["US".into(), "CA".into()]).unwrap(),
            window: DateWindow::new(day("2025-01-01"), Some(day("2025-12-31"))).unwrap(),
            exclusive: false,
            status: LicenseStatus::Active,
            max_reprints: None,
        }
    }

    fn article() -> ArticleFacts {
        ArticleFacts {
            id: 5,
            source_outlet: 10,
            published_on: Some(day("2025-02-23")),
            embargo_until: None,
        }
    }

    fn web_us(on: &str) -> Use {
        Use::new(
            Action::Republish,
            Medium::Web,
            Some(us()),
            day(on),
            day("2026-11-28").and_hms_opt(12, 0, 0).unwrap(),
        )
    }

    #[test]
    fn window_edges() {
        let t = feed_2025();
        assert_eq!(
            reasons(&t, &article(), &web_us("2024-12-31"), 0),
            vec![Reason::NotYetValid]
        );
        assert!(
            reasons(&t, &article(), &web_us("2025-01-01"), 0).is_empty(),
            "first day"
        );
        assert!(
            reasons(&t, &article(), &web_us("2025-12-31"), 0).is_empty(),
            "last day"
        );
        assert_eq!(
            reasons(&t, &article(), &web_us("2026-01-01"), 0),
            vec![Reason::Expired],
            "day after"
        );
        let open = Terms {
            window: DateWindow::new(day("2025-01-01"), None).unwrap(),
            ..feed_2025()
        };
        assert!(
            reasons(&open, &article(), &web_us("2099-01-01"), 0).is_empty(),
            "open end"
        );
    }

    #[test]
    fn each_reason() {
        let t = feed_2025();
        let a = article();
        let mut print = web_us("2025-06-01");
        print.medium = Medium::Print;
        assert_eq!(reasons(&t, &a, &print, 0), vec![Reason::MediumNotGranted]);
        let mut translate = web_us("2025-06-01");
        translate.action = Action::Translate;
        assert_eq!(
            reasons(&t, &a, &translate, 0),
            vec![Reason::ActionNotGranted]
        );
        let mut france = web_us("2025-06-01");
        france.territory = Some("FR".parse().unwrap());
        assert_eq!(
            reasons(&t, &a, &france, 0),
            vec![Reason::TerritoryNotGranted]
        );
        let mut anywhere = web_us("2025-06-01");
        anywhere.territory = None;
        assert!(
            reasons(&t, &a, &anywhere, 0).is_empty(),
            "no territory named: not checked"
        );
        let revoked = Terms {
            status: LicenseStatus::Revoked,
            ..feed_2025()
        };
        assert_eq!(
            reasons(&revoked, &a, &web_us("2025-06-01"), 0),
            vec![Reason::Revoked]
        );
        let suspended = Terms {
            status: LicenseStatus::Suspended,
            ..feed_2025()
        };
        assert_eq!(
            reasons(&suspended, &a, &web_us("2025-06-01"), 0),
            vec![Reason::Suspended]
        );
        let other_source = ArticleFacts {
            source_outlet: 11,
            ..a
        };
        assert_eq!(
            reasons(&t, &other_source, &web_us("2025-06-01"), 0),
            vec![Reason::ArticleNotInFeed]
        );
        let once = Terms {
            max_reprints: Some(1),
            ..feed_2025()
        };
        assert!(reasons(&once, &a, &web_us("2025-06-01"), 0).is_empty());
        assert_eq!(
            reasons(&once, &a, &web_us("2025-06-01"), 1),
            vec![Reason::UseLimitReached]
        );
        let several = reasons(
            &t,
            &a,
            &Use {
                medium: Medium::Print,
                ..web_us("2026-02-01")
            },
            0,
        );
        assert_eq!(several, vec![Reason::Expired, Reason::MediumNotGranted]);
    }

    #[test]
    fn feed_date_range_edges() {
        let range = PublishedRange {
            from: Some(day("2025-02-01")),
            until: Some(day("2025-02-28")),
        };
        let t = Terms {
            coverage: Coverage::Feed(range),
            ..feed_2025()
        };
        let on = |published: &str| ArticleFacts {
            published_on: Some(day(published)),
            ..article()
        };
        assert!(
            reasons(&t, &on("2025-02-01"), &web_us("2025-06-01"), 0).is_empty(),
            "first day of range"
        );
        assert!(
            reasons(&t, &on("2025-02-28"), &web_us("2025-06-01"), 0).is_empty(),
            "last day of range"
        );
        assert_eq!(
            reasons(&t, &on("2025-01-31"), &web_us("2025-06-01"), 0),
            vec![Reason::ArticleNotInFeed]
        );
        assert_eq!(
            reasons(&t, &on("2025-03-01"), &web_us("2025-06-01"), 0),
            vec![Reason::ArticleNotInFeed]
        );
        let undated = ArticleFacts {
            published_on: None,
            ..article()
        };
        assert_eq!(
            reasons(&t, &undated, &web_us("2025-06-01"), 0),
            vec![Reason::ArticleNotInFeed]
        );
        assert!(
            reasons(&feed_2025(), &undated, &web_us("2025-06-01"), 0).is_empty(),
            "unbounded feed"
        );
    }

    #[test]
    fn article_scope_and_embargo() {
        let t = Terms {
            coverage: Coverage::Article(5),
            ..feed_2025()
        };
        assert!(reasons(&t, &article(), &web_us("2025-06-01"), 0).is_empty());
        let other = ArticleFacts { id: 6, ..article() };
        assert_eq!(
            reasons(&t, &other, &web_us("2025-06-01"), 0),
            vec![Reason::ArticleNotInFeed]
        );

        let lifts = day("2025-06-02").and_hms_opt(9, 0, 0).unwrap();
        let embargoed = ArticleFacts {
            embargo_until: Some(lifts),
            ..article()
        };
        assert_eq!(
            reasons(&t, &embargoed, &web_us("2025-06-01"), 0),
            vec![Reason::Embargoed]
        );
        assert_eq!(
            reasons(&t, &embargoed, &web_us("2025-06-02"), 0),
            vec![Reason::Embargoed],
            "the day it lifts, at 00:00"
        );
        assert!(reasons(&t, &embargoed, &web_us("2025-06-03"), 0).is_empty());
        // Asked today, the moment is now.
        let now_before = Use::new(
            Action::Republish,
            Medium::Web,
            None,
            day("2025-06-02"),
            day("2025-06-02").and_hms_opt(8, 0, 0).unwrap(),
        );
        let now_after = Use::new(
            Action::Republish,
            Medium::Web,
            None,
            day("2025-06-02"),
            day("2025-06-02").and_hms_opt(10, 0, 0).unwrap(),
        );
        assert_eq!(
            reasons(&t, &embargoed, &now_before, 0),
            vec![Reason::Embargoed]
        );
        assert!(reasons(&t, &embargoed, &now_after, 0).is_empty());
    }

    #[test]
    fn overlap_rules() {
        let a = Terms {
            exclusive: true,
            ..feed_2025()
        };
        let b = Terms {
            id: 2,
            licensee: 21,
            ..feed_2025()
        };
        let no_dates = |_| None;
        assert!(overlap(&a, &b, no_dates));
        assert!(exclusivity_conflict(&b, &a, no_dates));
        // Other media, territories, windows, grantor, or the same licensee: no conflict.
        assert!(!exclusivity_conflict(
            &Terms {
                media: vec![Medium::Print],
                ..b.clone()
            },
            &a,
            no_dates
        ));
        let fr = Territories::parse(&["FR".into()]).unwrap();
        assert!(!exclusivity_conflict(
            &Terms {
                territories: fr,
                ..b.clone()
            },
            &a,
            no_dates
        ));
        let world = Territories::parse(&["WORLD".into()]).unwrap();
        assert!(exclusivity_conflict(
            &Terms {
                territories: world,
                ..b.clone()
            },
            &a,
            no_dates
        ));
        let next_year = DateWindow::new(day("2026-01-01"), None).unwrap();
        assert!(!exclusivity_conflict(
            &Terms {
                window: next_year,
                ..b.clone()
            },
            &a,
            no_dates
        ));
        let touching = DateWindow::new(day("2025-12-31"), None).unwrap();
        assert!(exclusivity_conflict(
            &Terms {
                window: touching,
                ..b.clone()
            },
            &a,
            no_dates
        ));
        assert!(!exclusivity_conflict(
            &Terms {
                grantor: 99,
                ..b.clone()
            },
            &a,
            no_dates
        ));
        assert!(!exclusivity_conflict(
            &Terms {
                licensee: 20,
                ..b.clone()
            },
            &a,
            no_dates
        ));
        assert!(!exclusivity_conflict(
            &b,
            &Terms {
                status: LicenseStatus::Revoked,
                ..a.clone()
            },
            no_dates
        ));
        assert!(!exclusivity_conflict(
            &b,
            &Terms {
                exclusive: false,
                ..a.clone()
            },
            no_dates
        ));
        // An article inside, or outside, an exclusive feed range.
        let range = PublishedRange {
            from: Some(day("2025-02-01")),
            until: Some(day("2025-02-28")),
        };
        let ranged = Terms {
            coverage: Coverage::Feed(range),
            ..a.clone()
        };
        let one = Terms {
            coverage: Coverage::Article(5),
            ..b.clone()
        };
        assert!(exclusivity_conflict(&one, &ranged, |_| Some(day(
            "2025-02-23"
        ))));
        assert!(!exclusivity_conflict(&one, &ranged, |_| Some(day(
            "2025-03-23"
        ))));
    }

    #[test]
    fn territories_parse() {
        assert_eq!(
            Territories::parse(&["WORLD".into()]).unwrap(),
            Territories::World
        );
        assert!(Territories::parse(&["WORLD".into(), "US".into()]).is_err());
        assert!(Territories::parse(&[]).is_err());
        assert!(Territories::parse(&["ZZ".into()]).is_err());
        assert_eq!(
            Territories::parse(&["ca".into(), "US".into(), "CA".into()])
                .unwrap()
                .codes(),
            vec!["CA", "US"]
        );
    }

    #[test]
    fn credit_lines_compare_loosely() {
        let required = "This article was originally published on Worthy News and was reproduced with permission.";
        assert!(credit_given(required, Some("this article was originally published on worthy news, and was reproduced with permission")));
        assert!(credit_given(
            required,
            Some(&format!("Photo: AP. {required}"))
        ));
        assert!(!credit_given(required, Some("Source: Worthy News")));
        assert!(!credit_given(required, None));
        assert!(credit_given("", None));
    }

    #[test]
    fn best_prefers_the_longest_running() {
        let short = feed_2025();
        let open = Terms {
            id: 2,
            window: DateWindow::new(day("2025-01-01"), None).unwrap(),
            ..feed_2025()
        };
        assert_eq!(best([&short, &open]).unwrap().id, 2);
        assert_eq!(best([&short]).unwrap().id, 1);
    }
}
