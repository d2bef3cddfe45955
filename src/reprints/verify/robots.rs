//! A small robots.txt reader (RFC 9309): the group for our user agent (else `*`), its Allow and
//! Disallow rules, the longest match wins, Allow wins a tie; `*` and `$` in paths. Pure.

/// The rules that apply to one user agent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rules {
    /// (allow, path pattern)
    rules: Vec<(bool, String)>,
}

impl Rules {
    /// Everything allowed (no robots.txt, or one that could not be read as 4xx).
    pub fn allow_all() -> Rules {
        Rules::default()
    }

    /// Nothing allowed (robots.txt answered 5xx: the site is unwell, stay away).
    pub fn disallow_all() -> Rules {
        Rules {
            rules: vec![(false, "/".into())],
        }
    }

    /// The rules of `robots` for `agent` (matched on the product token, case-insensitive).
    pub fn parse(robots: &str, agent: &str) -> Rules {
        let agent = agent
            .split(['/', ' '])
            .next()
            .unwrap_or(agent)
            .to_ascii_lowercase();
        let mut mine: Vec<(bool, String)> = Vec::new();
        let mut star: Vec<(bool, String)> = Vec::new();
        let mut found_mine = false;
        // The agents of the group being read; a rule line closes the list of agents.
        let mut agents: Vec<String> = Vec::new();
        let mut in_rules = false;
        for line in robots.lines() {
            let line = line.split('#').next().unwrap_or("").trim();
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            let key = key.trim().to_ascii_lowercase();
            let value = value.trim();
            match key.as_str() {
                "user-agent" => {
                    if in_rules {
                        agents.clear();
                        in_rules = false;
                    }
                    agents.push(value.to_ascii_lowercase());
                }
                "allow" | "disallow" => {
                    in_rules = true;
                    if value.is_empty() {
                        continue;
                    }
                    let rule = (key == "allow", value.to_string());
                    if agents.contains(&agent) {
                        found_mine = true;
                        mine.push(rule.clone());
                    }
                    if agents.iter().any(|a| a == "*") {
                        star.push(rule);
                    }
                }
                _ => {}
            }
        }
        Rules {
            rules: if found_mine { mine } else { star },
        }
    }

    /// May `path` (with its query) be fetched?
    pub fn allows(&self, path: &str) -> bool {
        let mut best: Option<(usize, bool)> = None;
        for (allow, pattern) in &self.rules {
            if matches(pattern, path) {
                let len = pattern.len();
                let better = match best {
                    None => true,
                    Some((l, a)) => len > l || (len == l && *allow && !a),
                };
                if better {
                    best = Some((len, *allow));
                }
            }
        }
        best.is_none_or(|(_, allow)| allow)
    }
}

/// Does a robots.txt path pattern match the start of `path`? `*` is any run, `$` the end.
fn matches(pattern: &str, path: &str) -> bool {
    let (pattern, anchored) = match pattern.strip_suffix('$') {
        Some(p) => (p, true),
        None => (pattern, false),
    };
    let parts: Vec<&str> = pattern.split('*').collect();
    let mut at = 0;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            if !path.starts_with(part) {
                return false;
            }
            at = part.len();
        } else if let Some(found) = path[at..].find(part) {
            at += found + part.len();
        } else {
            return false;
        }
    }
    if !anchored {
        return true;
    }
    match parts.last() {
        Some(last) if parts.len() > 1 => path.ends_with(last) && path.len() >= at,
        _ => at == path.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROBOTS: &str = "\
# a comment
User-agent: *
Disallow: /private/
Allow: /private/ok.html

User-agent: Googlebot
User-agent: rightsdesk-verifier
Disallow: /news/drafts
Disallow: /*.pdf$
";

    #[test]
    fn our_group_wins_over_star() {
        let rules = Rules::parse(ROBOTS, "rightsdesk-verifier/0.1 (+https://x)");
        assert!(!rules.allows("/news/drafts/1"));
        assert!(!rules.allows("/a/b.pdf"));
        assert!(rules.allows("/a/b.pdf?x=1"));
        // the star group does not apply once ours exists
        assert!(rules.allows("/private/x"));
    }

    #[test]
    fn star_group_longest_match_allow_wins_ties() {
        let rules = Rules::parse(ROBOTS, "otherbot");
        assert!(!rules.allows("/private/x"));
        assert!(rules.allows("/private/ok.html"));
        assert!(rules.allows("/news/drafts"));
        let tie = Rules::parse("User-agent: *\nDisallow: /a\nAllow: /a\n", "x");
        assert!(tie.allows("/a"));
    }

    #[test]
    fn empty_and_extremes() {
        assert!(Rules::parse("", "x").allows("/anything"));
        assert!(Rules::parse("User-agent: *\nDisallow:\n", "x").allows("/a"));
        assert!(!Rules::parse("User-agent: *\nDisallow: /\n", "x").allows("/a"));
        assert!(!Rules::disallow_all().allows("/"));
        assert!(Rules::allow_all().allows("/"));
    }

    #[test]
    fn wildcards() {
        assert!(matches("/*/print", "/2025/print"));
        assert!(!matches("/*/print$", "/2025/print/x"));
        assert!(matches("/*/print$", "/2025/print"));
        assert!(matches("/a$", "/a"));
        assert!(!matches("/a$", "/ab"));
    }
}
