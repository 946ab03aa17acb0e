//! The emulated Mixed Reality STS and the bearer-token check of every ARR call.
//!
//! Tokens are HS256 JWTs signed with a key derived from the account key, so they stay valid
//! across restarts without storing a secret, and a token of one account never verifies as
//! another's. The payload carries the account id (`aid`) and `exp` 24 hours (configurable)
//! ahead in real time, and is built so that its base64url form contains no `-` or `_`: the
//! official Python SDK decodes it with standard base64.

use crate::config::Account;
use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use base64::Engine;
use ring::hmac;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// How many verified tokens [`Authenticator`] remembers (when full it forgets them all and
/// starts again): far more than the clients of one emulator hold at once, and small (a token
/// is a few hundred bytes).
const VERIFIED_CAPACITY: usize = 1024;

const HEADER: &str = r#"{"alg":"HS256","typ":"JWT"}"#;
const ISSUER: &str = "https://sts.mixedreality.azure.com";

struct AccountAuth {
    id: String,
    /// Tokens carry the generation they were issued in; revoking bumps it.
    generation: std::sync::atomic::AtomicU64,
    key: String,
    signing: hmac::Key,
    entra_tokens: Vec<String>,
}

/// What a token whose signature verified says. Checked again on every use: expiry,
/// revocation and the account in the path can differ from one request to the next.
#[derive(Clone, Copy)]
struct Verified {
    /// Which account signed it (an index into `ids`).
    account: usize,
    exp: i64,
    ver: u64,
}

/// Verified tokens by their signature part: the whole token and what it says.
type VerifiedTokens = HashMap<Box<str>, (Box<str>, Verified)>;

/// Accounts by lower-cased id, with their signing keys.
pub struct Authenticator {
    accounts: HashMap<String, Arc<AccountAuth>>,
    /// The same accounts with their lower-cased ids, indexed by `Verified::account` (a
    /// remembered token finds its account without hashing the id again).
    ids: Vec<(String, Arc<AccountAuth>)>,
    /// Tokens whose signature and claims were checked, with those claims. Verifying a token
    /// (base64, a JSON parse, HMAC-SHA-256) was a third of the instructions of an API request;
    /// a client sends the same token for its whole lifetime, so each is verified once. Only
    /// tokens that verified enter it, keyed by the whole token: a forged or altered one never
    /// matches and is verified in full. The map's hasher is keyed randomly per process, so a
    /// client cannot aim guesses at the slot of a stored token.
    /// Keyed by the signature part (hashing a whole token costs more than the rest of the
    /// lookup); a hit counts only when the whole token is the one that verified.
    verified: Mutex<VerifiedTokens>,
}

/// Why an ARR call is refused.
#[derive(Debug, PartialEq, Eq)]
pub enum AuthFailure {
    /// 401: no token, a malformed or forged one, or an expired one.
    Unauthorized(&'static str),
    /// 403: a valid token of another account.
    Forbidden,
}

impl Authenticator {
    pub fn new(accounts: &[Account]) -> Self {
        let accounts: HashMap<String, Arc<AccountAuth>> = accounts
            .iter()
            .map(|a| {
                let derived = hmac::sign(
                    &hmac::Key::new(hmac::HMAC_SHA256, a.key.expose().as_bytes()),
                    b"remote-rendering-emulator/sts-token-signing/v1",
                );
                (
                    a.id.to_ascii_lowercase(),
                    Arc::new(AccountAuth {
                        id: a.id.clone(),
                        generation: std::sync::atomic::AtomicU64::new(0),
                        key: a.key.expose().to_owned(),
                        signing: hmac::Key::new(hmac::HMAC_SHA256, derived.as_ref()),
                        entra_tokens: a
                            .entra_tokens
                            .iter()
                            .map(|t| t.expose().to_owned())
                            .collect(),
                    }),
                )
            })
            .collect();
        let ids = accounts
            .iter()
            .map(|(id, a)| (id.clone(), a.clone()))
            .collect();
        Authenticator {
            accounts,
            ids,
            verified: Mutex::new(HashMap::new()),
        }
    }

    /// The STS check: `Authorization: Bearer {accountId}:{accountKey}` (or an Entra token the
    /// account accepts) for the account in the path. Returns the account's canonical id.
    pub fn check_sts_credential(
        &self,
        path_account: &str,
        authorization: Option<&str>,
    ) -> Option<&str> {
        let account = self.accounts.get(&path_account.to_ascii_lowercase())?;
        let credential = bearer(authorization?)?;
        if let Some((id, key)) = credential.split_once(':') {
            if id.eq_ignore_ascii_case(&account.id) && constant_time_eq(key, &account.key) {
                return Some(&account.id);
            }
            return None;
        }
        account
            .entra_tokens
            .iter()
            .any(|t| constant_time_eq(t, credential))
            .then_some(account.id.as_str())
    }

