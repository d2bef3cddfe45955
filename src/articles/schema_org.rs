//! schema.org JSON-LD for an article, for a partner to paste into the page that republishes it:
//! a `NewsArticle` carrying the original's rights (`copyrightHolder`, `copyrightYear`,
//! `copyrightNotice`, `creditText`, `license`) and pointing at the original with `isBasedOn`.
//! Pure; `GET /v1/articles/{id}` with `Accept: application/ld+json` serves it.

use serde_json::{json, Map, Value};

use super::store::ArticleRow;
use crate::outlets::store::OutletRow;

pub const SCHEMA_ORG: &str = "https://schema.org";

fn organization(name: &str, url: Option<&str>) -> Value {
    let mut org = json!({"@type": "Organization", "name": name});
    if let Some(url) = url {
        org["url"] = json!(url);
    }
    org
}

/// The markup for `article`, first published by `source`.
pub fn markup(article: &ArticleRow, source: &OutletRow) -> Value {
    let original_publisher = article
        .original_publisher
        .as_deref()
        .unwrap_or(&source.name);
    let publisher_url = (original_publisher == source.name)
        .then_some(source.website.as_deref())
        .flatten();

    let mut original = Map::new();
    original.insert("@type".into(), json!("NewsArticle"));
    original.insert("headline".into(), json!(article.title));
    if let Some(url) = &article.url {
        original.insert("@id".into(), json!(url));
        original.insert("url".into(), json!(url));
    }
    if let Some(day) = article.published_on {
        original.insert("datePublished".into(), json!(day.to_string()));
    }
    original.insert(
        "publisher".into(),
        organization(original_publisher, publisher_url),
    );

    let mut doc = Map::new();
    doc.insert("@context".into(), json!(SCHEMA_ORG));
    doc.insert("@type".into(), json!("NewsArticle"));
    doc.insert("headline".into(), json!(article.title));
    if let Some(byline) = &article.byline {
        doc.insert("author".into(), json!({"@type": "Person", "name": byline}));
    }
    if let Some(day) = article.published_on {
        doc.insert("datePublished".into(), json!(day.to_string()));
    }
    let holder = article
        .copyright_holder
        .as_deref()
        .unwrap_or(original_publisher);
    doc.insert(
        "copyrightHolder".into(),
        organization(
            holder,
            (holder == source.name)
                .then_some(source.website.as_deref())
                .flatten(),
        ),
    );
    if let Some(year) = article.copyright_year_to.or(article.copyright_year_from) {
        doc.insert("copyrightYear".into(), json!(year));
    }
    if let Some(line) = &article.copyright_line {
        doc.insert("copyrightNotice".into(), json!(line));
    }
    if let Some(credit) = &article.permission_statement {
        doc.insert("creditText".into(), json!(credit));
    }
    if let Some(license) = &article.license_name {
        let value = if license.starts_with("http://") || license.starts_with("https://") {
            json!(license)
        } else {
            json!({"@type": "CreativeWork", "name": license})
        };
        doc.insert("license".into(), value);
    }
    doc.insert("isBasedOn".into(), Value::Object(original));
    doc.insert(
        "identifier".into(),
        json!(format!("urn:rightsdesk:article:{}", article.id)),
    );
    Value::Object(doc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn the_worthy_news_story() {
        let now = crate::types::now();
        let article = ArticleRow {
            id: 1,
            source_outlet_id: 1,
            title: "Ukrainian President Open To Resign In Exchange For NATO Membership".into(),
            byline: Some("Stefan J. Bos, Chief International Correspondent Worthy News".into()),
            url: Some("https://www.worthynews.com/zelenskyy".into()),
            published_on: NaiveDate::from_ymd_opt(2025, 2, 23),
            external_id: None,
            copyright_line: Some("Copyright 1999-2025 Worthy News.".into()),
            copyright_holder: Some("Worthy News".into()),
            copyright_year_from: Some(1999),
            copyright_year_to: Some(2025),
            permission_statement: Some(
                "This article was originally published on Worthy News and was reproduced with permission.".into(),
            ),
            original_publisher: Some("Worthy News".into()),
            permission_kind: Some("reproduced_with_permission".into()),
            license_name: None,
            embargo_until: None,
            text_hash: None,
            created_at: now,
            updated_at: now,
            deleted_at: None,
            original_outlet_id: None,
            data_mining: None,
            tdm_policy_url: None,
        };
        let outlet = OutletRow {
            id: 1,
            name: "Worthy News".into(),
            website: Some("https://www.worthynews.com".into()),
            country: Some("US".into()),
            contact_emails: "syndication@worthynews.com".into(),
            notes: None,
            active: true,
            created_at: now,
            updated_at: now,
            deleted_at: None,
            contacts: None,
            account_manager_user_id: None,
        };
        let doc = markup(&article, &outlet);
        assert_eq!(doc["copyrightHolder"]["name"], "Worthy News");
        assert_eq!(doc["copyrightHolder"]["url"], "https://www.worthynews.com");
        assert_eq!(doc["copyrightYear"], 2025);
        assert_eq!(doc["copyrightNotice"], "Copyright 1999-2025 Worthy News.");
        assert!(doc["creditText"]
            .as_str()
            .unwrap()
            .contains("reproduced with permission"));
        assert_eq!(
            doc["isBasedOn"]["url"],
            "https://www.worthynews.com/zelenskyy"
        );
        assert_eq!(doc["isBasedOn"]["publisher"]["name"], "Worthy News");
        assert!(doc.get("license").is_none());
    }
}
