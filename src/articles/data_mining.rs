//! Text and data mining, AI training: the IPTC PLUS data-mining values an article or a license
//! carries, the default an article gets from what its republication rests on, and what a
//! publishing site states for it under W3C TDMRep.

use std::str::FromStr;

use serde::Serialize;

use super::PermissionKind;

/// The IPTC PLUS vocabulary the values are taken from.
pub const PLUS_VOCAB: &str = "http://ns.useplus.org/ldf/vocab/";

/// Whether and how an article may be mined or used to train AI (IPTC PLUS data-mining values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DataMining {
    Unspecified,
    Allowed,
    Prohibited,
    ProhibitedAiTraining,
    ProhibitedGenaiTraining,
    ProhibitedExceptSearchIndexing,
}

impl DataMining {
    pub const ALL: [DataMining; 6] = [
        DataMining::Unspecified,
        DataMining::Allowed,
        DataMining::Prohibited,
        DataMining::ProhibitedAiTraining,
        DataMining::ProhibitedGenaiTraining,
        DataMining::ProhibitedExceptSearchIndexing,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            DataMining::Unspecified => "unspecified",
            DataMining::Allowed => "allowed",
            DataMining::Prohibited => "prohibited",
            DataMining::ProhibitedAiTraining => "prohibited_ai_training",
            DataMining::ProhibitedGenaiTraining => "prohibited_genai_training",
            DataMining::ProhibitedExceptSearchIndexing => "prohibited_except_search_indexing",
        }
    }

    /// The PLUS term, e.g. `http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED-AIMLTRAINING`.
    pub fn uri(&self) -> String {
        let term = match self {
            DataMining::Unspecified => "DMI-UNSPECIFIED",
            DataMining::Allowed => "DMI-ALLOWED",
            DataMining::Prohibited => "DMI-PROHIBITED",
            DataMining::ProhibitedAiTraining => "DMI-PROHIBITED-AIMLTRAINING",
            DataMining::ProhibitedGenaiTraining => "DMI-PROHIBITED-GENAIMLTRAINING",
            DataMining::ProhibitedExceptSearchIndexing => {
                "DMI-PROHIBITED-EXCEPTSEARCHENGINEINDEXING"
            }
        };
        format!("{PLUS_VOCAB}{term}")
    }

    /// Reads a value or its PLUS term back.
    pub fn from_uri(raw: &str) -> Option<DataMining> {
        DataMining::ALL
            .into_iter()
            .find(|d| d.uri() == raw || d.as_str() == raw)
    }

    /// The default of an article: reserved when it is held on permission, syndication or a
    /// licence (any kind but none, a bare copyright notice and a stated reservation).
    pub fn default_for(kind: Option<PermissionKind>) -> DataMining {
        match kind {
            None | Some(PermissionKind::CopyrightNotice | PermissionKind::AllRightsReserved) => {
                DataMining::Unspecified
            }
            Some(_) => DataMining::Prohibited,
        }
    }

    /// Does it reserve text and data mining?
    pub fn reserves_mining(&self) -> bool {
        matches!(
            self,
            DataMining::Prohibited | DataMining::ProhibitedExceptSearchIndexing
        )
    }

    /// Does it reserve training AI on the text?
    pub fn reserves_ai_training(&self) -> bool {
        !matches!(self, DataMining::Unspecified | DataMining::Allowed)
    }

    /// The TDMRep `tdm-reservation` value: 1 when any use is reserved.
    pub fn tdm_reservation(&self) -> u8 {
        u8::from(self.reserves_ai_training())
    }
}

impl FromStr for DataMining {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        DataMining::ALL
            .into_iter()
            .find(|d| d.as_str() == raw.trim())
            .ok_or_else(|| {
                format!(
                    "'{raw}' is not one of: {}",
                    DataMining::ALL.map(|d| d.as_str()).join(", ")
                )
            })
    }
}

impl std::fmt::Display for DataMining {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a publishing site should send for an article (`GET /v1/articles/{id}/tdm`).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TdmAnswer {
    pub article_id: i64,
    /// 1: text and data mining rights are reserved; 0: not reserved
    pub tdm_reservation: u8,
    pub tdm_policy: Option<String>,
    pub data_mining: DataMining,
    pub data_mining_uri: String,
    /// The HTTP headers to send with the article's page
    #[schema(value_type = Object)]
    pub headers: serde_json::Map<String, serde_json::Value>,
    /// The same as HTML `<meta>` elements for the page's head
    pub html_meta: String,
}

/// The TDMRep headers for a value and a policy.
pub fn headers(value: DataMining, policy: Option<&str>) -> Vec<(&'static str, String)> {
    let mut out = vec![("tdm-reservation", value.tdm_reservation().to_string())];
    if let Some(policy) = policy {
        out.push(("tdm-policy", policy.to_string()));
    }
    out
}

pub fn tdm_answer(article_id: i64, value: DataMining, policy: Option<&str>) -> TdmAnswer {
    let pairs = headers(value, policy);
    let html_meta = pairs
        .iter()
        .map(|(name, v)| {
            format!(
                "<meta name=\"{name}\" content=\"{}\">",
                html_escape::encode_double_quoted_attribute(v)
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    TdmAnswer {
        article_id,
        tdm_reservation: value.tdm_reservation(),
        tdm_policy: policy.map(str::to_string),
        data_mining: value,
        data_mining_uri: value.uri(),
        headers: pairs
            .into_iter()
            .map(|(k, v)| (k.to_string(), serde_json::Value::String(v)))
            .collect(),
        html_meta,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_and_default_from_the_permission() {
        for d in DataMining::ALL {
            assert_eq!(d.as_str().parse::<DataMining>().unwrap(), d);
            assert_eq!(DataMining::from_uri(&d.uri()), Some(d));
        }
        assert_eq!(
            DataMining::default_for(Some(PermissionKind::ReproducedWithPermission)),
            DataMining::Prohibited
        );
        assert_eq!(
            DataMining::default_for(Some(PermissionKind::CopyrightNotice)),
            DataMining::Unspecified
        );
        assert_eq!(DataMining::default_for(None), DataMining::Unspecified);
        assert!(DataMining::ProhibitedAiTraining.reserves_ai_training());
        assert!(!DataMining::ProhibitedAiTraining.reserves_mining());
        let answer = tdm_answer(1, DataMining::Prohibited, Some("https://x.test/p"));
        assert_eq!(answer.headers["tdm-reservation"], "1");
        assert!(answer.html_meta.contains("name=\"tdm-policy\""));
    }
}