    /// Issues a token for `account_id` valid from `now_secs` (real Unix time) for
    /// `lifetime_secs`.
    pub fn issue(&self, account_id: &str, now_secs: i64, lifetime_secs: i64) -> Option<String> {
        let account = self.accounts.get(&account_id.to_ascii_lowercase())?;
        // Every value here is digits, hex, '-' or plain words, and key order is fixed, so the
        // base64url form has no '-' or '_' (only '>', '?', '~' in the last byte of a 3-byte
        // group could produce them); `debug_assert` below keeps that true.
        let payload = format!(
            r#"{{"aid":"{}","iss":"{ISSUER}","iat":{now_secs},"nbf":{now_secs},"exp":{},"ver":{}}}"#,
            account.id.to_ascii_lowercase(),
            now_secs + lifetime_secs,
            account.generation.load(std::sync::atomic::Ordering::SeqCst)
        );
        let header = URL_SAFE_NO_PAD.encode(HEADER);
        let body = URL_SAFE_NO_PAD.encode(payload.as_bytes());
        debug_assert!(
            !body.contains(['-', '_']),
            "payload must decode as standard base64"
        );
        let signing_input = format!("{header}.{body}");
        let sig = hmac::sign(&account.signing, signing_input.as_bytes());
        Some(format!(
            "{signing_input}.{}",
            URL_SAFE_NO_PAD.encode(sig.as_ref())
        ))
    }

    /// The ARR check: a valid, unexpired token whose account is the one in the path.
    pub fn check_access_token(
        &self,
        path_account: &str,
        authorization: Option<&str>,
        now_secs: i64,
    ) -> Result<(), AuthFailure> {
        let token = authorization
            .and_then(bearer)
            .ok_or(AuthFailure::Unauthorized("missing bearer token"))?;
        let signature = token.rsplit('.').next().unwrap_or(token);
        let cached = self
            .verified
            .lock()
            .unwrap()
            .get(signature)
            // Not a secret: the signature part is the key, and the rest of a token is its
            // readable claims, so a plain comparison leaks nothing a client does not have.
            .filter(|(whole, _)| **whole == *token)
            .map(|(_, v)| *v);
        let Verified { account, exp, ver } = match cached {
            Some(v) => v,
            None => self.verify(token)?,
        };
        let (aid, issuer) = &self.ids[account];
        if exp <= now_secs {
            return Err(AuthFailure::Unauthorized("token expired"));
        }
        let generation = issuer.generation.load(std::sync::atomic::Ordering::SeqCst);
        if ver < generation {
            return Err(AuthFailure::Unauthorized("token revoked"));
        }
        if !aid.eq_ignore_ascii_case(path_account) {
            return Err(AuthFailure::Forbidden);
        }
        Ok(())
    }

    /// Checks a token's form and signature and reads its claims; remembers it once it verifies.
    fn verify(&self, token: &str) -> Result<Verified, AuthFailure> {
        let mut parts = token.split('.');
        let (Some(header), Some(payload), Some(sig), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(AuthFailure::Unauthorized("malformed token"));
        };
        let claims: serde_json::Value = decode_segment(payload)
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .ok_or(AuthFailure::Unauthorized("malformed token"))?;
        let aid = claims["aid"]
            .as_str()
            .ok_or(AuthFailure::Unauthorized("malformed token"))?
            .to_ascii_lowercase();
        let issuer = self
            .accounts
            .get(&aid)
            .ok_or(AuthFailure::Unauthorized("unknown account"))?;
        let sig_text = sig;
        let sig = decode_segment(sig).ok_or(AuthFailure::Unauthorized("malformed token"))?;
        hmac::verify(
            &issuer.signing,
            format!("{header}.{payload}").as_bytes(),
            &sig,
        )
        .map_err(|_| AuthFailure::Unauthorized("bad signature"))?;
        let exp = claims["exp"]
            .as_i64()
            .ok_or(AuthFailure::Unauthorized("malformed token"))?;
        let verified = Verified {
            account: self
                .ids
                .iter()
                .position(|(id, _)| *id == aid)
                .expect("every account has an id"),
            exp,
            ver: claims["ver"].as_u64().unwrap_or(0),
        };
        let mut cache = self.verified.lock().unwrap();
        if cache.len() >= VERIFIED_CAPACITY {
            cache.clear();
        }
        cache.insert(sig_text.into(), (token.into(), verified));
        Ok(verified)
    }
}

impl Authenticator {
    /// Makes every token issued so far for `account_id` invalid (401), as a key rotation
    /// would. Returns the account's new token generation (to save), `None` for an unknown
    /// account.
    pub fn revoke_tokens(&self, account_id: &str) -> Option<u64> {
        self.accounts
            .get(&account_id.to_ascii_lowercase())
            .map(|a| {
                a.generation
                    .fetch_add(1, std::sync::atomic::Ordering::SeqCst)
                    + 1
            })
    }

