//! Password hashing with argon2id (the `argon2` crate's default algorithm and parameters)
//! on a small fixed pool of threads, each keeping one working memory for all its hashes.
//!
//! Argon2 needs 19 MiB of memory per hash. Allocated per call on tokio's blocking
//! threads, that memory stayed with the allocator's per-thread arenas and the process
//! grew by megabytes with every log-in; parallel log-ins made it worse. Here at most
//! [`workers`] hashes run at once, each in memory allocated once, so what hashing
//! costs is fixed however many log-ins arrive; the rest wait their turn in a bounded queue.

use argon2::{
    Algorithm, Argon2, Block, Params, Version,
    password_hash::phc::{Output, ParamsString, PasswordHash, Salt},
};
use std::sync::{Arc, Mutex, OnceLock};
use tokio::sync::{mpsc, oneshot};

/// Longest password accepted, in bytes (Baserow's limit is 256 characters): a longer one
/// is refused before any hashing.
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// The largest memory cost (KiB) a stored hash may ask of a verification: hashes made
/// with other parameters still verify, but none can make a worker hold more than this.
const MAX_MEMORY_KIB: u32 = 64 * 1024;

/// Hashes waiting for a worker, beyond those running; callers wait for room.
const QUEUE: usize = 256;

enum Job {
    Hash {
        password: String,
        reply: oneshot::Sender<anyhow::Result<String>>,
    },
    Verify {
        password: String,
        stored: String,
        reply: oneshot::Sender<bool>,
    },
}

/// How many hashes run at once: one per core, at most four (each holds 19 MiB).
pub fn workers() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 4)
}

fn pool() -> &'static mpsc::Sender<Job> {
    static POOL: OnceLock<mpsc::Sender<Job>> = OnceLock::new();
    POOL.get_or_init(|| {
        let (tx, rx) = mpsc::channel(QUEUE);
        let rx = Arc::new(Mutex::new(rx));
        for i in 0..workers() {
            let rx = rx.clone();
            // A worker that cannot start leaves the others; with none, calls fail cleanly.
            let _ = std::thread::Builder::new()
                .name(format!("password-{i}"))
                .spawn(move || work(&rx));
        }
        tx
    })
}

/// One worker: takes jobs until the process ends, always hashing in the same memory.
fn work(jobs: &Mutex<mpsc::Receiver<Job>>) {
    let mut memory = vec![Block::new(); Params::default().block_count()];
    loop {
        let job = match jobs.lock() {
            Ok(mut rx) => rx.blocking_recv(),
            Err(_) => None,
        };
        match job {
            Some(Job::Hash { password, reply }) => {
                let _ = reply.send(hash_in(&mut memory, password.as_bytes()));
            }
            Some(Job::Verify {
                password,
                stored,
                reply,
            }) => {
                let _ = reply.send(verify_in(&mut memory, password.as_bytes(), &stored));
            }
            None => return,
        }
    }
}

fn hash_in(memory: &mut Vec<Block>, password: &[u8]) -> anyhow::Result<String> {
    let salt = argon2::password_hash::try_generate_salt()
        .map_err(|e| anyhow::anyhow!("no random salt: {e}"))?;
    let params = Params::default();
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    fill(&argon, memory, password, &salt, &mut out)?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(phc_error)?,
        salt: Some(Salt::new(&salt).map_err(phc_error)?),
        hash: Some(Output::new(&out).map_err(phc_error)?),
    };
    Ok(phc.to_string())
}

fn verify_in(memory: &mut Vec<Block>, password: &[u8], stored: &str) -> bool {
    let Ok(phc) = PasswordHash::new(stored) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (&phc.salt, &phc.hash) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(phc.algorithm.as_str()) else {
        return false;
    };
    let Ok(version) = Version::try_from(phc.version.unwrap_or(Version::V0x13.into())) else {
        return false;
    };
    let Ok(params) = Params::try_from(&phc) else {
        return false;
    };
    if params.m_cost() > MAX_MEMORY_KIB {
        return false;
    }
    let mut out = vec![0u8; expected.len()];
    let argon = Argon2::new(algorithm, version, params);
    if fill(&argon, memory, password, salt, &mut out).is_err() {
        return false;
    }
    // `Output` compares in constant time.
    Output::new(&out).is_ok_and(|computed| &computed == expected)
}

