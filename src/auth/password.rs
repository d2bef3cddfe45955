//! Password hashing with argon2id (PHC strings), the password policy, and re-hashing when the
//! configured parameters change.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_PASSWORD_CHARS: usize = 256;

/// Passwords that leak first: refused whatever their length.
const COMMON_PASSWORDS: &[&str] = &[
    "password",
    "password1",
    "password12",
    "password123",
    "password1234",
    "passw0rd",
    "123456789012",
    "1234567890",
    "qwertyuiop",
    "qwertyuiop123",
    "iloveyou",
    "letmein",
    "letmeinplease",
    "administrator",
    "admin123456",
    "welcome123",
    "welcome12345",
    "changeme",
    "changeme123",
    "trustno1",
    "football",
    "baseball",
    "superman",
    "1q2w3e4r5t6y",
    "qwerty123456",
    "abcdefghijkl",
    "abc123456789",
    "monkey123456",
    "dragon123456",
    "sunshine",
    "princess",
    "rightsdesk",
    "rightsdesk123",
    "worthynews",
    "correcthorsebatterystaple",
];

/// Argon2id cost parameters (memory in KiB, iterations, lanes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashParams {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl HashParams {
    fn argon2(&self) -> anyhow::Result<Argon2<'static>> {
        let params = Params::new(self.memory_kib, self.iterations, self.parallelism, None)
            .map_err(|e| anyhow::anyhow!("invalid argon2 parameters: {e}"))?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }
}

/// Checks a new password against the policy; the message never repeats the password.
pub fn check_policy(password: &str) -> Result<(), String> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(format!(
            "must have at least {MIN_PASSWORD_CHARS} characters"
        ));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(format!("must have at most {MAX_PASSWORD_CHARS} characters"));
    }
    let lowered = password.to_lowercase();
    if COMMON_PASSWORDS.contains(&lowered.as_str()) {
        return Err("is one of the most common passwords; choose another".into());
    }
    if password
        .chars()
        .all(|c| c == password.chars().next().unwrap_or(' '))
    {
        return Err("must not repeat one character".into());
    }
    Ok(())
}

/// Hashes a password into a PHC string.
pub fn hash(password: &str, params: HashParams) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    let phc = params
        .argon2()?
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))?;
    Ok(phc.to_string())
}

/// The outcome of checking a password against a stored hash.
#[derive(Debug, PartialEq, Eq)]
pub enum Verified {
    No,
    Yes,
    /// Right password, but the hash uses other parameters: store a new one.
    YesRehash,
}

/// Verifies a password against a PHC string.
pub fn verify(password: &str, phc: &str, params: HashParams) -> Verified {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return Verified::No;
    };
    let Ok(argon) = params.argon2() else {
        return Verified::No;
    };
    if argon.verify_password(password.as_bytes(), &parsed).is_err() {
        return Verified::No;
    }
    let current = Params::try_from(&parsed).ok();
    let same = parsed.algorithm.as_str() == "argon2id"
        && current.is_some_and(|p| {
            p.m_cost() == params.memory_kib
                && p.t_cost() == params.iterations
                && p.p_cost() == params.parallelism
        });
    if same {
        Verified::Yes
    } else {
        Verified::YesRehash
    }
}

/// Spends about the time of one verification, for logins whose account does not exist.
pub fn verify_dummy(password: &str, params: HashParams) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let phc = DUMMY.get_or_init(|| hash("dummy password for timing", params).unwrap_or_default());
    let _ = verify(password, phc, params);
}

/// A strong random password (for the generated first admin).
pub fn generate() -> String {
    use rand::distributions::Alphanumeric;
    use rand::Rng;
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(24)
        .map(char::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const FAST: HashParams = HashParams {
        memory_kib: 1024,
        iterations: 1,
        parallelism: 1,
    };

    #[test]
    fn hashes_verify_and_differ() {
        let a = hash("correct horse battery", FAST).unwrap();
        let b = hash("correct horse battery", FAST).unwrap();
        assert_ne!(a, b);
        assert!(a.starts_with("$argon2id$"));
        assert_eq!(verify("correct horse battery", &a, FAST), Verified::Yes);
        assert_eq!(verify("wrong horse battery", &a, FAST), Verified::No);
        assert_eq!(verify("x", "not a hash", FAST), Verified::No);
    }

    #[test]
    fn other_parameters_ask_for_a_rehash() {
        let old = hash("correct horse battery", FAST).unwrap();
        let stronger = HashParams {
            memory_kib: 2048,
            ..FAST
        };
        assert_eq!(
            verify("correct horse battery", &old, stronger),
            Verified::YesRehash
        );
    }

    #[test]
    fn policy_refuses_short_and_common() {
        assert!(check_policy("short").is_err());
        assert!(check_policy("Password123").is_err());
        assert!(check_policy("password1234").is_err());
        assert!(check_policy("aaaaaaaaaaaaaaaa").is_err());
        assert!(check_policy("a sound long passphrase").is_ok());
    }
}