    /// Restores an account's token generation read from a state database (revocations before
    /// a restart stay in force).
    pub fn restore_generation(&self, account_id: &str, generation: u64) {
        if let Some(a) = self.accounts.get(&account_id.to_ascii_lowercase()) {
            a.generation
                .fetch_max(generation, std::sync::atomic::Ordering::SeqCst);
        }
    }
}

fn bearer(authorization: &str) -> Option<&str> {
    let (scheme, value) = authorization.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| value.trim())
        .filter(|v| !v.is_empty())
}

fn decode_segment(segment: &str) -> Option<Vec<u8>> {
    let trimmed = segment.trim_end_matches('=');
    URL_SAFE_NO_PAD
        .decode(trimmed)
        .or_else(|_| STANDARD_NO_PAD.decode(trimmed))
        .ok()
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn auth() -> Authenticator {
        Authenticator::new(&[
            Account::new("00000000-1111-2222-3333-444455556666", "key-a"),
            Account::new("AAAAAAAA-0000-0000-0000-000000000002", "key-b"),
        ])
    }

    #[test]
    fn sts_accepts_the_account_key_only() {
        let a = auth();
        let id = "00000000-1111-2222-3333-444455556666";
        assert!(a
            .check_sts_credential(id, Some(&format!("Bearer {id}:key-a")))
            .is_some());
        assert!(a
            .check_sts_credential(id, Some(&format!("bearer {id}:key-b")))
            .is_none());
        assert!(a
            .check_sts_credential(
                id,
                Some("Bearer aaaaaaaa-0000-0000-0000-000000000002:key-b")
            )
            .is_none());
        assert!(a.check_sts_credential(id, None).is_none());
        assert!(a
            .check_sts_credential("unknown", Some(&format!("Bearer {id}:key-a")))
            .is_none());
    }

    #[test]
    fn token_payload_decodes_with_standard_base64_and_carries_exp() {
        let a = auth();
        for now in [0i64, 1_700_000_000, 1_999_999_999, 2_147_000_000] {
            for id in [
                "00000000-1111-2222-3333-444455556666",
                "aaaaaaaa-0000-0000-0000-000000000002",
            ] {
                let t = a.issue(id, now, 86_400).unwrap();
                let payload = t.split('.').nth(1).unwrap();
                assert!(!payload.contains(['-', '_']), "{payload}");
                let bytes = STANDARD_NO_PAD.decode(payload).unwrap();
                let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
                assert_eq!(v["exp"], now + 86_400);
            }
        }
    }

    #[test]
    fn access_tokens_verify_for_their_account_only() {
        let a = auth();
        let id_a = "00000000-1111-2222-3333-444455556666";
        let id_b = "aaaaaaaa-0000-0000-0000-000000000002";
        let t = a.issue(id_a, 1000, 100).unwrap();
        let h = format!("Bearer {t}");
        assert_eq!(a.check_access_token(id_a, Some(&h), 1050), Ok(()));
        assert_eq!(
            a.check_access_token(id_b, Some(&h), 1050),
            Err(AuthFailure::Forbidden)
        );
        assert_eq!(
            a.check_access_token(id_a, Some(&h), 1100),
            Err(AuthFailure::Unauthorized("token expired"))
        );
        let forged = format!("Bearer {}x", t);
        assert!(matches!(
            a.check_access_token(id_a, Some(&forged), 1050),
            Err(AuthFailure::Unauthorized(_))
        ));
        assert!(matches!(
            a.check_access_token(id_a, Some("Bearer a.b.c"), 1050),
            Err(AuthFailure::Unauthorized(_))
        ));
        assert!(matches!(
            a.check_access_token(id_a, None, 1050),
            Err(AuthFailure::Unauthorized(_))
        ));
        // A token signed with B's key but claiming A is rejected.
        let tb = a.issue(id_b, 1000, 100).unwrap();
        let mut parts: Vec<&str> = tb.split('.').collect();
        let ta = a.issue(id_a, 1000, 100).unwrap();
        let pa = ta.split('.').nth(1).unwrap().to_owned();
        parts[1] = &pa;
        let spliced = format!("Bearer {}", parts.join("."));
        assert_eq!(
            a.check_access_token(id_a, Some(&spliced), 1050),
            Err(AuthFailure::Unauthorized("bad signature"))
        );
    }

    #[test]
    fn revoked_tokens_are_refused_and_new_ones_work() {
        let a = auth();
        let id = "00000000-1111-2222-3333-444455556666";
        let old = format!("Bearer {}", a.issue(id, 1000, 100).unwrap());
        // Verified (and remembered) before the revocation: refused after it all the same.
        assert_eq!(a.check_access_token(id, Some(&old), 1050), Ok(()));
        assert_eq!(a.revoke_tokens(id), Some(1));
        assert_eq!(a.revoke_tokens("unknown"), None);
        assert_eq!(
            a.check_access_token(id, Some(&old), 1050),
            Err(AuthFailure::Unauthorized("token revoked"))
        );
        let new = format!("Bearer {}", a.issue(id, 1000, 100).unwrap());
        assert_eq!(a.check_access_token(id, Some(&new), 1050), Ok(()));
    }
}
