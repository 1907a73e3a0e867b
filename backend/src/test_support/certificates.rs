//! Certificates for TLS tests, made with the `openssl` command: a certificate authority of
//! the test's own and server certificates it signs for one host name each.

use anyhow::{Context, bail};
use std::{
    path::{Path, PathBuf},
    process::{Command, Stdio},
};

/// A certificate authority: its key and self-signed certificate in a directory.
pub struct Authority {
    dir: PathBuf,
    name: String,
}

/// A server certificate and its key, as PEM files.
pub struct ServerCertificate {
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl Authority {
    /// Creates `<name>.key` and `<name>.pem` in `dir` (P-256 keys: quick to make).
    pub fn create(dir: &Path, name: &str) -> anyhow::Result<Self> {
        let authority = Self {
            dir: dir.to_owned(),
            name: name.to_owned(),
        };
        openssl(
            Command::new("openssl")
                .args(["req", "-x509", "-nodes", "-days", "2"])
                .args(P256)
                .args(["-subj", &format!("/CN={name}")])
                .args(["-addext", "basicConstraints=critical,CA:TRUE"])
                .args(["-addext", "keyUsage=critical,keyCertSign,cRLSign"])
                .arg("-keyout")
                .arg(authority.file("key"))
                .arg("-out")
                .arg(authority.cert_file()),
        )?;
        Ok(authority)
    }

    /// The authority's certificate (what a client is told to trust).
    pub fn cert_file(&self) -> PathBuf {
        self.file("pem")
    }

    /// A certificate for `host` (its only subject alternative name), signed by this
    /// authority, written as `<stem>.pem` and `<stem>.key` next to it.
    pub fn issue(&self, stem: &str, host: &str) -> anyhow::Result<ServerCertificate> {
        let key = self.dir.join(format!("{stem}.key"));
        let request = self.dir.join(format!("{stem}.csr"));
        let cert = self.dir.join(format!("{stem}.pem"));
        let extensions = self.dir.join(format!("{stem}.ext"));
        std::fs::write(
            &extensions,
            format!(
                "subjectAltName=DNS:{host}\nbasicConstraints=critical,CA:FALSE\n\
                 keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n"
            ),
        )?;
        openssl(
            Command::new("openssl")
                .args(["req", "-new", "-nodes"])
                .args(P256)
                .args(["-subj", &format!("/CN={host}")])
                .arg("-keyout")
                .arg(&key)
                .arg("-out")
                .arg(&request),
        )?;
        let serial = format!("0x{}", uuid::Uuid::new_v4().simple());
        openssl(
            Command::new("openssl")
                .args(["x509", "-req", "-days", "2", "-set_serial", &serial])
                .arg("-in")
                .arg(&request)
                .arg("-CA")
                .arg(self.cert_file())
                .arg("-CAkey")
                .arg(self.file("key"))
                .arg("-extfile")
                .arg(&extensions)
                .arg("-out")
                .arg(&cert),
        )?;
        Ok(ServerCertificate { cert, key })
    }

    fn file(&self, extension: &str) -> PathBuf {
        self.dir.join(format!("{}.{extension}", self.name))
    }
}

/// A new P-256 key.
const P256: [&str; 4] = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"];

fn openssl(command: &mut Command) -> anyhow::Result<()> {
    let out = command
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .context("the openssl command runs")?;
    if !out.status.success() {
        bail!("openssl failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(())
}