/// Runs argon2 in the worker's memory, growing it (once, up to the cap) for a stored hash
/// made with a larger memory cost.
fn fill(
    argon: &Argon2<'_>,
    memory: &mut Vec<Block>,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
) -> anyhow::Result<()> {
    let needed = argon.params().block_count();
    if memory.len() < needed {
        memory.resize(needed, Block::new());
    }
    argon
        .hash_password_into_with_memory(password, salt, out, &mut memory[..])
        .map_err(|e| anyhow::anyhow!("password hashing failed: {e}"))
}

fn phc_error(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("password hash encoding failed: {e}")
}

/// Hashes a password into a PHC string, on the hashing pool.
pub async fn hash(password: &str) -> anyhow::Result<String> {
    anyhow::ensure!(
        password.len() <= MAX_PASSWORD_BYTES,
        "password longer than {MAX_PASSWORD_BYTES} bytes"
    );
    let (reply, answer) = oneshot::channel();
    let job = Job::Hash {
        password: password.to_owned(),
        reply,
    };
    pool()
        .send(job)
        .await
        .map_err(|_| anyhow::anyhow!("password hashing pool is not running"))?;
    answer
        .await
        .map_err(|_| anyhow::anyhow!("password hashing worker stopped"))?
}

/// True when `password` matches the stored PHC hash. A password longer than
/// [`MAX_PASSWORD_BYTES`] never matches and costs no hashing.
pub async fn verify(password: &str, stored_hash: &str) -> bool {
    if password.len() > MAX_PASSWORD_BYTES {
        return false;
    }
    let (reply, answer) = oneshot::channel();
    let job = Job::Verify {
        password: password.to_owned(),
        stored: stored_hash.to_owned(),
        reply,
    };
    if pool().send(job).await.is_err() {
        return false;
    }
    answer.await.unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use argon2::{PasswordHasher, PasswordVerifier};

    #[tokio::test]
    async fn hashes_are_argon2id_salted_and_verifiable() {
        let a = super::hash("password123").await.unwrap();
        let b = super::hash("password123").await.unwrap();
        assert!(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{a}");
        assert_ne!(a, b, "salts differ");
        assert!(super::verify("password123", &a).await);
        assert!(!super::verify("password124", &a).await);
        assert!(!super::verify("password123", "not a hash").await);
    }

    #[tokio::test]
    async fn hashes_made_in_reused_memory_agree_with_the_argon2_crate_both_ways() {
        // The pool's memory is dirty from earlier hashes; results must not depend on it.
        for i in 0..3 {
            let ours = super::hash(&format!("secret {i}")).await.unwrap();
            argon2::Argon2::default()
                .verify_password(format!("secret {i}").as_bytes(), ours.as_str())
                .unwrap();
            let theirs = argon2::Argon2::default()
                .hash_password(format!("other {i}").as_bytes())
                .unwrap()
                .to_string();
            assert!(super::verify(&format!("other {i}"), &theirs).await);
            assert!(!super::verify(&format!("other {}", i + 1), &theirs).await);
        }
    }

    #[tokio::test]
    async fn hashes_of_other_parameters_verify_and_oversized_costs_are_refused() {
        let params = argon2::Params::new(8 * 1024, 1, 2, None).unwrap();
        let small = argon2::Argon2::new(argon2::Algorithm::Argon2i, argon2::Version::V0x13, params)
            .hash_password(b"pw")
            .unwrap()
            .to_string();
        assert!(super::verify("pw", &small).await);
        let huge = "$argon2id$v=19$m=4194304,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$4fL5qMd0fR3vJm9dAFc8Eq2S2CGvmHmvrI3zw5n7x6A";
        assert!(!super::verify("pw", huge).await);
    }

    #[tokio::test]
    async fn overlong_passwords_are_refused_without_hashing() {
        let long = "x".repeat(super::MAX_PASSWORD_BYTES + 1);
        assert!(super::hash(&long).await.is_err());
        let stored = super::hash("short").await.unwrap();
        assert!(!super::verify(&long, &stored).await);
    }
}
